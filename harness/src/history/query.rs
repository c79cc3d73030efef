//! Queries over the dataset: only the files of the wanted partitions are opened (the folder
//! names prune them), only the columns a query needs are read from each, then polars' lazy
//! engine filters (`steady`, branch, time, host) and groups the rows to one row per run.
//!
//! A file the cheap check let through but the reader cannot use (a damaged footer, a column of
//! the wrong type, a Parquet file of another dataset) does not fail the query: the files are
//! checked one by one, the bad ones reported as skipped, and the query runs again without them.

use super::dataset::{Dataset, Month, Partitions, Skipped};
use super::row::{col, HistoryRun};
use crate::error::{Error, Result};
use polars::prelude::*;
use polars_io::prelude::{ParallelStrategy, ParquetReader, SerReader};
use session_stats::session_stats_metrics;
use std::path::PathBuf;

/// Column polars adds with each row's file, to name the files a row came from.
const FILE_COLUMN: &str = "__file";

/// What to read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    /// Only this scenario.
    pub scenario: Option<String>,
    /// Runs started at or after this time (µs since the epoch).
    pub since: Option<i64>,
    /// Runs started before this time (µs).
    pub until: Option<i64>,
    /// Only this branch.
    pub branch: Option<String>,
    /// Only this runner type (`host`) or machine (`hostname`).
    pub host: Option<String>,
    /// Only this run.
    pub run_id: Option<String>,
}

impl Query {
    /// The partitions the query can touch: its scenario and the months of its time range.
    pub fn partitions(&self) -> Partitions {
        Partitions {
            scenario: self.scenario.clone(),
            from: self.since.map(Month::of_micros),
            to: self.until.map(|u| Month::of_micros(u - 1)),
        }
    }

    fn predicate(&self) -> Expr {
        let time = |us: i64| lit(us).cast(DataType::Datetime(TimeUnit::Microseconds, None));
        let mut p = col(col::STEADY).eq(lit(true));
        if let Some(s) = &self.scenario {
            p = p.and(col(col::SCENARIO).eq(lit(s.as_str())));
        }
        if let Some(t) = self.since {
            p = p.and(col(col::TIMESTAMP).gt_eq(time(t)));
        }
        if let Some(t) = self.until {
            p = p.and(col(col::TIMESTAMP).lt(time(t)));
        }
        if let Some(b) = &self.branch {
            p = p.and(col(col::BRANCH).eq(lit(b.as_str())));
        }
        if let Some(h) = &self.host {
            p = p.and(
                col(col::HOST)
                    .eq(lit(h.as_str()))
                    .or(col(col::HOSTNAME).eq(lit(h.as_str()))),
            );
        }
        if let Some(id) = &self.run_id {
            p = p.and(col(col::RUN_ID).eq(lit(id.as_str())));
        }
        p
    }
}

/// One run's metadata and the median of each asked quantity over its steady intervals.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RunSummary {
    pub run_id: String,
    pub scenario: String,
    pub commit: Option<String>,
    /// Local changes.
    pub dirty: bool,
    /// Commit date (µs).
    pub commit_time: Option<i64>,
    pub branch: Option<String>,
    /// Start (µs).
    pub timestamp: i64,
    /// Runner type.
    pub host: String,
    /// Machine.
    pub hostname: Option<String>,
    /// Comparable settings.
    pub settings_hash: Option<String>,
    pub layout: Option<String>,
    pub threads: Option<u32>,
    /// Steady intervals.
    pub intervals: u32,
    /// Median of each quantity, in the order asked (`None`: no value in this run).
    pub values: Vec<Option<f64>>,
}

/// The runs a query found.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct RunTable {
    /// The quantities of [`RunSummary::values`].
    pub quantities: Vec<String>,
    /// Runs, oldest first.
    pub runs: Vec<RunSummary>,
    /// Files scanned.
    pub files: usize,
    /// Files left out, with why.
    pub skipped: Vec<Skipped>,
}

/// Every quantity the dataset holds: `throughput`, then the registry's metrics.
pub fn all_quantities() -> Vec<String> {
    std::iter::once(col::THROUGHPUT.to_string())
        .chain(session_stats_metrics().iter().map(|m| m.name.to_string()))
        .collect()
}

/// Checks a quantity name: `throughput` or a registry metric name.
pub fn check_quantity(name: &str) -> Result<()> {
    if name == col::THROUGHPUT || session_stats::find_metric_idx(name).is_some() {
        return Ok(());
    }
    let close: Vec<&str> = session_stats_metrics()
        .iter()
        .map(|m| m.name)
        .filter(|m| m.contains(name) || name.contains(m.split('.').next_back().unwrap_or("")))
        .take(3)
        .collect();
    Err(Error::input(format!(
        "quantity `{name}`: not `throughput` nor a metric name{}",
        if close.is_empty() {
            String::new()
        } else {
            format!(" (did you mean {}?)", close.join(", "))
        }
    )))
}

