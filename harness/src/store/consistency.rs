//! The one rule for runs pooled as one set: what `baseline save` stores and what a comparison
//! admits as a side, so whatever can be saved can be compared and the reverse.
//!
//! In order, each check only once the earlier ones pass (mixed recorders have no common host
//! or settings to compare):
//! 1. at least one run, and every run has a complete sampling interval (two rows whose
//!    `elapsed_ns` differ: rows alone are not enough, every per-interval figure divides by it);
//! 2. one recorder: statbench's run.json on every run, an engine's on every run, or none;
//! 3. one host, for every recorder that names one (engine recordings included: speed figures
//!    of two machines never pool, whoever recorded them);
//! 4. one settings identity (statbench: scenario settings, sampling and workload fingerprint;
//!    engine: layout, diagnostics and work metric);
//! 5. one revision (statbench runs): runs of two builds on one side would blur what is compared,
//!    and a baseline's commit is what the gate pairs against.
//!
//! Where `baseline save` and admission used to differ, the stricter sound check was kept: a
//! moving `elapsed_ns` (admission) over two rows (save), hosts of engine runs (admission),
//! one revision (save).

use super::run_set::{name_runs, Run, RunKind};
use crate::recorder::settings::{describe_differences, differences};
use serde_json::Value;

/// Runs split by one property: the majority's value and the others, by position in the set.
#[derive(Debug, Clone, PartialEq)]
pub struct Split<K> {
    /// The value of the largest group (on a tie, see [`split`]).
    pub majority: K,
    /// Positions of the majority's runs.
    pub majority_runs: Vec<usize>,
    /// Every other run: its position and its value.
    pub odd: Vec<(usize, K)>,
}

impl<K> Split<K> {
    /// Positions of the odd runs, ascending.
    pub fn odd_runs(&self) -> Vec<usize> {
        self.odd.iter().map(|(k, _)| *k).collect()
    }

    /// The value of the odd run at position `k`.
    pub fn odd_value(&self, k: usize) -> Option<&K> {
        self.odd.iter().find(|(i, _)| *i == k).map(|(_, v)| v)
    }
}

/// Why a set of runs cannot be pooled.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The set holds no run.
    NoRuns,
    /// The run at `run` has no complete sampling interval.
    NoInterval {
        /// Its position in the set.
        run: usize,
        /// Its snapshot rows (at least 2 means `elapsed_ns` never moves).
        rows: usize,
    },
    /// Runs of more than one recorder.
    Recorders(Split<RunKind>),
    /// Runs from more than one host (speed fingerprints).
    Hosts(Split<String>),
    /// Runs of more than one settings identity.
    Settings(Split<Value>),
    /// statbench runs built from more than one commit (`unknown` when not recorded).
    Revisions(Split<String>),
}

impl Problem {
    /// The runs at fault, which `--drop-odd-runs` may leave out; empty when the whole set is
    /// at fault or one run cannot be compared at all.
    pub fn odd_runs(&self) -> Vec<usize> {
        match self {
            Problem::NoRuns | Problem::NoInterval { .. } => Vec::new(),
            Problem::Recorders(s) => s.odd_runs(),
            Problem::Hosts(s) => s.odd_runs(),
            Problem::Settings(s) => s.odd_runs(),
            Problem::Revisions(s) => s.odd_runs(),
        }
    }

