//! Pooling unit estimates of unequal precision with a robust random-effects model: each unit
//! `i` gives an estimate `yᵢ` with known within-unit variance `vᵢ`, and units differ by a
//! between-unit variance `τ²` on top (a gate's placements: one estimate per fresh process).
//!
//! Three standard pieces, combined the way Yuen's trimmed t is made robust:
//! - the estimates are winsorized at the 20 % trimming points ([`crate::trimmed::TRIM`]): a unit
//!   that landed far off neither moves the estimate nor blows up its variance;
//! - DerSimonian–Laird's moment estimate of `τ²` and inverse-variance weights `1 / (vᵢ + τ²)`:
//!   a unit measured while the machine was calm counts more than one measured beside a busy
//!   neighbour (equal weights threw that away: a uniform 2 % change under a busy neighbour was
//!   found in 17 % of replayed gates, 94 % with the weights);
//! - the Hartung–Knapp variance (the weighted spread of the estimates themselves, Student t),
//!   never below the weights' own `1 / Σw`, and scaled by Yuen's factor `k(k−1)/(h(h−1))` with
//!   `h − 1` degrees of freedom (`h` the units inside the trimming points), so that with equal
//!   weights it is Yuen's interval about the winsorized mean;
//! - never below the jackknife variance over units (leave one out, pool again): a unit whose
//!   few pairs agreed by chance gets a weight it has not earned, and when it (or a winsorized
//!   neighbour that took its value) decides the mean, the jackknife sees it. Without this
//!   guard a code-neutral commit failed at 7 placements of 4 pairs: 0.9917 [0.9865, 0.9970],
//!   two of the seven placements' value, while the seven spread from 0.984 to 1.084.

use crate::distribution::student_t_two_sided_p;
use crate::trimmed::TRIM;

/// Smallest within-unit variance used as given: a unit whose pairs were all equal (variance 0)
/// would otherwise take an infinite weight. 10⁻¹² is a standard deviation of 10⁻⁶ in log-ratio.
pub const MIN_WITHIN_VARIANCE: f64 = 1e-12;

/// The pooled estimate of the units' common centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pooled {
    /// Weighted mean of the winsorized estimates.
    pub mean: f64,
    /// Estimated variance of `mean`.
    pub var: f64,
    /// Degrees of freedom of its t statistic (`h − 1`).
    pub df: f64,
    /// DerSimonian–Laird estimate of the between-unit variance (of the winsorized estimates).
    pub tau2: f64,
}

impl Pooled {
    /// Two-sided p of "the centre is 0" (1 when both mean and variance are 0).
    pub fn p_two_sided(&self) -> f64 {
        if self.var > 0.0 {
            student_t_two_sided_p(self.mean / self.var.sqrt(), self.df)
        } else if self.mean == 0.0 {
            1.0
        } else {
            0.0
        }
    }
}

/// Pools the estimates `y` with within-unit variances `v` (module doc).
///
/// # Panics
/// Panics if there are fewer than two estimates or `y` and `v` differ in length.
pub fn pool(y: &[f64], v: &[f64]) -> Pooled {
    let k = y.len();
    assert!(k >= 2, "pool: fewer than two estimates");
    assert_eq!(k, v.len(), "pool: one variance per estimate");
    let v: Vec<f64> = v.iter().map(|x| x.max(MIN_WITHIN_VARIANCE)).collect();
    let mut pooled = pool_once(y, &v);
    // Weights from a few pairs' spread can be wrong by chance; the jackknife over units sees
    // when one unit's weight decides the mean (equal weights have nothing to guard).
    let equal = v.iter().all(|&x| x == v[0]);
    if !equal && k >= 3 {
        let mut rest_y = Vec::with_capacity(k - 1);
        let mut rest_v = Vec::with_capacity(k - 1);
        let leave_out: Vec<f64> = (0..k)
            .map(|i| {
                rest_y.clear();
                rest_v.clear();
                for j in (0..k).filter(|&j| j != i) {
                    rest_y.push(y[j]);
                    rest_v.push(v[j]);
                }
                pool_once(&rest_y, &rest_v).mean
            })
            .collect();
        let centre = leave_out.iter().sum::<f64>() / k as f64;
        let jackknife =
            (k - 1) as f64 / k as f64 * leave_out.iter().map(|m| (m - centre).powi(2)).sum::<f64>();
        pooled.var = pooled.var.max(jackknife);
    }
    pooled
}

/// [`pool`] without the jackknife guard; `v` already floored.
fn pool_once(y: &[f64], v: &[f64]) -> Pooled {
    let k = y.len();
    let mut sorted = y.to_vec();
    sorted.sort_by(f64::total_cmp);
    let g = (TRIM * k as f64).floor() as usize;
    let h = k - 2 * g;
    let (lo, hi) = (sorted[g], sorted[k - 1 - g]);
    let yw: Vec<f64> = y.iter().map(|x| x.clamp(lo, hi)).collect();
    let weighted_mean = |w: &[f64]| {
        let total: f64 = w.iter().sum();
        let mean = w.iter().zip(&yw).map(|(w, y)| w * y).sum::<f64>() / total;
        (mean, total)
    };
    let w: Vec<f64> = v.iter().map(|x| 1.0 / x).collect();
    let (fixed, total) = weighted_mean(&w);
    let q: f64 = w
        .iter()
        .zip(&yw)
        .map(|(w, y)| w * (y - fixed).powi(2))
        .sum();
    let c = total - w.iter().map(|w| w * w).sum::<f64>() / total;
    let tau2 = if c > 0.0 {
        ((q - (k - 1) as f64) / c).max(0.0)
    } else {
        0.0
    };
    let ws: Vec<f64> = v.iter().map(|x| 1.0 / (x + tau2)).collect();
    let (mean, total) = weighted_mean(&ws);
    let spread: f64 = ws
        .iter()
        .zip(&yw)
        .map(|(w, y)| w * (y - mean).powi(2))
        .sum();
    let hartung_knapp = spread / ((k - 1) as f64 * total);
    let yuen_scale = if h > 1 {
        (k * (k - 1)) as f64 / (h * (h - 1)) as f64
    } else {
        1.0
    };
    Pooled {
        mean,
        var: hartung_knapp.max(1.0 / total) * yuen_scale,
        df: (h.max(2) - 1) as f64,
        tau2,
    }
}

