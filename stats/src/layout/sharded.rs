use super::{CacheLine, CounterLayout, LayoutKind};
use crate::MetricKind;
use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, Weak};

/// Slots per shard line: 16 × 8 bytes fill one 128-byte [`CacheLine`].
const SLOTS_PER_LINE: usize = 16;

/// How many writer threads get a private shard before further threads share the slow path.
pub const DEFAULT_MAX_SHARDS: usize = 1024;

/// Source of unique instance ids, so a thread's cached shard pointer can never match a
/// different (or dropped and reallocated) `Sharded`.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// Fast path: the shard this thread used last, tagged with its instance id.
    static LAST: Cell<(u64, *const Shard)> = const { Cell::new((0, std::ptr::null())) };
    /// Every shard this thread owns, released when the thread exits.
    static CLAIMS: RefCell<Vec<Claim>> = const { RefCell::new(Vec::new()) };
}

/// One writer's private copy of every slot, cache-line aligned so shards never share a line.
struct Shard {
    lines: Box<[CacheLine<[AtomicI64; SLOTS_PER_LINE]>]>,
}

impl Shard {
    fn new(len: usize) -> Shard {
        let lines = len.div_ceil(SLOTS_PER_LINE);
        Shard {
            lines: (0..lines)
                .map(|_| CacheLine(std::array::from_fn(|_| AtomicI64::new(0))))
                .collect(),
        }
    }

    #[inline]
    fn slot(&self, idx: usize) -> &AtomicI64 {
        &self.lines[idx / SLOTS_PER_LINE].0[idx % SLOTS_PER_LINE]
    }
}

/// The shards of one `Sharded`, shared with the threads' claims so they can release on exit.
struct ShardSet {
    shards: Box<[OnceLock<Shard>]>,
    claimed: Box<[AtomicBool]>,
    /// One past the highest shard ever claimed: readers sum only that prefix.
    high_water: AtomicUsize,
    len: usize,
}

impl ShardSet {
    /// Takes a free shard; Acquire pairs with the Release in [`Claim::drop`] so a new owner sees
    /// the values its exited predecessor wrote.
    fn claim(&self) -> Option<usize> {
        for (i, flag) in self.claimed.iter().enumerate() {
            if flag
                .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                self.high_water.fetch_max(i + 1, Ordering::Release);
                return Some(i);
            }
        }
        None
    }

    fn active(&self) -> impl Iterator<Item = &Shard> {
        let high_water = self.high_water.load(Ordering::Acquire);
        self.shards[..high_water].iter().filter_map(OnceLock::get)
    }
}

/// A thread's ownership of one shard; dropping it (at thread exit) frees the shard for reuse.
struct Claim {
    id: u64,
    set: Weak<ShardSet>,
    slot: usize,
}

impl Drop for Claim {
    fn drop(&mut self) {
        if let Some(set) = self.set.upgrade() {
            set.claimed[self.slot].store(false, Ordering::Release);
        }
    }
}

/// Per-thread single-writer shards: each thread adds to its own copy with a plain load + store
/// (no locked read-modify-write, no shared cache line); readers sum the shards.
///
/// Only counter slots are sharded. Gauge slots (and every update from a thread beyond
/// [`DEFAULT_MAX_SHARDS`]) go to a shared, padded atomic, so `set`/`set_max` on a gauge keep their
/// exact meaning. A shard outlives its thread: it is handed, values intact, to the next new
/// thread, so totals never lose what an exited thread wrote. Costs: about 1 KiB per writer
/// thread, and a read sums every shard (see the `snapshot` benches).
///
/// `store`/`fetch_max` on a *counter* slot are exact when no other thread is adding to that slot
/// at the same moment (they adjust the shared part against the current shard sum).
pub struct Sharded {
    id: u64,
    sharded: Box<[bool]>,
    shared: Box<[CacheLine<AtomicI64>]>,
    set: Arc<ShardSet>,
}

impl Sharded {
    /// Creates the layout with room for `max_shards` private shards.
    pub fn with_capacity(kinds: &[MetricKind], max_shards: usize) -> Sharded {
        Sharded {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            sharded: kinds.iter().map(|k| *k == MetricKind::Counter).collect(),
            shared: kinds.iter().map(|_| CacheLine(AtomicI64::new(0))).collect(),
            set: Arc::new(ShardSet {
                shards: (0..max_shards).map(|_| OnceLock::new()).collect(),
                claimed: (0..max_shards).map(|_| AtomicBool::new(false)).collect(),
                high_water: AtomicUsize::new(0),
                len: kinds.len(),
            }),
        }
    }

