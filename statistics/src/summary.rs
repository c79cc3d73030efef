//! Descriptive statistics of one sample (one benchmark side).
//!
//! Inputs are used as given: nothing is dropped or winsorised, and NaN is *not* filtered
//! here (a NaN makes the mean/std NaN and lands at an end of the sort order). Callers must
//! remove NaN/inf measurements before calling.

/// Scale making the MAD a consistent estimator of σ for normal data (1/Φ⁻¹(3/4)).
const MAD_TO_SIGMA: f64 = 1.482_602_218_505_602;

/// Everything the gate reports about one side; computed once so reports and rules agree.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Number of samples.
    pub n: usize,
    /// Arithmetic mean.
    pub mean: f64,
    /// Median (type-7 quantile at 0.5).
    pub median: f64,
    /// 5th percentile (type 7).
    pub p05: f64,
    /// 25th percentile, the lower quartile (type 7).
    pub p25: f64,
    /// 75th percentile, the upper quartile (type 7).
    pub p75: f64,
    /// 95th percentile (type 7).
    pub p95: f64,
    /// Smallest sample.
    pub min: f64,
    /// Largest sample.
    pub max: f64,
    /// Sample standard deviation (n − 1 denominator; 0 when n = 1).
    pub std_dev: f64,
    /// Median absolute deviation scaled by 1.4826 (≈ σ for normal data), like criterion.
    pub mad: f64,
    /// Interquartile range p75 − p25 (type 7).
    pub iqr: f64,
    /// Coefficient of variation `std_dev / |mean|` (0 if all equal, +inf if mean is 0 and
    /// std_dev > 0); the gate's noise measure.
    pub cv: f64,
}

impl Summary {
    /// Summarises `xs` (any order); `None` if empty. NaN is not filtered (see module doc).
    ///
    /// Quantiles come from selection (expected O(n)) rather than a full sort, so a 100k-interval
    /// side costs a few passes; the values are the same order statistics a sort would give.
    pub fn of(xs: &[f64]) -> Option<Summary> {
        if xs.is_empty() {
            return None;
        }
        let n = xs.len();
        let mut buf = xs.to_vec();
        let (mean, std_dev) = mean_and_std_dev(xs);
        let qs = [0.05, 0.25, 0.5, 0.75, 0.95];
        let q = quantiles_in_place(&mut buf, &qs);
        let (min, max) = buf
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
                (
                    if x.total_cmp(&lo).is_lt() { x } else { lo },
                    if x.total_cmp(&hi).is_gt() { x } else { hi },
                )
            });
        let median = q[2];
        for x in buf.iter_mut() {
            *x = (*x - median).abs();
        }
        let mad = MAD_TO_SIGMA * quantiles_in_place(&mut buf, &[0.5])[0];
        let cv = if std_dev == 0.0 {
            0.0
        } else if mean == 0.0 {
            f64::INFINITY
        } else {
            std_dev / mean.abs()
        };
        Some(Summary {
            n,
            mean,
            median,
            p05: q[0],
            p25: q[1],
            p75: q[3],
            p95: q[4],
            min,
            max,
            std_dev,
            mad,
            iqr: q[3] - q[1],
            cv,
        })
    }
}

/// The figures a comparison reports for each side of a quantity: [`Summary`]'s that a reader
/// compares at a glance, computed without the rest (no MAD, no extra quantiles).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Describe {
    /// Samples (intervals).
    pub n: usize,
    /// Median.
    pub median: f64,
    /// Mean.
    pub mean: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Standard deviation (spread).
    pub std_dev: f64,
}

impl Describe {
    /// The figures of `xs` (any order; NaN is not filtered, see the module doc), equal to the
    /// bit to [`Summary::of`]'s: the same mean and deviation passes, and one selection of the
    /// median's and p95's order statistics. No samples: `n` = 0 and NaN figures.
    pub fn of(xs: &[f64]) -> Describe {
        if xs.is_empty() {
            return Describe {
                n: 0,
                median: f64::NAN,
                mean: f64::NAN,
                p95: f64::NAN,
                std_dev: f64::NAN,
            };
        }
        let (mean, std_dev) = mean_and_std_dev(xs);
        let mut buf = xs.to_vec();
        let q = quantiles_in_place(&mut buf, &[0.5, 0.95]);
        Describe {
            n: xs.len(),
            median: q[0],
            mean,
            p95: q[1],
            std_dev,
        }
    }
}

/// Mean and sample standard deviation (n − 1 denominator; 0 when n = 1) of non-empty `xs`, in
/// two passes (the deviations from the mean, not a sum of squares that cancels).
fn mean_and_std_dev(xs: &[f64]) -> (f64, f64) {
    let n = xs.len();
    let mean = xs.iter().sum::<f64>() / n as f64;
    let std_dev = if n > 1 {
        let ss: f64 = xs.iter().map(|x| (x - mean) * (x - mean)).sum();
        (ss / (n - 1) as f64).sqrt()
    } else {
        0.0
    };
    (mean, std_dev)
}

