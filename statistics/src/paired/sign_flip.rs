//! The sign-flip (randomisation) test of the mean over whole blocks: exact enumeration up to
//! [`SIGN_FLIP_EXACT_MAX_UNITS`] blocks, Monte Carlo with [`SIGN_FLIP_DRAWS`] seeded draws
//! above; the exact randomisation test of the ABBA design whatever the dependence within a
//! block.

use crate::rng::SplitMix64;

/// Largest number of blocks whose 2ᵏ sign patterns are enumerated (2²⁰ ≈ 10⁶ steps of a Gray
/// code, milliseconds); above it, Monte Carlo.
pub const SIGN_FLIP_EXACT_MAX_UNITS: usize = 20;

/// Monte Carlo sign patterns above [`SIGN_FLIP_EXACT_MAX_UNITS`] blocks: the smallest p is
/// `1/(draws + 1)` ≈ 5·10⁻⁵, and p = 0.01 has a Monte Carlo standard error of 0.0007.
pub const SIGN_FLIP_DRAWS: usize = 20_000;

/// Bound of the log-ratios the block sign-flip test sums, in robust σ of |d| (1.4826 ×
/// median |d|, σ for pairs without an effect): clean pairs are almost never clipped, a
/// disturbed slice counts as at most a 4σ pair.
pub const SIGN_FLIP_CLIP: f64 = 4.0;

/// The sign-flip (randomisation) test of the mean of the units (block sums of `d`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignFlip {
    /// Two-sided p-value: share of sign patterns with `|Σ ± u| ≥ |Σ u|` (with `+1` on both
    /// sides for Monte Carlo).
    pub p_two_sided: f64,
    /// Whether every sign pattern was enumerated.
    pub exact: bool,
    /// Sign patterns evaluated (2ᵏ when exact).
    pub patterns: u64,
}

/// Two-sided sign-flip test of `Σ units` against 0: every unit's sign is flipped at random, as
/// the randomised order of an ABBA block would flip the sign of its log-ratios if A and B were
/// the same code. Exact (all 2ᵏ patterns, by Gray code) for `k ≤` [`SIGN_FLIP_EXACT_MAX_UNITS`];
/// otherwise `draws` random patterns from `seed`, `p = (1 + hits)/(1 + draws)`. Sums within
/// 10⁻⁹·Σ|u| of the observed one count as reaching it (rounding). Empty input or `draws = 0`
/// above the exact range: p = 1.
pub fn sign_flip(units: &[f64], draws: usize, seed: u64) -> SignFlip {
    let k = units.len();
    let observed: f64 = units.iter().sum::<f64>().abs();
    let scale: f64 = units.iter().map(|u| u.abs()).sum();
    let bar = observed - 1e-9 * scale;
    if k == 0 || scale == 0.0 || !scale.is_finite() {
        return SignFlip {
            p_two_sided: 1.0,
            exact: true,
            patterns: 1u64 << k.min(SIGN_FLIP_EXACT_MAX_UNITS),
        };
    }
    if k <= SIGN_FLIP_EXACT_MAX_UNITS {
        let patterns = 1u64 << k;
        let mut sum: f64 = units.iter().sum();
        let mut positive = vec![true; k];
        let mut hits = u64::from(sum.abs() >= bar);
        for step in 1..patterns {
            let bit = step.trailing_zeros() as usize;
            sum += if positive[bit] {
                -2.0 * units[bit]
            } else {
                2.0 * units[bit]
            };
            positive[bit] = !positive[bit];
            hits += u64::from(sum.abs() >= bar);
        }
        return SignFlip {
            p_two_sided: hits as f64 / patterns as f64,
            exact: true,
            patterns,
        };
    }
    if draws == 0 {
        return SignFlip {
            p_two_sided: 1.0,
            exact: false,
            patterns: 0,
        };
    }
    let mut rng = SplitMix64::new(seed);
    let mut hits = 0u64;
    for _ in 0..draws {
        let mut sum = 0.0;
        for chunk in units.chunks(64) {
            let bits = rng.next_u64();
            for (i, u) in chunk.iter().enumerate() {
                // Flip the sign bit where the random bit is set: branch-free.
                sum += f64::from_bits(u.to_bits() ^ ((bits >> i & 1) << 63));
            }
        }
        hits += u64::from(sum.abs() >= bar);
    }
    SignFlip {
        p_two_sided: (1 + hits) as f64 / (1 + draws) as f64,
        exact: false,
        patterns: draws as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paired::simulate::std_normal;

    /// Sign-flip p by the definition: every pattern, counted by bit mask.
    fn brute_force_sign_flip(u: &[f64]) -> f64 {
        let obs = u.iter().sum::<f64>().abs();
        let k = u.len();
        let hits = (0u64..1 << k)
            .filter(|mask| {
                let s: f64 = (0..k)
                    .map(|i| if mask >> i & 1 == 1 { -u[i] } else { u[i] })
                    .sum();
                s.abs() >= obs - 1e-9
            })
            .count();
        hits as f64 / (1u64 << k) as f64
    }

    #[test]
    fn sign_flip_exact_and_monte_carlo() {
        // By hand: (1, 2, 3): |Σ| = 6 reached only by all-plus and all-minus: 2/8.
        let f = sign_flip(&[1.0, 2.0, 3.0], 0, 0);
        assert!(f.exact);
        assert_eq!(f.p_two_sided, 0.25);
        // (1, −1): |Σ| = 0, which every pattern reaches.
        assert_eq!(sign_flip(&[1.0, -1.0], 0, 0).p_two_sided, 1.0);
        assert_eq!(sign_flip(&[], 0, 0).p_two_sided, 1.0);
        let mut rng = SplitMix64::new(5);
        for k in [1, 4, 9, 14] {
            let u: Vec<f64> = (0..k).map(|_| std_normal(&mut rng) + 0.4).collect();
            let f = sign_flip(&u, 0, 0);
            assert!(f.exact);
            assert!((f.p_two_sided - brute_force_sign_flip(&u)).abs() < 1e-15);
        }
        // 21 units: Monte Carlo, within 4 standard errors of the exact p of the same units.
        let u: Vec<f64> = (0..21).map(|_| std_normal(&mut rng) + 0.45).collect();
        let exact = brute_force_sign_flip(&u);
        let mc = sign_flip(&u, SIGN_FLIP_DRAWS, 9);
        assert!(!mc.exact && mc.patterns == SIGN_FLIP_DRAWS as u64);
        let se = (exact * (1.0 - exact) / SIGN_FLIP_DRAWS as f64).sqrt();
        assert!(
            (mc.p_two_sided - exact).abs() < 4.0 * se + 1e-4,
            "{} vs {exact}",
            mc.p_two_sided
        );
        // +1 correction: a far-off mean never gives p = 0.
        let far: Vec<f64> = (0..30).map(|i| 1.0 + f64::from(i) * 1e-3).collect();
        let p = sign_flip(&far, 1000, 1).p_two_sided;
        assert_eq!(p, 1.0 / 1001.0);
    }
}
