//! Percentile-bootstrap confidence interval for the ratio of medians `median(b)/median(a)`:
//! the gate's effect size ("b is 7% slower than a") with an uncertainty range.
//!
//! Each resample draws `a` and `b` independently with replacement (the sides are independent
//! runs), takes both medians by quickselect into reused buffers, and records the ratio.
//! Deterministic for a given seed. Metrics are expected to be positive (times, throughputs).

use super::distribution::{difference_p, student_t_quantile};
use super::medians::fieller_ratio;
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
    ratio_of_medians_ci_dependent(a, b, 1.0, 1.0, resamples, confidence, seed)
}

/// [`ratio_of_medians_ci`] for two serially dependent series (each one run's intervals in time
/// order): the percentile interval of the independent bootstrap, stretched around the point
/// ratio by `s = √((τ_a·c_a + τ_b·c_b)/(c_a + c_b))`, where `c_a`, `c_b` are each side's share
/// of the bootstrap variance of the ratio (delta method) and `tau_a`, `tau_b` the medians'
/// variance factors ([`super::dependence::Dependence::tau_median`]). Stretching is in log space
/// when the interval is positive, linear otherwise. With both factors 1 (or below) it is
/// exactly [`ratio_of_medians_ci`].
pub fn ratio_of_medians_ci_dependent(
    a: &[f64],
    b: &[f64],
    tau_a: f64,
    tau_b: f64,
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
    let med_b = median_in_place(&mut buf_b);
    let ratio = med_b / med_a;

    let mut rng = SplitMix64::new(seed);
    let mut ratios = Vec::with_capacity(resamples);
    let (mut moments_a, mut moments_b) = (Moments::default(), Moments::default());
    for _ in 0..resamples {
        for slot in buf_a.iter_mut() {
            *slot = a[rng.below(a.len())];
        }
        for slot in buf_b.iter_mut() {
            *slot = b[rng.below(b.len())];
        }
        let (ma, mb) = (median_in_place(&mut buf_a), median_in_place(&mut buf_b));
        moments_a.add(ma);
        moments_b.add(mb);
        let r = mb / ma;
        if !r.is_nan() {
            ratios.push(r);
        }
    }
    if ratios.is_empty() {
        return None;
    }
    let ci = percentile_interval(ratio, &mut ratios, confidence);
    let (tau_a, tau_b) = (tau_a.max(1.0), tau_b.max(1.0));
    if tau_a == 1.0 && tau_b == 1.0 {
        return Some(ci);
    }
    // Delta-method shares of var(ratio): var(m_b)/m_a² and ratio²·var(m_a)/m_a².
    let c_b = moments_b.variance() / (med_a * med_a);
    let c_a = ratio * ratio * moments_a.variance() / (med_a * med_a);
    let total = c_a + c_b;
    let stretch = if total > 0.0 && total.is_finite() {
        ((tau_a * c_a + tau_b * c_b) / total).sqrt()
    } else {
        tau_a.max(tau_b).sqrt()
    };
    Some(stretch_interval(ci, stretch))
}

/// Widens `ci` around its point ratio by `stretch` (log space when all three are positive).
fn stretch_interval(ci: RatioCi, stretch: f64) -> RatioCi {
    let r = ci.ratio;
    if r > 0.0 && ci.lo > 0.0 && ci.hi > 0.0 {
        RatioCi {
            ratio: r,
            lo: r * (ci.lo / r).powf(stretch),
            hi: r * (ci.hi / r).powf(stretch),
        }
    } else {
        RatioCi {
            ratio: r,
            lo: r - stretch * (r - ci.lo),
            hi: r + stretch * (ci.hi - r),
        }
    }
}

/// Running mean and variance (Welford), so resampled medians need no second buffer.
#[derive(Debug, Default, Clone, Copy)]
struct Moments {
    n: f64,
    mean: f64,
    m2: f64,
}

impl Moments {
    fn add(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        self.n += 1.0;
        let d = x - self.mean;
        self.mean += d / self.n;
        self.m2 += d * (x - self.mean);
    }

