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
    let speed_gates = settings.strict || c.same_host != Some(false);
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
