//! Large-sample inference on medians, in O(n) per side: what a long run (hundreds of thousands
//! of intervals) can afford where resampling cannot.
//!
//! * The standard error of a median is `√(τ/n)/(2·f(median))` (τ: the median's variance factor
//!   for dependent intervals, [`super::dependence`]); `1/f` is estimated by the spacing of two
//!   quantiles around the median, `(Q(½ + h) − Q(½ − h))/(2h)`, as in McKean & Schrader
//!   (1984). Their window (the median's 95% order-statistic interval, `h = 1.96·√(τ/n)/2`)
//!   spans only ~2·√n values, so the estimate is noisy (±13% at n = 1000) and a z test on it
//!   rejected 1.5–2% of null comparisons at 0.01. The window here is the density-estimation
//!   rate `h = ½·n_eff^(−1/5)` (n_eff = n/τ; at least McKean–Schrader's, at most ½), and the
//!   spacing's remaining noise is carried by a Student t with `h·n_eff` degrees of freedom
//!   (the spacing of m = 2h·n_eff values has relative variance 1/m).
//! * Integer-valued data (gauges, counts) put the median on a lattice: it stays on its value
//!   or jumps a whole step, which a continuous standard error does not know (A/A at 100k
//!   intervals: one step apart with p < 0.01 in 2.5% of cases; a gauge near 30 ± 8 at 2,000
//!   intervals: a one-step jump is 3%, a false verdict in 6.1%). When the value at the median
//!   holds less than 8 times the median's sampling spread in probability (`½·√(τ/n)`), jumps
//!   are likely and Sheppard's grouping correction adds `step²/12` to the variance (`step`: the
//!   gap between the data values around the median), so one step alone is never significant
//!   (then 0.2% and 0%). A heavier atom does not move by chance, and a step off it stays
//!   significant; for continuous data the step is ~1/(n·f) and the term negligible.
//! * The ratio of two independent medians gets Fieller's interval (exact for normal estimates,
//!   any signs; unbounded when the denominator is not clearly non-zero), and the difference a
//!   t test (Welch–Satterthwaite df), so the interval excludes 1 exactly when the test rejects
//!   at `1 − confidence`.

use super::distribution::{difference_p, student_t_quantile};
use super::summary::quantiles_in_place;

/// `z_{0.975}`: McKean–Schrader's window, the narrowest one used.
const Z_SE: f64 = 1.959_963_984_540_054;

/// A median with its standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MedianEstimate {
    /// Sample median (type 7).
    pub median: f64,
    /// Estimated standard error of the median (0 when the data around it are tied).
    pub se: f64,
    /// Degrees of freedom of `se` (how noisy the spacing behind it is; ≥ 1).
    pub df: f64,
}

/// Median of `buf` (reordered) and its standard error for variance factor `tau` (1 for
/// independent values), with the grouping correction for lattice data (see the module doc);
/// `None` if empty. One value gives an infinite error.
pub fn median_estimate(buf: &mut [f64], tau: f64) -> Option<MedianEstimate> {
    let n = buf.len();
    if n == 0 {
        return None;
    }
    if n == 1 {
        return Some(MedianEstimate {
            median: buf[0],
            se: f64::INFINITY,
            df: 1.0,
        });
    }
    let n_eff = n as f64 / tau.max(1.0);
    let h = (0.5 * n_eff.powf(-0.2))
        .max(Z_SE / (2.0 * n_eff.sqrt()))
        .min(0.5);
    let q = quantiles_in_place(buf, &[0.5 - h, 0.5, 0.5 + h]);
    let median = q[1];
    // The data values on either side of the median (the median itself when it is one), and
    // how many values equal the median.
    let (mut below, mut above, mut at) = (f64::NEG_INFINITY, f64::INFINITY, 0usize);
    for &x in buf.iter() {
        if x <= median {
            below = below.max(x);
            at += usize::from(x == median);
        } else {
            above = above.min(x);
        }
    }
    let spread_p = 0.5 / n_eff.sqrt();
    let jumps = (at as f64 / n as f64) < 8.0 * spread_p;
    let step = if jumps && above.is_finite() && below.is_finite() {
        above - below
    } else {
        0.0
    };
    let se = (q[2] - q[0]) / (2.0 * h) / (2.0 * n_eff.sqrt());
    Some(MedianEstimate {
        median,
        se: (se * se + step * step / 12.0).sqrt(),
        df: (h * n_eff).max(1.0),
    })
}

