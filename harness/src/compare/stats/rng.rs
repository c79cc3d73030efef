//! The resampling generator: the harness's one SplitMix64 ([`crate::rng`]), re-exported so the
//! statistics module reads as a self-contained library.

pub use crate::rng::SplitMix64;
