//! What may be compared at all, checked before any statistics: a verdict only from data that
//! can carry one.
//!
//! * Every run has at least one complete sampling interval (two rows whose `elapsed_ns` differ).
//! * A side is one kind of thing: all its runs have run.json or none has (one bare CSV among
//!   statbench runs would switch the speed gate off), all ran on one host, all with the same
//!   settings. The odd runs are named and refused, or left out with `--drop-odd-runs`.
//! * Both sides have throughput or neither (`--metrics-only` compares metrics on purpose).
//! * Both sides ran the same settings (`--allow-different-settings` compares on purpose; the
//!   output then says so first).

use super::side::Side;
use super::CompareSettings;
use crate::error::{Error, Result};
use crate::recorder::settings::{describe_differences, differences, SettingDifference};
use crate::store::run_set::name_runs;
use crate::store::{Run, RunKind, RunSet};
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

/// Number of sampling intervals whose time moved: what every per-interval statistic needs.
pub fn complete_intervals(run: &Run) -> usize {
    run.table
        .elapsed_ns
        .windows(2)
        .filter(|w| w[1] > w[0])
        .count()
}

/// Checks both sides (see the module doc); returns the sides to compare.
pub fn admit<'s>(
    a: &'s RunSet,
    b: &'s RunSet,
    settings: &CompareSettings,
) -> Result<Admission<'s>> {
    for (side, set) in [(Side::Base, a), (Side::Candidate, b)] {
        if set.runs.is_empty() {
            return Err(Error::input(format!("{side} ({}): no runs", set.label)));
        }
        for run in &set.runs {
            if complete_intervals(run) == 0 {
                let rows = run.table.rows();
                let why = if rows < 2 {
                    format!("{rows} snapshot row(s)")
                } else {
                    format!("{rows} rows but elapsed_ns never moves")
                };
                return Err(Error::input(format!(
                    "{}: no complete sampling interval ({why}): nothing to compare",
                    run.table.path.display()
                )));
            }
        }
    }
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

/// A key per run for one property; `None` keys form a group too.
fn odd_runs<K: PartialEq + Clone>(keys: &[K], tie_odd: impl Fn(&K) -> bool) -> (K, Vec<usize>) {
    let mut groups: Vec<(K, Vec<usize>)> = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        match groups.iter_mut().find(|(g, _)| g == k) {
            Some((_, members)) => members.push(i),
            None => groups.push((k.clone(), vec![i])),
        }
    }
    // The majority is the largest group; on a tie, a group `tie_odd` marks loses, then the
    // group of the earliest run wins.
    let best = groups
        .iter()
        .enumerate()
        .max_by(|(ia, (ka, ma)), (ib, (kb, mb))| {
            ma.len()
                .cmp(&mb.len())
                .then(tie_odd(kb).cmp(&tie_odd(ka)))
                .then(ib.cmp(ia))
        })
        .map(|(i, _)| i)
        .unwrap_or(0);
    let majority = groups[best].0.clone();
    let odd = groups
        .into_iter()
        .enumerate()
        .filter(|(i, _)| *i != best)
        .flat_map(|(_, (_, members))| members)
        .collect::<Vec<_>>();
    let mut odd = odd;
    odd.sort_unstable();
    (majority, odd)
}

/// Names the runs of `set` at positions `which` (see [`name_runs`]).
fn name_at(set: &RunSet, which: &[usize]) -> String {
    let runs: Vec<&Run> = which.iter().map(|&i| &set.runs[i]).collect();
    name_runs(&runs)
}

