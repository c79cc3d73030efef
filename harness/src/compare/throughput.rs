//! The headline quantity's samples: throughput per steady interval of every run, with the runs a
//! disturbance moved left out, and the rule that withholds a speed verdict when too many were.

use super::quantity::Quantity::Rate;
use super::work::HeadlineSource;
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
pub(super) fn throughput_samples(
    set: &RunSet,
    disturbed: f64,
    source: HeadlineSource,
) -> Option<Throughput> {
    let mut per_run = Vec::new();
    for run in &set.runs {
        let values = match source {
            HeadlineSource::Throughput => run.interval_throughput()?,
            HeadlineSource::MetricRate(i) => {
                super::frame::run_frame(run, &[(i, Rate)], None, false)
                    .ok()?
                    .pop()?
            }
        };
        let median = statbench_stats::median(&values).unwrap_or(0.0);
        per_run.push((run.name(), values, median));
    }
    let medians: Vec<f64> = per_run.iter().map(|r| r.2).collect();
    let typical = statbench_stats::median(&medians).unwrap_or(0.0);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recorder::{IntervalThroughput, RunMeta};

    fn throughput_samples_of(set: &RunSet, disturbed: f64) -> Option<Throughput> {
        throughput_samples(set, disturbed, HeadlineSource::Throughput)
    }

    /// A side whose run `k` has five steady intervals at `levels[k]` updates/s.
    fn side(levels: &[f64]) -> RunSet {
        let template: RunMeta =
            serde_json::from_str(include_str!("../../tests/fixtures/run.json")).unwrap();
        let runs = levels
            .iter()
            .enumerate()
            .map(|(k, &level)| {
                let mut meta = template.clone();
                meta.intervals = (1..=7)
                    .map(|sample| IntervalThroughput {
                        sample,
                        duration_ns: 1,
                        ops: 1,
                        ops_per_sec: level,
                    })
                    .collect();
                let mut run = super::super::fixtures::run(&format!("s/r{}", k + 1), &[]);
                run.meta = Some(meta);
                run
            })
            .collect();
        RunSet {
            label: "side".into(),
            runs,
        }
    }

    #[test]
    fn steady_intervals_of_every_run_and_a_disturbed_run_left_out() {
        let t = throughput_samples_of(&side(&[100.0, 101.0, 99.0, 60.0]), 0.10).unwrap();
        // Warm-up and wind-down are left out: 5 of 7 intervals a run.
        assert_eq!(t.run_lengths, [5, 5, 5]);
        assert_eq!(t.disturbed.len(), 1);
        assert_eq!(t.disturbed[0].0, "s/r4");
        assert!(!t.unstable(), "1 of 4 is not more than a quarter");
        // 0 keeps every run.
        let all = throughput_samples_of(&side(&[100.0, 101.0, 99.0, 60.0]), 0.0).unwrap();
        assert_eq!(all.run_lengths.len(), 4);
    }

    #[test]
    fn a_side_split_in_two_keeps_its_runs_and_too_many_disturbed_is_unstable() {
        // No majority within 10% of the median run: nothing is judged.
        let split = throughput_samples_of(&side(&[100.0, 100.0, 150.0, 150.0]), 0.10).unwrap();
        assert!(split.disturbed.is_empty());
        // A majority agrees, but 2 of 6 runs are off: more than a quarter.
        let t =
            throughput_samples_of(&side(&[100.0, 100.0, 101.0, 99.0, 70.0, 140.0]), 0.10).unwrap();
        assert_eq!(t.disturbed.len(), 2);
        assert!(t.unstable());
    }
}