/// Fieller's interval for `m_b / m_a` from independent estimates with variances `v_a`, `v_b`
/// and critical value `crit`: the set of ρ with `(m_b − ρ·m_a)² ≤ crit²·(v_b + ρ²·v_a)`.
/// `(−∞, ∞)` when `m_a` is not significantly non-zero at that level.
pub fn fieller_ratio(m_a: f64, v_a: f64, m_b: f64, v_b: f64, crit: f64) -> (f64, f64) {
    let c2 = crit * crit;
    let a = m_a * m_a - c2 * v_a;
    if a.is_nan() || a <= 0.0 {
        return (f64::NEG_INFINITY, f64::INFINITY);
    }
    let b = m_a * m_b;
    // b² − a·c, written without cancellation: c²·(v_a·m_b² + v_b·a) ≥ 0.
    let disc = c2 * (v_a * m_b * m_b + v_b * a);
    let root = disc.max(0.0).sqrt();
    ((b - root) / a, (b + root) / a)
}

/// Ratio `m_b / m_a` with Fieller's interval at `confidence`, and the two-sided Welch t-test
/// p-value of `m_b = m_a`; `None` if `m_a` is 0 or `confidence` is not in `(0, 1)`.
pub fn ratio_of_medians_asymptotic(
    a: &MedianEstimate,
    b: &MedianEstimate,
    confidence: f64,
) -> Option<(f64, (f64, f64), f64)> {
    if a.median == 0.0 || !(confidence > 0.0 && confidence < 1.0) {
        return None;
    }
    let (v_a, v_b) = (a.se * a.se, b.se * b.se);
    let var = v_a + v_b;
    let den = v_a * v_a / a.df + v_b * v_b / b.df;
    let df = if den > 0.0 && den.is_finite() {
        (var * var / den).max(1.0)
    } else {
        a.df.min(b.df)
    };
    let crit = student_t_quantile((1.0 + confidence) / 2.0, df);
    let ci = fieller_ratio(a.median, v_a, b.median, v_b, crit);
    let diff = b.median - a.median;
    let p = difference_p(diff, var, df);
    Some((b.median / a.median, ci, p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SplitMix64;

    #[test]
    fn fieller_by_hand() {
        // No uncertainty: the point ratio.
        assert_eq!(fieller_ratio(2.0, 0.0, 3.0, 0.0, 2.0), (1.5, 1.5));
        // Denominator exact: m_b/m_a ± crit·se_b/m_a.
        let (lo, hi) = fieller_ratio(10.0, 0.0, 5.0, 1.0, 2.0);
        assert!((lo - 0.3).abs() < 1e-12 && (hi - 0.7).abs() < 1e-12);
        // Small relative errors: close to the delta method in log space.
        let (lo, hi) = fieller_ratio(100.0, 1.0, 110.0, 1.0, 2.576);
        let se = ((1.0f64 / 100.0).powi(2) + (1.0f64 / 110.0).powi(2)).sqrt();
        let (dlo, dhi) = (1.1 * (-2.576 * se).exp(), 1.1 * (2.576 * se).exp());
        assert!(
            (lo - dlo).abs() < 2e-4 && (hi - dhi).abs() < 2e-4,
            "{lo} {hi}"
        );
        // Denominator indistinguishable from 0: unbounded.
        let (lo, hi) = fieller_ratio(1.0, 1.0, 5.0, 1.0, 2.0);
        assert!(lo.is_infinite() && hi.is_infinite());
        // A median of 0 on B is fine: the interval brackets 0.
        let (lo, hi) = fieller_ratio(10.0, 0.01, 0.0, 0.04, 2.0);
        assert!(lo < 0.0 && hi > 0.0);
    }

    #[test]
    fn order_statistic_se_matches_theory() {
        // Normal data: se(median) = √(π/2)·σ/√n; n = 10,000, σ = 1 → 0.012533.
        let mut rng = SplitMix64::new(3);
        let mut x: Vec<f64> = (0..10_000)
            .map(|_| {
                let u1 = 1.0 - rng.next_f64();
                let u2 = rng.next_f64();
                (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
            })
            .collect();
        let e = median_estimate(&mut x.clone(), 1.0).unwrap();
        assert!((e.se / 0.012_533 - 1.0).abs() < 0.05, "{e:?}");
        assert!(e.median.abs() < 0.04);
        // Window h = ½·10000^(−1/5) = 0.079: df = h·n = 792.
        assert!((e.df - 792.4).abs() < 1.0, "{e:?}");
        // τ = 4 doubles it, from a wider window with a quarter of the df.
        let e4 = median_estimate(&mut x, 4.0).unwrap();
        assert!((e4.se / e.se - 2.0).abs() < 0.1, "{e4:?} vs {e:?}");
        assert!(e4.df < e.df / 2.5, "{e4:?}");
        assert!(median_estimate(&mut [], 1.0).is_none());
        assert_eq!(median_estimate(&mut [2.0], 1.0).unwrap().se, f64::INFINITY);
        assert_eq!(median_estimate(&mut [2.0; 9], 1.0).unwrap().se, 0.0);
        // Lattice data, 61 values around 30 (≈ 30 + 8·z rounded): the median's value holds
        // ~5% of the data, less than 8 × ½/√2000 = 9%: it can jump a step, and the error says so.
        let mut rng = SplitMix64::new(4);
        let mut lattice: Vec<f64> = (0..2000)
            .map(|_| {
                let u1 = 1.0 - rng.next_f64();
                let u2 = rng.next_f64();
                let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
                (30.0 + 8.0 * z).round()
            })
            .collect();
        let e = median_estimate(&mut lattice, 1.0).unwrap();
        assert!(e.se >= (1.0f64 / 12.0).sqrt(), "{e:?}");
        // Three values a third each: the median never leaves 1, no correction.
        let mut heavy: Vec<f64> = (0..10_000).map(|i| f64::from(i % 3)).collect();
        let e = median_estimate(&mut heavy, 1.0).unwrap();
        assert_eq!((e.median, e.se), (1.0, 0.0));
    }

    #[test]
    fn interval_and_test_agree() {
        let a = MedianEstimate {
            median: 100.0,
            se: 0.5,
            df: 200.0,
        };
        for (mb, se_b) in [(101.0, 0.5), (103.0, 0.5), (97.5, 1.0), (100.0, 0.0)] {
            let b = MedianEstimate {
                median: mb,
                se: se_b,
                df: 150.0,
            };
            let (ratio, (lo, hi), p) = ratio_of_medians_asymptotic(&a, &b, 0.99).unwrap();
            assert!((ratio - mb / 100.0).abs() < 1e-12);
            assert_eq!(lo > 1.0 || hi < 1.0, p < 0.01, "{mb}: [{lo}, {hi}] p {p}");
        }
        let zero = MedianEstimate {
            median: 0.0,
            se: 1.0,
            df: 100.0,
        };
        assert!(ratio_of_medians_asymptotic(&zero, &a, 0.99).is_none());
        assert!(ratio_of_medians_asymptotic(&a, &a, 1.0).is_none());
        let exact = MedianEstimate {
            median: 100.0,
            se: 0.0,
            df: 100.0,
        };
        assert_eq!(
            ratio_of_medians_asymptotic(&exact, &exact, 0.99).unwrap().2,
            1.0
        );
    }
}
