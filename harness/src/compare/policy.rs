//! The gate policy: which findings fail the gate and which only warn (host mismatch and
//! `--strict`, speed verdicts, metric changes and `--fail-on-metric-change`).

use super::analysis::{CompareSettings, Comparison};
use super::finding::{ChangedMetric, Finding};
use super::outcome::{Gate, Outcome, QuantityResult};

/// The gate policy: which findings fail the gate and which only warn; `disturbed` (the runs
/// sampling left out of the headline) are listed last among the warnings.
pub(super) fn gate(c: &Comparison, settings: &CompareSettings, disturbed: Vec<Finding>) -> Gate {
    let mut failures = Vec::new();
    let mut warnings = Vec::new();
    failures.extend(c.behaviour.iter().cloned());
    warnings.extend(c.left_out.iter().cloned().map(Finding::LeftOut));
    warnings.extend(c.machine.finding());
    let speed_gates = (settings.strict || c.same_host != Some(false)) && c.machine.speed_judged;
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
            let f = Finding::ThroughputRegression {
                effect: h.effect(),
                ci: h.ci,
                reason: h.reason.clone(),
                gating: speed_gates,
            };
            if speed_gates {
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
    let changed: Vec<&QuantityResult> =
        c.metrics.iter().filter(|m| m.outcome.is_change()).collect();
    if !changed.is_empty() {
        let f = Finding::MetricsChanged {
            count: changed.len(),
            top: changed
                .iter()
                .take(5)
                .map(|m| ChangedMetric {
                    name: m.name.clone(),
                    effect: m.effect(),
                })
                .collect(),
        };
        if settings.fail_on_metric_change && speed_gates {
            failures.push(f);
        } else {
            warnings.push(f);
        }
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
    use super::super::finding::{DisturbedRun, UnstableSide};
    use super::super::fixtures::{comparison, result};
    use super::super::outcome::OneSided;
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
            side: 'B',
            run: "r1".into(),
        };
        c.behaviour = vec![lost.clone()];
        let left = LeftOutRun {
            side: 'A',
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
            side: 'A',
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
        let g = gate(&c, &settings(false, true), Vec::new());
        assert!(!g.pass);
        assert_eq!(g.failures, vec![expected.clone()]);
        other_host(&mut c);
        let g = gate(&c, &settings(false, true), Vec::new());
        assert!(g.pass, "speed-dependent figures do not gate across hosts");
        assert_eq!(g.warnings[1], expected);
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
            side: 'B',
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
