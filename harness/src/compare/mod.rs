//! Comparing two sides (baseline vs candidate, A vs B): alignment by stable metric index,
//! per-interval samples and their statistics ([`Describe`]), verdicts from [`statbench_stats`], the gate
//! ([`Gate`], decided by [`compare()`]).

mod adjust;
pub(crate) mod admit;
mod align;
pub(crate) mod analysis;
mod behaviour;
mod classify;
pub mod confirm;
pub(crate) mod finding;
#[cfg(test)]
pub(crate) mod fixtures;
pub(crate) mod frame;
pub mod machine;
pub(crate) mod outcome;
mod paired;
mod policy;
mod sample;
mod test;
mod throughput;
pub(crate) mod work;

pub use admit::{LeftOutRun, OddRun};
pub use analysis::{compare, CompareSettings, Comparison};
pub use confirm::{confirm, Confirmed};
pub use finding::{
    ChangedMetric, DisturbedRun, Finding, OutlyingPair, TotalDifference, UnstableSide,
};
pub use frame::Quantity;
pub use machine::{MachineCheck, SpeedJudgement};
pub use outcome::{
    AppliedRule, Gate, OneSided, Outcome, QuantityReason, QuantityResult, RuleVerdict,
};
pub use paired::{compare_paired, compare_paired_slices, with_paired_speed, Pair};
pub use statbench_stats::Describe;
