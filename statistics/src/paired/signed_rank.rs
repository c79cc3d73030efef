//! The Wilcoxon signed-rank test of the pairs' log-ratios against 0: exact up to
//! [`SIGNED_RANK_EXACT_MAX_N`] pairs without ties or zeros, else the normal approximation with
//! mid-ranks, tie-corrected variance and continuity correction; zeros dropped, as in
//! Wilcoxon's original.

use crate::distribution::two_sided_p;

/// Largest number of non-zero pairs for the exact signed-rank distribution (its counts, at
/// most 2⁵⁰, stay exact in `u64` and `f64`); above it, the normal approximation, which at 40
/// pairs is within 0.005 of the exact p, and below p = 0.05 within 0.0015 and never smaller.
pub const SIGNED_RANK_EXACT_MAX_N: usize = 50;

/// The Wilcoxon signed-rank test of `d` against 0, with its statistic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignedRank {
    /// `T⁺`: the sum of the (mid-)ranks of `|d|` over the positive `d`.
    pub t_plus: f64,
    /// Non-zero `d` that were ranked (zeros carry no sign and are dropped).
    pub n: usize,
    /// Standardised `T⁺` (continuity- and tie-corrected), positive when B tends to be larger.
    pub z: f64,
    /// Two-sided p-value, `2·min(P(T ≤ t), P(T ≥ t))` capped at 1 when exact.
    pub p_two_sided: f64,
    /// Whether the p-value is from the exact null distribution.
    pub exact: bool,
}

/// Two-sided Wilcoxon signed-rank test of `d` against a zero median (see the module doc for
/// exact vs approximate). Zeros are dropped; with no non-zero value p is 1. `d` must be
/// NaN-free.
pub fn signed_rank(d: &[f64]) -> SignedRank {
    let mut abs: Vec<(f64, bool)> = d
        .iter()
        .filter(|&&x| x != 0.0)
        .map(|&x| (x.abs(), x > 0.0))
        .collect();
    abs.sort_unstable_by(|x, y| x.0.total_cmp(&y.0));
    let n = abs.len();
    let (mut t_plus, mut tie_term) = (0.0, 0.0);
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && abs[j].0 == abs[i].0 {
            j += 1;
        }
        let t = (j - i) as f64;
        let mid_rank = (i + j + 1) as f64 / 2.0;
        t_plus += mid_rank * abs[i..j].iter().filter(|x| x.1).count() as f64;
        tie_term += t * t * t - t;
        i = j;
    }
    if n == 0 {
        return SignedRank {
            t_plus: 0.0,
            n: 0,
            z: 0.0,
            p_two_sided: 1.0,
            exact: false,
        };
    }
    let (z, p_normal) = signed_rank_normal(t_plus, n, tie_term);
    let exact = n <= SIGNED_RANK_EXACT_MAX_N && tie_term == 0.0;
    let p_two_sided = if exact {
        signed_rank_exact_p(t_plus, n)
    } else {
        p_normal
    };
    SignedRank {
        t_plus,
        n,
        z,
        p_two_sided,
        exact,
    }
}

/// Normal approximation of `T⁺` for `n` ranked values: mean `n(n+1)/4`, variance
/// `n(n+1)(2n+1)/24 − Σ(t³−t)/48`, continuity correction ½; returns `(z, p)`.
fn signed_rank_normal(t_plus: f64, n: usize, tie_term: f64) -> (f64, f64) {
    let nf = n as f64;
    let mean = nf * (nf + 1.0) / 4.0;
    let var = nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0 - tie_term / 48.0;
    if var <= 0.0 {
        return (0.0, 1.0);
    }
    let dev = t_plus - mean;
    let z = dev.signum() * (dev.abs() - 0.5).max(0.0) / var.sqrt();
    (z, two_sided_p(z))
}

/// Number of sign assignments of ranks `1..=n` giving each `T⁺ = 0..=n(n+1)/2` (subset sums,
/// by the usual knapsack recurrence); exact in `u64` for `n ≤ 63`.
fn signed_rank_counts(n: usize) -> Vec<u64> {
    let max = n * (n + 1) / 2;
    let mut c = vec![0u64; max + 1];
    c[0] = 1;
    for r in 1..=n {
        for s in (r..=r * (r + 1) / 2).rev() {
            c[s] += c[s - r];
        }
    }
    c
}

