//! Where updates go. A [`Sink`] hands each worker thread an [`Updater`] once, so a layout with
//! per-writer storage (sharded) is driven the way an engine would drive it: one writer handle
//! per thread, no lookup per update.
//!
//! * [`Shared`]: every worker calls the shared `SessionCounters` methods (what the engine ships).
//! * [`PerWorker`]: every worker holds a `CounterWriter` (private shard where the layout has one).
//! * [`NoopSink`]: discards updates, to time the generator alone.
//! * [`CeilingSink`]: plain non-atomic per-worker arrays, the physical ceiling of any layout.

use session_stats::{CounterLayout, CounterWriter, SessionCounters, NUM_METRICS};
use std::cell::UnsafeCell;
use std::hint::black_box;
use std::sync::Mutex;

/// The counter update calls, as made by one worker thread.
pub trait Updater {
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
}

/// A destination for the swarm's updates, shared by all workers.
pub trait Sink: Sync {
    /// One worker's handle.
    type Writer<'a>: Updater
    where
        Self: 'a;
    /// Called once per worker (and once by the coordinator for the last housekeeping ticks).
    fn writer(&self) -> Self::Writer<'_>;
    /// Reads every slot (see `SessionCounters::snapshot_into`).
    fn snapshot_into(&self, out: &mut [i64]);
    /// Whether final values can be checked against the plan (false for [`NoopSink`]).
    fn verifiable(&self) -> bool {
        true
    }
}

impl<L: CounterLayout> Updater for &SessionCounters<L> {
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
}

impl<L: CounterLayout> Updater for CounterWriter<'_, L> {
    #[inline(always)]
    fn inc(&self, idx: usize, delta: i64) {
        CounterWriter::inc(self, idx, delta)
    }
    #[inline(always)]
    fn inc_diag(&self, idx: usize, delta: i64) {
        CounterWriter::inc_diag(self, idx, delta)
    }
    #[inline(always)]
    fn set(&self, idx: usize, value: i64) {
        CounterWriter::set(self, idx, value)
    }
    #[inline(always)]
    fn set_max(&self, idx: usize, value: i64) {
        CounterWriter::set_max(self, idx, value)
    }
    #[inline(always)]
    fn set_max_diag(&self, idx: usize, value: i64) {
        CounterWriter::set_max_diag(self, idx, value)
    }
}

/// Every worker updates through the shared `SessionCounters` methods.
#[derive(Debug)]
pub struct Shared<L: CounterLayout>(pub SessionCounters<L>);

impl<L: CounterLayout> Sink for Shared<L> {
    type Writer<'a> = &'a SessionCounters<L>;
    fn writer(&self) -> Self::Writer<'_> {
        &self.0
    }
    fn snapshot_into(&self, out: &mut [i64]) {
        self.0.snapshot_into(out)
    }
}

/// Every worker holds its own `CounterWriter`.
#[derive(Debug)]
pub struct PerWorker<L: CounterLayout>(pub SessionCounters<L>);

impl<L: CounterLayout> Sink for PerWorker<L> {
    type Writer<'a> = CounterWriter<'a, L>;
    fn writer(&self) -> Self::Writer<'_> {
        self.0.writer()
    }
    fn snapshot_into(&self, out: &mut [i64]) {
        self.0.snapshot_into(out)
    }
}

/// Discards every update (through `black_box`, so the replay loop is not optimised away).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoopSink;

impl Updater for NoopSink {
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
}

impl Sink for NoopSink {
    type Writer<'a> = NoopSink;
    fn writer(&self) -> NoopSink {
        NoopSink
    }
    fn snapshot_into(&self, out: &mut [i64]) {
        out.fill(0);
    }
    fn verifiable(&self) -> bool {
        false
    }
}

/// The physical ceiling: every update is a plain, non-atomic operation on a worker-local array,
/// merged when the worker finishes (deltas summed, `set_max` maxed, `set` taken from the last
/// writer to finish, which is the coordinator's for the final housekeeping ticks). Exact for the
/// swarm's updates; snapshots during a run see only finished workers.
#[derive(Debug)]
pub struct CeilingSink {
    diagnostics: bool,
    merged: Mutex<Merged>,
}

#[derive(Debug)]
struct Merged {
    delta: [i64; NUM_METRICS],
    max: [Option<i64>; NUM_METRICS],
    set: [Option<i64>; NUM_METRICS],
}

impl CeilingSink {
    /// A ceiling sink; `diagnostics` gates `inc_diag`/`set_max_diag` as in `SessionCounters`.
    pub fn new(diagnostics: bool) -> CeilingSink {
        CeilingSink {
            diagnostics,
            merged: Mutex::new(Merged {
                delta: [0; NUM_METRICS],
                max: [None; NUM_METRICS],
                set: [None; NUM_METRICS],
            }),
        }
    }
}

/// One worker's plain arrays (not `Sync`: one thread only).
#[derive(Debug)]
pub struct LocalWriter<'a> {
    sink: &'a CeilingSink,
    local: UnsafeCell<Merged>,
}

impl LocalWriter<'_> {
    #[inline(always)]
    fn with<R>(&self, f: impl FnOnce(&mut Merged) -> R) -> R {
        // SAFETY: `LocalWriter` is !Sync, and the only reference into `local` lives for this
        // call (no re-entrancy: `f` never calls back into the writer).
        f(unsafe { &mut *self.local.get() })
    }
}

impl Updater for LocalWriter<'_> {
    #[inline(always)]
    fn inc(&self, idx: usize, delta: i64) {
        self.with(|l| l.delta[idx] += delta);
    }
    #[inline(always)]
    fn inc_diag(&self, idx: usize, delta: i64) {
        if self.sink.diagnostics {
            self.with(|l| l.delta[idx] += delta);
        }
    }
    #[inline(always)]
    fn set(&self, idx: usize, value: i64) {
        self.with(|l| {
            l.set[idx] = Some(value);
            l.delta[idx] = 0;
        });
    }
    #[inline(always)]
    fn set_max(&self, idx: usize, value: i64) {
        self.with(|l| l.max[idx] = Some(l.max[idx].map_or(value, |x| x.max(value))));
    }
    #[inline(always)]
    fn set_max_diag(&self, idx: usize, value: i64) {
        if self.sink.diagnostics {
            self.set_max(idx, value);
        }
    }
}

impl Drop for LocalWriter<'_> {
    fn drop(&mut self) {
        let local = self.local.get_mut();
        let mut merged = self.sink.merged.lock().unwrap_or_else(|e| e.into_inner());
        for i in 0..NUM_METRICS {
            if let Some(v) = local.set[i] {
                merged.set[i] = Some(v);
                merged.delta[i] = 0;
            }
            merged.delta[i] += local.delta[i];
            if let Some(v) = local.max[i] {
                merged.max[i] = Some(merged.max[i].map_or(v, |x| x.max(v)));
            }
        }
    }
}

impl Sink for CeilingSink {
    type Writer<'a> = LocalWriter<'a>;
    fn writer(&self) -> LocalWriter<'_> {
        LocalWriter {
            sink: self,
            local: UnsafeCell::new(Merged {
                delta: [0; NUM_METRICS],
                max: [None; NUM_METRICS],
                set: [None; NUM_METRICS],
            }),
        }
    }
    fn snapshot_into(&self, out: &mut [i64]) {
        let m = self.merged.lock().unwrap_or_else(|e| e.into_inner());
        for (i, o) in out.iter_mut().enumerate() {
            let base = m.set[i].unwrap_or(0) + m.delta[i];
            *o = m.max[i].map_or(base, |x| x.max(base));
        }
    }
}
