//! The synthetic swarm: peer lives that update the counters as a real engine would.
//!
//! Lives are generated once, before the clock starts, as compact *tapes* of counter updates
//! ([`tape`]); the hot loop only replays them ([`swarm`]). Because every life derives from the
//! seed, the final value of every counter is known in advance ([`plan`]), and a run can prove
//! that no update was lost.

pub mod housekeeping;
pub mod peer;
pub mod plan;
pub mod sink;
pub mod swarm;
pub mod tape;

pub use plan::Plan;
pub use sink::{CeilingSink, NoopSink, PerWorker, Shared, Sink, Updater};
pub use swarm::{Swarm, SwarmOutcome};
pub use tape::{OpCode, Update};
