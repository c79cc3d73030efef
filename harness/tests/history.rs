//! The history dataset: appends under concurrent writers, bad files skipped, partitions
//! pruned before any file is opened, steps found on synthetic histories, and the commands
//! around it (`run --history`, `history add|list|show|export`, `trend`).

mod common;

use common::{scratch, statbench, Statbench};
use polars::prelude::*;
use statbench::history::synth::{synth, synth_run, SynthSpec};
use statbench::history::{run_medians, Added, Dataset, Month, Partitions, Query};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

const DAY_US: i64 = 86_400_000_000;
/// 2026-01-01T00:00:00Z.
const START: i64 = 1_767_225_600_000_000;

fn spec(runs: usize, commits: usize, steps: Vec<(usize, f64)>, seed: u64) -> SynthSpec {
    SynthSpec {
        scenario: "synthetic".into(),
        runs,
        commits,
        intervals: 8,
        cv: 0.02,
        interval_cv: 0.01,
        disturbed: 0.0,
        steps,
        seed,
        start: START,
        branch: "main".into(),
    }
}

fn parquet_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "parquet") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn read_whole(path: &Path) -> PolarsResult<DataFrame> {
    ParquetReader::new(std::fs::File::open(path)?).finish()
}

#[test]
fn concurrent_writers_never_clobber_and_readers_never_see_a_partial_file() {
    let dir = scratch("history-concurrent");
    let ds = Dataset::at(dir.join("history"));
    let s = spec(1000, 1, Vec::new(), 7);
    let month = Month::of_micros(START);
    let done = AtomicBool::new(false);
    let (outcomes, checked) = std::thread::scope(|scope| {
        // A reader opening every visible file while the writers work.
        let reader = scope.spawn(|| {
            let mut checked = 0usize;
            while !done.load(Ordering::Acquire) {
                let (files, skipped) = ds.files(&Partitions::default()).unwrap();
                assert!(
                    skipped.is_empty(),
                    "a reader saw a partial file: {skipped:?}"
                );
                for f in &files {
                    read_whole(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
                    checked += 1;
                }
            }
            checked
        });
        let writers: Vec<_> = (0..8)
            .map(|w| {
                let (ds, s) = (&ds, &s);
                scope.spawn(move || {
                    let mut out = Vec::new();
                    for k in 0..25 {
                        // Every writer also adds run 0: exactly one of them may write it.
                        let r = if k == 0 { 0 } else { 1 + w * 25 + k };
                        let run = synth_run(s, 0, r);
                        out.push((
                            r,
                            ds.add(&s.scenario, month, &run.record.run_id, true, |f| {
                                run.write_parquet(f)
                            })
                            .unwrap(),
                        ));
                    }
                    out
                })
            })
            .collect();
        let outcomes: Vec<(usize, Added)> = writers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect();
        done.store(true, Ordering::Release);
        (outcomes, reader.join().unwrap())
    });
    let shared_new = outcomes
        .iter()
        .filter(|(r, a)| *r == 0 && matches!(a, Added::New(_)))
        .count();
    assert_eq!(
        shared_new, 1,
        "the run all writers added was written {shared_new} times"
    );
    let files = parquet_files(ds.root());
    assert_eq!(files.len(), 8 * 24 + 1);
    for f in &files {
        assert_eq!(read_whole(f).unwrap().height(), 8);
    }
    // No temporary file is left behind, and every run is in the query.
    let hidden = std::fs::read_dir(ds.partition_dir("synthetic", month))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with('.')
        })
        .count();
    assert_eq!(hidden, 0);
    let table = run_medians(&ds, &Query::default(), &["throughput".into()]).unwrap();
    assert_eq!(table.runs.len(), 8 * 24 + 1);
    assert!(checked > 0);
}

