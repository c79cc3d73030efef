//! Recording a run: the sampler takes snapshots at fixed deadlines and streams them to
//! `snapshots.csv`; `run.json` describes the run and is rewritten atomically when it ends.

pub mod host;
pub mod meta;
pub mod sampler;
pub mod settings;
pub mod snapshot_csv;

pub use host::Host;
pub use meta::{IntervalThroughput, Mismatch, RunMeta};
pub use sampler::{Sampler, SamplerConfig};
pub use snapshot_csv::SnapshotWriter;
