//! Behaviour, which always gates: lost updates, incomplete runs, and final totals that differ
//! between runs that must give the same totals.

use super::align::name_of;
use super::finding::{Finding, TotalDifference};
use crate::store::RunSet;
use session_stats::{DERIVED_SLOTS, NUM_METRICS};

/// Lost updates on either side, and — for operation-budget runs of the same scenario and seed
/// — final totals that differ (a behaviour change: the same events must give the same counts).
pub(super) fn behaviour_changes(a: &RunSet, b: &RunSet, common: &[usize]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (side, set) in [('A', a), ('B', b)] {
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
                if !m.complete {
                    out.push(Finding::IncompleteRun {
                        side,
                        run: run.name(),
                    });
                }
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
