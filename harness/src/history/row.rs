//! What one run becomes in the dataset: one row per sampling interval, holding the interval's
//! throughput and every metric's value with the run's metadata repeated (Parquet stores a
//! repeated value in a few bytes), so every row can be filtered and grouped on its own.
//!
//! Columns (format [`FORMAT`]; the partition columns `scenario`, `year`, `month` live in the
//! folder names, as hive partitioning has them):
//!
//! | column | type | what |
//! |---|---|---|
//! | `run_id` | string | start time and a hash of what identifies the run; the file's name |
//! | `commit`, `dirty` | string, bool | the code measured (run.json `git_revision`, `--commit`) |
//! | `commit_time` | timestamp | the commit's date (from git at add time), orders commits |
//! | `branch` | string | `--branch`, or git's branch when the commit is its HEAD |
//! | `timestamp` | timestamp (UTC) | when the run started |
//! | `host`, `hostname` | string | CPU model × cores (OS): the runner type; the machine's name |
//! | `probe_uncontended_mops`, `probe_contended_mops` | double | the machine-speed probe |
//! | `settings_hash`, `scenario_hash`, `layout`, `threads`, `peers`, `seed` | | what ran |
//! | `statbench_version`, `totals_verified`, `source` | | who recorded it, lost updates, folder |
//! | `interval`, `duration_ns`, `steady` | uint32, int64, bool | interval number, length, and whether comparisons use it (not warm-up or wind-down) |
//! | `throughput` | double | counter updates per second in the interval (runs with run.json) |
//! | one per metric, named as the registry (`net.bytes_recv`, …) | double | a counter's rate per second in the interval, a gauge's level at its end; null when the run's CSV lacks it |

use super::dataset::Month;
use crate::error::{Error, Result};
use crate::recorder::RunMeta;
use crate::store::run_set::steady_intervals;
use crate::store::Run;
use polars::prelude::*;
use polars_io::prelude::{KeyValueMetadata, ParquetCompression, ParquetWriter};
use session_stats::{session_stats_metrics, MetricKind, NUM_METRICS};

/// Version of the column layout, also in each file's key-value metadata.
pub const FORMAT: u32 = 1;
/// Key-value metadata key holding [`FORMAT`].
pub const FORMAT_KEY: &str = "statbench.history.format";

/// Column names the queries rely on.
pub mod col {
    /// Run id.
    pub const RUN_ID: &str = "run_id";
    /// Commit measured.
    pub const COMMIT: &str = "commit";
    /// Commit had local changes.
    pub const DIRTY: &str = "dirty";
    /// Commit date.
    pub const COMMIT_TIME: &str = "commit_time";
    /// Branch.
    pub const BRANCH: &str = "branch";
    /// Run start.
    pub const TIMESTAMP: &str = "timestamp";
    /// Runner type (speed fingerprint).
    pub const HOST: &str = "host";
    /// Machine name.
    pub const HOSTNAME: &str = "hostname";
    /// Probe, one thread.
    pub const PROBE_UNCONTENDED: &str = "probe_uncontended_mops";
    /// Probe, contended.
    pub const PROBE_CONTENDED: &str = "probe_contended_mops";
    /// Comparable-settings hash.
    pub const SETTINGS_HASH: &str = "settings_hash";
    /// Scenario file hash.
    pub const SCENARIO_HASH: &str = "scenario_hash";
    /// Counter layout.
    pub const LAYOUT: &str = "layout";
    /// Worker threads.
    pub const THREADS: &str = "threads";
    /// Peers.
    pub const PEERS: &str = "peers";
    /// Seed.
    pub const SEED: &str = "seed";
    /// statbench version.
    pub const VERSION: &str = "statbench_version";
    /// Totals matched the seed.
    pub const TOTALS_VERIFIED: &str = "totals_verified";
    /// Folder the run was added from.
    pub const SOURCE: &str = "source";
    /// Interval number.
    pub const INTERVAL: &str = "interval";
    /// Interval length.
    pub const DURATION_NS: &str = "duration_ns";
    /// Interval used by comparisons.
    pub const STEADY: &str = "steady";
    /// Throughput.
    pub const THROUGHPUT: &str = "throughput";
    /// Partition: scenario.
    pub const SCENARIO: &str = "scenario";
    /// Partition: year.
    pub const YEAR: &str = "year";
    /// Partition: month.
    pub const MONTH: &str = "month";
}

