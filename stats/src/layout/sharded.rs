use super::{AlignedSlots, CacheLine, CounterLayout, WriterShard, NOT_PRIVATE, SLOTS_PER_LINE};
use crate::MetricKind;
use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, Weak};

/// How many writer threads get a private shard before further threads share the slow path.
pub const DEFAULT_MAX_SHARDS: usize = 1024;

/// Source of unique instance ids, so a thread's cached shard pointer can never match a
/// different (or dropped and reallocated) `Sharded`.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// Fast path: the private slots this thread used last, tagged with their instance id.
    static LAST: Cell<(u64, *const AtomicI64)> = const { Cell::new((0, std::ptr::null())) };
    /// Every shard this thread owns, released when the thread exits.
    static CLAIMS: RefCell<Vec<Claim>> = const { RefCell::new(Vec::new()) };
}

/// One writer's private copy of every *counter* slot, packed densely (gauges have no copy) and
/// cache-line aligned so shards never share a line.
struct Shard {
    slots: AlignedSlots,
}

impl Shard {
    fn new(dense_len: usize) -> Shard {
        Shard {
            slots: AlignedSlots::zeroed(dense_len),
        }
    }

    /// The shard's slots as one flat slice.
    #[inline]
    fn slots(&self) -> &[AtomicI64] {
        self.slots.as_slice()
    }
}

/// The shards of one `Sharded`, shared with the threads' claims so they can release on exit.
struct ShardSet {
    shards: Box<[OnceLock<Shard>]>,
    claimed: Box<[AtomicBool]>,
    /// One past the highest shard ever claimed: readers sum only that prefix.
    high_water: AtomicUsize,
    /// Private slots per shard (the number of counter slots).
    dense_len: usize,
}

impl ShardSet {
    /// Takes a free shard; Acquire pairs with the Release in [`ShardSet::release`] so a new
    /// owner sees the values its predecessor wrote.
    fn claim(&self) -> Option<usize> {
        for (i, flag) in self.claimed.iter().enumerate() {
            if !flag.load(Ordering::Relaxed)
                && flag
                    .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
            {
                self.high_water.fetch_max(i + 1, Ordering::Release);
                return Some(i);
            }
        }
        None
    }

    fn shard(&self, slot: usize) -> &Shard {
        self.shards[slot].get_or_init(|| Shard::new(self.dense_len))
    }

    fn release(&self, slot: usize) {
        self.claimed[slot].store(false, Ordering::Release);
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
            set.release(self.slot);
        }
    }
}

/// Per-writer single-writer shards: each thread (or each
/// [`CounterWriter`](crate::CounterWriter)) adds to its own copy with a plain load + store (no
/// locked read-modify-write, no shared cache line); readers sum the shards.
///
/// Only counter slots are sharded, packed densely (63 counters: 4 lines, 512 bytes per writer).
/// Gauge slots (and every update from a writer beyond the shard capacity) go to a shared, padded
/// atomic, so `set`/`set_max` on a gauge keep their exact meaning. A shard outlives its owner: it
/// is handed, values intact, to the next new writer, so totals never lose what an exited thread
/// or a dropped writer wrote. Costs: [`bytes_per_shard`](Self::bytes_per_shard) per concurrent
/// writer, and a read sums every shard ever claimed (see the `snapshot` bench).
///
/// `store`/`fetch_max` on a *counter* slot are exact when no other thread is adding to that slot
/// at the same moment (they adjust the shared part against the current shard sum).
pub struct Sharded {
    id: u64,
    /// Slot index → position in a shard, or [`NOT_PRIVATE`] for gauges.
    pos: Box<[u32]>,
    /// Shard position → slot index (the inverse of `pos`).
    dense: Box<[usize]>,
    shared: Box<[CacheLine<AtomicI64>]>,
    set: Arc<ShardSet>,
}

impl Sharded {
    /// Creates the layout with room for `max_shards` private shards.
    pub fn with_capacity(kinds: &[MetricKind], max_shards: usize) -> Sharded {
        let dense: Box<[usize]> = kinds
            .iter()
            .enumerate()
            .filter(|(_, k)| **k == MetricKind::Counter)
            .map(|(i, _)| i)
            .take(NOT_PRIVATE as usize)
            .collect();
        let mut pos = vec![NOT_PRIVATE; kinds.len()].into_boxed_slice();
        for (p, &idx) in dense.iter().enumerate() {
            pos[idx] = p as u32;
        }
        Sharded {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            pos,
            shared: kinds.iter().map(|_| CacheLine(AtomicI64::new(0))).collect(),
            set: Arc::new(ShardSet {
                shards: (0..max_shards).map(|_| OnceLock::new()).collect(),
                claimed: (0..max_shards).map(|_| AtomicBool::new(false)).collect(),
                high_water: AtomicUsize::new(0),
                dense_len: dense.len(),
            }),
            dense,
        }
    }

    /// Number of shards ever handed out (what a read has to sum).
    pub fn shards_in_use(&self) -> usize {
        self.set.active().count()
    }

    /// Bytes of one writer's private shard (whole 128-byte lines of counter slots).
    pub fn bytes_per_shard(&self) -> usize {
        self.set.dense_len.div_ceil(SLOTS_PER_LINE) * SLOTS_PER_LINE * 8
    }

