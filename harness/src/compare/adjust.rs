//! Step 4 of the pipeline, adjust: false-discovery control (Benjamini–Hochberg) across the
//! metrics that were tested, so that ~100 metrics do not turn noise into findings. The headline
//! is a single planned test and keeps its own p-value.

use super::outcome::QuantityResult;
use statbench_stats::benjamini_hochberg;

/// The BH-adjusted p-value of every tested result (one with a p-value), as
/// `(position in results, adjusted p)`; untested results are not counted as tests.
pub(super) fn adjust(results: &[QuantityResult]) -> Vec<(usize, f64)> {
    let tested: Vec<(usize, f64)> = results
        .iter()
        .enumerate()
        .filter_map(|(k, r)| r.p_value.map(|p| (k, p)))
        .collect();
    let raw: Vec<f64> = tested.iter().map(|&(_, p)| p).collect();
    tested
        .iter()
        .zip(benjamini_hochberg(&raw))
        .map(|(&(k, _), q)| (k, q))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::result;
    use super::super::outcome::Outcome;
    use super::*;

    #[test]
    fn only_tested_results_count_and_keep_their_positions() {
        let with_p = |p: f64| {
            let mut r = result("m", Outcome::Inconclusive, Some(1.0));
            r.p_value = Some(p);
            r
        };
        let untested = result("z", Outcome::Unused, None);
        let results = vec![
            with_p(0.01),
            untested.clone(),
            with_p(0.04),
            untested,
            with_p(0.03),
        ];
        let adjusted = adjust(&results);
        let positions: Vec<usize> = adjusted.iter().map(|&(k, _)| k).collect();
        assert_eq!(positions, vec![0, 2, 4]);
        // Three tests, not five: 0.01·3/1, then 0.03·3/2 = 0.045 and 0.04·3/3 → min 0.04.
        let q: Vec<f64> = adjusted.iter().map(|&(_, q)| q).collect();
        let want = [0.03, 0.04, 0.04];
        for (got, want) in q.iter().zip(want) {
            assert!((got - want).abs() < 1e-15, "{q:?}");
        }
        assert!(adjust(&[]).is_empty());
    }
}
