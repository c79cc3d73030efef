//! Step 4 of the pipeline, adjust: false-discovery control (Benjamini–Hochberg) across the
//! metrics that were tested, so that ~100 metrics do not turn noise into findings. The headline
//! is a single planned test and keeps its own p-value.

use super::outcome::QuantityResult;
use super::stats::benjamini_hochberg;

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
