//! Shared bench helpers: precomputed op tables, a barrier-started thread runner, the layouts and
//! writer kinds under test, and the non-atomic ceiling.
//!
//! Every update a bench thread performs comes from a per-thread table of packed ops, built
//! before timing starts, so the index source costs one L1 load and the same decode for every row
//! (including the ceiling).
#![allow(dead_code)] // each bench target uses a different subset

use criterion::Criterion;
use session_stats::{
    session_stats_metrics, BatchedWriter, CounterLayout, CounterWriter, MetricKind,
    SessionCounters, DIAGNOSTIC_COUNTERS_START, NUM_METRICS,
};
use session_stats::{
    BW_PAYLOAD_DOWNLOAD_RATE, DHT_NODES, DISK_CACHE_HITS, DISK_QUEUE_DEPTH, DISK_READ_BYTES,
    DISK_READ_COUNT, DISK_WRITE_BUFFER_BYTES, DISK_WRITE_BYTES, DISK_WRITE_COUNT,
    DISPATCH_ACQUIRE_TOTAL, DISPATCH_TX_HIGH_WATER, EVENT_TX_HIGH_WATER, NET_BYTES_RECV,
    NET_BYTES_SENT, NET_NUM_CONNECTIONS, NET_TCP_BYTES_RECV, NET_TCP_BYTES_SENT,
    NET_UTP_BYTES_RECV, PEER_DRAIN_ITEMS_TOTAL, PEER_NUM_INTERESTED, PEER_NUM_UNCHOKED,
    PEER_PEERS_CONNECTED, PEER_WAKE_EVENTS_TOTAL, PROTO_PIECES_DOWNLOADED, PROTO_PIECES_UPLOADED,
    PROTO_PIECE_REQUESTS, SES_NUM_TORRENTS, TARGET_DEPTH_SAMPLES, TARGET_DEPTH_SUM,
};
use std::cell::Cell;
use std::hint::black_box;
use std::sync::Barrier;
use std::time::{Duration, Instant};

/// Ops per thread table; a power of two so the loop indexes with `i & (TABLE_LEN - 1)`.
/// 4096 × 4 bytes = 16 KiB, L1-resident.
pub const TABLE_LEN: usize = 4096;

/// A precomputed, per-thread op table.
pub type Table = Box<[u32; TABLE_LEN]>;

/// Flush interval of the `*_batched` rows.
pub const BATCH: u32 = 1024;

/// Criterion settings shared by the bench targets: short enough that
/// `cargo bench -p session-stats -- --quick` stays around 4 minutes on 2 cores (quick mode
/// stops each bench at `measurement_time` at the latest). Override on the command line with
/// `--warm-up-time` / `--measurement-time` for a final measurement.
pub fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(600))
        .sample_size(20)
        .nresamples(10_000)
}

/// Thread counts: powers of two from 1 to 64 (`statbench sweep`'s default too), far past the
/// cores of a small machine, as an engine with hundreds of peer tasks runs.
pub fn thread_counts() -> Vec<usize> {
    vec![1, 2, 4, 8, 16, 32, 64]
}

// ---- packed ops: [kind:4 | idx:8 | value:20 (signed)] ----

const INC: u32 = 0;
const INC_DIAG: u32 = 1;
const SET: u32 = 2;
const SET_MAX: u32 = 3;
const SET_MAX_DIAG: u32 = 4;

fn op(kind: u32, idx: usize, value: i64) -> u32 {
    assert!(idx < 256 && (-(1 << 19)..(1 << 19)).contains(&value));
    kind << 28 | (idx as u32) << 20 | (value as u32 & 0xF_FFFF)
}

