//! End-to-end checks of `statbench run`: exact totals, the CSV contract, crash safety, errors.

mod common;

use common::{scratch, Statbench};
use session_stats::{Counters, LayoutKind, SessionCounters, Update, NUM_METRICS};
use statbench::recorder::RunMeta;
use statbench::runner::{run, run_counters, RunRequest};
use statbench::scenario::{Budget, Overrides, Scenario, SinkKind};
use statbench::workload::Plan;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

fn scenario(text_extra: &str) -> Scenario {
    let text = format!(
        "name = \"t\"\nthreads = 2\npeers = 16\noperations = 200000\nsample_interval_ms = 5\n{text_extra}"
    );
    Scenario::parse(&text, Path::new("t.toml")).unwrap()
}

fn request(s: Scenario, out: PathBuf) -> RunRequest {
    RunRequest {
        scenario: s,
        out_dir: out,
        sampling: true,
        progress: false,
        repetition: None,
    }
}

#[test]
fn same_seed_gives_identical_expected_totals() {
    let a = Plan::new(&scenario("seed = 42\n"));
    let b = Plan::new(&scenario("seed = 42\n"));
    let c = Plan::new(&scenario("seed = 43\n"));
    let lives = a.life_limit.unwrap();
    assert_eq!(lives, b.life_limit.unwrap());
    let bytes = |p: &Plan| format!("{:?}", p.expected(lives, true)).into_bytes();
    assert_eq!(bytes(&a), bytes(&b));
    assert_ne!(
        bytes(&a),
        bytes(&c),
        "a different seed must give different totals"
    );
}

#[test]
fn totals_verified_for_every_layout_at_1_2_8_threads() {
    let dir = scratch("layouts");
    let sinks = LayoutKind::ALL
        .map(SinkKind::Layout)
        .into_iter()
        .chain([SinkKind::Ceiling]);
    for layout in sinks {
        let layout = layout.name();
        for threads in [1, 2, 8] {
            let s = scenario("diagnostics = true\n")
                .with(&Overrides {
                    layout: SinkKind::from_name(layout),
                    threads: Some(threads),
                    peers: Some(4 * threads),
                    ..Overrides::default()
                })
                .unwrap();
            let out = dir.join(format!("{layout}-{threads}"));
            let report = run(&request(s, out)).unwrap();
            assert_eq!(
                report.meta.totals_verified,
                Some(true),
                "{layout} × {threads}: {:?}",
                report.meta.mismatches
            );
            assert!(report.meta.complete);
            assert!(report.meta.total_ops >= 200_000);
            assert!(report.check_totals().is_ok());
        }
    }
}

/// A sink that silently drops one `inc` in 10 000: the run must notice and name the metrics.
struct LossySink {
    inner: SessionCounters,
    n: AtomicU64,
}

impl Update for LossySink {
    fn inc(&self, idx: usize, delta: i64) {
        if self.n.fetch_add(1, Ordering::Relaxed) % 10_000 != 9_999 {
            self.inner.inc(idx, delta);
        }
    }
    fn set(&self, idx: usize, value: i64) {
        self.inner.set(idx, value)
    }
    fn set_max(&self, idx: usize, value: i64) {
        self.inner.set_max(idx, value)
    }
    fn diagnostics_enabled(&self) -> bool {
        self.inner.diagnostics_enabled()
    }
}

impl Counters for LossySink {
    type Writer<'a> = &'a LossySink;
    fn writer(&self) -> &LossySink {
        self
    }
    fn snapshot_into(&self, out: &mut [i64]) {
        self.inner.snapshot_into(out)
    }
    fn diagnostics_enabled(&self) -> bool {
        self.inner.diagnostics_enabled()
    }
    fn name(&self) -> &str {
        "lossy"
    }
}

#[test]
fn lost_updates_are_detected_and_named() {
    let sink = LossySink {
        inner: SessionCounters::new(),
        n: AtomicU64::new(0),
    };
    let dir = scratch("lossy");
    let report = run_counters(&request(scenario(""), dir.join("run")), &sink).unwrap();
    assert_eq!(report.meta.totals_verified, Some(false));
    assert!(!report.meta.mismatches.is_empty());
    let err = report.check_totals().unwrap_err().to_string();
    assert!(
        err.contains("lost or wrong updates") && err.contains(&report.meta.mismatches[0].name),
        "{err}"
    );
    // run.json on disk says so too.
    let meta = RunMeta::read(&report.dir.join("run.json")).unwrap();
    assert_eq!(meta.totals_verified, Some(false));
}

#[test]
fn csv_header_and_rows_follow_the_contract() {
    let dir = scratch("csv");
    let out = dir.join("run");
    let report = run(&request(scenario(""), out.clone())).unwrap();
    let text = std::fs::read_to_string(out.join("snapshots.csv")).unwrap();
    let mut lines = text.lines();
    let want: Vec<String> = ["sample".to_string(), "elapsed_ns".to_string()]
        .into_iter()
        .chain((0..NUM_METRICS).map(|i| i.to_string()))
        .collect();
    assert_eq!(lines.next().unwrap(), want.join(","));
    let rows: Vec<Vec<i64>> = lines
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len() as u64, report.meta.samples);
    assert!(rows.len() >= 2);
    for (k, row) in rows.iter().enumerate() {
        assert_eq!(row.len(), 2 + NUM_METRICS);
        assert_eq!(row[0], k as i64, "sample numbers are consecutive");
    }
    assert!(
        rows.windows(2).all(|w| w[1][1] >= w[0][1]),
        "elapsed_ns never goes back"
    );
    assert_eq!(report.meta.intervals.len(), rows.len() - 1);
    // Deprecated slots are present and never written.
    for row in &rows {
        assert_eq!(&row[2 + 88..2 + 91], &[0, 0, 0]);
    }
    // Nothing is overwritten: a second run into the same folder is refused.
    let again = run(&request(scenario(""), out));
    assert!(again.unwrap_err().to_string().contains("already exists"));
}

