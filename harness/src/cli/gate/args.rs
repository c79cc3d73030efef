//! The options of `statbench gate` and their defaults: one home for each (the paired ones
//! included, which `ab` and `calibrate` share).

use crate::cli::verdict_args::{OutputArgs, VerdictArgs};
use clap::Args;

/// Runs the gate records by default: with 1-s runs of the default scenario, `statbench
/// calibrate` measured ≥ 99% detection of a 4% slowdown and no false alarm in 200 replays here.
pub const GATE_RUNS: u64 = 20;

/// Runs of this build the paired gate compares with the stored runs for behaviour: the swarm's
/// behaviour per update is deterministic, so a few runs settle it (two 5-run sets of one build
/// showed no change in any of 40 metrics).
pub const BEHAVIOUR_RUNS: u64 = 5;

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
    /// runs/SCENARIO-YYYYmmdd-HHMMSS).
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
    /// Pair speed against this git revision instead of the baseline's commit: REV's slice
    /// library is built once (cached under target/statbench-base/) and both are measured
    /// alternately on this machine, so the verdict judges the code, not the machine or the hour.
    #[arg(long, value_name = "REV", conflicts_with = "stored_only")]
    pub base: Option<String>,
    /// Judge speed against the stored runs too (machine-probe rule: only where the probes
    /// agree), without building the baseline's commit: for the runner type that recorded it.
    #[arg(long)]
    pub stored_only: bool,
    /// Runs of this build whose behaviour (every metric per counter update) is compared with
    /// the stored runs when speed is paired.
    #[arg(long, default_value_t = BEHAVIOUR_RUNS, value_parser = clap::value_parser!(u64).range(2..=100))]
    pub behaviour_runs: u64,
    /// Use this prebuilt statbench as the paired base (e.g. a CI cache of the base build)
    /// instead of building --base.
    #[arg(long, value_name = "PATH", conflicts_with = "stored_only")]
    pub base_binary: Option<std::path::PathBuf>,
    /// Pairs of runs (base, this build) in the paired gate's first batch.
    #[arg(long, default_value_t = PAIRED_PAIRS, value_parser = clap::value_parser!(u64).range(4..=400))]
    pub pairs: u64,
    /// Pairs added on a suspected regression when whole runs are paired (0: fail at once).
    #[arg(long, default_value_t = PAIRED_PAIRS, value_parser = clap::value_parser!(u64).range(0..=400))]
    pub confirm_pairs: u64,
    /// Length of each run of the paired gate, in milliseconds.
    #[arg(long, default_value_t = PAIRED_RUN_MS, value_parser = clap::value_parser!(u64).range(200..=60_000))]
    pub run_ms: u64,
    /// Pairs of slices in each placement (a fresh process that loads both slice libraries).
    #[arg(long, default_value_t = PAIRED_SLICES, value_parser = clap::value_parser!(u64).range(4..=100_000))]
    pub slices: u64,
    /// Most placements (fresh processes) the paired gate measures; it judges after each one
    /// from --first-look on and stops as soon as the data decide.
    #[arg(long, default_value_t = PLACEMENTS, value_parser = clap::value_parser!(u64).range(3..=200))]
    pub placements: u64,
    /// Placements before the paired gate's first look at the data.
    #[arg(long, default_value_t = FIRST_LOOK, value_parser = clap::value_parser!(u64).range(3..=200))]
    pub first_look: u64,
    /// Length of each slice of in-process pairing, in milliseconds.
    #[arg(long, default_value_t = PAIRED_SLICE_MS, value_parser = clap::value_parser!(u64).range(5..=10_000))]
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
            stored_only: false,
            behaviour_runs: BEHAVIOUR_RUNS,
            base_binary: None,
            pairs: PAIRED_PAIRS,
            confirm_pairs: PAIRED_PAIRS,
            run_ms: PAIRED_RUN_MS,
            slices: PAIRED_SLICES,
            placements: PLACEMENTS,
            first_look: FIRST_LOOK,
            slice_ms: PAIRED_SLICE_MS,
            process_level: false,
            pairing_seed: 1,
            history: None,
            candidate_extra_work: None,
            verdict: VerdictArgs::default(),
            output: OutputArgs::default(),
        }
    }
}

/// Pairs the paired gate records by default. With 500-ms runs the first batch costs about
/// 2 × 24 × 0.55 s ≈ 26 s of measurement here (see `statbench calibrate --paired`).
pub const PAIRED_PAIRS: u64 = 24;

/// Smallest change the paired gate reports by default (`--min-effect` overrides it): pairing
/// resolves about 1 %, where the stored-baseline gate's 3 % would hide it.
pub const PAIRED_MIN_EFFECT: f64 = 0.005;

/// Pairs of slices in each placement: 2 × 4 × 50 ms = 0.4 s of measurement a process (≈ 0.7 s
/// with its start and warm-up). Placements, not pairs, set the precision: here two placements
/// of the same two builds differ by about 1 % (τ), against 0.7 % for the mean of 8 pairs; at 4
/// pairs a ≈ 5 % change failed after 4.8–7.4 s of measuring, at 8 after 7.6–13.2 s (P12).
pub const PAIRED_SLICES: u64 = 4;

/// Most placements of the paired gate (the last look): 60 × ≈ 0.7 s ≈ 42 s at worst.
pub const PLACEMENTS: u64 = 60;

/// Placements before the first look: ≈ 5.5 s, where a ≥ 5 % change can already be decided. At
/// 5 (3.5 s) the first look had 2 degrees of freedom: code-neutral commits stopped there for
/// futility with intervals of ±40 %, and a 5 % change was not decided before the 7th anyway.
pub const FIRST_LOOK: u64 = 8;

/// Slice length of in-process pairing: long against a slice's start and stop (well under a
/// millisecond), short against the machine's drift.
pub const PAIRED_SLICE_MS: u64 = 50;

/// Length of each paired run: long enough for 8 steady sampling intervals of the default
/// scenario, short enough that many pairs fit in a minute.
pub const PAIRED_RUN_MS: u64 = 500;
