//! `run.json`: everything needed to interpret (and trust) a run's snapshots.
//!
//! It is written when the run starts with `complete: false` and rewritten atomically when it
//! ends, so a killed run is recognisable as incomplete and never passes for a finished one.

use super::host::Host;
use crate::error::{Error, Result};
use crate::files::atomic_write;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// File name of the metadata inside a run folder.
pub const RUN_META_FILE: &str = "run.json";

/// Version of the run.json layout; bumped only on incompatible changes.
pub const RUN_META_FORMAT: u32 = 1;

/// Throughput of one sampling interval (between two consecutive snapshot rows).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IntervalThroughput {
    /// Sample number that ends the interval.
    pub sample: u64,
    /// Interval length in nanoseconds.
    pub duration_ns: u64,
    /// Counter updates applied in the interval.
    pub ops: u64,
    /// `ops` per second.
    pub ops_per_sec: f64,
}

/// One metric whose final value differed from the seed's expectation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mismatch {
    /// Stable metric index.
    pub index: usize,
    /// Dotted metric name.
    pub name: String,
    /// What the seed says it must be.
    pub expected: i64,
    /// What the counters held.
    pub actual: i64,
}

/// The contents of `run.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunMeta {
    /// [`RUN_META_FORMAT`].
    pub format: u32,
    /// statbench version that recorded the run.
    pub statbench_version: String,
    /// Git revision statbench was built from (`-dirty` if it had local changes), when known.
    pub git_revision: Option<String>,
    /// Scenario name.
    pub scenario: String,
    /// Scenario file as given.
    pub scenario_path: String,
    /// FNV-1a 64 hash of the scenario file's text.
    pub scenario_hash: String,
    /// The fully resolved scenario, overrides applied.
    pub scenario_settings: serde_json::Value,
    /// Hash of the comparable settings (see [`super::settings`]); absent in runs recorded
    /// before it existed, whose identity is then computed from `scenario_settings`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings_hash: Option<String>,
    /// Seed of the event streams.
    pub seed: u64,
    /// Counter layout (or `noop`).
    pub layout: String,
    /// Worker threads.
    pub threads: usize,
    /// Concurrent peers.
    pub peers: usize,
    /// Whether diagnostics were enabled.
    pub diagnostics: bool,
    /// Sampling interval in ms (0 when sampling was off: first and last rows only).
    pub sample_interval_ms: u64,
    /// Extra cancelling update pairs (+v, -v) per 1000 updates (injected slowdown; 0 normally).
    pub extra_work: u32,
    /// Repetition number (1-based) and count, when run with `--repeat`.
    pub repetition: Option<(usize, usize)>,
    /// Machine fingerprint.
    pub host: Host,
    /// Start time, RFC 3339 UTC.
    pub start_time: String,
    /// Whether the run finished (false while running and after a kill).
    pub complete: bool,
    /// Whether the final counters matched the seed's expectation (`None`: not checked).
    pub totals_verified: Option<bool>,
    /// Metrics that did not match.
    pub mismatches: Vec<Mismatch>,
    /// Snapshot rows written.
    pub samples: u64,
    /// Peer lives replayed.
    pub lives: u64,
    /// Counter updates applied.
    pub total_ops: u64,
    /// Wall time of the swarm, ns.
    pub elapsed_ns: u64,
    /// `total_ops` per second of `elapsed_ns`.
    pub ops_per_sec: f64,
    /// Throughput per sampling interval.
    pub intervals: Vec<IntervalThroughput>,
}

impl RunMeta {
    /// Writes `run.json` into `dir` atomically.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let mut json = serde_json::to_vec_pretty(self).expect("RunMeta serialises");
        json.push(b'\n');
        atomic_write(&dir.join(RUN_META_FILE), &json)
    }

    /// Reads a `run.json`; errors name the file, line and problem.
    pub fn read(path: &Path) -> Result<RunMeta> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        serde_json::from_str(&text).map_err(|e| {
            Error::input(format!(
                "{}:{}: invalid run.json: {e}",
                path.display(),
                e.line()
            ))
        })
    }
}

impl RunMeta {
    /// The settings this run is comparable by: the resolved scenario less its origin, plus
    /// whether sampling was on (see [`super::settings::settings_identity`]).
    pub fn settings(&self) -> serde_json::Value {
        super::settings::settings_identity(&self.scenario_settings, self.sample_interval_ms != 0)
    }

    /// Hash of [`RunMeta::settings`]: equal hashes, comparable runs.
    pub fn settings_key(&self) -> String {
        super::settings::settings_hash(&self.settings())
    }
}
