//! Baselines: `baselines/<name>/` holds copies of the runs (`r1` ... `rN`, each its raw
//! snapshots and run.json) plus `baseline.json`. A save builds the folder under a temporary name
//! and swaps it into place, so concurrent savers see a whole baseline or none; every save has a
//! unique id in baseline.json, so a reader that finds it changed while it read the runs (a save
//! replaced the folder under it) reads again instead of mixing two baselines.

use super::consistency;
use super::run_set::{name_runs, Run, RunKind, RunSet};
use crate::error::{Error, Result};
use crate::files::{atomic_write, install_dir, leftover_is_stale, unique_suffix};
use crate::recorder::Host;
use crate::recorder::SNAPSHOTS_FILE;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// File describing a baseline.
pub const BASELINE_FILE: &str = "baseline.json";

/// The `format` this statbench writes and reads.
const FORMAT: u32 = 1;

/// A baseline.json larger than this is not one (a few KB per hundred runs).
const MAX_INFO_BYTES: u64 = 16 << 20;

/// Reads of a baseline that a concurrent save keeps replacing, before giving up.
const READ_ATTEMPTS: u32 = 60;

/// `baseline.json`: what a later comparison needs to know about the stored runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineInfo {
    /// Layout version of this file.
    pub format: u32,
    /// Baseline name (its folder name).
    pub name: String,
    /// When it was saved, RFC 3339 UTC.
    pub created: String,
    /// statbench version that saved it.
    pub statbench_version: String,
    /// Scenario of the runs (when recorded by statbench).
    pub scenario: Option<String>,
    /// Scenario hash of the runs.
    pub scenario_hash: Option<String>,
    /// Hash of the runs' resolved settings (`RunMeta::settings_key`; every run has the same).
    #[serde(default)]
    pub settings_hash: Option<String>,
    /// The workload fingerprint of the runs (`run.json` `workload`; part of the settings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<String>,
    /// The commit the runs were built from (`run.json` `git_revision`, `-dirty` when the tree
    /// had local changes): what the gate pairs this build against to judge speed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// Host the runs were recorded on (every run was recorded on the same).
    pub host: Option<Host>,
    /// Number of runs stored (`r1` ... `rN`).
    pub runs: usize,
    /// Snapshot rows over all runs.
    pub samples: usize,
    /// Median of the runs' ops/s, for `baseline list`.
    pub median_ops_per_sec: Option<f64>,
    /// The stored runs' snapshot files, relative to the baseline folder (`r1/snapshots.csv`).
    pub sources: Vec<String>,
    /// Where each run was copied from: the run folder's name (with its `--repeat` folder's),
    /// never the recording machine's absolute path.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub origins: Vec<String>,
    /// Unique per save: a reader that sees it change while reading knows a save replaced the
    /// baseline under it.
    #[serde(default)]
    pub save_id: Option<String>,
}

/// What [`Baseline::save_with`] accepts.
#[derive(Debug, Clone, Copy, Default)]
pub struct SaveOptions {
    /// Replace an existing baseline of that name.
    pub force: bool,
    /// Accept runs without run.json (an engine's CSVs): no throughput, host or settings kept.
    pub allow_bare_csv: bool,
}

/// Why baseline.json could not be read: missing (maybe only for the instant of a replace), or bad.
enum InfoError {
    Missing,
    Bad(Error),
}

/// Access to the baselines folder.
#[derive(Debug, Clone)]
pub struct Baseline {
    root: PathBuf,
}

impl Baseline {
    /// Baselines kept in `root`.
    pub fn at(root: impl Into<PathBuf>) -> Baseline {
        Baseline { root: root.into() }
    }

    /// The project's `baselines/` folder: the nearest one from the current folder upwards,
    /// else `./baselines`.
    pub fn discover() -> Baseline {
        Baseline::at(
            crate::files::find_upward("baselines", Path::is_dir)
                .unwrap_or_else(|| PathBuf::from("baselines")),
        )
    }