    /// Number of shards ever handed out (what a read has to sum).
    pub fn shards_in_use(&self) -> usize {
        self.set.active().count()
    }

    /// Bytes of counter storage: the shared slots plus every allocated shard.
    pub fn memory_bytes(&self) -> usize {
        let shard = self.set.len.div_ceil(SLOTS_PER_LINE)
            * std::mem::size_of::<CacheLine<[AtomicI64; SLOTS_PER_LINE]>>();
        self.shared.len() * std::mem::size_of::<CacheLine<AtomicI64>>()
            + self.shards_in_use() * shard
    }

    #[inline]
    fn local_shard(&self) -> Option<&Shard> {
        let (id, ptr) = LAST.get();
        if id == self.id {
            // SAFETY: `ptr` was taken from `self.set.shards`, which lives as long as `self`
            // (we hold `&self`); ids are never reused, so a match means this very set.
            return Some(unsafe { &*ptr });
        }
        self.local_shard_slow()
    }

    #[cold]
    fn local_shard_slow(&self) -> Option<&Shard> {
        let slot = CLAIMS
            .try_with(|claims| {
                let mut claims = claims.borrow_mut();
                if let Some(c) = claims.iter().find(|c| c.id == self.id) {
                    return Some(c.slot);
                }
                claims.retain(|c| c.set.strong_count() > 0);
                let slot = self.set.claim()?;
                claims.push(Claim {
                    id: self.id,
                    set: Arc::downgrade(&self.set),
                    slot,
                });
                Some(slot)
            })
            .ok()
            .flatten()?;
        let shard = self.set.shards[slot].get_or_init(|| Shard::new(self.set.len));
        LAST.set((self.id, shard as *const Shard));
        Some(shard)
    }

    fn shard_sum(&self, idx: usize) -> i64 {
        self.set.active().fold(0i64, |acc, s| {
            acc.wrapping_add(s.slot(idx).load(Ordering::Relaxed))
        })
    }
}

impl std::fmt::Debug for Sharded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sharded")
            .field("len", &self.shared.len())
            .field("shards_in_use", &self.shards_in_use())
            .finish()
    }
}

impl CounterLayout for Sharded {
    const KIND: LayoutKind = LayoutKind::Sharded;

    fn with_kinds(kinds: &[MetricKind]) -> Self {
        Sharded::with_capacity(kinds, DEFAULT_MAX_SHARDS)
    }

    #[inline]
    fn add(&self, idx: usize, delta: i64) {
        if self.sharded[idx] {
            if let Some(shard) = self.local_shard() {
                // Single writer: a plain load + store cannot lose an update.
                let slot = shard.slot(idx);
                slot.store(
                    slot.load(Ordering::Relaxed).wrapping_add(delta),
                    Ordering::Relaxed,
                );
                return;
            }
        }
        self.shared[idx].0.fetch_add(delta, Ordering::Relaxed);
    }

    fn store(&self, idx: usize, value: i64) {
        let base = if self.sharded[idx] {
            self.shard_sum(idx)
        } else {
            0
        };
        self.shared[idx]
            .0
            .store(value.wrapping_sub(base), Ordering::Relaxed);
    }

    fn fetch_max(&self, idx: usize, value: i64) {
        if !self.sharded[idx] {
            self.shared[idx].0.fetch_max(value, Ordering::Relaxed);
            return;
        }
        let shared = &self.shared[idx].0;
        let mut current = shared.load(Ordering::Relaxed);
        loop {
            let total = current.wrapping_add(self.shard_sum(idx));
            if value <= total {
                return;
            }
            let raised = current.wrapping_add(value - total);
            match shared.compare_exchange_weak(
                current,
                raised,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return,
                Err(seen) => current = seen,
            }
        }
    }

    fn load(&self, idx: usize) -> i64 {
        let shared = self.shared[idx].0.load(Ordering::Relaxed);
        if self.sharded[idx] {
            shared.wrapping_add(self.shard_sum(idx))
        } else {
            shared
        }
    }

    fn len(&self) -> usize {
        self.shared.len()
    }

    fn load_all(&self, out: &mut [i64]) {
        assert_eq!(out.len(), self.len(), "load_all: output length mismatch");
        for (v, slot) in out.iter_mut().zip(self.shared.iter()) {
            *v = slot.0.load(Ordering::Relaxed);
        }
        // Shard-major: each shard's lines are read sequentially. Gauge slots in shards stay 0.
        for shard in self.set.active() {
            for (idx, v) in out.iter_mut().enumerate() {
                *v = v.wrapping_add(shard.slot(idx).load(Ordering::Relaxed));
            }
        }
    }
}
