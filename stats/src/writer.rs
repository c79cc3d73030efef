//! Per-writer handles: [`CounterWriter`] (a private shard, no per-update lookup) and
//! [`BatchedWriter`] (a plain local buffer flushed every N updates).

use crate::layout::{CounterLayout, WriterShard, NOT_PRIVATE};
use crate::registry::{metric_kinds, MetricKind, NUM_METRICS};
use crate::SessionCounters;
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicI64, Ordering::Relaxed};

/// `Send` but not `Sync`: a writer has exactly one updating thread at a time.
type SingleWriter = PhantomData<Cell<()>>;

/// Position table of a writer without private slots: every update is forwarded.
static FORWARD_ALL: [u32; NUM_METRICS] = [NOT_PRIVATE; NUM_METRICS];

/// One writer's handle on a [`SessionCounters`]: same update methods, but counter updates go
/// straight to a shard the layout lent to this writer alone (a relaxed load + store, no
/// thread-local lookup, no locked instruction).
///
/// Get one per engine thread or peer task with [`SessionCounters::writer`]. It is `Send` (hand it
/// to the thread that will use it) but not `Sync`. Dropping it returns the shard to the layout
/// with its values, so totals stay exact. Layouts without private shards ([`Contiguous`],
/// [`Padded`]) forward every update to the shared methods, so the handle is always valid.
///
/// Gauge updates (`set`, `set_max`, and `inc` on a gauge) always use the shared slots.
///
/// ```
/// use session_stats::{SessionCounters, Sharded, NET_BYTES_RECV};
///
/// let counters = SessionCounters::<Sharded>::with_layout(false);
/// std::thread::scope(|s| {
///     for _ in 0..4 {
///         let w = counters.writer(); // one per thread; moved into it
///         s.spawn(move || {
///             for _ in 0..1_000 {
///                 w.inc(NET_BYTES_RECV, 16_384);
///             }
///         });
///     }
/// });
/// assert_eq!(counters.get(NET_BYTES_RECV), 4 * 1_000 * 16_384);
/// ```
///
/// Two threads can never update through one writer at once:
///
/// ```compile_fail
/// fn sync<T: Sync>() {}
/// sync::<session_stats::CounterWriter<'static, session_stats::Sharded>>();
/// ```
///
/// [`Contiguous`]: crate::Contiguous
/// [`Padded`]: crate::Padded
pub struct CounterWriter<'a, L: CounterLayout> {
    counters: &'a SessionCounters<L>,
    diagnostics: bool,
    pos: &'a [u32],
    slots: &'a [AtomicI64],
    token: Option<usize>,
    _single: SingleWriter,
}

impl<'a, L: CounterLayout> CounterWriter<'a, L> {
    pub(crate) fn new(counters: &'a SessionCounters<L>) -> Self {
        // Only a layout that says it lends private slots is asked (the hot path relies on it).
        let shard = if L::PRIVATE_WRITERS {
            counters.layout().claim_writer()
        } else {
            None
        };
        match shard {
            Some(shard) => {
                debug_assert_eq!(shard.pos.len(), NUM_METRICS);
                debug_assert!(shard
                    .pos
                    .iter()
                    .all(|&p| p == NOT_PRIVATE || (p as usize) < shard.slots.len()));
                CounterWriter {
                    counters,
                    diagnostics: counters.diagnostics_enabled(),
                    pos: shard.pos,
                    slots: shard.slots,
                    token: Some(shard.token),
                    _single: PhantomData,
                }
            }
            None => CounterWriter {
                counters,
                diagnostics: counters.diagnostics_enabled(),
                pos: &FORWARD_ALL,
                slots: &[],
                token: None,
                _single: PhantomData,
            },
        }
    }

    /// Whether counter updates go to a private shard (false: forwarded to the shared methods,
    /// e.g. a non-sharded layout or a sharded one out of shards).
    pub fn is_private(&self) -> bool {
        self.token.is_some()
    }

    /// The counters this writer updates.
    pub fn counters(&self) -> &'a SessionCounters<L> {
        self.counters
    }

    /// Adds `delta` to metric `idx`, like [`SessionCounters::inc`].
    #[inline]
    pub fn inc(&self, idx: usize, delta: i64) {
        if !L::PRIVATE_WRITERS {
            // Known at compile time: a layout without private slots gets the shared call alone.
            self.counters.inc(idx, delta);
            return;
        }
        let pos = self.pos[idx];
        if pos != NOT_PRIVATE {
            // SAFETY: every position other than NOT_PRIVATE is < slots.len() (checked at claim).
            let slot = unsafe { self.slots.get_unchecked(pos as usize) };
            // Single writer: a plain load + store cannot lose an update.
            slot.store(slot.load(Relaxed).wrapping_add(delta), Relaxed);
        } else {
            self.counters.inc(idx, delta);
        }
    }

    /// Like [`inc`](Self::inc), but a no-op unless diagnostics are enabled.
    #[inline]
    pub fn inc_diag(&self, idx: usize, delta: i64) {
        if self.diagnostics {
            self.inc(idx, delta);
        }
    }

    /// Sets gauge `idx` to `value`, like [`SessionCounters::set`].
    #[inline]
    pub fn set(&self, idx: usize, value: i64) {
        self.counters.set(idx, value);
    }

    /// Raises gauge `idx` to `value` if larger, like [`SessionCounters::set_max`].
    #[inline]
    pub fn set_max(&self, idx: usize, value: i64) {
        self.counters.set_max(idx, value);
    }

    /// Like [`set_max`](Self::set_max), but a no-op unless diagnostics are enabled.
    #[inline]
    pub fn set_max_diag(&self, idx: usize, value: i64) {
        self.counters.set_max_diag(idx, value);
    }
}