/// Small deterministic generator (xorshift64).
pub struct XorShift(u64);
impl XorShift {
    pub fn new(seed: u64) -> Self {
        XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn table(mut f: impl FnMut() -> u32) -> Table {
    Box::new(std::array::from_fn(|_| f()))
}

fn counters_where(pred: impl Fn(usize) -> bool) -> Vec<usize> {
    session_stats_metrics()
        .iter()
        .filter(|m| m.kind == MetricKind::Counter && pred(m.index))
        .map(|m| m.index)
        .collect()
}

/// The access patterns of the suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// `inc(idx, 1)` on uniformly random counter slots.
    RandomSlot,
    /// `inc(NET_BYTES_RECV, 1)`: one counter every thread hits.
    HotSlot,
    /// The swarm's weighted mix (see [`swarm_mix_table`]), diagnostics on.
    SwarmMix,
    /// `set_max` on the 2 high-water gauges with random values (the mark saturates quickly, like
    /// a real one). Until issue 17 it hit 3 gauges an engine moves by deltas instead.
    SetMaxStorm,
    /// `inc_diag` on random diagnostic counters with diagnostics disabled: should be ~free.
    IncDiagOff,
}

impl Pattern {
    pub const ALL: [Pattern; 5] = [
        Pattern::RandomSlot,
        Pattern::HotSlot,
        Pattern::SwarmMix,
        Pattern::SetMaxStorm,
        Pattern::IncDiagOff,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Pattern::RandomSlot => "random_slot",
            Pattern::HotSlot => "hot_slot",
            Pattern::SwarmMix => "swarm_mix",
            Pattern::SetMaxStorm => "set_max_storm",
            Pattern::IncDiagOff => "inc_diag_off",
        }
    }

    pub fn diagnostics(self) -> bool {
        matches!(self, Pattern::SwarmMix)
    }

    /// The op table of thread `thread`.
    pub fn table(self, thread: usize) -> Table {
        let mut rng = XorShift::new(0x5eed + thread as u64);
        match self {
            Pattern::RandomSlot => {
                let c = counters_where(|_| true);
                table(|| op(INC, c[rng.below(c.len())], 1))
            }
            Pattern::HotSlot => table(|| op(INC, NET_BYTES_RECV, 1)),
            Pattern::SwarmMix => swarm_mix_table(&mut rng, thread),
            Pattern::SetMaxStorm => {
                let g = [EVENT_TX_HIGH_WATER, DISPATCH_TX_HIGH_WATER];
                table(|| op(SET_MAX, g[rng.below(2)], rng.below(1 << 19) as i64))
            }
            Pattern::IncDiagOff => {
                let d = counters_where(|i| i >= DIAGNOSTIC_COUNTERS_START);
                table(|| op(INC_DIAG, d[rng.below(d.len())], 1))
            }
        }
    }
}