    /// Folder of baseline `name`.
    pub fn dir(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    /// Whether baseline `name` exists.
    pub fn exists(&self, name: &str) -> bool {
        self.dir(name).join(BASELINE_FILE).is_file()
    }

    /// Saves `runs` as baseline `name`; refuses to replace an existing one unless `force`, and
    /// refuses runs without run.json.
    pub fn save(&self, name: &str, runs: &RunSet, force: bool) -> Result<BaselineInfo> {
        self.save_with(
            name,
            runs,
            SaveOptions {
                force,
                ..SaveOptions::default()
            },
        )
    }

    /// Saves `runs` as baseline `name` after checking they can judge later runs: the rule a
    /// comparison admits a side by ([`consistency::problems`]), then complete, no lost updates,
    /// all with run.json (or, with `allow_bare_csv`, all without).
    pub fn save_with(&self, name: &str, runs: &RunSet, opts: SaveOptions) -> Result<BaselineInfo> {
        check_name(name)?;
        check_runs(runs, opts.allow_bare_csv)?;
        std::fs::create_dir_all(&self.root).map_err(|e| Error::io(&self.root, e))?;
        self.clean_leftovers();
        let target = self.dir(name);
        if target.exists() && !opts.force {
            return Err(exists_error(name, &target));
        }
        let tmp = self.root.join(format!(
            ".{name}.tmp-{}-{}",
            std::process::id(),
            unique_suffix()
        ));
        let result = self.build(&tmp, name, runs).and_then(|info| {
            self.swap_in(&tmp, &target, name, opts.force)?;
            Ok(info)
        });
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&tmp);
        }
        result
    }

    /// Removes what killed saves left in the baselines folder: `.NAME.tmp-PID-*` (a build, or
    /// the old folder after a swap) and `.NAME.old-PID-*` (an old folder moved aside) whose
    /// process has ended. An old folder whose baseline is missing (the save died between its
    /// two renames) is the last whole copy: it is put back, not deleted.
    fn clean_leftovers(&self) {
        let Ok(entries) = std::fs::read_dir(&self.root) else {
            return;
        };
        for entry in entries.filter_map(|e| e.ok()) {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let Some(left) = Leftover::parse(&file_name) else {
                continue;
            };
            let path = entry.path();
            if !leftover_is_stale(left.pid, &path) {
                continue;
            }
            let target = self.dir(&left.name);
            if left.moved_aside && !target.exists() && std::fs::rename(&path, &target).is_ok() {
                continue;
            }
            let _ = std::fs::remove_dir_all(&path);
        }
    }

    fn build(&self, tmp: &Path, name: &str, runs: &RunSet) -> Result<BaselineInfo> {
        std::fs::create_dir(tmp).map_err(|e| Error::io(tmp, e))?;
        let mut samples = 0;
        let mut sources = Vec::new();
        let mut origins = Vec::new();
        for (k, run) in runs.runs.iter().enumerate() {
            let dir = tmp.join(format!("r{}", k + 1));
            std::fs::create_dir(&dir).map_err(|e| Error::io(&dir, e))?;
            let src = &run.table.path;
            // Streamed, not read whole: the folder as a whole is renamed into place.
            let dst = dir.join(SNAPSHOTS_FILE);
            std::fs::copy(src, &dst).map_err(|e| Error::io(src, e))?;
            std::fs::File::open(&dst)
                .and_then(|f| f.sync_all())
                .map_err(|e| Error::io(&dst, e))?;
            if let Some(meta) = &run.meta {
                meta.write(&dir)?;
            }
            if let Some(engine) = &run.engine {
                engine
                    .write(&dir)
                    .map_err(|e| Error::io(dir.join(crate::recorder::RUN_META_FILE), e))?;
            }
            samples += run.table.rows();
            sources.push(format!("r{}/{SNAPSHOTS_FILE}", k + 1));
            origins.push(origin(src));
        }
        let metas: Vec<_> = runs.metas().collect();
        let mut rates: Vec<f64> = metas.iter().map(|m| m.ops_per_sec).collect();
        rates.sort_by(f64::total_cmp);
        let info = BaselineInfo {
            format: 1,
            name: name.to_string(),
            created: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
            statbench_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: metas.first().map(|m| m.scenario.clone()),
            scenario_hash: metas.first().map(|m| m.scenario_hash.clone()),
            settings_hash: metas.first().map(|m| m.settings_key()),
            workload: metas.first().and_then(|m| m.workload.clone()),
            revision: metas.first().and_then(|m| m.git_revision.clone()),
            host: metas.first().map(|m| m.host.clone()),
            runs: runs.runs.len(),
            samples,
            median_ops_per_sec: (!rates.is_empty()).then(|| rates[rates.len() / 2]),
            sources,
            origins,
            save_id: Some(format!(
                "{}-{}-{}",
                crate::files::timestamp_for_names(std::time::SystemTime::now()),
                std::process::id(),
                unique_suffix()
            )),
        };
        let mut json = serde_json::to_vec_pretty(&info).expect("serialises");
        json.push(b'\n');
        atomic_write(&tmp.join(BASELINE_FILE), &json)?;
        Ok(info)
    }

    /// Renames the finished folder into place (see [`install_dir`]).
    fn swap_in(&self, tmp: &Path, target: &Path, name: &str, force: bool) -> Result<()> {
        if target.exists() && !force {
            return Err(exists_error(name, target));
        }
        match install_dir(tmp, target, force) {
            Ok(()) => Ok(()),
            // Another save won the race (rename onto a non-empty folder fails): keep theirs.
            Err(_) if target.exists() => Err(exists_error(name, target)),
            Err(e) => Err(Error::io(target, e)),
        }
    }

    /// Loads baseline `name` as a run set.
    pub fn load(&self, name: &str) -> Result<RunSet> {
        self.load_with_info(name).map(|(_, set)| set)
    }

    /// Loads baseline `name` and its baseline.json as one consistent pair: when a concurrent
    /// save replaced the baseline while its runs were read (baseline.json's save id changed, a
    /// file vanished, the folder was missing for the instant of a swap), it reads again, a
    /// bounded number of times.
    pub fn load_with_info(&self, name: &str) -> Result<(BaselineInfo, RunSet)> {
        check_name(name)?;
        for attempt in 0..READ_ATTEMPTS {
            pause(attempt);
            let before = match self.read_info(name) {
                Ok(info) => info,
                Err(InfoError::Missing) if self.replacing(name) => continue,
                Err(InfoError::Missing) => return Err(self.not_found(name)),
                Err(InfoError::Bad(e)) => return Err(e),
            };
            let result = self
                .load_runs(name, &before)
                .and_then(|set| check_claims(&self.dir(name), &before, set.metas()).map(|_| set));
            match self.read_info(name) {
                Ok(after) if after == before => return result.map(|set| (before, set)),
                _ => continue, // replaced while read: whatever was read may mix two saves
            }
        }
        Err(self.kept_changing(name))
    }

    /// The runs baseline.json `info` describes: `r1` ... `rN`, each present, no more.
    fn load_runs(&self, name: &str, info: &BaselineInfo) -> Result<RunSet> {
        let dir = self.dir(name);
        let listed = || {
            format!(
                "{} lists {} run(s)",
                dir.join(BASELINE_FILE).display(),
                info.runs
            )
        };
        for k in 1..=info.runs {
            let csv = dir.join(format!("r{k}")).join(SNAPSHOTS_FILE);
            if !csv.is_file() {
                return Err(Error::input(format!(
                    "{}: missing, but {}; the baseline is damaged: save it again",
                    csv.display(),
                    listed()
                )));
            }
        }
        let set = RunSet::load(format!("baseline {name}"), std::slice::from_ref(&dir))?;
        if set.runs.len() != info.runs {
            return Err(Error::input(format!(
                "{} but {} were found in {}; the baseline is damaged: save it again",
                listed(),
                set.runs.len(),
                dir.display()
            )));
        }
        Ok(set)
    }

    /// Reads `baseline.json` of `name`.
    pub fn info(&self, name: &str) -> Result<BaselineInfo> {
        check_name(name)?;
        for attempt in 0..READ_ATTEMPTS {
            pause(attempt);
            match self.read_info(name) {
                Ok(info) => return Ok(info),
                Err(InfoError::Missing) if self.replacing(name) => continue,
                Err(InfoError::Missing) => return Err(self.not_found(name)),
                Err(InfoError::Bad(e)) => return Err(e),
            }
        }
        Err(self.kept_changing(name))
    }

    /// One read of baseline.json, checked: valid JSON of this layout, a known format, runs.
    fn read_info(&self, name: &str) -> Result<BaselineInfo, InfoError> {
        let path = self.dir(name).join(BASELINE_FILE);
        let bad = |msg: String| InfoError::Bad(Error::input(format!("{}: {msg}", path.display())));
        let meta = match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => m,
            Ok(_) => return Err(bad("not a file".into())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(InfoError::Missing),
            Err(e) => return Err(InfoError::Bad(Error::io(&path, e))),
        };
        if meta.len() > MAX_INFO_BYTES {
            return Err(bad(format!(
                "{} bytes; too large to be a baseline.json (at most {MAX_INFO_BYTES})",
                meta.len()
            )));
        }
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(InfoError::Missing),
            Err(e) => return Err(InfoError::Bad(Error::io(&path, e))),
        };
        let info: BaselineInfo = serde_json::from_slice(&bytes).map_err(|e| {
            InfoError::Bad(Error::input(format!(
                "{}:{}: invalid baseline.json: {}",
                path.display(),
                e.line(),
                strip_position(&e)
            )))
        })?;
        if info.format != FORMAT {
            return Err(bad(format!(
                "key `format`: {} is not a layout this statbench reads ({FORMAT})",
                info.format
            )));
        }
        if info.runs == 0 {
            return Err(bad(
                "key `runs`: 0; a baseline holds at least one run".into()
            ));
        }
        Ok(info)
    }

    /// Whether baseline `name` may be in the middle of a replace: its baseline.json is there
    /// again, or a live save has moved the old folder aside (a dead one's is no replace).
    fn replacing(&self, name: &str) -> bool {
        let aside = || {
            std::fs::read_dir(&self.root).is_ok_and(|entries| {
                entries.filter_map(|e| e.ok()).any(|e| {
                    Leftover::parse(&e.file_name().to_string_lossy()).is_some_and(|l| {
                        l.moved_aside && l.name == name && !leftover_is_stale(l.pid, &e.path())
                    })
                })
            })
        };
        aside() || self.exists(name) || aside()
    }

    fn not_found(&self, name: &str) -> Error {
        let known = self.names();
        Error::input(format!(
            "baseline `{name}` not found in {} (known: {})",
            self.root.display(),
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        ))
    }

    fn kept_changing(&self, name: &str) -> Error {
        Error::input(format!(
            "{}: baseline `{name}` was being replaced by a save during all of {READ_ATTEMPTS} reads; try again",
            self.dir(name).display()
        ))
    }

    /// Names of the stored baselines, sorted.
    pub fn names(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(&self.root) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.') && self.exists(n))
            .collect();
        names.sort();
        names
    }

    /// Every baseline's metadata, by name, each checked against its runs' run.json: a damaged
    /// baseline is one `Err` in the list (naming the file and the problem), not the end of it.
    pub fn list(&self) -> Vec<(String, Result<BaselineInfo>)> {
        self.names()
            .into_iter()
            .map(|n| {
                let info = self.info(&n).and_then(|info| {
                    let dir = self.dir(&n);
                    let metas = (1..=info.runs)
                        .filter_map(|k| {
                            let p = dir
                                .join(format!("r{k}"))
                                .join(crate::recorder::RUN_META_FILE);
                            p.is_file().then(|| crate::recorder::RunMeta::read(&p))
                        })
                        .collect::<Result<Vec<_>>>()?;
                    check_claims(&dir, &info, metas.iter())?;
                    Ok(info)
                });
                (n, info)
            })
            .collect()
    }
}

