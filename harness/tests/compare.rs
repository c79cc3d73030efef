//! `compare` and baselines on synthetic data of known distributions, and on real short runs.

mod common;

use common::{scratch, statbench, Statbench};
use session_stats::{metric, MetricKind};

use statbench::compare::{compare, CompareSettings, Finding, Outcome};
use statbench::recorder::{IntervalThroughput, RunMeta};
use statbench::store::{Baseline, RunSet};
use std::path::Path;

/// Deterministic normal-ish noise (sum of uniforms).
struct Noise(u64);
impl Noise {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.uniform()).sum::<f64>() - 6.0
    }
}

/// Writes a run folder: `width` metrics; counters (the registry's; even indices past it) grow
/// by `rate × (1 + 5% noise)` per 100 ms interval, gauges hover at 1000 (a reader refuses a
/// counter that decreases); optional run.json with throughput.
fn synthetic_run(
    dir: &Path,
    width: usize,
    intervals: usize,
    rate: f64,
    seed: u64,
    meta: Option<f64>,
) {
    std::fs::create_dir_all(dir).unwrap();
    let mut noise = Noise(seed);
    let mut text = String::from("sample,elapsed_ns");
    for i in 0..width {
        text += &format!(",{i}");
    }
    text.push('\n');
    let mut values = vec![0i64; width];
    let mut tp = Vec::new();
    for k in 0..=intervals {
        if k > 0 {
            for (i, v) in values.iter_mut().enumerate() {
                if metric(i).map_or(i % 2 == 0, |m| m.kind == MetricKind::Counter) {
                    *v += (rate * (1.0 + 0.05 * noise.normal())).max(0.0) as i64;
                } else {
                    *v = (1000.0 * (1.0 + 0.05 * noise.normal())) as i64;
                }
            }
            if let Some(ops) = meta {
                let ops_per_sec = ops * (1.0 + 0.03 * noise.normal());
                tp.push(IntervalThroughput {
                    sample: k as u64,
                    duration_ns: 100_000_000,
                    ops: (ops_per_sec * 0.1) as u64,
                    ops_per_sec,
                });
            }
        }
        text += &format!("{k},{}", k * 100_000_000);
        for v in &values {
            text += &format!(",{v}");
        }
        text.push('\n');
    }
    std::fs::write(dir.join("snapshots.csv"), text).unwrap();
    if let Some(ops) = meta {
        let template = include_str!("fixtures/run.json");
        let mut m: RunMeta = serde_json::from_str(template).unwrap();
        m.intervals = tp;
        m.ops_per_sec = ops;
        m.write(dir).unwrap();
    }
}

fn side(
    dir: &Path,
    runs: usize,
    intervals: usize,
    rate: f64,
    tput: Option<f64>,
    seed: u64,
) -> RunSet {
    for r in 0..runs {
        synthetic_run(
            &dir.join(format!("r{}", r + 1)),
            99,
            intervals,
            rate,
            seed * 1000 + r as u64,
            tput,
        );
    }
    RunSet::load(dir.display().to_string(), &[dir.to_path_buf()]).unwrap()
}

#[test]
fn equal_distributions_give_no_change_and_pass() {
    let d = scratch("equal");
    let a = side(&d.join("a"), 3, 50, 1e6, Some(1e8), 1);
    let b = side(&d.join("b"), 3, 50, 1e6, Some(1e8), 2);
    let c = compare(&a, &b, &CompareSettings::default()).unwrap();
    let h = c.headline.as_ref().unwrap();
    assert_eq!(h.outcome, Outcome::NoChange, "{}", h.reason);
    assert!(c.gate.pass && c.gate.exit_code == 0, "{:?}", c.gate);
    assert!(
        c.metrics.iter().all(|m| !m.outcome.is_change()),
        "false alarm on a null metric"
    );
}

