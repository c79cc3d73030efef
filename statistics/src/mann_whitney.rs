//! Mann–Whitney U (Wilcoxon rank-sum) test: a distribution-free two-sample test, robust to the
//! outliers and skew typical of benchmark timings.
//!
//! * Exact permutation distribution (dynamic programming over counts) when both samples have
//!   at most [`EXACT_MAX_N`] values and there are no ties.
//! * Otherwise the normal approximation with tie-corrected variance and continuity
//!   correction (same as `scipy.stats.mannwhitneyu(method="asymptotic")`).
//! * If every value is identical the p-value is 1.

use super::distribution::two_sided_p;

/// Largest per-side sample size for which the exact distribution is used (ties excepted).
pub const EXACT_MAX_N: usize = 12;

/// Result of [`mann_whitney_u`]; carries both the test and an effect size so the gate can
/// report how strongly the samples differ.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MannWhitney {
    /// U statistic of the first sample `a`: #pairs with `a_i > b_j`, plus half the ties
    /// (scipy's `mannwhitneyu(a, b).statistic`).
    pub u: f64,
    /// Standardised statistic (continuity- and tie-corrected), positive when `b` tends to
    /// exceed `a`; 0 for the exact test's degenerate cases and for all-identical data.
    pub z: f64,
    /// Two-sided p-value.
    pub p_two_sided: f64,
    /// Rank-biserial correlation `P(b > a) − P(b < a)` in `[-1, 1]`; positive when `b` is
    /// larger, like a ratio `median(b)/median(a) > 1`.
    pub effect_r: f64,
    /// Whether `p_two_sided` is from the exact distribution (else the normal approximation).
    pub exact: bool,
}

/// Two-sided Mann–Whitney U test of `a` against `b`; `None` if either is empty.
/// Callers must filter NaN first (NaN never ties and ranks arbitrarily at the top).
pub fn mann_whitney_u(a: &[f64], b: &[f64]) -> Option<MannWhitney> {
    mann_whitney_u_dependent(a, b, 1.0, 1.0)
}

/// The U test for serially dependent samples (each side one run's intervals in time order):
/// `tau_a`, `tau_b` are the sides' rank variance factors ([`super::dependence::Dependence`]).
///
/// By Hoeffding's projection `U − mn/2 ≈ n·Σ_i (F(a_i) − ½) − m·Σ_j (F(b_j) − ½)`, so the null
/// variance becomes `mn/12·(n·τ_a + m·τ_b)`: the independent (tie-corrected) variance times
/// `(n·τ_a + m·τ_b)/(m + n)`. With both factors 1 this is [`mann_whitney_u`] exactly (and exact
/// for small tie-free samples); otherwise always the normal approximation. Factors below 1
/// count as 1.
pub fn mann_whitney_u_dependent(
    a: &[f64],
    b: &[f64],
    tau_a: f64,
    tau_b: f64,
) -> Option<MannWhitney> {
    let (m, n) = (a.len(), b.len());
    if m == 0 || n == 0 {
        return None;
    }
    let (rank_sum_a, tie_term) = rank_sum_first(a, b);
    let mf = m as f64;
    let nf = n as f64;
    let mn = mf * nf;
    let u = rank_sum_a - mf * (mf + 1.0) / 2.0;
    let mu = mn / 2.0;
    let total = mf + nf;
    let (tau_a, tau_b) = (tau_a.max(1.0), tau_b.max(1.0));
    let independent = tau_a == 1.0 && tau_b == 1.0;
    let inflation = (nf * tau_a + mf * tau_b) / total;
    let var = mn / 12.0 * ((total + 1.0) - tie_term / (total * (total - 1.0))) * inflation;
    let d = mu - u; // > 0 when b tends to be larger
    let z = if var > 0.0 {
        d.signum() * (d.abs() - 0.5).max(0.0) / var.sqrt()
    } else {
        0.0
    };
    let exact = independent && m <= EXACT_MAX_N && n <= EXACT_MAX_N && tie_term == 0.0;
    let p_two_sided = if var <= 0.0 {
        1.0
    } else if exact {
        exact_p_two_sided(u, m, n)
    } else {
        two_sided_p(z)
    };
    Some(MannWhitney {
        u,
        z,
        p_two_sided,
        effect_r: 2.0 * d / mn,
        exact,
    })
}

/// Sum of mid-ranks of `a` in the pooled sample, and the tie term `Σ (t³ − t)`.
fn rank_sum_first(a: &[f64], b: &[f64]) -> (f64, f64) {
    let mut pooled: Vec<(f64, bool)> = a
        .iter()
        .map(|&x| (x, true))
        .chain(b.iter().map(|&x| (x, false)))
        .collect();
    pooled.sort_unstable_by(|x, y| x.0.total_cmp(&y.0));
    let mut rank_sum_a = 0.0;
    let mut tie_term = 0.0;
    let mut i = 0;
    while i < pooled.len() {
        let mut j = i + 1;
        // `==` (not total_cmp) so that -0.0 and 0.0, adjacent after sorting, tie.
        while j < pooled.len() && pooled[j].0 == pooled[i].0 {
            j += 1;
        }
        let t = (j - i) as f64;
        let mid_rank = (i + j + 1) as f64 / 2.0; // average of ranks i+1 ..= j
        let in_a = pooled[i..j].iter().filter(|p| p.1).count();
        rank_sum_a += mid_rank * in_a as f64;
        tie_term += t * t * t - t;
        i = j;
    }
    (rank_sum_a, tie_term)
}

