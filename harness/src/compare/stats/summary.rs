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
    pub fn of(xs: &[f64]) -> Option<Summary> {
        if xs.is_empty() {
            return None;
        }
        let n = xs.len();
        let mut sorted = xs.to_vec();
        sorted.sort_unstable_by(f64::total_cmp);
        let mean = xs.iter().sum::<f64>() / n as f64;
        let std_dev = if n > 1 {
            let ss: f64 = xs.iter().map(|x| (x - mean) * (x - mean)).sum();
            (ss / (n - 1) as f64).sqrt()
        } else {
            0.0
        };
        let median = quantile_sorted(&sorted, 0.5);
        let mut dev: Vec<f64> = sorted.iter().map(|x| (x - median).abs()).collect();
        dev.sort_unstable_by(f64::total_cmp);
        let mad = MAD_TO_SIGMA * quantile_sorted(&dev, 0.5);
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
            p05: quantile_sorted(&sorted, 0.05),
            p95: quantile_sorted(&sorted, 0.95),
            min: sorted[0],
            max: sorted[n - 1],
            std_dev,
            mad,
            iqr: quantile_sorted(&sorted, 0.75) - quantile_sorted(&sorted, 0.25),
            cv,
        })
    }
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
}
