//! Session statistics for a BitTorrent engine: a registry of 99 metrics with stable indices and
//! an atomic counter array that many threads update concurrently.
//!
//! * [`registry`]: the metric table ([`session_stats_metrics`], [`find_metric_idx`], one
//!   constant per index). Indices never move; retired metrics keep their slot.
//! * [`SessionCounters`]: the engine's counter API (`inc`, `inc_diag`, `set`, `set_max`,
//!   `snapshot`, ...), generic over a memory [`layout`].
//! * [`layout`]: [`Contiguous`] (the reference), [`Padded`] and [`Sharded`], all passing one
//!   test suite; pick by measuring (`statbench sweep`, `cargo bench -p session-stats`).
//! * [`Counters`] / [`Update`]: the open interface every layout implements, and an engine's
//!   own counter implementation can too, to run through the same benchmarks and the recorder.
//! * [`CounterWriter`] ([`SessionCounters::writer`]): one handle per writer thread/task; with
//!   [`Sharded`] its updates are a plain load + store on a private shard.
//!   [`BatchedWriter`] ([`SessionCounters::batched_writer`]) buffers deltas locally instead.
//!
//! * [`recorder`] (feature `recorder`): an engine records its own runs in statbench's format
//!   (`snapshots.csv` + `run.json`) from a background thread.
//!
//! No dependencies; `serde` derives are behind the optional `serde` feature.
#![warn(missing_docs)]

pub mod clock;
mod counters;
pub mod layout;
mod open;
#[cfg(feature = "recorder")]
pub mod recorder;
pub mod registry;
mod writer;

pub use clock::{Clock, ManualClock, MonotonicClock};
pub use counters::{SessionCounters, DERIVED_SLOTS};
pub use layout::{Contiguous, CounterLayout, LayoutKind, Padded, Sharded, WriterShard};
pub use open::{Counters, Update};
pub use registry::*;
pub use writer::{BatchedWriter, CounterWriter};

/// The README's Rust examples, compiled and run as doctests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
