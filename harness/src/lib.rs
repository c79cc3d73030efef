//! statbench: drives synthetic swarms against `session-stats`, records snapshots, compares runs.
//!
//! The stages follow the data: [`scenario`] → [`workload`] → [`recorder`] (wired by
//! [`runner`]), or run for a fixed time in this process by [`slice`] (what paired comparisons
//! alternate; [`slice::abi`] is the C ABI another revision's slice library speaks); [`cli`] only
//! parses arguments and calls them.
//! Those modules, with [`store`], [`compare`] (and its [`compare::stats`] library), [`export`]
//! and [`error`], are the library surface; [`cli`] offers only [`cli::main`], and the experiment
//! loops, report pages and file helpers stay private to the binary.
#![warn(missing_docs)]

#[cfg(feature = "cli")]
pub mod cli;
pub mod compare;
pub mod error;
#[cfg(feature = "cli")]
pub(crate) mod experiment;
pub mod export;
pub(crate) mod files;
#[cfg(feature = "cli")]
pub mod history;
pub mod policy;
pub mod progress;
pub mod recorder;
#[cfg(feature = "cli")]
pub(crate) mod report;
mod rng;
pub mod runner;
pub mod scenario;
pub mod slice;
pub mod store;
pub mod workload;
