//! Serial dependence of one run's intervals: an engine's CSV sampled faster than its load
//! changes gives neighbouring intervals that share their conditions, so n intervals carry the
//! information of fewer independent ones.
//!
//! The model is a Gaussian AR(1) copula: some monotone transform of the values follows
//! `z_t = φ·z_{t−1} + ε_t`. φ is estimated from the lag-1 autocorrelation of the values
//! (clipped at the median ± 5 robust σ, so a spike cannot dominate it), corrected for its
//! first-order small-sample bias (Kendall: `E r₁ ≈ φ − (1 + 4φ)/n`), and clamped to
//! `[0, MAX_PHI]` (negative dependence is never used to narrow an interval). From φ follow the
//! long-run variance factors `τ = 1 + 2·Σ_k ρ_k` of the two statistics the tests use:
//!
//! * ranks (the Mann–Whitney U statistic): `ρ_k = (6/π)·asin(φ^k/2)` (Spearman's correlation
//!   of a bivariate normal pair);
//! * the median (its Bahadur representation is a mean of the indicators `1{x ≤ median}`):
//!   `ρ_k = (2/π)·asin(φ^k)` (the orthant probability), which decays more slowly than φ^k.
//!
//! A variance computed as if the intervals were independent is multiplied by τ; `n/τ` is the
//! effective number of independent intervals. For φ = 0.5, τ is 2.92 (ranks) and 2.31
//! (median); for φ = 0.9, 18.4 and 13.3.

use std::f64::consts::PI;

/// Largest φ used: beyond it a run is close to a random walk (at this φ, τ is 387 for ranks).
pub const MAX_PHI: f64 = 0.995;

/// Estimated dependence of one series and the variance factors that follow from it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dependence {
    /// AR(1) coefficient φ in `[0, MAX_PHI]` (0: independent intervals).
    pub phi: f64,
    /// Variance factor of a sum of ranks (the U statistic); 1 when φ = 0.
    pub tau_rank: f64,
    /// Variance factor of the sample median; 1 when φ = 0.
    pub tau_median: f64,
}

impl Dependence {
    /// Independent intervals: every factor 1.
    pub const NONE: Dependence = Dependence {
        phi: 0.0,
        tau_rank: 1.0,
        tau_median: 1.0,
    };

    /// Factors for a known φ (clamped to `[0, MAX_PHI]`; NaN counts as 0).
    pub fn from_phi(phi: f64) -> Dependence {
        let phi = if phi.is_nan() {
            0.0
        } else {
            phi.clamp(0.0, MAX_PHI)
        };
        if phi == 0.0 {
            return Dependence::NONE;
        }
        Dependence {
            phi,
            tau_rank: long_run_factor(phi, |r| 6.0 / PI * (r / 2.0).asin()),
            tau_median: long_run_factor(phi, |r| 2.0 / PI * r.asin()),
        }
    }

    /// Estimates φ of `values` (in time order), clipping at `center ± 5·spread` (the median and
    /// the MAD-based σ; no clipping when `spread` is 0 or not finite). Fewer than 8 values
    /// carry no usable estimate: independence is assumed.
    pub fn estimate(values: &[f64], center: f64, spread: f64) -> Dependence {
        let n = values.len();
        if n < 8 {
            return Dependence::NONE;
        }
        let r = if spread > 0.0 && spread.is_finite() && center.is_finite() {
            let (lo, hi) = (center - 5.0 * spread, center + 5.0 * spread);
            lag1_autocorrelation_by(values, |x| x.clamp(lo, hi))
        } else {
            lag1_autocorrelation_by(values, |x| x)
        };
        let Some(r) = r else {
            return Dependence::NONE; // constant: nothing to correct
        };
        let nf = n as f64;
        Dependence::from_phi((nf * r + 1.0) / (nf - 4.0))
    }

    /// Effective number of independent intervals for the median: `n / τ_median`.
    pub fn effective_n(&self, n: usize) -> f64 {
        n as f64 / self.tau_median
    }
}

/// Lag-1 sample autocorrelation `Σ (x_t − x̄)(x_{t+1} − x̄) / Σ (x_t − x̄)²` (the usual ACF
/// estimator); 0 for fewer than 3 values or constant data.
pub fn lag1_autocorrelation(x: &[f64]) -> f64 {
    lag1_autocorrelation_by(x, |v| v).unwrap_or(0.0)
}

/// Lag-1 autocorrelation of `f(x_t)`; `None` for fewer than 3 values or constant data.
fn lag1_autocorrelation_by(x: &[f64], f: impl Fn(f64) -> f64) -> Option<f64> {
    let n = x.len();
    if n < 3 {
        return None;
    }
    let mean = x.iter().map(|&v| f(v)).sum::<f64>() / n as f64;
    let (mut num, mut den) = (0.0, 0.0);
    let mut prev = f(x[0]) - mean;
    den += prev * prev;
    for &v in &x[1..] {
        let d = f(v) - mean;
        num += prev * d;
        den += d * d;
        prev = d;
    }
    (den > 0.0).then(|| num / den)
}

