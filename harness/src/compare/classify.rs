//! Step 5 of the pipeline, classify: the verdict rule ([`statbench_stats::decide`]) applied with
//! each quantity's adjusted p-value, turned into an [`Outcome`]; the headline's speed verdict
//! withheld when the machine changed state; metrics ordered for readers.

#[cfg(test)]
use super::outcome::RuleVerdict;
use super::outcome::{AppliedRule, Outcome, QuantityReason, QuantityResult};
use super::quantity::Quantity;
use super::speed_withheld::UnstableSide;
use crate::policy::{self, MetricRule};
use statbench_stats::{Direction, Settings, Verdict};

/// Throughput has a better direction; a metric has one when the gate policy gives it one, and
/// otherwise only goes up or down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// The headline: higher is better.
    Throughput,
    /// A metric, with the policy's direction if any.
    Metric(Option<policy::Direction>),
}

impl Kind {
    /// The statistics' direction: lower-is-better metrics regress upwards; every other
    /// quantity is judged as higher-is-better (an undirected change is then an increase or a
    /// decrease).
    fn stats_direction(self) -> Direction {
        match self {
            Kind::Metric(Some(policy::Direction::LowerIsBetter)) => Direction::LowerIsBetter,
            _ => Direction::HigherIsBetter,
        }
    }
}

