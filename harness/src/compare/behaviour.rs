//! Behaviour, which always gates: lost updates, incomplete runs, and final totals that differ
//! between runs that must give the same totals.

use super::finding::{Finding, TotalDifference};
use super::quantity::name_of;
use super::side::Side;
use crate::store::RunSet;
use session_stats::{DERIVED_SLOTS, NUM_METRICS};

/// Lost updates on either side, and — for operation-budget runs of the same scenario and seed
/// — final totals that differ (a behaviour change: the same events must give the same counts).
pub(super) fn behaviour_changes(a: &RunSet, b: &RunSet, common: &[usize]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (side, set) in [(Side::Base, a), (Side::Candidate, b)] {
        for run in &set.runs {
            if let Some(m) = &run.meta {
                if m.totals_verified == Some(false) {
                    out.push(Finding::LostUpdates {
                        side,
                        run: run.name(),
                        metrics: m.mismatches.len(),
                        names: m
                            .mismatches
                            .iter()
                            .take(5)
                            .map(|x| x.name.clone())
                            .collect(),
                    });
                }
            }
            if !run.complete() {
                out.push(Finding::IncompleteRun {
                    side,
                    run: run.name(),
                });
            }
        }
    }
    // Same settings (seed, diagnostics and the operation budget included): same final totals.
    let deterministic = |set: &RunSet| -> Option<String> {
        let mut key = None;
        for run in &set.runs {
            let m = run.meta.as_ref()?;
            m.scenario_settings
                .get("budget")?
                .get("operations")?
                .as_u64()?;
            let k = m.settings_key();
            if key.get_or_insert(k.clone()) != &k {
                return None;
            }
        }
        key
    };
    if let (Some(ka), Some(kb)) = (deterministic(a), deterministic(b)) {
        if ka == kb {
            let reference = a.runs[0].table.clone();
            let reference_name = &a.runs[0].name();
            let last = |t: &crate::store::SnapshotTable, i: usize| {
                t.column(i).and_then(|c| c.last().copied())
            };
            for run in b.runs.iter().chain(&a.runs[1..]) {
                let differences: Vec<TotalDifference> = common
                    .iter()
                    .filter(|&&i| i >= NUM_METRICS || !DERIVED_SLOTS.contains(&i))
                    .filter(|&&i| last(&reference, i) != last(&run.table, i))
                    .take(5)
                    .map(|&index| TotalDifference {
                        index,
                        name: name_of(index),
                        reference: last(&reference, index),
                        value: last(&run.table, index),
                    })
                    .collect();
                if !differences.is_empty() {
                    out.push(Finding::TotalsDiffer {
                        run: run.name(),
                        reference: reference_name.clone(),
                        differences,
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{meta, run, side};
    use super::*;
    use crate::recorder::meta::Mismatch;
    use crate::store::Run;
    use serde_json::json;
    use session_stats::SES_UPTIME_SECS;

    /// A run with run.json, the operation budget `ops` (none: a duration budget), and final
    /// values `last` of metrics 0 and the uptime slot.
    fn statbench_run(name: &str, ops: Option<u64>, last: (i64, i64)) -> Run {
        let mut r = run(
            name,
            &[(0, vec![0, last.0]), (SES_UPTIME_SECS, vec![0, last.1])],
        );
        let mut m = meta();
        if let Some(ops) = ops {
            m.scenario_settings["budget"] = json!({ "operations": ops });
        }
        r.meta = Some(m);
        r
    }

    fn common() -> Vec<usize> {
        vec![0, SES_UPTIME_SECS]
    }

    #[test]
    fn lost_updates_and_incomplete_runs_on_either_side() {
        let mut lost = statbench_run("b/r1", None, (5, 1));
        let m = lost.meta.as_mut().unwrap();
        m.totals_verified = Some(false);
        m.mismatches = (0..7)
            .map(|index| Mismatch {
                index,
                name: format!("m{index}"),
                expected: 1,
                actual: 0,
            })
            .collect();
        let mut killed = statbench_run("a/r2", None, (5, 1));
        killed.meta.as_mut().unwrap().complete = false;
        let a = side(vec![statbench_run("a/r1", None, (5, 1)), killed]);
        let b = side(vec![lost]);
        let found = behaviour_changes(&a, &b, &common());
        assert_eq!(
            found,
            vec![
                Finding::IncompleteRun {
                    side: Side::Base,
                    run: "a/r2".into(),
                },
                Finding::LostUpdates {
                    side: Side::Candidate,
                    run: "b/r1".into(),
                    metrics: 7,
                    names: (0..5).map(|i| format!("m{i}")).collect(),
                },
            ]
        );
    }

    #[test]
    fn same_operation_budget_and_settings_must_give_the_same_totals() {
        let a = side(vec![
            statbench_run("a/r1", Some(1000), (5, 1)),
            // The uptime slot is derived from the clock: never a difference.
            statbench_run("a/r2", Some(1000), (5, 9)),
        ]);
        let b = side(vec![statbench_run("b/r1", Some(1000), (6, 1))]);
        let found = behaviour_changes(&a, &b, &common());
        assert_eq!(
            found,
            vec![Finding::TotalsDiffer {
                run: "b/r1".into(),
                reference: "a/r1".into(),
                differences: vec![TotalDifference {
                    index: 0,
                    name: name_of(0),
                    reference: Some(5),
                    value: Some(6),
                }],
            }]
        );
    }

    #[test]
    fn totals_are_not_compared_without_a_shared_operation_budget() {
        let b = side(vec![statbench_run("b/r1", Some(1000), (6, 1))]);
        // A duration budget: totals depend on speed.
        let by_time = side(vec![statbench_run("a/r1", None, (5, 1))]);
        assert!(behaviour_changes(&by_time, &b, &common()).is_empty());
        // Another budget: other settings, other totals.
        let other = side(vec![statbench_run("a/r1", Some(2000), (5, 1))]);
        assert!(behaviour_changes(&other, &b, &common()).is_empty());
        // Runs without run.json: nothing is known.
        let bare = side(vec![run("a/r1", &[(0, vec![0, 5])])]);
        assert!(behaviour_changes(&bare, &b, &common()).is_empty());
    }
}
