//! Recording a run: the sampler takes snapshots at fixed deadlines and streams them to
//! `snapshots.csv`; `run.json` describes the run and is rewritten atomically when it ends.

pub(crate) mod host;
pub(crate) mod meta;
pub mod probe;
pub(crate) mod sampler;
pub mod settings;
pub(crate) mod snapshot_csv;
pub mod summary;

pub use host::Host;
pub use meta::{
    IntervalThroughput, Mismatch, RunMeta, MAX_OPS_PER_SEC, RUN_META_FILE, RUN_META_FORMAT,
};
pub use probe::MachineProbe;
pub(crate) use sampler::{Sampler, SamplerConfig};
pub(crate) use snapshot_csv::SnapshotWriter;
