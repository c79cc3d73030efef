//! The open counter interface: what a benchmark swarm or a [`Recorder`](crate::recorder) needs
//! from *any* session-statistics implementation, so that an engine's own counters (not only this
//! crate's layouts) can be driven, snapshotted and recorded the same way.
//!
//! [`Counters`] is the whole object (a writer per thread, a snapshot, the diagnostics flag);
//! [`Update`] is what one writer does. Both are generic-friendly: callers are monomorphised per
//! implementation, so the trait costs no virtual call on the hot path.

use crate::layout::CounterLayout;
use crate::{CounterWriter, SessionCounters, NUM_METRICS};

/// The update calls one writer (thread or peer task) makes, with the engine API's meaning.
///
/// `inc_diag` and `set_max_diag` have default bodies that consult
/// [`diagnostics_enabled`](Self::diagnostics_enabled), so an implementation writes three
/// methods and the flag.
pub trait Update {
    /// Adds `delta` (may be negative) to metric `idx`. Must never lose an update.
    fn inc(&self, idx: usize, delta: i64);
    /// Sets gauge `idx` to `value`.
    fn set(&self, idx: usize, value: i64);
    /// Raises gauge `idx` to `value` if larger (a high-water mark).
    fn set_max(&self, idx: usize, value: i64);
    /// Whether diagnostic updates (indices ≥ 70, the `*_diag` calls) take effect.
    fn diagnostics_enabled(&self) -> bool;

    /// Like [`inc`](Self::inc), but a no-op unless diagnostics are enabled.
    #[inline(always)]
    fn inc_diag(&self, idx: usize, delta: i64) {
        if self.diagnostics_enabled() {
            self.inc(idx, delta);
        }
    }

    /// Like [`set_max`](Self::set_max), but a no-op unless diagnostics are enabled.
    #[inline(always)]
    fn set_max_diag(&self, idx: usize, value: i64) {
        if self.diagnostics_enabled() {
            self.set_max(idx, value);
        }
    }
}

/// A shared reference updates like the value: an implementation whose updates go through
/// `&self` can use `type Writer<'a> = &'a Self` (no per-thread writer needed).
impl<T: Update + ?Sized> Update for &T {
    #[inline(always)]
    fn inc(&self, idx: usize, delta: i64) {
        (**self).inc(idx, delta)
    }
    #[inline(always)]
    fn set(&self, idx: usize, value: i64) {
        (**self).set(idx, value)
    }
    #[inline(always)]
    fn set_max(&self, idx: usize, value: i64) {
        (**self).set_max(idx, value)
    }
    #[inline(always)]
    fn diagnostics_enabled(&self) -> bool {
        (**self).diagnostics_enabled()
    }
    #[inline(always)]
    fn inc_diag(&self, idx: usize, delta: i64) {
        (**self).inc_diag(idx, delta)
    }
    #[inline(always)]
    fn set_max_diag(&self, idx: usize, value: i64) {
        (**self).set_max_diag(idx, value)
    }
}

