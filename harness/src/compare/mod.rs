//! Comparing two sides (baseline vs candidate, A vs B): alignment by stable metric index,
//! per-interval statistics in polars ([`frame`]), verdicts from [`stats`], the gate
//! ([`analysis`]).

pub mod admit;
pub mod analysis;
pub mod confirm;
pub mod finding;
pub mod frame;
pub mod outcome;
pub mod stats;

pub use admit::{LeftOutRun, OddRun};
pub use analysis::{compare, CompareSettings, Comparison};
pub use confirm::{confirm, Confirmed};
pub use finding::Finding;
pub use outcome::{Gate, OneSided, Outcome, QuantityResult};
