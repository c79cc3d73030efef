//! Percentile-bootstrap confidence interval for the ratio of medians `median(b)/median(a)`:
//! the gate's effect size ("b is 7% slower than a") with an uncertainty range.
//!
//! Each resample draws `a` and `b` independently with replacement (the sides are independent
//! runs), takes both medians by quickselect into reused buffers, and records the ratio.
//! Deterministic for a given seed. Metrics are expected to be positive (times, throughputs).

use super::rng::SplitMix64;
use super::summary::{median_in_place, quantile_sorted};

/// Point ratio with its bootstrap interval; all three are `median(b)/median(a)` scales.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatioCi {
    /// `median(b) / median(a)` of the observed samples.
    pub ratio: f64,
    /// Lower percentile bound (quantile `(1 − confidence)/2` of the bootstrap ratios).
    pub lo: f64,
    /// Upper percentile bound (quantile `(1 + confidence)/2`).
    pub hi: f64,
}

/// Ratio of medians `median(b)/median(a)` with a percentile-bootstrap CI.
///
/// `None` if either side is empty, `median(a) == 0`, `resamples == 0`, `confidence` is not in
/// `(0, 1)`, or every resampled ratio is NaN. Resamples whose ratio is NaN (0/0) are dropped;
/// a resampled `median(a)` of 0 gives an infinite bound, honestly reporting an unbounded CI.
pub fn ratio_of_medians_ci(
    a: &[f64],
    b: &[f64],
    resamples: usize,
    confidence: f64,
    seed: u64,
) -> Option<RatioCi> {
    if a.is_empty() || b.is_empty() || resamples == 0 {
        return None;
    }
    if !(confidence > 0.0 && confidence < 1.0) {
        return None;
    }
    let mut buf_a = a.to_vec();
    let mut buf_b = b.to_vec();
    let med_a = median_in_place(&mut buf_a);
    if med_a == 0.0 {
        return None;
    }
    let ratio = median_in_place(&mut buf_b) / med_a;

    let mut rng = SplitMix64::new(seed);
    let mut ratios = Vec::with_capacity(resamples);
    for _ in 0..resamples {
        for slot in buf_a.iter_mut() {
            *slot = a[rng.below(a.len())];
        }
        for slot in buf_b.iter_mut() {
            *slot = b[rng.below(b.len())];
        }
        let r = median_in_place(&mut buf_b) / median_in_place(&mut buf_a);
        if !r.is_nan() {
            ratios.push(r);
        }
    }
    if ratios.is_empty() {
        return None;
    }
    Some(percentile_interval(ratio, &mut ratios, confidence))
}

