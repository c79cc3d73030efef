//! The dataset on disk: one Parquet file per run, hive-partitioned by scenario and month, so
//! any engine that reads Parquet (polars, DuckDB, Spark, Trino) reads it unchanged:
//!
//! ```text
//! history/scenario=default/year=2026/month=11/20261125T091102Z-3f2a9c0d81b7e645.parquet
//! ```
//!
//! * **Appends never clobber.** A run's file name is its id (start time and a hash of what
//!   identifies the run), written to a hidden temporary file in the partition, synced, then
//!   hard-linked to its name, which fails if the name exists: two writers never replace each
//!   other's file, a reader never sees a partial one, and adding a run twice is a no-op.
//! * **Pruning before opening.** A query names the scenario and months it wants; only those
//!   partition folders are listed, so other months' files are never opened.
//! * **Bad files are skipped, not fatal.** A file that is not Parquet (truncated by a copy, a
//!   stray file) is reported with its reason and left out; hidden files (`.name`: temporary
//!   files of writers) and names starting with `_` are ignored, as Spark and DuckDB do.

use crate::error::{Error, Result};
use crate::files::{leftover_is_stale, unique_suffix};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Extension of the run files.
pub const EXTENSION: &str = "parquet";
/// Parquet's magic number, at the start and the end of every file.
const MAGIC: &[u8; 4] = b"PAR1";

/// A file of the dataset that was left out of a query, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// The file.
    pub path: PathBuf,
    /// What is wrong with it.
    pub reason: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: skipped: {}", self.path.display(), self.reason)
    }
}

/// Year and month, ordered: the unit of time partitioning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Month {
    /// Calendar year.
    pub year: i32,
    /// 1..=12.
    pub month: u32,
}

impl Month {
    /// The month holding a time given in microseconds since the Unix epoch (UTC).
    pub fn of_micros(us: i64) -> Month {
        let (y, m, _) = civil_from_days(us.div_euclid(86_400_000_000));
        Month { year: y, month: m }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((y + i64::from(m <= 2)) as i32, m, d)
}

/// Which partitions a query reads; `None` fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Partitions {
    /// Only this scenario.
    pub scenario: Option<String>,
    /// Only months from this one on.
    pub from: Option<Month>,
    /// Only months up to this one.
    pub to: Option<Month>,
}

impl Partitions {
    fn wants_month(&self, m: Month) -> bool {
        self.from.map_or(true, |f| m >= f) && self.to.map_or(true, |t| m <= t)
    }
}

/// What [`Dataset::add`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// The run's file was written.
    New(PathBuf),
    /// A file with the run's id was already there (the run was added before).
    Exists(PathBuf),
}

/// A history dataset rooted at a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dataset {
    root: PathBuf,
}

impl Dataset {
    /// The dataset under `root` (created on the first add).
    pub fn at(root: impl Into<PathBuf>) -> Dataset {
        Dataset { root: root.into() }
    }

    /// The root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Folder of a scenario's month.
    pub fn partition_dir(&self, scenario: &str, month: Month) -> PathBuf {
        self.root
            .join(format!("scenario={}", encode_value(scenario)))
            .join(format!("year={:04}", month.year))
            .join(format!("month={:02}", month.month))
    }

    /// Writes a run's file atomically with `write` (which fills the temporary file it is
    /// given) under `<partition>/<id>.parquet`; never replaces an existing file. `durable`
    /// syncs the file and its folder (off only for bulk synthetic histories).
    pub fn add(
        &self,
        scenario: &str,
        month: Month,
        id: &str,
        durable: bool,
        write: impl FnOnce(&mut std::fs::File) -> Result<()>,
    ) -> Result<Added> {
        if id.is_empty() || id.starts_with(['.', '_']) || id.contains(['/', '\\']) {
            return Err(Error::input(format!("history: `{id}` is not a run id")));
        }
        let dir = self.partition_dir(scenario, month);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let target = dir.join(format!("{id}.{EXTENSION}"));
        if target.exists() {
            return Ok(Added::Exists(target));
        }
        remove_stale_temporaries(&dir);
        let tmp = dir.join(format!(
            ".{id}.{EXTENSION}.tmp-{}-{}",
            std::process::id(),
            unique_suffix()
        ));
        let result = (|| -> Result<Added> {
            let mut file = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
            write(&mut file)?;
            if durable {
                file.sync_all().map_err(|e| Error::io(&tmp, e))?;
            }
            drop(file);
            let added = install_new(&tmp, &target)?;
            if durable {
                // The new name is durable once the folder is.
                if let Ok(d) = std::fs::File::open(&dir) {
                    let _ = d.sync_all();
                }
            }
            Ok(added)
        })();
        let _ = std::fs::remove_file(&tmp);
        result
    }

