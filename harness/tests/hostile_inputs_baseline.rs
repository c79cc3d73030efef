//! Hostile inputs and faults around baselines: refused saves, damaged baseline folders, closed
//! stdout, a save replacing a baseline while others read it, and what killed saves leave behind.
//! Each refusal exits 2 with one stderr line naming the file, run or baseline, never panics, and
//! leaves every stored baseline byte for byte as it was.

mod common;

use common::{copy_dir, scratch, snapshot, statbench, with_closed_stdout, write_run, RunSpec};
use session_stats::recorder::RunInfo;
use statbench::recorder::RunMeta;
use statbench::store::{Baseline, RunSet};
use std::path::Path;
use std::process::Command;

/// A statbench run of 6 snapshot rows (8 metrics, counters growing by `rate` per 100 ms) with
/// the fixture's run.json at `rate` × 10 updates/s.
fn run_spec(rate: i64) -> RunSpec {
    RunSpec::default()
        .indices(0..8)
        .intervals(5)
        .rate(rate as f64)
        .throughput(Some(rate as f64 * 10.0))
}

/// Writes an engine's own recording (`session_stats::recorder` run.json) on CPU `cpu`: `rows`
/// rows of 8 metrics, row `k` taken at `elapsed(k)` ns.
fn write_engine_run(dir: &Path, cpu: &str, rows: i64, elapsed: fn(i64) -> i64) {
    std::fs::create_dir_all(dir).unwrap();
    let mut text = String::from("sample,elapsed_ns,0,1,2,3,4,5,6,7\n");
    for k in 0..rows {
        text += &format!("{k},{}", elapsed(k));
        for i in 0..8 {
            text += &format!(",{}", 1000 * k + i);
        }
        text.push('\n');
    }
    std::fs::write(dir.join("snapshots.csv"), text).unwrap();
    let info: RunInfo = serde_json::from_value(serde_json::json!({
        "format": session_stats::recorder::RUN_INFO_FORMAT,
        "recorder": "session-stats 0.1.0", "label": "engine", "layout": "sharded",
        "start_time": "2026-01-01T00:00:00.000Z",
        "host": {"cpu_model": cpu, "logical_cores": 8, "os": "linux-x86_64"},
        "sample_interval_ms": 100, "width": 8, "diagnostics": false,
        "complete": true, "samples": rows, "elapsed_ns": elapsed(rows - 1)
    }))
    .unwrap();
    std::fs::write(dir.join("run.json"), info.to_json()).unwrap();
}

/// A statbench run with run.json, unchanged from the fixture.
fn good_run(dir: &Path, rate: i64) {
    write_run(dir, &run_spec(rate));
}

/// A scratch project with `baselines/keep` saved from one good run, and that run in `good/`.
fn project(name: &str) -> common::Scratch {
    let d = scratch(name);
    good_run(&d.join("good"), 1000);
    std::fs::create_dir_all(d.join("baselines")).unwrap();
    let (code, _, err) = statbench(&["baseline", "save", "keep", "good"], &d);
    assert_eq!(code, 0, "{err}");
    d
}

/// Runs statbench expecting bad input: exit 2, one stderr line holding every needle, no panic.
fn refused(args: &[&str], cwd: &Path, needles: &[&str]) -> String {
    common::refused(cwd, args, &[], 2, needles)
}

/// `refused`, plus: the baselines folder is byte for byte what it was (no partial baseline,
/// no leftover temp folder, the existing one untouched).
fn refused_untouched(args: &[&str], d: &Path, needles: &[&str]) -> String {
    common::refused(d, args, &[&d.join("baselines")], 2, needles)
}

#[test]
fn a_save_never_replaces_an_existing_baseline_without_force() {
    let d = project("noforce");
    good_run(&d.join("other"), 5000);
    refused_untouched(
        &["baseline", "save", "keep", "other"],
        &d,
        &["baseline `keep` already exists", "--force"],
    );
    // With --force it is replaced, whole.
    let (code, _, err) = statbench(&["baseline", "save", "keep", "other", "--force"], &d);
    assert_eq!(code, 0, "{err}");
    let set = Baseline::at(d.join("baselines")).load("keep").unwrap();
    assert_eq!(set.runs[0].meta.as_ref().unwrap().ops_per_sec, 50_000.0);
}

#[test]
fn invalid_baseline_names_are_refused_and_create_nothing() {
    let d = project("names");
    let long = "n".repeat(300);
    for name in ["../x", ".hidden", "", "a/b", "x y", "/abs", "..", &long] {
        // Nothing created or changed anywhere in the project.
        common::refused(
            &d,
            &["baseline", "save", name, "good"],
            &[&d],
            2,
            &["baseline name"],
        );
        refused(&["baseline", "show", name], &d, &[]);
        refused(&["compare", "--baseline", name, "good"], &d, &[]);
    }
}

