//! Turns two run sets into a [`Comparison`]: aligned metrics, tested quantities, the gate.

use super::admit::{admit, LeftOutRun};
use super::behaviour::behaviour_changes;
use super::finding::{DisturbedRun, Finding, UnstableSide};
use super::frame::{describe, pooled_frame, Describe, Quantity};
use super::outcome::{Gate, OneSided, Outcome, QuantityResult};
use super::policy::gate;
use super::stats::{
    analyze_runs, analyze_series, benjamini_hochberg, classify, Direction, Settings, Summary,
    Verdict,
};
use super::throughput::throughput_samples;
use crate::error::{Error, Result};
use crate::recorder::settings::SettingDifference;
use crate::store::RunSet;
use rayon::prelude::*;
use serde::Serialize;
use session_stats::{metric, MetricKind};

/// Everything that tunes a comparison.
#[derive(Debug, Clone)]
pub struct CompareSettings {
    /// Statistical settings (alpha, minimum effect, confidence, resamples...). Every interval
    /// is tested (no thinning): long runs take an O(n) path, see [`analyze_series`].
    pub stats: Settings,
    /// Fail the gate when any metric's rate or level changes materially.
    pub fail_on_metric_change: bool,
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
}

impl Default for CompareSettings {
    fn default() -> Self {
        CompareSettings {
            // The statistics' defaults are the gate's: one home for alpha and min_effect.
            stats: Settings::default(),
            fail_on_metric_change: false,
            strict: false,
            headline_only: false,
            disturbed_run_threshold: 0.10,
            allow_different_settings: false,
            drop_odd_runs: false,
            metrics_only: false,
            speed_judgement: Default::default(),
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
    /// Updates per second per interval (statbench runs only).
    pub headline: Option<QuantityResult>,
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

pub(super) fn name_of(index: usize) -> String {
    metric(index).map_or_else(|| format!("#{index}"), |m| m.name.to_string())
}

/// Counter or gauge: the registry knows 0..99; a newer engine's slots are judged by their data
/// (a column that never decreases is treated as a counter).
fn quantity_of(index: usize, a: &RunSet, b: &RunSet) -> Quantity {
    if let Some(m) = metric(index) {
        return match m.kind {
            MetricKind::Counter => Quantity::Rate,
            MetricKind::Gauge => Quantity::Level,
        };
    }
    let monotone = a.runs.iter().chain(&b.runs).all(|r| {
        r.table
            .column(index)
            .is_some_and(|c| c.windows(2).all(|w| w[1] >= w[0]))
    });
    if monotone {
        Quantity::Rate
    } else {
        Quantity::Level
    }
}

/// Splits pooled samples back into their runs (every interval kept; empty runs dropped).
fn groups<'s>(v: &'s [f64], lengths: &[usize]) -> Vec<&'s [f64]> {
    let mut start = 0;
    let mut out = Vec::with_capacity(lengths.len());
    for &len in lengths {
        let end = (start + len).min(v.len());
        if end > start {
            out.push(&v[start..end]);
        }
        start = end;
    }
    out
}

fn describe_slice(v: &[f64]) -> Describe {
    match Summary::of(v) {
        Some(s) => Describe {
            n: s.n,
            median: s.median,
            mean: s.mean,
            p95: s.p95,
            std_dev: s.std_dev,
        },
        None => Describe {
            n: 0,
            median: f64::NAN,
            mean: f64::NAN,
            p95: f64::NAN,
            std_dev: f64::NAN,
        },
    }
}

/// One side's samples of a quantity, with the number of samples each run contributed.
struct SideSamples {
    values: Vec<f64>,
    run_lengths: Vec<usize>,
}

/// Tests one quantity on every interval; returns the result with `outcome` provisional until
/// FDR adjustment.
///
/// One run a side: [`analyze_series`] (serial dependence of the intervals estimated and
/// accounted for). Several runs on a side: [`analyze_runs`], where the run is the independent
/// unit (p-value from the run medians' U test, interval from resampling runs), so run-to-run
/// noise (the usual cause of flaky gates) widens the interval instead of passing for a change.
fn test_quantity(
    name: String,
    index: Option<usize>,
    quantity: Quantity,
    a: SideSamples,
    b: SideSamples,
    desc: (Describe, Describe),
    settings: &CompareSettings,
) -> QuantityResult {
    let deprecated = index.and_then(metric).is_some_and(|m| m.deprecated);
    let mut r = QuantityResult {
        name,
        index,
        quantity,
        deprecated,
        a: desc.0,
        b: desc.1,
        ratio: None,
        ci: None,
        p_value: None,
        p_values: None,
        method: None,
        p_adjusted: None,
        outcome: Outcome::Inconclusive,
        reason: String::new(),
        needed_samples: None,
        needed_runs: None,
        samples_a: Vec::new(),
        samples_b: Vec::new(),
        analysis: None,
    };
    if index == Some(session_stats::SES_UPTIME_SECS) {
        r.outcome = Outcome::Unused;
        r.reason = "time since start: not comparable".into();
        return r;
    }
    let all_zero = |v: &[f64]| v.iter().all(|&x| x == 0.0);
    if all_zero(&a.values) && all_zero(&b.values) {
        r.outcome = Outcome::Unused;
        r.reason = if deprecated {
            "deprecated slot, never updated"
        } else {
            "zero on both sides"
        }
        .into();
        return r;
    }
    let (ga, gb) = (
        groups(&a.values, &a.run_lengths),
        groups(&b.values, &b.run_lengths),
    );
    let analysis = if ga.len() >= 2 || gb.len() >= 2 {
        analyze_runs(&ga, &gb, &settings.stats)
    } else {
        analyze_series(&a.values, &b.values, &settings.stats)
    };
    match analysis {
        Some(an) => {
            r.ratio = Some(an.ci.ratio);
            r.ci = Some((an.ci.lo, an.ci.hi));
            r.p_value = Some(an.p_two_sided);
            r.p_values = Some(an.p_values);
            r.method = Some(an.method);
            r.needed_samples = an.needed_samples;
            r.needed_runs = an.needed_runs;
            r.analysis = Some(an);
        }
        None => {
            r.reason = if a.values.is_empty() || b.values.is_empty() {
                "no samples on one side".into()
            } else {
                "median of A is 0: no ratio".into()
            };
        }
    }
    r.samples_a = a.values;
    r.samples_b = b.values;
    r
}

/// Applies the verdict rule with an adjusted p-value.
fn decide(
    r: &mut QuantityResult,
    p_adjusted: f64,
    dir: Direction,
    metric: bool,
    settings: &CompareSettings,
) {
    let Some(an) = r.analysis.clone() else {
        return;
    };
    r.p_adjusted = Some(p_adjusted);
    let (verdict, mut reason) = classify(&an, p_adjusted, dir, &settings.stats);
    match (verdict, r.needed_runs) {
        (Verdict::Inconclusive, Some(n)) => reason.push_str(&format!("; need ~{n} runs per side")),
        _ => r.needed_runs = None,
    }
    r.reason = reason;
    r.outcome = match (verdict, metric) {
        (Verdict::Regression, false) => Outcome::Regression,
        (Verdict::Improvement, false) => Outcome::Improvement,
        (Verdict::Regression, true) => Outcome::Decrease,
        (Verdict::Improvement, true) => Outcome::Increase,
        (Verdict::NoChange, _) => Outcome::NoChange,
        (Verdict::Inconclusive, _) => Outcome::Inconclusive,
    };
}

/// Compares A (baseline) with B (candidate).
///
/// Refuses (bad input, exit 2) what cannot carry a verdict: see the admission rules (`compare/admit.rs`); and a
/// comparison in which no quantity could be tested at all.
pub fn compare(a: &RunSet, b: &RunSet, settings: &CompareSettings) -> Result<Comparison> {
    let admission = admit(a, b, settings)?;
    let (a, b) = (admission.a.as_ref(), admission.b.as_ref());
    let (ia, ib) = (a.common_indices(), b.common_indices());
    let common: Vec<usize> = ia
        .iter()
        .copied()
        .filter(|i| ib.binary_search(i).is_ok())
        .collect();
    let one_sided = |from: &[usize], other: &[usize]| -> Vec<OneSided> {
        from.iter()
            .filter(|i| other.binary_search(i).is_err())
            .map(|&index| OneSided {
                index,
                name: name_of(index),
            })
            .collect()
    };
    let compared: &[usize] = if settings.headline_only { &[] } else { &common };
    let metrics: Vec<(usize, Quantity)> = compared
        .iter()
        .map(|&i| (i, quantity_of(i, a, b)))
        .collect();
    let (fa, fb) = rayon::join(|| pooled_frame(a, &metrics), || pooled_frame(b, &metrics));
    let (fa, fb) = (fa?, fb?);
    let (da, db) = rayon::join(|| describe(&fa), || describe(&fb));
    let (da, db) = (da?, db?);
    let (la, lb) = (fa.run_lengths.clone(), fb.run_lengths.clone());
    let (sa, sb) = (fa.into_samples(), fb.into_samples());

    let mut results: Vec<QuantityResult> = metrics
        .par_iter()
        .zip(da.par_iter().zip(db.par_iter()))
        .zip(sa.into_par_iter().zip(sb.into_par_iter()))
        .map(|((&(index, q), (&d_a, &d_b)), (va, vb))| {
            test_quantity(
                name_of(index),
                Some(index),
                q,
                SideSamples {
                    values: va,
                    run_lengths: la.clone(),
                },
                SideSamples {
                    values: vb,
                    run_lengths: lb.clone(),
                },
                (d_a, d_b),
                settings,
            )
        })
        .collect();

    // False-discovery control over the metrics that were tested.
    let tested: Vec<usize> = (0..results.len())
        .filter(|&k| results[k].p_value.is_some())
        .collect();
    let raw: Vec<f64> = tested
        .iter()
        .map(|&k| results[k].p_value.unwrap())
        .collect();
    let adjusted = benjamini_hochberg(&raw);
    tested
        .par_iter()
        .zip(adjusted.par_iter())
        .map(|(&k, &q)| (k, q))
        .collect::<Vec<_>>()
        .into_iter()
        .for_each(|(k, q)| {
            decide(
                &mut results[k],
                q,
                Direction::HigherIsBetter,
                true,
                settings,
            )
        });
    results.sort_by(|x, y| {
        x.outcome
            .severity()
            .cmp(&y.outcome.severity())
            .then(y.effect().abs().total_cmp(&x.effect().abs()))
            .then(x.index.cmp(&y.index))
    });

    let mut disturbed_runs = Vec::new();
    let mut machine_changed = Vec::new();
    let threshold = settings.disturbed_run_threshold;
    let throughput = |s: &RunSet| {
        if settings.metrics_only {
            None
        } else {
            throughput_samples(s, threshold)
        }
    };
    let headline = match (throughput(a), throughput(b)) {
        (Some(ta), Some(tb)) => {
            for (side, t) in [('A', &ta), ('B', &tb)] {
                for (run, median, side_median) in &t.disturbed {
                    disturbed_runs.push(Finding::DisturbedRun(DisturbedRun {
                        side,
                        run: run.clone(),
                        median: *median,
                        side_median: *side_median,
                    }));
                }
                if t.unstable() {
                    machine_changed.push(UnstableSide {
                        side,
                        disturbed: t.disturbed.len(),
                        runs: t.disturbed.len() + t.run_lengths.len(),
                    });
                }
            }
            let desc = (describe_slice(&ta.values), describe_slice(&tb.values));
            let sa = SideSamples {
                values: ta.values,
                run_lengths: ta.run_lengths,
            };
            let sb = SideSamples {
                values: tb.values,
                run_lengths: tb.run_lengths,
            };
            let mut r = test_quantity(
                "throughput".into(),
                None,
                Quantity::Throughput,
                sa,
                sb,
                desc,
                settings,
            );
            if let Some(p) = r.p_value {
                decide(&mut r, p, Direction::HigherIsBetter, false, settings);
            }
            if !machine_changed.is_empty() {
                r.outcome = Outcome::Inconclusive;
                r.reason = Finding::MachineChangedState {
                    sides: machine_changed.clone(),
                    threshold,
                }
                .to_string();
            }
            Some(r)
        }
        _ => None,
    };
    let (policy, has_tp) = (settings.speed_judgement, headline.is_some());
    let machine = super::machine::check(a, b, has_tp, policy, settings.strict);
    let headline = machine.withhold(headline);

    let host = |s: &RunSet| -> Option<String> {
        let mut hosts: Vec<String> = s.metas().map(|m| m.host.speed_fingerprint()).collect();
        hosts.dedup();
        hosts.into_iter().next()
    };
    let hosts = (host(a), host(b));
    let same_host = match (&hosts.0, &hosts.1) {
        (Some(x), Some(y)) => Some(x == y),
        _ => None,
    };

    let quantities_compared = usize::from(headline.as_ref().is_some_and(|h| h.p_value.is_some()))
        + results.iter().filter(|r| r.p_value.is_some()).count();
    if quantities_compared == 0 {
        let why = if common.is_empty() {
            "the sides share no metric"
        } else {
            "every metric they share is zero on both sides or zero on A"
        };
        return Err(Error::input(format!(
            "A ({}) vs B ({}): nothing to compare: {why}, and there is no throughput on both sides",
            a.label, b.label
        )));
    }
    let behaviour = behaviour_changes(a, b, &common);
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
        metrics: results,
        added: one_sided(&ib, &ia),
        removed: one_sided(&ia, &ib),
        behaviour,
        gate: Gate::default(),
    };
    c.gate = gate(&c, settings);
    c.gate.warnings.extend(disturbed_runs);
    Ok(c)
}