/// Percentile interval of the bootstrap `ratios` around the point estimate `ratio`.
fn percentile_interval(ratio: f64, ratios: &mut [f64], confidence: f64) -> RatioCi {
    ratios.sort_unstable_by(f64::total_cmp);
    let tail = (1.0 - confidence) / 2.0;
    RatioCi {
        ratio,
        lo: quantile_sorted(ratios, tail),
        hi: quantile_sorted(ratios, 1.0 - tail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_degenerate_input() {
        assert!(ratio_of_medians_ci(&[], &[1.0], 10, 0.9, 1).is_none());
        assert!(ratio_of_medians_ci(&[1.0], &[], 10, 0.9, 1).is_none());
        assert!(ratio_of_medians_ci(&[0.0, 0.0, 1.0], &[1.0], 10, 0.9, 1).is_none());
        assert!(ratio_of_medians_ci(&[1.0], &[1.0], 0, 0.9, 1).is_none());
        assert!(ratio_of_medians_ci(&[1.0], &[1.0], 10, 1.0, 1).is_none());
        assert!(ratio_of_medians_ci(&[1.0], &[1.0], 10, f64::NAN, 1).is_none());
    }

    #[test]
    fn constant_samples_give_a_point_interval() {
        let ci = ratio_of_medians_ci(&[2.0; 9], &[3.0; 7], 50, 0.95, 3).unwrap();
        assert_eq!((ci.ratio, ci.lo, ci.hi), (1.5, 1.5, 1.5));
    }

    #[test]
    fn deterministic_for_a_seed_and_brackets_the_ratio() {
        let a: Vec<f64> = (0..40).map(|i| 100.0 + f64::from((i * 17) % 23)).collect();
        let b: Vec<f64> = a.iter().map(|x| x * 1.1).collect();
        let c1 = ratio_of_medians_ci(&a, &b, 300, 0.95, 11).unwrap();
        let c2 = ratio_of_medians_ci(&a, &b, 300, 0.95, 11).unwrap();
        let c3 = ratio_of_medians_ci(&a, &b, 300, 0.95, 12).unwrap();
        assert_eq!(c1, c2);
        assert_ne!(c1, c3);
        assert!((c1.ratio - 1.1).abs() < 1e-12);
        assert!(c1.lo < c1.ratio && c1.ratio < c1.hi, "{c1:?}");
        assert!(c1.lo > 1.0 && c1.hi < 1.25, "{c1:?}");
        // A higher confidence gives a wider (or equal) interval from the same resamples.
        let wide = ratio_of_medians_ci(&a, &b, 300, 0.99, 11).unwrap();
        assert!(wide.lo <= c1.lo && wide.hi >= c1.hi);
    }
}

/// Two-stage (cluster) bootstrap of `median(b)/median(a)` for samples that come in runs:
/// resample whole runs, then intervals within each drawn run. Intervals of one run share that
/// run's conditions (CPU frequency, neighbours), so only this CI reflects run-to-run noise.
/// Returns the CI and a bootstrap two-sided p-value for "ratio = 1".
pub fn cluster_ratio_of_medians_ci(
    a: &[&[f64]],
    b: &[&[f64]],
    resamples: usize,
    confidence: f64,
    seed: u64,
) -> Option<(RatioCi, f64)> {
    let flat = |g: &[&[f64]]| -> Vec<f64> { g.iter().flat_map(|s| s.iter().copied()).collect() };
    let (fa, fb) = (flat(a), flat(b));
    if fa.is_empty() || fb.is_empty() || resamples == 0 || !(confidence > 0.0 && confidence < 1.0) {
        return None;
    }
    let (mut buf_a, mut buf_b) = (fa.clone(), fb.clone());
    let med_a = median_in_place(&mut buf_a);
    if med_a == 0.0 {
        return None;
    }
    let ratio = median_in_place(&mut buf_b) / med_a;
    let mut rng = SplitMix64::new(seed);
    let draw = |groups: &[&[f64]], buf: &mut Vec<f64>, rng: &mut SplitMix64| {
        buf.clear();
        for _ in 0..groups.len() {
            let g = groups[rng.below(groups.len())];
            for _ in 0..g.len() {
                buf.push(g[rng.below(g.len())]);
            }
        }
    };
    let mut ratios = Vec::with_capacity(resamples);
    for _ in 0..resamples {
        draw(a, &mut buf_a, &mut rng);
        draw(b, &mut buf_b, &mut rng);
        if buf_a.is_empty() || buf_b.is_empty() {
            continue;
        }
        let r = median_in_place(&mut buf_b) / median_in_place(&mut buf_a);
        if !r.is_nan() {
            ratios.push(r);
        }
    }
    if ratios.is_empty() {
        return None;
    }
    let ci = percentile_interval(ratio, &mut ratios, confidence);
    let below = ratios.iter().filter(|&&r| r <= 1.0).count() as f64 / ratios.len() as f64;
    let above = ratios.iter().filter(|&&r| r >= 1.0).count() as f64 / ratios.len() as f64;
    let p = (2.0 * below.min(above))
        .min(1.0)
        .max(1.0 / ratios.len() as f64);
    Some((ci, p))
}

#[cfg(test)]
mod cluster_tests {
    use super::*;

    #[test]
    fn run_to_run_noise_widens_the_interval() {
        // Three runs per side whose levels differ by ±4% while intervals within a run are tight.
        let run = |level: f64| -> Vec<f64> {
            (0..50)
                .map(|i| level * (1.0 + 0.002 * f64::from(i % 5)))
                .collect()
        };
        let a_runs = [run(100.0), run(104.0), run(96.0)];
        let b_runs = [run(101.0), run(105.0), run(97.0)];
        let a: Vec<&[f64]> = a_runs.iter().map(Vec::as_slice).collect();
        let b: Vec<&[f64]> = b_runs.iter().map(Vec::as_slice).collect();
        let (ci, p) = cluster_ratio_of_medians_ci(&a, &b, 1000, 0.99, 7).unwrap();
        let flat =
            |g: &[&[f64]]| -> Vec<f64> { g.iter().flat_map(|s| s.iter().copied()).collect() };
        let plain = ratio_of_medians_ci(&flat(&a), &flat(&b), 1000, 0.99, 7).unwrap();
        assert!(
            ci.hi - ci.lo > 2.0 * (plain.hi - plain.lo),
            "cluster {ci:?} vs plain {plain:?}"
        );
        assert!(
            ci.lo < 1.0 && ci.hi > 1.0,
            "a 1% shift within 4% run noise is not established: {ci:?}"
        );
        assert!(p > 0.05, "p = {p}");
    }

    #[test]
    fn a_large_shift_stays_significant() {
        let run = |level: f64| -> Vec<f64> {
            (0..50)
                .map(|i| level * (1.0 + 0.01 * f64::from(i % 7)))
                .collect()
        };
        let a_runs = [run(100.0), run(101.0), run(99.0)];
        let b_runs = [run(80.0), run(81.0), run(79.0)];
        let a: Vec<&[f64]> = a_runs.iter().map(Vec::as_slice).collect();
        let b: Vec<&[f64]> = b_runs.iter().map(Vec::as_slice).collect();
        let (ci, p) = cluster_ratio_of_medians_ci(&a, &b, 1000, 0.99, 7).unwrap();
        assert!(ci.hi < 0.9 && (ci.ratio - 0.8).abs() < 0.02, "{ci:?}");
        assert!(p <= 0.002, "p = {p}");
    }
}