/// Checks what baseline.json claims (scenario, its hash, settings hash, workload, revision)
/// against the runs it holds: a baseline.json edited by hand, or copied beside other runs, is
/// refused naming the claim, never believed.
fn check_claims<'m>(
    dir: &Path,
    info: &BaselineInfo,
    metas: impl Iterator<Item = &'m crate::recorder::RunMeta>,
) -> Result<()> {
    let Some(first) = metas.into_iter().next() else {
        return Ok(()); // engine or CSV-only runs: nothing of ours to check against
    };
    let claims: [(&str, Option<&str>, Option<String>); 5] = [
        (
            "scenario",
            info.scenario.as_deref(),
            Some(first.scenario.clone()),
        ),
        (
            "scenario_hash",
            info.scenario_hash.as_deref(),
            Some(first.scenario_hash.clone()),
        ),
        (
            "settings_hash",
            info.settings_hash.as_deref(),
            Some(first.settings_key()),
        ),
        ("workload", info.workload.as_deref(), first.workload.clone()),
        (
            "revision",
            info.revision.as_deref(),
            first.git_revision.clone(),
        ),
    ];
    for (key, claimed, actual) in claims {
        if claimed != actual.as_deref() {
            return Err(Error::input(format!(
                "{}: key `{key}` claims {} but its runs say {}; baseline.json does not describe \
                 its runs (edited, or saved by an older statbench): save the baseline again",
                dir.join(BASELINE_FILE).display(),
                claimed.map_or("nothing".to_string(), |c| format!("`{c}`")),
                actual.map_or("nothing".to_string(), |c| format!("`{c}`")),
            )));
        }
    }
    Ok(())
}