/// A swarm-like weighted mix (percent) on thread `thread`: network byte counters are hot, then
/// protocol and disk counters, a tail of other counters, gauges as an engine moves them, and
/// diagnostics on.
///
/// | weight | op |
/// |---|---|
/// | 18 / 10 | `inc` NET_BYTES_RECV / NET_BYTES_SENT, 16 KiB |
/// | 6 / 2 / 4 | `inc` NET_TCP_BYTES_RECV / NET_UTP_BYTES_RECV / NET_TCP_BYTES_SENT, 16 KiB |
/// | 6 / 3 / 2 | `inc` PROTO_PIECE_REQUESTS / PIECES_DOWNLOADED / PIECES_UPLOADED, 1 |
/// | 5 / 5 / 3 / 3 / 2 | `inc` DISK_WRITE_BYTES / WRITE_COUNT / READ_BYTES / READ_COUNT / CACHE_HITS |
/// | 8 | `inc` a uniformly random non-diagnostic counter, 1 |
/// | 7 | delta gauges: `inc` ±1 on DISK_QUEUE_DEPTH, PEER_NUM_INTERESTED, NET_NUM_CONNECTIONS, PEER_PEERS_CONNECTED, PEER_NUM_UNCHOKED, or ±16 KiB on DISK_WRITE_BUFFER_BYTES |
/// | 1 | thread 0 (the housekeeping owner): `set` a level gauge (DHT_NODES, SES_NUM_TORRENTS, BW_PAYLOAD_DOWNLOAD_RATE); other threads: one more delta-gauge `inc` |
/// | 12 | `inc_diag` PEER_WAKE_EVENTS / PEER_DRAIN_ITEMS / DISPATCH_ACQUIRE / TARGET_DEPTH_* |
/// | 3 | `set_max_diag` EVENT_TX_HIGH_WATER or DISPATCH_TX_HIGH_WATER (high-water gauges), 0..1000 |
///
/// Until issue 17 the gauge share was 5 % `set` on DISK_QUEUE_DEPTH / PEER_NUM_INTERESTED /
/// NET_NUM_CONNECTIONS and 3 % `set_max` on PEER_PEERS_CONNECTED: levels written from every
/// thread on gauges an engine moves by deltas (see the registry's gauge kinds).
pub fn swarm_mix_table(rng: &mut XorShift, thread: usize) -> Table {
    const KB16: i64 = 16_384;
    let weighted: &[(u32, u32, usize, i64)] = &[
        // (weight, kind, idx, value)
        (18, INC, NET_BYTES_RECV, KB16),
        (10, INC, NET_BYTES_SENT, KB16),
        (6, INC, NET_TCP_BYTES_RECV, KB16),
        (2, INC, NET_UTP_BYTES_RECV, KB16),
        (4, INC, NET_TCP_BYTES_SENT, KB16),
        (6, INC, PROTO_PIECE_REQUESTS, 1),
        (3, INC, PROTO_PIECES_DOWNLOADED, 1),
        (2, INC, PROTO_PIECES_UPLOADED, 1),
        (5, INC, DISK_WRITE_BYTES, KB16),
        (5, INC, DISK_WRITE_COUNT, 1),
        (3, INC, DISK_READ_BYTES, KB16),
        (3, INC, DISK_READ_COUNT, 1),
        (2, INC, DISK_CACHE_HITS, 1),
    ];
    let others = counters_where(|i| i < DIAGNOSTIC_COUNTERS_START);
    let diag = [
        PEER_WAKE_EVENTS_TOTAL,
        PEER_DRAIN_ITEMS_TOTAL,
        DISPATCH_ACQUIRE_TOTAL,
        TARGET_DEPTH_SUM,
        TARGET_DEPTH_SAMPLES,
    ];
    let delta_gauges = [
        (DISK_QUEUE_DEPTH, 1),
        (PEER_NUM_INTERESTED, 1),
        (NET_NUM_CONNECTIONS, 1),
        (PEER_PEERS_CONNECTED, 1),
        (PEER_NUM_UNCHOKED, 1),
        (DISK_WRITE_BUFFER_BYTES, KB16),
    ];
    let levels = [DHT_NODES, SES_NUM_TORRENTS, BW_PAYLOAD_DOWNLOAD_RATE];
    table(|| {
        let mut r = rng.below(100) as u32;
        for &(w, kind, idx, value) in weighted {
            if r < w {
                return op(kind, idx, value);
            }
            r -= w;
        }
        match r {
            0..=7 => op(INC, others[rng.below(others.len())], 1),
            15 if thread == 0 => op(
                SET,
                levels[rng.below(levels.len())],
                rng.below(1 << 19) as i64,
            ),
            8..=15 => {
                let (g, step) = delta_gauges[rng.below(delta_gauges.len())];
                op(INC, g, if rng.below(2) == 0 { step } else { -step })
            }
            16..=27 => op(INC_DIAG, diag[rng.below(diag.len())], 1),
            _ => {
                let g = [EVENT_TX_HIGH_WATER, DISPATCH_TX_HIGH_WATER][rng.below(2)];
                op(SET_MAX_DIAG, g, rng.below(1000) as i64)
            }
        }
    })
}

// ---- what the ops are applied to ----

/// The update API, implemented by every row under test.
pub trait Update {
    fn inc(&self, idx: usize, v: i64);
    fn inc_diag(&self, idx: usize, v: i64);
    fn set(&self, idx: usize, v: i64);
    fn set_max(&self, idx: usize, v: i64);
    fn set_max_diag(&self, idx: usize, v: i64);
    /// Called after every op (the ceiling forces its store to memory here).
    #[inline(always)]
    fn after_op(&self) {}
}

