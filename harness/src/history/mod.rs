//! History and trends: every run kept in a Parquet dataset, read lazily, and steps found over
//! commits.
//!
//! The data's way: run folders → [`row`] (one row per interval, the run's metadata on each) →
//! [`dataset`] (hive-partitioned files, atomic appends, pruning, bad files skipped) →
//! [`query`] (polars lazy scans, one row per run) → [`trend`] (series, commit order, the
//! [`steps`] fit) → the CLI's text, the trend report ([`report`]) and the exports other
//! dashboards read ([`interop`]). [`synth`] writes histories with known steps;
//! [`provenance`] fills in commit, branch and commit date from git.

pub mod compact;
pub mod dataset;
pub mod interop;
pub mod provenance;
pub mod query;
pub mod render;
pub(crate) mod report;
pub mod row;
/// The step fit is pure statistics: it lives in `statbench-stats`.
pub use statbench_stats::steps;
pub mod synth;
pub mod trend;

pub use dataset::{Added, Dataset, Month, Partition, Partitions, Skipped};
pub use query::{run_medians, Query, RunSummary, RunTable};
pub use row::{HistoryRun, Provenance, RunRecord};
pub use steps::{detect_steps, Step, StepFit, StepSettings};
pub use trend::{build_trend, SeriesTrend, Trend, TrendSettings};

use crate::error::Result;
use crate::store::RunSet;
use std::path::PathBuf;

/// `f` over `items` on a few plain threads taking the next item in turn, results in order.
/// Not rayon: a rayon worker that blocks in polars (which runs its own rayon pool) steals
/// more of our jobs meanwhile and nests them on its stack, which overflowed at a few thousand
/// files; polars parallelises inside each call anyway.
pub(crate) fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8)
        .min(items.len().max(1));
    let next = AtomicUsize::new(0);
    let mut out: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                std::thread::Builder::new()
                    .stack_size(8 << 20)
                    .spawn_scoped(scope, || {
                        let mut done = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(item) = items.get(i) else { break };
                            done.push((i, f(item)));
                        }
                        done
                    })
                    .expect("spawning a worker thread")
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a history worker panicked"))
            .collect()
    });
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, r)| r).collect()
}

/// Folder of the history when no `--history` is given.
pub const DEFAULT_DIR: &str = "history";

/// One run offered to the history and what happened to it.
#[derive(Debug, Clone, PartialEq)]
pub struct AddOutcome {
    /// The run as named in messages.
    pub source: String,
    pub run_id: String,
    /// Written, or already there.
    pub added: Added,
}

/// Adds every run under `paths` (run folders, `--repeat` folders, snapshot CSVs) to `ds`.
/// All runs are read and checked first, so a bad one stops the command before anything is
/// written. `prov` holds what the options say; what it lacks comes from run.json, then git.
pub fn add_runs(ds: &Dataset, paths: &[PathBuf], prov: &Provenance) -> Result<Vec<AddOutcome>> {
    let mut prepared = Vec::new();
    for p in paths {
        let set = RunSet::load(p.display().to_string(), std::slice::from_ref(p))?;
        for run in &set.runs {
            let source = run.name();
            let mut filled = prov.clone();
            let commit = filled.commit.clone().or_else(|| {
                run.meta
                    .as_ref()
                    .and_then(|m| m.git_revision.clone())
                    .map(|r| r.trim_end_matches("-dirty").to_string())
            });
            if let Some(c) = commit.as_deref() {
                if filled.commit_time.is_none() {
                    filled.commit_time = provenance::commit_time(c);
                }
                if filled.branch.is_none() {
                    filled.branch = provenance::branch_of(c);
                }
            }
            prepared.push(HistoryRun::from_run(run, &source, &filled)?);
        }
    }
    prepared
        .iter()
        .map(|run| {
            let added = ds.add(
                &run.record.scenario,
                run.month(),
                &run.record.run_id,
                true,
                |f| run.write_parquet(f),
            )?;
            Ok(AddOutcome {
                source: run.record.source.clone(),
                run_id: run.record.run_id.clone(),
                added,
            })
        })
        .collect()
}

/// `v`, a value of history column `quantity`, with its unit: throughput in updates/s, a
/// counter as its rate per second, a gauge as its level (`21.66 GB/s`, `12.00`).
pub(crate) fn figure(quantity: &str, v: f64) -> String {
    use crate::compare::quantity::Quantity;
    use crate::export::unit::Unit;
    let kind = session_stats::find_metric_idx(quantity)
        .and_then(session_stats::metric)
        .map(|m| m.kind);
    let unit = match kind {
        None => Unit::of(quantity, Quantity::Throughput),
        Some(session_stats::MetricKind::Counter) => Unit::of(quantity, Quantity::Rate),
        Some(_) => Unit::of(quantity, Quantity::Level),
    };
    unit.format(v, false)
}
