//! Step 1 of the pipeline, align: which metrics both sides have (by stable index), which only
//! one side has, what each compared metric is (rate or level), and which hosts the sides ran on.

use super::outcome::OneSided;
use super::quantity::{name_of, Quantity, WorkUnit};
use crate::store::RunSet;
use session_stats::{metric, MetricKind, BW_DOWNLOAD_RATE, BW_UPLOAD_RATE};

/// What the two sides have in common, and what they do not.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Alignment {
    /// Metric indices every run of both sides has, ascending (behaviour checks use them all).
    pub(super) common: Vec<usize>,
    /// The metrics to test, with their quantity: `common`, or none for `--headline-only`.
    pub(super) metrics: Vec<(usize, Quantity)>,
    /// Metrics only B has.
    pub(super) added: Vec<OneSided>,
    /// Metrics only A has.
    pub(super) removed: Vec<OneSided>,
}

/// Aligns A and B by stable metric index; `headline_only` tests no metric (calibration runs
/// hundreds of comparisons of throughput alone). With a unit of `work`, counters compare per
/// unit of it (the work metric itself, identically 1, is not compared).
pub(super) fn align(
    a: &RunSet,
    b: &RunSet,
    headline_only: bool,
    work: Option<WorkUnit>,
) -> Alignment {
    let (ia, ib) = (a.common_indices(), b.common_indices());
    let common: Vec<usize> = ia
        .iter()
        .copied()
        .filter(|i| ib.binary_search(i).is_ok())
        .collect();
    let compared: &[usize] = if headline_only { &[] } else { &common };
    let metrics = compared
        .iter()
        .filter_map(|&i| Some((i, normalised(i, quantity_of(i, a, b), work)?)))
        .collect();
    Alignment {
        metrics,
        added: one_sided(&ib, &ia),
        removed: one_sided(&ia, &ib),
        common,
    }
}

/// The indices of `from` that `other` lacks (both ascending), named.
fn one_sided(from: &[usize], other: &[usize]) -> Vec<OneSided> {
    from.iter()
        .filter(|i| other.binary_search(i).is_err())
        .map(|&index| OneSided {
            index,
            name: name_of(index),
        })
        .collect()
}