/// Something many threads update and a reader snapshots: the session statistics as a
/// benchmark or a recorder sees them.
///
/// Every [`SessionCounters`] implements it (its writer is a [`CounterWriter`]); an engine's own
/// implementation can too, and then runs through `statbench`'s scenarios and the
/// [`Recorder`](crate::recorder) unchanged. Slots are indexed by stable metric index.
///
/// ```
/// use session_stats::{Counters, Update, NET_BYTES_RECV, NUM_METRICS};
/// use std::sync::atomic::{AtomicI64, Ordering::Relaxed};
///
/// /// A deliberately plain implementation: one relaxed atomic per slot.
/// struct Plain([AtomicI64; NUM_METRICS]);
///
/// impl Update for Plain {
///     fn inc(&self, idx: usize, delta: i64) { self.0[idx].fetch_add(delta, Relaxed); }
///     fn set(&self, idx: usize, value: i64) { self.0[idx].store(value, Relaxed); }
///     fn set_max(&self, idx: usize, value: i64) { self.0[idx].fetch_max(value, Relaxed); }
///     fn diagnostics_enabled(&self) -> bool { false }
/// }
///
/// impl Counters for Plain {
///     type Writer<'a> = &'a Plain; // no per-thread writer: updates go through &self
///     fn writer(&self) -> &Plain { self }
///     fn snapshot_into(&self, out: &mut [i64]) {
///         for (o, slot) in out.iter_mut().zip(&self.0) { *o = slot.load(Relaxed); }
///     }
///     fn diagnostics_enabled(&self) -> bool { false }
///     fn name(&self) -> &str { "plain" }
/// }
///
/// let c = Plain(std::array::from_fn(|_| AtomicI64::new(0)));
/// std::thread::scope(|s| {
///     for _ in 0..4 {
///         s.spawn(|| c.writer().inc(NET_BYTES_RECV, 10));
///     }
/// });
/// let mut snap = vec![0; c.width()];
/// c.snapshot_into(&mut snap);
/// assert_eq!(snap[NET_BYTES_RECV], 40);
/// ```
pub trait Counters: Sync {
    /// One writer's handle; `&'a Self` when the implementation updates through `&self`.
    type Writer<'a>: Update
    where
        Self: 'a;

    /// A handle for one writer thread or task. Called once per thread by the swarm, so an
    /// implementation can hand out private per-writer storage here.
    fn writer(&self) -> Self::Writer<'_>;

    /// Reads every slot into `out` (`out.len() == self.width()`), indexed by stable index.
    /// Called from a reader thread while writers update; must not block them for long.
    fn snapshot_into(&self, out: &mut [i64]);

    /// Whether diagnostic updates take effect (recorded with the run).
    fn diagnostics_enabled(&self) -> bool;

    /// Short name of the implementation, recorded as the run's layout (`contiguous`,
    /// `my-engine-v2`...).
    fn name(&self) -> &str;

    /// Number of slots a snapshot holds: the registry's [`NUM_METRICS`] unless the
    /// implementation has more (a newer engine's 118) or fewer (an older one's 70).
    fn width(&self) -> usize {
        NUM_METRICS
    }
}

impl<L: CounterLayout> Update for CounterWriter<'_, L> {
    #[inline(always)]
    fn inc(&self, idx: usize, delta: i64) {
        CounterWriter::inc(self, idx, delta)
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
    fn diagnostics_enabled(&self) -> bool {
        self.counters().diagnostics_enabled()
    }
    #[inline(always)]
    fn inc_diag(&self, idx: usize, delta: i64) {
        CounterWriter::inc_diag(self, idx, delta)
    }
    #[inline(always)]
    fn set_max_diag(&self, idx: usize, value: i64) {
        CounterWriter::set_max_diag(self, idx, value)
    }
}

impl<L: CounterLayout> Update for SessionCounters<L> {
    #[inline(always)]
    fn inc(&self, idx: usize, delta: i64) {
        SessionCounters::inc(self, idx, delta)
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
    fn diagnostics_enabled(&self) -> bool {
        SessionCounters::diagnostics_enabled(self)
    }
    #[inline(always)]
    fn inc_diag(&self, idx: usize, delta: i64) {
        SessionCounters::inc_diag(self, idx, delta)
    }
    #[inline(always)]
    fn set_max_diag(&self, idx: usize, value: i64) {
        SessionCounters::set_max_diag(self, idx, value)
    }
}

/// Every layout: one [`CounterWriter`] per writer (a private shard where the layout has them,
/// the shared call otherwise, decided at compile time).
impl<L: CounterLayout> Counters for SessionCounters<L> {
    type Writer<'a> = CounterWriter<'a, L>;

    #[inline]
    fn writer(&self) -> CounterWriter<'_, L> {
        SessionCounters::writer(self)
    }
    fn snapshot_into(&self, out: &mut [i64]) {
        SessionCounters::snapshot_into(self, out)
    }
    fn diagnostics_enabled(&self) -> bool {
        SessionCounters::diagnostics_enabled(self)
    }
    fn name(&self) -> &str {
        L::NAME
    }
}
