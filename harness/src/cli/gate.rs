//! `statbench gate` (and `statbench` with no arguments): run the scenario K times and compare
//! with the stored baseline of the same name; a suspected speed regression is confirmed with a
//! second batch of runs before the gate fails.

use super::verdict::{OutputArgs, VerdictArgs};
use super::{run_repeated, RunArgs};
use crate::compare::{compare, confirm};
use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::store::{Baseline, RunSet};
use clap::Args;

/// Runs the gate records by default: with 1-s runs of the default scenario, `statbench
/// calibrate` measured ≥ 99% detection of a 4% slowdown and no false alarm in 200 replays here.
pub const GATE_RUNS: u64 = 20;

/// Options of `statbench gate`.
#[derive(Debug, Args, Clone)]
pub struct GateArgs {
    /// Scenario name or file.
    #[arg(default_value = "default")]
    pub scenario: String,
    /// Baseline to compare with (default: the scenario's name).
    #[arg(long)]
    pub baseline: Option<String>,
    /// Runs of the scenario (more runs: fewer inconclusive verdicts; see `statbench calibrate`).
    #[arg(long, default_value_t = GATE_RUNS, value_parser = clap::value_parser!(u64).range(1..=100))]
    pub repeat: u64,
    /// Runs added on a suspected speed regression, all runs then compared again; the gate fails
    /// only if the regression holds (0: fail at once). A shared machine can slow down for a
    /// stretch of seconds; a second batch later makes the pooled runs disagree, and the
    /// verdict inconclusive, instead of a false alarm.
    #[arg(long, default_value_t = GATE_RUNS, value_parser = clap::value_parser!(u64).range(0..=100))]
    pub confirm_runs: u64,
    /// Folder for the gate's runs (must not exist or be empty; default
    /// runs/SCENARIO-YYYYmmdd-HHMMSS, or runs/gate-SCENARIO-paired-… with --base).
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
    /// Judge speed against this git revision instead of the stored baseline: REV's statbench is
    /// built once (cached under target/statbench-base/) and both are measured alternately on
    /// this machine, so the verdict judges the code, not the machine or the hour.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Use this prebuilt statbench as the paired base (e.g. a CI cache of the base build)
    /// instead of building --base.
    #[arg(long, value_name = "PATH")]
    pub base_binary: Option<std::path::PathBuf>,
    /// Pairs of runs (base, this build) in the paired gate's first batch.
    #[arg(long, default_value_t = super::paired::PAIRED_PAIRS, value_parser = clap::value_parser!(u64).range(4..=400))]
    pub pairs: u64,
    /// Pairs added on a suspected regression in the paired gate (0: fail at once).
    #[arg(long, default_value_t = super::paired::PAIRED_PAIRS, value_parser = clap::value_parser!(u64).range(0..=400))]
    pub confirm_pairs: u64,
    /// Length of each run of the paired gate, in milliseconds.
    #[arg(long, default_value_t = super::paired::PAIRED_RUN_MS, value_parser = clap::value_parser!(u64).range(200..=60_000))]
    pub run_ms: u64,
    /// Pairs of slices when both revisions have the slice library (in-process pairing).
    #[arg(long, default_value_t = super::paired::PAIRED_SLICES, value_parser = clap::value_parser!(u64).range(8..=100_000))]
    pub slices: u64,
    /// Length of each slice of in-process pairing, in milliseconds.
    #[arg(long, default_value_t = super::paired::PAIRED_SLICE_MS, value_parser = clap::value_parser!(u64).range(5..=10_000))]
    pub slice_ms: u64,
    /// Pair whole runs of the two binaries even when both have the slice library.
    #[arg(long)]
    pub process_level: bool,
    /// Seed of the paired gate's randomised block order.
    #[arg(long, default_value_t = 1)]
    pub pairing_seed: u64,
    /// Also add each of the gate's runs (confirmation runs too) to this history dataset
    /// (stored-baseline gate only; the paired gate's slices are not runs).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["base", "base_binary"])]
    pub history: Option<std::path::PathBuf>,
    /// Injected slowdown for the candidate side of the paired gate (extra cancelling update
    /// pairs per 1000 updates): proves the gate catches a known change.
    #[arg(long, hide = true)]
    pub candidate_extra_work: Option<u64>,
    #[command(flatten)]
    pub verdict: VerdictArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Default for GateArgs {
    fn default() -> Self {
        GateArgs {
            scenario: crate::scenario::DEFAULT_SCENARIO.into(),
            baseline: None,
            repeat: GATE_RUNS,
            confirm_runs: GATE_RUNS,
            out: None,
            base: None,
            base_binary: None,
            pairs: super::paired::PAIRED_PAIRS,
            confirm_pairs: super::paired::PAIRED_PAIRS,
            run_ms: super::paired::PAIRED_RUN_MS,
            slices: super::paired::PAIRED_SLICES,
            slice_ms: super::paired::PAIRED_SLICE_MS,
            process_level: false,
            pairing_seed: 1,
            history: None,
            candidate_extra_work: None,
            verdict: VerdictArgs::default(),
            output: OutputArgs::default(),
        }
    }
}

/// Runs the gate.
pub fn gate_command(args: &GateArgs) -> Result<i32> {
    args.output.check()?;
    if args.base.is_some() || args.base_binary.is_some() {
        return super::paired::paired_gate_command(args);
    }
    let run_args = RunArgs {
        scenario: args.scenario.clone(),
        repeat: args.repeat,
        out: args.out.clone(),
        history: args.history.clone(),
        ..RunArgs::default()
    };
    let scenario = run_args.scenario()?;
    let name = args
        .baseline
        .clone()
        .unwrap_or_else(|| scenario.name().to_string());
    let store = Baseline::discover();
    if !store.exists(&name) {
        return Err(Error::input(format!(
            "no baseline `{name}` in {}; record one: statbench run {} --repeat {} && statbench baseline save {name}",
            store.dir("").display(),
            args.scenario,
            args.repeat
        )));
    }
    let baseline = store.load(&name)?;
    refuse_other_settings(&baseline, &scenario, &args.verdict)?;
    let progress = Progress::start("gate", args.repeat, "runs");
    let reports = run_repeated(&run_args, &progress)?;
    let dirs: Vec<_> = reports.iter().map(|r| r.dir.clone()).collect();
    let label = match dirs.first().and_then(|d| {
        if dirs.len() > 1 {
            d.parent()
        } else {
            Some(d.as_path())
        }
    }) {
        Some(p) => p.display().to_string(),
        None => "this run".into(),
    };
    let settings = args.verdict.settings()?;
    let first = compare(&baseline, &RunSet::load(label.clone(), &dirs)?, &settings)?;
    let outcome = confirm(first, args.confirm_runs > 0, || {
        progress.add(args.confirm_runs);
        crate::progress::say(&format!(
            "gate: suspected regression; confirming with {} more {}",
            args.confirm_runs,
            if args.confirm_runs == 1 {
                "run"
            } else {
                "runs"
            }
        ));
        let more = run_repeated(
            &RunArgs {
                repeat: args.confirm_runs,
                out: run_args.out.as_ref().map(|o| o.join("confirm")),
                ..run_args.clone()
            },
            &progress,
        )?;
        let mut all = dirs.clone();
        all.extend(more.iter().map(|r| r.dir.clone()));
        compare(
            &baseline,
            &RunSet::load(format!("{label} + confirmation"), &all)?,
            &settings,
        )
    })?;
    progress.finish();
    let c = outcome.comparison;
    if outcome.first_verdict.is_some() {
        crate::progress::say(&format!(
            "gate: after confirmation: {}",
            c.headline.as_ref().map_or("n/a", |h| h.outcome.label())
        ));
    }
    args.output.emit(&c)
}

/// Refuses, before any run, a baseline recorded with other settings than the scenario as it is
/// now (an edited scenario file, a baseline of another scenario saved under this name...).
fn refuse_other_settings(
    baseline: &RunSet,
    scenario: &crate::scenario::Scenario,
    verdict: &VerdictArgs,
) -> Result<()> {
    use crate::recorder::settings::{describe_differences, differences, settings_identity};
    if verdict.allow_different_settings {
        return Ok(());
    }
    let Some(meta) = baseline.runs.first().and_then(|r| r.meta.as_ref()) else {
        return Ok(()); // bare CSVs: compare() refuses the mix with a clear message
    };
    let now = serde_json::to_value(scenario).expect("scenario serialises");
    let diffs = differences(&meta.settings(), &settings_identity(&now, true));
    if diffs.is_empty() {
        return Ok(());
    }
    Err(Error::input(format!(
        "{}: recorded with other settings than {} has now: {}; re-record the baseline \
         (statbench run {} --repeat {GATE_RUNS} && statbench baseline save {} RUN --force) or pass \
         --allow-different-settings",
        baseline.label,
        scenario.source().path,
        describe_differences(&diffs, 6),
        scenario.name(),
        baseline.label.trim_start_matches("baseline "),
    )))
}