#[test]
fn a_20_percent_slowdown_is_a_regression_and_a_speedup_is_not() {
    let d = scratch("shift");
    let a = side(&d.join("a"), 6, 50, 1e6, Some(1e8), 1);
    let slow = side(&d.join("slow"), 6, 50, 0.8e6, Some(0.8e8), 2);
    let fast = side(&d.join("fast"), 6, 50, 1.2e6, Some(1.2e8), 3);
    let c = compare(&a, &slow, &CompareSettings::default()).unwrap();
    let h = c.headline.as_ref().unwrap();
    assert_eq!(h.outcome, Outcome::Regression);
    assert!((h.ratio.unwrap() - 0.8).abs() < 0.02);
    assert_eq!(c.gate.exit_code, 1);
    assert!(
        matches!(
            c.gate.failures[0],
            Finding::ThroughputRegression { gating: true, effect, .. } if (effect + 0.2).abs() < 0.02
        ),
        "{:?}",
        c.gate.failures
    );
    // Counters moved with the throughput: per update (the default) they did not change.
    let rate0 = c.metrics.iter().find(|m| m.index == Some(0)).unwrap();
    assert_eq!(rate0.quantity, statbench::compare::Quantity::PerWork);
    assert!(!rate0.outcome.is_change(), "{:?}", rate0.outcome);
    // Per second, the counter rates went down 20%: decreases, gauges unchanged.
    let per_second = CompareSettings {
        policy: statbench::policy::Policy {
            normalise: statbench::policy::Normalise::PerSecond,
            ..Default::default()
        },
        ..CompareSettings::default()
    };
    let c = compare(&a, &slow, &per_second).unwrap();
    let rate0 = c.metrics.iter().find(|m| m.index == Some(0)).unwrap();
    assert_eq!(rate0.outcome, Outcome::Decrease);
    let gauge = c.metrics.iter().find(|m| m.index == Some(3)).unwrap();
    assert!(!gauge.outcome.is_change());
    // The most important rows come first.
    assert!(c.metrics[0].outcome.is_change());

    let c = compare(&a, &fast, &CompareSettings::default()).unwrap();
    assert_eq!(c.headline.as_ref().unwrap().outcome, Outcome::Improvement);
    assert!(c.gate.pass);
}

#[test]
fn three_runs_a_side_cannot_fail_the_gate_however_large_the_shift() {
    // The run is the independent unit: with 3 runs a side the exact U test on run medians
    // cannot reach alpha 0.01, so even a 20% shift is inconclusive rather than a verdict
    // built on correlated intervals.
    let d = scratch("three");
    let a = side(&d.join("a"), 3, 50, 1e6, Some(1e8), 1);
    let b = side(&d.join("b"), 3, 50, 0.8e6, Some(0.8e8), 2);
    let c = compare(&a, &b, &CompareSettings::default()).unwrap();
    let h = c.headline.as_ref().unwrap();
    assert_eq!(h.outcome, Outcome::Inconclusive, "{}", h.reason);
    assert!(h.p_value.unwrap() >= 0.1 - 1e-9);
    assert!(c.gate.pass);
    // It says how many runs (not intervals) would decide it: at least the 5 the test needs.
    let n = h.needed_runs.expect("needed runs reported");
    assert!(n >= 5, "{n}");
    assert!(
        h.reason.contains(&format!("need ~{n} runs per side")),
        "{}",
        h.reason
    );
}

#[test]
fn disturbed_runs_are_left_out_of_the_throughput_test() {
    let d = scratch("disturbed");
    let a = side(&d.join("a"), 6, 40, 1e6, Some(1e8), 1);
    // One B run was slowed 40% by a neighbour; the other five are like A.
    for r in 0..5 {
        synthetic_run(
            &d.join(format!("b/r{}", r + 1)),
            99,
            40,
            1e6,
            500 + r,
            Some(1e8),
        );
    }
    synthetic_run(&d.join("b/r6"), 99, 40, 0.6e6, 599, Some(0.6e8));
    let b = RunSet::load("b", &[d.join("b")]).unwrap();
    let c = compare(&a, &b, &CompareSettings::default()).unwrap();
    assert_ne!(c.headline.as_ref().unwrap().outcome, Outcome::Regression);
    assert!(
        c.gate
            .warnings
            .iter()
            .any(|w| matches!(w, Finding::DisturbedRun(d) if d.side == statbench::compare::Side::Candidate && d.run.ends_with("r6") && d.median < 0.7 * d.side_median)),
        "{:?}",
        c.gate.warnings
    );
    // With the exclusion off, the disturbed run is part of the test again.
    let s = CompareSettings {
        disturbed_run_threshold: 0.0,
        ..CompareSettings::default()
    };
    let c = compare(&a, &b, &s).unwrap();
    assert!(!c
        .gate
        .warnings
        .iter()
        .any(|w| matches!(w, Finding::DisturbedRun(_))));
}