    /// Every run file of the partitions in `which`, sorted, with the files that are not
    /// Parquet (by their magic numbers and footer length) reported and left out. Only the
    /// folders of wanted partitions are read.
    pub fn files(&self, which: &Partitions) -> Result<(Vec<PathBuf>, Vec<Skipped>)> {
        let (partitions, mut skipped) = self.partitions(which)?;
        let mut files = Vec::new();
        for p in &partitions {
            files.extend(p.files(&mut skipped)?);
        }
        files.sort();
        Ok((files, skipped))
    }

    /// The month folders of the partitions in `which`, in order; folders that are not
    /// partitions are reported. Folders of other scenarios and months are not listed.
    pub fn partitions(&self, which: &Partitions) -> Result<(Vec<Partition>, Vec<Skipped>)> {
        let mut out = Vec::new();
        let mut skipped = Vec::new();
        if !self.root.exists() {
            return Ok((out, skipped));
        }
        if !self.root.is_dir() {
            return Err(Error::input(format!(
                "{}: not a folder (a history dataset is a folder of partitions)",
                self.root.display()
            )));
        }
        for (dir, value) in partition_children(&self.root, "scenario", &mut skipped)? {
            let scenario = decode_value(&value);
            if which.scenario.as_ref().is_some_and(|s| scenario != *s) {
                continue;
            }
            for (year_dir, year) in partition_children(&dir, "year", &mut skipped)? {
                let Ok(year) = year.parse::<i32>() else {
                    skipped.push(Skipped {
                        path: year_dir,
                        reason: "partition `year=` is not a year".into(),
                    });
                    continue;
                };
                // A whole year outside the range is not even listed.
                let (first, last) = (Month { year, month: 1 }, Month { year, month: 12 });
                if which.from.is_some_and(|f| last < f) || which.to.is_some_and(|t| first > t) {
                    continue;
                }
                for (month_dir, month) in partition_children(&year_dir, "month", &mut skipped)? {
                    let month = match month.parse::<u32>() {
                        Ok(m) if (1..=12).contains(&m) => Month { year, month: m },
                        _ => {
                            skipped.push(Skipped {
                                path: month_dir,
                                reason: "partition `month=` is not a month (01..12)".into(),
                            });
                            continue;
                        }
                    };
                    if which.wants_month(month) {
                        out.push(Partition {
                            scenario: scenario.clone(),
                            month,
                            dir: month_dir,
                        });
                    }
                }
            }
        }
        Ok((out, skipped))
    }
}

/// One scenario's month: a folder of run files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    pub scenario: String,
    pub month: Month,
    /// Its folder.
    pub dir: PathBuf,
}

impl Partition {
    /// Its run files (sorted); files that are not Parquet go to `skipped`.
    pub fn files(&self, skipped: &mut Vec<Skipped>) -> Result<Vec<PathBuf>> {
        let mut files = Vec::new();
        collect_files(&self.dir, &mut files, skipped)?;
        files.sort();
        Ok(files)
    }
}

/// Links `tmp` to `target` unless `target` exists (hard link: atomic and exclusive). File
/// systems without hard links get a rename after an existence check instead.
fn install_new(tmp: &Path, target: &Path) -> Result<Added> {
    match std::fs::hard_link(tmp, target) {
        Ok(()) => Ok(Added::New(target.to_path_buf())),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Ok(Added::Exists(target.to_path_buf()))
        }
        Err(_) if !target.exists() => {
            std::fs::rename(tmp, target).map_err(|e| Error::io(target, e))?;
            Ok(Added::New(target.to_path_buf()))
        }
        Err(_) => Ok(Added::Exists(target.to_path_buf())),
    }
}

