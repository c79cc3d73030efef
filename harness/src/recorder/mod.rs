//! Recording a run: the sampler takes snapshots at fixed deadlines and streams them to
//! `snapshots.csv` (through session-stats' [`SnapshotWriter`], the format's one writer, which an
//! engine's own recorder uses too); `run.json` describes the run and is rewritten atomically
//! when it ends.

pub(crate) mod host;
pub(crate) mod meta;
pub mod probe;
pub(crate) mod sampler;
pub mod settings;
#[cfg(feature = "cli")]
pub mod summary;

pub use host::Host;
pub use meta::{
    IntervalThroughput, Mismatch, RunMeta, MAX_OPS_PER_SEC, RUN_META_FILE, RUN_META_FORMAT,
};
pub use probe::MachineProbe;
pub(crate) use sampler::{Sampler, SamplerConfig};
/// The one writer of the snapshot CSV contract, shared with engines (`session_stats::recorder`).
pub use session_stats::recorder::{SnapshotWriter, SNAPSHOTS_FILE};
