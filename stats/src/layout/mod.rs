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
use std::sync::atomic::AtomicI64;

/// Storage for a fixed number of `i64` slots that many threads update concurrently.
///
/// Implementations must never lose an update made with [`add`](Self::add); out-of-range indices
/// panic before any memory is touched.
///
/// The trait is open: an engine can implement it for a layout of its own and get
/// [`SessionCounters`](crate::SessionCounters) (snapshot derivations, writers) on top of it. A
/// completely different counter implementation implements [`Counters`](crate::Counters)
/// instead.
pub trait CounterLayout: Send + Sync + 'static {
    /// Short name of the layout, for CLIs, CSVs and run metadata (`contiguous`, `sharded`...).
    const NAME: &'static str;

    /// Whether [`claim_writer`](Self::claim_writer) can lend private slots. A compile-time
    /// constant so that a [`CounterWriter`](crate::CounterWriter) of a layout without them
    /// compiles to the plain shared call, with no position lookup per update.
    const PRIVATE_WRITERS: bool = false;

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

    /// Lends private single-writer slots to one [`CounterWriter`](crate::CounterWriter), so its
    /// updates skip any per-update lookup. `None` (the default) makes the writer forward every
    /// update to [`add`](Self::add); only layouts of this crate can build a [`WriterShard`].
    fn claim_writer(&self) -> Option<WriterShard<'_>> {
        None
    }

    /// Takes back what [`claim_writer`](Self::claim_writer) lent, when the writer drops. What the
    /// writer added there must stay counted.
    fn release_writer(&self, shard: WriterShard<'_>) {
        let _ = shard;
    }
}

/// Marks a slot that has no private copy in a [`WriterShard`] (a gauge, or past the shard).
pub(crate) const NOT_PRIVATE: u32 = u32::MAX;

/// Private slots lent to one writer by [`CounterLayout::claim_writer`]; opaque outside the crate.
#[derive(Debug)]
pub struct WriterShard<'a> {
    // `pos[idx]` is the position of slot `idx` in `slots`, or NOT_PRIVATE for slots the writer
    // must update through the shared methods; every other value is `< slots.len()`.
    pub(crate) pos: &'a [u32],
    pub(crate) slots: &'a [AtomicI64],
    pub(crate) token: usize,
}

/// The layouts this crate ships, selectable at run time by name (a layout of another crate has
/// only its [`CounterLayout::NAME`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LayoutKind {
    /// [`Contiguous`]: the engine's `[AtomicI64; 99]`, the reference of every comparison.
    Contiguous,
    /// [`Padded`]: every slot on its own cache line.
    Padded,
    /// [`Sharded`]: one single-writer shard per thread (or per
    /// [`CounterWriter`](crate::CounterWriter)), summed by readers.
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
            LayoutKind::Contiguous => <Contiguous as CounterLayout>::NAME,
            LayoutKind::Padded => <Padded as CounterLayout>::NAME,
            LayoutKind::Sharded => <Sharded as CounterLayout>::NAME,
        }
    }

    /// Parses a layout name as printed by [`name`](Self::name) (the layout's
    /// [`CounterLayout::NAME`]).
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
///
/// `repr(C)` so that an array of `CacheLine<[T; N]>` is `N`-element runs back to back with no
/// padding when `size_of::<[T; N]>()` is a multiple of 128 (the shards rely on it).
#[derive(Debug, Default)]
#[repr(C, align(128))]
pub(crate) struct CacheLine<T>(pub(crate) T);

/// Atomics per [`CacheLine`] of [`AlignedSlots`]: 16 × 8 bytes fill 128 bytes.
pub(crate) const SLOTS_PER_LINE: usize = 16;

type SlotLine = CacheLine<[AtomicI64; SLOTS_PER_LINE]>;
const _: () = assert!(std::mem::size_of::<SlotLine>() == SLOTS_PER_LINE * 8);

/// Atomic slots back to back, starting on a 128-byte boundary.
///
/// Which slots share a cache line must not depend on where the allocator happened to put the
/// array: with a plain `Box<[AtomicI64]>` (16-byte aligned) the line boundaries move from run to
/// run, and so does the contention, by several percent.
pub(crate) struct AlignedSlots {
    lines: Box<[SlotLine]>,
    len: usize,
}

impl AlignedSlots {
    /// `len` zeroed slots (rounded up to whole lines in memory).
    pub(crate) fn zeroed(len: usize) -> AlignedSlots {
        AlignedSlots {
            lines: (0..len.div_ceil(SLOTS_PER_LINE))
                .map(|_| CacheLine(std::array::from_fn(|_| AtomicI64::new(0))))
                .collect(),
            len,
        }
    }

    /// The slots as one flat slice.
    #[inline]
    pub(crate) fn as_slice(&self) -> &[AtomicI64] {
        // SAFETY: `SlotLine` is `repr(C, align(128))` around `[AtomicI64; 16]`, exactly 128
        // bytes (asserted above), so the boxed lines are `16 * lines.len() >= len` atomics back
        // to back.
        unsafe { std::slice::from_raw_parts(self.lines.as_ptr().cast::<AtomicI64>(), self.len) }
    }
}

impl fmt::Debug for AlignedSlots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::AlignedSlots;
    use std::sync::atomic::Ordering::Relaxed;

    #[test]
    fn aligned_slots_start_on_a_line_whatever_was_allocated_before() {
        let mut keep = Vec::new();
        for junk in 1..64usize {
            // Odd-sized allocations in between move where the next block lands.
            keep.push(vec![0u8; junk * 8 + 8]);
            let slots = AlignedSlots::zeroed(99);
            let s = slots.as_slice();
            assert_eq!(
                s.as_ptr() as usize % 128,
                0,
                "after {junk} junk allocations"
            );
            assert_eq!(s.len(), 99);
            assert!(s.iter().all(|a| a.load(Relaxed) == 0));
            keep.push(vec![0u8; 8]);
            drop(slots);
        }
    }
}
