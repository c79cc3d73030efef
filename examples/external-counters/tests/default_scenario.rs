//! The external implementation runs statbench's default scenario with exact totals, at the
//! scenario's threads and under more contention than stripes.

use external_counters::StripedCounters;
use statbench::runner::{run_counters, RunRequest};
use statbench::scenario::{Overrides, Scenario};
use std::path::{Path, PathBuf};

fn default_scenario() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/default.toml");
    Scenario::load(&path).expect("the default scenario loads")
}

fn out(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("external-counters-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn striped_counters_run_the_default_scenario_with_exact_totals() {
    let scenario = default_scenario();
    let counters = StripedCounters::new(2, scenario.diagnostics());
    let request = RunRequest {
        scenario,
        out_dir: out("default"),
        sampling: true,
        progress: false,
        repetition: None,
    };
    let report = run_counters(&request, &counters).unwrap();
    assert_eq!(report.meta.layout, "striped");
    assert_eq!(report.meta.scenario_settings["layout"], "striped");
    assert!(report.meta.complete);
    assert_eq!(
        report.meta.totals_verified,
        Some(true),
        "{:?}",
        report.meta.mismatches
    );
    assert!(report.meta.total_ops > 0 && report.meta.samples >= 3);
    let csv = std::fs::read_to_string(report.dir.join("snapshots.csv")).unwrap();
    assert!(csv.starts_with("sample,elapsed_ns,0,1,"));
    std::fs::remove_dir_all(&report.dir).unwrap();
}

#[test]
fn one_stripe_shared_by_eight_threads_still_loses_nothing() {
    let s = default_scenario()
        .with(&Overrides {
            threads: Some(8),
            peers: Some(64),
            diagnostics: Some(true),
            duration_ms: Some(300),
            ..Overrides::default()
        })
        .unwrap();
    let counters = StripedCounters::new(1, true);
    let request = RunRequest {
        scenario: s,
        out_dir: out("contended"),
        sampling: true,
        progress: false,
        repetition: None,
    };
    let report = run_counters(&request, &counters).unwrap();
    assert_eq!(
        report.meta.totals_verified,
        Some(true),
        "{:?}",
        report.meta.mismatches
    );
    std::fs::remove_dir_all(&report.dir).unwrap();
}
