//! The default gate's rules on recorded and edited runs: why speed is not paired (said on the
//! first line), baselines whose baseline.json lies or whose workload is another, settings
//! compared by value, and the behaviour gate per unit of work. No live speed verdict is
//! asserted here: the paired measurement itself is covered by `paired_gate.rs`.

mod common;

use common::{copy_dir, scratch, statbench};
use serde_json::Value;
use std::path::Path;

const TINY: &str = "name = \"tiny\"\nseed = 5\nthreads = 2\npeers = 8\nlayout = \"contiguous\"\n\
                    duration_ms = 200\nsample_interval_ms = 10\npin_threads = false\n";

/// A scratch folder (not a git checkout) with `tiny.toml`, `runs` recorded runs in `base/`
/// and those runs saved as baseline `tiny`.
fn recorded(name: &str, runs: &str) -> common::Scratch {
    let d = scratch(name);
    std::fs::write(d.join("tiny.toml"), TINY).unwrap();
    std::fs::create_dir_all(d.join("baselines")).unwrap();
    let (code, _, err) = statbench(
        &[
            "run",
            "./tiny.toml",
            "--repeat",
            runs,
            "--quiet",
            "--out",
            "base",
        ],
        &d,
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = statbench(&["baseline", "save", "tiny", "base"], &d);
    assert_eq!(code, 0, "{err}");
    d
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn write_json(p: &Path, v: &Value) {
    std::fs::write(p, serde_json::to_string_pretty(v).unwrap()).unwrap();
}

/// Sets `key` to `value` in every run.json of `base/` and saves those runs as baseline `tiny`
/// again: a baseline whose runs say that (their commit, their workload...).
fn restamp(d: &Path, key: &str, value: Value) {
    for entry in std::fs::read_dir(d.join("base")).unwrap() {
        let run = entry.unwrap().path().join("run.json");
        if run.is_file() {
            let mut v = read_json(&run);
            v[key] = value.clone();
            write_json(&run, &v);
        }
    }
    let (code, _, err) = statbench(&["baseline", "save", "tiny", "base", "--force"], d);
    assert_eq!(code, 0, "{err}");
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

#[test]
fn a_baseline_keeps_its_commit_and_workload() {
    let d = recorded("keeps-commit", "2");
    let info = read_json(&d.join("baselines/tiny/baseline.json"));
    let run = read_json(&d.join("base/r1/run.json"));
    assert_eq!(info["revision"], run["git_revision"]);
    let workload = run["workload"].as_str().expect("run.json has the workload");
    assert_eq!(workload.len(), 16);
    assert_eq!(info["workload"], run["workload"]);
    // `baseline list` shows the commit.
    let (code, out, err) = statbench(&["baseline", "list"], &d);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("commit "), "{out}");
}

#[test]
fn the_first_line_says_why_speed_is_not_paired() {
    let d = recorded("why-not-paired", "3");
    let gate_with = |d: &Path, more: &str| {
        statbench(
            &[
                "gate",
                "./tiny.toml",
                "--repeat",
                "3",
                "--confirm-runs",
                "0",
                more,
            ],
            d,
        )
    };
    let gate = |d: &Path| gate_with(d, "--wide");
    // A commit, but this folder is no git checkout.
    restamp(&d, "git_revision", Value::from("0123456789ab"));
    let (code, out, err) = gate(&d);
    assert!(code == 0 || code == 1, "{err}");
    assert!(
        first_line(&err).starts_with("gate: speed not paired: ")
            && first_line(&err).contains("not inside a git checkout"),
        "{err}"
    );
    assert!(
        out.contains("verdict") || out.contains("PASS") || out.contains("FAIL"),
        "{out}"
    );
    // Recorded from uncommitted code: no commit holds it.
    restamp(&d, "git_revision", Value::from("0123456789ab-dirty"));
    let (_, _, err) = gate(&d);
    assert!(
        first_line(&err).contains("uncommitted changes on 0123456789ab"),
        "{err}"
    );
    // Saved without a commit.
    restamp(&d, "git_revision", Value::Null);
    let (_, _, err) = gate(&d);
    assert!(first_line(&err).contains("records no commit"), "{err}");
    // A git checkout that lacks the commit (a shallow clone, say).
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(&*d)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@t")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@t")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "tiny.toml"]);
    git(&["commit", "-q", "-m", "x"]);
    restamp(&d, "git_revision", Value::from("0123456789ab"));
    let (_, _, err) = gate(&d);
    assert!(
        first_line(&err).contains("commit 0123456789ab of baseline `tiny` is not in this clone")
            && first_line(&err).contains("fetch-depth: 0"),
        "{err}"
    );
    // Asked for.
    let (_, _, err) = gate_with(&d, "--stored-only");
    assert!(first_line(&err).contains("--stored-only"), "{err}");
}

#[test]
fn a_baseline_of_another_workload_is_refused_with_the_command_that_rerecords_it() {
    let d = recorded("other-workload", "2");
    restamp(&d, "workload", Value::from("00000000deadbeef"));
    let (code, out, err) = statbench(&["gate", "./tiny.toml", "--repeat", "2"], &d);
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("another workload"), "{err}");
    assert!(err.contains("workload 00000000deadbeef→"), "{err}");
    assert!(
        err.contains("statbench run ./tiny.toml --repeat 20 --out runs/tiny-new && statbench baseline save tiny runs/tiny-new --force"),
        "{err}"
    );
    // Nothing was recorded before the refusal.
    assert!(!d.join("runs").exists(), "runs recorded before refusing");
}