fn exists_error(name: &str, target: &Path) -> Error {
    Error::input(format!(
        "baseline `{name}` already exists at {}; use --force to replace it",
        target.display()
    ))
}

/// serde_json appends " at line L column C"; we put the line first, `file:line:` style.
pub(crate) fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Longest baseline name: with the temporary folder's prefix and suffix it stays well within
/// the 255 bytes a file name may have.
const MAX_NAME: usize = 100;

fn check_name(name: &str) -> Result<()> {
    if name.len() > MAX_NAME {
        return Err(Error::input(format!(
            "baseline name {:?}...: {} bytes long; at most {MAX_NAME}",
            name.chars().take(20).collect::<String>(),
            name.len()
        )));
    }
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if ok {
        Ok(())
    } else {
        Err(Error::input(format!(
            "baseline name {name:?}: use letters, digits, '-', '_' and '.' (not leading)"
        )))
    }
}

/// Sleeps before read attempt `attempt` (none before the first): 1 ms more each time, at most
/// 20 ms, so a reader gives up after about a second of constant replacing.
fn pause(attempt: u32) {
    if attempt > 0 {
        std::thread::sleep(Duration::from_millis(u64::from(attempt.min(20))));
    }
}

/// A hidden folder a save leaves in the baselines folder while it works.
#[derive(Debug, PartialEq)]
struct Leftover {
    /// The baseline it belongs to.
    name: String,
    /// `.NAME.old-*` (an old baseline moved aside), not `.NAME.tmp-*`.
    moved_aside: bool,
    /// The process that made it.
    pid: u32,
}