/// Exact two-sided p of `T⁺ = t_plus` for `n` untied ranks.
fn signed_rank_exact_p(t_plus: f64, n: usize) -> f64 {
    let c = signed_rank_counts(n);
    let t = (t_plus.round() as usize).min(c.len() - 1);
    let total = 2f64.powi(n as i32);
    let below: u64 = c[..=t].iter().sum();
    let above: u64 = c[t..].iter().sum();
    (2.0 * below.min(above) as f64 / total).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paired::simulate::std_normal;
    use crate::rng::SplitMix64;
    use crate::rule::min_units;

    /// `2·min(P(T ≤ t), P(T ≥ t))` by enumerating all 2ⁿ sign patterns of ranks `1..=n`:
    /// the definition, independent of the counting recurrence.
    fn brute_force_signed_rank_p(t_plus: f64, n: usize) -> f64 {
        let (mut below, mut above) = (0u64, 0u64);
        for mask in 0u64..1 << n {
            let t: usize = (0..n).filter(|r| mask >> r & 1 == 1).map(|r| r + 1).sum();
            below += u64::from(t as f64 <= t_plus);
            above += u64::from(t as f64 >= t_plus);
        }
        (2.0 * below.min(above) as f64 / (1u64 << n) as f64).min(1.0)
    }

    #[test]
    fn signed_rank_exact_small_cases() {
        // By hand: all of 3 positive → T⁺ = 6, only 1 of 8 patterns reaches it: p = 2/8.
        let r = signed_rank(&[0.1, 0.2, 0.3]);
        assert!(r.exact && r.n == 3 && r.t_plus == 6.0, "{r:?}");
        assert_eq!(r.p_two_sided, 0.25);
        // All of 5 negative: T⁺ = 0, p = 2/32.
        assert_eq!(
            signed_rank(&[-1.0, -2.0, -3.0, -4.0, -5.0]).p_two_sided,
            0.0625
        );
        // d = (1, −2, 3, 4): T⁺ = 8; subset sums of {1..4} ≥ 8 are 8, 9, 10 (3 of 16):
        // p = 6/16.
        let r = signed_rank(&[1.0, -2.0, 3.0, 4.0]);
        assert_eq!((r.t_plus, r.p_two_sided), (8.0, 0.375));
        // Symmetric statistic: flipping every sign keeps p.
        assert_eq!(signed_rank(&[-1.0, 2.0, -3.0, -4.0]).p_two_sided, 0.375);
        // Zeros are dropped: (0, 0, 1, 2, 3) is (1, 2, 3).
        let r = signed_rank(&[0.0, 1.0, 0.0, 2.0, 3.0]);
        assert_eq!((r.n, r.p_two_sided), (3, 0.25));
        // Nothing but zeros: no evidence.
        assert_eq!(signed_rank(&[0.0, 0.0]).p_two_sided, 1.0);
        // Against enumeration for random untied data, n = 1..=12.
        let mut rng = SplitMix64::new(77);
        for n in 1..=12 {
            for _ in 0..20 {
                let d: Vec<f64> = (0..n).map(|_| std_normal(&mut rng) + 0.3).collect();
                let r = signed_rank(&d);
                assert!(r.exact);
                let want = brute_force_signed_rank_p(r.t_plus, n);
                assert!(
                    (r.p_two_sided - want).abs() < 1e-15,
                    "{d:?}: {r:?} vs {want}"
                );
            }
        }
        // The smallest p of n pairs is 2/2ⁿ, which min_units turns into "too few".
        // Seven equal values tie: mid-rank 4 each, T⁺ = 28, Var = 7·8·15/24 − (7³ − 7)/48 = 28.
        let tied = signed_rank(&[0.5; 7]);
        assert!(!tied.exact && tied.t_plus == 28.0);
        assert!((tied.z - 13.5 / 28f64.sqrt()).abs() < 1e-12, "{tied:?}");
        let seven: Vec<f64> = (1..=7).map(f64::from).collect();
        assert_eq!(signed_rank(&seven).p_two_sided, 2.0 / 128.0);
        assert_eq!(min_units(0.01), 8);
        assert_eq!(min_units(0.05), 6);
        assert_eq!(min_units(0.1), 5);
        assert_eq!(min_units(0.0), usize::MAX);
    }

    #[test]
    fn signed_rank_normal_approximation_tracks_the_exact_distribution_at_40() {
        let n = 40;
        let max_t = n * (n + 1) / 2;
        let mut worst: f64 = 0.0;
        for t in 0..=max_t {
            let exact = signed_rank_exact_p(t as f64, n);
            let (_, approx) = signed_rank_normal(t as f64, n, 0.0);
            worst = worst.max((exact - approx).abs());
            // Wilcoxon's distribution has lighter tails than the normal: the approximation
            // errs on the safe side (larger p) wherever the gate decides.
            if exact < 0.05 {
                assert!(approx >= exact, "t {t}: {exact} vs {approx}");
                assert!(approx - exact < 0.0015, "t {t}: {exact} vs {approx}");
            }
        }
        eprintln!("normal vs exact signed-rank p at n = 40: max |Δp| {worst:.5}");
        assert!(worst < 0.005, "{worst}");
        // Reference values from an independent enumeration (Python, subset-sum counts of
        // 1..=40 and math.erfc): near α = 0.01 the approximation is 11% conservative.
        for (t, exact, approx) in [
            (220.0, 0.009_781_997_654_499_719, 0.010_861_425_811_508_243),
            (
                175.0,
                0.001_167_179_309_049_970_5,
                0.001_621_650_373_872_799_3,
            ),
            (260.0, 0.043_626_361_240_967_526, 0.044_486_894_863_831_81),
        ] {
            assert!((signed_rank_exact_p(t, n) / exact - 1.0).abs() < 1e-12);
            assert!((signed_rank_normal(t, n, 0.0).1 / approx - 1.0).abs() < 1e-9);
        }
        // The exact counts are a distribution: 2⁴⁰ patterns, symmetric.
        let c = signed_rank_counts(n);
        assert_eq!(c.iter().sum::<u64>(), 1u64 << 40);
        assert!((0..=max_t).all(|t| c[t] == c[max_t - t]));
        // n = 41 takes the normal path; 40 and 41 pairs of the same pattern give close p.
        let d40: Vec<f64> = (1..=40)
            .map(|i| f64::from(i) * if i % 3 == 0 { -1.0 } else { 1.0 })
            .collect();
        let mut d51 = d40.clone();
        d51.extend((41..=51).map(|i| f64::from(i) * if i % 2 == 0 { -1.0 } else { 1.0 }));
        assert!(signed_rank(&d40).exact && !signed_rank(&d51).exact);
    }

    #[test]
    fn signed_rank_ties_use_the_corrected_variance() {
        // d = (1, 1, −2, 3, 3, 3, 4, −5, 6, 6): |d| ranks with ties (1,1) → 1.5, (3,3,3) → 5.
        let d = [1.0, 1.0, -2.0, 3.0, 3.0, 3.0, 4.0, -5.0, 6.0, 6.0];
        let r = signed_rank(&d);
        assert!(!r.exact);
        // Ranks: 1.5 1.5 | 3 | 5 5 5 | 7 | 8 | 9.5 9.5; positives all but ranks 3 and 8.
        let t_plus = 1.5 + 1.5 + 5.0 * 3.0 + 7.0 + 9.5 * 2.0;
        assert_eq!(r.t_plus, t_plus);
        // Var = 10·11·21/24 − [(2³−2) + (3³−3) + (2³−2)]/48 = 96.25 − 0.75 = 95.5.
        let z = (t_plus - 27.5 - 0.5) / 95.5f64.sqrt();
        assert!((r.z - z).abs() < 1e-12, "{} vs {z}", r.z);
        assert!((r.p_two_sided - two_sided_p(z)).abs() < 1e-12);
    }
}