/// One side's runs agree on run.json presence, host and settings; odd runs are refused, or left
/// out with `drop`.
fn consistent_side<'s>(
    side: Side,
    set: &'s RunSet,
    drop: bool,
    left_out: &mut Vec<LeftOutRun>,
) -> Result<Cow<'s, RunSet>> {
    let mut set = Cow::Borrowed(set);
    let hint = "or pass --drop-odd-runs to leave them out";
    // 1. One recorder: statbench's run.json on every run, an engine's on every run, or none.
    let kinds: Vec<RunKind> = set.runs.iter().map(Run::kind).collect();
    let (majority_kind, odd) = odd_runs(&kinds, |&k| k == RunKind::Bare);
    let majority = majority_kind != RunKind::Bare;
    let why_odd = |k: usize| match (majority_kind, kinds[k]) {
        (RunKind::Statbench, RunKind::Bare) => OddRun::MissingRunJson,
        (RunKind::Bare, RunKind::Statbench) => OddRun::UnexpectedRunJson,
        (majority, recorder) => OddRun::OtherRecorder { recorder, majority },
    };
    let engine_involved = kinds.contains(&RunKind::Engine);
    if !odd.is_empty() && engine_involved {
        if !drop {
            return Err(Error::input(format!(
                "{side} ({}): {} of {} runs ({}) are {} while the others are {}: a side pools                  runs of one recorder; {hint}",
                set.label,
                odd.len(),
                set.runs.len(),
                name_at(&set, &odd),
                kinds[odd[0]].describe(),
                majority_kind.describe()
            )));
        }
        set = Cow::Owned(without(&set, &odd, side, why_odd, left_out));
    } else if !odd.is_empty() {
        let why = why_odd(odd[0]);
        if !drop {
            return Err(Error::input(format!(
                "{side} ({}): {} of {} runs {} ({}): a side must not mix statbench runs and bare \
                 CSVs (one run without run.json would switch the speed gate off); {hint}",
                set.label,
                odd.len(),
                set.runs.len(),
                if majority {
                    "have no run.json"
                } else {
                    "have a run.json while the others have none"
                },
                name_at(&set, &odd)
            )));
        }
        set = Cow::Owned(without(&set, &odd, side, |_| why.clone(), left_out));
    }
    if set.runs[0].kind() == RunKind::Bare {
        return Ok(set);
    }
    // 2. One host.
    let hosts: Vec<String> = set
        .runs
        .iter()
        .map(|r| r.host_fingerprint().unwrap_or_default())
        .collect();
    let (majority, odd) = odd_runs(&hosts, |_| false);
    if !odd.is_empty() {
        if !drop {
            return Err(Error::input(format!(
                "{side} ({}): runs from more than one host: {} ran on {} while the others ran on \
                 {majority}; speed figures of different machines cannot be pooled; {hint}",
                set.label,
                name_at(&set, &odd),
                hosts[odd[0]],
            )));
        }
        let owned = without(
            &set,
            &odd,
            side,
            |k| OddRun::OtherHost {
                host: hosts[k].clone(),
                majority: majority.clone(),
            },
            left_out,
        );
        set = Cow::Owned(owned);
    }
    // 3. One set of settings.
    let identities: Vec<serde_json::Value> = set
        .runs
        .iter()
        .map(|r| r.meta.as_ref().map(|m| m.settings()).unwrap_or_default())
        .collect();
    let (majority, odd) = odd_runs(&identities, |_| false);
    if !odd.is_empty() {
        if !drop {
            return Err(Error::input(format!(
                "{side} ({}): runs of different settings: {} ran with {} (vs the others); \
                 pool only runs of one scenario and settings; {hint}",
                set.label,
                name_at(&set, &odd),
                describe_differences(&differences(&majority, &identities[odd[0]]), 4),
            )));
        }
        let owned = without(
            &set,
            &odd,
            side,
            |k| OddRun::OtherSettings {
                differences: differences(&majority, &identities[k]),
            },
            left_out,
        );
        set = Cow::Owned(owned);
    }
    Ok(set)
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
    use crate::store::SnapshotTable;
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
                e.starts_with("s/r1/snapshots.csv: no complete sampling interval"),
                "{e}"
            );
        }
    }

    #[test]
    fn one_run_without_run_json_is_named_or_left_out() {
        let mut b = ok_set(8, "x");
        b.runs[2].meta = None;
        let e = err(&ok_set(8, "x"), &b, &CompareSettings::default());
        assert!(e.contains("1 of 8 runs have no run.json (s/r3)"), "{e}");
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
                e.starts_with("A (side): runs from more than one host"),
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

    #[test]
    fn majority_and_ties() {
        assert_eq!(odd_runs(&[1, 1, 2], |_| false), (1, vec![2]));
        assert_eq!(odd_runs(&[2, 1, 1], |_| false), (1, vec![0]));
        assert_eq!(odd_runs(&[2, 1], |_| false), (2, vec![1]));
        assert_eq!(odd_runs(&[true, false], |&k| !k), (true, vec![1]));
        assert_eq!(odd_runs(&[false, true], |&k| !k), (true, vec![0]));
    }
}
