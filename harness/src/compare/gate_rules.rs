//! The last step of the pipeline, the gate's rules: which findings fail the gate and which
//! only warn (host mismatch and `--strict`, speed verdicts, metric changes and
//! `--fail-on-metric-change`). The policy file's rules per metric are `crate::policy`'s.

use super::comparison::{CompareSettings, Comparison, Gate};
use super::finding::{ChangedMetric, Finding};
use super::outcome::{Outcome, QuantityReason, QuantityResult, RuleVerdict};

/// Whether speed verdicts (throughput, per-second rates) may fail the gate: the hosts match
/// (or `--strict`) and the machine check judges speed.
pub(super) fn speed_gates(c: &Comparison, settings: &CompareSettings) -> bool {
    (settings.strict || c.same_host != Some(false)) && c.machine.speed_judged
}

/// Marks the gated rules of per-second quantities `not judged` when speed cannot gate: a
/// faster or slower machine moves them, not the code.
pub(super) fn judge_speed_rules(c: &mut Comparison, speed_gates: bool) {
    if speed_gates {
        return;
    }
    for r in c.headline.iter_mut().chain(c.metrics.iter_mut()) {
        let beyond = matches!(r.reason, QuantityReason::BeyondMachine { .. });
        if let Some(rule) = r.rule.as_mut().filter(|_| r.quantity.is_speed() && !beyond) {
            if rule.gate {
                rule.verdict = RuleVerdict::NotJudged;
            }
        }
    }
}