/// Where a run came from and what it measured; one value per run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunRecord {
    /// Unique id (and file name).
    pub run_id: String,
    /// Scenario (the partition).
    pub scenario: String,
    /// Commit, without a `-dirty` suffix.
    pub commit: Option<String>,
    /// The build had local changes.
    pub dirty: bool,
    /// Commit date, µs since the epoch.
    pub commit_time: Option<i64>,
    pub branch: Option<String>,
    /// Run start, µs since the epoch (UTC).
    pub timestamp: i64,
    /// Runner type.
    pub host: String,
    /// Machine name.
    pub hostname: String,
    /// Probe rates, M updates/s.
    pub probe: Option<(f64, f64)>,
    /// Comparable-settings hash.
    pub settings_hash: Option<String>,
    /// Scenario file hash.
    pub scenario_hash: Option<String>,
    pub layout: Option<String>,
    pub threads: Option<u32>,
    pub peers: Option<u32>,
    pub seed: Option<u64>,
    pub statbench_version: Option<String>,
    /// Totals matched.
    pub totals_verified: Option<bool>,
    /// Folder or file the run was added from.
    pub source: String,
}

/// One run as rows: its record and one entry per interval.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HistoryRun {
    /// The run's metadata.
    pub record: RunRecord,
    /// Interval lengths, ns.
    pub duration_ns: Vec<i64>,
    /// Whether comparisons use the interval.
    pub steady: Vec<bool>,
    /// Throughput per interval (`None` without run.json).
    pub throughput: Vec<Option<f64>>,
    /// Per registry metric (index order), its value per interval; `None`: not in the run.
    pub metrics: Vec<Option<Vec<f64>>>,
}

/// Commit, branch and times the run's own files may lack, from options or git.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Provenance {
    /// Commit measured (wins over run.json's).
    pub commit: Option<String>,
    pub branch: Option<String>,
    /// Commit date, µs.
    pub commit_time: Option<i64>,
    /// Run start, µs (wins over run.json's).
    pub timestamp: Option<i64>,
    /// Scenario name (required for a CSV without run.json).
    pub scenario: Option<String>,
}

/// Microseconds since the epoch of an RFC 3339 time (`2026-11-25T09:11:02.123Z`).
pub fn parse_time_micros(text: &str) -> Option<i64> {
    let t = humantime::parse_rfc3339_weak(text.trim_end_matches('Z'))
        .or_else(|_| humantime::parse_rfc3339(text))
        .ok()?;
    let d = t.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(d.as_micros()).ok()
}

/// `YYYYmmddTHHMMSSZ` of a time in µs: the sortable start of run ids.
pub fn stamp_of_micros(us: i64) -> String {
    let secs = us.div_euclid(1_000_000);
    let (y, m, d) = super::dataset::civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        s / 3600,
        (s / 60) % 60,
        s % 60
    )
}

/// The id of a run: its start and a hash of what tells runs apart, so adding a run twice
/// finds the same name and two runs never share one.
pub fn run_id(timestamp: i64, identity: &str) -> String {
    format!(
        "{}-{:016x}",
        stamp_of_micros(timestamp),
        crate::scenario::fnv1a64(identity.as_bytes())
    )
}

impl HistoryRun {
    /// The rows of a loaded run (`run.table` and, when present, its run.json); `source` is
    /// what the user named. A run that did not finish, or lost updates, is refused.
    pub fn from_run(run: &Run, source: &str, prov: &Provenance) -> Result<HistoryRun> {
        let table = &run.table;
        let shown = run.name();
        if let Some(m) = &run.meta {
            if !m.complete {
                return Err(Error::input(format!(
                    "{shown}: run did not finish (run.json complete: false); not added to history"
                )));
            }
        }
        let n = table.rows().saturating_sub(1);
        if n == 0 {
            return Err(Error::input(format!(
                "{shown}: no complete sampling interval; nothing to add to history"
            )));
        }
        let record = record_of(run, source, prov)?;
        let steady_range = steady_intervals(n);
        let mut duration_ns = Vec::with_capacity(n);
        let mut steady = Vec::with_capacity(n);
        for k in 1..=n {
            let dt = (table.elapsed_ns[k] as i64).wrapping_sub(table.elapsed_ns[k - 1] as i64);
            duration_ns.push(dt);
            steady.push(steady_range.contains(&(k - 1)) && dt > 0);
        }
        // run.json's intervals end at a sample number: align them with the CSV's rows.
        let throughput = match &run.meta {
            Some(m) => {
                let by_sample: std::collections::HashMap<u64, f64> = m
                    .intervals
                    .iter()
                    .map(|i| (i.sample, i.ops_per_sec))
                    .collect();
                (1..=n)
                    .map(|k| by_sample.get(&table.samples[k]).copied())
                    .collect()
            }
            None => vec![None; n],
        };
        let kinds = session_stats_metrics();
        let metrics = (0..NUM_METRICS)
            .map(|index| {
                let c = table.column(index)?;
                Some(
                    (1..=n)
                        .map(|k| {
                            let dt = duration_ns[k - 1] as f64 * 1e-9;
                            match kinds[index].kind {
                                MetricKind::Counter if dt > 0.0 => {
                                    c[k].wrapping_sub(c[k - 1]) as f64 / dt
                                }
                                MetricKind::Counter => f64::NAN,
                                _ => c[k] as f64,
                            }
                        })
                        .collect(),
                )
            })
            .collect();
        Ok(HistoryRun {
            record,
            duration_ns,
            steady,
            throughput,
            metrics,
        })
    }