/// The dataset's columns, as format 1 writes them: the scan's reference schema (a file lacking
/// one gets nulls; columns a newer statbench added are ignored).
pub fn reference_schema() -> SchemaRef {
    let empty = HistoryRun {
        metrics: vec![None; session_stats::NUM_METRICS],
        ..HistoryRun::default()
    };
    Arc::new(
        empty
            .to_frame()
            .expect("an empty run has the dataset's columns")
            .schema()
            .as_ref()
            .clone(),
    )
}

/// Reads `files` into one lazy frame, one reader per file on parallel threads: the format's
/// columns named in `projection` (all of them when `None`; a column a file lacks is null,
/// columns a newer statbench added are not read), the partition columns from the folder names
/// and each row's file. Not polars' `scan_parquet`: in polars 0.55 that runs only on the
/// streaming engine, whose Parquet feature brings an HTTP/TLS stack (see harness/Cargo.toml).
/// The partitions were pruned before (`Dataset::files`); the row filter is the lazy plan's.
pub fn scan_files(files: &[PathBuf], projection: Option<&[&str]>) -> Result<LazyFrame> {
    let reference = reference_schema();
    let want: Vec<(PlSmallStr, DataType)> = reference
        .iter()
        .filter(|(name, _)| projection.map_or(true, |p| p.contains(&name.as_str())))
        .map(|(name, dtype)| (name.clone(), dtype.clone()))
        .collect();
    let frames = super::parallel_map(files, |path| read_file(path, &want));
    let mut all: Option<DataFrame> = None;
    for frame in frames {
        let frame = frame.map_err(Error::input)?;
        match &mut all {
            None => all = Some(frame),
            Some(all) => {
                all.vstack_mut_owned(frame)
                    .map_err(|e| Error::input(format!("history: {e}")))?;
            }
        }
    }
    let mut all = match all {
        Some(all) => all,
        None => read_columns(&[], &want, 0, &PathBuf::new()).map_err(Error::input)?,
    };
    all.rechunk_mut_par();
    Ok(all.lazy())
}

/// One file's rows in the columns of `want`, with the partition columns and its path; a column
/// of another type than the format's is an error naming the file.
fn read_file(
    path: &PathBuf,
    want: &[(PlSmallStr, DataType)],
) -> std::result::Result<DataFrame, String> {
    let name = path.display();
    let file = std::fs::File::open(path).map_err(|e| format!("{name}: {e}"))?;
    let mut reader = ParquetReader::new(file);
    let schema = reader.schema().map_err(|e| format!("{name}: {e}"))?;
    let height = reader.num_rows().map_err(|e| format!("{name}: {e}"))?;
    let present: Vec<String> = want
        .iter()
        .filter(|(n, _)| schema.contains(n))
        .map(|(n, _)| n.to_string())
        .collect();
    let read = if present.is_empty() {
        Vec::new()
    } else {
        reader
            .with_columns(Some(present))
            .read_parallel(ParallelStrategy::None)
            .finish()
            .map_err(|e| format!("{name}: {e}"))?
            .into_columns()
    };
    read_columns(&read, want, height, path)
}

/// `read`'s columns in the order of `want`, nulls for the missing ones, then the partition
/// columns (`scenario=`, `year=`, `month=` folders of `path`) and the file column.
fn read_columns(
    read: &[Column],
    want: &[(PlSmallStr, DataType)],
    height: usize,
    path: &std::path::Path,
) -> std::result::Result<DataFrame, String> {
    let mut columns = Vec::with_capacity(want.len() + 4);
    for (name, dtype) in want {
        match read.iter().find(|c| c.name() == name) {
            Some(c) if c.dtype() == dtype => columns.push(c.clone()),
            Some(c) => {
                return Err(format!(
                    "{}: column `{name}` is {}, the history format has {dtype}",
                    path.display(),
                    c.dtype()
                ))
            }
            None => columns.push(Column::full_null(name.clone(), height, dtype)),
        }
    }
    let part = |key: &str| {
        path.components().find_map(|c| {
            c.as_os_str()
                .to_str()
                .and_then(|s| s.strip_prefix(key))
                .and_then(|s| s.strip_prefix('='))
                .map(str::to_string)
        })
    };
    let number = |key: &str| part(key).and_then(|v| v.parse::<i32>().ok());
    columns.push(Column::new(
        col::SCENARIO.into(),
        vec![part(col::SCENARIO); height],
    ));
    columns.push(Column::new(
        col::YEAR.into(),
        vec![number(col::YEAR); height],
    ));
    columns.push(Column::new(
        col::MONTH.into(),
        vec![number(col::MONTH); height],
    ));
    columns.push(Column::new(
        FILE_COLUMN.into(),
        vec![path.display().to_string(); height],
    ));
    DataFrame::new(height, columns).map_err(|e| format!("{}: {e}", path.display()))
}

