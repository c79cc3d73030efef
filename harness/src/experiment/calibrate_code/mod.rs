//! `statbench calibrate --real-code N`: the revision-paired gate (`gate --base`) judged on real
//! code changes that change nothing: N commits of code-neutral, refactoring-like edits
//! ([`edits`]: padding, reordering, renaming) of the counter array and the workload's hot path,
//! each gated against the checkout's HEAD. Every failing gate is a false alarm; unlike
//! `calibrate --paired` (slowdowns injected inside one library) it sees what a real change
//! does to the code's layout.
//!
//! The work happens in a temporary clone under the target folder (`git clone --shared`,
//! removed at the end): the user's repository, its refs and its working tree are untouched.
//! Both sides build into a target folder of their own, `target/statbench-calibrate/target`
//! (kept, so a second calibration rebuilds only what changed): building a variant into the
//! checkout's own target folder would leave cargo believing the checkout's crates fresh with
//! the variant's code in them.

pub mod edits;
pub mod summary;

use crate::error::{Error, Result};
use crate::experiment::revision;
use crate::slice::abi::LIBRARY_FILE;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;
use summary::{summarise, CodeSummary, GateRow, CSV_HEADER};

/// Baseline name the gates are given so that they judge speed alone: the variants behave
/// identically by construction, and a stored baseline would refuse this binary as stale.
const NO_BASELINE: &str = "statbench-calibrate-real-code-speed-only";

/// What to run.
#[derive(Debug, Clone)]
pub struct CodePlan {
    /// Code-neutral variants, one gate each.
    pub variants: usize,
    /// Extra gates of the first variant against the base (0, or at least 2).
    pub repeat_gates: usize,
    /// Seed of the edits.
    pub seed: u64,
    /// Folder for gates.csv, summary.json, the variants' diffs and each gate's JSON and stderr.
    pub out: PathBuf,
    /// Scenario the gates measure.
    pub scenario: String,
    /// Extra arguments for every gate (e.g. `--slices 100`).
    pub gate_args: Vec<String>,
}

/// The whole calibration's result, as summary.json holds it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CodeCalibration {
    /// The base commit (HEAD of the checkout).
    pub base: String,
    /// Seed of the edits.
    pub seed: u64,
    /// Seconds the base's slice library took to build in the calibration's target folder.
    pub base_build_s: f64,
    /// The gates' command line, with `<commit>` for the base.
    pub gate_command: String,
    /// Every gate, in order.
    pub rows: Vec<GateRow>,
    /// Each variant's edits, one line each.
    pub edits: Vec<Vec<String>>,
    /// The sums.
    pub summary: CodeSummary,
}

/// The repository root around the current folder, refused unless it is a statbench checkout.
pub fn checkout_root() -> Result<PathBuf> {
    let cwd = std::env::current_dir().map_err(|e| Error::io(Path::new("."), e))?;
    let root = git_out(&cwd, &["rev-parse", "--show-toplevel"]).ok_or_else(|| {
        Error::input(format!(
            "calibrate --real-code: {} is not inside a git checkout (or git is not installed); run it in statbench's repository",
            cwd.display()
        ))
    })?;
    let root = PathBuf::from(root);
    if !root.join("harness/abi/Cargo.toml").is_file() {
        return Err(Error::input(format!(
            "calibrate --real-code: {} is not a statbench checkout (no harness/abi/Cargo.toml)",
            root.display()
        )));
    }
    Ok(root)
}