/// Type-7 quantiles (as [`quantile_sorted`] on sorted data) of unsorted `buf` by selection,
/// reordering `buf`; expected O(n·log k) for k quantiles. Empty input gives NaN.
pub fn quantiles_in_place(buf: &mut [f64], qs: &[f64]) -> Vec<f64> {
    let n = buf.len();
    if n == 0 {
        return vec![f64::NAN; qs.len()];
    }
    let positions: Vec<(usize, f64)> = qs
        .iter()
        .map(|&q| {
            let h = (n - 1) as f64 * if q.is_nan() { 0.0 } else { q.clamp(0.0, 1.0) };
            let lo = h.floor() as usize;
            (lo.min(n - 1), h - lo as f64)
        })
        .collect();
    let mut ranks: Vec<usize> = positions
        .iter()
        .flat_map(|&(lo, _)| [lo, (lo + 1).min(n - 1)])
        .collect();
    ranks.sort_unstable();
    ranks.dedup();
    select_ranks(buf, &ranks);
    qs.iter()
        .zip(&positions)
        .map(|(&q, &(lo, frac))| {
            if q.is_nan() {
                f64::NAN
            } else if lo + 1 >= n || frac == 0.0 {
                buf[lo]
            } else {
                buf[lo] + frac * (buf[lo + 1] - buf[lo])
            }
        })
        .collect()
}

/// Reorders `buf` so that every position in `ranks` (ascending, 0-based, in range) holds the
/// value a full sort would put there (recursive multi-select).
pub fn select_ranks(buf: &mut [f64], ranks: &[usize]) {
    if ranks.is_empty() || buf.is_empty() {
        return;
    }
    let mid = ranks.len() / 2;
    let r = ranks[mid];
    let (left, _, right) = buf.select_nth_unstable_by(r, f64::total_cmp);
    let below = ranks[..mid].partition_point(|&k| k < r);
    select_ranks(left, &ranks[..below]);
    let offset = r + 1;
    let upper: Vec<usize> = ranks[mid + 1..]
        .iter()
        .filter(|&&k| k > r)
        .map(|&k| k - offset)
        .collect();
    select_ranks(right, &upper);
}

/// Quantile of ascending-sorted data by linear interpolation (Hyndman–Fan type 7, numpy's
/// default); `q` is clamped to `[0, 1]`, empty input gives NaN.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 || q.is_nan() {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let frac = h - lo as f64;
    if lo + 1 >= n || frac == 0.0 {
        return sorted[lo.min(n - 1)];
    }
    sorted[lo] + frac * (sorted[lo + 1] - sorted[lo])
}

/// Median of unsorted data in O(n) (copies, then quickselect); `None` if empty.
pub fn median(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    let mut buf = xs.to_vec();
    Some(median_in_place(&mut buf))
}

