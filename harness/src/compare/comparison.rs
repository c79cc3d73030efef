//! What a comparison is: the settings that tune it ([`CompareSettings`]) and its result
//! ([`Comparison`], with the gate's decision, [`Gate`]). The pipeline's steps fill it in
//! (`compare/analysis.rs`); exports and reports read it.

use super::admit::LeftOutRun;
use super::finding::{serialize_findings, Finding};
use super::machine::{MachineCheck, SpeedJudgement};
use super::outcome::{OneSided, Outcome, QuantityResult};
use super::quantity::WorkUnit;
use super::speed_withheld::UnstableSide;
use crate::recorder::settings::SettingDifference;
use serde::Serialize;
use statbench_stats::Settings;

/// Everything that tunes a comparison.
#[derive(Debug, Clone)]
pub struct CompareSettings {
    /// Statistical settings (alpha, minimum effect, confidence, resamples...). Every interval
    /// is tested (no thinning): long runs take an O(n) path, see `stats::analyze_series`.
    pub stats: Settings,
    /// Fail the gate when any metric's rate or level changes materially.
    pub fail_on_metric_change: bool,
    /// The behaviour gate of statbench's swarm: when both sides are statbench runs (work in
    /// counter updates), a material, significant change of any metric per update fails,
    /// unless the policy file relaxes that metric. The swarm's behaviour per unit of work is
    /// deterministic, whatever the machine's speed, so such a change is the code's.
    pub behaviour_gate: bool,
    /// Let speed verdicts gate even when the hosts differ, and fail on a host mismatch.
    pub strict: bool,
    /// Compare throughput only (calibration runs hundreds of comparisons).
    pub headline_only: bool,
    /// Leave out of the throughput test the runs further than this fraction from their side's
    /// median run: interference, not the code, moved them (0 keeps every run).
    pub disturbed_run_threshold: f64,
    /// Compare sides whose settings differ (layouts, an injected slowdown...) on purpose; the
    /// differences are reported first.
    pub allow_different_settings: bool,
    /// Leave out (and name) the runs that differ from most of their side in run.json presence,
    /// host or settings, instead of refusing the comparison.
    pub drop_odd_runs: bool,
    /// Compare metrics only, even when one side has throughput figures and the other none.
    pub metrics_only: bool,
    /// Speed across machines: judged only when the machine probes agree, or always (`ab`).
    pub speed_judgement: SpeedJudgement,
    /// The gate policy (`statbench.toml`): headline and unit of work of engine runs, and per
    /// metric a direction, threshold and gate.
    pub policy: crate::policy::Policy,
}

impl Default for CompareSettings {
    fn default() -> Self {
        CompareSettings {
            // The statistics' defaults are the gate's: one home for alpha and min_effect.
            stats: Settings::default(),
            fail_on_metric_change: false,
            behaviour_gate: true,
            strict: false,
            headline_only: false,
            disturbed_run_threshold: 0.10,
            allow_different_settings: false,
            drop_odd_runs: false,
            metrics_only: false,
            speed_judgement: Default::default(),
            policy: crate::policy::Policy::default(),
        }
    }
}

/// The placements behind a paired speed verdict (JSON `placements`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PlacementsSummary {
    /// Fresh processes measured.
    pub placements: usize,
    /// Slice pairs in all of them.
    pub pairs: usize,
    /// The look that stopped (1-based) and the most looks the design has.
    pub look: usize,
    /// Looks the design has at most.
    pub looks: usize,
    /// The level every look tests at, so that all looks together keep `alpha`.
    pub nominal_alpha: f64,
    /// Level of the headline's interval (`1 − nominal_alpha`).
    pub confidence: f64,
    /// Between-placement standard deviation of the log-ratio: what a rerun of the gate moves.
    pub between_placement_sd: f64,
    /// Each placement's own ratio B/A, in measurement order.
    pub per_placement: Vec<f64>,
    /// Seconds from the first placement's start to the verdict (measurement only).
    pub measuring_s: f64,
    /// The minimum effect the speed verdict was judged at (the behaviour verdict beside it may
    /// use another).
    pub min_effect: f64,
    /// Why the looks ended: `verdict`, `futility` (a regression of the minimum effect is ruled
    /// out: the gate can no longer fail) or `last_look`; null when lost updates ended them.
    pub stopped_by: Option<statbench_stats::paired::placements::Stop>,
}

/// The result of comparing side A (baseline) with side B (candidate).
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// Settings that differ between the sides, compared on purpose (`--allow-different-settings`):
    /// the first thing every rendering says.
    pub settings_differences: Vec<SettingDifference>,
    pub a_label: String,
    pub b_label: String,
    /// Runs pooled on each side.
    pub runs: (usize, usize),
    /// Host fingerprints of A and B (when known).
    pub hosts: (Option<String>, Option<String>),
    /// Whether both sides ran on the same kind of host (`None`: unknown, no run.json).
    pub same_host: Option<bool>,
    /// Minimum effect and alpha used.
    pub min_effect: f64,
    /// Significance level.
    pub alpha: f64,
    /// The headline: updates per second per interval (statbench runs), or the gate policy's
    /// headline metric as a rate (engine runs, bare CSVs).
    pub headline: Option<QuantityResult>,
    /// What counters were normalised by (`None`: per second).
    pub work: Option<WorkUnit>,
    /// The gate policy's file, when one was read.
    pub policy_file: Option<std::path::PathBuf>,
    /// One entry per metric both sides have, most important first.
    pub metrics: Vec<QuantityResult>,
    /// Metrics only B has.
    pub added: Vec<OneSided>,
    /// Metrics only A has.
    pub removed: Vec<OneSided>,
    /// Runs left out because they differ from most of their side (`--drop-odd-runs`).
    pub left_out: Vec<LeftOutRun>,
    /// Quantities that were actually tested (throughput and metrics with a p-value).
    pub quantities_compared: usize,
    /// Sides on which too many runs were disturbed for a speed verdict (empty normally).
    pub machine_changed: Vec<UnstableSide>,
    /// The sides' machine probes and whether speed is judged (see `compare/machine.rs`).
    pub machine: MachineCheck,
    /// Lost updates, incomplete runs and deterministic totals that differ.
    pub behaviour: Vec<Finding>,
    /// The base speed was paired against on this machine (`base 1a2b3c4d5e`), when the
    /// headline comes from the default gate's paired measurement and the metrics from the
    /// stored runs (see [`super::with_paired_speed`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paired_base: Option<String>,
    /// How the paired speed verdict was measured when it came from several fresh processes
    /// (the gate's placements): how many, at which look it stopped, how far they disagree.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placements: Option<PlacementsSummary>,
    /// The decision.
    pub gate: Gate,
}

impl Comparison {
    /// Whether the headline throughput verdict is a regression: what `ab` and the gate confirm
    /// with more runs before failing.
    pub fn throughput_regressed(&self) -> bool {
        self.headline
            .as_ref()
            .is_some_and(|h| h.outcome == Outcome::Regression)
    }
}

/// The gate's decision.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Gate {
    /// True when nothing fails the gate.
    pub pass: bool,
    /// Process exit code: 0 pass, 1 fail.
    pub exit_code: i32,
    /// Why it failed (empty when it passed).
    #[serde(serialize_with = "serialize_findings")]
    pub failures: Vec<Finding>,
    /// Things a reader should know that do not fail the gate.
    #[serde(serialize_with = "serialize_findings")]
    pub warnings: Vec<Finding>,
}