impl Leftover {
    /// Parses `.NAME.tmp-PID-SUFFIX` or `.NAME.old-PID-SUFFIX`; anything else is not ours.
    fn parse(file_name: &str) -> Option<Leftover> {
        let rest = file_name.strip_prefix('.')?;
        let (at, moved_aside) = [(rest.rfind(".tmp-"), false), (rest.rfind(".old-"), true)]
            .into_iter()
            .filter_map(|(at, old)| at.map(|at| (at, old)))
            .max_by_key(|&(at, _)| at)?;
        let name = &rest[..at];
        let (pid, suffix) = rest[at + 5..].split_once('-')?;
        let ok = check_name(name).is_ok()
            && !suffix.is_empty()
            && suffix.chars().all(|c| c.is_ascii_alphanumeric());
        Some(Leftover {
            name: name.to_string(),
            moved_aside,
            pid: pid.parse().ok().filter(|_| ok)?,
        })
    }
}

/// Refuses runs that cannot judge later runs, with one line naming the problem: the set rule
/// a comparison admits a side by ([`consistency::problems`]), then what only a baseline needs
/// (complete runs, no lost updates, run.json unless `allow_bare_csv`).
fn check_runs(runs: &RunSet, allow_bare_csv: bool) -> Result<()> {
    if let Some(problem) = consistency::problems(&runs.runs).first() {
        return Err(Error::input(format!(
            "baseline save: {}",
            problem.describe(&runs.runs)
        )));
    }
    for run in &runs.runs {
        if run.engine.as_ref().is_some_and(|e| !e.complete) {
            return Err(Error::input(format!(
                "{}: recording is incomplete (the engine crashed or is still recording); not saved as a baseline",
                run.table.path.display()
            )));
        }
        if let Some(meta) = &run.meta {
            if !meta.complete {
                return Err(Error::input(format!(
                    "{}: run is incomplete (killed or still running); not saved as a baseline",
                    run.table.path.display()
                )));
            }
            if meta.totals_verified == Some(false) {
                return Err(Error::input(format!(
                    "{}: run lost updates (totals did not match); not saved as a baseline",
                    run.table.path.display()
                )));
            }
        }
    }
    if runs.runs[0].kind() == RunKind::Bare && !allow_bare_csv {
        let all: Vec<&Run> = runs.runs.iter().collect();
        return Err(Error::input(format!(
            "baseline save: {}: no run.json beside the CSV (not recorded by statbench: no \
             throughput, host or settings to keep); pass --allow-bare-csv to store CSV-only runs",
            name_runs(&all)
        )));
    }
    Ok(())
}