macro_rules! impl_update {
    ($ty:ty) => {
        #[inline(always)]
        fn inc(&self, idx: usize, v: i64) {
            <$ty>::inc(self, idx, v)
        }
        #[inline(always)]
        fn inc_diag(&self, idx: usize, v: i64) {
            <$ty>::inc_diag(self, idx, v)
        }
        #[inline(always)]
        fn set(&self, idx: usize, v: i64) {
            <$ty>::set(self, idx, v)
        }
        #[inline(always)]
        fn set_max(&self, idx: usize, v: i64) {
            <$ty>::set_max(self, idx, v)
        }
        #[inline(always)]
        fn set_max_diag(&self, idx: usize, v: i64) {
            <$ty>::set_max_diag(self, idx, v)
        }
    };
}

impl<L: CounterLayout> Update for SessionCounters<L> {
    impl_update!(SessionCounters<L>);
}
impl<L: CounterLayout> Update for CounterWriter<'_, L> {
    impl_update!(CounterWriter<'_, L>);
}
impl<L: CounterLayout> Update for BatchedWriter<'_, L> {
    impl_update!(BatchedWriter<'_, L>);
}

/// The physical ceiling: a plain, non-atomic, thread-local array with the same semantics.
pub struct Local {
    slots: [Cell<i64>; NUM_METRICS],
    diagnostics: bool,
}

impl Local {
    pub fn new(diagnostics: bool) -> Self {
        Local {
            slots: std::array::from_fn(|_| Cell::new(0)),
            diagnostics,
        }
    }
}

impl Update for Local {
    #[inline(always)]
    fn inc(&self, idx: usize, v: i64) {
        let s = &self.slots[idx];
        s.set(s.get().wrapping_add(v));
    }
    #[inline(always)]
    fn inc_diag(&self, idx: usize, v: i64) {
        if self.diagnostics {
            self.inc(idx, v);
        }
    }
    #[inline(always)]
    fn set(&self, idx: usize, v: i64) {
        self.slots[idx].set(v);
    }
    #[inline(always)]
    fn set_max(&self, idx: usize, v: i64) {
        let s = &self.slots[idx];
        s.set(s.get().max(v));
    }
    #[inline(always)]
    fn set_max_diag(&self, idx: usize, v: i64) {
        if self.diagnostics {
            self.set_max(idx, v);
        }
    }
    #[inline(always)]
    fn after_op(&self) {
        black_box(&self.slots); // the update must reach memory, like a real counter's
    }
}

/// Applies `iters` ops from `table` (cycling) to `u`.
#[inline(always)]
pub fn run_ops<U: Update>(u: &U, table: &[u32; TABLE_LEN], iters: u64) {
    for i in 0..iters as usize {
        let op = table[i & (TABLE_LEN - 1)];
        let idx = ((op >> 20) & 0xFF) as usize;
        let v = ((op << 12) as i32 >> 12) as i64;
        match op >> 28 {
            INC => u.inc(idx, v),
            INC_DIAG => u.inc_diag(idx, v),
            SET => u.set(idx, v),
            SET_MAX => u.set_max(idx, v),
            _ => u.set_max_diag(idx, v),
        }
        u.after_op();
    }
}

/// Runs `work` on `threads` threads started together at a barrier, after each built its own
/// state with `setup` (writers are claimed there, untimed); returns the wall time from the first
/// thread's start to the last thread's end.
///
/// Wall time, not the slowest thread's own time: with more threads than cores (the 16…64-thread
/// rows) a thread that is scheduled late starts its clock late, so its own time leaves out the
/// time it waited, and the per-thread maximum overstated throughput (13× for `inc_diag_off` at
/// 64 threads on 2 cores).
pub fn run_threads<S>(
    threads: usize,
    setup: impl Fn(usize) -> S + Sync,
    work: impl Fn(&S, usize) + Sync,
) -> Duration {
    let barrier = Barrier::new(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (barrier, setup, work) = (&barrier, &setup, &work);
                s.spawn(move || {
                    let state = setup(t);
                    barrier.wait();
                    let start = Instant::now();
                    work(&state, t);
                    let end = Instant::now();
                    drop(state); // a batched writer's final flush is not timed
                    (start, end)
                })
            })
            .collect();
        let spans: Vec<(Instant, Instant)> =
            handles.into_iter().map(|h| h.join().unwrap()).collect();
        let first = spans.iter().map(|s| s.0).min().unwrap();
        let last = spans.iter().map(|s| s.1).max().unwrap();
        last - first
    })
}