/// The runs matching `query`, with the per-run median of each of `quantities` (names checked
/// by [`check_quantity`]).
pub fn run_medians(ds: &Dataset, query: &Query, quantities: &[String]) -> Result<RunTable> {
    for q in quantities {
        check_quantity(q)?;
    }
    if ds.root().ancestors().any(|a| {
        a.file_name()
            .is_some_and(|n| n.to_string_lossy().contains('='))
    }) {
        return Err(Error::input(format!(
            "{}: a history folder's path must not contain `=` (it would read as a partition)",
            ds.root().display()
        )));
    }
    // A file that vanished between listing and reading was merged by a compaction, whose
    // merged file the listing may have missed: list again.
    for _ in 0..MAX_ATTEMPTS - 1 {
        match query_once(ds, query, quantities)? {
            Attempt::Done(table) => return Ok(table),
            Attempt::FilesVanished => continue,
        }
    }
    match query_once(ds, query, quantities)? {
        Attempt::Done(table) => Ok(table),
        Attempt::FilesVanished => Err(Error::input(format!(
            "{}: files kept vanishing while being read ({MAX_ATTEMPTS} attempts); is something deleting them?",
            ds.root().display()
        ))),
    }
}

/// Listings tried before a query gives up on files that vanish under it.
const MAX_ATTEMPTS: usize = 5;

enum Attempt {
    Done(RunTable),
    FilesVanished,
}

fn query_once(ds: &Dataset, query: &Query, quantities: &[String]) -> Result<Attempt> {
    let (mut files, mut skipped) = ds.files(&query.partitions())?;
    if skipped.iter().any(|s| !s.path.exists()) {
        return Ok(Attempt::FilesVanished);
    }
    let mut table = RunTable {
        quantities: quantities.to_vec(),
        ..RunTable::default()
    };
    if files.is_empty() {
        table.skipped = skipped;
        return Ok(Attempt::Done(table));
    }
    let frame = match collect_runs(&files, query, quantities) {
        Ok(frame) => frame,
        Err(first) => {
            if files.iter().any(|f| !f.exists()) {
                return Ok(Attempt::FilesVanished);
            }
            // Find the files the reader cannot use, leave them out, and ask again.
            let bad = deep_check(&files);
            if bad.is_empty() {
                return Err(Error::input(format!(
                    "{}: query failed: {first}",
                    ds.root().display()
                )));
            }
            files.retain(|f| !bad.iter().any(|b| &b.path == f));
            skipped.extend(bad);
            if files.is_empty() {
                table.skipped = skipped;
                return Ok(Attempt::Done(table));
            }
            match collect_runs(&files, query, quantities) {
                Ok(frame) => frame,
                Err(_) if files.iter().any(|f| !f.exists()) => return Ok(Attempt::FilesVanished),
                Err(e) => {
                    return Err(Error::input(format!(
                        "{}: query failed: {e}",
                        ds.root().display()
                    )))
                }
            }
        }
    };
    table.files = files.len();
    let (runs, foreign) = extract_runs(&frame, quantities).map_err(|e| {
        Error::input(format!(
            "{}: reading query result: {e}",
            ds.root().display()
        ))
    })?;
    skipped.extend(foreign.into_iter().map(|path| Skipped {
        path,
        reason: "no `run_id` column: not a statbench history file".into(),
    }));
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    table.runs = runs;
    table.skipped = skipped;
    Ok(Attempt::Done(table))
}

/// The lazy query: scan, filter, one row per run.
fn collect_runs(
    files: &[PathBuf],
    query: &Query,
    quantities: &[String],
) -> std::result::Result<DataFrame, String> {
    let mut read: Vec<&str> = vec![
        col::RUN_ID,
        col::COMMIT,
        col::DIRTY,
        col::COMMIT_TIME,
        col::BRANCH,
        col::TIMESTAMP,
        col::HOST,
        col::HOSTNAME,
        col::SETTINGS_HASH,
        col::LAYOUT,
        col::THREADS,
        col::INTERVAL,
        col::STEADY,
    ];
    read.extend(quantities.iter().map(String::as_str));
    let lf = scan_files(files, Some(&read)).map_err(|e| e.to_string())?;
    let first = |c: &str| col(c).first();
    let mut aggs = vec![
        first(col::SCENARIO),
        first(col::COMMIT),
        first(col::DIRTY),
        first(col::COMMIT_TIME).cast(DataType::Int64),
        first(col::BRANCH),
        first(col::TIMESTAMP).cast(DataType::Int64),
        first(col::HOST),
        first(col::HOSTNAME),
        first(col::SETTINGS_HASH),
        first(col::LAYOUT),
        first(col::THREADS),
        col(col::INTERVAL).n_unique().alias("__intervals"),
        first(FILE_COLUMN),
    ];
    for (k, q) in quantities.iter().enumerate() {
        aggs.push(col(q.as_str()).median().alias(format!("__q{k}")));
    }
    lf.filter(query.predicate())
        .group_by([col(col::RUN_ID)])
        .agg(aggs)
        .collect()
        .map_err(|e| e.to_string())
}

