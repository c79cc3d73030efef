//! Step 5 of the pipeline, classify: the verdict rule ([`super::stats::classify`]) applied with
//! each quantity's adjusted p-value, turned into an [`Outcome`]; the headline's speed verdict
//! withheld when the machine changed state; metrics ordered for readers.

use super::finding::UnstableSide;
use super::outcome::{Outcome, QuantityReason, QuantityResult};
use super::stats::{classify, Direction, Settings, Verdict};

/// Throughput has a better direction; a metric only goes up or down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// The headline: higher is better.
    Throughput,
    /// A metric: a change is an increase or a decrease.
    Metric,
}

/// The outcome users see for a verdict on a quantity of `kind`.
pub(super) fn outcome(verdict: Verdict, kind: Kind) -> Outcome {
    match (verdict, kind) {
        (Verdict::Regression, Kind::Throughput) => Outcome::Regression,
        (Verdict::Improvement, Kind::Throughput) => Outcome::Improvement,
        (Verdict::Regression, Kind::Metric) => Outcome::Decrease,
        (Verdict::Improvement, Kind::Metric) => Outcome::Increase,
        (Verdict::NoChange, _) => Outcome::NoChange,
        (Verdict::Inconclusive, _) => Outcome::Inconclusive,
    }
}

/// Applies the verdict rule with an adjusted p-value; a result without an analysis (untested)
/// is left as it is. `needed_runs` stays only on an inconclusive result.
pub(super) fn decide(r: &mut QuantityResult, p_adjusted: f64, kind: Kind, settings: &Settings) {
    let Some(an) = r.analysis.as_ref() else {
        return;
    };
    let (verdict, reason) = classify(an, p_adjusted, Direction::HigherIsBetter, settings);
    r.p_adjusted = Some(p_adjusted);
    if verdict != Verdict::Inconclusive {
        r.needed_runs = None;
    }
    r.reason = QuantityReason::Verdict {
        reason,
        needed_runs: r.needed_runs,
    };
    r.outcome = outcome(verdict, kind);
}

/// Classifies the metrics with their adjusted p-values ([`super::adjust::adjust`]'s pairs).
pub(super) fn classify_metrics(
    results: &mut [QuantityResult],
    adjusted: &[(usize, f64)],
    settings: &Settings,
) {
    for &(k, q) in adjusted {
        decide(&mut results[k], q, Kind::Metric, settings);
    }
}

/// Classifies the headline with its own p-value, and withholds the speed verdict (inconclusive)
/// when a side had too many disturbed runs to tell which runs are the normal ones.
pub(super) fn classify_headline(
    r: &mut QuantityResult,
    unstable: &[UnstableSide],
    disturbed_threshold: f64,
    settings: &Settings,
) {
    if let Some(p) = r.p_value {
        decide(r, p, Kind::Throughput, settings);
    }
    if !unstable.is_empty() {
        r.outcome = Outcome::Inconclusive;
        r.reason = QuantityReason::MachineChangedState {
            sides: unstable.to_vec(),
            threshold: disturbed_threshold,
        };
    }
}

/// Most severe outcome first, then the largest effect, then by index: what a reader must see
/// first.
pub(super) fn order(results: &mut [QuantityResult]) {
    results.sort_by(|x, y| {
        x.outcome
            .severity()
            .cmp(&y.outcome.severity())
            .then(y.effect().abs().total_cmp(&x.effect().abs()))
            .then(x.index.cmp(&y.index))
    });
}