/// git's trimmed stdout in `dir`, `None` when it fails.
fn git_out(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// git in `dir`, an error naming the command when it fails.
fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=statbench calibrate",
            "-c",
            "user.email=calibrate@statbench.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .map_err(|e| Error::input(format!("calibrate --real-code: cannot run git: {e}")))?;
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr);
        return Err(Error::input(format!(
            "calibrate --real-code: git {} in {} failed: {}",
            args.join(" "),
            dir.display(),
            why.lines().next().unwrap_or("").trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Removes the temporary clone however the calibration ends.
struct Clone(PathBuf);

impl Drop for Clone {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Checks a bad plan before any work: one line, exit 2.
pub fn check_plan(plan: &CodePlan) -> Result<()> {
    if plan.variants == 0 {
        return Err(Error::input("--real-code: give at least 1 variant"));
    }
    if plan.repeat_gates == 1 {
        return Err(Error::input(
            "--repeat-gates: give 0 or at least 2 (coverage compares gates with each other)",
        ));
    }
    Ok(())
}

/// Runs the calibration: streams gates.csv, writes summary.json, returns the result.
pub fn calibrate_code(plan: &CodePlan) -> Result<CodeCalibration> {
    check_plan(plan)?;
    let root = checkout_root()?;
    let base = git(&root, &["rev-parse", "--verify", "HEAD^{commit}"])?;
    if revision::code_dirty(&root) {
        crate::progress::say_always(
            "calibrate: the checkout has uncommitted code changes; the base is HEAD's committed code",
        );
    }
    let target = absolute(&revision::target_dir(&root), &root);
    let work = target.join("statbench-calibrate");
    let own_target = work.join("target");
    std::fs::create_dir_all(&own_target).map_err(|e| Error::io(&own_target, e))?;
    remove_leftovers(&work);
    let clone = Clone(work.join(format!(
        "clone-{}-{}",
        std::process::id(),
        crate::files::unique_suffix()
    )));
    let dir = clone.0.clone();
    let dir_s = dir.to_string_lossy().to_string();
    let root_s = root.to_string_lossy().to_string();
    git(
        &work,
        &[
            "clone",
            "--shared",
            "--quiet",
            "--no-checkout",
            &root_s,
            &dir_s,
        ],
    )?;
    git(&dir, &["checkout", "--quiet", "--detach", &base])?;
    let exe = pinned_exe(&work)?;

    // The base's slice library, built in the calibration's target folder and put where the
    // gate looks for a cached base.
    crate::progress::say(&format!(
        "calibrate: building base {} in {}",
        &base[..10],
        own_target.display()
    ));
    let base_build_s = build_library(&dir, &own_target)?;
    let slot = revision::cached_binary(&own_target, &base).with_file_name(LIBRARY_FILE);
    if !slot.is_file() {
        let parent = slot.parent().expect("cache slot has a parent");
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let tmp = slot.with_file_name(format!(".calibrate-{}.tmp", std::process::id()));
        std::fs::copy(own_target.join("release").join(LIBRARY_FILE), &tmp)
            .and_then(|_| std::fs::rename(&tmp, &slot))
            .map_err(|e| Error::io(&slot, e))?;
    }

    let csv_path = plan.out.join("gates.csv");
    let mut csv = std::fs::File::create(&csv_path).map_err(|e| Error::io(&csv_path, e))?;
    writeln!(csv, "{CSV_HEADER}").map_err(|e| Error::io(&csv_path, e))?;
    let mut result = CodeCalibration {
        base: base.clone(),
        seed: plan.seed,
        base_build_s,
        gate_command: format!("statbench {}", gate_args(plan, "<commit>").join(" ")),
        rows: Vec::new(),
        edits: Vec::new(),
        summary: summarise(&[]),
    };
    let mut first_variant: Option<(String, String, f64)> = None;
    for v in 0..plan.variants {
        git(&dir, &["checkout", "--quiet", "--force", "--detach", &base])?;
        let read = |p: &str| std::fs::read_to_string(dir.join(p)).ok();
        let variant = edits::make_variant(&read, v, plan.seed).ok_or_else(|| {
            Error::input(format!(
                "calibrate --real-code: variant {} ({}) found no place for its edits",
                v + 1,
                edits::label(edits::kinds_of(v))
            ))
        })?;
        for (path, text) in &variant.files {
            let file = dir.join(path);
            std::fs::write(&file, text).map_err(|e| Error::io(&file, e))?;
        }
        let kind = edits::label(edits::kinds_of(v));
        let message = format!(
            "calibrate --real-code variant {} ({kind}, seed {})\n\n{}",
            v + 1,
            plan.seed,
            variant.edits.join("\n")
        );
        git(
            &dir,
            &["commit", "--quiet", "--no-verify", "-a", "-m", &message],
        )?;
        let commit = git(&dir, &["rev-parse", "HEAD"])?;
        let diff = git(&dir, &["show", "--stat", "--patch", "HEAD"])?;
        let diff_path = plan.out.join(format!("variant-{}.diff", v + 1));
        crate::files::atomic_write(&diff_path, format!("{diff}\n").as_bytes())?;
        crate::progress::say(&format!(
            "calibrate: variant {}/{} ({kind}): {}",
            v + 1,
            plan.variants,
            variant.edits.join("; ")
        ));
        let build_s = build_library(&dir, &own_target).map_err(|e| {
            Error::input(format!(
                "calibrate --real-code: variant {} does not build ({e}); its edits: {}",
                v + 1,
                diff_path.display()
            ))
        })?;
        let mut row = run_gate(plan, &exe, &dir, &own_target, &base, v + 1, 0)?;
        row.kind = kind.clone();
        row.commit = commit.clone();
        row.build_s = build_s;
        emit(&mut csv, &csv_path, &row)?;
        if first_variant.is_none() {
            first_variant = Some((commit, kind, build_s));
        }
        result.rows.push(row);
        result.edits.push(variant.edits);
    }
    if plan.repeat_gates >= 2 {
        let (commit, kind, _) = first_variant.expect("at least one variant");
        git(
            &dir,
            &["checkout", "--quiet", "--force", "--detach", &commit],
        )?;
        build_library(&dir, &own_target)?; // a no-op unless another variant was built last
        for run in 1..=plan.repeat_gates {
            let mut row = run_gate(plan, &exe, &dir, &own_target, &base, 1, run)?;
            row.phase = "repeat";
            row.kind = kind.clone();
            row.commit = commit.clone();
            emit(&mut csv, &csv_path, &row)?;
            result.rows.push(row);
        }
    }
    result.summary = summarise(&result.rows);
    let json = serde_json::to_string_pretty(&result).expect("calibration serialises");
    crate::files::atomic_write(&plan.out.join("summary.json"), json.as_bytes())?;
    drop(clone);
    Ok(result)
}

/// Removes the clones and pinned binaries of calibrations that were killed (their process is
/// gone), so an interrupted calibration leaves nothing behind for long.
fn remove_leftovers(work: &Path) {
    let Ok(entries) = std::fs::read_dir(work) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let pid = name
            .strip_prefix("clone-")
            .or_else(|| name.strip_prefix("statbench-"))
            .and_then(|rest| rest.split('-').next())
            .and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|p| !process_alive(p)) {
            let path = entry.path();
            let _ = std::fs::remove_dir_all(&path).or_else(|_| std::fs::remove_file(&path));
        }
    }
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    // Signal 0 checks existence; EPERM means it exists under another user.
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // SAFETY: kill with signal 0 sends nothing; it only reports whether the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    true // never remove what may be in use
}

/// This statbench, linked (or copied) into the work folder for the calibration's length: every
/// gate runs the same binary, even if a build in a shared target folder replaces this one.
fn pinned_exe(work: &Path) -> Result<Pinned> {
    let exe = std::env::current_exe().map_err(|e| Error::io(Path::new("statbench"), e))?;
    let pinned = work.join(format!(
        "statbench-{}-{}",
        std::process::id(),
        crate::files::unique_suffix()
    ));
    std::fs::hard_link(&exe, &pinned)
        .or_else(|_| std::fs::copy(&exe, &pinned).map(|_| ()))
        .map_err(|e| Error::io(&pinned, e))?;
    Ok(Pinned(pinned))
}

/// The pinned binary, removed when the calibration ends.
struct Pinned(PathBuf);

impl std::ops::Deref for Pinned {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Pinned {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn absolute(path: &Path, root: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    }
}

fn emit(csv: &mut std::fs::File, path: &Path, row: &GateRow) -> Result<()> {
    writeln!(csv, "{}", row.csv())
        .and_then(|_| csv.flush())
        .map_err(|e| Error::io(path, e))
}

/// `cargo build --release -p statbench-abi` of the clone into `target`; its seconds.
fn build_library(dir: &Path, target: &Path) -> Result<f64> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let start = Instant::now();
    let out = Command::new(cargo)
        .args([
            "build",
            "--release",
            "-q",
            "-p",
            "statbench-abi",
            "--manifest-path",
        ])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| Error::input(format!("calibrate --real-code: cannot run cargo: {e}")))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err
            .lines()
            .find(|l| l.starts_with("error"))
            .unwrap_or("cargo build failed");
        return Err(Error::input(format!(
            "cargo build --release -p statbench-abi in {}: {first}",
            dir.display()
        )));
    }
    Ok(start.elapsed().as_secs_f64())
}