/// A short real run into `out`, then `copies` copies with other start times (distinct runs).
fn real_runs(root: &Path, copies: usize) -> Vec<PathBuf> {
    let first = root.join("runs/r0");
    let (code, _, err) = statbench(
        &["run", "quick", "--quiet", "--out", first.to_str().unwrap()],
        root,
    );
    assert_eq!(code, 0, "{err}");
    let mut out = vec![first.clone()];
    let json = std::fs::read_to_string(first.join("run.json")).unwrap();
    let mut meta: serde_json::Value = serde_json::from_str(&json).unwrap();
    for k in 1..=copies {
        let dir = root.join(format!("runs/r{k}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(first.join("snapshots.csv"), dir.join("snapshots.csv")).unwrap();
        meta["start_time"] = format!("2026-02-{:02}T08:00:00.000Z", k).into();
        std::fs::write(dir.join("run.json"), serde_json::to_vec(&meta).unwrap()).unwrap();
        out.push(dir);
    }
    out
}

#[test]
fn processes_adding_at_once_write_each_run_once() {
    let root = scratch("history-processes");
    std::fs::create_dir_all(root.join("scenarios")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/quick.toml"),
        root.join("scenarios/quick.toml"),
    )
    .unwrap();
    let runs = real_runs(&root, 4);
    let hist = root.join("history");
    // Four processes add the same run, four add one distinct run each, all at once.
    let children: Vec<_> = (0..8)
        .map(|k| {
            let run = if k < 4 { &runs[0] } else { &runs[k - 3] };
            Statbench::new()
                .args(["history", "add", run.to_str().unwrap(), "--history"])
                .arg(&hist)
                .args(["--commit", "0123456789ab", "--branch", "main"])
                .cwd(&root)
                .run()
        })
        .collect();
    let mut added_shared = 0;
    for (k, c) in children.iter().enumerate() {
        assert_eq!(c.code, 0, "{}{}", c.stdout, c.stderr);
        if k < 4 && c.stdout.contains("1 run(s) added") {
            added_shared += 1;
        }
    }
    assert_eq!(
        added_shared, 1,
        "the shared run was written by {added_shared} processes"
    );
    let files = parquet_files(&hist);
    assert_eq!(files.len(), 5, "{files:?}");
    // The run's partition is its scenario and month, its columns the run's metadata.
    let df = read_whole(&files[0]).unwrap();
    let commit = df
        .column("commit")
        .unwrap()
        .str()
        .unwrap()
        .get(0)
        .unwrap()
        .to_string();
    assert_eq!(commit, "0123456789ab");
    assert!(files
        .iter()
        .all(|f| f.to_string_lossy().contains("scenario=quick")));
    // Listing and showing them.
    let (code, out, err) = statbench(
        &["history", "list", "--history", hist.to_str().unwrap()],
        &root,
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("5 run(s) of 1 commit(s) in 5 file(s)"),
        "{out}"
    );
    let (code, out, err) = statbench(
        &[
            "history",
            "show",
            "0123456789ab",
            "--history",
            hist.to_str().unwrap(),
        ],
        &root,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.lines().filter(|l| l.starts_with("run 2026")).count(),
        5,
        "{out}"
    );
    assert!(out.contains("net.bytes_recv"), "{out}");
    // A run that did not finish is refused with one line, exit 2.
    let broken = root.join("runs/r1/run.json");
    let text = std::fs::read_to_string(&broken)
        .unwrap()
        .replace("\"complete\":true", "\"complete\":false");
    std::fs::write(&broken, text).unwrap();
    let (code, _, err) = statbench(
        &[
            "history",
            "add",
            "runs/r1",
            "--history",
            hist.to_str().unwrap(),
        ],
        &root,
    );
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn run_with_history_adds_each_repetition() {
    let root = scratch("history-run");
    let hist = root.join("history");
    let (code, _, err) = statbench(
        &[
            "run",
            "quick",
            "--repeat",
            "2",
            "--quiet",
            "--out",
            root.join("out").to_str().unwrap(),
            "--history",
            hist.to_str().unwrap(),
        ],
        Path::new(env!("CARGO_MANIFEST_DIR")),
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.matches("history: added").count(), 2, "{err}");
    assert_eq!(parquet_files(&hist).len(), 2);
}

#[test]
fn damaged_and_foreign_files_are_reported_and_skipped() {
    let dir = scratch("history-damaged");
    let ds = Dataset::at(dir.join("h"));
    synth(&ds, &spec(40, 10, Vec::new(), 3)).unwrap();
    let files = parquet_files(ds.root());
    let part = files[0].parent().unwrap().to_path_buf();
    // Truncated (an interrupted copy).
    let bytes = std::fs::read(&files[1]).unwrap();
    std::fs::write(&files[1], &bytes[..bytes.len() / 2]).unwrap();
    // Not Parquet at all, and a stray text file.
    std::fs::write(part.join("notes.parquet"), "hello").unwrap();
    std::fs::write(part.join("README.txt"), "hello").unwrap();
    // Parquet of another dataset.
    let mut other = df!("a" => [1i64, 2], "b" => ["x", "y"]).unwrap();
    ParquetWriter::new(std::fs::File::create(part.join("other.parquet")).unwrap())
        .finish(&mut other)
        .unwrap();
    // Magic intact, footer damaged.
    let mut bytes = std::fs::read(&files[2]).unwrap();
    let n = bytes.len();
    for b in &mut bytes[n - 400..n - 8] {
        *b = 0xAB;
    }
    std::fs::write(&files[2], bytes).unwrap();
    let (code, out, err) = statbench(&["trend", "--history", ds.root().to_str().unwrap()], &dir);
    assert_eq!(code, 0, "{out}{err}");
    for bad in [
        files[1].clone(),
        files[2].clone(),
        part.join("notes.parquet"),
        part.join("README.txt"),
        part.join("other.parquet"),
    ] {
        let name = bad.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            err.lines()
                .any(|l| l.contains(&name) && l.contains("skipped")),
            "{name} not reported: {err}"
        );
    }
    assert!(out.contains("trend: 38 run(s)"), "{out}");
    assert!(out.contains("5 skipped"), "{out}");
}

#[test]
fn a_query_for_one_month_opens_no_other_months_files() {
    let dir = scratch("history-pruning");
    let ds = Dataset::at(dir.join("h"));
    // 90 daily commits from 2026-01-01: January, February, March.
    synth(&ds, &spec(90, 90, Vec::new(), 5)).unwrap();
    let feb = Partitions {
        scenario: Some("synthetic".into()),
        from: Some(Month {
            year: 2026,
            month: 2,
        }),
        to: Some(Month {
            year: 2026,
            month: 2,
        }),
    };
    let (files, skipped) = ds.files(&feb).unwrap();
    assert_eq!(files.len(), 28);
    assert!(skipped.is_empty());
    assert!(files
        .iter()
        .all(|f| f.to_string_lossy().contains("month=02")));
    // Damage every file of the other months: had the query opened one, it would report it.
    let mut damaged = 0;
    for f in parquet_files(ds.root()) {
        if !f.to_string_lossy().contains("month=02") {
            std::fs::write(&f, "not parquet any more").unwrap();
            damaged += 1;
        }
    }
    assert_eq!(damaged, 62);
    let q = Query {
        since: Some(START + 31 * DAY_US),
        until: Some(START + 59 * DAY_US),
        ..Query::default()
    };
    let table = run_medians(&ds, &q, &["throughput".into()]).unwrap();
    assert!(table.skipped.is_empty(), "{:?}", table.skipped);
    assert_eq!(table.files, 28);
    assert_eq!(table.runs.len(), 28);
    // The same through the command line, and the whole history does see the damage.
    let h = ds.root().to_str().unwrap();
    let (code, out, err) = statbench(
        &[
            "trend",
            "--history",
            h,
            "--since",
            "2026-02-01",
            "--until",
            "2026-03-01",
        ],
        &dir,
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "{err}");
    assert!(out.contains("trend: 28 run(s)"), "{out}");
    let (code, _, err) = statbench(&["trend", "--history", h], &dir);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.matches("skipped").count(), 20 + 1, "{err}");
}

fn trend_json(dir: &Path, hist: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec![
        "trend",
        "--history",
        hist.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let (code, out, err) = statbench(&args, dir);
    assert!(code == 0 || code == 1, "{err}");
    (
        code,
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}")),
    )
}

#[test]
fn steps_injected_at_known_commits_are_found_there() {
    let dir = scratch("history-steps");
    let hist = dir.join("h");
    let ds = Dataset::at(&hist);
    // 300 commits, one run each, 2% run-to-run noise: −2% at 75, −5% at 150, +10% at 225.
    let steps = vec![(75, 0.98), (150, 0.95), (225, 1.10)];
    synth(&ds, &spec(300, 300, steps, 11)).unwrap();
    let (code, v) = trend_json(&dir, &hist, &["--fail-on-new-step"]);
    assert_eq!(code, 0, "no step in the last 10 commits: {v}");
    let series = &v["series"][0];
    assert_eq!(series["commits"], 300);
    let found: Vec<(usize, f64)> = series["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["index"].as_u64().unwrap() as usize,
                s["ratio"].as_f64().unwrap(),
            )
        })
        .collect();
    let near = |at: usize, tol: usize| found.iter().find(|(i, _)| i.abs_diff(at) <= tol);
    let five = near(150, 1).unwrap_or_else(|| panic!("5% step not at 150±1: {found:?}"));
    assert!((five.1 - 0.95).abs() < 0.015, "{five:?}");
    let ten = near(225, 1).unwrap_or_else(|| panic!("10% step not at 225±1: {found:?}"));
    assert!((ten.1 - 1.10).abs() < 0.02, "{ten:?}");
    let resolution = series["resolution_mid"].as_f64().unwrap();
    assert!(
        near(75, 10).is_some() || resolution > 0.02,
        "{found:?} {resolution}"
    );
    assert!(found.len() <= 4, "{found:?}");
    // The report draws it.
    let report = dir.join("report");
    let (code, _, err) = statbench(
        &[
            "trend",
            "--history",
            hist.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ],
        &dir,
    );
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(report.join("index.html")).unwrap();
    assert!(
        html.contains("<svg") && html.contains("-5."),
        "report lacks the chart or step"
    );
    assert!(std::fs::read_dir(&report).unwrap().any(|e| e
        .unwrap()
        .path()
        .extension()
        .is_some_and(|x| x == "png")));
}

