//! The arguments every verdict-giving command shares (`compare`, `gate`, `ab`, `report`,
//! `calibrate`): the statistics and gate options ([`VerdictArgs`]) and where and how the
//! comparison is written ([`OutputArgs`]); one home, so the commands import from here and not
//! from each other.

use crate::compare::{CompareSettings, Comparison};
use crate::error::{Error, Result};
use crate::export::{render_for, Format};
use crate::files::atomic_write;
use clap::Args;
use statbench_stats::Settings;
use std::path::PathBuf;

/// Statistical and gating options shared by `compare`, `gate`, `ab`, `report` and `calibrate`.
#[derive(Debug, Args, Clone)]
pub struct VerdictArgs {
    /// Significance level of the tests (after Benjamini-Hochberg adjustment across metrics): a
    /// fraction or a percentage, 0.01 or 1%.
    #[arg(long, default_value_t = Settings::default().alpha, value_parser = parse_probability, allow_negative_numbers = true)]
    pub alpha: f64,
    /// Smallest relative change that counts: a fraction or a percentage, 0.03 or 3% [default:
    /// 0.03; 0.005 for the paired gate, `gate --base`, which resolves far smaller changes].
    #[arg(long, value_parser = parse_probability, allow_negative_numbers = true)]
    pub min_effect: Option<f64>,
    /// Let speed verdicts gate even across different hosts, and fail on a host mismatch.
    #[arg(long)]
    pub strict: bool,
    /// Leave out of the throughput test the runs more than this share away (either way) from
    /// their side's median run, when most runs agree (0.1 or 10%); 0 keeps every run.
    #[arg(long, default_value_t = CompareSettings::default().disturbed_run_threshold, value_parser = parse_disturbed_run_threshold, allow_negative_numbers = true)]
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
    /// Gate policy file (headline and unit of work of engine runs; per-metric direction,
    /// threshold and gate) [default: statbench.toml here or in a folder above, if any].
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
}

impl Default for VerdictArgs {
    fn default() -> Self {
        let s = CompareSettings::default();
        VerdictArgs {
            alpha: s.stats.alpha,
            min_effect: None,
            strict: s.strict,
            disturbed_run_threshold: s.disturbed_run_threshold,
            fail_on_metric_change: s.fail_on_metric_change,
            allow_different_settings: s.allow_different_settings,
            drop_odd_runs: s.drop_odd_runs,
            metrics_only: s.metrics_only,
            policy: None,
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
    /// before any work starts). The file never holds colour codes.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Let the table be as wide as its content: full metric names and sentences on one line
    /// (by default it fits the terminal, at most 100 columns).
    #[arg(long)]
    pub wide: bool,
}

/// `--disturbed-run-threshold`: a fraction or a percentage, at least 0 and below 1 (100%).
fn parse_disturbed_run_threshold(s: &str) -> std::result::Result<f64, String> {
    let v = crate::policy::file::parse_share(s)?;
    if (0.0..1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{s} must be at least 0 and below 1 (100%)"))
    }
}

/// `--alpha` and `--min-effect`: a fraction or a percentage (as in the policy file: 0.03 or 3%),
/// between 0 and 1 (100%), both exclusive.
fn parse_probability(s: &str) -> std::result::Result<f64, String> {
    let v = crate::policy::file::parse_share(s)?;
    if v > 0.0 && v < 1.0 {
        Ok(v)
    } else if (1.0..100.0).contains(&v) && !s.contains('%') {
        Err(format!(
            "{s} must be between 0 and 1 (100%), exclusive: for {s}% write {s}% or {}",
            v / 100.0
        ))
    } else {
        Err(format!("{s} must be between 0 and 1 (100%), exclusive"))
    }
}

impl VerdictArgs {
    /// The comparison settings these options stand for, with the gate policy read (bad input
    /// when the policy file is).
    pub fn settings(&self) -> Result<CompareSettings> {
        let mut s = CompareSettings::default();
        s.stats.alpha = self.alpha;
        if let Some(m) = self.min_effect {
            s.stats.min_effect = m;
        }
        s.strict = self.strict;
        s.disturbed_run_threshold = self.disturbed_run_threshold;
        s.fail_on_metric_change = self.fail_on_metric_change;
        s.allow_different_settings = self.allow_different_settings;
        s.drop_odd_runs = self.drop_odd_runs;
        s.metrics_only = self.metrics_only;
        s.policy = crate::policy::file::discover(self.policy.as_deref())?;
        Ok(s)
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
        let view = crate::cli::output::stdout_view(self.wide);
        crate::cli::output::print(&render_for(c, self.format, self.all, view));
        if self.format == Format::Table {
            // stdout carries the result; the warnings go to stderr, once each.
            let notes = crate::export::notes(c);
            for w in crate::export::warning_lines(c) {
                if !notes.iter().any(|n| n.ends_with(&w)) {
                    crate::cli::output::warn_wrapped(&w);
                }
            }
        }
        if let Some(path) = &self.output {
            self.check()?;
            // The file is what stdout showed, without colour (the warnings went to stderr).
            let plain = crate::export::View {
                paint: crate::export::style::Paint::Off,
                ..view
            };
            atomic_write(path, render_for(c, self.format, self.all, plain).as_bytes())?;
        }
        Ok(c.gate.exit_code)
    }
}
