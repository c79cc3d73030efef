//! statbench: drives synthetic swarms against `session-stats`, records snapshots, compares runs.
//!
//! The stages follow the data: [`scenario`] → [`workload`] → [`recorder`] (wired by
//! [`runner`]); [`cli`] only parses arguments and calls them.
#![warn(missing_docs)]

pub mod cli;
pub mod compare;
pub mod error;
pub mod experiment;
pub mod export;
pub mod files;
pub mod recorder;
pub mod report;
mod rng;
pub mod runner;
pub mod scenario;
pub mod store;
pub mod workload;
