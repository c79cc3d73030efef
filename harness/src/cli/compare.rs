//! `statbench compare`: two sides in, a verdict and an exit code out.

use crate::compare::{compare, CompareSettings, Comparison};
use crate::error::{Error, Result};
use crate::export::{render, Format};
use crate::files::atomic_write;
use crate::store::{Baseline, RunSet};
use clap::Args;
use std::path::PathBuf;

/// Statistical and gating options shared by `compare`, `gate`, `ab`, `report` and `calibrate`.
#[derive(Debug, Args, Clone)]
pub struct VerdictArgs {
    /// Significance level of the tests (after Benjamini-Hochberg adjustment across metrics).
    #[arg(long, default_value_t = 0.01, value_parser = parse_probability, allow_negative_numbers = true)]
    pub alpha: f64,
    /// Smallest relative change that counts, e.g. 0.03 for 3%.
    #[arg(long, default_value_t = 0.03, value_parser = parse_probability, allow_negative_numbers = true)]
    pub min_effect: f64,
    /// Let speed verdicts gate even across different hosts, and fail on a host mismatch.
    #[arg(long)]
    pub strict: bool,
    /// Leave out of the throughput test the runs more than this fraction away (either way) from
    /// their side's median run, when most runs agree; 0 keeps every run.
    #[arg(long, default_value_t = 0.10, value_parser = parse_fraction, allow_negative_numbers = true)]
    pub disturbed_run_threshold: f64,
    /// Also fail when any metric's rate or level changes materially.
    #[arg(long)]
    pub fail_on_metric_change: bool,
    /// Compare sides whose settings differ (e.g. two layouts) on purpose; the output says so
    /// first. Without it such a comparison is refused.
    #[arg(long)]
    pub allow_different_settings: bool,
    /// Leave out, and name, the runs that differ from most of their side (no run.json, another
    /// host, other settings) instead of refusing the comparison.
    #[arg(long)]
    pub drop_odd_runs: bool,
    /// Compare the metrics only (no throughput verdict), e.g. statbench runs against an engine's
    /// own CSVs.
    #[arg(long)]
    pub metrics_only: bool,
}

impl Default for VerdictArgs {
    fn default() -> Self {
        VerdictArgs {
            alpha: 0.01,
            min_effect: 0.03,
            strict: false,
            disturbed_run_threshold: 0.10,
            fail_on_metric_change: false,
            allow_different_settings: false,
            drop_odd_runs: false,
            metrics_only: false,
        }
    }
}

/// How a comparison is shown: shared by `compare`, `gate` and `ab`.
#[derive(Debug, Args, Clone, Default)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Show every metric; by default only throughput and the metrics that changed materially
    /// are listed (the summary line counts the rest).
    #[arg(long)]
    pub all: bool,
    /// Also write the rendered output to this file (atomically; an existing file is refused,
    /// before any work starts).
    #[arg(long)]
    pub output: Option<PathBuf>,
}

fn parse_fraction(s: &str) -> std::result::Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if (0.0..1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} must be at least 0 and below 1"))
    }
}

fn parse_probability(s: &str) -> std::result::Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if v > 0.0 && v < 1.0 {
        Ok(v)
    } else {
        Err(format!("{v} must be between 0 and 1 (exclusive)"))
    }
}

impl VerdictArgs {
    /// The comparison settings these options stand for.
    pub fn settings(&self) -> CompareSettings {
        let mut s = CompareSettings::default();
        s.stats.alpha = self.alpha;
        s.stats.min_effect = self.min_effect;
        s.strict = self.strict;
        s.disturbed_run_threshold = self.disturbed_run_threshold;
        s.fail_on_metric_change = self.fail_on_metric_change;
        s.allow_different_settings = self.allow_different_settings;
        s.drop_odd_runs = self.drop_odd_runs;
        s.metrics_only = self.metrics_only;
        s
    }
}

impl OutputArgs {
    /// Refuses an `--output` file that exists, before the comparison (or the runs) start.
    pub fn check(&self) -> Result<()> {
        match &self.output {
            Some(path) if path.exists() => Err(Error::input(format!(
                "--output {}: already exists; not overwritten (choose another file or remove it)",
                path.display()
            ))),
            _ => Ok(()),
        }
    }

    /// Prints (and optionally writes) the comparison; returns the gate's exit code.
    pub fn emit(&self, c: &Comparison) -> Result<i32> {
        let text = render(c, self.format, self.all);
        crate::cli::output::print(&text);
        if let Some(path) = &self.output {
            self.check()?;
            atomic_write(path, text.as_bytes())?;
        }
        Ok(c.gate.exit_code)
    }
}

/// Options of `statbench compare`.
#[derive(Debug, Args, Clone)]
pub struct CompareArgs {
    /// Compare against this stored baseline (side A); the paths are then side B.
    #[arg(long)]
    pub baseline: Option<String>,
    /// Runs: run folders, `--repeat` folders, or snapshot CSVs. Without --baseline: exactly A and B.
    pub paths: Vec<PathBuf>,
    /// Also write a report (charts, index.html, summary.md) into this folder.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Replace an existing --report folder.
    #[arg(long, requires = "report")]
    pub force: bool,
    #[command(flatten)]
    pub verdict: VerdictArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Newest run folder under `runs/` (by name, which starts with a UTC timestamp per scenario).
pub fn latest_run() -> Result<PathBuf> {
    let root = crate::runner::default_runs_dir();
    let mut dirs: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(root)
        .map_err(|_| {
            Error::input(format!(
                "{}: no runs yet; give a run folder",
                root.display()
            ))
        })?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    dirs.sort();
    dirs.pop().map(|(_, p)| p).ok_or_else(|| {
        Error::input(format!(
            "{}: no runs yet; give a run folder",
            root.display()
        ))
    })
}

fn side(paths: &[PathBuf]) -> Result<RunSet> {
    let label = paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" + ");
    RunSet::load(label, paths)
}

/// Runs `statbench compare`.
pub fn compare_command(args: &CompareArgs) -> Result<i32> {
    args.output.check()?;
    if let Some(dir) = &args.report {
        crate::report::check_target(dir, args.force)?;
    }
    let (a, b) = match &args.baseline {
        Some(name) => {
            let paths = if args.paths.is_empty() {
                vec![latest_run()?]
            } else {
                args.paths.clone()
            };
            let (a, b) = rayon::join(|| Baseline::discover().load(name), || side(&paths));
            (a?, b?)
        }
        None => {
            if args.paths.len() != 2 {
                return Err(Error::input(format!(
                    "compare: give exactly two runs (A B) or --baseline NAME [RUN...]; got {} path(s)",
                    args.paths.len()
                )));
            }
            // Both sides are read in parallel: large CSVs dominate compare's time.
            let (a, b) = rayon::join(|| side(&args.paths[..1]), || side(&args.paths[1..]));
            (a?, b?)
        }
    };
    let c = compare(&a, &b, &args.verdict.settings())?;
    if let Some(dir) = &args.report {
        super::report::write_comparison(&a, &b, &c, dir, args.force)?;
    }
    args.output.emit(&c)
}
