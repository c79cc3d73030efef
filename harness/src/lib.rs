//! statbench: drives synthetic swarms against `session-stats`, records snapshots, compares runs.
//!
//! The stages follow the data: [`scenario`] → [`workload`] → [`recorder`] (wired by
//! [`runner`]), or run for a fixed time in this process by [`slice`] (what paired comparisons
//! alternate; [`slice::abi`] is the C ABI another revision's slice library speaks); [`cli`] only
//! parses arguments and calls them.
//! Those modules and [`error`] are the documented library surface; `store`, `compare` (its
//! statistics are the `statbench_stats` crate), `export`, `history` and `policy` are public for the command line
//! and the integration tests; `cli` offers only `cli::main`, and the experiment loops, report
//! pages and file helpers stay private to the binary.
//!
//! The default feature `cli` brings the command line and everything only it needs (`compare`,
//! `store`, `export`, `policy`, `history`, reports: polars and plotters). Without it
//! (`default-features = false`) the crate is the lean library an engine crate benchmarks its
//! own counters with: [`scenario`], [`workload`], [`slice`], [`runner`], [`recorder`].
// Documented public API: the lean library an engine uses (scenario, workload, slice, runner,
// recorder, error, progress). The command line's modules are public for the binary and the
// integration tests only: `missing_docs` is allowed on them, so their docs say why or nothing.
#![warn(missing_docs)]
// Without `cli` the crate is the lean library (scenarios, swarm, slices, runner, recorder): the
// file and random helpers it shares with the command line are then partly unused.
#![cfg_attr(not(feature = "cli"), allow(dead_code))]

#[cfg(feature = "cli")]
#[allow(missing_docs)]
pub mod cli;
#[cfg(feature = "cli")]
#[allow(missing_docs)]
pub mod compare;
pub mod error;
#[cfg(feature = "cli")]
pub(crate) mod experiment;
#[cfg(feature = "cli")]
#[allow(missing_docs)]
pub mod export;
pub(crate) mod files;
#[cfg(feature = "cli")]
#[allow(missing_docs)]
pub mod history;
#[cfg(feature = "cli")]
#[allow(missing_docs)]
pub mod policy;
pub mod progress;
pub mod recorder;
#[cfg(feature = "cli")]
pub(crate) mod report;
mod rng;
pub mod runner;
pub mod scenario;
pub mod slice;
#[cfg(feature = "cli")]
#[allow(missing_docs)]
pub mod store;
pub(crate) mod suggest;
pub mod workload;
