//! The harness's own destinations for the swarm's updates, beside every `SessionCounters`
//! layout and any engine's implementation of [`session_stats::Counters`] (the open interface
//! the swarm drives: one writer per worker thread, obtained once, no lookup per update):
//!
//! * [`NoopSink`]: discards updates, to time the generator alone.
//! * [`CeilingSink`]: plain non-atomic per-worker arrays, the physical ceiling of any layout.

use session_stats::{Counters, Update, NUM_METRICS};
use std::cell::UnsafeCell;
use std::hint::black_box;
use std::sync::Mutex;

/// Discards every update (through `black_box`, so the replay loop is not optimised away).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoopSink;

impl Update for NoopSink {
    #[inline(always)]
    fn inc(&self, idx: usize, delta: i64) {
        black_box((idx, delta));
    }
    #[inline(always)]
    fn diagnostics_enabled(&self) -> bool {
        true
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

impl Counters for NoopSink {
    type Writer<'a> = NoopSink;
    fn writer(&self) -> NoopSink {
        NoopSink
    }
    fn snapshot_into(&self, out: &mut [i64]) {
        out.fill(0);
    }
    fn diagnostics_enabled(&self) -> bool {
        true
    }
    fn name(&self) -> &str {
        "noop"
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

impl Update for LocalWriter<'_> {
    #[inline(always)]
    fn inc(&self, idx: usize, delta: i64) {
        self.with(|l| l.delta[idx] += delta);
    }
    #[inline(always)]
    fn diagnostics_enabled(&self) -> bool {
        self.sink.diagnostics
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

impl Counters for CeilingSink {
    type Writer<'a> = LocalWriter<'a>;
    fn diagnostics_enabled(&self) -> bool {
        self.diagnostics
    }
    fn name(&self) -> &str {
        "ceiling"
    }
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

/// Something to do with the counters a scenario's `layout` names: each layout gets its own
/// monomorphised call (and so its own hot loop). `verify` is false for the no-op sink, whose
/// final values cannot match the plan.
pub(crate) trait WithCounters {
    /// What the call returns.
    type Output;
    /// Runs with `counters`.
    fn call<C: Counters>(self, counters: &C, verify: bool) -> Self::Output;
}

/// Builds fresh counters of `kind` (diagnostics as given) and hands them to `work`: the one
/// place where a layout name becomes a type.
pub(crate) fn with_counters<W: WithCounters>(
    kind: crate::scenario::SinkKind,
    diagnostics: bool,
    work: W,
) -> W::Output {
    use crate::scenario::SinkKind;
    use session_stats::{Contiguous, LayoutKind, Padded, SessionCounters, Sharded};
    match kind {
        SinkKind::Layout(LayoutKind::Contiguous) => work.call(
            &SessionCounters::<Contiguous>::with_layout(diagnostics),
            true,
        ),
        SinkKind::Layout(LayoutKind::Padded) => {
            work.call(&SessionCounters::<Padded>::with_layout(diagnostics), true)
        }
        SinkKind::Layout(LayoutKind::Sharded) => {
            work.call(&SessionCounters::<Sharded>::with_layout(diagnostics), true)
        }
        SinkKind::Noop => work.call(&NoopSink, false),
        SinkKind::Ceiling => work.call(&CeilingSink::new(diagnostics), true),
    }
}
