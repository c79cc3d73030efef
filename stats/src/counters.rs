//! `SessionCounters`: the engine-compatible API over a counter layout.

use crate::clock::{Clock, MonotonicClock};
use crate::layout::{Contiguous, CounterLayout, LayoutKind};
use crate::registry::{
    metric_kinds, BW_DOWNLOAD_RATE, BW_UPLOAD_RATE, NET_BYTES_RECV, NET_BYTES_SENT, NUM_METRICS,
    SES_UPTIME_SECS,
};
use crate::writer::{BatchedWriter, CounterWriter};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// Slots that [`SessionCounters::snapshot_into`] itself writes from the clock (uptime and the
/// two bandwidth rates): time-dependent, so never part of an exact-total check.
pub const DERIVED_SLOTS: [usize; 3] = [BW_UPLOAD_RATE, BW_DOWNLOAD_RATE, SES_UPTIME_SECS];

/// What the previous snapshot saw, so the next one can derive bytes/sec rates.
#[derive(Debug, Clone, Copy)]
struct RateState {
    at: Duration,
    bytes_sent: i64,
    bytes_recv: i64,
}

/// The session's statistics: 99 slots indexed by the registry constants, safe to update from
/// any number of threads through `&self`.
///
/// The layout parameter picks the memory layout; the default, [`Contiguous`], is the engine's
/// own. All updates use Relaxed ordering: counters are statistics, not synchronisation.
///
/// Indices past [`NUM_METRICS`] **panic** (like slice indexing) before any slot is touched, so a
/// bad index can never corrupt another metric.
///
/// ```
/// use session_stats::{SessionCounters, NET_BYTES_SENT, DISK_QUEUE_DEPTH, EVENT_TX_HIGH_WATER};
///
/// let counters = SessionCounters::new();
/// counters.inc(NET_BYTES_SENT, 16_384);
/// counters.set(DISK_QUEUE_DEPTH, 3);
/// counters.set_max_diag(EVENT_TX_HIGH_WATER, 12); // ignored: diagnostics are off
///
/// let snapshot = counters.snapshot();
/// assert_eq!(snapshot[NET_BYTES_SENT], 16_384);
/// assert_eq!(snapshot[DISK_QUEUE_DEPTH], 3);
/// assert_eq!(snapshot[EVENT_TX_HIGH_WATER], 0);
/// ```
pub struct SessionCounters<L: CounterLayout = Contiguous> {
    layout: L,
    diagnostics: bool,
    clock: Arc<dyn Clock>,
    created: Duration,
    last: Mutex<RateState>,
}

impl SessionCounters<Contiguous> {
    /// Counters in the reference layout with diagnostics off (slots ≥ 70 stay 0).
    pub fn new() -> Self {
        Self::with_layout(false)
    }

    /// Counters in the reference layout with diagnostics on.
    pub fn new_with_diagnostics() -> Self {
        Self::with_layout(true)
    }
}

impl Default for SessionCounters<Contiguous> {
    fn default() -> Self {
        Self::new()
    }
}

impl<L: CounterLayout> SessionCounters<L> {
    /// Counters in layout `L`, e.g. `SessionCounters::<Sharded>::with_layout(true)`.
    pub fn with_layout(diagnostics: bool) -> Self {
        Self::with_clock(diagnostics, Arc::new(MonotonicClock::new()))
    }

    /// Counters in layout `L` reading time from `clock` (uptime and rates); tests pass a
    /// [`ManualClock`](crate::ManualClock).
    pub fn with_clock(diagnostics: bool, clock: Arc<dyn Clock>) -> Self {
        let created = clock.now();
        SessionCounters {
            layout: L::with_kinds(&metric_kinds()),
            diagnostics,
            clock,
            created,
            last: Mutex::new(RateState {
                at: created,
                bytes_sent: 0,
                bytes_recv: 0,
            }),
        }
    }

    /// Whether `*_diag` updates take effect.
    pub fn diagnostics_enabled(&self) -> bool {
        self.diagnostics
    }

    /// Which of this crate's layouts stores the slots (`None` for a layout of another crate).
    pub fn layout_kind(&self) -> Option<LayoutKind> {
        LayoutKind::from_name(L::NAME)
    }