    /// The month partition the run belongs to.
    pub fn month(&self) -> Month {
        Month::of_micros(self.record.timestamp)
    }

    /// Number of interval rows.
    pub fn rows(&self) -> usize {
        self.steady.len()
    }

    /// The rows as a polars frame with the dataset's columns.
    pub fn to_frame(&self) -> PolarsResult<DataFrame> {
        let r = &self.record;
        let n = self.rows();
        let s = |name: &str, v: Option<&str>| Series::new(name.into(), vec![v; n]).into_column();
        let time = |name: &str, v: Option<i64>| -> PolarsResult<Column> {
            Ok(
                Int64Chunked::from_iter_options(name.into(), std::iter::repeat(v).take(n))
                    .into_datetime(TimeUnit::Microseconds, None)
                    .into_series()
                    .into_column(),
            )
        };
        let f = |name: &str, v: Option<f64>| Series::new(name.into(), vec![v; n]).into_column();
        let mut columns = vec![
            s(col::RUN_ID, Some(&r.run_id)),
            s(col::COMMIT, r.commit.as_deref()),
            Series::new(col::DIRTY.into(), vec![r.dirty; n]).into_column(),
            time(col::COMMIT_TIME, r.commit_time)?,
            s(col::BRANCH, r.branch.as_deref()),
            time(col::TIMESTAMP, Some(r.timestamp))?,
            s(col::HOST, Some(&r.host)),
            s(col::HOSTNAME, Some(&r.hostname)),
            f(col::PROBE_UNCONTENDED, r.probe.map(|p| p.0)),
            f(col::PROBE_CONTENDED, r.probe.map(|p| p.1)),
            s(col::SETTINGS_HASH, r.settings_hash.as_deref()),
            s(col::SCENARIO_HASH, r.scenario_hash.as_deref()),
            s(col::LAYOUT, r.layout.as_deref()),
            Series::new(col::THREADS.into(), vec![r.threads; n]).into_column(),
            Series::new(col::PEERS.into(), vec![r.peers; n]).into_column(),
            Series::new(col::SEED.into(), vec![r.seed; n]).into_column(),
            s(col::VERSION, r.statbench_version.as_deref()),
            Series::new(col::TOTALS_VERIFIED.into(), vec![r.totals_verified; n]).into_column(),
            s(col::SOURCE, Some(&r.source)),
            Series::new(col::INTERVAL.into(), (0..n as u32).collect::<Vec<u32>>()).into_column(),
            Series::new(col::DURATION_NS.into(), self.duration_ns.clone()).into_column(),
            Series::new(col::STEADY.into(), self.steady.clone()).into_column(),
            Series::new(col::THROUGHPUT.into(), self.throughput.clone()).into_column(),
        ];
        for (m, values) in session_stats_metrics().iter().zip(&self.metrics) {
            let column = match values {
                Some(v) => Series::new(
                    m.name.into(),
                    v.iter()
                        .map(|x| x.is_finite().then_some(*x))
                        .collect::<Vec<Option<f64>>>(),
                ),
                None => Series::new(m.name.into(), vec![None::<f64>; n]),
            };
            columns.push(column.into_column());
        }
        DataFrame::new(n, columns)
    }

    /// Writes the run as one Parquet file into `out` ([`write_frame`]).
    pub fn write_parquet(&self, out: &mut std::fs::File) -> Result<()> {
        let mut df = self
            .to_frame()
            .map_err(|e| Error::input(format!("history: run {}: {e}", self.record.run_id)))?;
        write_frame(&mut df, out)
            .map(|_| ())
            .map_err(|e| Error::input(format!("history: writing run {}: {e}", self.record.run_id)))
    }
}

