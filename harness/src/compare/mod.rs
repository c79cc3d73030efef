//! Comparing two sides (baseline vs candidate, A vs B): alignment by stable metric index,
//! per-interval samples and their statistics ([`Describe`]), verdicts from [`statbench_stats`], the gate
//! ([`Gate`], decided by [`compare()`]).

mod adjust;
pub(crate) mod admit;
mod align;
pub(crate) mod analysis;
mod behaviour;
mod classify;
pub(crate) mod comparison;
pub mod confirm;
pub(crate) mod finding;
#[cfg(test)]
pub(crate) mod fixtures;
pub(crate) mod frame;
mod gate_rules;
pub mod machine;
pub(crate) mod outcome;
mod paired;
pub(crate) mod quantity;
mod sample;
pub(crate) mod side;
mod significance;
pub(crate) mod speed_withheld;
mod throughput;
pub(crate) mod work;

pub use admit::{LeftOutRun, OddRun};
pub use analysis::compare;
pub use comparison::{CompareSettings, Comparison, Gate, PlacementsSummary};
pub use confirm::{confirm, Confirmed};
pub use finding::{ChangedMetric, DisturbedRun, Finding, OutlyingPair, TotalDifference};
pub use machine::{MachineCheck, SpeedJudgement};
pub use outcome::{AppliedRule, OneSided, Outcome, QuantityReason, QuantityResult, RuleVerdict};
pub use paired::{
    compare_paired, compare_paired_slices, compare_placements, with_paired_speed, Pair,
};
pub use quantity::Quantity;
pub use side::Side;
pub use speed_withheld::{MachineMismatch, UnstableSide};
pub use statbench_stats::Describe;
