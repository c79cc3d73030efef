//! What a set of runs did, in one phrase: the median throughput and its spread. `statbench run`
//! prints it and a run report puts it in its header, so the two always agree.

use super::RunMeta;

/// Throughput of one or more runs: median, lowest and highest run (updates/s).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThroughputSummary {
    /// Runs summarised.
    pub runs: usize,
    /// Median of the runs' updates/s.
    pub median: f64,
    /// Slowest run.
    pub min: f64,
    /// Fastest run.
    pub max: f64,
}

impl ThroughputSummary {
    /// The summary of `metas` (`None` when there are none).
    pub fn of<'a>(metas: impl IntoIterator<Item = &'a RunMeta>) -> Option<ThroughputSummary> {
        let mut rates: Vec<f64> = metas.into_iter().map(|m| m.ops_per_sec).collect();
        rates.sort_by(f64::total_cmp);
        Some(ThroughputSummary {
            runs: rates.len(),
            median: statbench_stats::median(&rates)?,
            min: *rates.first()?,
            max: *rates.last()?,
        })
    }
}

impl std::fmt::Display for ThroughputSummary {
    /// `37.3 M updates/s (whole run)`, or `median 96.9 M updates/s over 5 runs (whole-run
    /// rates, min 95.0, max 98.1)`: a run's own rate, not the median interval that `history
    /// list` and comparisons show.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.runs == 1 {
            write!(f, "{:.1} M updates/s (whole run)", self.median / 1e6)
        } else {
            write!(
                f,
                "median {:.1} M updates/s over {} runs (whole-run rates, min {:.1}, max {:.1})",
                self.median / 1e6,
                self.runs,
                self.min / 1e6,
                self.max / 1e6
            )
        }
    }
}