    /// Bytes of counter storage: the shared slots plus every allocated shard.
    pub fn memory_bytes(&self) -> usize {
        self.shared.len() * std::mem::size_of::<CacheLine<AtomicI64>>()
            + self.shards_in_use() * self.bytes_per_shard()
    }

    /// This thread's private slots, claiming a shard on first use.
    #[inline]
    fn local_slots(&self) -> Option<*const AtomicI64> {
        let (id, ptr) = LAST.get();
        if id == self.id {
            return Some(ptr);
        }
        self.local_slots_slow()
    }

    #[cold]
    fn local_slots_slow(&self) -> Option<*const AtomicI64> {
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
        let ptr = self.set.shard(slot).slots().as_ptr();
        LAST.set((self.id, ptr));
        Some(ptr)
    }

    /// `store` on a counter slot: the shared part absorbs the difference to the shard sum.
    #[cold]
    fn store_sharded(&self, idx: usize, pos: usize, value: i64) {
        let base = self.shard_sum(pos);
        self.shared[idx]
            .0
            .store(value.wrapping_sub(base), Ordering::Relaxed);
    }

    /// `fetch_max` on a counter slot: raise the shared part until shared + shards ≥ value.
    #[cold]
    fn fetch_max_sharded(&self, idx: usize, pos: usize, value: i64) {
        let shared = &self.shared[idx].0;
        let mut current = shared.load(Ordering::Relaxed);
        loop {
            let total = current.wrapping_add(self.shard_sum(pos));
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

    fn shard_sum(&self, pos: usize) -> i64 {
        self.set.active().fold(0i64, |acc, s| {
            acc.wrapping_add(s.slots()[pos].load(Ordering::Relaxed))
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

/// Single writer: a plain load + store cannot lose an update.
#[inline(always)]
fn add_private(slot: &AtomicI64, delta: i64) {
    slot.store(
        slot.load(Ordering::Relaxed).wrapping_add(delta),
        Ordering::Relaxed,
    );
}

impl CounterLayout for Sharded {
    const NAME: &'static str = "sharded";
    const PRIVATE_WRITERS: bool = true;

    fn with_kinds(kinds: &[MetricKind]) -> Self {
        Sharded::with_capacity(kinds, DEFAULT_MAX_SHARDS)
    }

    #[inline]
    fn add(&self, idx: usize, delta: i64) {
        let pos = self.pos[idx];
        if pos != NOT_PRIVATE {
            if let Some(slots) = self.local_slots() {
                // SAFETY: `slots` points at a live shard of this instance (ids are unique and the
                // shards live as long as `self`), which has `dense_len > pos` slots.
                add_private(unsafe { &*slots.add(pos as usize) }, delta);
                return;
            }
        }
        self.shared[idx].0.fetch_add(delta, Ordering::Relaxed);
    }

    #[inline]
    fn store(&self, idx: usize, value: i64) {
        let pos = self.pos[idx];
        if pos == NOT_PRIVATE {
            self.shared[idx].0.store(value, Ordering::Relaxed);
        } else {
            self.store_sharded(idx, pos as usize, value);
        }
    }

    #[inline]
    fn fetch_max(&self, idx: usize, value: i64) {
        let pos = self.pos[idx];
        if pos == NOT_PRIVATE {
            // Read first: a high-water mark rarely rises, and a plain load keeps the line shared
            // between cores instead of taking it exclusive on every call.
            let shared = &self.shared[idx].0;
            if shared.load(Ordering::Relaxed) < value {
                shared.fetch_max(value, Ordering::Relaxed);
            }
        } else {
            self.fetch_max_sharded(idx, pos as usize, value);
        }
    }

    fn load(&self, idx: usize) -> i64 {
        let pos = self.pos[idx];
        let shared = self.shared[idx].0.load(Ordering::Relaxed);
        if pos != NOT_PRIVATE {
            shared.wrapping_add(self.shard_sum(pos as usize))
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
        // Shard-major over the dense counter slots, into a stack accumulator, in chunks so any
        // number of counters works; then one scatter per chunk.
        const CHUNK: usize = 128;
        let shards_end = self.set.high_water.load(Ordering::Acquire);
        for (c, dense) in self.dense.chunks(CHUNK).enumerate() {
            let mut acc = [0i64; CHUNK];
            let acc = &mut acc[..dense.len()];
            for shard in self.set.shards[..shards_end]
                .iter()
                .filter_map(OnceLock::get)
            {
                let slots = &shard.slots()[c * CHUNK..][..dense.len()];
                for (a, s) in acc.iter_mut().zip(slots) {
                    *a = a.wrapping_add(s.load(Ordering::Relaxed));
                }
            }
            for (&idx, &a) in dense.iter().zip(acc.iter()) {
                out[idx] = out[idx].wrapping_add(a);
            }
        }
    }

    fn claim_writer(&self) -> Option<WriterShard<'_>> {
        let slot = self.set.claim()?;
        Some(WriterShard {
            pos: &self.pos,
            slots: &self.set.shard(slot).slots()[..self.set.dense_len],
            token: slot,
        })
    }

    fn release_writer(&self, shard: WriterShard<'_>) {
        self.set.release(shard.token);
    }
}