/// Rows of the grouped frame as [`RunSummary`]s (oldest first), and the files whose rows had
/// no run id (foreign Parquet files).
fn extract_runs(
    df: &DataFrame,
    quantities: &[String],
) -> PolarsResult<(Vec<RunSummary>, Vec<PathBuf>)> {
    let s = |name: &str| -> PolarsResult<Vec<Option<String>>> {
        Ok(df
            .column(name)?
            .str()?
            .iter()
            .map(|v| v.map(str::to_string))
            .collect())
    };
    let i64s = |name: &str| -> PolarsResult<Vec<Option<i64>>> {
        Ok(df
            .column(name)?
            .cast(&DataType::Int64)?
            .i64()?
            .iter()
            .collect())
    };
    let ids = s(col::RUN_ID)?;
    let scenario = s(col::SCENARIO)?;
    let commit = s(col::COMMIT)?;
    let dirty: Vec<Option<bool>> = df.column(col::DIRTY)?.bool()?.iter().collect();
    let commit_time = i64s(col::COMMIT_TIME)?;
    let branch = s(col::BRANCH)?;
    let timestamp = i64s(col::TIMESTAMP)?;
    let host = s(col::HOST)?;
    let hostname = s(col::HOSTNAME)?;
    let settings = s(col::SETTINGS_HASH)?;
    let layout = s(col::LAYOUT)?;
    let threads = i64s(col::THREADS)?;
    let intervals = i64s("__intervals")?;
    let files = s(FILE_COLUMN)?;
    let values: Vec<Vec<Option<f64>>> = (0..quantities.len())
        .map(|k| -> PolarsResult<Vec<Option<f64>>> {
            Ok(df
                .column(&format!("__q{k}"))?
                .cast(&DataType::Float64)?
                .f64()?
                .iter()
                .collect())
        })
        .collect::<PolarsResult<_>>()?;
    let mut runs = Vec::with_capacity(df.height());
    let mut foreign = Vec::new();
    for i in 0..df.height() {
        let (Some(run_id), Some(ts)) = (ids[i].clone(), timestamp[i]) else {
            foreign.extend(files[i].clone().map(PathBuf::from));
            continue;
        };
        runs.push(RunSummary {
            run_id,
            scenario: scenario[i].clone().unwrap_or_default(),
            commit: commit[i].clone(),
            dirty: dirty[i].unwrap_or(false),
            commit_time: commit_time[i],
            branch: branch[i].clone(),
            timestamp: ts,
            host: host[i].clone().unwrap_or_else(|| "unknown".into()),
            hostname: hostname[i].clone(),
            settings_hash: settings[i].clone(),
            layout: layout[i].clone(),
            threads: threads[i].and_then(|t| u32::try_from(t).ok()),
            intervals: intervals[i].unwrap_or(0).max(0) as u32,
            values: values
                .iter()
                .map(|v| v[i].filter(|x| x.is_finite()))
                .collect(),
        });
    }
    runs.sort_by(|a, b| (a.timestamp, &a.run_id).cmp(&(b.timestamp, &b.run_id)));
    Ok((runs, foreign))
}

/// Checks each file's footer with polars' Parquet reader and the types of the columns the
/// format defines; the files that fail, with the reader's words.
fn deep_check(files: &[PathBuf]) -> Vec<Skipped> {
    let want = reference_schema();
    super::parallel_map(files, |path| {
        let reason = (|| -> std::result::Result<(), String> {
            let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
            let schema = ParquetReader::new(file)
                .schema()
                .map_err(|e| format!("unreadable Parquet footer: {e}"))?;
            if schema.get(col::RUN_ID).is_none() {
                return Err("no `run_id` column: not a statbench history file".into());
            }
            let sample = ParquetReader::new(std::fs::File::open(path).map_err(|e| e.to_string())?)
                .with_slice(Some((0, 1)))
                .finish()
                .map_err(|e| format!("unreadable Parquet data: {e}"))?;
            for (name, dtype) in sample.schema().iter() {
                if let Some(expected) = want.get(name) {
                    if expected != dtype {
                        return Err(format!(
                            "column `{name}` is {dtype}, the history format has {expected}"
                        ));
                    }
                }
            }
            Ok(())
        })();
        reason.err().map(|reason| Skipped {
            path: path.clone(),
            reason,
        })
    })
    .into_iter()
    .flatten()
    .collect()
}