impl<L: CounterLayout> Drop for CounterWriter<'_, L> {
    fn drop(&mut self) {
        if let Some(token) = self.token {
            self.counters.layout().release_writer(WriterShard {
                pos: self.pos,
                slots: self.slots,
                token,
            });
        }
    }
}

impl<L: CounterLayout> fmt::Debug for CounterWriter<'_, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CounterWriter")
            .field("layout", &L::NAME)
            .field("private", &self.is_private())
            .finish()
    }
}

/// Bit `i` set when slot `i` is a counter (NUM_METRICS < 128).
fn counter_mask() -> u128 {
    const _: () = assert!(NUM_METRICS <= 128);
    metric_kinds()
        .iter()
        .enumerate()
        .filter(|(_, k)| **k == MetricKind::Counter)
        .fold(0u128, |m, (i, _)| m | 1 << i)
}

/// A writer that adds counter deltas to a plain thread-local buffer and pushes them to the
/// shared layout every `flush_every` buffered updates, on [`flush`](Self::flush) and on drop.
///
/// Works with any layout; the per-update cost is a non-atomic add. The price is lag: a snapshot
/// may miss up to `flush_every` buffered updates per live writer, and an idle writer holds its
/// deltas until it is flushed or dropped, so call [`flush`](Self::flush) at idle points (end of
/// a tick) and before a final snapshot. Totals are exact once every writer has flushed.
///
/// Gauge updates go straight to the shared slots; `set`/`set_max` on a counter slot first push
/// this writer's pending delta for that slot, so they keep their meaning.
pub struct BatchedWriter<'a, L: CounterLayout> {
    counters: &'a SessionCounters<L>,
    buf: Box<[Cell<i64>; NUM_METRICS]>,
    counters_mask: u128,
    pending: Cell<u32>,
    flush_every: u32,
    _single: SingleWriter,
}

impl<'a, L: CounterLayout> BatchedWriter<'a, L> {
    pub(crate) fn new(counters: &'a SessionCounters<L>, flush_every: u32) -> Self {
        BatchedWriter {
            counters,
            buf: Box::new(std::array::from_fn(|_| Cell::new(0))),
            counters_mask: counter_mask(),
            pending: Cell::new(0),
            flush_every: flush_every.max(1),
            _single: PhantomData,
        }
    }

    /// The counters this writer flushes into.
    pub fn counters(&self) -> &'a SessionCounters<L> {
        self.counters
    }

    /// Counter updates buffered since the last full flush (at most `flush_every`).
    pub fn pending(&self) -> u32 {
        self.pending.get()
    }

    /// Adds `delta` to metric `idx`: buffered for counters, immediate for gauges.
    #[inline]
    pub fn inc(&self, idx: usize, delta: i64) {
        let cell = &self.buf[idx]; // panics past NUM_METRICS before touching anything
        if self.counters_mask >> idx & 1 != 0 {
            cell.set(cell.get().wrapping_add(delta));
            let pending = self.pending.get() + 1;
            self.pending.set(pending);
            if pending >= self.flush_every {
                self.flush();
            }
        } else {
            self.counters.inc(idx, delta);
        }
    }

    /// Like [`inc`](Self::inc), but a no-op unless diagnostics are enabled.
    #[inline]
    pub fn inc_diag(&self, idx: usize, delta: i64) {
        if self.counters.diagnostics_enabled() {
            self.inc(idx, delta);
        }
    }

    /// Sets metric `idx` to `value` (after pushing this writer's pending delta for it).
    #[inline]
    pub fn set(&self, idx: usize, value: i64) {
        self.flush_slot(idx);
        self.counters.set(idx, value);
    }

    /// Raises metric `idx` to `value` if larger (after pushing this writer's pending delta).
    #[inline]
    pub fn set_max(&self, idx: usize, value: i64) {
        self.flush_slot(idx);
        self.counters.set_max(idx, value);
    }

    /// Like [`set_max`](Self::set_max), but a no-op unless diagnostics are enabled.
    #[inline]
    pub fn set_max_diag(&self, idx: usize, value: i64) {
        if self.counters.diagnostics_enabled() {
            self.set_max(idx, value);
        }
    }

    /// Pushes every buffered delta to the shared layout; afterwards readers see all of this
    /// writer's updates.
    pub fn flush(&self) {
        let mut dirty = self.counters_mask;
        while dirty != 0 {
            let idx = dirty.trailing_zeros() as usize;
            dirty &= dirty - 1;
            let delta = self.buf[idx].replace(0);
            if delta != 0 {
                self.counters.inc(idx, delta);
            }
        }
        self.pending.set(0);
    }

    #[inline]
    fn flush_slot(&self, idx: usize) {
        let delta = self.buf[idx].replace(0);
        if delta != 0 {
            self.counters.inc(idx, delta);
        }
    }
}

impl<L: CounterLayout> Drop for BatchedWriter<'_, L> {
    fn drop(&mut self) {
        self.flush();
    }
}

impl<L: CounterLayout> fmt::Debug for BatchedWriter<'_, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchedWriter")
            .field("layout", &L::NAME)
            .field("flush_every", &self.flush_every)
            .field("pending", &self.pending.get())
            .finish()
    }
}