    /// The one wording of the problem, naming the runs at fault (`runs` is the checked set).
    pub fn describe(&self, runs: &[Run]) -> String {
        let names = |which: &[usize]| {
            let picked: Vec<&Run> = which.iter().map(|&k| &runs[k]).collect();
            name_runs(&picked)
        };
        let total = runs.len();
        // "{k} of {n} runs {what}: {groups} vs {m} run(s) {majority}; {why}"
        fn grouped<K: PartialEq + Clone>(
            split: &Split<K>,
            names: impl Fn(&[usize]) -> String,
            show: impl Fn(&K, &str) -> String,
        ) -> String {
            let mut groups: Vec<(K, Vec<usize>)> = Vec::new();
            for (k, v) in &split.odd {
                match groups.iter_mut().find(|(g, _)| g == v) {
                    Some((_, members)) => members.push(*k),
                    None => groups.push((v.clone(), vec![*k])),
                }
            }
            groups
                .iter()
                .map(|(v, members)| show(v, &names(members)))
                .collect::<Vec<_>>()
                .join("; ")
        }
        match self {
            Problem::NoRuns => "no runs".to_string(),
            Problem::NoInterval { run, rows } => format!(
                "{}: no complete sampling interval ({}); a run needs two rows whose elapsed_ns \
                 differ",
                runs[*run].table.path.display(),
                if *rows < 2 {
                    format!("{rows} snapshot row(s)")
                } else {
                    format!("{rows} rows but elapsed_ns never moves")
                }
            ),
            Problem::Recorders(s) => format!(
                "{} of {total} runs are not {}: {} vs {} run(s); a set pools one recorder's runs \
                 (one run without run.json would switch the speed gate off)",
                s.odd.len(),
                s.majority.describe(),
                grouped(s, names, |k, who| format!("{who} are {}", k.describe())),
                s.majority_runs.len()
            ),
            Problem::Hosts(s) => format!(
                "{} of {total} runs ran on another host: {} vs {} run(s) on `{}`; speed figures \
                 of different machines cannot be pooled",
                s.odd.len(),
                grouped(s, names, |host, who| format!("{who} on `{host}`")),
                s.majority_runs.len(),
                s.majority
            ),
            Problem::Settings(s) => format!(
                "{} of {total} runs ran different settings: {} vs {} run(s) like {}; pool only \
                 runs of one scenario and settings",
                s.odd.len(),
                grouped(s, names, |v, who| format!(
                    "{who} ({})",
                    describe_differences(&differences(&s.majority, v), 4)
                )),
                s.majority_runs.len(),
                runs[s.majority_runs[0]].name()
            ),
            Problem::Revisions(s) => format!(
                "{} of {total} runs were built from another commit: {} vs {} run(s) built from \
                 `{}`; a set holds the runs of one build",
                s.odd.len(),
                grouped(s, names, |rev, who| format!("{who} built from `{rev}`")),
                s.majority_runs.len(),
                s.majority
            ),
        }
    }
}

/// Number of sampling intervals whose time moved: what every per-interval statistic needs.
pub fn complete_intervals(run: &Run) -> usize {
    run.table
        .elapsed_ns
        .windows(2)
        .filter(|w| w[1] > w[0])
        .count()
}

/// The settings identity of a run: what must be equal for two runs to be pooled.
pub fn settings_identity(run: &Run) -> Value {
    match (&run.meta, &run.engine) {
        (Some(m), _) => m.settings(),
        (None, Some(e)) => serde_json::json!({
            "layout": e.layout,
            "diagnostics": e.diagnostics,
            "work_metric": e.work_metric,
        }),
        (None, None) => Value::Null,
    }
}

/// Every problem of `runs` as one set, in the order of the module doc (empty: they pool). A
/// check runs only once the earlier ones found nothing.
pub fn problems(runs: &[Run]) -> Vec<Problem> {
    if runs.is_empty() {
        return vec![Problem::NoRuns];
    }
    let unfit: Vec<Problem> = runs
        .iter()
        .enumerate()
        .filter(|(_, r)| complete_intervals(r) == 0)
        .map(|(run, r)| Problem::NoInterval {
            run,
            rows: r.table.rows(),
        })
        .collect();
    if !unfit.is_empty() {
        return unfit;
    }
    let kinds: Vec<RunKind> = runs.iter().map(Run::kind).collect();
    let recorders = split(&kinds, |&k| k == RunKind::Bare);
    if !recorders.odd.is_empty() {
        return vec![Problem::Recorders(recorders)];
    }
    if recorders.majority == RunKind::Bare {
        return Vec::new(); // nothing recorded about host, settings or build
    }
    let mut found = Vec::new();
    let hosts: Vec<String> = runs
        .iter()
        .map(|r| r.host_fingerprint().unwrap_or_default())
        .collect();
    let hosts = split(&hosts, |_| false);
    if !hosts.odd.is_empty() {
        found.push(Problem::Hosts(hosts));
    }
    let identities: Vec<Value> = runs.iter().map(settings_identity).collect();
    let settings = split(&identities, |_| false);
    if !settings.odd.is_empty() {
        found.push(Problem::Settings(settings));
    }
    if recorders.majority == RunKind::Statbench {
        let revisions: Vec<String> = runs
            .iter()
            .map(|r| {
                r.meta
                    .as_ref()
                    .and_then(|m| m.git_revision.clone())
                    .unwrap_or_else(|| "unknown".into())
            })
            .collect();
        let revisions = split(&revisions, |_| false);
        if !revisions.odd.is_empty() {
            found.push(Problem::Revisions(revisions));
        }
    }
    found
}

