//! Baselines: `baselines/<name>/` holds copies of the runs (raw snapshots and run.json) plus
//! `baseline.json`. A save builds the folder under a temporary name and renames it into place,
//! so readers and concurrent savers see a whole baseline or none.

use super::run_set::RunSet;
use crate::error::{Error, Result};
use crate::files::{atomic_write, install_dir, unique_suffix};
use crate::recorder::snapshot_csv::SNAPSHOTS_FILE;
use crate::recorder::Host;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// File describing a baseline.
pub const BASELINE_FILE: &str = "baseline.json";

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
    /// Host the runs were recorded on.
    pub host: Option<Host>,
    /// Number of runs stored (`r1` ... `rN`).
    pub runs: usize,
    /// Snapshot rows over all runs.
    pub samples: usize,
    /// Median of the runs' ops/s, for `baseline list`.
    pub median_ops_per_sec: Option<f64>,
    /// Where the runs came from.
    pub sources: Vec<String>,
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

    /// Saves `runs` as baseline `name`; refuses to replace an existing one unless `force`.
    pub fn save(&self, name: &str, runs: &RunSet, force: bool) -> Result<BaselineInfo> {
        check_name(name)?;
        if runs.runs.is_empty() {
            return Err(Error::input("baseline save: no runs given"));
        }
        for run in &runs.runs {
            if run.table.rows() < 2 {
                return Err(Error::input(format!(
                    "{}: {} snapshot row(s); a baseline needs at least 2 (one interval)",
                    run.table.path.display(),
                    run.table.rows()
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
        let target = self.dir(name);
        if target.exists() && !force {
            return Err(Error::input(format!(
                "baseline `{name}` already exists at {}; use --force to replace it",
                target.display()
            )));
        }
        std::fs::create_dir_all(&self.root).map_err(|e| Error::io(&self.root, e))?;
        let tmp = self.root.join(format!(
            ".{name}.tmp-{}-{}",
            std::process::id(),
            unique_suffix()
        ));
        let result = self.build(&tmp, name, runs).and_then(|info| {
            self.swap_in(&tmp, &target, name, force)?;
            Ok(info)
        });
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&tmp);
        }
        result
    }

    fn build(&self, tmp: &Path, name: &str, runs: &RunSet) -> Result<BaselineInfo> {
        std::fs::create_dir(tmp).map_err(|e| Error::io(tmp, e))?;
        let mut samples = 0;
        let mut sources = Vec::new();
        for (k, run) in runs.runs.iter().enumerate() {
            let dir = tmp.join(format!("r{}", k + 1));
            std::fs::create_dir(&dir).map_err(|e| Error::io(&dir, e))?;
            let src = &run.table.path;
            let bytes = std::fs::read(src).map_err(|e| Error::io(src, e))?;
            atomic_write(&dir.join(SNAPSHOTS_FILE), &bytes)?;
            if let Some(meta) = &run.meta {
                meta.write(&dir)?;
            }
            samples += run.table.rows();
            sources.push(src.display().to_string());
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
            host: metas.first().map(|m| m.host.clone()),
            runs: runs.runs.len(),
            samples,
            median_ops_per_sec: (!rates.is_empty()).then(|| rates[rates.len() / 2]),
            sources,
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
        let info = self.info(name)?;
        let set = RunSet::load(format!("baseline {name}"), &[self.dir(name)])?;
        if set.runs.len() != info.runs {
            return Err(Error::input(format!(
                "{}: baseline.json lists {} runs but {} were found",
                self.dir(name).join(BASELINE_FILE).display(),
                info.runs,
                set.runs.len()
            )));
        }
        Ok(set)
    }

    /// Reads `baseline.json` of `name`.
    pub fn info(&self, name: &str) -> Result<BaselineInfo> {
        check_name(name)?;
        let path = self.dir(name).join(BASELINE_FILE);
        if !path.is_file() {
            let known = self.names();
            return Err(Error::input(format!(
                "baseline `{name}` not found in {} (known: {})",
                self.root.display(),
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            )));
        }
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        serde_json::from_str(&text).map_err(|e| {
            Error::input(format!(
                "{}:{}: invalid baseline.json: {}",
                path.display(),
                e.line(),
                strip_position(&e)
            ))
        })
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

    /// Every baseline's metadata, by name.
    pub fn list(&self) -> Result<Vec<BaselineInfo>> {
        self.names().iter().map(|n| self.info(n)).collect()
    }
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

fn check_name(name: &str) -> Result<()> {
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