#[test]
fn baseline_json_claims_are_checked_against_its_runs() {
    let d = recorded("claims", "2");
    // A second, healthy baseline.
    let (code, _, err) = statbench(&["baseline", "save", "other", "base"], &d);
    assert_eq!(code, 0, "{err}");
    for (key, lie) in [
        ("scenario", Value::from("quick")),
        ("settings_hash", Value::from("0000000000000000")),
        ("workload", Value::from("0000000000000000")),
        ("revision", Value::from("feedfacecafe")),
    ] {
        let info = d.join("baselines/tiny/baseline.json");
        let honest = read_json(&info);
        let mut v = honest.clone();
        v[key] = lie;
        write_json(&info, &v);
        let (code, _, err) = statbench(&["compare", "--baseline", "tiny", "base/r1"], &d);
        assert_eq!(code, 2, "{key}: {err}");
        assert!(err.contains(&format!("key `{key}` claims")), "{key}: {err}");
        // `baseline list` lists the others and names the damaged one.
        let (code, out, err) = statbench(&["baseline", "list"], &d);
        assert_eq!(code, 2, "{key}: {out}{err}");
        assert!(out.contains("other"), "{key}: {out}");
        assert!(!out.lines().any(|l| l.starts_with("tiny ")), "{key}: {out}");
        assert!(
            err.contains("baseline `tiny` skipped") && err.contains(key),
            "{err}"
        );
        write_json(&info, &honest);
    }
    let (code, _, err) = statbench(&["compare", "--baseline", "tiny", "base/r1"], &d);
    assert!(code == 0 || code == 1, "{err}");
}

#[test]
fn settings_are_compared_by_value_not_by_json_text() {
    let d = recorded("by-value", "3");
    // `jq .` writes 5.0 as 5: rewrite every float that is a whole number the same way.
    fn integral(v: &mut Value) {
        match v {
            Value::Object(m) => m.values_mut().for_each(integral),
            Value::Array(a) => a.iter_mut().for_each(integral),
            Value::Number(n) if n.is_f64() && n.as_f64().unwrap().fract() == 0.0 => {
                *v = Value::from(n.as_f64().unwrap() as i64);
            }
            _ => {}
        }
    }
    let mut changed = false;
    for k in 1..=3 {
        let p = d.join(format!("base/r{k}/run.json"));
        let mut v = read_json(&p);
        let before = v["scenario_settings"].clone();
        integral(&mut v["scenario_settings"]);
        changed |= before != v["scenario_settings"]; // Number(5.0) != Number(5)
        write_json(&p, &v);
    }
    assert!(changed, "the scenario has whole-number floats to rewrite");
    let (code, out, err) = statbench(&["compare", "--baseline", "tiny", "base"], &d);
    assert!(code == 0 || code == 1, "{out}{err}");
    assert!(!err.contains("other settings"), "{err}");
}

/// Multiplies metric `index`'s column by `factor` on every row of `csv` (a counter stays a
/// counter: non-decreasing).
fn scale_column(csv: &Path, index: usize, factor: i64) {
    let text = std::fs::read_to_string(csv).unwrap();
    let mut lines: Vec<String> = Vec::new();
    let mut col = None;
    for (n, line) in text.lines().enumerate() {
        let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
        if n == 0 {
            col = cells.iter().position(|c| c == &index.to_string());
        } else {
            let c = col.expect("column present");
            cells[c] = (cells[c].parse::<i64>().unwrap() * factor).to_string();
        }
        lines.push(cells.join(","));
    }
    std::fs::write(csv, lines.join("\n") + "\n").unwrap();
}

#[test]
fn a_behaviour_change_per_update_fails_and_names_the_metric() {
    // Ten runs a side: a rank test of fewer cannot reach the 1 % level once adjusted for ~60
    // metrics, whatever the change (the default gate compares 5 runs with the stored 20).
    let d = recorded("behaviour", "10");
    copy_dir(&d.join("base"), &d.join("cand"));
    // One event counted twice: net.bytes_recv (index 1) doubles per update, speed unchanged.
    for k in 1..=10 {
        scale_column(&d.join(format!("cand/r{k}/snapshots.csv")), 1, 2);
    }
    let (code, out, err) = statbench(&["compare", "base", "cand", "--wide"], &d);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("net.bytes_recv"), "{out}");
    assert!(out.contains("FAIL"), "{out}");
    // The same runs against themselves: nothing changed.
    let (code, out, err) = statbench(&["compare", "base", "base", "--wide"], &d);
    assert_eq!(code, 0, "{out}{err}");
    // The policy file relaxes the metric on purpose.
    std::fs::write(
        d.join("statbench.toml"),
        "[metric.\"net.bytes_recv\"]\ngate = false\n",
    )
    .unwrap();
    let (code, out, err) = statbench(&["compare", "base", "cand", "--wide"], &d);
    assert_eq!(code, 0, "{out}{err}");
}