/// Removes temporary files that writers killed mid-write left in `dir` (their process is gone).
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix('.') else {
            continue;
        };
        let Some((_, tail)) = rest.split_once(".tmp-") else {
            continue;
        };
        let pid = tail.split('-').next().and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|pid| leftover_is_stale(pid, &entry.path())) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The `key=value` folders in `dir` (ignoring hidden and `_` names); anything else is
/// reported as skipped.
fn partition_children(
    dir: &Path,
    key: &str,
    skipped: &mut Vec<Skipped>,
) -> Result<Vec<(PathBuf, String)>> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(['.', '_']) {
            continue;
        }
        let path = entry.path();
        match name.split_once('=') {
            Some((k, v)) if k == key && path.is_dir() => out.push((path, v.to_string())),
            _ => skipped.push(Skipped {
                path,
                reason: format!("not a `{key}=…` partition folder"),
            }),
        }
    }
    out.sort();
    Ok(out)
}

/// The run files of one partition folder; others are reported.
fn collect_files(dir: &Path, files: &mut Vec<PathBuf>, skipped: &mut Vec<Skipped>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(['.', '_']) {
            continue;
        }
        let path = entry.path();
        if path.extension().map_or(true, |e| e != EXTENSION) || !path.is_file() {
            skipped.push(Skipped {
                path,
                reason: format!("not a .{EXTENSION} file"),
            });
            continue;
        }
        match check_parquet(&path) {
            Ok(()) => files.push(path),
            Err(reason) => skipped.push(Skipped { path, reason }),
        }
    }
    Ok(())
}

/// Cheap structural check of a Parquet file: magic at both ends and a footer that fits. A
/// truncated file (an interrupted copy) fails it; a deeper fault is found by the reader.
pub fn check_parquet(path: &Path) -> std::result::Result<(), String> {
    let mut f = std::fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let len = f.metadata().map_err(|e| e.to_string())?.len();
    if len < 12 {
        return Err(format!("{len} bytes: too short for Parquet (truncated?)"));
    }
    let mut head = [0u8; 4];
    f.read_exact(&mut head).map_err(|e| e.to_string())?;
    if &head != MAGIC {
        return Err("not a Parquet file (no PAR1 magic at the start)".into());
    }
    let mut tail = [0u8; 8];
    f.seek(SeekFrom::End(-8)).map_err(|e| e.to_string())?;
    f.read_exact(&mut tail).map_err(|e| e.to_string())?;
    if &tail[4..] != MAGIC {
        return Err("truncated or damaged Parquet file (no PAR1 magic at the end)".into());
    }
    let footer = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if footer + 12 > len {
        return Err(format!(
            "damaged Parquet file (footer of {footer} bytes in a {len}-byte file)"
        ));
    }
    Ok(())
}

/// Partition values are written as they are, except `%`, `/`, `\`, `=`, control characters
/// and spaces, which are percent-encoded (polars and Spark decode them).
pub fn encode_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        if c.is_control() || matches!(c, '%' | '/' | '\\' | '=' | ' ' | ':' | '#' | '?') {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Inverse of [`encode_value`] (invalid escapes are kept as written).
pub fn decode_value(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_of_times() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_417), (2025, 11, 25));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(
            Month::of_micros(1_764_028_800_000_000),
            Month {
                year: 2025,
                month: 11
            }
        );
        assert_eq!(
            Month {
                year: 2026,
                month: 3
            }
            .to_string(),
            "2026-03"
        );
    }

    #[test]
    fn partition_values_round_trip() {
        for v in ["default", "seeding heavy", "a/b=c%d", "naïve"] {
            assert_eq!(decode_value(&encode_value(v)), v);
        }
        assert_eq!(encode_value("a b"), "a%20b");
        assert_eq!(decode_value("100%"), "100%");
    }
}
