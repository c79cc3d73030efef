//! The headline quantity's samples: throughput per steady interval of every run, with the runs a
//! disturbance moved left out, and the rule that withholds a speed verdict when too many were.

use crate::compare::admit::run_name;
use crate::store::RunSet;

/// Throughput samples of one side, grouped by run.
pub(super) struct Throughput {
    /// Throughput of every kept interval, run after run.
    pub(super) values: Vec<f64>,
    /// How many intervals each kept run gave.
    pub(super) run_lengths: Vec<usize>,
    /// Runs left out as disturbed: (run, their median, the side's median run).
    pub(super) disturbed: Vec<(String, f64, f64)>,
}

/// More than this share of a side's runs left out as disturbed means the machine switched
/// state for a stretch of the runs (seen: 12 s of a 2-core VM at −25%, 8 of 20 gate runs, where
/// the slow runs were the majority), not that a few runs were unlucky: no speed verdict then.
const UNSTABLE_SHARE: f64 = 0.25;

impl Throughput {
    /// Too many runs left out to trust which runs are the normal ones.
    pub(super) fn unstable(&self) -> bool {
        let runs = self.disturbed.len() + self.run_lengths.len();
        self.disturbed.len() as f64 > UNSTABLE_SHARE * runs as f64
    }
}

/// Throughput per kept interval, and how many intervals each run gave.
///
/// A shared machine disturbs whole runs: neighbours slow them down, and a hypervisor that
/// places both vCPUs on one physical core makes cache-line transfers cheap and a contended run
/// 2–3× *faster*. A run whose median interval throughput is more than `disturbed` (a fraction)
/// away from the median run of its side is left out of the headline test and reported. A real
/// change moves every run of its side alike and is kept; with fewer than 3 runs nothing is left
/// out (there is no majority to judge by).
pub(super) fn throughput_samples(set: &RunSet, disturbed: f64) -> Option<Throughput> {
    let mut per_run = Vec::new();
    for run in &set.runs {
        let values = run.interval_throughput()?;
        let median = super::stats::median(&values).unwrap_or(0.0);
        per_run.push((run_name(run), values, median));
    }
    let medians: Vec<f64> = per_run.iter().map(|r| r.2).collect();
    let typical = super::stats::median(&medians).unwrap_or(0.0);
    let close = |m: f64| (m / typical - 1.0).abs() <= disturbed;
    // Judge only when a majority of runs agree; a split side (e.g. half the runs in a fast
    // placement) keeps every run, and the run-level statistics report the spread.
    let agreeing = medians.iter().filter(|&&m| close(m)).count();
    let judge =
        disturbed > 0.0 && per_run.len() >= 3 && typical > 0.0 && 2 * agreeing > per_run.len();
    let mut out = Throughput {
        values: Vec::new(),
        run_lengths: Vec::new(),
        disturbed: Vec::new(),
    };
    for (path, values, median) in per_run {
        if judge && !close(median) {
            out.disturbed.push((path, median, typical));
            continue;
        }
        out.run_lengths.push(values.len());
        out.values.extend(values);
    }
    (!out.values.is_empty()).then_some(out)
}
