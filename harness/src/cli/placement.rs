//! `statbench placement` (hidden): one placement of the placement-paired gate, run by the gate
//! as a fresh process so that each placement draws its own library addresses, heap and
//! threads; prints its pairs for the parent to read.

use crate::error::Result;
use crate::experiment::placements::{measure_placement, write_placement, PlacementWork};
use clap::Args;
use std::path::PathBuf;

/// Options of `statbench placement`: what [`PlacementWork`] holds.
#[derive(Debug, Args, Clone)]
pub struct PlacementArgs {
    /// The base's slice library.
    #[arg(long)]
    pub base_library: PathBuf,
    /// The candidate's slice library.
    #[arg(long)]
    pub candidate_library: PathBuf,
    /// The scenario file both open.
    #[arg(long)]
    pub scenario: PathBuf,
    /// Injected slowdown of the candidate.
    #[arg(long, default_value_t = 0)]
    pub candidate_extra_work: u64,
    /// Pairs of slices.
    #[arg(long, value_parser = clap::value_parser!(u64).range(2..=100_000))]
    pub slices: u64,
    /// Length of each slice in milliseconds.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub slice_ms: u64,
    /// Seed of the load order and the block orders.
    #[arg(long)]
    pub seed: u64,
}

/// Measures the placement and prints its pairs (`pair BLOCK A B`, `lost SIDE PAIR METRICS`).
pub fn placement_command(args: &PlacementArgs) -> Result<i32> {
    let rec = measure_placement(&PlacementWork {
        base_library: args.base_library.clone(),
        candidate_library: args.candidate_library.clone(),
        scenario: args.scenario.clone(),
        candidate_extra_work: args.candidate_extra_work,
        slices: args.slices as usize,
        slice_ms: args.slice_ms,
        seed: args.seed,
    })?;
    print!("{}", write_placement(&rec));
    Ok(crate::error::EXIT_OK)
}