/// Splits runs by their `keys`: the majority is the largest group; on a tie, a group `tie_odd`
/// marks loses, then the group of the earliest run wins.
pub fn split<K: PartialEq + Clone>(keys: &[K], tie_odd: impl Fn(&K) -> bool) -> Split<K> {
    let mut groups: Vec<(K, Vec<usize>)> = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        match groups.iter_mut().find(|(g, _)| g == k) {
            Some((_, members)) => members.push(i),
            None => groups.push((k.clone(), vec![i])),
        }
    }
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
    let (majority, majority_runs) = groups.swap_remove(best);
    let mut odd: Vec<(usize, K)> = groups
        .into_iter()
        .flat_map(|(k, members)| members.into_iter().map(move |m| (m, k.clone())))
        .collect();
    odd.sort_by_key(|(i, _)| *i);
    Split {
        majority,
        majority_runs,
        odd,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recorder::{Host, RunMeta};
    use crate::store::SnapshotTable;
    use session_stats::recorder::RunInfo;
    use std::path::PathBuf;

    fn table(k: usize, elapsed: &[u64]) -> SnapshotTable {
        SnapshotTable {
            path: PathBuf::from(format!("s/r{}/snapshots.csv", k + 1)),
            indices: vec![0],
            samples: (0..elapsed.len() as u64).collect(),
            elapsed_ns: elapsed.to_vec(),
            columns: vec![(0..elapsed.len() as i64).collect()],
            truncated: false,
        }
    }

    fn meta() -> RunMeta {
        serde_json::from_str(include_str!("../../tests/fixtures/run.json")).unwrap()
    }

    fn engine(cpu: &str) -> RunInfo {
        let mut info: RunInfo = serde_json::from_value(serde_json::json!({
            "format": session_stats::recorder::RUN_INFO_FORMAT,
            "recorder": "session-stats 0", "label": "e", "layout": "sharded",
            "start_time": "2026-01-01T00:00:00.000Z",
            "host": {"cpu_model": "x", "logical_cores": 8, "os": "linux-x86_64"},
            "sample_interval_ms": 50, "width": 1, "diagnostics": false,
            "work_metric": null, "complete": true, "samples": 2, "elapsed_ns": 10
        }))
        .unwrap();
        info.host.cpu_model = cpu.into();
        info
    }

    fn run(k: usize, meta: Option<RunMeta>, engine: Option<RunInfo>) -> Run {
        Run {
            table: table(k, &[0, 10]),
            meta,
            engine,
        }
    }

    fn statbench_runs(n: usize, change: impl Fn(usize, &mut RunMeta)) -> Vec<Run> {
        (0..n)
            .map(|k| {
                let mut m = meta();
                change(k, &mut m);
                run(k, Some(m), None)
            })
            .collect()
    }

    fn only(runs: &[Run]) -> (Problem, String) {
        let p = problems(runs);
        assert_eq!(p.len(), 1, "{p:?}");
        let text = p[0].describe(runs);
        (p.into_iter().next().unwrap(), text)
    }

    #[test]
    fn consistent_sets_have_no_problem() {
        assert!(problems(&statbench_runs(3, |_, _| {})).is_empty());
        let engines: Vec<Run> = (0..3).map(|k| run(k, None, Some(engine("x")))).collect();
        assert!(problems(&engines).is_empty());
        let bare: Vec<Run> = (0..2).map(|k| run(k, None, None)).collect();
        assert!(problems(&bare).is_empty());
    }

    #[test]
    fn an_empty_set_is_a_problem() {
        assert_eq!(problems(&[]), vec![Problem::NoRuns]);
        assert_eq!(Problem::NoRuns.describe(&[]), "no runs");
    }

    #[test]
    fn a_run_needs_an_interval_whose_time_moves() {
        for (elapsed, why) in [
            (&[][..], "(0 snapshot row(s))"),
            (&[5][..], "(1 snapshot row(s))"),
            (&[5, 5, 5][..], "(3 rows but elapsed_ns never moves)"),
        ] {
            let mut runs = statbench_runs(2, |_, _| {});
            runs[1].table = table(1, elapsed);
            let (p, text) = only(&runs);
            assert_eq!(p.odd_runs(), Vec::<usize>::new());
            assert!(
                text.starts_with("s/r2/snapshots.csv: no complete sampling interval"),
                "{text}"
            );
            assert!(text.contains(why), "{text}");
        }
    }

    #[test]
    fn recorders_must_not_mix() {
        let mut runs = statbench_runs(3, |_, _| {});
        runs[2].meta = None;
        let (p, text) = only(&runs);
        assert_eq!(p.odd_runs(), vec![2]);
        assert!(
            text.starts_with(
                "1 of 3 runs are not statbench runs: s/r3 are bare CSVs (no run.json) vs 2 run(s)"
            ),
            "{text}"
        );
        runs[2].engine = Some(engine("x"));
        let (_, text) = only(&runs);
        assert!(text.contains("s/r3 are engine recordings"), "{text}");
        // A tie goes against bare CSVs.
        let tie = vec![run(0, None, None), run(1, Some(meta()), None)];
        assert_eq!(only(&tie).0.odd_runs(), vec![0]);
    }

    #[test]
    fn hosts_must_agree_for_engine_recordings_too() {
        let runs = vec![
            run(0, None, Some(engine("x"))),
            run(1, None, Some(engine("y"))),
            run(2, None, Some(engine("x"))),
        ];
        let (p, text) = only(&runs);
        assert_eq!(p.odd_runs(), vec![1]);
        assert!(
            text.starts_with(
                "1 of 3 runs ran on another host: s/r2 on `y × 8 (linux-x86_64)` vs 2 run(s) on `x × 8 (linux-x86_64)`"
            ),
            "{text}"
        );
        let runs = statbench_runs(2, |k, m| {
            m.host = Host {
                logical_cores: 4 + k,
                ..m.host.clone()
            }
        });
        assert!(matches!(only(&runs).0, Problem::Hosts(_)));
    }

    #[test]
    fn settings_and_the_workload_fingerprint_must_agree() {
        let runs = statbench_runs(3, |k, m| {
            if k == 1 {
                m.scenario_settings["layout"] = "sharded".into();
            }
        });
        let (p, text) = only(&runs);
        assert_eq!(p.odd_runs(), vec![1]);
        assert!(
            text.contains("1 of 3 runs ran different settings: s/r2 (layout contiguous→sharded) vs 2 run(s) like s/r1"),
            "{text}"
        );
        let runs = statbench_runs(2, |k, m| m.workload = Some(format!("w{k}")));
        assert!(
            only(&runs).1.contains("workload w0→w1"),
            "{}",
            only(&runs).1
        );
        let mut e = engine("x");
        e.work_metric = Some("net.bytes_recv".into());
        let runs = vec![run(0, None, Some(engine("x"))), run(1, None, Some(e))];
        assert!(matches!(only(&runs).0, Problem::Settings(_)));
    }

    #[test]
    fn statbench_runs_come_from_one_build() {
        let runs = statbench_runs(3, |k, m| {
            m.git_revision = Some(if k == 0 { "aaa" } else { "bbb" }.into())
        });
        let (p, text) = only(&runs);
        assert_eq!(p.odd_runs(), vec![0]);
        assert!(
            text.starts_with(
                "1 of 3 runs were built from another commit: s/r1 built from `aaa` vs 2 run(s) built from `bbb`"
            ),
            "{text}"
        );
    }

    #[test]
    fn majority_and_ties() {
        let odd = |keys: &[i32]| split(keys, |_| false);
        assert_eq!(odd(&[1, 1, 2]).majority, 1);
        assert_eq!(odd(&[1, 1, 2]).odd_runs(), vec![2]);
        assert_eq!(odd(&[2, 1, 1]).odd_runs(), vec![0]);
        assert_eq!(odd(&[2, 1]).majority, 2);
        assert_eq!(split(&[true, false], |&k| !k).odd_runs(), vec![1]);
        assert_eq!(split(&[false, true], |&k| !k).odd_runs(), vec![0]);
        assert_eq!(odd(&[3, 1, 2, 1]).odd, vec![(0, 3), (2, 2)]);
    }
}
