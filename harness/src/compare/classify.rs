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

#[cfg(test)]
mod tests {
    use super::super::fixtures::result;
    use super::super::stats::Reason;
    use super::super::test::test_quantity;
    use super::super::test::tests::{around, samples};
    use super::*;

    #[test]
    fn a_verdict_is_a_regression_only_for_throughput() {
        use Kind::*;
        use Verdict::*;
        let table = [
            (Regression, Throughput, Outcome::Regression),
            (Improvement, Throughput, Outcome::Improvement),
            (Regression, Metric, Outcome::Decrease),
            (Improvement, Metric, Outcome::Increase),
            (NoChange, Metric, Outcome::NoChange),
            (NoChange, Throughput, Outcome::NoChange),
            (Inconclusive, Metric, Outcome::Inconclusive),
            (Inconclusive, Throughput, Outcome::Inconclusive),
        ];
        for (verdict, kind, want) in table {
            assert_eq!(outcome(verdict, kind), want, "{verdict:?} {kind:?}");
        }
    }

    /// A tested metric, three runs a side, B at `ratio` times A.
    fn tested(ratio: f64, s: &Settings) -> QuantityResult {
        let runs = |level: f64| -> Vec<Vec<f64>> { (0..6).map(|_| around(level, 10)).collect() };
        test_quantity(samples(Some(0), &runs(100.0), &runs(100.0 * ratio)), s)
    }

    #[test]
    fn the_adjusted_p_value_decides() {
        let s = Settings::default();
        let mut r = tested(0.8, &s);
        let p = r.p_value.unwrap();
        decide(&mut r, p, Kind::Metric, &s);
        assert_eq!(r.outcome, Outcome::Decrease);
        assert_eq!(r.p_adjusted, Some(p));
        assert!(matches!(
            r.reason,
            QuantityReason::Verdict {
                reason: Reason::Regression { .. },
                needed_runs: None
            }
        ));
        // The same data with a p-value adjusted past alpha decide nothing.
        let mut r = tested(0.8, &s);
        decide(&mut r, 0.5, Kind::Metric, &s);
        assert_eq!(r.outcome, Outcome::Inconclusive);
        assert_eq!(r.p_adjusted, Some(0.5));
    }

    #[test]
    fn needed_runs_stay_only_on_an_inconclusive_result() {
        let s = Settings::default();
        let mut r = tested(0.8, &s);
        r.needed_runs = Some(40);
        let p = r.p_value.unwrap();
        decide(&mut r, p, Kind::Throughput, &s);
        assert_eq!(r.outcome, Outcome::Regression);
        assert_eq!(r.needed_runs, None);
        let mut r = tested(0.8, &s);
        r.needed_runs = Some(40);
        decide(&mut r, 0.5, Kind::Throughput, &s);
        assert_eq!(r.needed_runs, Some(40));
        assert!(matches!(
            r.reason,
            QuantityReason::Verdict {
                reason: Reason::Undecided { .. },
                needed_runs: Some(40)
            }
        ));
    }

    #[test]
    fn untested_results_are_left_as_they_are() {
        let s = Settings::default();
        let mut r = result("z", Outcome::Unused, None);
        r.reason = QuantityReason::ZeroOnBothSides;
        decide(&mut r, 0.0, Kind::Metric, &s);
        assert_eq!(r.outcome, Outcome::Unused);
        assert_eq!(r.reason, QuantityReason::ZeroOnBothSides);
        assert_eq!(r.p_adjusted, None);
        let mut all = vec![tested(0.8, &s), r];
        classify_metrics(&mut all, &[(0, 1e-6)], &s);
        assert_eq!(all[0].outcome, Outcome::Decrease);
        assert_eq!(all[1].outcome, Outcome::Unused);
    }

    #[test]
    fn an_unstable_side_withholds_the_speed_verdict() {
        let s = Settings::default();
        let mut r = tested(0.8, &s);
        classify_headline(&mut r, &[], 0.1, &s);
        assert_eq!(r.outcome, Outcome::Regression);
        let unstable = vec![UnstableSide {
            side: 'B',
            disturbed: 3,
            runs: 8,
        }];
        let mut r = tested(0.8, &s);
        classify_headline(&mut r, &unstable, 0.1, &s);
        assert_eq!(r.outcome, Outcome::Inconclusive);
        assert_eq!(
            r.reason,
            QuantityReason::MachineChangedState {
                sides: unstable,
                threshold: 0.1
            }
        );
    }

    #[test]
    fn the_most_severe_and_largest_changes_come_first() {
        let mut rs = vec![
            result("same", Outcome::NoChange, Some(1.0)),
            result("small", Outcome::Increase, Some(1.1)),
            result("unused", Outcome::Unused, None),
            result("large", Outcome::Decrease, Some(0.5)),
            result("unsure", Outcome::Inconclusive, Some(0.9)),
        ];
        rs[0].index = Some(3);
        order(&mut rs);
        let names: Vec<&str> = rs.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["large", "small", "unsure", "same", "unused"]);
    }
}
