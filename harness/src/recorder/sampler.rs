//! The sampler: turns snapshots taken at fixed deadlines into CSV rows and interval throughput.

use super::meta::IntervalThroughput;
use super::SnapshotWriter;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// When to sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SamplerConfig {
    /// Time between rows; `None` records only the first and the final row.
    pub interval: Option<Duration>,
}

impl SamplerConfig {
    /// The deadline of sample `k` (absolute from the start, so sampling never drifts).
    pub fn deadline(&self, k: u64) -> Option<Duration> {
        self.interval.map(|i| i.saturating_mul(k as u32))
    }
}

/// Writes rows and keeps per-interval throughput for run.json.
#[derive(Debug)]
pub struct Sampler {
    writer: SnapshotWriter,
    path: PathBuf,
    next_sample: u64,
    last: Option<(Duration, u64)>,
    intervals: Vec<IntervalThroughput>,
}

impl Sampler {
    /// Creates the snapshot CSV at `path` (never an existing file) for `width` metrics.
    pub fn create(path: &Path, width: usize) -> Result<Sampler> {
        let writer = SnapshotWriter::create(path, width).map_err(|e| Error::io(path, e))?;
        Ok(Sampler {
            writer,
            path: path.to_path_buf(),
            next_sample: 0,
            last: None,
            intervals: Vec::new(),
        })
    }

    /// Records one row: `values` read at `elapsed` since the start, after `ops` updates.
    pub fn record(&mut self, elapsed: Duration, ops: u64, values: &[i64]) -> Result<()> {
        let sample = self.next_sample;
        self.writer
            .write_row(sample, elapsed.as_nanos() as u64, values)
            .map_err(|e| Error::io(&self.path, e))?;
        if let Some((t0, ops0)) = self.last {
            let duration = elapsed.saturating_sub(t0);
            let done = ops.saturating_sub(ops0);
            let secs = duration.as_secs_f64();
            self.intervals.push(IntervalThroughput {
                sample,
                duration_ns: duration.as_nanos() as u64,
                ops: done,
                ops_per_sec: if secs > 0.0 { done as f64 / secs } else { 0.0 },
            });
        }
        self.last = Some((elapsed, ops));
        self.next_sample += 1;
        Ok(())
    }

    /// Number of the next row (= rows written so far).
    pub fn next_sample(&self) -> u64 {
        self.next_sample
    }

    /// Syncs the file and hands back the intervals.
    pub fn finish(self) -> Result<Vec<IntervalThroughput>> {
        self.writer.sync().map_err(|e| Error::io(&self.path, e))?;
        Ok(self.intervals)
    }
}
