//! What may be compared at all, checked before any statistics: a verdict only from data that
//! can carry one.
//!
//! * Each side passes the set rule `baseline save` applies too ([`consistency::problems`]):
//!   every run has a complete sampling interval; one recorder, host, settings and build. The
//!   odd runs are named and refused, or left out with `--drop-odd-runs`.
//! * Both sides have throughput or neither (`--metrics-only` compares metrics on purpose).
//! * Both sides ran the same settings (`--allow-different-settings` compares on purpose; the
//!   output then says so first).

use super::side::Side;
use super::CompareSettings;
use crate::error::{Error, Result};
use crate::recorder::settings::{describe_differences, differences, SettingDifference};
use crate::store::consistency::{self, Problem};
use crate::store::{RunKind, RunSet};
use serde::Serialize;
use std::borrow::Cow;

/// Why a run was left out of its side (with `--drop-odd-runs`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum OddRun {
    /// The run has no run.json while most of its side has one (or the reverse).
    MissingRunJson,
    /// The run has a run.json while most of its side has none.
    UnexpectedRunJson,
    /// The run was recorded by another recorder than most of its side (statbench, an engine's
    /// session-stats recorder, or none).
    OtherRecorder {
        /// This run's.
        recorder: RunKind,
        /// Most of the side's.
        majority: RunKind,
    },
    /// The run was measured on another host than most of its side.
    OtherHost {
        /// This run's host.
        host: String,
        /// The host of most of the side.
        majority: String,
    },
    /// The run was built from another commit than most of its side.
    OtherRevision {
        /// This run's commit.
        revision: String,
        /// The commit of most of the side.
        majority: String,
    },
    /// The run used other settings than most of its side.
    OtherSettings {
        /// How it differs from the side's majority (majority → this run).
        differences: Vec<SettingDifference>,
    },
}

impl std::fmt::Display for OddRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OddRun::MissingRunJson => write!(f, "no run.json"),
            OddRun::UnexpectedRunJson => write!(f, "a run.json where the others have none"),
            OddRun::OtherRecorder { recorder, majority } => write!(
                f,
                "one of the {} among {}",
                recorder.describe(),
                majority.describe()
            ),
            OddRun::OtherHost { host, majority } => {
                write!(f, "host {host} (the others: {majority})")
            }
            OddRun::OtherRevision { revision, majority } => {
                write!(f, "built from {revision} (the others: {majority})")
            }
            OddRun::OtherSettings { differences } => {
                write!(
                    f,
                    "other settings: {}",
                    describe_differences(differences, 3)
                )
            }
        }
    }
}

/// A run left out of a comparison, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeftOutRun {
    /// The side.
    pub side: Side,
    /// The run (its folder, or the CSV for bare files).
    pub run: String,
    /// Why.
    pub why: OddRun,
}

/// The sides as they will be compared, and what the checks decided on the way.
#[derive(Debug)]
pub struct Admission<'s> {
    /// Side A, less any odd runs left out.
    pub a: Cow<'s, RunSet>,
    /// Side B, less any odd runs left out.
    pub b: Cow<'s, RunSet>,
    /// Runs left out (`--drop-odd-runs`).
    pub left_out: Vec<LeftOutRun>,
    /// Settings that differ between the sides, compared on purpose
    /// (`--allow-different-settings`); empty otherwise.
    pub settings_differences: Vec<SettingDifference>,
}

/// Checks both sides (see the module doc); returns the sides to compare.
pub fn admit<'s>(
    a: &'s RunSet,
    b: &'s RunSet,
    settings: &CompareSettings,
) -> Result<Admission<'s>> {
    let mut left_out = Vec::new();
    let a = consistent_side(Side::Base, a, settings.drop_odd_runs, &mut left_out)?;
    let b = consistent_side(Side::Candidate, b, settings.drop_odd_runs, &mut left_out)?;

    // statbench's runs carry updates/s and a scenario; nothing else compares with them.
    let has_meta = |s: &RunSet| s.runs[0].kind() == RunKind::Statbench;
    if has_meta(&a) != has_meta(&b) && !settings.metrics_only {
        let (with, without) = if has_meta(&a) {
            (Side::Base, Side::Candidate)
        } else {
            (Side::Candidate, Side::Base)
        };
        return Err(Error::input(format!(
            "{with}'s runs have run.json (throughput) but {without}'s ({}) have none: the speed \
             gate would be off; compare statbench runs with statbench runs, or pass \
             --metrics-only to compare the metrics alone on purpose",
            if without == Side::Base {
                &a.label
            } else {
                &b.label
            }
        )));
    }
    let mut settings_differences = Vec::new();
    if let (Some(ma), Some(mb)) = (&a.runs[0].meta, &b.runs[0].meta) {
        let diffs = differences(&ma.settings(), &mb.settings());
        if !diffs.is_empty() {
            if !settings.allow_different_settings {
                return Err(Error::input(format!(
                    "A ({}) and B ({}) ran different settings: {}; compare runs of the same \
                     scenario and settings, or pass --allow-different-settings to compare them on \
                     purpose",
                    a.label,
                    b.label,
                    describe_differences(&diffs, 6)
                )));
            }
            settings_differences = diffs;
        }
    }
    Ok(Admission {
        a,
        b,
        left_out,
        settings_differences,
    })
}