/// The gate's arguments (after the binary) against `base`.
fn gate_args(plan: &CodePlan, base: &str) -> Vec<String> {
    let mut args: Vec<String> = [
        "-q",
        "gate",
        &plan.scenario,
        "--base",
        base,
        "--baseline",
        NO_BASELINE,
        "--format",
        "json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(plan.gate_args.iter().cloned());
    args
}

/// Runs one gate from the clone (its stderr kept in the out folder) and reads its JSON.
fn run_gate(
    plan: &CodePlan,
    exe: &Path,
    dir: &Path,
    target: &Path,
    base: &str,
    variant: usize,
    run: usize,
) -> Result<GateRow> {
    let name = if run == 0 {
        format!("gate-variant-{variant}.stderr")
    } else {
        format!("gate-repeat-{run}.stderr")
    };
    let err_path = plan.out.join(&name);
    let err_file = std::fs::File::create(&err_path).map_err(|e| Error::io(&err_path, e))?;
    let start = Instant::now();
    let out = Command::new(exe)
        .args(gate_args(plan, base))
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stderr(err_file)
        .output()
        .map_err(|e| Error::input(format!("cannot run {}: {e}", exe.display())))?;
    let seconds = start.elapsed().as_secs_f64();
    let exit = out.status.code().unwrap_or(-1);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json_path = err_path.with_extension("json");
    crate::files::atomic_write(&json_path, stdout.as_bytes())?;
    let parsed = parse_gate_json(&stdout);
    let Some(mut row) = parsed.filter(|_| exit == 0 || exit == 1) else {
        let err = std::fs::read_to_string(&err_path).unwrap_or_default();
        let last = err
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        return Err(Error::input(format!(
            "calibrate --real-code: the gate of {} exited {exit} without a verdict: {}",
            if run == 0 {
                format!("variant {variant}")
            } else {
                format!("repeat {run}")
            },
            last.trim()
        )));
    };
    row.variant = variant;
    row.run = run;
    row.exit = exit;
    row.seconds = seconds;
    Ok(row)
}

/// The row's figures from the gate's `--format json` output (kind, commit and build left
/// empty); `None` when it is not a gate's JSON.
pub fn parse_gate_json(text: &str) -> Option<GateRow> {
    let doc: serde_json::Value = serde_json::from_str(text).ok()?;
    let headline = doc.get("headline")?;
    let num = |v: Option<&serde_json::Value>| v.and_then(serde_json::Value::as_f64);
    let ci = headline.get("ci").and_then(|c| c.as_array());
    Some(GateRow {
        phase: "variant",
        variant: 0,
        run: 0,
        kind: String::new(),
        commit: String::new(),
        build_s: 0.0,
        ratio: num(headline.get("ratio")),
        lo: num(ci.and_then(|c| c.first())),
        hi: num(ci.and_then(|c| c.get(1))),
        verdict: headline
            .get("outcome")
            .and_then(|o| o.as_str())
            .unwrap_or("unknown")
            .to_string(),
        exit: num(doc.get("gate").and_then(|g| g.get("exit_code"))).map_or(-1, |x| x as i32),
        seconds: 0.0,
        measuring_s: find_number(&doc, "measuring_s"),
        placements: find_number(&doc, "placements"),
    })
}

/// The first number under key `key` anywhere in `v` (depth first): the paired measurement's
/// figures, wherever the gate's JSON puts them.
fn find_number(v: &serde_json::Value, key: &str) -> Option<f64> {
    match v {
        serde_json::Value::Object(map) => map
            .get(key)
            .and_then(serde_json::Value::as_f64)
            .or_else(|| map.values().find_map(|x| find_number(x, key))),
        serde_json::Value::Array(xs) => xs.iter().find_map(|x| find_number(x, key)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gates_json_gives_its_figures() {
        let json = r#"{"schema_version": 3, "headline": {"ratio": 0.998, "ci": [0.991, 1.004],
            "outcome": "no_change"}, "gate": {"pass": true, "exit_code": 0},
            "paired": {"measuring_s": 31.5, "placements": 4}}"#;
        let r = parse_gate_json(json).unwrap();
        assert_eq!(r.ratio, Some(0.998));
        assert_eq!((r.lo, r.hi), (Some(0.991), Some(1.004)));
        assert_eq!(r.verdict, "no_change");
        assert_eq!(r.exit, 0);
        assert_eq!((r.measuring_s, r.placements), (Some(31.5), Some(4.0)));
        assert!(parse_gate_json("not json").is_none());
        assert!(parse_gate_json("{\"gate\": {}}").is_none());
    }

    #[cfg(unix)]
    #[test]
    fn only_the_leftovers_of_dead_calibrations_are_removed() {
        let work = std::env::temp_dir().join(format!(
            "statbench-leftovers-{}-{}",
            std::process::id(),
            crate::files::unique_suffix()
        ));
        let live = format!("clone-{}-a", std::process::id());
        for dir in ["clone-99999999-a", live.as_str(), "target"] {
            std::fs::create_dir_all(work.join(dir)).unwrap();
        }
        std::fs::write(work.join("statbench-99999999-b"), "x").unwrap();
        remove_leftovers(&work);
        let mut left: Vec<String> = std::fs::read_dir(&work)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        left.sort();
        std::fs::remove_dir_all(&work).unwrap();
        assert_eq!(left, [live, "target".to_string()]);
    }

    #[test]
    fn bad_plans_are_refused_before_any_work() {
        let plan = CodePlan {
            variants: 0,
            repeat_gates: 0,
            seed: 1,
            out: PathBuf::from("unused"),
            scenario: "default".into(),
            gate_args: vec![],
        };
        assert!(check_plan(&plan).is_err());
        let plan = CodePlan {
            variants: 2,
            repeat_gates: 1,
            ..plan
        };
        assert!(check_plan(&plan).is_err());
    }
}
