//! Reading what runs left on disk, and keeping baselines.
//!
//! * [`SnapshotTable`]: the snapshot CSV reader (any width: 70, 99, 118 metrics; CRLF; BOM).
//! * [`RunDocument`]: a run folder's run.json, statbench's own or an engine's
//!   (`session_stats::recorder`).
//! * [`RunSet`]: one side of a comparison — one or more runs, from folders, CSVs or a baseline.
//! * [`consistency`]: the one rule for runs pooled as a set (a baseline, a compared side).
//! * [`Baseline`]: `baselines/<name>/`, saved atomically, never overwritten without `--force`.

pub(crate) mod baseline;
pub mod consistency;
pub(crate) mod engine_run;
pub(crate) mod run_set;
pub(crate) mod snapshots;

pub use baseline::{Baseline, BaselineInfo, SaveOptions};
pub use engine_run::RunDocument;
pub use run_set::{Run, RunKind, RunSet};
pub use snapshots::SnapshotTable;
