//! Where updates go: a real `SessionCounters` in some layout, or nowhere (to time the generator).

use session_stats::{CounterLayout, SessionCounters};
use std::hint::black_box;

/// The counter API the swarm drives; implemented by `SessionCounters` and [`NoopSink`].
pub trait Sink: Sync {
    /// See `SessionCounters::inc`.
    fn inc(&self, idx: usize, delta: i64);
    /// See `SessionCounters::inc_diag`.
    fn inc_diag(&self, idx: usize, delta: i64);
    /// See `SessionCounters::set`.
    fn set(&self, idx: usize, value: i64);
    /// See `SessionCounters::set_max`.
    fn set_max(&self, idx: usize, value: i64);
    /// See `SessionCounters::set_max_diag`.
    fn set_max_diag(&self, idx: usize, value: i64);
    /// Reads every slot (see `SessionCounters::snapshot_into`); a no-op sink reads zeros.
    fn snapshot_into(&self, out: &mut [i64]);
    /// Whether final values can be checked against the plan (false for [`NoopSink`]).
    fn verifiable(&self) -> bool {
        true
    }
}

impl<L: CounterLayout> Sink for SessionCounters<L> {
    #[inline(always)]
    fn inc(&self, idx: usize, delta: i64) {
        SessionCounters::inc(self, idx, delta)
    }
    #[inline(always)]
    fn inc_diag(&self, idx: usize, delta: i64) {
        SessionCounters::inc_diag(self, idx, delta)
    }
    #[inline(always)]
    fn set(&self, idx: usize, value: i64) {
        SessionCounters::set(self, idx, value)
    }
    #[inline(always)]
    fn set_max(&self, idx: usize, value: i64) {
        SessionCounters::set_max(self, idx, value)
    }
    #[inline(always)]
    fn set_max_diag(&self, idx: usize, value: i64) {
        SessionCounters::set_max_diag(self, idx, value)
    }
    fn snapshot_into(&self, out: &mut [i64]) {
        SessionCounters::snapshot_into(self, out)
    }
}

/// Discards every update (through `black_box`, so the replay loop is not optimised away).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoopSink;

impl Sink for NoopSink {
    #[inline(always)]
    fn inc(&self, idx: usize, delta: i64) {
        black_box((idx, delta));
    }
    #[inline(always)]
    fn inc_diag(&self, idx: usize, delta: i64) {
        black_box((idx, delta));
    }
    #[inline(always)]
    fn set(&self, idx: usize, value: i64) {
        black_box((idx, value));
    }
    #[inline(always)]
    fn set_max(&self, idx: usize, value: i64) {
        black_box((idx, value));
    }
    #[inline(always)]
    fn set_max_diag(&self, idx: usize, value: i64) {
        black_box((idx, value));
    }
    fn snapshot_into(&self, out: &mut [i64]) {
        out.fill(0);
    }
    fn verifiable(&self) -> bool {
        false
    }
}