#[test]
fn csv_only_runs_need_a_flag_and_never_mix_with_statbench_runs() {
    let d = project("bare");
    write_run(&d.join("engine/r1"), &run_spec(1000).throughput(None));
    write_run(&d.join("engine/r2"), &run_spec(1000).throughput(None));
    refused_untouched(
        &["baseline", "save", "eng", "engine"],
        &d,
        &["engine/r1", "no run.json", "--allow-bare-csv"],
    );
    // Mixed: one of three runs lacks run.json — refused even with the flag.
    good_run(&d.join("mixed/r1"), 1000);
    good_run(&d.join("mixed/r2"), 1000);
    write_run(&d.join("mixed/r3"), &run_spec(1000).throughput(None));
    for extra in [None, Some("--allow-bare-csv")] {
        let mut args = vec!["baseline", "save", "mix", "mixed"];
        args.extend(extra);
        refused_untouched(&args, &d, &["1 of 3 runs", "mixed/r3"]);
    }
    // Asked for: saved, and marked as having no settings.
    let (code, _, err) = statbench(
        &["baseline", "save", "eng", "engine", "--allow-bare-csv"],
        &d,
    );
    assert_eq!(code, 0, "{err}");
    let info = Baseline::at(d.join("baselines")).info("eng").unwrap();
    assert_eq!((info.runs, info.settings_hash, info.host), (2, None, None));
}

#[test]
fn runs_from_several_hosts_are_refused_naming_the_odd_ones() {
    let d = project("hosts");
    for k in 1..=4 {
        good_run(&d.join(format!("set/r{k}")), 1000);
    }
    write_run(
        &d.join("set/r3"),
        &run_spec(1000).edit("/host/cpu_model", "Other CPU"),
    );
    let err = refused_untouched(
        &["baseline", "save", "h", "set"],
        &d,
        &[
            "1 of 4 runs ran on another host",
            "set/r3",
            "Other CPU",
            "3 run(s) on `Synthetic CPU",
        ],
    );
    assert!(!err.contains("set/r1"), "only the odd run is named: {err}");
    // The core count is part of the machine too.
    write_run(
        &d.join("set/r3"),
        &run_spec(1000).edit("/host/logical_cores", 64),
    );
    refused_untouched(&["baseline", "save", "h", "set"], &d, &["set/r3", "× 64"]);
}

#[test]
fn runs_of_different_settings_are_refused_naming_runs_and_keys() {
    let d = project("settings");
    for k in 1..=3 {
        good_run(&d.join(format!("set/r{k}")), 1000);
    }
    write_run(
        &d.join("set/r2"),
        &run_spec(1000)
            .edit("/scenario_settings/budget/duration_ms", 300)
            .edit("/scenario_settings/layout", "sharded"),
    );
    refused_untouched(
        &["baseline", "save", "s", "set"],
        &d,
        &[
            "different settings",
            "set/r2",
            "budget.duration_ms 5000→300",
            "layout contiguous→sharded",
        ],
    );
    // What only says where the scenario came from is not a setting: saved.
    write_run(
        &d.join("set/r2"),
        &run_spec(1000).edit("/scenario_settings/description", "edited comment"),
    );
    let (code, _, err) = statbench(&["baseline", "save", "s", "set"], &d);
    assert_eq!(code, 0, "{err}");
    let info = Baseline::at(d.join("baselines")).info("s").unwrap();
    let meta = RunMeta::read(&d.join("set/r1/run.json")).unwrap();
    assert_eq!(info.settings_hash, Some(meta.settings_key()));
}

#[test]
fn runs_that_cannot_carry_a_verdict_are_refused() {
    let d = project("unfit");
    write_run(&d.join("onerow"), &run_spec(1000).intervals(0));
    refused_untouched(
        &["baseline", "save", "x", "onerow"],
        &d,
        &["onerow/snapshots.csv", "1 snapshot row"],
    );
    write_run(
        &d.join("incomplete"),
        &run_spec(1000).edit("/complete", false),
    );
    refused_untouched(
        &["baseline", "save", "x", "incomplete"],
        &d,
        &["incomplete/snapshots.csv", "incomplete"],
    );
    write_run(
        &d.join("lost"),
        &run_spec(1000).edit("/totals_verified", false),
    );
    refused_untouched(
        &["baseline", "save", "x", "lost"],
        &d,
        &["lost/snapshots.csv", "lost updates"],
    );
    // Nor over an existing baseline with --force: the refusal comes first.
    refused_untouched(
        &["baseline", "save", "keep", "lost", "--force"],
        &d,
        &["lost/snapshots.csv"],
    );
    refused_untouched(
        &["baseline", "save", "x", "nowhere"],
        &d,
        &["nowhere: no such run"],
    );
}