/// [`pool`] of estimates that are equally precise: the statistic of the sequential design's
/// simulated looks ([`crate::sequential`]).
pub fn equal_precision_p(y: &[f64]) -> f64 {
    pool(y, &vec![0.0; y.len()]).p_two_sided()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::distribution::student_t_quantile;
    use crate::rng::SplitMix64;
    use crate::trimmed::yuen;

    #[test]
    fn equal_weights_give_yuens_interval_about_the_winsorized_mean() {
        let y = [0.3, -1.2, 0.8, 0.1, 5.0, -0.4, 0.6, 0.2, -0.9, 0.05];
        let p = pool(&y, &[1e-9; 10]);
        // Two of ten winsorized at each end: to the 3rd smallest and 3rd largest, -0.4 and 0.6.
        let yw = [0.3, -0.4, 0.6, 0.1, 0.6, -0.4, 0.6, 0.2, -0.4, 0.05];
        let mean = yw.iter().sum::<f64>() / 10.0;
        assert!((p.mean - mean).abs() < 1e-12, "{p:?}");
        assert!((p.var / yuen(&y).var - 1.0).abs() < 1e-6, "{p:?}");
        assert_eq!(p.df, 5.0);
    }

    #[test]
    fn precise_units_count_more_than_noisy_ones() {
        // Four calm units at −2 % (variance 0.1 %²), four noisy ones at +3 % (5 %²).
        let y = [-0.02, -0.021, -0.019, -0.02, 0.03, 0.031, 0.029, 0.03];
        let v = [1e-7, 1e-7, 1e-7, 1e-7, 2.5e-3, 2.5e-3, 2.5e-3, 2.5e-3];
        let p = pool(&y, &v);
        assert!((p.mean + 0.02).abs() < 0.002, "{p:?}");
        // Equal weights would put the centre half-way.
        let equal = pool(&y, &[1e-7; 8]);
        assert!(equal.mean > 0.0, "{equal:?}");
    }

    #[test]
    fn one_unit_far_off_moves_the_estimate_little() {
        let mut y: Vec<f64> = (0..16).map(|i| 0.001 * ((i % 5) as f64 - 2.0)).collect();
        let clean = pool(&y, &[1e-6; 16]);
        y[5] -= 0.05;
        let hit = pool(&y, &[1e-6; 16]);
        assert!(
            (hit.mean - clean.mean).abs() < 0.0005,
            "{hit:?} vs {clean:?}"
        );
        assert!(hit.var < 1.5 * clean.var, "{hit:?} vs {clean:?}");
    }

    #[test]
    fn the_interval_covers_the_truth_with_unequal_precision_and_spread() {
        // Units with within-variances from 0.1 %² to 4 %² and τ = 0.5 %: 99 % intervals.
        let mut rng = SplitMix64::new(5);
        let (trials, mut hits) = (2000, 0);
        for _ in 0..trials {
            let k = 5 + rng.below(20);
            let mut y = Vec::with_capacity(k);
            let mut v = Vec::with_capacity(k);
            for _ in 0..k {
                let sd = if rng.chance(0.5) { 0.001 } else { 0.02 };
                y.push(0.01 + 0.005 * rng.next_normal() + sd * rng.next_normal());
                v.push(sd * sd);
            }
            let p = pool(&y, &v);
            let half = student_t_quantile(0.995, p.df) * p.var.sqrt();
            hits += usize::from((p.mean - 0.01).abs() <= half);
        }
        let rate = hits as f64 / trials as f64;
        assert!(rate >= 0.98, "coverage {rate}");
    }

    #[test]
    fn a_unit_whose_weight_decides_the_mean_widens_the_interval() {
        // A code-neutral commit's seven placements of 4 pairs; two (0.9917 and 0.9836, which
        // winsorizing moves to 0.9917) happened to have pairs that agreed to 0.01 %.
        let y: Vec<f64> = [0.9998, 0.9969, 1.0837, 0.9917, 0.9836, 1.0182, 1.0082]
            .iter()
            .map(|r: &f64| r.ln())
            .collect();
        let v = [1e-4, 1e-4, 1e-4, 1e-8, 1e-8, 1e-4, 1e-4];
        let unguarded = pool_once(&y, &v);
        assert!(unguarded.p_two_sided() < 4.4e-4, "{unguarded:?}"); // the gate's level there
        let guarded = pool(&y, &v);
        assert!(guarded.p_two_sided() > 0.01, "{guarded:?}");
        assert_eq!(guarded.mean, unguarded.mean);
    }

    #[test]
    fn tau_is_found_when_units_differ_beyond_their_noise() {
        let mut rng = SplitMix64::new(9);
        let y: Vec<f64> = (0..400)
            .map(|_| 0.01 * rng.next_normal() + 0.001 * rng.next_normal())
            .collect();
        let p = pool(&y, &[1e-6; 400]);
        // Winsorizing a fifth at each end shrinks a normal spread to ≈ 0.6 of it.
        assert!(p.tau2.sqrt() > 0.004 && p.tau2.sqrt() < 0.008, "{p:?}");
        assert_eq!(pool(&[0.01; 6], &[1e-6; 6]).tau2, 0.0);
    }
}
