//! Statistics for the benchmark regression gate, in pure `std` Rust.
//!
//! Pure functions on `&[f64]` samples (baseline `a`, candidate `b`): descriptive summaries,
//! the Mann–Whitney U test, a bootstrap CI of the ratio of medians, multiple-comparison
//! adjustment, and the one decision rule that judges them for every design ([`rule`]).
//! Three entry points by what the samples are: [`analyze`] (independent samples),
//! [`analyze_series`] (one run a side, intervals in time order, possibly autocorrelated: see
//! [`dependence`], and [`medians`] for long runs) and [`analyze_runs`] (several runs a side;
//! the run is the unit). They take [`Sample`]s: non-empty and finite, checked once by
//! [`Sample::new`]. [`steps`] finds the level steps of a quantity over a history of commits;
//! [`paired`] judges paired measurements.

pub mod bootstrap;
pub mod dependence;
pub mod distribution;
pub mod fdr;
pub mod mann_whitney;
pub mod medians;
pub mod paired;
pub mod random_effects;
pub mod reason;
pub mod rng;
pub mod rule;
pub mod sample;
pub mod sequential;
pub mod settings;
pub mod steps;
pub mod summary;
pub mod trimmed;
pub mod verdict;

#[cfg(test)]
mod tests;

pub use bootstrap::{
    cluster_ratio_of_medians_ci, ratio_of_medians_ci, ratio_of_medians_ci_dependent, RatioCi,
};
pub use dependence::{lag1_autocorrelation, Dependence};
pub use distribution::{
    erf, erfc, incomplete_beta, ln_gamma, normal_cdf, normal_quantile, student_t_cdf,
    student_t_quantile, student_t_two_sided_p, two_sided_p,
};
pub use fdr::benjamini_hochberg;
pub use mann_whitney::{mann_whitney_u, mann_whitney_u_dependent, MannWhitney, EXACT_MAX_N};
pub use medians::{fieller_ratio, median_estimate, ratio_of_medians_asymptotic, MedianEstimate};
pub use paired::{analyze_paired, PairedAnalysis, PairedError, PairedEstimate};
pub use reason::{Autocorrelation, Evidence, PairedTests, PlacementTests, Reason};
pub use rng::SplitMix64;
pub use rule::{decide, min_units, Case, Direction, Facts, Verdict};
pub use sample::{Sample, SampleError};
pub use sequential::{nominal_alpha, Look};
pub use summary::{median, quantile_sorted, quantiles_in_place, select_ranks, Describe, Summary};
pub use verdict::{
    analyze, analyze_runs, analyze_series, pooled_cv, required_samples, Analysis, Method, PValues,
    Settings, BOOTSTRAP_MAX_N,
};
