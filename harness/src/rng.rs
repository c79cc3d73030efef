//! The harness's one generator, SplitMix64, for the workload's peer lives and the statistics'
//! resampling alike: it lives in the statistics crate (which depends on nothing of ours) and is
//! re-exported here so workload code reads `crate::rng`.

pub use statbench_stats::rng::{mix, SplitMix64};