#[test]
fn too_few_samples_are_inconclusive_and_say_how_many_are_needed() {
    let d = scratch("few");
    let a = side(&d.join("a"), 1, 3, 1e6, Some(1e8), 1);
    let b = side(&d.join("b"), 1, 3, 0.9e6, Some(0.9e8), 2);
    let c = compare(&a, &b, &CompareSettings::default()).unwrap();
    let h = c.headline.as_ref().unwrap();
    assert_eq!(h.outcome, Outcome::Inconclusive);
    assert!(h.reason.contains("need"), "{}", h.reason);
    assert!(c.gate.pass, "inconclusive must not fail the gate");
}

#[test]
fn false_discoveries_are_controlled_over_many_null_metrics() {
    let d = scratch("fdr");
    let mut changed = 0;
    let trials = 8;
    for t in 0..trials {
        let a = side(&d.join(format!("a{t}")), 2, 40, 1e6, None, 100 + t);
        let b = side(&d.join(format!("b{t}")), 2, 40, 1e6, None, 200 + t);
        let c = compare(&a, &b, &CompareSettings::default()).unwrap();
        changed += c.metrics.iter().filter(|m| m.outcome.is_change()).count();
    }
    // 8 trials × 99 null metrics: with BH at alpha 0.01 and a 3% minimum effect, none expected.
    assert!(
        changed <= 1,
        "{changed} false discoveries over {} null metric comparisons",
        99 * trials
    );
}

#[test]
fn files_of_70_99_and_118_metrics_align_by_index() {
    let d = scratch("widths");
    synthetic_run(&d.join("old"), 70, 30, 1e6, 1, None);
    synthetic_run(&d.join("new"), 118, 30, 1e6, 2, None);
    synthetic_run(&d.join("cur"), 99, 30, 1e6, 3, None);
    let load = |n: &str| RunSet::load(n, &[d.join(n)]).unwrap();
    let c = compare(&load("old"), &load("new"), &CompareSettings::default()).unwrap();
    assert_eq!(c.metrics.len(), 70);
    assert_eq!(c.added.len(), 48);
    assert!(c.removed.is_empty());
    assert_eq!(c.added[0].index, 70);
    assert_eq!(
        c.added.last().unwrap().name,
        "#117",
        "unknown newer slots are named by index"
    );
    assert!(c.headline.is_none());
    let c = compare(&load("new"), &load("cur"), &CompareSettings::default()).unwrap();
    assert_eq!(
        (c.metrics.len(), c.removed.len(), c.added.len()),
        (99, 19, 0)
    );
    assert!(
        c.metrics
            .iter()
            .any(|m| m.index == Some(89) && m.deprecated),
        "deprecated slots are kept and marked"
    );
}

#[test]
fn bad_csv_json_and_baselines_exit_2_with_one_line() {
    let d = scratch("bad");
    synthetic_run(&d.join("good"), 99, 10, 1e6, 1, Some(1e8));
    synthetic_run(&d.join("badcsv"), 99, 10, 1e6, 1, None);
    let csv = d.join("badcsv/snapshots.csv");
    let text = std::fs::read_to_string(&csv)
        .unwrap()
        .replacen("\n5,", "\n5,oops", 1);
    std::fs::write(&csv, text).unwrap();
    synthetic_run(&d.join("badjson"), 99, 10, 1e6, 1, Some(1e8));
    std::fs::write(
        d.join("badjson/run.json"),
        "{\n  \"format\": 1,\n  \"seed\": \"x\"\n}\n",
    )
    .unwrap();
    std::fs::create_dir_all(d.join("baselines/broken")).unwrap();
    std::fs::write(d.join("baselines/broken/baseline.json"), "{ not json").unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["compare", "good", "badcsv"],
            "badcsv/snapshots.csv:7: column 2",
        ),
        (vec!["compare", "good", "badjson"], "badjson/run.json:"),
        (vec!["compare", "good", "missing"], "missing: no such run"),
        (vec!["compare", "good"], "exactly two"),
        (
            vec!["compare", "--baseline", "nope", "good"],
            "baseline `nope` not found",
        ),
        (
            vec!["compare", "--baseline", "broken", "good"],
            "baselines/broken/baseline.json:1:",
        ),
        (vec!["compare", "good", "good", "--alpha", "2"], "--alpha"),
        (vec!["baseline", "save", "../x", "good"], "baseline name"),
    ];
    for (args, needle) in cases {
        let (code, _, err) = statbench(&args, &d);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err:?} lacks {needle:?}");
        assert!(!err.contains("panicked"));
    }
}

