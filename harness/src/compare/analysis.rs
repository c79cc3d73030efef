//! Turns two run sets into a [`Comparison`], one step a module: admit ([`super::admit`]) →
//! align ([`super::align`]) → sample ([`super::sample`]) → test ([`super::test`]) → adjust
//! ([`super::adjust`]) → classify ([`super::classify`]) → gate policy ([`super::policy`]).

use super::adjust::adjust;
use super::admit::{admit, LeftOutRun};
use super::align::{align, hosts};
use super::behaviour::behaviour_changes;
use super::classify::{classify_headline, classify_metrics, order};
use super::finding::{Finding, UnstableSide};
use super::outcome::{Gate, OneSided, Outcome, QuantityResult};
use super::policy::{gate, judge_speed_rules, speed_gates};
use super::sample::{headline_samples, metric_samples};
use super::test::{test_all, test_quantity};
use super::work::{headline_source, unit_of_work};
use crate::error::{Error, Result};
use crate::recorder::settings::SettingDifference;
use crate::store::RunSet;
use serde::Serialize;
use statbench_stats::Settings;

/// Everything that tunes a comparison.
#[derive(Debug, Clone)]
pub struct CompareSettings {
    /// Statistical settings (alpha, minimum effect, confidence, resamples...). Every interval
    /// is tested (no thinning): long runs take an O(n) path, see [`analyze_series`].
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
    pub speed_judgement: super::machine::SpeedJudgement,
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

/// The result of comparing side A (baseline) with side B (candidate).
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// Settings that differ between the sides, compared on purpose (`--allow-different-settings`):
    /// the first thing every rendering says.
    pub settings_differences: Vec<SettingDifference>,
    /// Label of A.
    pub a_label: String,
    /// Label of B.
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
    pub work: Option<super::work::WorkUnit>,
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
    pub machine: super::machine::MachineCheck,
    /// Lost updates, incomplete runs and deterministic totals that differ.
    pub behaviour: Vec<Finding>,
    /// The base speed was paired against on this machine (`base 1a2b3c4d5e`), when the
    /// headline comes from the default gate's paired measurement and the metrics from the
    /// stored runs (see [`super::with_paired_speed`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paired_base: Option<String>,
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

/// Compares A (baseline) with B (candidate): the pipeline of the module doc, the metrics first
/// (tested together, then adjusted for their number), then the headline (a single test).
///
/// Refuses (bad input, exit 2) what cannot carry a verdict: see the admission rules (`compare/admit.rs`); and a
/// comparison in which no quantity could be tested at all.
pub fn compare(a: &RunSet, b: &RunSet, settings: &CompareSettings) -> Result<Comparison> {
    let admission = admit(a, b, settings)?;
    let (a, b) = (admission.a.as_ref(), admission.b.as_ref());
    let policy = &settings.policy;
    let work = unit_of_work(a, b, policy)?;
    let aligned = align(a, b, settings.headline_only, work);

    let samples = metric_samples(a, b, &aligned.metrics, work)?;
    let mut metrics = test_all(samples, &settings.stats);
    let adjusted = adjust(&metrics);
    let (min_effect, fail_on_change) = (settings.stats.min_effect, settings.fail_on_metric_change);
    let behaviour_gate = settings.behaviour_gate && work == Some(super::work::WorkUnit::Updates);
    classify_metrics(&mut metrics, &adjusted, &settings.stats, |i, q| {
        policy.rule(
            i,
            min_effect,
            fail_on_change || (behaviour_gate && q.needs_work()),
        )
    });
    order(&mut metrics);

    let threshold = settings.disturbed_run_threshold;
    let source = headline_source(a, b, policy)?;
    let (headline, disturbed, machine_changed) =
        match headline_samples(a, b, source, settings.metrics_only, threshold) {
            Some(h) => {
                let mut r = test_quantity(h.samples, &settings.stats);
                classify_headline(&mut r, &h.unstable, threshold, &settings.stats);
                (Some(r), h.disturbed, h.unstable)
            }
            None => (None, Vec::new(), Vec::new()),
        };
    let (judgement, has_tp) = (settings.speed_judgement, headline.is_some());
    let machine = super::machine::check(a, b, has_tp, judgement, settings.strict);
    let headline = machine.withhold(headline, settings.stats.min_effect);

    let quantities_compared = usize::from(headline.as_ref().is_some_and(|h| h.p_value.is_some()))
        + metrics.iter().filter(|r| r.p_value.is_some()).count();
    if quantities_compared == 0 {
        return Err(nothing_to_compare(a, b, &aligned.common));
    }
    let (hosts, same_host) = hosts(a, b);
    let mut c = Comparison {
        settings_differences: admission.settings_differences.clone(),
        machine_changed,
        machine,
        left_out: admission.left_out.clone(),
        quantities_compared,
        a_label: a.label.clone(),
        b_label: b.label.clone(),
        runs: (a.runs.len(), b.runs.len()),
        hosts,
        same_host,
        min_effect: settings.stats.min_effect,
        alpha: settings.stats.alpha,
        headline,
        work,
        policy_file: policy.source.clone(),
        metrics,
        added: aligned.added,
        removed: aligned.removed,
        behaviour: behaviour_changes(a, b, &aligned.common),
        paired_base: None,
        gate: Gate::default(),
    };
    let judged = speed_gates(&c, settings);
    judge_speed_rules(&mut c, judged);
    c.gate = gate(&c, settings, disturbed);
    Ok(c)
}

/// Why a comparison in which no quantity could be tested is refused.
fn nothing_to_compare(a: &RunSet, b: &RunSet, common: &[usize]) -> Error {
    let why = if common.is_empty() {
        "the sides share no metric"
    } else {
        "every metric they share is zero on both sides or zero on A"
    };
    Error::input(format!(
        "A ({}) vs B ({}): nothing to compare: {why}, and there is no throughput on both sides",
        a.label, b.label
    ))
}
