//! `statbench trend`: steps over commits in the history, the trend report, and a gate on new
//! steps.

use super::history::{chosen_quantities, warn_skipped, FilterArgs, HistoryDir};
use crate::error::{Error, Result, EXIT_OK, EXIT_REGRESSION};
use crate::files::atomic_write;
use crate::history::render::{render, TrendFormat};
use crate::history::report::trend_report;
use crate::history::{build_trend, run_medians, Dataset, TrendSettings};
use clap::Args;
use statbench_stats::steps::{StepSettings, DEFAULT_PENALTY};
use std::path::PathBuf;

/// Options of `statbench trend`.
#[derive(Debug, Args, Clone)]
pub struct TrendArgs {
    /// Quantities: `throughput` (the default) or metric names (`net.bytes_recv`, …).
    pub quantities: Vec<String>,
    /// Every quantity: throughput and all 99 metrics.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub history: HistoryDir,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Exit 1 when a series has a new step that persists: a throughput drop (a metric: any
    /// step) whose first commit is among the last --new-within commits.
    #[arg(long)]
    pub fail_on_new_step: bool,
    /// A step is new while its first commit is among this many latest commits of its series.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub new_within: u64,
    /// Smallest step (a fraction or a percentage, 0.02 or 2%) --fail-on-new-step fails on;
    /// smaller ones are reported only.
    #[arg(long, default_value_t = 0.0, value_parser = crate::policy::file::parse_share, allow_negative_numbers = true)]
    pub min_step: f64,
    /// Penalty per step, γ in γ·σ² (σ: the noise per commit): higher finds fewer, larger
    /// steps. The default is calibrated so noise alone gives a step in under 1% of histories.
    #[arg(long, default_value_t = DEFAULT_PENALTY)]
    pub penalty: f64,
    /// Also write the trend report (charts + index.html) into this folder.
    #[arg(long, value_name = "DIR")]
    pub report: Option<PathBuf>,
    /// Replace an existing report folder.
    #[arg(long)]
    pub force: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TrendFormat::Table)]
    pub format: TrendFormat,
    /// Also write the rendered output to this file (atomically; an existing file is refused).
    #[arg(long)]
    pub output: Option<PathBuf>,
}

/// Runs `statbench trend`.
pub fn trend_command(a: &TrendArgs) -> Result<i32> {
    if let Some(p) = &a.output {
        if p.exists() {
            return Err(Error::input(format!(
                "--output {}: already exists; not overwritten (choose another file or remove it)",
                p.display()
            )));
        }
    }
    if let Some(dir) = &a.report {
        crate::report::check_target(dir, a.force)?;
    }
    if !(a.penalty.is_finite() && a.penalty > 0.0) {
        return Err(Error::input(format!(
            "--penalty {}: must be a positive number",
            a.penalty
        )));
    }
    if !(0.0..1.0).contains(&a.min_step) {
        return Err(Error::input(format!(
            "--min-step {}: must be at least 0 and below 1",
            a.min_step
        )));
    }
    let quantities = chosen_quantities(&a.quantities, a.all)?;
    let ds = Dataset::at(&a.history.dir);
    let table = run_medians(&ds, &a.filter.query(), &quantities)?;
    warn_skipped(&table.skipped);
    if table.files >= 500 && table.files * 2 > table.runs.len() {
        eprintln!(
            "statbench: hint: {} files of about one run each; `statbench history compact --history {}` \
             merges each month into one file (10,000 runs: 7 s → 0.4 s on 2 cores)",
            table.files,
            ds.root().display()
        );
    }
    if table.runs.is_empty() {
        return Err(Error::input(format!(
            "{}: no runs match (record some with `statbench run --history {}` or `statbench history add RUN`)",
            ds.root().display(),
            ds.root().display()
        )));
    }
    let settings = TrendSettings {
        steps: StepSettings {
            penalty: a.penalty,
            ..StepSettings::default()
        },
        new_within: a.new_within as usize,
        min_step: a.min_step,
    };
    let trend = build_trend(&table, &settings);
    let text = render(&trend, a.format);
    crate::cli::output::print(&text);
    if let Some(p) = &a.output {
        atomic_write(p, text.as_bytes())?;
    }
    if let Some(dir) = &a.report {
        trend_report(&trend, dir, a.force)?;
        eprintln!("trend: report written to {}/index.html", dir.display());
    }
    if a.fail_on_new_step && !trend.new_regressions().is_empty() {
        return Ok(EXIT_REGRESSION);
    }
    Ok(EXIT_OK)
}
