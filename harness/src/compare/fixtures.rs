//! Runs and sides built in memory for the pipeline steps' unit tests.

use crate::recorder::RunMeta;
use crate::store::{Run, RunSet, SnapshotTable};
use std::path::PathBuf;

/// A run named `name` (its folder) with the given metric columns `(index, values)`, indices
/// ascending, one row a second; no run.json.
pub(super) fn run(name: &str, columns: &[(usize, Vec<i64>)]) -> Run {
    let rows = columns.first().map_or(0, |c| c.1.len());
    Run {
        table: SnapshotTable {
            path: PathBuf::from(format!("{name}/snapshots.csv")),
            indices: columns.iter().map(|c| c.0).collect(),
            samples: (0..rows as u64).collect(),
            elapsed_ns: (0..rows as u64).map(|k| k * 1_000_000_000).collect(),
            columns: columns.iter().map(|c| c.1.clone()).collect(),
            truncated: false,
        },
        meta: None,
        engine: None,
    }
}

/// The test fixture's run.json (a complete, verified run of the default scenario).
pub(super) fn meta() -> RunMeta {
    serde_json::from_str(include_str!("../../tests/fixtures/run.json")).unwrap()
}

/// A side of the given runs.
pub(super) fn side(runs: Vec<Run>) -> RunSet {
    RunSet {
        label: "side".into(),
        runs,
    }
}

use super::outcome::{Outcome, QuantityResult};
use super::quantity::Quantity;
use super::significance::untested;
use super::{CompareSettings, Comparison, Gate};
use statbench_stats::Describe;

/// A classified result named `name` with this outcome and ratio (no samples, no analysis).
pub(crate) fn result(name: &str, outcome: Outcome, ratio: Option<f64>) -> QuantityResult {
    let d = Describe {
        n: 10,
        median: 1.0,
        mean: 1.0,
        p95: 1.0,
        std_dev: 0.0,
    };
    let mut r = untested(name.into(), None, Quantity::Throughput, (d, d));
    r.ratio = ratio;
    r.ci = ratio.map(|r| (r - 0.01, r + 0.01));
    r.p_value = ratio.map(|_| 0.001);
    r.p_adjusted = r.p_value;
    r.outcome = outcome;
    r
}

/// A comparison of two sides on the same host whose headline did not change, nothing else
/// found; the gate not decided yet.
pub(crate) fn comparison() -> Comparison {
    let settings = CompareSettings::default();
    Comparison {
        settings_differences: Vec::new(),
        a_label: "A".into(),
        b_label: "B".into(),
        runs: (5, 5),
        hosts: (Some("cpu".into()), Some("cpu".into())),
        same_host: Some(true),
        min_effect: settings.stats.min_effect,
        alpha: settings.stats.alpha,
        headline: Some(result("throughput", Outcome::NoChange, Some(1.0))),
        work: None,
        policy_file: None,
        metrics: Vec::new(),
        added: Vec::new(),
        removed: Vec::new(),
        left_out: Vec::new(),
        quantities_compared: 1,
        machine_changed: Vec::new(),
        machine: super::machine::MachineCheck::same_machine(),
        behaviour: Vec::new(),
        paired_base: None,
        placements: None,
        gate: Gate::default(),
    }
}

/// A statbench run named `name` whose seven intervals ran at these updates/s (five steady).
pub(super) fn throughput_run(name: &str, levels: [f64; 7]) -> Run {
    let mut r = run(name, &[(0, vec![0, 1])]);
    let mut m = meta();
    m.intervals = levels
        .iter()
        .enumerate()
        .map(|(k, &ops_per_sec)| crate::recorder::IntervalThroughput {
            sample: k as u64 + 1,
            duration_ns: 1,
            ops: 1,
            ops_per_sec,
        })
        .collect();
    r.meta = Some(m);
    r
}