#[test]
fn damaged_baseline_json_is_named_by_every_reader() {
    let d = project("badjson");
    let text = std::fs::read_to_string(d.join("baselines/keep/baseline.json")).unwrap();
    let runs_field = format!("\"runs\": {}", 1);
    assert!(text.contains(&runs_field));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated", text.as_bytes()[..text.len() / 2].to_vec(), ":"),
        ("nul", vec![0u8; 4096], "invalid baseline.json"),
        ("empty", Vec::new(), "invalid baseline.json"),
        ("array", b"[1, 2, 3]\n".to_vec(), "invalid baseline.json"),
        (
            "types",
            text.replace(&runs_field, "\"runs\": \"many\"").into_bytes(),
            "invalid type",
        ),
        (
            "negative",
            text.replace(&runs_field, "\"runs\": -1").into_bytes(),
            "invalid baseline.json",
        ),
        (
            "zero",
            text.replace(&runs_field, "\"runs\": 0").into_bytes(),
            "key `runs`",
        ),
        (
            "format",
            text.replace("\"format\": 1", "\"format\": 2").into_bytes(),
            "key `format`",
        ),
        (
            "binary",
            vec![0xff, 0xfe, 0x00, 0x7b],
            "invalid baseline.json",
        ),
    ];
    for (name, bytes, needle) in cases {
        let dir = d.join("baselines").join(name);
        std::fs::create_dir_all(&dir).unwrap();
        copy_dir(&d.join("baselines/keep/r1"), &dir.join("r1"));
        std::fs::write(dir.join("baseline.json"), bytes).unwrap();
        let file = format!("baselines/{name}/baseline.json");
        refused_untouched(
            &["compare", "--baseline", name, "good"],
            &d,
            &[&file, needle],
        );
        refused_untouched(&["baseline", "show", name], &d, &[&file, needle]);
        refused_untouched(&["baseline", "list"], &d, &["baseline.json"]);
        refused_untouched(
            &["baseline", "save", name, "good"],
            &d,
            &[&format!("baseline `{name}` already exists")],
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn a_baseline_missing_runs_or_holding_extra_ones_is_named() {
    let d = project("runs");
    for k in 1..=3 {
        good_run(&d.join(format!("three/r{k}")), 1000 + k);
    }
    let (code, _, err) = statbench(&["baseline", "save", "three", "three"], &d);
    assert_eq!(code, 0, "{err}");
    let dir = d.join("baselines/three");
    let json = dir.join("baseline.json");
    let text = std::fs::read_to_string(&json).unwrap();
    // Lists more runs than exist.
    std::fs::write(&json, text.replace("\"runs\": 3", "\"runs\": 5")).unwrap();
    refused_untouched(
        &["compare", "--baseline", "three", "good"],
        &d,
        &[
            "baselines/three/r4/snapshots.csv: missing",
            "lists 5 run(s)",
        ],
    );
    // Lists fewer.
    std::fs::write(&json, text.replace("\"runs\": 3", "\"runs\": 2")).unwrap();
    refused_untouched(
        &["compare", "--baseline", "three", "good"],
        &d,
        &["lists 2 run(s) but 3 were found", "baselines/three"],
    );
    // A run folder gone from the middle.
    std::fs::write(&json, &text).unwrap();
    std::fs::remove_dir_all(dir.join("r2")).unwrap();
    refused_untouched(
        &["compare", "--baseline", "three", "good"],
        &d,
        &["baselines/three/r2/snapshots.csv: missing"],
    );
    // A run's run.json damaged.
    copy_dir(&dir.join("r1"), &dir.join("r2"));
    std::fs::write(dir.join("r2/run.json"), "{\"format\": 1,").unwrap();
    refused_untouched(
        &["compare", "--baseline", "three", "good"],
        &d,
        &["baselines/three/r2/run.json"],
    );
    // An unknown name lists the known ones.
    refused_untouched(
        &["compare", "--baseline", "nope", "good"],
        &d,
        &["baseline `nope` not found", "keep, three"],
    );
}

#[test]
fn list_and_show_survive_a_closed_stdout() {
    let d = project("pipe");
    for args in [&["baseline", "list"][..], &["baseline", "show", "keep"]] {
        let (code, err) = with_closed_stdout(args, &d);
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{err}"
        );
    }
    // And through a shell, as a user would: `statbench baseline list | head -c1`, with many
    // baselines so that the list outlives its reader.
    for k in 0..40 {
        copy_dir(
            &d.join("baselines/keep/r1"),
            &d.join(format!("baselines/b{k}/r1")),
        );
        std::fs::copy(
            d.join("baselines/keep/baseline.json"),
            d.join(format!("baselines/b{k}/baseline.json")),
        )
        .unwrap();
    }
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; '{}' baseline list | head -c1",
            env!("CARGO_BIN_EXE_statbench")
        ))
        .current_dir(&d)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(out.stdout.len(), 1);
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn baseline_json_stores_no_absolute_paths() {
    let d = project("paths");
    for k in 1..=2 {
        good_run(&d.join(format!("newbase/r{k}")), 1000);
    }
    let (code, _, err) = statbench(&["baseline", "save", "rel", "newbase"], &d);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = statbench(&["baseline", "show", "rel"], &d);
    assert_eq!(code, 0);
    let root = d.display().to_string();
    assert!(!out.contains(&root), "{out}");
    let info = Baseline::at(d.join("baselines")).info("rel").unwrap();
    assert_eq!(info.sources, ["r1/snapshots.csv", "r2/snapshots.csv"]);
    assert_eq!(info.origins, ["newbase/r1", "newbase/r2"]);
    assert!(info.save_id.is_some());
    // The committed baseline too.
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let info = Baseline::at(repo.join("baselines"))
        .info("default")
        .unwrap();
    for s in info.sources.iter().chain(&info.origins) {
        assert!(!Path::new(s).is_absolute() && !s.contains("/tmp"), "{s}");
    }
    assert_eq!(
        Baseline::at(repo.join("baselines"))
            .load("default")
            .unwrap()
            .runs
            .len(),
        info.runs
    );
}