/// The outcome users see for a verdict on a quantity of `kind`: the one mapping, for
/// independent and paired comparisons alike.
pub(super) fn outcome(verdict: Verdict, kind: Kind) -> Outcome {
    use policy::Direction::{HigherIsBetter, LowerIsBetter};
    let directed = matches!(
        kind,
        Kind::Throughput | Kind::Metric(Some(HigherIsBetter | LowerIsBetter))
    );
    match (verdict, directed) {
        (Verdict::Regression, true) => Outcome::Regression,
        (Verdict::Improvement, true) => Outcome::Improvement,
        (Verdict::Regression, false) => Outcome::Decrease,
        (Verdict::Improvement, false) => Outcome::Increase,
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
    let case = an.case(p_adjusted, settings);
    let (verdict, reason) = statbench_stats::decide(&case, kind.stats_direction(), settings);
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

/// Classifies the metrics with their adjusted p-values ([`super::adjust::adjust`]'s pairs),
/// each by its gate-policy `rule` (its direction, and its threshold as the minimum effect), and
/// records the rule's verdict on every metric.
pub(super) fn classify_metrics(
    results: &mut [QuantityResult],
    adjusted: &[(usize, f64)],
    settings: &Settings,
    rule: impl Fn(usize, Quantity) -> MetricRule,
) {
    let rule_of = |r: &QuantityResult| match r.index {
        Some(i) => rule(i, r.quantity),
        None => MetricRule {
            direction: None,
            threshold: settings.min_effect,
            gate: false,
        },
    };
    for &(k, q) in adjusted {
        let m = rule_of(&results[k]);
        let s = Settings {
            min_effect: m.threshold,
            ..settings.clone()
        };
        decide(&mut results[k], q, Kind::Metric(m.direction), &s);
    }
    for r in results.iter_mut() {
        r.rule = Some(AppliedRule::judge(rule_of(r), r.outcome));
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
    r.rule = Some(AppliedRule::judge(
        policy::headline_rule(settings.min_effect),
        r.outcome,
    ));
}

/// What fails the gate first, then the most severe outcome, then the largest effect, then by
/// index: what a reader must see first.
pub(super) fn order(results: &mut [QuantityResult]) {
    use super::outcome::RuleVerdict::Fail;
    let passes = |r: &QuantityResult| !r.rule.is_some_and(|x| x.verdict == Fail);
    results.sort_by(|x, y| {
        passes(x)
            .cmp(&passes(y))
            .then(x.outcome.severity().cmp(&y.outcome.severity()))
            .then(y.effect().abs().total_cmp(&x.effect().abs()))
            .then(x.index.cmp(&y.index))
    });
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::result;
    use super::super::significance::test_quantity;
    use super::super::significance::tests::{around, samples};
    use super::*;
    use statbench_stats::Reason;

    #[test]
    fn a_verdict_is_a_regression_for_throughput_and_directed_metrics() {
        use policy::Direction::*;
        use Kind::*;
        use Verdict::*;
        let table = [
            (Regression, Throughput, Outcome::Regression),
            (Improvement, Throughput, Outcome::Improvement),
            (Regression, Metric(None), Outcome::Decrease),
            (Improvement, Metric(None), Outcome::Increase),
            (Regression, Metric(Some(Either)), Outcome::Decrease),
            (
                Regression,
                Metric(Some(HigherIsBetter)),
                Outcome::Regression,
            ),
            (Regression, Metric(Some(LowerIsBetter)), Outcome::Regression),
            (
                Improvement,
                Metric(Some(LowerIsBetter)),
                Outcome::Improvement,
            ),
            (NoChange, Metric(None), Outcome::NoChange),
            (NoChange, Throughput, Outcome::NoChange),
            (Inconclusive, Metric(None), Outcome::Inconclusive),
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
        decide(&mut r, p, Kind::Metric(None), &s);
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
        decide(&mut r, 0.5, Kind::Metric(None), &s);
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
        decide(&mut r, 0.0, Kind::Metric(None), &s);
        assert_eq!(r.outcome, Outcome::Unused);
        assert_eq!(r.reason, QuantityReason::ZeroOnBothSides);
        assert_eq!(r.p_adjusted, None);
        let mut all = vec![tested(0.8, &s), r];
        let none = |_, _| MetricRule {
            direction: None,
            threshold: 0.03,
            gate: false,
        };
        classify_metrics(&mut all, &[(0, 1e-6)], &s, none);
        assert_eq!(all[0].outcome, Outcome::Decrease);
        assert_eq!(all[1].outcome, Outcome::Unused);
        assert_eq!(all[1].rule.unwrap().verdict, RuleVerdict::NotGated);
    }

    #[test]
    fn a_metrics_rule_sets_its_direction_threshold_and_verdict() {
        use crate::policy::Direction::*;
        let s = Settings::default();
        let run = |ratio: f64, direction, threshold| -> QuantityResult {
            let mut all = vec![tested(ratio, &s)];
            classify_metrics(&mut all, &[(0, 1e-6)], &s, |_, _| MetricRule {
                direction,
                threshold,
                gate: direction.is_some(),
            });
            all.pop().unwrap()
        };
        // 10% lower: a regression when higher is better, an improvement when lower is.
        let r = run(0.9, Some(HigherIsBetter), 0.03);
        assert_eq!(r.outcome, Outcome::Regression);
        assert_eq!(r.rule.unwrap().verdict, RuleVerdict::Fail);
        let r = run(0.9, Some(LowerIsBetter), 0.03);
        assert_eq!(r.outcome, Outcome::Improvement);
        assert_eq!(r.rule.unwrap().verdict, RuleVerdict::Pass);
        // Either way: any material change fails.
        let r = run(1.1, Some(Either), 0.03);
        assert_eq!(r.outcome, Outcome::Increase);
        assert_eq!(r.rule.unwrap().verdict, RuleVerdict::Fail);
        // The threshold is the metric's minimum effect: 10% is no change at a 20% threshold.
        let r = run(0.9, Some(HigherIsBetter), 0.20);
        assert!(!r.outcome.is_change(), "{:?}", r.outcome);
        assert_ne!(r.rule.unwrap().verdict, RuleVerdict::Fail);
        // No direction: reported, not gated.
        let r = run(0.9, None, 0.03);
        assert_eq!(r.outcome, Outcome::Decrease);
        assert_eq!(r.rule.unwrap().verdict, RuleVerdict::NotGated);
    }

    #[test]
    fn an_unstable_side_withholds_the_speed_verdict() {
        let s = Settings::default();
        let mut r = tested(0.8, &s);
        classify_headline(&mut r, &[], 0.1, &s);
        assert_eq!(r.outcome, Outcome::Regression);
        let unstable = vec![UnstableSide {
            side: crate::compare::Side::Candidate,
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