#[test]
fn a_new_step_fails_the_trend_gate_and_an_old_one_does_not() {
    let dir = scratch("history-new-step");
    let hist = dir.join("h");
    // −8% from commit 115 of 120: five commits after it, within the last ten.
    synth(&Dataset::at(&hist), &spec(120, 120, vec![(115, 0.92)], 13)).unwrap();
    let (code, v) = trend_json(&dir, &hist, &["--fail-on-new-step"]);
    assert_eq!(code, 1, "{v}");
    let steps = v["series"][0]["steps"].as_array().unwrap();
    assert!(steps.iter().any(|s| s["new"] == true), "{v}");
    let (code, _) = trend_json(&dir, &hist, &["--fail-on-new-step", "--new-within", "3"]);
    assert_eq!(code, 0);
    let (code, _) = trend_json(&dir, &hist, &["--fail-on-new-step", "--min-step", "0.15"]);
    assert_eq!(code, 0);
}

#[test]
fn exports_for_bencher_and_github_action_benchmark() {
    let dir = scratch("history-export");
    let hist = dir.join("h");
    synth(&Dataset::at(&hist), &spec(30, 10, Vec::new(), 17)).unwrap();
    let h = hist.to_str().unwrap();
    let (code, out, err) = statbench(
        &[
            "history",
            "export",
            "--format",
            "bmf",
            "--history",
            h,
            "throughput",
            "net.bytes_recv",
        ],
        &dir,
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let bench = v.as_object().unwrap().values().next().unwrap();
    let t = &bench["throughput"];
    assert!(t["lower_value"].as_f64().unwrap() <= t["value"].as_f64().unwrap());
    assert!(t["value"].as_f64().unwrap() <= t["upper_value"].as_f64().unwrap());
    assert!(bench["net.bytes_recv"]["value"].as_f64().unwrap() > 0.0);
    let file = dir.join("gab.json");
    let (code, _, err) = statbench(
        &[
            "history",
            "export",
            "--format",
            "github-action-benchmark",
            "--history",
            h,
            "--output",
            file.to_str().unwrap(),
        ],
        &dir,
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let e = &v.as_array().unwrap()[0];
    assert_eq!(e["unit"], "updates/s");
    assert!(e["value"].as_f64().unwrap() > 1e6);
    // An existing --output is refused.
    let (code, _, _) = statbench(
        &[
            "history",
            "export",
            "--format",
            "bmf",
            "--history",
            h,
            "--output",
            file.to_str().unwrap(),
        ],
        &dir,
    );
    assert_eq!(code, 2);
}

#[test]
fn bad_arguments_are_one_line_errors() {
    let dir = scratch("history-args");
    for (args, needle) in [
        (
            vec!["trend", "no.such.metric", "--history", "h"],
            "quantity `no.such.metric`",
        ),
        (vec!["trend", "--since", "last tuesday"], "not a date"),
        (
            vec![
                "history",
                "synth",
                "--out",
                "s",
                "--runs",
                "10",
                "--commits",
                "5",
                "--steps",
                "99:0.9",
            ],
            "a step at commit 99",
        ),
        (
            vec!["history", "synth", "--out", "s", "--steps", "5:x"],
            "COMMIT:FACTOR",
        ),
        (vec!["trend", "--history", "empty"], "no runs match"),
        (vec!["history", "add", "nowhere"], "nowhere"),
    ] {
        let (code, _, err) = statbench(&args, &dir);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn compaction_keeps_every_run_while_others_read_and_add() {
    let dir = scratch("history-compact");
    let ds = Dataset::at(dir.join("h"));
    // 90 runs over 45 daily commits: January and February.
    let s = spec(90, 45, vec![(30, 0.9)], 19);
    synth(&ds, &s).unwrap();
    let q = ["throughput".to_string()];
    let before = run_medians(&ds, &Query::default(), &q).unwrap();
    assert_eq!(before.runs.len(), 90);
    let done = AtomicBool::new(false);
    let (compacted, late) = std::thread::scope(|scope| {
        // Readers must see every run exactly once, with the same medians, throughout.
        let reader = scope.spawn(|| {
            let mut reads = 0;
            while !done.load(Ordering::Acquire) {
                let t = run_medians(&ds, &Query::default(), &q).unwrap();
                assert!(t.runs.len() >= 90, "a reader lost runs: {}", t.runs.len());
                for r in &before.runs {
                    let seen = t.runs.iter().find(|x| x.run_id == r.run_id).unwrap();
                    assert_eq!(seen.values, r.values);
                    assert_eq!(seen.intervals, r.intervals);
                }
                reads += 1;
            }
            reads
        });
        // A writer adds runs to January while it is compacted.
        let writer = scope.spawn(|| {
            (0..5)
                .map(|k| {
                    let run = synth_run(&s, 3, 10 + k);
                    ds.add(&s.scenario, run.month(), &run.record.run_id, true, |f| {
                        run.write_parquet(f)
                    })
                    .unwrap();
                    run.record.run_id
                })
                .collect::<Vec<_>>()
        });
        let compacted = statbench::history::compact::compact(&ds, &Partitions::default()).unwrap();
        let late = writer.join().unwrap();
        done.store(true, Ordering::Release);
        assert!(reader.join().unwrap() > 0);
        (compacted, late)
    });
    assert_eq!(compacted.partitions, 2);
    let after = run_medians(&ds, &Query::default(), &q).unwrap();
    assert_eq!(after.runs.len(), 95);
    for id in &late {
        assert!(after.runs.iter().any(|r| &r.run_id == id), "{id} lost");
    }
    for r in &before.runs {
        let a = after.runs.iter().find(|x| x.run_id == r.run_id).unwrap();
        assert_eq!(a.values, r.values);
    }
    // Compacting again merges what was added meanwhile; January and February, one file each.
    statbench::history::compact::compact(&ds, &Partitions::default()).unwrap();
    assert_eq!(parquet_files(ds.root()).len(), 2);
    let again = run_medians(&ds, &Query::default(), &q).unwrap();
    assert_eq!(again.runs.len(), 95);
    // The command line says what it did.
    let (code, out, err) = statbench(
        &[
            "history",
            "compact",
            "--history",
            ds.root().to_str().unwrap(),
        ],
        &dir,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("0 file(s) of 0 run(s) merged"), "{out}");
}
