//! Compaction: a month of one-file-per-run merged into one file. Appends write a small file
//! per run, which is what makes concurrent writers safe; reading ten thousand of them costs
//! polars about half a millisecond each (footer, schema, a task per file), while the same runs
//! in 66 monthly files read in a tenth of a second. So `history compact` merges each month's
//! files into one, written atomically like any run file, and only then removes the files it
//! merged.
//!
//! Readers stay right throughout: a query groups rows by `run_id` and takes medians, so a run
//! seen twice (in the merged file and in its own, between the two steps, or after a crash
//! between them) gives the same answer; the next compaction merges such leftovers again and
//! keeps one copy. A run added while a month is being compacted is not in the list being
//! merged, so it stays in its own file.

use super::dataset::{Dataset, Partitions, Skipped};
use super::query::{reference_schema, scan_files};
use super::row::{col, write_frame};
use crate::error::{Error, Result};
use polars::prelude::*;
use std::path::PathBuf;

/// What a compaction did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Compacted {
    /// Months merged.
    pub partitions: usize,
    /// Files merged (and removed).
    pub files: usize,
    /// Distinct runs in the merged files.
    pub runs: usize,
    /// The files written.
    pub written: Vec<PathBuf>,
    /// Files left alone because they are not readable run files.
    pub skipped: Vec<Skipped>,
}

/// Merges the files of every partition in `which` that has at least two.
pub fn compact(ds: &Dataset, which: &Partitions) -> Result<Compacted> {
    let (partitions, mut skipped) = ds.partitions(which)?;
    let mut out = Compacted::default();
    let columns: Vec<Expr> = reference_schema()
        .iter_names()
        .map(|n| col(n.clone()))
        .collect();
    for p in &partitions {
        let files = p.files(&mut skipped)?;
        if files.len() < 2 {
            continue;
        }
        let fail = |e: PolarsError| Error::input(format!("{}: compacting: {e}", p.dir.display()));
        let mut df = scan_files(&files, None)?
            .select(columns.clone())
            .filter(col(col::RUN_ID).is_not_null())
            .unique_stable_generic(
                Some(vec![col(col::RUN_ID), col(col::INTERVAL)]),
                UniqueKeepStrategy::First,
            )
            .sort(
                [col::TIMESTAMP, col::RUN_ID, col::INTERVAL],
                SortMultipleOptions::default(),
            )
            .collect()
            .map_err(fail)?;
        let ids = df
            .column(col::RUN_ID)
            .and_then(|c| c.n_unique())
            .map_err(fail)?;
        let mut key = String::new();
        for f in &files {
            key.push_str(&f.file_name().unwrap_or_default().to_string_lossy());
        }
        let name = format!(
            "runs-{ids}-{:016x}",
            crate::scenario::fnv1a64(key.as_bytes())
        );
        let added = ds.add(&p.scenario, p.month, &name, true, |f| {
            write_frame(&mut df, f).map(|_| ()).map_err(fail)
        })?;
        let written = match added {
            super::Added::New(path) | super::Added::Exists(path) => path,
        };
        for f in &files {
            if *f != written {
                std::fs::remove_file(f).map_err(|e| Error::io(f, e))?;
            }
        }
        out.partitions += 1;
        out.files += files.len();
        out.runs += ids;
        out.written.push(written);
    }
    out.skipped = skipped;
    Ok(out)
}