    /// Sample variance (n − 1 denominator); 0 with fewer than two values.
    fn variance(&self) -> f64 {
        if self.n > 1.0 {
            self.m2 / (self.n - 1.0)
        } else {
            0.0
        }
    }
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

    #[test]
    fn dependent_variant_widens_only_for_dependent_sides() {
        let a: Vec<f64> = (0..60).map(|i| 100.0 + f64::from((i * 17) % 23)).collect();
        let b: Vec<f64> = a.iter().map(|x| x * 1.05).collect();
        let plain = ratio_of_medians_ci(&a, &b, 400, 0.99, 5).unwrap();
        let same = ratio_of_medians_ci_dependent(&a, &b, 1.0, 0.7, 400, 0.99, 5).unwrap();
        assert_eq!(plain, same);
        // τ = 4 on both sides: every half-width doubles in log space.
        let wide = ratio_of_medians_ci_dependent(&a, &b, 4.0, 4.0, 400, 0.99, 5).unwrap();
        assert_eq!(wide.ratio, plain.ratio);
        let log_half = |x: f64| (x / plain.ratio).ln();
        assert!(((wide.lo / wide.ratio).ln() / log_half(plain.lo) - 2.0).abs() < 1e-9);
        assert!(((wide.hi / wide.ratio).ln() / log_half(plain.hi) - 2.0).abs() < 1e-9);
        // Only B dependent: the stretch lies between 1 and 2.
        let part = ratio_of_medians_ci_dependent(&a, &b, 1.0, 4.0, 400, 0.99, 5).unwrap();
        assert!(part.hi > plain.hi && part.hi < wide.hi, "{part:?}");
    }
}

/// Interval of `median(b)/median(a)` for samples that come in runs, where the run is the
/// independent unit: intervals of one run share that run's conditions (CPU frequency,
/// neighbours), so only run-to-run variation can say how far the pooled medians may move.
///
/// The point ratio is that of the pooled medians (every interval of every run). Its uncertainty
/// comes from resampling whole runs (each side `resamples` times; the pooled median of a
/// multiset of runs found by binary search over the sorted runs, so the cost does not grow with
/// the intervals): each side's bootstrap variance times `k/(k − 1)` (the resampling bias of k
/// clusters) gives `v_a`, `v_b`. A side of one run borrows the other side's run-to-run variance
/// (it is one draw from a population like the other's). The interval is the delta-method
/// interval of the log ratio, `ratio · exp(±t·√(v_a/m_a² + v_b/m_b²))` (Fieller's when a median
/// is not positive), with the Student t quantile at Welch–Satterthwaite degrees of freedom
/// `(v_a + v_b)²/(v_a²/(k_a − 1) + v_b²/(k_b − 1))`: with 5 runs a side the normal quantile (or
/// percentiles of 5 resampled runs) covers 97–98% for a nominal 99%, the t quantile 99.75%.
/// Returns the interval and the two-sided Welch t p-value of `median(b) = median(a)`
/// (informative: the run-median U test decides).
///
/// `None` if a side has no values, both sides hold a single run, `median(a) = 0`,
/// `resamples = 0` or `confidence` is not in `(0, 1)`.
pub fn cluster_ratio_of_medians_ci(
    a: &[&[f64]],
    b: &[&[f64]],
    resamples: usize,
    confidence: f64,
    seed: u64,
) -> Option<(RatioCi, f64)> {
    let (sa, sb) = (SortedRuns::new(a), SortedRuns::new(b));
    let (ka, kb) = (sa.runs.len(), sb.runs.len());
    if ka == 0 || kb == 0 || (ka < 2 && kb < 2) || resamples == 0 {
        return None;
    }
    if !(confidence > 0.0 && confidence < 1.0) {
        return None;
    }
    let (med_a, med_b) = (sa.median(&vec![1; ka]), sb.median(&vec![1; kb]));
    if med_a == 0.0 {
        return None;
    }
    let mut rng = SplitMix64::new(seed);
    let (mut moments_a, mut moments_b) = (Moments::default(), Moments::default());
    let (mut wa, mut wb) = (vec![0u32; ka], vec![0u32; kb]);
    for _ in 0..resamples {
        for (w, s, moments) in [
            (&mut wa, &sa, &mut moments_a),
            (&mut wb, &sb, &mut moments_b),
        ] {
            let k = w.len();
            w.fill(0);
            for _ in 0..k {
                w[rng.below(k)] += 1;
            }
            moments.add(s.median(w));
        }
    }
    // Per-run variance of the pooled median: var* · k²/(k − 1); v = that / k.
    let per_run =
        |m: &Moments, k: usize| (k >= 2).then(|| m.variance() * (k * k) as f64 / (k - 1) as f64);
    let (run_a, run_b) = (per_run(&moments_a, ka), per_run(&moments_b, kb));
    let (v_a, v_b, df) = match (run_a, run_b) {
        (Some(ra), Some(rb)) => {
            let (v_a, v_b) = (ra / ka as f64, rb / kb as f64);
            let den = v_a * v_a / (ka - 1) as f64 + v_b * v_b / (kb - 1) as f64;
            let df = if den > 0.0 {
                (v_a + v_b).powi(2) / den
            } else {
                (ka + kb - 2) as f64
            };
            (v_a, v_b, df)
        }
        (None, Some(rb)) => (rb, rb / kb as f64, (kb - 1) as f64),
        (Some(ra), None) => (ra / ka as f64, ra, (ka - 1) as f64),
        (None, None) => return None,
    };
    let crit = student_t_quantile((1.0 + confidence) / 2.0, df);
    // On the log scale when both medians are positive (the usual case: rates and levels):
    // Fieller's interval in the linear scale bursts open when A's few runs spread widely
    // (5 runs, one cold: 0.24..1.53 around a ratio of 0.42 with every B run far below every
    // A run), while the log-ratio's delta-method interval stays as wide as the evidence.
    let (lo, hi) = if med_a > 0.0 && med_b > 0.0 {
        let ratio = med_b / med_a;
        let half = crit * (v_a / (med_a * med_a) + v_b / (med_b * med_b)).sqrt();
        (ratio * (-half).exp(), ratio * half.exp())
    } else {
        fieller_ratio(med_a, v_a, med_b, v_b, crit)
    };
    let diff = med_b - med_a;
    let var = v_a + v_b;
    let p = difference_p(diff, var, df);
    Some((
        RatioCi {
            ratio: med_b / med_a,
            lo,
            hi,
        },
        p,
    ))
}

