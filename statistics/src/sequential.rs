//! Group-sequential looks: a comparison judged after each of several looks at growing data,
//! stopping at the first look that decides, with the false-alarm rate of all looks together
//! kept at α.
//!
//! Every look tests at one nominal level `α'` (Pocock's design: early looks can stop a large
//! change as readily as late ones, which is what a gate that pays by the second wants). `α'` is
//! found by simulating the looks' joint distribution under "no change": a look's statistic is
//! the pooled t of the unit estimates so far ([`crate::random_effects`], equally precise
//! units: a placement's own noise only widens the real look's interval), so the looks are
//! strongly correlated and a Bonferroni split `α / looks` would waste power. The simulation is
//! seeded, so the level — and every verdict — is the same in every process.
//!
//! A stop for "no change of consequence" (futility) never raises the false-alarm rate: it only
//! ends looks that could have failed; the level covers the looks' regressions and improvements.

use crate::random_effects::equal_precision_p;
use crate::rng::SplitMix64;

/// Simulated sequences behind [`nominal_alpha`]: ±0.1 percentage points (1 σ) on the
/// simulated family-wise rate at α = 1 %, far below what separates the designs.
pub const SEQUENTIAL_DRAWS: usize = 10_000;

/// The nominal level each look tests at so that looks after `looks[0]`, `looks[1]`, …
/// units (increasing, each ≥ 2) together reject a true "no change" with probability `alpha`:
/// the `alpha` quantile of the smallest p-value over the looks, simulated over `draws` null
/// sequences of independent standard normal unit estimates, each look judged by the pooled t
/// ([`crate::random_effects::equal_precision_p`]). One look gives `alpha` itself.
/// Returns `None` for looks that are not increasing from 2, an `alpha` outside (0, 1) or no
/// draws.
pub fn nominal_alpha(alpha: f64, looks: &[usize], draws: usize, seed: u64) -> Option<f64> {
    let valid = !looks.is_empty()
        && looks[0] >= 2
        && looks.windows(2).all(|w| w[0] < w[1])
        && alpha > 0.0
        && alpha < 1.0
        && draws > 0;
    if !valid {
        return None;
    }
    if looks.len() == 1 {
        return Some(alpha);
    }
    let max = *looks.last().expect("non-empty");
    let mut rng = SplitMix64::new(seed);
    let mut smallest: Vec<f64> = Vec::with_capacity(draws);
    let mut xs = Vec::with_capacity(max);
    for _ in 0..draws {
        xs.clear();
        xs.extend((0..max).map(|_| rng.next_normal()));
        let min_p = looks
            .iter()
            .map(|&n| equal_precision_p(&xs[..n]))
            .fold(1.0f64, f64::min);
        smallest.push(min_p);
    }
    smallest.sort_by(f64::total_cmp);
    // The largest level at which at most alpha·draws sequences reject at some look.
    let k = ((alpha * draws as f64).floor() as usize).min(draws - 1);
    Some(smallest[k])
}

/// Which look of a sequential design a verdict was reached at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Look {
    /// 1-based number of this look.
    pub number: usize,
    /// Looks the design has at most.
    pub of: usize,
    /// The nominal level every look tests at ([`nominal_alpha`]).
    pub nominal_alpha: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Family-wise rate of rejecting at any look at level `level`, on fresh draws.
    fn family_rate(level: f64, looks: &[usize], draws: usize, seed: u64) -> f64 {
        let mut rng = SplitMix64::new(seed);
        let max = *looks.last().unwrap();
        let mut rejected = 0;
        for _ in 0..draws {
            let xs: Vec<f64> = (0..max).map(|_| rng.next_normal()).collect();
            let any = looks.iter().any(|&n| equal_precision_p(&xs[..n]) < level);
            rejected += usize::from(any);
        }
        rejected as f64 / draws as f64
    }

    #[test]
    fn one_look_tests_at_alpha() {
        assert_eq!(nominal_alpha(0.01, &[12], 100, 1), Some(0.01));
    }

    #[test]
    fn the_level_keeps_the_family_rate_at_alpha_on_fresh_draws() {
        let looks: Vec<usize> = (4..=12).collect();
        let level = nominal_alpha(0.05, &looks, SEQUENTIAL_DRAWS, 7).unwrap();
        // Between Bonferroni's split and alpha itself: the looks are correlated.
        assert!(level > 0.05 / looks.len() as f64 && level < 0.05, "{level}");
        let rate = family_rate(level, &looks, 20_000, 99);
        assert!((rate - 0.05).abs() < 0.006, "family-wise rate {rate}");
        // Testing every look at alpha itself would not keep it.
        let naive = family_rate(0.05, &looks, 20_000, 99);
        assert!(naive > 0.1, "naive rate {naive}");
    }

    #[test]
    fn more_looks_test_each_at_a_lower_level_and_the_level_is_reproducible() {
        let few = nominal_alpha(0.01, &[4, 8, 12], 5_000, 3).unwrap();
        let many = nominal_alpha(0.01, &(4..=12).collect::<Vec<_>>(), 5_000, 3).unwrap();
        assert!(many < few, "{many} vs {few}");
        assert_eq!(
            nominal_alpha(0.01, &[4, 8, 12], 5_000, 3),
            Some(few),
            "same seed, same level"
        );
    }

    #[test]
    fn invalid_designs_have_no_level() {
        assert_eq!(nominal_alpha(0.01, &[], 100, 1), None);
        assert_eq!(nominal_alpha(0.01, &[1, 4], 100, 1), None);
        assert_eq!(nominal_alpha(0.01, &[4, 4], 100, 1), None);
        assert_eq!(nominal_alpha(0.0, &[4, 8], 100, 1), None);
        assert_eq!(nominal_alpha(0.01, &[4, 8], 0, 1), None);
    }
}
