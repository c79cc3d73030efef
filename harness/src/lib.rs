//! statbench: drives synthetic swarms against `session-stats`, records snapshots, compares runs.
pub mod cli;