#[test]
fn baselines_are_atomic_and_never_overwritten_silently() {
    let d = scratch("baselines");
    synthetic_run(&d.join("run1"), 99, 10, 1e6, 1, Some(1e8));
    synthetic_run(&d.join("run2"), 99, 10, 2e6, 2, Some(2e8));
    std::fs::create_dir_all(d.join("baselines")).unwrap();
    let (code, out, err) = statbench(&["baseline", "save", "main", "run1"], &d);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("saved baseline `main`"));
    let (code, _, err) = statbench(&["baseline", "save", "main", "run2"], &d);
    assert_eq!(code, 2);
    assert!(err.contains("already exists") && err.contains("--force"));
    let store = Baseline::at(d.join("baselines"));
    let before = store.load("main").unwrap();
    assert_eq!(
        before.runs[0].meta.as_ref().unwrap().ops_per_sec,
        1e8,
        "unchanged after refusal"
    );
    let (code, _, _) = statbench(&["baseline", "save", "main", "run2", "--force"], &d);
    assert_eq!(code, 0);
    assert_eq!(
        store.load("main").unwrap().runs[0]
            .meta
            .as_ref()
            .unwrap()
            .ops_per_sec,
        2e8
    );

    // Concurrent saves of one name: exactly one wins, the baseline is whole, no temp left.
    let runs = RunSet::load("r", &[d.join("run1")]).unwrap();
    let results: Vec<bool> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..6)
            .map(|_| s.spawn(|| store.save("race", &runs, false).is_ok()))
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(results.iter().filter(|&&ok| ok).count(), 1, "{results:?}");
    assert_eq!(store.load("race").unwrap().runs.len(), 1);
    let leftovers: Vec<_> = std::fs::read_dir(d.join("baselines"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary folders left behind");
    let (code, out, _) = statbench(&["baseline", "list"], &d);
    assert_eq!(code, 0);
    assert!(out.contains("main") && out.contains("race"));
    let (code, out, _) = statbench(&["baseline", "show", "main"], &d);
    assert_eq!(code, 0);
    assert!(out.contains("\"runs\": 1"));
}

#[test]
fn formats_render_and_exit_codes_follow_the_gate() {
    let d = scratch("formats");
    side(&d.join("a"), 6, 40, 1e6, Some(1e8), 1);
    side(&d.join("b"), 6, 40, 0.8e6, Some(0.8e8), 2);
    for (format, needle) in [
        ("table", "REGRESSION"),
        ("markdown", "| quantity |"),
        ("json", "\"gate\""),
        ("csv", "quantity,index,kind"),
    ] {
        let (code, out, err) = statbench(&["compare", "a", "b", "--format", format], &d);
        assert_eq!(code, 1, "{format}: {err}");
        assert!(out.contains(needle), "{format}: {out}");
    }
    let (code, _, _) = statbench(&["compare", "b", "a"], &d);
    assert_eq!(code, 0, "a speed-up passes");
    let (code, out, _) = statbench(
        &["compare", "a", "a/r1/snapshots.csv", "--format", "json"],
        &d,
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["gate"]["pass"].as_bool().unwrap());
}

#[test]
fn lost_updates_and_deterministic_total_changes_fail_the_gate() {
    let d = scratch("behaviour");
    for name in ["a", "b"] {
        let done = Statbench::new()
            .args(["run", "quick", "--operations", "300000", "--quiet", "--out"])
            .arg(d.join(name))
            .run();
        assert_eq!(done.code, 0, "{}", done.stderr);
    }
    let (code, out, _) = statbench(&["compare", "a", "b"], &d);
    assert_eq!(code, 0, "{out}");
    // Tamper with B's final total of a counter: same scenario and seed, different totals.
    let csv = d.join("b/snapshots.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let last = lines.pop().unwrap();
    let mut fields: Vec<String> = last.split(',').map(String::from).collect();
    let v: i64 = fields[2 + 1].parse().unwrap();
    fields[2 + 1] = (v + 1).to_string();
    lines.push(fields.join(","));
    std::fs::write(&csv, lines.join("\n") + "\n").unwrap();
    let (code, out, _) = statbench(&["compare", "a", "b"], &d);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("behaviour change") && out.contains("net.bytes_recv"),
        "{out}"
    );
    // A run that lost updates fails too.
    let meta_path = d.join("b/run.json");
    let mut meta = RunMeta::read(&meta_path).unwrap();
    meta.totals_verified = Some(false);
    meta.write(&d.join("b")).unwrap();
    let (code, out, _) = statbench(&["compare", "a", "b"], &d);
    assert_eq!(code, 1);
    assert!(out.contains("lost or wrong updates"), "{out}");
}

#[test]
fn the_gate_confirms_a_suspected_regression_before_failing() {
    let d = scratch("gate-confirm");
    std::fs::create_dir_all(d.join("baselines")).unwrap();
    let scenario = |extra_work: u32| {
        format!(
            "name = \"tiny\"\nseed = 5\nthreads = 1\npeers = 8\nlayout = \"contiguous\"\n\
             duration_ms = 150\nsample_interval_ms = 10\npin_threads = false\n\
             extra_work = {extra_work}\n"
        )
    };
    std::fs::write(d.join("tiny.toml"), scenario(0)).unwrap();
    std::fs::write(d.join("tiny-slow.toml"), scenario(3000)).unwrap();
    let (code, _, stderr) = statbench(
        &[
            "run",
            "./tiny.toml",
            "--repeat",
            "6",
            "--quiet",
            "--out",
            "base",
        ],
        &d,
    );
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = statbench(&["baseline", "save", "tiny", "base"], &d);
    assert_eq!(code, 0, "{stderr}");
    // The slowed build (≈ −85%) is compared with the baseline named after the scenario.
    let (code, stdout, stderr) = statbench(
        &[
            "gate",
            "./tiny-slow.toml",
            "--repeat",
            "6",
            "--confirm-runs",
            "2",
            "--disturbed-run-threshold",
            "0",
            // The slowdown is injected through the scenario's extra_work: on purpose.
            "--allow-different-settings",
            // Baseline and gate ran seconds apart on this machine: judge speed even when the
            // machine probe moved (the contended loop moved 16% under the parallel test suite).
            "--strict",
            "-v", // the steps on stderr, also off a terminal
            "--format",
            "json",
        ],
        &d,
    );
    assert_eq!(code, 1, "{stderr}\n{stdout}");
    assert!(stderr.contains("confirming with 2 more runs"), "{stderr}");
    assert!(
        stderr.contains("after confirmation: REGRESSION"),
        "{stderr}"
    );
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["runs"][1], 8, "6 runs + 2 confirmation runs compared");
    assert_eq!(v["headline"]["outcome"], "regression");
}