/// Number of arrangements giving each value `k = 0..=m·n` of U (no ties), by the recurrence
/// `f(i, j, k) = f(i−1, j, k−j) + f(i, j−1, k)` on whether the largest value is from `a`.
fn exact_counts(m: usize, n: usize) -> Vec<f64> {
    // prev[j]: counts for i − 1 values in `a` and j in `b`.
    let mut prev: Vec<Vec<f64>> = vec![vec![1.0]; n + 1];
    for i in 1..=m {
        let mut cur: Vec<Vec<f64>> = Vec::with_capacity(n + 1);
        cur.push(vec![1.0]);
        for j in 1..=n {
            let mut v = vec![0.0; i * j + 1];
            for (k, c) in prev[j].iter().enumerate() {
                v[k + j] += c;
            }
            for (k, c) in cur[j - 1].iter().enumerate() {
                v[k] += c;
            }
            cur.push(v);
        }
        prev = cur;
    }
    prev.swap_remove(n)
}

/// Exact two-sided p-value `2·min(P(U ≤ u), P(U ≥ u))`, capped at 1 (scipy's convention).
fn exact_p_two_sided(u: f64, m: usize, n: usize) -> f64 {
    let counts = exact_counts(m, n);
    let total: f64 = counts.iter().sum();
    let k = u.round() as usize;
    let cdf: f64 = counts[..=k].iter().sum::<f64>() / total;
    let sf: f64 = counts[k..].iter().sum::<f64>() / total;
    (2.0 * cdf.min(sf)).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn scipy_reference_values() {
        // Expected values from scipy 1.17.1:
        //   mannwhitneyu(a, b, alternative="two-sided", method=M)
        // with M = "exact" for the small tie-free cases, "asymptotic" otherwise.
        struct Case {
            a: &'static [f64],
            b: &'static [f64],
            u: f64,
            p: f64,
            exact: bool,
        }
        let cases = [
            Case {
                a: &[1.0, 2.0, 3.0],
                b: &[4.0, 5.0, 6.0],
                u: 0.0,
                p: 0.1,
                exact: true,
            },
            Case {
                a: &[19.0, 22.0, 16.0, 29.0, 24.0],
                b: &[20.0, 11.0, 17.0, 12.0],
                u: 17.0,
                p: 0.111_111_111_111_111_1,
                exact: true,
            },
            Case {
                a: &[
                    0.8, 1.9, 3.1, 4.2, 5.5, 6.3, 7.7, 8.4, 9.6, 10.2, 11.8, 12.9,
                ],
                b: &[
                    2.2, 4.7, 6.9, 8.1, 9.9, 11.1, 13.3, 14.6, 15.2, 16.8, 17.4, 18.0,
                ],
                u: 34.0,
                p: 0.028_420_697_622_474_445,
                exact: true,
            },
            Case {
                a: &[
                    1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 4.0, 5.0, 5.0, 6.0, 7.0, 8.0, 8.0, 9.0,
                ],
                b: &[
                    3.0, 4.0, 4.0, 5.0, 6.0, 6.0, 7.0, 8.0, 9.0, 9.0, 10.0, 10.0, 11.0,
                ],
                u: 46.0,
                p: 0.029_978_593_500_862_197,
                exact: false,
            },
            Case {
                a: &[1.0, 2.0, 2.0, 3.0],
                b: &[2.0, 3.0, 4.0, 4.0, 5.0],
                u: 2.5,
                p: 0.078_545_850_951_190_67,
                exact: false,
            },
        ];
        for c in &cases {
            let r = mann_whitney_u(c.a, c.b).unwrap();
            assert_eq!(r.u, c.u);
            assert_eq!(r.exact, c.exact);
            assert!(
                close(r.p_two_sided, c.p, 1e-12),
                "{} vs {}",
                r.p_two_sided,
                c.p
            );
        }
        // n = 15 vs 14, no ties → asymptotic: U = 78, p = 0.24745429076477554.
        let a: Vec<f64> = (0..15).map(|i| f64::from(i) * 1.1).collect();
        let b: Vec<f64> = (0..14).map(|i| f64::from(i) * 1.05 + 3.3).collect();
        let r = mann_whitney_u(&a, &b).unwrap();
        assert_eq!((r.u, r.exact), (78.0, false));
        assert!(close(r.p_two_sided, 0.247_454_290_764_775_54, 1e-12));
    }

    #[test]
    fn exact_distribution_properties() {
        let c = exact_counts(3, 3);
        assert_eq!(c, vec![1.0, 1.0, 2.0, 3.0, 3.0, 3.0, 3.0, 2.0, 1.0, 1.0]);
        let c = exact_counts(12, 12);
        // Σ counts = C(24, 12); symmetric around m·n/2.
        assert_eq!(c.iter().sum::<f64>(), 2_704_156.0);
        for k in 0..c.len() {
            assert_eq!(c[k], c[c.len() - 1 - k]);
        }
        // Brute force for m = 4, n = 3: enumerate which 4 of 7 ranks belong to a.
        let mut brute = [0.0; 13];
        for mask in 0u32..(1 << 7) {
            if mask.count_ones() != 4 {
                continue;
            }
            let mut u = 0;
            for i in 0..7 {
                for j in 0..7 {
                    if mask & (1 << i) != 0 && mask & (1 << j) == 0 && i > j {
                        u += 1;
                    }
                }
            }
            brute[u] += 1.0;
        }
        assert_eq!(exact_counts(4, 3), brute.to_vec());
    }

    #[test]
    fn exact_and_normal_approximation_agree_at_n12() {
        let (m, n) = (12usize, 12usize);
        let mn = (m * n) as f64;
        let sd = (mn * (m + n + 1) as f64 / 12.0).sqrt();
        // Continuity-corrected approximation is within 0.007 of exact here (0.025 without).
        for u in [20.0, 34.0, 45.0, 55.0, 60.0, 65.0, 72.0] {
            let exact = exact_p_two_sided(u, m, n);
            let z = ((u - mn / 2.0f64).abs() - 0.5).max(0.0) / sd;
            let approx = two_sided_p(z);
            assert!(close(exact, approx, 0.01), "u={u}: {exact} vs {approx}");
        }
        // scipy: the "twelve" case above gives asymptotic p = 0.0303828219765775.
        let z = ((34.0 - 72.0f64).abs() - 0.5) / sd;
        assert!(close(two_sided_p(z), 0.030_382_821_976_577_5, 1e-12));
    }

    #[test]
    fn identical_values_give_p_one() {
        let r = mann_whitney_u(&[3.0; 20], &[3.0; 25]).unwrap();
        assert_eq!((r.p_two_sided, r.z, r.effect_r), (1.0, 0.0, 0.0));
        let r = mann_whitney_u(&[3.0; 2], &[3.0; 2]).unwrap();
        assert_eq!(r.p_two_sided, 1.0);
        // -0.0 and 0.0 are the same value.
        let r = mann_whitney_u(&[0.0, -0.0], &[-0.0, 0.0, 0.0]).unwrap();
        assert_eq!(r.p_two_sided, 1.0);
    }

    #[test]
    fn empty_input_and_signs() {
        assert!(mann_whitney_u(&[], &[1.0]).is_none());
        assert!(mann_whitney_u(&[1.0], &[]).is_none());
        let lo: Vec<f64> = (0..20).map(f64::from).collect();
        let hi: Vec<f64> = (0..20).map(|i| f64::from(i) + 100.0).collect();
        let r = mann_whitney_u(&lo, &hi).unwrap();
        assert_eq!(r.effect_r, 1.0);
        assert!(r.z > 5.0 && r.p_two_sided < 1e-6);
        let r = mann_whitney_u(&hi, &lo).unwrap();
        assert_eq!(r.effect_r, -1.0);
        assert!(r.z < -5.0);
        assert_eq!(r.u, 400.0);
    }

    #[test]
    fn dependent_variant_scales_the_variance() {
        let a: Vec<f64> = (0..15).map(|i| f64::from(i) * 1.1).collect();
        let b: Vec<f64> = (0..14).map(|i| f64::from(i) * 1.05 + 3.3).collect();
        let plain = mann_whitney_u(&a, &b).unwrap();
        assert_eq!(mann_whitney_u_dependent(&a, &b, 1.0, 1.0), Some(plain));
        assert_eq!(mann_whitney_u_dependent(&a, &b, 0.5, 0.2), Some(plain));
        // τ = 3 on both sides: variance ×3, so |z| / √3.
        let d = mann_whitney_u_dependent(&a, &b, 3.0, 3.0).unwrap();
        assert_eq!((d.u, d.exact), (plain.u, false));
        assert!((d.z - plain.z / 3f64.sqrt()).abs() < 1e-12);
        assert!(d.p_two_sided > plain.p_two_sided);
        // Side a's factor is weighted by b's size: (n·τ_a + m·τ_b)/(m + n) with m = 15, n = 14.
        let d = mann_whitney_u_dependent(&a, &b, 2.0, 1.0).unwrap();
        let f = (14.0 * 2.0 + 15.0) / 29.0;
        assert!((d.z - plain.z / f64::sqrt(f)).abs() < 1e-12);
        // Small tie-free samples lose the exact test once a factor exceeds 1.
        let d = mann_whitney_u_dependent(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0], 1.5, 1.0).unwrap();
        assert!(!d.exact);
    }
}
