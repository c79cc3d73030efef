//! The statistics' blind spots, end to end through `compare` on synthetic runs of known
//! distributions: every interval of a long run is tested, a lone metric change in every run is
//! flagged, few runs still cover at the nominal level, and autocorrelated intervals do not pass
//! for a change. Each figure is printed (`--nocapture`) next to its bound.

mod common;

use common::scratch;
use session_stats::{metric, MetricKind};
use statbench::compare::{compare, CompareSettings, Comparison, Outcome, QuantityResult};
use statbench::store::RunSet;
use statbench_stats::{
    analyze_runs, benjamini_hochberg, decide, Direction, Sample, Settings, SplitMix64, Verdict,
};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Standard normal by Box–Muller.
fn normal(rng: &mut SplitMix64) -> f64 {
    let u1 = 1.0 - rng.next_f64();
    let u2 = rng.next_f64();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// Stationary AR(1) noise with unit variance: `z_t = φ·z_{t−1} + √(1 − φ²)·ε_t`.
struct Ar1 {
    phi: f64,
    z: f64,
}

impl Ar1 {
    fn new(rng: &mut SplitMix64, phi: f64) -> Ar1 {
        Ar1 {
            phi,
            z: normal(rng),
        }
    }

    fn next(&mut self, rng: &mut SplitMix64) -> f64 {
        self.z = self.phi * self.z + (1.0 - self.phi * self.phi).sqrt() * normal(rng);
        self.z
    }
}

/// Writes a snapshot CSV of `rows` samples 100 ms apart; `value(row, column)` is the value per
/// interval: a counter's increment (summed here), a gauge's level, as the registry says.
fn write_csv(
    path: &Path,
    indices: &[usize],
    rows: usize,
    mut value: impl FnMut(usize, usize) -> f64,
) {
    let counter: Vec<bool> = indices
        .iter()
        .map(|&i| metric(i).is_some_and(|m| m.kind == MetricKind::Counter))
        .collect();
    let mut text = String::from("sample,elapsed_ns");
    for i in indices {
        write!(text, ",{i}").unwrap();
    }
    text.push('\n');
    let mut totals = vec![0i64; indices.len()];
    for row in 0..rows {
        write!(text, "{row},{}", row as u64 * 100_000_000).unwrap();
        for (c, total) in totals.iter_mut().enumerate() {
            let v = if row == 0 { 0.0 } else { value(row, c) };
            if counter[c] {
                *total += v.max(0.0).round() as i64;
            } else {
                *total = v.round() as i64;
            }
            write!(text, ",{total}").unwrap();
        }
        text.push('\n');
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn load(label: &str, paths: &[PathBuf]) -> RunSet {
    RunSet::load(label, paths).unwrap()
}

fn settings(min_effect: f64) -> CompareSettings {
    let d = CompareSettings::default();
    CompareSettings {
        stats: Settings {
            min_effect,
            ..d.stats.clone()
        },
        ..d
    }
}

fn find(c: &Comparison, index: usize) -> &QuantityResult {
    c.metrics.iter().find(|m| m.index == Some(index)).unwrap()
}

/// Gauge indices of the registry (levels: no cumulative sums), not deprecated.
fn gauges(n: usize) -> Vec<usize> {
    (0..99)
        .filter(|&i| metric(i).is_some_and(|m| m.kind == MetricKind::Gauge && !m.deprecated))
        .take(n)
        .collect()
}

#[test]
fn every_interval_of_a_100k_row_run_is_tested() {
    // net.bytes_sent (counter) 3.0% lower in B with 2% interval noise, net.bytes_recv 3.0% lower
    // with 20% noise, net.num_connections (gauge) unchanged. 400 evenly thinned intervals (the
    // old cap) give ratio ± 0.002 and ± 0.03: the second cannot be decided from them.
    let d = scratch("stats-100k");
    let indices = [0, 1, 2];
    let rows = 100_001;
    let side = |name: &str, scale: f64, seed: u64| {
        let mut rng = SplitMix64::new(seed);
        let path = d.join(format!("{name}.csv"));
        write_csv(&path, &indices, rows, |_, c| match c {
            0 => 1e5 * scale * (1.0 + 0.02 * normal(&mut rng)),
            1 => 1e5 * scale * (1.0 + 0.20 * normal(&mut rng)),
            _ => 1e6 * (1.0 + 0.02 * normal(&mut rng)),
        });
        load(name, &[path])
    };
    let (a, b) = (side("a", 1.0, 1), side("b", 0.97, 2));
    let c = compare(&a, &b, &settings(0.02)).unwrap();
    for (index, tol) in [(0, 0.002), (1, 0.005)] {
        let m = find(&c, index);
        let (ratio, ci) = (m.ratio.unwrap(), m.ci.unwrap());
        eprintln!(
            "{}: ratio {ratio:.5} CI {:.5}..{:.5} p {:.1e} n {}/{} → {:?}",
            m.name,
            ci.0,
            ci.1,
            m.p_value.unwrap(),
            m.a.n,
            m.b.n,
            m.outcome
        );
        assert_eq!(m.outcome, Outcome::Decrease, "{}: {}", m.name, m.reason);
        assert!((ratio - 0.970).abs() < tol, "{}: ratio {ratio}", m.name);
        // Every reported figure from the same sample: the ratio is that of the medians shown.
        let shown = m.b.median / m.a.median;
        assert!(
            (ratio / shown - 1.0).abs() < 1e-12,
            "ratio {ratio} vs medians {shown}"
        );
        assert!(ci.0 < 0.970 && 0.970 < ci.1, "{}: {ci:?}", m.name);
        assert_eq!(m.a.n, 99_998);
    }
    // 2% noise over 99,998 intervals: a 99% interval of ±0.0003 (from 400: ±0.005).
    let ci = find(&c, 0).ci.unwrap();
    assert!(
        ci.1 - ci.0 < 0.002,
        "CI {ci:?} is as wide as a thinned sample's"
    );
    let g = find(&c, 2);
    assert_eq!(g.outcome, Outcome::NoChange, "{}", g.reason);
    let _ = std::fs::remove_dir_all(&d);
}

/// One side of `runs` runs with `rows` samples each over `indices`; `level(run, column)` is the
/// run's level of that column; intervals vary by `cv` around it.
fn multi_run_side(
    dir: &Path,
    indices: &[usize],
    runs: usize,
    rows: usize,
    cv: f64,
    rng: &mut SplitMix64,
    mut level: impl FnMut(&mut SplitMix64, usize, usize) -> f64,
) -> RunSet {
    let mut paths = Vec::new();
    for r in 0..runs {
        let levels: Vec<f64> = (0..indices.len()).map(|c| level(rng, r, c)).collect();
        let path = dir.join(format!("r{r:02}.csv"));
        write_csv(&path, indices, rows, |_, c| {
            levels[c] * (1.0 + cv * normal(rng))
        });
        paths.push(path);
    }
    load(&dir.display().to_string(), &paths)
}

#[test]
fn a_lone_metric_change_in_every_run_is_flagged() {
    // 20 runs a side, 66 non-zero metrics (a third of the columns stay zero, as in real runs),
    // run-to-run spread 3% shared by all metrics of a run plus 2% per metric, 3% per interval.
    // Only net.bytes_recv drops by 20% in every run of B. A bootstrap p-value floored at
    // 1/2000 and adjusted over 66 metrics could never go below 0.033.
    let d = scratch("stats-lone");
    let indices: Vec<usize> = (0..99).collect();
    let live = |c: usize| c % 3 != 2;
    let mut rng = SplitMix64::new(20);
    let mut side = |name: &str, changed: f64| {
        let mut shared = Vec::new();
        multi_run_side(
            &d.join(name),
            &indices,
            20,
            10,
            0.03,
            &mut rng,
            |rng, r, c| {
                if shared.len() <= r {
                    shared.push(1.0 + 0.03 * normal(rng));
                }
                let scale = if c == 1 { changed } else { 1.0 };
                if live(c) {
                    1e5 * scale * shared[r] * (1.0 + 0.02 * normal(rng))
                } else {
                    0.0
                }
            },
        )
    };
    let (a, b) = (side("a", 1.0), side("b", 0.8));
    let c = compare(&a, &b, &settings(0.03)).unwrap();
    let m = find(&c, 1);
    eprintln!(
        "{}: ratio {:.4} p {:.1e} p_adj {:.1e} over {} quantities → {:?}",
        m.name,
        m.ratio.unwrap(),
        m.p_value.unwrap(),
        m.p_adjusted.unwrap(),
        c.quantities_compared,
        m.outcome
    );
    assert!(c.quantities_compared >= 64, "{}", c.quantities_compared);
    assert_eq!(m.outcome, Outcome::Decrease, "{}", m.reason);
    assert!((m.ratio.unwrap() - 0.8).abs() < 0.02);
    assert!(m.p_adjusted.unwrap() < 0.001);
    let others: Vec<&str> = c
        .metrics
        .iter()
        .filter(|x| x.index != Some(1) && x.outcome.is_change())
        .map(|x| x.name.as_str())
        .collect();
    assert!(others.is_empty(), "false changes: {others:?}");
}

#[test]
fn metric_verdicts_of_many_runs_stay_under_alpha_without_a_change() {
    // 200 null comparisons of 20 runs a side × 66 metrics, run-to-run spread 5% (shared 3%,
    // per metric 4%): a point ratio beyond ±3% is common, so only the run-median U test and
    // Benjamini–Hochberg keep the verdicts honest. Any false change in a comparison counts.
    let s = Settings {
        alpha: 0.01,
        min_effect: 0.03,
        resamples: 200,
        ..Settings::default()
    };
    let mut rng = SplitMix64::new(2024);
    let (comparisons, metrics, runs) = (200, 66, 20);
    let mut with_false_change = 0;
    let side = |rng: &mut SplitMix64| -> Vec<Vec<Vec<f64>>> {
        let shared: Vec<f64> = (0..runs).map(|_| 1.0 + 0.03 * normal(rng)).collect();
        (0..metrics)
            .map(|_| {
                (0..runs)
                    .map(|r| {
                        let level = 100.0 * shared[r] * (1.0 + 0.04 * normal(rng));
                        (0..8).map(|_| level * (1.0 + 0.03 * normal(rng))).collect()
                    })
                    .collect()
            })
            .collect()
    };
    for _ in 0..comparisons {
        let (a, b) = (side(&mut rng), side(&mut rng));
        let analyses: Vec<_> = a
            .iter()
            .zip(&b)
            .map(|(ma, mb)| {
                let (ga, gb) = (Sample::runs(ma).unwrap(), Sample::runs(mb).unwrap());
                analyze_runs(&ga, &gb, &s).unwrap()
            })
            .collect();
        let p: Vec<f64> = analyses.iter().map(|an| an.p_two_sided).collect();
        let q = benjamini_hochberg(&p);
        let false_change = analyses.iter().zip(&q).any(|(an, &q)| {
            matches!(
                decide(&an.case(q, &s), Direction::HigherIsBetter, &s).0,
                Verdict::Regression | Verdict::Improvement
            )
        });
        with_false_change += usize::from(false_change);
    }
    let rate = with_false_change as f64 / comparisons as f64;
    eprintln!(
        "null: {with_false_change}/{comparisons} comparisons with a false change ({rate:.3})"
    );
    // Expected ≤ alpha = 0.01 (2 of 200); 6 or more has probability < 2% at that rate.
    assert!(with_false_change <= 5, "{with_false_change}/{comparisons}");
}

#[test]
fn five_runs_a_side_cover_the_true_ratio_at_the_nominal_level() {
    // 40 comparisons of 5 runs a side × 10 gauges: B's level is 1.05 × A's; each run's level
    // varies by 3% (set at start-up), each interval by 2%. The 99% interval must cover 1.05 in
    // at least 98.5% of the 400 cases (resampling 5 runs with normal or percentile quantiles
    // covered 96.7–97.8%).
    let d = scratch("stats-five");
    let indices = gauges(10);
    assert_eq!(indices.len(), 10);
    let mut rng = SplitMix64::new(55);
    let (mut covered, mut total) = (0, 0);
    for k in 0..40 {
        let mut side = |name: &str, scale: f64| {
            multi_run_side(
                &d.join(format!("{k}/{name}")),
                &indices,
                5,
                22,
                0.02,
                &mut rng,
                |rng, _, _| 1e6 * scale * (1.0 + 0.03 * normal(rng)),
            )
        };
        let (a, b) = (side("a", 1.0), side("b", 1.05));
        let c = compare(&a, &b, &settings(0.03)).unwrap();
        for &i in &indices {
            let ci = find(&c, i).ci.unwrap();
            covered += usize::from(ci.0 <= 1.05 && 1.05 <= ci.1);
            total += 1;
        }
    }
    let rate = covered as f64 / total as f64;
    eprintln!("5 vs 5 runs: 99% intervals cover the true ratio in {covered}/{total} ({rate:.4})");
    assert_eq!(total, 400);
    assert!(rate >= 0.985, "coverage {rate}");
}

/// A/A comparisons of one run a side with AR(1) noise: (raw p < 0.01, false changes, cases).
fn autocorrelated_aa(
    d: &Path,
    phi: f64,
    intervals: usize,
    comparisons: usize,
) -> (usize, usize, usize) {
    let indices = gauges(20);
    let mut rng = SplitMix64::new(7 + (phi * 100.0) as u64 + intervals as u64);
    let (mut significant, mut changes, mut cases) = (0, 0, 0);
    for k in 0..comparisons {
        let mut side = |name: &str| {
            let mut noise: Vec<Ar1> = indices.iter().map(|_| Ar1::new(&mut rng, phi)).collect();
            let path = d.join(format!("{phi}-{intervals}-{k}-{name}.csv"));
            write_csv(&path, &indices, intervals + 1, |_, c| {
                1e6 * (1.0 + 0.05 * noise[c].next(&mut rng))
            });
            load(name, &[path])
        };
        let (a, b) = (side("a"), side("b"));
        let c = compare(&a, &b, &settings(0.03)).unwrap();
        for &i in &indices {
            let m = find(&c, i);
            significant += usize::from(m.p_value.unwrap() < 0.01);
            changes += usize::from(m.outcome.is_change());
            cases += 1;
        }
    }
    eprintln!(
        "A/A, one run a side, AR(1) φ {phi}, {intervals} intervals: p < 0.01 in {significant}/{cases}, false changes {changes}/{cases}"
    );
    (significant, changes, cases)
}

#[test]
fn autocorrelated_intervals_do_not_pass_for_a_change() {
    // Engine CSVs sampled faster than their load changes: neighbouring intervals share their
    // conditions. Treated as independent, 300 intervals with φ = 0.5 gave p < 0.01 in 14% of
    // A/A comparisons, φ = 0.9 in 55%.
    let d = scratch("stats-ar1");
    for (phi, intervals, comparisons) in [(0.5, 300, 10), (0.9, 300, 10), (0.9, 2000, 5)] {
        let (significant, changes, cases) = autocorrelated_aa(&d, phi, intervals, comparisons);
        // Nominal 1%: at most 2.5% significant and 1% false changes.
        assert!(
            significant as f64 <= 0.025 * cases as f64,
            "φ {phi}, n {intervals}: p < 0.01 in {significant}/{cases}"
        );
        assert!(
            changes as f64 <= 0.01 * cases as f64,
            "φ {phi}, n {intervals}: {changes}/{cases} false changes"
        );
    }
}

#[test]
fn a_real_shift_under_autocorrelation_is_still_found() {
    // 2,000 intervals a side, AR(1) φ = 0.5, 5% interval noise: B's level 5% lower.
    let d = scratch("stats-ar1-shift");
    let indices = gauges(4);
    let mut rng = SplitMix64::new(31);
    let mut side = |name: &str, scale: f64| {
        let mut noise: Vec<Ar1> = indices.iter().map(|_| Ar1::new(&mut rng, 0.5)).collect();
        let path = d.join(format!("{name}.csv"));
        write_csv(&path, &indices, 2001, |_, c| {
            let s = if c == 0 { scale } else { 1.0 };
            1e6 * s * (1.0 + 0.05 * noise[c].next(&mut rng))
        });
        load(name, &[path])
    };
    let (a, b) = (side("a", 1.0), side("b", 0.95));
    let c = compare(&a, &b, &settings(0.03)).unwrap();
    let m = find(&c, indices[0]);
    eprintln!("{}: {:?}, {}", m.name, m.outcome, m.reason);
    assert_eq!(m.outcome, Outcome::Decrease, "{}", m.reason);
    assert!((m.ratio.unwrap() - 0.95).abs() < 0.01);
    assert!(m.reason.contains("autocorrelated"), "{}", m.reason);
    for &i in &indices[1..] {
        assert!(!find(&c, i).outcome.is_change(), "{}", find(&c, i).reason);
    }
}