/// One side passes the set rule ([`consistency::problems`]: the one `baseline save` applies);
/// odd runs are refused, or left out with `drop` (then the rest is checked again).
fn consistent_side<'s>(
    side: Side,
    set: &'s RunSet,
    drop: bool,
    left_out: &mut Vec<LeftOutRun>,
) -> Result<Cow<'s, RunSet>> {
    let mut set = Cow::Borrowed(set);
    while let Some(problem) = consistency::problems(&set.runs).into_iter().next() {
        let odd = problem.odd_runs();
        let line = format!("{side} ({}): {}", set.label, problem.describe(&set.runs));
        if odd.is_empty() {
            return Err(Error::input(line));
        }
        if !drop {
            return Err(Error::input(format!(
                "{line}; or pass --drop-odd-runs to leave them out"
            )));
        }
        let owned = without(&set, &odd, side, |k| why_odd(&problem, k), left_out);
        set = Cow::Owned(owned);
    }
    Ok(set)
}

/// Why the odd run at `k` is left out, for the output.
fn why_odd(problem: &Problem, k: usize) -> OddRun {
    match problem {
        Problem::Recorders(s) => {
            match (s.majority, s.odd_value(k).copied().unwrap_or(RunKind::Bare)) {
                (RunKind::Statbench, RunKind::Bare) => OddRun::MissingRunJson,
                (RunKind::Bare, RunKind::Statbench) => OddRun::UnexpectedRunJson,
                (majority, recorder) => OddRun::OtherRecorder { recorder, majority },
            }
        }
        Problem::Hosts(s) => OddRun::OtherHost {
            host: s.odd_value(k).cloned().unwrap_or_default(),
            majority: s.majority.clone(),
        },
        Problem::Settings(s) => OddRun::OtherSettings {
            differences: s
                .odd_value(k)
                .map(|v| differences(&s.majority, v))
                .unwrap_or_default(),
        },
        Problem::Revisions(s) => OddRun::OtherRevision {
            revision: s.odd_value(k).cloned().unwrap_or_default(),
            majority: s.majority.clone(),
        },
        Problem::NoRuns | Problem::NoInterval { .. } => {
            unreachable!("only runs that odd_runs names are left out")
        }
    }
}