/// The gate's rules: which findings fail the gate and which only warn; `disturbed` (the runs
/// sampling left out of the headline) are listed last among the warnings.
pub(super) fn gate(c: &Comparison, settings: &CompareSettings, disturbed: Vec<Finding>) -> Gate {
    let mut failures = Vec::new();
    let mut warnings = Vec::new();
    failures.extend(c.behaviour.iter().cloned());
    warnings.extend(c.left_out.iter().cloned().map(Finding::LeftOut));
    warnings.extend(c.machine.finding());
    let speed_gates = speed_gates(c, settings);
    if c.same_host == Some(false) {
        let f = Finding::HostMismatch {
            a: c.hosts.0.clone().unwrap_or_else(|| "?".into()),
            b: c.hosts.1.clone().unwrap_or_else(|| "?".into()),
            strict: settings.strict,
        };
        if settings.strict {
            failures.push(f);
        } else {
            warnings.push(f);
        }
    }
    match &c.headline {
        Some(h) if h.outcome == Outcome::Regression => {
            let gating = speed_gates || matches!(h.reason, QuantityReason::BeyondMachine { .. });
            let f = Finding::ThroughputRegression {
                headline: match h.index {
                    None => "throughput".into(),
                    Some(_) => format!("{}/s", h.name),
                },
                effect: h.effect(),
                ci: h.ci,
                reason: h.reason.clone(),
                gating,
            };
            if gating {
                failures.push(f);
            } else {
                warnings.push(f);
            }
        }
        Some(_) if !c.machine_changed.is_empty() => warnings.push(Finding::MachineChangedState {
            sides: c.machine_changed.clone(),
            threshold: settings.disturbed_run_threshold,
        }),
        Some(_) if !c.machine.speed_judged => {} // said by the machine finding above
        Some(h) if h.outcome == Outcome::Inconclusive => {
            warnings.push(Finding::ThroughputInconclusive {
                reason: h.reason.clone(),
            });
        }
        None => warnings.push(Finding::NoThroughput),
        _ => {}
    }
    // Metrics the policy gates: a regression beyond the threshold fails (a per-second one only
    // when speed is judged); every other change is reported once, together.
    let mut changed: Vec<&QuantityResult> = Vec::new();
    for m in &c.metrics {
        let verdict = m.rule.map(|r| r.verdict);
        match (verdict, m.rule.and_then(|r| r.direction), m.index) {
            (
                Some(v @ (RuleVerdict::Fail | RuleVerdict::NotJudged)),
                Some(direction),
                Some(index),
            ) if m.outcome.is_change() => {
                let rule = m.rule.expect("matched");
                let f = Finding::MetricRegression {
                    name: m.name.clone(),
                    index,
                    quantity: m.quantity,
                    direction,
                    threshold: rule.threshold,
                    effect: m.effect(),
                    ci: m.ci,
                    gating: v == RuleVerdict::Fail,
                };
                if v == RuleVerdict::Fail {
                    failures.push(f);
                } else {
                    warnings.push(f);
                }
            }
            _ if m.outcome.is_change() => changed.push(m),
            _ => {}
        }
    }
    if !changed.is_empty() {
        warnings.push(Finding::MetricsChanged {
            count: changed.len(),
            top: changed
                .iter()
                .take(5)
                .map(|m| ChangedMetric {
                    name: m.name.clone(),
                    effect: m.effect(),
                })
                .collect(),
        });
    }
    if !c.removed.is_empty() {
        warnings.push(Finding::OnlyInA {
            count: c.removed.len(),
        });
    }
    if !c.added.is_empty() {
        warnings.push(Finding::OnlyInB {
            count: c.added.len(),
        });
    }
    warnings.extend(disturbed);
    let pass = failures.is_empty();
    Gate {
        pass,
        exit_code: if pass { 0 } else { 1 },
        failures,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::super::admit::{LeftOutRun, OddRun};
    use super::super::finding::DisturbedRun;
    use super::super::fixtures::{comparison, result};
    use super::super::outcome::{AppliedRule, OneSided};
    use super::super::quantity::Quantity;
    use super::super::side::Side;
    use super::super::speed_withheld::UnstableSide;
    use super::*;

    fn settings(strict: bool, fail_on_metric_change: bool) -> CompareSettings {
        CompareSettings {
            strict,
            fail_on_metric_change,
            ..CompareSettings::default()
        }
    }

    fn regressed(c: &mut Comparison) {
        c.headline = Some(result("throughput", Outcome::Regression, Some(0.8)));
    }

    fn other_host(c: &mut Comparison) {
        c.hosts.1 = Some("other".into());
        c.same_host = Some(false);
    }

    #[test]
    fn nothing_found_passes_with_no_finding() {
        let g = gate(&comparison(), &settings(false, false), Vec::new());
        assert!(g.pass);
        assert_eq!(g.exit_code, 0);
        assert_eq!((g.failures, g.warnings), (Vec::new(), Vec::new()));
    }

    #[test]
    fn a_throughput_regression_fails_on_the_same_host_only() {
        let mut c = comparison();
        regressed(&mut c);
        let g = gate(&c, &settings(false, false), Vec::new());
        assert!(!g.pass);
        assert_eq!(g.exit_code, 1);
        assert!(matches!(
            g.failures[..],
            [Finding::ThroughputRegression { gating: true, effect, .. }] if (effect + 0.2).abs() < 1e-12
        ));
        // Another host: shown, not gating, and the mismatch is a warning.
        other_host(&mut c);
        let g = gate(&c, &settings(false, false), Vec::new());
        assert!(g.pass);
        assert!(g.failures.is_empty());
        assert!(matches!(
            g.warnings[..],
            [
                Finding::HostMismatch { strict: false, .. },
                Finding::ThroughputRegression { gating: false, .. }
            ]
        ));
        // --strict: both fail.
        let g = gate(&c, &settings(true, false), Vec::new());
        assert!(!g.pass);
        assert!(matches!(
            g.failures[..],
            [
                Finding::HostMismatch { strict: true, .. },
                Finding::ThroughputRegression { gating: true, .. }
            ]
        ));
    }

    #[test]
    fn behaviour_always_fails_and_left_out_runs_warn() {
        let mut c = comparison();
        let lost = Finding::IncompleteRun {
            side: Side::Candidate,
            run: "r1".into(),
        };
        c.behaviour = vec![lost.clone()];
        let left = LeftOutRun {
            side: Side::Base,
            run: "r9".into(),
            why: OddRun::MissingRunJson,
        };
        c.left_out = vec![left.clone()];
        other_host(&mut c);
        let g = gate(&c, &settings(false, false), Vec::new());
        assert!(!g.pass, "behaviour gates whatever the hosts");
        assert_eq!(g.failures, vec![lost]);
        assert_eq!(g.warnings[0], Finding::LeftOut(left));
    }

    #[test]
    fn the_headline_warns_when_it_cannot_decide() {
        let mut c = comparison();
        c.headline = Some(result("throughput", Outcome::Inconclusive, Some(0.9)));
        let g = gate(&c, &settings(false, false), Vec::new());
        assert!(g.pass);
        assert!(matches!(
            g.warnings[..],
            [Finding::ThroughputInconclusive { .. }]
        ));
        // A machine that changed state says so instead.
        let unstable = UnstableSide {
            side: Side::Base,
            disturbed: 3,
            runs: 8,
        };
        c.machine_changed = vec![unstable.clone()];
        let s = settings(false, false);
        let g = gate(&c, &s, Vec::new());
        assert_eq!(
            g.warnings,
            vec![Finding::MachineChangedState {
                sides: vec![unstable],
                threshold: s.disturbed_run_threshold,
            }]
        );
        c.headline = None;
        let g = gate(&c, &s, Vec::new());
        assert_eq!(g.warnings, vec![Finding::NoThroughput]);
    }

    #[test]
    fn metric_changes_warn_unless_asked_to_fail_and_the_hosts_match() {
        let mut c = comparison();
        c.metrics = (0..7)
            .map(|k| {
                result(
                    &format!("m{k}"),
                    Outcome::Decrease,
                    Some(0.5 + 0.01 * k as f64),
                )
            })
            .chain([result("same", Outcome::NoChange, Some(1.0))])
            .collect();
        let expected = Finding::MetricsChanged {
            count: 7,
            top: (0..5)
                .map(|k| ChangedMetric {
                    name: format!("m{k}"),
                    effect: c.metrics[k].effect(),
                })
                .collect(),
        };
        let g = gate(&c, &settings(false, false), Vec::new());
        assert!(g.pass);
        assert_eq!(g.warnings, vec![expected.clone()]);
        // Gated either way (what --fail-on-metric-change asks): each regression fails, named.
        let either = crate::policy::MetricRule {
            direction: Some(crate::policy::Direction::Either),
            threshold: 0.03,
            gate: true,
        };
        for (k, m) in c.metrics.iter_mut().enumerate() {
            m.index = Some(k);
            m.quantity = Quantity::PerWork;
            m.rule = Some(AppliedRule::judge(either, m.outcome));
        }
        let g = gate(&c, &settings(false, true), Vec::new());
        assert!(!g.pass);
        assert_eq!(g.failures.len(), 7);
        assert!(matches!(
            &g.failures[0],
            Finding::MetricRegression { name, index: 0, gating: true, .. } if name == "m0"
        ));
        // Per unit of work, behaviour gates across hosts too.
        other_host(&mut c);
        let g = gate(&c, &settings(false, true), Vec::new());
        assert!(!g.pass, "per-work figures are behaviour, not speed");
        // Per-second figures do not gate across hosts: shown as not judged.
        for m in c.metrics.iter_mut() {
            m.quantity = Quantity::Rate;
        }
        judge_speed_rules(&mut c, false);
        let g = gate(&c, &settings(false, true), Vec::new());
        assert!(g.pass, "speed-dependent figures do not gate across hosts");
        assert!(g
            .warnings
            .iter()
            .any(|w| matches!(w, Finding::MetricRegression { gating: false, .. })));
    }

    #[test]
    fn one_sided_metrics_and_disturbed_runs_warn_last() {
        let mut c = comparison();
        let one = |index| OneSided {
            index,
            name: format!("#{index}"),
        };
        c.removed = vec![one(1), one(2)];
        c.added = vec![one(3)];
        let disturbed = Finding::DisturbedRun(DisturbedRun {
            side: Side::Candidate,
            run: "r4".into(),
            median: 60.0,
            side_median: 100.0,
        });
        let g = gate(&c, &settings(false, false), vec![disturbed.clone()]);
        assert!(g.pass);
        assert_eq!(
            g.warnings,
            vec![
                Finding::OnlyInA { count: 2 },
                Finding::OnlyInB { count: 1 },
                disturbed
            ]
        );
    }
}
