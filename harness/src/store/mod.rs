//! Reading what runs left on disk, and keeping baselines.
//!
//! * [`snapshots`]: the snapshot CSV reader (any width: 70, 99, 118 metrics; CRLF; BOM).
//! * [`run_set`]: one side of a comparison — one or more runs, from folders, CSVs or a baseline.
//! * [`baseline`]: `baselines/<name>/`, saved atomically, never overwritten without `--force`.

pub mod baseline;
pub mod run_set;
pub mod snapshots;

pub use baseline::{Baseline, BaselineInfo};
pub use run_set::{Run, RunSet};
pub use snapshots::SnapshotTable;
