//! What a newcomer meets first (issue 26): a comparison that decided nothing says so, stdout
//! carries the result and stderr the warnings, counts in the verdict agree with the table.

mod common;

use common::{scratch, statbench, Statbench};

/// Two `quick` run sets of 2 runs each: too few intervals to decide anything.
fn two_tiny_sets(d: &std::path::Path) {
    for out in ["a", "b"] {
        let (code, _, err) = statbench(
            &["run", "quick", "--repeat", "2", "--quiet", "--out", out],
            d,
        );
        assert_eq!(code, 0, "{err}");
    }
}

#[test]
fn a_comparison_that_decided_nothing_says_so_and_what_would_decide() {
    let d = scratch("nothing-decided");
    two_tiny_sets(&d);
    let (code, out, err) = statbench(&["compare", "a", "b", "--wide"], &d);
    assert_eq!(code, 0, "{out}{err}");
    let verdict = out.lines().last().unwrap_or("");
    assert!(verdict.starts_with("NOTHING DECIDED: "), "{out}");
    assert!(!out.contains("PASS"), "{out}");
    assert!(verdict.contains("runs a side would decide"), "{verdict}");
}

#[test]
fn stdout_carries_the_result_and_stderr_the_warnings() {
    let d = scratch("streams");
    for out in ["a", "b"] {
        let (code, _, err) = statbench(
            &["run", "quick", "--repeat", "3", "--quiet", "--out", out],
            &d,
        );
        assert_eq!(code, 0, "{err}");
    }
    // A run left out on request is always a warning.
    std::fs::remove_file(d.join("a/r3/run.json")).unwrap();
    let args = ["compare", "a", "b", "--drop-odd-runs"];
    let (_, out, err) = statbench(&args, &d);
    assert!(
        !out.contains("warning:") && !out.contains("left out"),
        "stdout: {out}"
    );
    assert!(
        err.contains("statbench: warning: ") && err.contains("r3 left out"),
        "stderr: {err}"
    );
    // A file written with --output is what stdout showed.
    let mut with_file = args.to_vec();
    with_file.extend(["--output", "cmp.txt"]);
    let (_, out, _) = statbench(&with_file, &d);
    let file = std::fs::read_to_string(d.join("cmp.txt")).unwrap();
    assert_eq!(file, out);
}

#[test]
fn verdict_counts_add_up() {
    let d = scratch("counts");
    two_tiny_sets(&d);
    // Three runs a side decide some metrics: the sentence's counts are the table's.
    for out in ["c", "e"] {
        let (code, _, err) = statbench(
            &["run", "quick", "--repeat", "6", "--quiet", "--out", out],
            &d,
        );
        assert_eq!(code, 0, "{err}");
    }
    let (_, out, err) = statbench(&["compare", "c", "e", "--wide", "--format", "json"], &d);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    let metrics = v["metrics"].as_array().unwrap();
    let (_, table, _) = statbench(&["compare", "c", "e", "--wide"], &d);
    let sentence = table.lines().last().unwrap();
    let count = |kind: &[&str]| {
        metrics
            .iter()
            .filter(|m| kind.contains(&m["outcome"].as_str().unwrap()))
            .count()
    };
    let unchanged = count(&["no_change"]);
    let open = count(&["inconclusive"]);
    let changed = count(&["increase", "decrease", "regression", "improvement"]);
    assert!(
        sentence.contains(&format!("{changed} changed"))
            && sentence.contains(&format!("{unchanged} unchanged"))
            && sentence.contains(&format!("{open} inconclusive")),
        "{sentence}"
    );
    // "N quantities compared" is the headline plus those metrics.
    if let Some(n) = sentence.split(" quantities compared").next() {
        let n: usize = n.rsplit(' ').next().unwrap().parse().unwrap();
        assert_eq!(n, 1 + changed + unchanged + open, "{sentence}");
    }
}

#[test]
fn two_runs_into_one_folder_never_overwrite_each_other() {
    // Started together into one --out: one run wins, the other exits 2 without touching the
    // winner's files, and the folder holds one complete run.
    let d = scratch("same-out");
    for round in 0..3 {
        let out = format!("x{round}");
        let spawn = || {
            Statbench::new()
                .args(["run", "quick", "--quiet", "--out", &out])
                .cwd(&d)
                .command()
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        let mut codes = [a.status.code(), b.status.code()];
        codes.sort();
        assert_eq!(codes, [Some(0), Some(2)], "{a:?} {b:?}");
        let meta: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.join(&out).join("run.json")).unwrap())
                .unwrap();
        assert_eq!(meta["complete"], true, "{meta}");
    }
}
