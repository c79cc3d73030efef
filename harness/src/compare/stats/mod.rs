//! Statistics for the benchmark regression gate, in pure `std` Rust.
//!
//! Pure functions on `&[f64]` samples (baseline `a`, candidate `b`): descriptive summaries,
//! the Mann–Whitney U test, a bootstrap CI of the ratio of medians, multiple-comparison
//! adjustment, and the verdict rule that combines them (see [`verdict`]'s module doc).
//! Samples must be NaN-free; callers filter them.

pub mod bootstrap;
pub mod distribution;
pub mod fdr;
pub mod mann_whitney;
pub mod rng;
pub mod summary;
pub mod verdict;

#[cfg(test)]
mod tests;

pub use bootstrap::{cluster_ratio_of_medians_ci, ratio_of_medians_ci, RatioCi};
pub use distribution::{erf, erfc, normal_cdf, normal_quantile, two_sided_p};
pub use fdr::{benjamini_hochberg, holm};
pub use mann_whitney::{mann_whitney_u, MannWhitney, EXACT_MAX_N};
pub use rng::SplitMix64;
pub use summary::{median, quantile_sorted, Summary};
pub use verdict::{
    analyze, classify, pooled_cv, required_samples, Analysis, Direction, Settings, Verdict,
};
