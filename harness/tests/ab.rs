//! `statbench ab` and `statbench calibrate` end to end, on tiny runs.

mod common;

use common::{scratch, Statbench};

/// Runs statbench in the crate's folder with the machine to itself: the timed experiments of
/// this file measure speed on a 2-core machine.
fn statbench(args: &[&str]) -> (i32, String, String) {
    Statbench::new().args(args).alone().run().into()
}

fn run_cmd(extra: &str) -> String {
    format!(
        "{} run quick --duration-ms 300 --interval-ms 20 --threads 1 --no-pin --quiet {extra}",
        env!("CARGO_BIN_EXE_statbench")
    )
}

#[test]
fn ab_alternates_and_confirms_a_large_slowdown() {
    let dir = scratch("slow");
    let out = dir.join("out");
    let (code, stdout, stderr) = statbench(&[
        "ab",
        "-v", // the commands and the steps on stderr, also off a terminal
        "--a",
        &run_cmd(""),
        "--b",
        &run_cmd("--extra-work 2000"),
        // B injects a slowdown: its settings differ from A's on purpose.
        "--allow-different-settings",
        // Eight runs a side: with five, one disturbed run (kept below) widens the t-based
        // interval of the run medians past "no change" on a loaded machine.
        "--rounds",
        "8",
        "--confirm-rounds",
        "2",
        // Heavy extra work on a debug build spreads B's runs by ±20%; this test is about the
        // ABBA order and the confirmation, so keep every run.
        "--disturbed-run-threshold",
        "0",
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ]);
    // Live runs: the verdict is the machine's to give (the rule is tested on recorded runs), so
    // the test holds the exit code to the verdict, and the confirmation to a regression found.
    assert!(code == 0 || code == 1, "{stderr}\n{stdout}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let outcome = &v["headline"]["outcome"];
    assert_ne!(outcome, "improvement", "{stdout}");
    assert!(v["headline"]["ratio"].as_f64().unwrap() < 0.9, "{stdout}");
    assert_eq!(code == 1, outcome == "regression", "{stdout}");
    if code == 1 {
        assert!(stderr.contains("confirming"), "{stderr}");
    }
    // ABBA order (a01 b01 b02 a02 a03 b03 ...), then two confirmation rounds per side.
    let order: Vec<&str> = stderr.lines().filter(|l| l.starts_with("ab: ")).collect();
    assert!(
        order[0].contains("quiet ") || !order[0].contains("extra-work"),
        "{order:?}"
    );
    assert!(
        order[1].contains("extra-work") && order[2].contains("extra-work"),
        "{order:?}"
    );
    for d in [
        "a01", "b01", "b02", "a02", "a03", "b03", "b05", "a06", "b06",
    ] {
        assert!(out.join(d).join("snapshots.csv").is_file(), "{d} missing");
    }
}

#[test]
fn ab_reports_a_failing_command_as_bad_input() {
    let dir = scratch("fail");
    let out = dir.join("out");
    let (code, _, stderr) = statbench(&[
        "ab",
        "--a",
        "exit 3",
        "--b",
        "true",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr
            .lines()
            .last()
            .unwrap()
            .contains("`exit 3` failed (exit 3)"),
        "{stderr}"
    );
    // Exit 1 of a command (statbench run with lost updates) is a failed check, not bad input.
    let dir = scratch("exit1");
    let out = dir.join("out");
    let (code, _, stderr) = statbench(&[
        "ab",
        "--a",
        "false",
        "--b",
        "true",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    let dir = scratch("nowrite");
    let out = dir.join("out");
    let (code, _, stderr) = statbench(&[
        "ab",
        "--a",
        "true",
        "--b",
        "true",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("wrote no snapshots.csv"), "{stderr}");
}

#[test]
fn calibrate_reports_rates_for_every_kind_of_comparison() {
    let dir = scratch("calibrate");
    let out = dir.join("out");
    let (code, stdout, stderr) = statbench(&[
        "calibrate",
        "quick",
        "--duration-ms",
        "100",
        "--interval-ms",
        "10",
        "--threads",
        "1",
        "--runs",
        "4",
        "--group",
        "1",
        "--confirm-rounds",
        "1",
        "--comparisons",
        "10",
        "--json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    for kind in [
        "aa_ab",
        "aa_baseline",
        "detect5_ab",
        "detect10_ab",
        "detect5_baseline",
        "detect10_baseline",
    ] {
        assert!(v[kind]["comparisons"].as_u64().unwrap() >= 2, "{kind}: {v}");
    }
    let (k5, k10) = (
        v["knobs"][0].as_u64().unwrap(),
        v["knobs"][1].as_u64().unwrap(),
    );
    assert!(k10 > k5 && k5 >= 1, "knobs {k5} {k10}");
    assert!(v["recommendation"].as_str().unwrap().len() > 10);
    for field in ["run_cv", "drift", "median_ops_per_sec"] {
        assert!(
            v[field].as_f64().is_some_and(f64::is_finite),
            "{field}: {v}"
        );
    }
    // 3 variants × 4 runs + 3 × 6 probe runs, each a complete run folder.
    let runs = std::fs::read_dir(&out).unwrap().count();
    assert_eq!(runs, 30);
}

#[test]
fn calibrate_refuses_too_few_runs_for_disjoint_sides() {
    let dir = scratch("calibrate-few");
    let out = dir.join("out");
    let (code, _, stderr) = statbench(&[
        "calibrate",
        "quick",
        "--runs",
        "10",
        "--group",
        "4",
        "--confirm-rounds",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--runs 10 is too few"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}
