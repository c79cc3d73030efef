//! Counter storage layouts: the same slots, laid out differently in memory.
//!
//! [`SessionCounters`](crate::SessionCounters) is generic over [`CounterLayout`] so that a layout
//! costs nothing at run time (no virtual call per update) and every layout passes one test suite.

mod contiguous;
mod padded;
mod sharded;

pub use contiguous::Contiguous;
pub use padded::Padded;
pub use sharded::{Sharded, DEFAULT_MAX_SHARDS};

use crate::MetricKind;
use std::fmt;

/// Storage for a fixed number of `i64` slots that many threads update concurrently.
///
/// Implementations must never lose an update made with [`add`](Self::add); out-of-range indices
/// panic before any memory is touched.
pub trait CounterLayout: Send + Sync + 'static {
    /// Which layout this is, for CLIs, CSVs and run metadata.
    const KIND: LayoutKind;

    /// Creates zeroed storage with one slot per entry of `kinds`; the kinds let a layout treat
    /// counters and gauges differently (e.g. shard only counters).
    fn with_kinds(kinds: &[MetricKind]) -> Self;

    /// Adds `delta` (possibly negative) to slot `idx`.
    fn add(&self, idx: usize, delta: i64);

    /// Overwrites slot `idx` with `value`.
    fn store(&self, idx: usize, value: i64);

    /// Raises slot `idx` to `value` if `value` is larger (a high-water mark).
    fn fetch_max(&self, idx: usize, value: i64);

    /// Current value of slot `idx`.
    fn load(&self, idx: usize) -> i64;

    /// Number of slots.
    fn len(&self) -> usize;

    /// True when the layout has no slots (never for the registry's layouts).
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reads every slot into `out` (`out.len()` must equal [`len`](Self::len)); one pass, so a
    /// sharded layout sums its shards once per snapshot rather than once per slot.
    fn load_all(&self, out: &mut [i64]) {
        assert_eq!(out.len(), self.len(), "load_all: output length mismatch");
        for (idx, v) in out.iter_mut().enumerate() {
            *v = self.load(idx);
        }
    }
}

/// The layouts this crate ships, selectable at run time by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LayoutKind {
    /// [`Contiguous`]: the engine's `[AtomicI64; 99]`, the reference of every comparison.
    Contiguous,
    /// [`Padded`]: every slot on its own cache line.
    Padded,
    /// [`Sharded`]: one single-writer shard per thread, summed by readers.
    Sharded,
}

impl LayoutKind {
    /// Every layout, reference first.
    pub const ALL: [LayoutKind; 3] = [
        LayoutKind::Contiguous,
        LayoutKind::Padded,
        LayoutKind::Sharded,
    ];

    /// Name used on the command line and in output files.
    pub fn name(self) -> &'static str {
        match self {
            LayoutKind::Contiguous => "contiguous",
            LayoutKind::Padded => "padded",
            LayoutKind::Sharded => "sharded",
        }
    }

    /// Parses a layout name as printed by [`name`](Self::name).
    pub fn from_name(name: &str) -> Option<LayoutKind> {
        LayoutKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl fmt::Display for LayoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Cache-line sized wrapper; 128 bytes covers adjacent-line prefetch on x86 and Apple M-series.
#[derive(Debug, Default)]
#[repr(align(128))]
pub(crate) struct CacheLine<T>(pub(crate) T);