/// Median by quickselect, reordering `buf`; the allocation-free core used by the bootstrap.
/// `buf` must be non-empty.
pub(super) fn median_in_place(buf: &mut [f64]) -> f64 {
    let n = buf.len();
    let mid = n / 2;
    let (left, upper, _) = buf.select_nth_unstable_by(mid, f64::total_cmp);
    let upper = *upper;
    if n % 2 == 1 {
        upper
    } else {
        // Largest element of the lower half is the other middle value.
        let lower = left
            .iter()
            .copied()
            .max_by(|a, b| a.total_cmp(b))
            .unwrap_or(upper);
        lower + 0.5 * (upper - lower)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const X: [f64; 10] = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0];

    #[test]
    fn quantile_matches_numpy_default() {
        // numpy 2.x: np.quantile(x, q) (method="linear") for x = X.
        let mut s = X.to_vec();
        s.sort_by(f64::total_cmp);
        let cases = [
            (0.0, 1.0),
            (0.05, 1.0),
            (0.25, 2.25),
            (0.33, 2.97),
            (0.5, 3.5),
            (0.75, 5.0),
            (0.95, 7.65),
            (1.0, 9.0),
        ];
        for (q, e) in cases {
            let got = quantile_sorted(&s, q);
            assert!((got - e).abs() < 1e-12, "q={q}: {got} vs {e}");
        }
        // np.quantile([1, 2.5, 4, 7], [.1, .5, .9]) = [1.45, 3.25, 6.1]
        let y = [1.0, 2.5, 4.0, 7.0];
        for (q, e) in [(0.1, 1.45), (0.5, 3.25), (0.9, 6.1)] {
            assert!((quantile_sorted(&y, q) - e).abs() < 1e-12);
        }
        assert!(quantile_sorted(&[], 0.5).is_nan());
        assert_eq!(quantile_sorted(&[4.0], 0.9), 4.0);
        assert_eq!(quantile_sorted(&y, -1.0), 1.0);
        assert_eq!(quantile_sorted(&y, 2.0), 7.0);
    }

    #[test]
    fn summary_of_small_vector() {
        let s = Summary::of(&X).unwrap();
        assert_eq!(s.n, 10);
        assert!((s.mean - 3.9).abs() < 1e-12);
        assert!((s.median - 3.5).abs() < 1e-12);
        // numpy: x.std(ddof=1) = 2.4698178070456938; median(|x - 3.5|) = 1.5
        assert!((s.std_dev - 2.469_817_807_045_693_8).abs() < 1e-12);
        assert!((s.mad - 1.5 * MAD_TO_SIGMA).abs() < 1e-12);
        assert!((s.iqr - 2.75).abs() < 1e-12);
        assert_eq!((s.p25, s.p75), (2.25, 5.0));
        assert!((s.p05 - 1.0).abs() < 1e-12 && (s.p95 - 7.65).abs() < 1e-12);
        assert_eq!((s.min, s.max), (1.0, 9.0));
        assert!((s.cv - 2.469_817_807_045_693_8 / 3.9).abs() < 1e-12);
    }

    #[test]
    fn summary_edge_cases() {
        assert!(Summary::of(&[]).is_none());
        let one = Summary::of(&[2.0]).unwrap();
        assert_eq!((one.n, one.std_dev, one.cv, one.iqr), (1, 0.0, 0.0, 0.0));
        let zero_mean = Summary::of(&[-1.0, 1.0]).unwrap();
        assert_eq!(zero_mean.cv, f64::INFINITY);
        let constant = Summary::of(&[0.0, 0.0, 0.0]).unwrap();
        assert_eq!(constant.cv, 0.0);
    }

    #[test]
    fn describe_agrees_with_summary_to_the_bit() {
        let v: Vec<f64> = (0..1001)
            .map(|i| f64::from((i * 7919) % 113) * 1.37e6 + f64::from(i) * 0.1)
            .collect();
        for xs in [&v[..], &v[..2], &v[..1], &X[..]] {
            let (s, d) = (Summary::of(xs).unwrap(), Describe::of(xs));
            assert_eq!(
                (d.n, d.median, d.mean, d.p95, d.std_dev),
                (s.n, s.median, s.mean, s.p95, s.std_dev),
                "n = {}",
                xs.len()
            );
        }
        // Two runs pooled: linear p95 at position 0.95·4 = 3.8, between 4 and 10.
        let d = Describe::of(&[1.0, 2.0, 3.0, 4.0, 10.0]);
        assert_eq!((d.n, d.median, d.mean), (5, 3.0, 4.0));
        assert!((d.p95 - 8.8).abs() < 1e-12, "{}", d.p95);
        assert!((d.std_dev - 12.5f64.sqrt()).abs() < 1e-12);
        let none = Describe::of(&[]);
        assert_eq!(none.n, 0);
        assert!(none.median.is_nan() && none.mean.is_nan() && none.p95.is_nan());
        assert!(none.std_dev.is_nan());
    }

    #[test]
    fn median_odd_even_and_empty() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&X), Some(3.5));
        assert_eq!(median(&[4.0, -2.0]), Some(1.0));
        // median agrees with the type-7 quantile on shuffled data
        let v: Vec<f64> = (0..101).map(|i| f64::from((i * 37) % 101)).collect();
        assert_eq!(median(&v), Some(50.0));
        let w: Vec<f64> = (0..100).map(|i| f64::from((i * 37) % 100)).collect();
        assert_eq!(median(&w), Some(49.5));
    }

    #[test]
    fn selection_matches_sorting() {
        // Ties, negatives and -0.0: every quantile equals the sort-based one.
        let mut v: Vec<f64> = (0..1001)
            .map(|i| f64::from((i * 7919) % 113) - 40.0)
            .collect();
        v[5] = -0.0;
        let mut sorted = v.clone();
        sorted.sort_unstable_by(f64::total_cmp);
        let qs = [0.0, 0.01, 0.05, 0.25, 0.333, 0.5, 0.75, 0.95, 0.999, 1.0];
        let mut buf = v.clone();
        let got = quantiles_in_place(&mut buf, &qs);
        for (q, g) in qs.iter().zip(&got) {
            assert_eq!(*g, quantile_sorted(&sorted, *q), "q = {q}");
        }
        let mut buf = v.clone();
        select_ranks(&mut buf, &[0, 3, 3, 500, 999, 1000]);
        for k in [0, 3, 500, 999, 1000] {
            assert_eq!(buf[k], sorted[k]);
        }
        let s = Summary::of(&v).unwrap();
        assert_eq!((s.min, s.max), (sorted[0], sorted[1000]));
        assert_eq!(s.median, quantile_sorted(&sorted, 0.5));
        assert!(quantiles_in_place(&mut [], &[0.5])[0].is_nan());
    }
}