/// One side's runs, each sorted, and all its values sorted with the run each came from: the
/// pooled median of any multiset of its runs (run `r` counted `w[r]` times), by a walk over
/// the sorted values (O(n), for small sides) or a binary search over them (O(log n · runs ·
/// log run), for long runs), whichever is cheaper.
struct SortedRuns {
    runs: Vec<Vec<f64>>,
    all: Vec<f64>,
    owner: Vec<u32>,
    walk: bool,
}

impl SortedRuns {
    fn new(groups: &[&[f64]]) -> SortedRuns {
        let mut runs: Vec<Vec<f64>> = groups
            .iter()
            .filter(|g| !g.is_empty())
            .map(|g| g.to_vec())
            .collect();
        for r in &mut runs {
            r.sort_unstable_by(f64::total_cmp);
        }
        let mut tagged: Vec<(f64, u32)> = runs
            .iter()
            .enumerate()
            .flat_map(|(i, r)| r.iter().map(move |&x| (x, i as u32)))
            .collect();
        tagged.sort_unstable_by(|x, y| x.0.total_cmp(&y.0));
        let (all, owner): (Vec<f64>, Vec<u32>) = tagged.into_iter().unzip();
        let n = all.len().max(2) as f64;
        let search_cost =
            2.0 * n.log2() * runs.len() as f64 * (n / runs.len().max(1) as f64).log2().max(1.0);
        SortedRuns {
            walk: n <= 4.0 * search_cost,
            runs,
            all,
            owner,
        }
    }

