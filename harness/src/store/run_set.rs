//! One side of a comparison: the runs it pools, loaded from whatever the user pointed at.

use super::engine_run::{read_run_document, RunDocument};
use super::snapshots::SnapshotTable;
use crate::error::{Error, Result};
use crate::recorder::meta::RUN_META_FILE;
use crate::recorder::SNAPSHOTS_FILE;
use crate::recorder::{MachineProbe, RunMeta};
use rayon::prelude::*;
use session_stats::recorder::RunInfo;
use std::path::{Path, PathBuf};

/// The intervals of a run that compare: the first (warm-up) and the last (the swarm winding
/// down after its deadline) are left out when there are more than three. The one home of that
/// rule, for throughput and for every metric.
pub fn steady_intervals(intervals: usize) -> std::ops::Range<usize> {
    if intervals > 3 {
        1..intervals - 1
    } else {
        0..intervals
    }
}

/// At most five runs by [`Run::name`], then a count of the rest: how messages list odd runs.
pub(crate) fn name_runs(runs: &[&Run]) -> String {
    let mut names: Vec<String> = runs.iter().take(5).map(|r| r.name()).collect();
    if runs.len() > 5 {
        names.push(format!("and {} more", runs.len() - 5));
    }
    names.join(", ")
}

/// One run: its snapshots and, when a recorder wrote one, its metadata.
#[derive(Debug, Clone)]
pub struct Run {
    /// Snapshot series.
    pub table: SnapshotTable,
    /// statbench's `run.json` beside the CSV, if statbench recorded the run.
    pub meta: Option<RunMeta>,
    /// An engine's `run.json` (`session_stats::recorder`), if the engine recorded it.
    pub engine: Option<RunInfo>,
}

/// Who recorded a run, which decides what it can be compared on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunKind {
    /// statbench: throughput per interval, scenario settings, verified totals.
    Statbench,
    /// An engine's recorder: host, probe, interval and an optional work metric.
    Engine,
    /// A snapshot CSV alone.
    Bare,
}

impl RunKind {
    /// How messages call runs of this kind.
    pub fn describe(self) -> &'static str {
        match self {
            RunKind::Statbench => "statbench runs",
            RunKind::Engine => "engine recordings (session-stats recorder)",
            RunKind::Bare => "bare CSVs (no run.json)",
        }
    }
}

impl Run {
    /// Who recorded the run.
    pub fn kind(&self) -> RunKind {
        match (&self.meta, &self.engine) {
            (Some(_), _) => RunKind::Statbench,
            (None, Some(_)) => RunKind::Engine,
            (None, None) => RunKind::Bare,
        }
    }

    /// The machine probe the recorder measured, if any.
    pub fn machine_probe(&self) -> Option<&MachineProbe> {
        match (&self.meta, &self.engine) {
            (Some(m), _) => m.machine_probe.as_ref(),
            (None, Some(e)) => e.machine_probe.as_ref(),
            (None, None) => None,
        }
    }

    /// The part of the host that decides whether speed figures compare (CPU, cores, OS).
    pub fn host_fingerprint(&self) -> Option<String> {
        match (&self.meta, &self.engine) {
            (Some(m), _) => Some(m.host.speed_fingerprint()),
            (None, Some(e)) => Some(e.host.speed_fingerprint()),
            (None, None) => None,
        }
    }

    /// Whether the recording finished (bare CSVs: unknown, taken as finished).
    pub fn complete(&self) -> bool {
        match (&self.meta, &self.engine) {
            (Some(m), _) => m.complete,
            (None, Some(e)) => e.complete,
            (None, None) => true,
        }
    }

    /// How the run is named in messages: its folder when it is a statbench run folder
    /// (`…/r3/snapshots.csv` → `…/r3`), else the CSV's path; relative to the current folder
    /// when it lies below it (a baseline found upwards is `baselines/default/r3`).
    pub fn name(&self) -> String {
        let cwd = std::env::current_dir().ok();
        let p = match cwd
            .as_deref()
            .and_then(|c| self.table.path.strip_prefix(c).ok())
        {
            Some(rel) if !rel.as_os_str().is_empty() => rel,
            _ => &self.table.path,
        };
        match (p.file_name(), p.parent()) {
            (Some(n), Some(dir)) if n == SNAPSHOTS_FILE && !dir.as_os_str().is_empty() => {
                dir.display().to_string()
            }
            _ => p.display().to_string(),
        }
    }