/// How metric `index` of kind `per_second` (a counter's rate or a gauge's level) compares
/// with a unit of `work`: counters per unit of work, the derived per-second rate gauges per
/// unit of work per second, other gauges as levels; `None` for the work metric itself.
fn normalised(index: usize, per_second: Quantity, work: Option<WorkUnit>) -> Option<Quantity> {
    let Some(unit) = work else {
        return Some(per_second);
    };
    if unit == WorkUnit::Metric(index) {
        return None;
    }
    let rate_gauge = [BW_UPLOAD_RATE, BW_DOWNLOAD_RATE].contains(&index);
    Some(match per_second {
        Quantity::Rate => Quantity::PerWork,
        Quantity::Level if rate_gauge => Quantity::RatePerWork,
        q => q,
    })
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

/// Host fingerprints of A and B (the first run's with a run.json of either recorder), and whether they are the same
/// kind of host (`None` when either is unknown): the gate policy's host rule reads them.
pub(super) fn hosts(a: &RunSet, b: &RunSet) -> ((Option<String>, Option<String>), Option<bool>) {
    let host = |s: &RunSet| -> Option<String> {
        let mut hosts: Vec<String> = s.runs.iter().filter_map(|r| r.host_fingerprint()).collect();
        hosts.dedup();
        hosts.into_iter().next()
    };
    let hosts = (host(a), host(b));
    let same = match (&hosts.0, &hosts.1) {
        (Some(x), Some(y)) => Some(x == y),
        _ => None,
    };
    (hosts, same)
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{meta, side};
    use super::*;
    use crate::store::Run;
    use session_stats::{MetricKind, NUM_METRICS};

    fn run(columns: &[(usize, Vec<i64>)]) -> Run {
        super::super::fixtures::run("r", columns)
    }

    fn index_of(kind: MetricKind) -> usize {
        (0..NUM_METRICS)
            .find(|&i| metric(i).is_some_and(|m| m.kind == kind))
            .expect("the registry has one")
    }

    #[test]
    fn common_added_and_removed_by_index() {
        let counter = index_of(MetricKind::Counter);
        let gauge = index_of(MetricKind::Gauge);
        let unknown = NUM_METRICS + 7;
        let mut ia = [counter, gauge];
        ia.sort_unstable();
        let a = side(vec![run(&[(ia[0], vec![0, 1]), (ia[1], vec![0, 1])])]);
        let mut ib = [gauge, unknown];
        ib.sort_unstable();
        let b = side(vec![run(&[(ib[0], vec![0, 1]), (ib[1], vec![0, 1])])]);
        let al = align(&a, &b, false, None);
        assert_eq!(al.common, vec![gauge]);
        assert_eq!(al.metrics, vec![(gauge, Quantity::Level)]);
        let indices = |v: &[OneSided]| v.iter().map(|o| o.index).collect::<Vec<_>>();
        assert_eq!(indices(&al.added), vec![unknown]);
        assert_eq!(indices(&al.removed), vec![counter]);
        assert_eq!(al.added[0].name, format!("#{unknown}"));
        assert_eq!(al.removed[0].name, metric(counter).unwrap().name);
    }

    #[test]
    fn a_metric_one_run_of_a_side_lacks_is_not_common() {
        let counter = index_of(MetricKind::Counter);
        let a = side(vec![
            run(&[(counter, vec![0, 1])]),
            run(&[(counter + 1, vec![0, 1])]),
        ]);
        let b = side(vec![run(&[(counter, vec![0, 1])])]);
        let al = align(&a, &b, false, None);
        assert!(al.common.is_empty());
        assert_eq!(
            al.added.len(),
            1,
            "B's metric is missing from A's second run"
        );
    }

    #[test]
    fn headline_only_tests_no_metric_but_keeps_the_common_ones() {
        let counter = index_of(MetricKind::Counter);
        let a = side(vec![run(&[(counter, vec![0, 1])])]);
        let al = align(&a, &a.clone(), true, None);
        assert_eq!(al.common, vec![counter]);
        assert!(al.metrics.is_empty());
    }

    #[test]
    fn registry_kind_decides_and_an_unknown_slot_is_judged_by_its_data() {
        let counter = index_of(MetricKind::Counter);
        let gauge = index_of(MetricKind::Gauge);
        let up = NUM_METRICS + 1;
        let down = NUM_METRICS + 2;
        let mut cols = vec![
            // A registered counter is a rate even when its data fall (a reset).
            (counter, vec![5, 3, 4]),
            (gauge, vec![0, 1, 2]),
            (up, vec![1, 1, 9]),
            (down, vec![1, 2, 1]),
        ];
        cols.sort_by_key(|c| c.0);
        let a = side(vec![run(&cols)]);
        let b = a.clone();
        let quantity = |i| quantity_of(i, &a, &b);
        assert_eq!(quantity(counter), Quantity::Rate);
        assert_eq!(quantity(gauge), Quantity::Level);
        assert_eq!(quantity(up), Quantity::Rate);
        assert_eq!(quantity(down), Quantity::Level);
        // One side's decrease makes the slot a level.
        let b = side(vec![run(&[(up, vec![3, 2, 1])])]);
        assert_eq!(quantity_of(up, &a, &b), Quantity::Level);
    }

    #[test]
    fn hosts_from_run_json_and_unknown_without() {
        let bare = side(vec![run(&[(0, vec![0, 1])])]);
        assert_eq!(hosts(&bare, &bare), ((None, None), None));
        let with_host = |cpu: &str| {
            let mut r = run(&[(0, vec![0, 1])]);
            let mut m = meta();
            m.host.cpu_model = cpu.into();
            r.meta = Some(m);
            side(vec![r])
        };
        let (x, y) = (with_host("x"), with_host("y"));
        let ((ha, hb), same) = hosts(&x, &y);
        assert_eq!(same, Some(false));
        assert_eq!((ha, hb), (host_of(&x), host_of(&y)));
        assert_ne!(host_of(&x), host_of(&y));
        assert_eq!(hosts(&x, &with_host("x")).1, Some(true));
        // One side unknown: not a mismatch.
        assert_eq!(hosts(&x, &bare), ((host_of(&x), None), None));
    }

    fn host_of(s: &RunSet) -> Option<String> {
        s.metas().next().map(|m| m.host.speed_fingerprint())
    }
}