#[test]
fn noop_sink_is_not_verified_but_runs() {
    let s = scenario("")
        .with(&Overrides {
            layout: Some(SinkKind::Noop),
            ..Overrides::default()
        })
        .unwrap();
    let dir = scratch("noop");
    let report = run(&request(s, dir.join("run"))).unwrap();
    assert_eq!(report.meta.totals_verified, None);
    assert!(report.meta.total_ops >= 200_000);
}

#[test]
fn killed_run_leaves_a_parseable_prefix_and_incomplete_run_json() {
    let dir = scratch("kill");
    let scen = dir.join("long.toml");
    std::fs::write(
        &scen,
        "name = \"long\"\nthreads = 2\npeers = 8\nduration_ms = 60000\nsample_interval_ms = 10\n",
    )
    .unwrap();
    let out = dir.join("run");
    let mut child = Statbench::new()
        .args([
            "run",
            scen.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ])
        .command()
        .spawn()
        .unwrap();
    let csv = out.join("snapshots.csv");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::fs::read_to_string(&csv).map_or(0, |t| t.lines().count()) < 20 {
        assert!(std::time::Instant::now() < deadline, "run produced no rows");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    let complete: Vec<&str> = text
        .split_inclusive('\n')
        .filter(|l| l.ends_with('\n'))
        .collect();
    assert!(complete.len() >= 20);
    for line in &complete[1..] {
        let fields: Vec<i64> = line
            .trim_end()
            .split(',')
            .map(|v| v.parse().unwrap())
            .collect();
        assert_eq!(fields.len(), 2 + NUM_METRICS);
    }
    let meta = RunMeta::read(&out.join("run.json")).unwrap();
    assert!(!meta.complete, "a killed run must not claim to be complete");
    assert_eq!(meta.totals_verified, None);
}

fn expect_usage_error(args: &[&str], needle: &str) {
    let out = Statbench::new().args(args).run();
    let stderr = out.stderr;
    assert_eq!(out.code, 2, "{args:?}: {stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "{args:?}: not one line: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains(needle), "{args:?}: {stderr} lacks {needle}");
}

#[test]
fn bad_scenarios_and_arguments_exit_2_with_one_line() {
    let dir = scratch("bad");
    let good =
        "name = \"b\"\nthreads = 2\npeers = 8\nduration_ms = 1000\nsample_interval_ms = 100\n";
    let cases = [
        ("unknown-key", format!("{good}colour = \"red\"\n"), "colour"),
        (
            "wrong-type",
            good.replace("peers = 8", "peers = \"eight\""),
            ":3:",
        ),
        (
            "zero-threads",
            good.replace("threads = 2", "threads = 0"),
            "key `threads`",
        ),
        (
            "long-interval",
            good.replace("sample_interval_ms = 100", "sample_interval_ms = 2000"),
            "longer than the run",
        ),
        (
            "bad-layout",
            good.replace("name = \"b\"", "name = \"b\"\nlayout = \"x\""),
            "key `layout`",
        ),
        ("syntax", format!("{good}[mix\n"), ":6:"),
    ];
    for (name, text, needle) in cases {
        let path = dir.join(format!("{name}.toml"));
        std::fs::write(&path, text).unwrap();
        let p = path.to_str().unwrap();
        expect_usage_error(&["run", p, "--quiet"], needle);
        expect_usage_error(&["run", p, "--quiet"], p);
    }
    expect_usage_error(&["run", "no-such-scenario"], "no-such-scenario");
    expect_usage_error(&["run", "--threads", "0"], "--threads");
    expect_usage_error(&["run", "--layout", "striped"], "unknown layout");
    expect_usage_error(&["run", "--bogus-flag"], "--bogus-flag");
    expect_usage_error(
        &["run", "--duration-ms", "100", "--interval-ms", "500"],
        "longer than the run",
    );
    let occupied = dir.join("occupied");
    std::fs::create_dir_all(&occupied).unwrap();
    std::fs::write(occupied.join("keep.txt"), "x").unwrap();
    expect_usage_error(
        &["run", "quick", "--out", occupied.to_str().unwrap()],
        "already exists",
    );
    assert_eq!(
        std::fs::read_to_string(occupied.join("keep.txt")).unwrap(),
        "x"
    );
}

#[test]
fn repeat_writes_one_folder_per_repetition() {
    let dir = scratch("repeat");
    let out = dir.join("runs");
    let done = Statbench::new()
        .args([
            "run",
            "quick",
            "--operations",
            "100000",
            "--repeat",
            "3",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ])
        .run();
    assert_eq!(done.code, 0, "{}", done.stderr);
    for r in 1..=3 {
        let meta = RunMeta::read(&out.join(format!("r{r}/run.json"))).unwrap();
        assert_eq!(meta.repetition, Some((r, 3)));
        assert!(meta.complete && meta.totals_verified == Some(true));
    }
    assert!(done.stdout.contains("over 3 runs"), "{}", done.stdout);
}

#[test]
fn operation_budget_is_deterministic_in_lives() {
    let s = scenario("");
    let Budget::Operations(ops) = s.budget() else {
        panic!()
    };
    let dir = scratch("ops");
    let report = run(&request(s, dir.join("run"))).unwrap();
    assert!(report.meta.total_ops >= ops);
    let again = run(&request(scenario(""), dir.join("run2"))).unwrap();
    assert_eq!(report.meta.lives, again.meta.lives);
    assert_eq!(report.meta.total_ops, again.meta.total_ops);
}