/// `1 + 2·Σ_{k≥1} corr(φ^k)`, summed until φ^k is negligible.
fn long_run_factor(phi: f64, corr: impl Fn(f64) -> f64) -> f64 {
    let mut sum = 0.0;
    let mut r = phi;
    while r > 1e-12 {
        sum += corr(r);
        r *= phi;
    }
    1.0 + 2.0 * sum
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SplitMix64;

    fn ar1(rng: &mut SplitMix64, n: usize, phi: f64) -> Vec<f64> {
        let normal = |rng: &mut SplitMix64| {
            let u1 = 1.0 - rng.next_f64();
            let u2 = rng.next_f64();
            (-2.0 * u1.ln()).sqrt() * (2.0 * PI * u2).cos()
        };
        let mut z = normal(rng);
        let s = (1.0 - phi * phi).sqrt();
        (0..n)
            .map(|_| {
                z = phi * z + s * normal(rng);
                z
            })
            .collect()
    }

    #[test]
    fn factors_match_the_series_by_hand() {
        assert_eq!(Dependence::from_phi(0.0), Dependence::NONE);
        assert_eq!(Dependence::from_phi(-0.4), Dependence::NONE);
        assert_eq!(Dependence::from_phi(f64::NAN), Dependence::NONE);
        // φ = 0.5: Σ (2/π)·asin(0.5^k) = 0.33333 + 0.16086 + 0.07979 + … = 0.6536 → τ = 2.307.
        let d = Dependence::from_phi(0.5);
        assert!((d.tau_median - 2.307).abs() < 0.002, "{d:?}");
        // Ranks are nearly AR(1) themselves: close to (1 + φ)/(1 − φ) = 3.
        assert!((d.tau_rank - 2.92).abs() < 0.01, "{d:?}");
        let d = Dependence::from_phi(0.9);
        assert!(
            (d.tau_median - 13.3).abs() < 0.1 && (d.tau_rank - 18.42).abs() < 0.05,
            "{d:?}"
        );
        assert_eq!(Dependence::from_phi(2.0).phi, MAX_PHI);
        assert!((Dependence::from_phi(0.5).effective_n(2307) - 1000.0).abs() < 1.0);
    }

    #[test]
    fn factors_match_simulated_variances() {
        // The variance of the median of 400 AR(1) values is τ_median times the iid variance.
        let mut rng = SplitMix64::new(17);
        let (n, trials) = (400, 600);
        for phi in [0.0, 0.5, 0.8] {
            let (mut ss_med, mut ss_iid) = (0.0, 0.0);
            for _ in 0..trials {
                let x = ar1(&mut rng, n, phi);
                ss_med += crate::median(&x).unwrap().powi(2);
                let y = ar1(&mut rng, n, 0.0);
                ss_iid += crate::median(&y).unwrap().powi(2);
            }
            let ratio = ss_med / ss_iid;
            let tau = Dependence::from_phi(phi).tau_median;
            // Two variance estimates from 600 draws each: ±12% (2 sd) of sampling error.
            assert!(
                (ratio / tau - 1.0).abs() < 0.16,
                "φ {phi}: {ratio} vs τ {tau}"
            );
        }
    }

    #[test]
    fn estimates_phi_and_resists_spikes() {
        let mut rng = SplitMix64::new(5);
        for phi in [0.0, 0.5, 0.9] {
            let x = ar1(&mut rng, 5000, phi);
            let d = Dependence::estimate(&x, 0.0, 1.0);
            assert!((d.phi - phi).abs() < 0.04, "φ {phi}: {d:?}");
        }
        // Independent data with a few huge spikes: clipping keeps the estimate near 0.
        let mut x = ar1(&mut rng, 2000, 0.0);
        for k in [100, 101, 102, 900, 901] {
            x[k] = 1e6;
        }
        assert!(Dependence::estimate(&x, 0.0, 1.0).phi < 0.08);
        // Too short, constant, or alternating: independence.
        assert_eq!(
            Dependence::estimate(&[1.0, 2.0, 3.0], 2.0, 1.0),
            Dependence::NONE
        );
        assert_eq!(Dependence::estimate(&[4.0; 50], 4.0, 0.0), Dependence::NONE);
        let alt: Vec<f64> = (0..50).map(|i| f64::from(i % 2)).collect();
        assert_eq!(Dependence::estimate(&alt, 0.5, 0.7), Dependence::NONE);
        assert_eq!(lag1_autocorrelation(&[1.0, 2.0]), 0.0);
    }
}