#[test]
fn a_side_whose_runs_split_between_two_levels_gets_no_speed_verdict() {
    // A shared VM slowed by 25% for a stretch of the runs: 5 of B's 8 runs are slow, so the
    // slow runs are the majority and the 3 normal ones would be left out as "disturbed".
    let d = scratch("split");
    let a = side(&d.join("a"), 8, 30, 1e6, Some(1e8), 1);
    for r in 0..8u64 {
        let level = if r < 5 { 0.75 } else { 1.0 };
        synthetic_run(
            &d.join(format!("b/r{}", r + 1)),
            99,
            30,
            1e6,
            700 + r,
            Some(level * 1e8),
        );
    }
    let b = RunSet::load("b", &[d.join("b")]).unwrap();
    let c = compare(&a, &b, &CompareSettings::default()).unwrap();
    let h = c.headline.as_ref().unwrap();
    assert_eq!(h.outcome, Outcome::Inconclusive, "{}", h.reason);
    assert!(h.reason.contains("changed state"), "{}", h.reason);
    assert!(c.gate.pass, "{:?}", c.gate.failures);
    // The same slow runs alone are a regression: the split, not the level, withholds it.
    let slow: Vec<_> = (1..=5).map(|r| d.join(format!("b/r{r}"))).collect();
    let c = compare(
        &a,
        &RunSet::load("slow", &slow).unwrap(),
        &CompareSettings::default(),
    )
    .unwrap();
    assert_eq!(c.headline.unwrap().outcome, Outcome::Regression);
}