    /// The `k`-th smallest (1-based) value of the weighted multiset, by binary search.
    fn kth(&self, w: &[u32], k: u64) -> f64 {
        let count = |v: f64| -> u64 {
            self.runs
                .iter()
                .zip(w)
                .filter(|(_, &w)| w > 0)
                .map(|(r, &w)| u64::from(w) * r.partition_point(|x| x.total_cmp(&v).is_le()) as u64)
                .sum()
        };
        let (mut lo, mut hi) = (0, self.all.len() - 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if count(self.all[mid]) >= k {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        self.all[lo]
    }

    /// The `k`-th and `k + 1`-th smallest (1-based) values by one walk over the sorted values.
    fn kth_pair_by_walk(&self, w: &[u32], k: u64) -> (f64, f64) {
        let mut seen = 0u64;
        let mut first = None;
        for (&x, &r) in self.all.iter().zip(&self.owner) {
            seen += u64::from(w[r as usize]);
            if first.is_none() && seen >= k {
                first = Some(x);
            }
            if seen > k {
                return (first.unwrap_or(x), x);
            }
        }
        let last = self.all[self.all.len() - 1];
        (first.unwrap_or(last), last)
    }

    /// Median of the weighted multiset (mean of the two middle values for an even count, as
    /// [`super::summary::median`]); `w` must not be all zero.
    fn median(&self, w: &[u32]) -> f64 {
        let total: u64 = self
            .runs
            .iter()
            .zip(w)
            .map(|(r, &w)| u64::from(w) * r.len() as u64)
            .sum();
        // The lower middle value (the median itself for an odd count) and the one after it.
        let k = total.div_ceil(2);
        let odd = total % 2 == 1;
        let (lower, upper) = if self.walk {
            self.kth_pair_by_walk(w, k)
        } else {
            let lower = self.kth(w, k);
            (lower, if odd { lower } else { self.kth(w, k + 1) })
        };
        if odd {
            lower
        } else {
            lower + 0.5 * (upper - lower)
        }
    }
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

    #[test]
    fn weighted_pooled_median_matches_materialising_the_runs() {
        let runs: Vec<Vec<f64>> = (0..6)
            .map(|r| {
                (0..(3 + r * 2))
                    .map(|i| f64::from(((i * 37 + r * 11) % 17) as u32) + f64::from(r as u32))
                    .collect()
            })
            .collect();
        let groups: Vec<&[f64]> = runs.iter().map(Vec::as_slice).collect();
        let sorted = SortedRuns::new(&groups);
        assert!(sorted.walk);
        let searched = SortedRuns {
            walk: false,
            ..SortedRuns::new(&groups)
        };
        let mut rng = SplitMix64::new(9);
        for _ in 0..200 {
            let mut w = vec![0u32; runs.len()];
            for _ in 0..runs.len() {
                w[rng.below(runs.len())] += 1;
            }
            let flat: Vec<f64> = runs
                .iter()
                .zip(&w)
                .flat_map(|(r, &k)| (0..k).flat_map(move |_| r.iter().copied()))
                .collect();
            let want = crate::median(&flat).unwrap();
            assert_eq!(sorted.median(&w), want, "{w:?}");
            assert_eq!(searched.median(&w), want, "{w:?}");
        }
    }

    #[test]
    fn a_single_run_side_borrows_the_other_sides_spread() {
        let run = |level: f64| -> Vec<f64> {
            (0..20)
                .map(|i| level * (1.0 + 0.001 * f64::from(i % 4)))
                .collect()
        };
        let a_runs = [run(100.0)];
        let b_runs = [run(96.0), run(104.0), run(100.0), run(98.0), run(102.0)];
        let a: Vec<&[f64]> = a_runs.iter().map(Vec::as_slice).collect();
        let b: Vec<&[f64]> = b_runs.iter().map(Vec::as_slice).collect();
        let (ci, p) = cluster_ratio_of_medians_ci(&a, &b, 500, 0.99, 3).unwrap();
        // One run of A against ±3% run levels: the interval spans more than B's own ±1.4%.
        assert!(ci.lo < 0.95 && ci.hi > 1.05, "{ci:?}");
        assert!(p > 0.5, "p = {p}");
        // Both sides a single run: not this function's case.
        assert!(cluster_ratio_of_medians_ci(&a, &a, 500, 0.99, 3).is_none());
        assert!(cluster_ratio_of_medians_ci(&a, &b, 0, 0.99, 3).is_none());
    }
}
