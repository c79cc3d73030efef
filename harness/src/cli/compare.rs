//! `statbench compare`: two sides in, a verdict and an exit code out.

use crate::compare::{compare, CompareSettings, Comparison};
use crate::error::{Error, Result};
use crate::export::{render, Format};
use crate::files::atomic_write;
use crate::store::{Baseline, RunSet};
use clap::Args;
use std::path::PathBuf;

/// Statistical and gating options shared by `compare`, `gate` and `ab`.
#[derive(Debug, Args, Clone)]
pub struct VerdictArgs {
    /// Significance level of the tests (after Benjamini-Hochberg adjustment across metrics).
    #[arg(long, default_value_t = 0.01, value_parser = parse_probability)]
    pub alpha: f64,
    /// Smallest relative change that counts, e.g. 0.03 for 3%.
    #[arg(long, default_value_t = 0.03, value_parser = parse_probability)]
    pub min_effect: f64,
    /// Let speed verdicts gate even across different hosts, and fail on a host mismatch.
    #[arg(long)]
    pub strict: bool,
    /// Leave out of the throughput test runs this fraction slower than their side's best run
    /// (interference only slows runs down); 0 keeps every run.
    #[arg(long, default_value_t = 0.10, value_parser = parse_fraction)]
    pub disturbed_run_threshold: f64,
    /// Also fail when any metric's rate or level changes materially.
    #[arg(long)]
    pub fail_on_metric_change: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Show every metric, not only changed and inconclusive ones.
    #[arg(long)]
    pub all: bool,
    /// Also write the rendered output to this file (atomically; refuses to overwrite).
    #[arg(long)]
    pub output: Option<PathBuf>,
}

impl Default for VerdictArgs {
    fn default() -> Self {
        VerdictArgs {
            alpha: 0.01,
            min_effect: 0.03,
            strict: false,
            disturbed_run_threshold: 0.10,
            fail_on_metric_change: false,
            format: Format::Table,
            all: false,
            output: None,
        }
    }
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
        s
    }

    /// Prints (and optionally writes) the comparison; returns the gate's exit code.
    pub fn emit(&self, c: &Comparison) -> Result<i32> {
        let text = render(c, self.format, self.all);
        print!("{text}");
        if let Some(path) = &self.output {
            if path.exists() {
                return Err(Error::input(format!(
                    "{}: already exists; not overwritten",
                    path.display()
                )));
            }
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
    #[command(flatten)]
    pub verdict: VerdictArgs,
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
        super::report::write_comparison(&a, &b, &c, dir, false)?;
    }
    args.verdict.emit(&c)
}