    /// The layout's name ([`CounterLayout::NAME`]), whichever crate it comes from.
    pub fn layout_name(&self) -> &'static str {
        L::NAME
    }

    /// The underlying storage, for layout-specific figures (e.g. shard count).
    pub fn layout(&self) -> &L {
        &self.layout
    }

    /// A handle for one writer thread or task: its counter updates skip the thread-local
    /// shard lookup of [`inc`](Self::inc). With [`Sharded`](crate::Sharded) it owns a private
    /// shard until dropped; other layouts forward to the shared methods. See [`CounterWriter`].
    pub fn writer(&self) -> CounterWriter<'_, L> {
        CounterWriter::new(self)
    }

    /// A writer that buffers counter deltas locally and pushes them every `flush_every`
    /// updates (and on flush/drop): snapshots lag by up to that many updates per writer.
    /// See [`BatchedWriter`].
    pub fn batched_writer(&self, flush_every: u32) -> BatchedWriter<'_, L> {
        BatchedWriter::new(self, flush_every)
    }

    /// Adds `delta` (may be negative, e.g. a gauge going down) to metric `idx`.
    #[inline]
    pub fn inc(&self, idx: usize, delta: i64) {
        self.layout.add(idx, delta);
    }

    /// Like [`inc`](Self::inc), but a no-op unless diagnostics are enabled.
    #[inline]
    pub fn inc_diag(&self, idx: usize, delta: i64) {
        if self.diagnostics {
            self.layout.add(idx, delta);
        }
    }

    /// Sets gauge `idx` to `value`.
    #[inline]
    pub fn set(&self, idx: usize, value: i64) {
        self.layout.store(idx, value);
    }

    /// Raises gauge `idx` to `value` if larger: a high-water mark that concurrent writers
    /// cannot lower.
    #[inline]
    pub fn set_max(&self, idx: usize, value: i64) {
        self.layout.fetch_max(idx, value);
    }

    /// Like [`set_max`](Self::set_max), but a no-op unless diagnostics are enabled.
    #[inline]
    pub fn set_max_diag(&self, idx: usize, value: i64) {
        if self.diagnostics {
            self.layout.fetch_max(idx, value);
        }
    }

    /// Current value of metric `idx`.
    #[inline]
    pub fn get(&self, idx: usize) -> i64 {
        self.layout.load(idx)
    }

    /// Number of metric slots ([`NUM_METRICS`]).
    pub fn len(&self) -> usize {
        self.layout.len()
    }

    /// Always false: the registry has 99 slots. Present for API parity.
    pub fn is_empty(&self) -> bool {
        self.layout.is_empty()
    }

    /// Whole seconds since the counters were created.
    pub fn uptime_secs(&self) -> i64 {
        self.clock.now().saturating_sub(self.created).as_secs() as i64
    }

    /// All 99 values by index; see [`snapshot_into`](Self::snapshot_into).
    pub fn snapshot(&self) -> Vec<i64> {
        let mut out = vec![0; self.len()];
        self.snapshot_into(&mut out);
        out
    }

    /// Reads every slot into `out` (length [`NUM_METRICS`]) without allocating.
    ///
    /// Also fills [`SES_UPTIME_SECS`] and derives [`BW_UPLOAD_RATE`] / [`BW_DOWNLOAD_RATE`] in
    /// bytes/sec from the [`NET_BYTES_SENT`] / [`NET_BYTES_RECV`] deltas since the previous
    /// snapshot (or since creation). If no time has passed, the previous rates are kept.
    pub fn snapshot_into(&self, out: &mut [i64]) {
        assert_eq!(
            out.len(),
            NUM_METRICS,
            "snapshot_into: need {NUM_METRICS} slots"
        );
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        let now = self.clock.now();
        self.layout.load_all(out);
        let elapsed = now.saturating_sub(last.at).as_nanos();
        if elapsed > 0 {
            let rate = |now: i64, before: i64| -> i64 {
                (i128::from(now.wrapping_sub(before)) * 1_000_000_000 / elapsed as i128) as i64
            };
            let up = rate(out[NET_BYTES_SENT], last.bytes_sent);
            let down = rate(out[NET_BYTES_RECV], last.bytes_recv);
            self.layout.store(BW_UPLOAD_RATE, up);
            self.layout.store(BW_DOWNLOAD_RATE, down);
            out[BW_UPLOAD_RATE] = up;
            out[BW_DOWNLOAD_RATE] = down;
            *last = RateState {
                at: now,
                bytes_sent: out[NET_BYTES_SENT],
                bytes_recv: out[NET_BYTES_RECV],
            };
        }
        let uptime = now.saturating_sub(self.created).as_secs() as i64;
        self.layout.store(SES_UPTIME_SECS, uptime);
        out[SES_UPTIME_SECS] = uptime;
    }
}

impl<L: CounterLayout> fmt::Debug for SessionCounters<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionCounters")
            .field("layout", &L::NAME)
            .field("diagnostics", &self.diagnostics)
            .finish()
    }
}