    /// Updates per second of the run's steady-state intervals (statbench runs only): the first
    /// and last intervals, which hold start-up and the drain, are dropped when there are more
    /// than three.
    pub fn interval_throughput(&self) -> Option<Vec<f64>> {
        let iv = &self.meta.as_ref()?.intervals;
        let kept = &iv[steady_intervals(iv.len())];
        Some(
            kept.iter()
                .filter(|i| i.duration_ns > 0)
                .map(|i| i.ops_per_sec)
                .collect(),
        )
    }
}

/// The runs pooled on one side of a comparison.
#[derive(Debug, Clone)]
pub struct RunSet {
    /// How the side is called in output (`A`, `baseline default`, a path...).
    pub label: String,
    /// The runs, in a stable order.
    pub runs: Vec<Run>,
}

impl RunSet {
    /// Loads every run under `paths`: a snapshot CSV, a run folder (with `snapshots.csv`), or a
    /// folder of run folders (`--repeat` output, a baseline).
    pub fn load(label: impl Into<String>, paths: &[PathBuf]) -> Result<RunSet> {
        let mut files = Vec::new();
        for p in paths {
            files.extend(snapshot_files(p)?);
        }
        let runs = files
            .par_iter()
            .map(|f| load_run(f))
            .collect::<Result<Vec<Run>>>()?;
        Ok(RunSet {
            label: label.into(),
            runs,
        })
    }

    /// Metadata of every run that has some.
    pub fn metas(&self) -> impl Iterator<Item = &RunMeta> {
        self.runs.iter().filter_map(|r| r.meta.as_ref())
    }

    /// Metric indices present in every run of the set, ascending.
    pub fn common_indices(&self) -> Vec<usize> {
        let mut it = self.runs.iter();
        let Some(first) = it.next() else {
            return Vec::new();
        };
        let mut common = first.table.indices.clone();
        for r in it {
            common.retain(|i| r.table.indices.binary_search(i).is_ok());
        }
        common
    }
}

fn load_run(csv: &Path) -> Result<Run> {
    let table = SnapshotTable::read(csv)?;
    let meta_path = csv.with_file_name(RUN_META_FILE);
    let document = if csv.file_name().is_some_and(|n| n == SNAPSHOTS_FILE) && meta_path.is_file() {
        Some(read_run_document(&meta_path)?)
    } else {
        None
    };
    Ok(match document {
        Some(RunDocument::Statbench(meta)) => Run {
            table,
            meta: Some(*meta),
            engine: None,
        },
        Some(RunDocument::Engine(info)) => {
            let columns = table.indices.len();
            if columns != info.width {
                return Err(Error::input(format!(
                    "{}: width is {} but {} has {columns} metric columns; the run.json belongs to another recording",
                    meta_path.display(),
                    info.width,
                    csv.display()
                )));
            }
            Run {
                table,
                meta: None,
                engine: Some(*info),
            }
        }
        None => Run {
            table,
            meta: None,
            engine: None,
        },
    })
}

/// The snapshot CSVs a path stands for, in natural order (r2 before r10).
fn snapshot_files(path: &Path) -> Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    if !path.is_dir() {
        return Err(Error::input(format!(
            "{}: no such run folder or snapshot CSV",
            path.display()
        )));
    }
    let direct = path.join(SNAPSHOTS_FILE);
    if direct.is_file() {
        return Ok(vec![direct]);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| Error::io(path, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| !is_hidden(p) && p.join(SNAPSHOTS_FILE).is_file())
        .map(|p| p.join(SNAPSHOTS_FILE))
        .collect();
    found.sort_by_key(|p| natural_key(p));
    if found.is_empty() {
        return Err(Error::input(format!(
            "{}: holds no {SNAPSHOTS_FILE} (neither directly nor in run folders below it)",
            path.display()
        )));
    }
    Ok(found)
}

fn is_hidden(p: &Path) -> bool {
    p.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

fn natural_key(p: &Path) -> (usize, String) {
    let s = p.display().to_string();
    (s.len(), s)
}

#[cfg(test)]
mod tests {
    use super::steady_intervals;

    #[test]
    fn warm_up_and_wind_down_are_left_out_only_when_something_remains() {
        assert_eq!(steady_intervals(0), 0..0);
        assert_eq!(steady_intervals(3), 0..3);
        assert_eq!(steady_intervals(4), 1..3);
        assert_eq!(steady_intervals(20), 1..19);
    }
}
