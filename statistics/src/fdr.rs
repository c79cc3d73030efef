//! Multiple-comparison adjustment: a gate checks many benchmarks at once, so raw p-values
//! would flag some unchanged benchmark by chance on nearly every run.
//!
//! [`benjamini_hochberg`] returns adjusted p-values in the input order, capped at 1; compare them
//! with the same `alpha` as a single test. NaN p-values are treated as 1 (never significant).

/// Orders indices by p-value (NaN counted as 1), clamped to [0, 1].
fn ascending_order(p: &[f64]) -> (Vec<usize>, Vec<f64>) {
    let clean: Vec<f64> = p
        .iter()
        .map(|&x| if x.is_nan() { 1.0 } else { x.clamp(0.0, 1.0) })
        .collect();
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&i, &j| clean[i].total_cmp(&clean[j]));
    (order, clean)
}

/// Benjamini–Hochberg q-values: controls the false discovery rate (expected share of false
/// alarms among flagged benchmarks); monotone in p.
pub fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let (order, clean) = ascending_order(p);
    let mut out = vec![0.0; m];
    let mut running_min = 1.0f64;
    for (rank0, &idx) in order.iter().enumerate().rev() {
        // m/rank first, so the largest p keeps q = p exactly (no rounding below p).
        let q = clean[idx] * (m as f64 / (rank0 + 1) as f64);
        running_min = running_min.min(q);
        out[idx] = running_min;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_all_close(got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{got:?} vs {want:?}");
        }
    }

    #[test]
    fn matches_r_p_adjust() {
        // BH matches scipy 1.17 stats.false_discovery_control(p); derived by hand below
        // (same definition as R p.adjust "BH").
        let p = [0.01, 0.04, 0.03, 0.005, 0.5];
        // sorted: 0.005(3) 0.01(0) 0.03(2) 0.04(1) 0.5(4); m = 5
        // BH raw: .025 .025 .05 .05 .5 → cummin from the top: same.
        assert_all_close(&benjamini_hochberg(&p), &[0.025, 0.05, 0.05, 0.025, 0.5]);
    }

    #[test]
    fn monotone_capped_and_nan_safe() {
        let p = [0.9, 0.8, f64::NAN, 0.2, 0.95];
        let bh = benjamini_hochberg(&p);
        assert!(bh.iter().all(|&q| (0.0..=1.0).contains(&q)));
        assert_eq!(bh[2], 1.0);
        // Order preserved: smaller p never gets a larger q.
        for i in 0..p.len() {
            for j in 0..p.len() {
                let (pi, pj) = (p[i].min(1.0), p[j].min(1.0));
                if pi < pj {
                    assert!(bh[i] <= bh[j]);
                }
            }
        }
        assert!(benjamini_hochberg(&[]).is_empty());
        assert_eq!(benjamini_hochberg(&[0.03]), vec![0.03]);
    }
}
