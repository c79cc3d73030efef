//! The synthetic swarm: peer lives that update the counters as a real engine would.
//!
//! Lives are generated once, before the clock starts, as compact *tapes* of counter updates
//! (`tape`); the hot loop only replays them (`swarm`). Because every life derives from the
//! seed, the final value of every counter is known in advance ([`Plan`]), and a run can prove
//! that no update was lost.

pub(crate) mod housekeeping;
pub(crate) mod peer;
pub(crate) mod plan;
pub(crate) mod sink;
pub(crate) mod swarm;
pub(crate) mod tape;

pub use plan::Plan;
pub use sink::{CeilingSink, LocalWriter, NoopSink};
pub(crate) use swarm::Swarm;