/// `set` without the runs at positions `odd`, each recorded in `left_out`.
fn without(
    set: &RunSet,
    odd: &[usize],
    side: Side,
    why: impl Fn(usize) -> OddRun,
    left_out: &mut Vec<LeftOutRun>,
) -> RunSet {
    for &k in odd {
        left_out.push(LeftOutRun {
            side,
            run: set.runs[k].name(),
            why: why(k),
        });
    }
    RunSet {
        label: set.label.clone(),
        runs: set
            .runs
            .iter()
            .enumerate()
            .filter(|(k, _)| !odd.contains(k))
            .map(|(_, r)| r.clone())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recorder::{Host, IntervalThroughput, RunMeta};
    use crate::store::{Run, SnapshotTable};
    use std::path::PathBuf;

    fn table(path: &str, elapsed: &[u64]) -> SnapshotTable {
        SnapshotTable {
            path: PathBuf::from(path),
            indices: vec![0],
            samples: (0..elapsed.len() as u64).collect(),
            elapsed_ns: elapsed.to_vec(),
            columns: vec![(0..elapsed.len() as i64).collect()],
            truncated: false,
        }
    }

    fn meta(cpu: &str, layout: &str) -> RunMeta {
        let mut m: RunMeta =
            serde_json::from_str(include_str!("../../tests/fixtures/run.json")).unwrap();
        m.host = Host {
            cpu_model: cpu.into(),
            ..m.host
        };
        m.scenario_settings["layout"] = serde_json::Value::String(layout.into());
        m.intervals = vec![IntervalThroughput {
            sample: 1,
            duration_ns: 1,
            ops: 1,
            ops_per_sec: 1.0,
        }];
        m
    }

    fn set(runs: Vec<(Option<RunMeta>, &[u64])>) -> RunSet {
        RunSet {
            label: "side".into(),
            runs: runs
                .into_iter()
                .enumerate()
                .map(|(k, (meta, elapsed))| Run {
                    table: table(&format!("s/r{}/snapshots.csv", k + 1), elapsed),
                    meta,
                    engine: None,
                })
                .collect(),
        }
    }

    fn ok_set(n: usize, cpu: &str) -> RunSet {
        set((0..n)
            .map(|_| (Some(meta(cpu, "contiguous")), &[0, 10][..]))
            .collect())
    }

    fn err(a: &RunSet, b: &RunSet, s: &CompareSettings) -> String {
        admit(a, b, s).unwrap_err().to_string()
    }

    #[test]
    fn a_run_without_an_interval_is_refused() {
        let good = ok_set(2, "x");
        for elapsed in [&[][..], &[5][..], &[5, 5, 5][..]] {
            let bad = set(vec![(Some(meta("x", "contiguous")), elapsed)]);
            let e = err(&good, &bad, &CompareSettings::default());
            assert!(
                e.starts_with("B (side): s/r1/snapshots.csv: no complete sampling interval"),
                "{e}"
            );
        }
    }

    #[test]
    fn one_run_without_run_json_is_named_or_left_out() {
        let mut b = ok_set(8, "x");
        b.runs[2].meta = None;
        let e = err(&ok_set(8, "x"), &b, &CompareSettings::default());
        assert!(
            e.contains("1 of 8 runs are not statbench runs: s/r3 are bare CSVs (no run.json)"),
            "{e}"
        );
        let s = CompareSettings {
            drop_odd_runs: true,
            ..CompareSettings::default()
        };
        let a = ok_set(8, "x");
        let adm = admit(&a, &b, &s).unwrap();
        assert_eq!(adm.b.runs.len(), 7);
        assert_eq!(adm.left_out.len(), 1);
        assert_eq!(adm.left_out[0].run, "s/r3");
        assert_eq!(adm.left_out[0].why, OddRun::MissingRunJson);
    }

    #[test]
    fn every_run_s_host_is_judged_not_the_first() {
        for odd in [0, 7] {
            let mut a = ok_set(8, "x");
            a.runs[odd].meta.as_mut().unwrap().host.cpu_model = "other".into();
            let e = err(&a, &ok_set(8, "x"), &CompareSettings::default());
            assert!(
                e.starts_with("A (side): 1 of 8 runs ran on another host"),
                "{e}"
            );
            assert!(e.contains(&format!("s/r{}", odd + 1)), "{e}");
        }
    }

    #[test]
    fn settings_must_agree_within_and_across_sides() {
        let mut a = ok_set(4, "x");
        a.runs[1].meta = Some(meta("x", "sharded"));
        let e = err(&a, &ok_set(4, "x"), &CompareSettings::default());
        assert!(e.contains("layout contiguous→sharded"), "{e}");

        let b = set(vec![(Some(meta("x", "sharded")), &[0, 10][..]); 4]);
        let e = err(&ok_set(4, "x"), &b, &CompareSettings::default());
        assert!(
            e.contains("ran different settings: layout contiguous→sharded"),
            "{e}"
        );
        let s = CompareSettings {
            allow_different_settings: true,
            ..CompareSettings::default()
        };
        let a = ok_set(4, "x");
        let adm = admit(&a, &b, &s).unwrap();
        assert_eq!(adm.settings_differences.len(), 1);
    }

    #[test]
    fn throughput_on_one_side_only_is_refused() {
        let bare = set(vec![(None, &[0, 10][..]); 3]);
        let e = err(&ok_set(3, "x"), &bare, &CompareSettings::default());
        assert!(
            e.starts_with("A's runs have run.json (throughput) but B's"),
            "{e}"
        );
        let s = CompareSettings {
            metrics_only: true,
            ..CompareSettings::default()
        };
        let a = ok_set(3, "x");
        assert!(admit(&a, &bare, &s).is_ok());
    }
}