/// Writes rows of the dataset as one Parquet file: Snappy (zstd made every reader create a
/// decompression context per column chunk: 17% of a 10,000-file query), one row group, the
/// format in the key-value metadata.
pub fn write_frame(df: &mut DataFrame, out: &mut std::fs::File) -> PolarsResult<u64> {
    let meta = vec![
        (FORMAT_KEY.to_string(), FORMAT.to_string()),
        (
            "statbench.version".to_string(),
            env!("CARGO_PKG_VERSION").to_string(),
        ),
    ];
    ParquetWriter::new(out)
        .with_compression(ParquetCompression::Snappy)
        .with_key_value_metadata(Some(KeyValueMetadata::from_static(meta)))
        .finish(df)
}

/// The record of a run from its run.json (when it has one) and `prov`.
fn record_of(run: &Run, source: &str, prov: &Provenance) -> Result<RunRecord> {
    let shown = run.name();
    let split_dirty = |rev: &str| match rev.strip_suffix("-dirty") {
        Some(c) => (c.to_string(), true),
        None => (rev.to_string(), false),
    };
    match &run.meta {
        Some(m) => {
            let timestamp = match prov.timestamp {
                Some(t) => t,
                None => parse_time_micros(&m.start_time).ok_or_else(|| {
                    Error::input(format!(
                        "{shown}/run.json: start_time `{}` is not an RFC 3339 time",
                        m.start_time
                    ))
                })?,
            };
            let (commit, dirty) = match (&prov.commit, &m.git_revision) {
                (Some(c), _) => split_dirty(c),
                (None, Some(rev)) => split_dirty(rev),
                (None, None) => (String::new(), false),
            };
            Ok(RunRecord {
                run_id: run_id(timestamp, &identity_of_meta(m)),
                scenario: prov.scenario.clone().unwrap_or_else(|| m.scenario.clone()),
                commit: (!commit.is_empty()).then_some(commit),
                dirty,
                commit_time: prov.commit_time,
                branch: prov.branch.clone(),
                timestamp,
                host: m.host.speed_fingerprint(),
                hostname: m.host.hostname.clone(),
                probe: m
                    .machine_probe
                    .as_ref()
                    .map(|p| (p.uncontended_mops, p.contended_mops)),
                settings_hash: Some(m.settings_key()),
                scenario_hash: Some(m.scenario_hash.clone()),
                layout: Some(m.layout.clone()),
                threads: u32::try_from(m.threads).ok(),
                peers: u32::try_from(m.peers).ok(),
                seed: Some(m.seed),
                statbench_version: Some(m.statbench_version.clone()),
                totals_verified: m.totals_verified,
                source: source.to_string(),
            })
        }
        None => {
            let scenario = prov.scenario.clone().ok_or_else(|| {
                Error::input(format!(
                    "{shown}: a snapshot CSV without run.json needs --scenario NAME (its history partition)"
                ))
            })?;
            let timestamp = prov.timestamp.ok_or_else(|| {
                Error::input(format!(
                    "{shown}: a snapshot CSV without run.json needs --timestamp (when the run started, RFC 3339)"
                ))
            })?;
            let (commit, dirty) = prov
                .commit
                .as_deref()
                .map(split_dirty)
                .map_or((None, false), |(c, d)| (Some(c), d));
            // A bare CSV is identified by its contents.
            let t = &run.table;
            let identity = format!(
                "csv|{scenario}|{}|{}|{:?}|{:?}",
                t.rows(),
                t.indices.len(),
                t.elapsed_ns.last(),
                t.columns
                    .iter()
                    .map(|c| c.last().copied())
                    .collect::<Vec<_>>()
            );
            Ok(RunRecord {
                run_id: run_id(timestamp, &identity),
                scenario,
                commit,
                dirty,
                commit_time: prov.commit_time,
                branch: prov.branch.clone(),
                timestamp,
                host: "unknown".into(),
                source: source.to_string(),
                ..RunRecord::default()
            })
        }
    }
}

/// What tells two statbench runs apart: where, when and what they ran and what they did.
fn identity_of_meta(m: &RunMeta) -> String {
    format!(
        "{}|{}|{}|{}|{}|{}|{}|{}|{}",
        m.scenario,
        m.start_time,
        m.host.hostname,
        m.seed,
        m.total_ops,
        m.elapsed_ns,
        m.samples,
        m.layout,
        m.threads
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_ids() {
        let t = parse_time_micros("2026-11-25T09:11:02.250Z").unwrap();
        assert_eq!(stamp_of_micros(t), "20261125T091102Z");
        assert_eq!(t % 1_000_000, 250_000);
        let a = run_id(t, "x");
        assert_eq!(a, run_id(t, "x"));
        assert_ne!(a, run_id(t, "y"));
        assert!(a.starts_with("20261125T091102Z-"));
        assert!(parse_time_micros("yesterday").is_none());
    }
}
