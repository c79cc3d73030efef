//! Step detection against simulated histories with known answers. The suite runs a few dozen
//! histories; the full calibration (thousands, the figures in the README) is `--ignored`:
//!
//! ```sh
//! cargo test --release -p statbench --test history_steps -- --ignored --nocapture
//! ```

use statbench::history::synth::normal;
use statbench_stats::steps::{detect_steps, StepSettings};
use statbench_stats::SplitMix64;

/// `n` commits at one level with log-normal noise `cv`, a disturbed commit (−20%) with
/// probability `disturbed`, and level changes `(at, factor)`; one run per commit.
fn history(n: usize, cv: f64, disturbed: f64, steps: &[(usize, f64)], seed: u64) -> Vec<f64> {
    history_runs(n, 1, cv, disturbed, steps, seed)
}

/// As [`history`] with `runs` runs per commit, each commit's value their median (as `trend`).
fn history_runs(
    n: usize,
    runs: usize,
    cv: f64,
    disturbed: f64,
    steps: &[(usize, f64)],
    seed: u64,
) -> Vec<f64> {
    let mut rng = SplitMix64::new(seed);
    (0..n)
        .map(|i| {
            let level: f64 = steps
                .iter()
                .filter(|(at, _)| i >= *at)
                .map(|(_, f)| f)
                .product();
            let values: Vec<f64> = (0..runs)
                .map(|_| {
                    let hit = if rng.chance(disturbed) { 0.8 } else { 1.0 };
                    45e6 * level * hit * (cv * normal(&mut rng)).exp()
                })
                .collect();
            statbench_stats::median(&values).unwrap()
        })
        .collect()
}

fn false_step_rate(n: usize, disturbed: f64, sims: u64, settings: &StepSettings) -> f64 {
    let hits = (0..sims)
        .filter(|&s| {
            !detect_steps(&history(n, 0.02, disturbed, &[], 10_000 + s), settings)
                .steps
                .is_empty()
        })
        .count();
    hits as f64 / sims as f64
}

/// Of `sims` histories with a step of `factor` at the middle of `n` commits of `runs` runs:
/// (found at its commit ± 1, found within ± 10, the true commit inside the reported range of
/// the nearest step found, not found and reported below resolution, found 11–50 commits
/// away, not found at all).
fn detection(n: usize, runs: usize, factor: f64, sims: u64) -> [f64; 6] {
    let mut counts = [0u32; 6];
    let at = n / 2;
    for s in 0..sims {
        let v = history_runs(n, runs, 0.02, 0.0, &[(at, factor)], 20_000 + s);
        let fit = detect_steps(&v, &StepSettings::default());
        let nearest = fit.steps.iter().min_by_key(|st| st.at.abs_diff(at));
        match nearest {
            Some(st) if st.at.abs_diff(at) <= 1 => counts[0] += 1,
            Some(st) if st.at.abs_diff(at) <= 10 => counts[1] += 1,
            Some(st) if st.at.abs_diff(at) <= 50 => counts[4] += 1,
            _ if fit.resolution_between(at, n - at) > (factor - 1.0f64).abs() => counts[3] += 1,
            _ => counts[5] += 1,
        }
        if nearest.is_some_and(|st| st.range.0 <= at && at <= st.range.1) {
            counts[2] += 1;
        }
    }
    counts[1] += counts[0];
    counts.map(|k| 100.0 * k as f64 / sims as f64)
}

#[test]
fn aa_history_of_300_commits_rarely_has_a_step() {
    let rate = false_step_rate(300, 0.01, 30, &StepSettings::default());
    assert!(rate <= 1.0 / 30.0, "{rate}");
}

#[test]
#[ignore = "calibration: about a minute in release mode"]
fn calibration_table() {
    println!("A/A: share of histories with any step (2% run-to-run CV)");
    println!("| commits | γ=14 | γ=16 | γ=18 | γ=20 (default) | γ=20, 1% disturbed | γ=25 |");
    for n in [30, 50, 100, 300, 1000, 3000] {
        let sims = if n >= 3000 { 300 } else { 1000 };
        let at = |g: f64, d: f64| {
            let s = StepSettings {
                penalty: g,
                ..StepSettings::default()
            };
            100.0 * false_step_rate(n, d, sims, &s)
        };
        println!(
            "| {n} | {:.1}% | {:.1}% | {:.1}% | {:.1}% | {:.1}% | {:.1}% |",
            at(14.0, 0.0),
            at(16.0, 0.0),
            at(18.0, 0.0),
            at(20.0, 0.0),
            at(20.0, 0.01),
            at(25.0, 0.0)
        );
    }
    let aa100 = (0..100)
        .filter(|&s| {
            detect_steps(
                &history(300, 0.02, 0.0, &[], 10_000 + s),
                &StepSettings::default(),
            )
            .steps
            .is_empty()
        })
        .count();
    println!("\nA/A, 300 commits, 100 simulations: {aa100} of 100 without a step");
    for runs in [1, 5] {
        println!(
            "\nSteps at commit 150 of 300, {runs} run(s) per commit (2% CV), 500 simulations each"
        );
        println!("| step | at its commit ±1 | within ±10 | true commit in the reported range | missed, below resolution | 11–50 away | missed |");
        for f in [0.98, 0.95, 0.90, 1.02, 1.05, 1.10] {
            let [e, n, r, b, far, miss] = detection(300, runs, f, 500);
            println!(
                "| {:+.0}% | {e:.1}% | {n:.1}% | {r:.1}% | {b:.1}% | {far:.1}% | {miss:.1}% |",
                (f - 1.0) * 100.0
            );
        }
    }
}