/// Readers loading a baseline while a writer keeps replacing it with --force, alternating a set
/// of 3 runs and a set of 5 runs of other values: every load is one whole save, none fails.
#[test]
fn readers_never_see_a_half_replaced_baseline() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let d = scratch("race");
    for k in 1..=3 {
        good_run(&d.join(format!("three/r{k}")), 3000);
    }
    for k in 1..=5 {
        good_run(&d.join(format!("five/r{k}")), 5000);
    }
    let sets = [
        RunSet::load("three", &[d.join("three")]).unwrap(),
        RunSet::load("five", &[d.join("five")]).unwrap(),
    ];
    let store = Baseline::at(d.join("baselines"));
    store.save("hot", &sets[0], false).unwrap();
    let stop = AtomicBool::new(false);
    let saves = AtomicUsize::new(0);
    // Readers go on until each has loaded LOADS times and the writer has replaced the
    // baseline MIN_SAVES times (saves fsync every file: slow on some disks), or a deadline.
    const READERS: usize = 4;
    const LOADS: usize = 250;
    const MIN_SAVES: usize = 30;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(8);
    let seen: Vec<[usize; 2]> = std::thread::scope(|s| {
        s.spawn(|| {
            let mut k = 0;
            while !stop.load(Ordering::Relaxed) {
                k += 1;
                store.save("hot", &sets[k % 2], true).unwrap();
                saves.fetch_add(1, Ordering::Relaxed);
            }
        });
        let readers: Vec<_> = (0..READERS)
            .map(|_| {
                s.spawn(|| {
                    let mut seen = [0, 0];
                    while seen[0] + seen[1] < LOADS
                        || (saves.load(Ordering::Relaxed) < MIN_SAVES
                            && std::time::Instant::now() < deadline)
                    {
                        let (info, set) = store.load_with_info("hot").unwrap();
                        let rates: Vec<f64> = set
                            .runs
                            .iter()
                            .map(|r| r.meta.as_ref().unwrap().ops_per_sec)
                            .collect();
                        let which = match (info.runs, set.runs.len(), rates[0]) {
                            (3, 3, 30_000.0) => 0,
                            (5, 5, 50_000.0) => 1,
                            other => panic!("inconsistent load: {other:?} {rates:?}"),
                        };
                        assert!(rates.iter().all(|&r| r == rates[0]), "{rates:?}");
                        seen[which] += 1;
                        // The bare info read never fails either.
                        store.info("hot").unwrap();
                    }
                    seen
                })
            })
            .collect();
        // Join every reader before stopping the writer, then report a reader's failure.
        let joined: Vec<_> = readers.into_iter().map(|h| h.join()).collect();
        stop.store(true, Ordering::Relaxed);
        joined
            .into_iter()
            .map(|r| r.unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let total: [usize; 2] = seen
        .iter()
        .fold([0, 0], |acc, s| [acc[0] + s[0], acc[1] + s[1]]);
    assert!(total[0] + total[1] >= READERS * LOADS);
    let saves = saves.load(Ordering::Relaxed);
    assert!(
        saves >= MIN_SAVES,
        "the writer replaced the baseline only {saves} times"
    );
    assert!(
        total[0] > 0 && total[1] > 0,
        "both saves were read: {total:?}"
    );
    let left: Vec<_> = std::fs::read_dir(d.join("baselines"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != "hot")
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    eprintln!(
        "{saves} saves raced {} loads: {total:?}",
        total[0] + total[1]
    );
}

/// What a killed save leaves is removed by the next save once its process is gone; a live
/// save's folder (this process's) stays; an old baseline moved aside when the save died
/// between its two renames is put back, not deleted.
#[test]
fn the_next_save_cleans_up_after_killed_saves() {
    let d = project("stale");
    let root = d.join("baselines");
    // PIDs are below 2^22 on Linux: 4194305 belongs to no process.
    let dead = 4_194_305;
    let live = std::process::id();
    let stale_tmp = root.join(format!(".keep.tmp-{dead}-1a2b3"));
    let stale_other = root.join(format!(".gone.tmp-{dead}-9"));
    let stale_old = root.join(format!(".keep.old-{dead}-4c"));
    let live_tmp = root.join(format!(".keep.tmp-{live}-5d"));
    let not_ours = root.join(".keep.tmp-notapid");
    for dir in [&stale_tmp, &stale_other, &stale_old, &live_tmp, &not_ours] {
        copy_dir(&root.join("keep/r1"), &dir.join("r1"));
    }
    good_run(&d.join("other"), 7000);
    let (code, _, err) = statbench(&["baseline", "save", "fresh", "other"], &d);
    assert_eq!(code, 0, "{err}");
    for gone in [&stale_tmp, &stale_other, &stale_old] {
        assert!(!gone.exists(), "{} survived", gone.display());
    }
    for kept in [&live_tmp, &not_ours] {
        assert!(
            kept.join("r1/snapshots.csv").is_file(),
            "{} removed",
            kept.display()
        );
    }
    assert!(root.join("keep/baseline.json").is_file());

    // A save killed between moving `keep` aside and renaming its new folder in.
    let before = snapshot(&root.join("keep"));
    std::fs::rename(root.join("keep"), &stale_old).unwrap();
    // Readers meanwhile: the baseline is missing, and they say so (after a short wait).
    refused(
        &["baseline", "show", "keep"],
        &d,
        &["baseline `keep` not found"],
    );
    // The next save of any baseline puts it back; this one then refuses to replace it.
    refused(
        &["baseline", "save", "keep", "other"],
        &d,
        &["baseline `keep` already exists"],
    );
    assert!(!stale_old.exists());
    assert_eq!(
        snapshot(&root.join("keep")),
        before,
        "restored byte for byte"
    );
}

/// `baseline save` and a comparison apply one rule to a set of runs: what a comparison refuses
/// as a side cannot be saved (it used to be: engine recordings of two hosts, or rows whose
/// elapsed_ns never moves, were saved as baselines that every comparison then refused), and
/// what is saved compares.
#[test]
fn what_a_comparison_refuses_cannot_be_saved_and_what_is_saved_compares() {
    let d = project("one-rule");
    let moving: fn(i64) -> i64 = |k| k * 100_000_000;
    write_engine_run(&d.join("hosts/r1"), "CPU One", 6, moving);
    write_engine_run(&d.join("hosts/r2"), "CPU One", 6, moving);
    write_engine_run(&d.join("hosts/r3"), "CPU Two", 6, moving);
    write_engine_run(&d.join("frozen/r1"), "CPU One", 6, |_| 0);
    write_engine_run(&d.join("engine/r1"), "CPU One", 6, moving);
    write_engine_run(&d.join("engine/r2"), "CPU One", 6, moving);
    for (set, needles) in [
        (
            "hosts",
            &["1 of 3 runs ran on another host", "hosts/r3", "CPU Two"][..],
        ),
        ("frozen", &["frozen/r1", "elapsed_ns never moves"][..]),
    ] {
        refused_untouched(&["baseline", "save", "x", set], &d, needles);
        refused(&["compare", set, "engine"], &d, needles);
    }
    let (code, _, err) = statbench(&["baseline", "save", "eng", "engine"], &d);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = statbench(&["compare", "--baseline", "eng", "engine"], &d);
    assert_eq!(code, 0, "a saved baseline compares:\n{out}\n{err}");
}