/// Where a run came from, without the machine's absolute path: the run folder's name, with its
/// parent's when it is a `--repeat` repetition (`rN`); a CSV given by itself, its file name.
fn origin(src: &Path) -> String {
    let abs = src.canonicalize().unwrap_or_else(|_| src.to_path_buf());
    let run = if abs.file_name().is_some_and(|n| n == SNAPSHOTS_FILE) {
        abs.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        abs
    };
    let name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
    let own = name(&run).unwrap_or_default();
    let repetition =
        own.len() > 1 && own.starts_with('r') && own[1..].chars().all(|c| c.is_ascii_digit());
    match run.parent().and_then(name) {
        Some(parent) if repetition => format!("{parent}/{own}"),
        _ => own,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_are_recognised_by_name_only_when_a_save_made_them() {
        let l = Leftover::parse(".main.tmp-123-1a2b0").unwrap();
        assert_eq!(
            (l.name.as_str(), l.moved_aside, l.pid),
            ("main", false, 123)
        );
        let l = Leftover::parse(".x.tmp-1.old-77-ff3").unwrap();
        assert_eq!(
            (l.name.as_str(), l.moved_aside, l.pid),
            ("x.tmp-1", true, 77)
        );
        for other in [
            "main",
            ".main",
            ".main.tmp-",
            ".main.tmp-12",
            ".main.tmp-x-1",
            ".main.tmp-12-",
            ".main.tmp-12-a.b",
            "..tmp-1-2",
            ".a/b.tmp-1-2",
        ] {
            assert_eq!(Leftover::parse(other), None, "{other}");
        }
    }

    #[test]
    fn origins_keep_names_not_absolute_paths() {
        let d = std::env::temp_dir().join(format!("statbench-origin-{}", std::process::id()));
        std::fs::create_dir_all(d.join("newbase/r3")).unwrap();
        std::fs::create_dir_all(d.join("run-1")).unwrap();
        assert_eq!(origin(&d.join("newbase/r3/snapshots.csv")), "newbase/r3");
        assert_eq!(origin(&d.join("run-1/snapshots.csv")), "run-1");
        assert_eq!(origin(&d.join("run-1/engine.csv")), "engine.csv");
        let _ = std::fs::remove_dir_all(&d);
    }
}
