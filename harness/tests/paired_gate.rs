//! The revision-paired gate (`gate --base REV` / `--base-binary`) and the in-process paired
//! layout comparison (`ab --layouts`), end to end on short runs.

mod common;

use common::{machine_alone, repo_root, scratch, Statbench};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs statbench in `cwd` with `env` set, with the machine to itself: the timed experiments of
/// this file measure speed on a small machine.
fn statbench_in(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    Statbench::new()
        .args(args)
        .cwd(cwd)
        .envs(env)
        .alone()
        .run()
        .into()
}

fn quick_scenario() -> String {
    repo_root()
        .join("scenarios/quick.toml")
        .display()
        .to_string()
}

/// A copy of this statbench standing in for a base revision's build.
fn base_copy(dir: &Path) -> PathBuf {
    let bin = dir.join("base-statbench");
    std::fs::copy(env!("CARGO_BIN_EXE_statbench"), &bin).unwrap();
    bin
}

fn runs_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn paired_gate_passes_the_same_code_and_fails_an_injected_slowdown() {
    let dir = scratch("paired-gate");
    let base = base_copy(&dir);
    let base = base.to_str().unwrap();
    let scenario = quick_scenario();
    // 16 pairs = 8 ABBA blocks: the fewest whose block sign-flip test can reach α = 0.01.
    let common = [
        "gate",
        scenario.as_str(),
        "--base-binary",
        base,
        "--pairs",
        "16",
        "--run-ms",
        "200",
        "--format",
        "json",
    ];
    let same = dir.join("same");
    let mut args = common.to_vec();
    args.extend(["--out", same.to_str().unwrap(), "--confirm-pairs", "0"]);
    let (code, stdout, stderr) = statbench_in(&dir, &args, &[]);
    // A live A/A: whether it passes is the machine's to say (at most α of the time it fails, more
    // on a loaded runner); the exit code follows the verdict, and the rule is tested on
    // synthetic pairs in statbench-stats.
    assert!(code == 0 || code == 1, "{stdout}\n{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let h = &json["headline"];
    assert_eq!(h["method"], "paired", "{h}");
    assert!(h["p_values"]["signed_rank"].is_number(), "{h}");
    assert!(h["p_values"]["sign_flip"].is_number(), "{h}");
    assert_eq!(code == 1, h["outcome"] == "regression", "{h}");
    let runs = runs_in(&same);
    assert_eq!(runs.len(), 32, "{runs:?}");
    assert!(runs.contains(&"a01".to_string()) && runs.contains(&"b16".to_string()));

    // A large injected slowdown of the candidate (extra cancelling update pairs, ≈ −40 %): the
    // gate pairs it and says which way it went. Whether 8 blocks suffice for a verdict at
    // α = 0.01 is the machine's to say (its exit code then follows the verdict, confirmed with
    // more pairs first); the rule itself is tested on synthetic pairs in statbench-stats.
    let slow = dir.join("slow");
    let mut args = common.to_vec();
    args.extend([
        "-v", // the confirmation step on stderr, also off a terminal
        "--out",
        slow.to_str().unwrap(),
        "--confirm-pairs",
        "4",
        "--candidate-extra-work",
        "1000",
    ]);
    let (code, stdout, stderr) = statbench_in(&dir, &args, &[]);
    assert!(code == 0 || code == 1, "{stdout}\n{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let h = &json["headline"];
    assert_eq!(h["method"], "paired", "{h}");
    assert!(h["ratio"].as_f64().unwrap() < 0.95, "{h}");
    assert_ne!(h["outcome"], "improvement", "{h}");
    assert_eq!(code == 1, json["gate"]["pass"] == false, "{stdout}");
    if h["outcome"] == "regression" {
        assert_eq!(code, 1, "{stdout}\n{stderr}");
        assert!(stderr.contains("confirming with 4 more pair"), "{stderr}");
        assert_eq!(runs_in(&slow).len(), 40);
    } else {
        assert_eq!(runs_in(&slow).len(), 32);
    }
}

#[test]
fn base_revision_errors_are_one_line_and_exit_2() {
    let dir = scratch("paired-bad-base");
    let scenario = quick_scenario();
    // Not a git checkout.
    let (code, _, stderr) = statbench_in(&dir, &["gate", &scenario, "--base", "HEAD"], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("not inside a git checkout"), "{stderr}");
    // A revision that does not exist, and an option smuggled in as one.
    for rev in ["no-such-branch-xyz", "--help"] {
        let arg = format!("--base={rev}");
        let (code, _, stderr) = statbench_in(&repo_root(), &["gate", &scenario, &arg], &[]);
        assert_eq!(code, 2, "{rev}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(rev), "{stderr}");
    }
    // A base binary that does not exist.
    let (code, _, stderr) = statbench_in(
        &dir,
        &["gate", &scenario, "--base-binary", "/no/such/statbench"],
        &[],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("/no/such/statbench"), "{stderr}");
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn a_base_built_before_is_taken_from_the_cache_by_commit() {
    let dir = scratch("paired-cache");
    let repo = dir.join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    std::fs::write(repo.join("README"), "base\n").unwrap();
    git(&repo, &["add", "README"]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    let commit = git(&repo, &["rev-parse", "HEAD"]);
    git(&repo, &["branch", "-q", "base-branch"]);
    // What an earlier gate left: the base's binary, keyed by its full commit id.
    let slot = repo.join("target/statbench-base").join(&commit);
    std::fs::create_dir_all(&slot).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_statbench"), slot.join("statbench")).unwrap();
    let out = dir.join("runs");
    let scenario = quick_scenario();
    let (code, stdout, stderr) = statbench_in(
        &repo,
        &[
            "gate",
            &scenario,
            "--base",
            "base-branch",
            "--pairs",
            "4",
            "--confirm-pairs",
            "0",
            "--run-ms",
            "200",
            "--alpha",
            "0.2",
            "--out",
            out.to_str().unwrap(),
        ],
        &[("CARGO_TARGET_DIR", "")],
    );
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stderr.contains(&format!("= {} (cached build)", &commit[..10])),
        "{stderr}"
    );
    assert!(
        stdout.contains(&format!("base {}", &commit[..10])),
        "{stdout}"
    );
    assert_eq!(runs_in(&out).len(), 8);
}

#[test]
fn layouts_are_compared_in_process_slice_by_slice() {
    let dir = scratch("paired-layouts");
    let scenario = quick_scenario();
    let (code, stdout, stderr) = statbench_in(
        &dir,
        &[
            "ab",
            "--layouts",
            "contiguous,noop",
            "--scenario",
            &scenario,
            "--slices",
            "40",
            "--slice-ms",
            "20",
            "--confirm-rounds",
            "0",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    // The sides differ on purpose (the layout), and the output says so.
    let diffs = json["settings_differences"].to_string();
    assert!(
        diffs.contains("contiguous") && diffs.contains("noop"),
        "{diffs}"
    );
    assert_eq!(json["runs"], serde_json::json!([40, 40]));
    // The no-op sink does no counter work at all: far faster in every pair. (Whether that is
    // an "improvement" or "too noisy" depends on how evenly a loaded machine runs the
    // generator-bound side; the paired interval must clear 1 either way.)
    let h = &json["headline"];
    assert_eq!(h["method"], "paired", "{h}");
    assert!(h["ci"][0].as_f64().unwrap() > 1.2, "{h}");
    assert_eq!(json["gate"]["pass"], true);
}

#[test]
fn ab_refuses_a_single_layout_and_a_command_with_layouts() {
    let dir = scratch("paired-layouts-bad");
    let (code, _, stderr) = statbench_in(&dir, &["ab", "--layouts", "sharded"], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("exactly two layouts"), "{stderr}");
    let (code, _, stderr) = statbench_in(
        &dir,
        &[
            "ab",
            "--layouts",
            "sharded,padded",
            "--a",
            "true",
            "--b",
            "true",
        ],
        &[],
    );
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn paired_calibration_reports_four_procedures_under_injected_drift() {
    let dir = scratch("paired-calibrate");
    let out = dir.join("cal");
    let scenario = quick_scenario();
    let (code, stdout, stderr) = statbench_in(
        &dir,
        &[
            "calibrate",
            &scenario,
            "--paired",
            "--rounds",
            "60",
            "--pairs",
            "20",
            "--confirm-pairs",
            "0",
            "--slice-ms",
            "20",
            "--comparisons",
            "10",
            "--json",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let r: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    // The rounds are kept, and re-analysed without recording: the same figures.
    let (code, again, stderr) = statbench_in(
        &dir,
        &[
            "calibrate",
            &scenario,
            "--paired",
            "--pairs",
            "20",
            "--confirm-pairs",
            "0",
            "--comparisons",
            "10",
            "--json",
            "--reuse",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    let again: serde_json::Value = serde_json::from_str(&again).unwrap();
    assert_eq!(again["measured_slowdowns"], r["measured_slowdowns"]);
    assert_eq!(again["paired"], r["paired"]);
    assert_eq!(again["one_process"], r["one_process"]);
    // A damaged rounds file is bad input naming the line.
    let file = out.join("rounds.csv");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("61,0,1.0,nan,1,1,1\n");
    std::fs::write(&file, text).unwrap();
    let (code, _, stderr) = statbench_in(
        &dir,
        &[
            "calibrate",
            &scenario,
            "--paired",
            "--json",
            "--reuse",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("rounds.csv: line 62"), "{stderr}");
    assert_eq!(r["rounds"], 60);
    let loaded = r["loaded_rounds"].as_u64().unwrap();
    assert!(loaded <= 60);
    // Each knob's slowdown is measured within rounds (its size is the machine's to say).
    let measured = r["measured_slowdowns"].as_array().unwrap();
    assert_eq!(measured.len(), 3, "{r}");
    assert!(
        measured.iter().all(|m| m[1].as_f64().unwrap().is_finite()),
        "{r}"
    );
    for procedure in ["paired", "one_process", "ab", "gate"] {
        let p = &r[procedure];
        assert_eq!(p["aa"]["comparisons"], 10, "{procedure}: {p}");
        assert_eq!(p["detect"].as_array().unwrap().len(), 3);
        assert_eq!(p["uniform"].as_array().unwrap().len(), 3);
        assert_eq!(p["uniform"][2]["comparisons"], 10, "{procedure}: {p}");
    }
}

/// This checkout's slice library, built in the profile of the tests' statbench binary, and the
/// folder it lands in.
fn slice_library() -> PathBuf {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_statbench"));
    let dir = bin.parent().unwrap().to_path_buf();
    let target = dir.parent().unwrap();
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(["build", "-q", "-p", "statbench-abi", "--manifest-path"])
        .arg(repo_root().join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target);
    if dir.file_name().unwrap() == "release" {
        cmd.arg("--release");
    }
    // A build takes both cores: not while another test of this file times its runs.
    let status = {
        let _machine = machine_alone();
        cmd.status().unwrap()
    };
    assert!(status.success(), "cargo build -p statbench-abi failed");
    let lib = dir.join(if cfg!(target_os = "macos") {
        "libstatbench_abi.dylib"
    } else {
        "libstatbench_abi.so"
    });
    assert!(lib.is_file(), "{}", lib.display());
    lib
}

#[test]
fn revisions_with_the_slice_library_are_paired_in_process() {
    let lib = slice_library();
    let dir = scratch("paired-slices");
    // A base revision's build as the gate caches it: the binary and its slice library.
    let base = dir.join("base");
    std::fs::create_dir_all(&base).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_statbench"), base.join("statbench")).unwrap();
    std::fs::copy(&lib, base.join(lib.file_name().unwrap())).unwrap();
    let base_bin = base.join("statbench");
    let scenario = quick_scenario();
    let gate = |extra: &[&str]| {
        let mut args = vec![
            "gate",
            scenario.as_str(),
            "--base-binary",
            base_bin.to_str().unwrap(),
            "--slices",
            "8",
            "--slice-ms",
            "20",
            "--placements",
            "4",
            "--first-look",
            "3",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        statbench_in(&dir, &args, &[])
    };
    let (code, stdout, stderr) = gate(&[]);
    assert!(code == 0 || code == 1, "{stdout}\n{stderr}");
    assert!(
        stderr.contains("placements (fresh processes, slice ABI v1)"),
        "{stderr}"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["headline"]["method"], "paired");
    // Each placement is its own process, the unit of the analysis: 3 or 4 of 8 pairs each.
    let placements = &json["placements"];
    let n = placements["placements"].as_u64().unwrap();
    assert!(n == 3 || n == 4, "{placements}");
    assert_eq!(
        placements["per_placement"].as_array().unwrap().len() as u64,
        n
    );
    assert_eq!(json["runs"], serde_json::json!([8 * n, 8 * n]));
    assert_eq!(placements["looks"], 2);
    assert!(placements["confidence"].as_f64().unwrap() > 0.99);
    // The exit code follows the verdict (the verdict itself is the statistics' tests' job).
    let regressed = json["headline"]["outcome"] == "regression";
    assert_eq!(code, i32::from(regressed), "{stdout}");
    // A large injected slowdown of this build's slices shows in the estimate (the plumbing,
    // with a wide margin: the knob's cost depends on the machine's state; −9.3% in a loaded run).
    let (code, stdout, stderr) = gate(&["--candidate-extra-work", "1000"]);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let ratio = json["headline"]["ratio"].as_f64().unwrap();
    assert!(ratio < 0.97, "{stdout}\n{stderr}");
    let regressed = json["headline"]["outcome"] == "regression";
    assert_eq!(code, i32::from(regressed), "{stdout}");
    // A first look after the last placement is refused in one line.
    let (code, _, stderr) = statbench_in(
        &dir,
        &[
            "gate",
            scenario.as_str(),
            "--base-binary",
            base_bin.to_str().unwrap(),
            "--placements",
            "4",
            "--first-look",
            "5",
        ],
        &[],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("--first-look 5 is more than --placements 4"),
        "{stderr}"
    );
    // --process-level forces whole runs even with the library there.
    let out = dir.join("runs");
    let (code, _, stderr) = gate(&[
        "--process-level",
        "--pairs",
        "4",
        "--run-ms",
        "200",
        "--alpha",
        "0.2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("process-level pairing"), "{stderr}");
    assert_eq!(runs_in(&out).len(), 8);
    // A library that is not a slice library is refused in one line.
    std::fs::write(base.join(lib.file_name().unwrap()), b"not a library").unwrap();
    let (code, _, stderr) = gate(&[]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stderr.lines().filter(|l| l.contains("error")).count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("cannot load"), "{stderr}");
}

#[test]
fn a_base_that_predates_the_slice_abi_is_paired_by_whole_runs_and_says_so() {
    let dir = scratch("paired-fallback");
    let base = base_copy(&dir); // no slice library beside it
    let out = dir.join("runs");
    let scenario = quick_scenario();
    let (code, stdout, stderr) = statbench_in(
        &dir,
        &[
            "gate",
            &scenario,
            "--base-binary",
            base.to_str().unwrap(),
            "--pairs",
            "4",
            "--run-ms",
            "200",
            "--confirm-pairs",
            "0",
            "--alpha",
            "0.2",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stderr.contains("predates the slice ABI"), "{stderr}");
    assert!(stderr.contains("process-level pairing"), "{stderr}");
    assert_eq!(runs_in(&out).len(), 8);
}

/// Copies the tracked files of this checkout into a fresh git repository (one commit).
fn repository_copy(dest: &Path) -> String {
    let files = git(&repo_root(), &["ls-files"]);
    for f in files.lines() {
        let from = repo_root().join(f);
        if !from.is_file() {
            continue;
        }
        let to = dest.join(f);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&from, &to).unwrap();
    }
    git(dest, &["init", "-q"]);
    git(dest, &["add", "-A"]);
    git(dest, &["commit", "-q", "-m", "copy"]);
    git(dest, &["rev-parse", "HEAD"])
}

/// The whole way of `gate --base REV`: a base revision in a temporary git repository is checked
/// out, built (release, sharing this checkout's target folder) and cached with its slice
/// library; the gate then pairs it with this build in-process; a second gate takes the cached
/// build. Ignored by default: it builds statbench in release mode (a minute with a warm target
/// folder, many on a cold one); run it with `cargo test -p statbench --test paired_gate --
/// --ignored`.
#[test]
#[ignore]
fn a_base_revision_is_built_from_git_cached_and_paired_through_the_slice_abi() {
    let lib = slice_library();
    let dir = scratch("paired-build");
    let repo = dir.join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let commit = repository_copy(&repo);
    // The candidate: this build and its slice library, side by side (as in target/release).
    let cand = dir.join("candidate");
    std::fs::create_dir_all(&cand).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_statbench"), cand.join("statbench")).unwrap();
    std::fs::copy(&lib, cand.join(lib.file_name().unwrap())).unwrap();
    let target = repo_root().join("target");
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or(target);
    let run = |label: &str| {
        let out = Command::new(cand.join("statbench"))
            .args([
                "gate",
                "default",
                "--base",
                "HEAD",
                "--slices",
                "8",
                "--slice-ms",
                "20",
                "--placements",
                "3",
                "--first-look",
                "3",
            ])
            .current_dir(&repo)
            .env("CARGO_TARGET_DIR", &target)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(out.status.code(), Some(0), "{label}: {stdout}\n{stderr}");
        stderr
    };
    let first = run("first");
    assert!(first.contains("built now"), "{first}");
    let slot = target.join("statbench-base").join(&commit);
    assert!(slot.join("statbench").is_file());
    assert!(slot.join(lib.file_name().unwrap()).is_file());
    assert!(first.contains("slice ABI v1"), "{first}");
    let second = run("second");
    assert!(second.contains("(cached build)"), "{second}");
    // No worktree is left registered in the repository.
    assert_eq!(git(&repo, &["worktree", "list"]).lines().count(), 1);
}
