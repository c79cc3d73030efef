//! One suite, run against every layout: exact totals under real contention, gauges, gating,
//! snapshot derivations and out-of-range safety.

use session_stats::layout::DEFAULT_MAX_SHARDS;
use session_stats::*;
use std::sync::{Arc, Barrier};
use std::time::Duration;

/// Small deterministic generator so expected totals can be recomputed on one thread.
struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// The operation a worker performs; recomputed identically for the expectation.
enum Op {
    Inc(usize, i64),
    IncDiag(usize, i64),
    SetMax(usize, i64),
    SetMaxDiag(usize, i64),
}

const MAX_SLOTS: [usize; 3] = [NET_NUM_CONNECTIONS, DISK_QUEUE_DEPTH, PEER_PEERS_CONNECTED];
const MAX_DIAG_SLOTS: [usize; 2] = [EVENT_TX_HIGH_WATER, DISPATCH_TX_HIGH_WATER];

fn ops(thread: usize, n: usize) -> impl Iterator<Item = Op> {
    let mut rng =
        XorShift(0x9E37_79B9_7F4A_7C15 ^ (thread as u64 + 1).wrapping_mul(0xA24B_AED4_963E_E407));
    (0..n).map(move |_| {
        let r = rng.next();
        let value = (r >> 32) as i64 % 10_000 - 1_000; // negative deltas too
        match r % 10 {
            0 => Op::SetMax(MAX_SLOTS[(r >> 8) as usize % MAX_SLOTS.len()], value),
            1 => Op::SetMaxDiag(
                MAX_DIAG_SLOTS[(r >> 8) as usize % MAX_DIAG_SLOTS.len()],
                value,
            ),
            2 | 3 => Op::IncDiag(72 + (r >> 8) as usize % (NUM_METRICS - 72), value),
            _ => {
                // Any non-diagnostic slot except the set_max ones and the snapshot-derived ones.
                let mut idx = (r >> 8) as usize % DIAGNOSTIC_COUNTERS_START;
                while MAX_SLOTS.contains(&idx) {
                    idx = (idx + 1) % DIAGNOSTIC_COUNTERS_START;
                }
                Op::Inc(idx, value)
            }
        }
    })
}

fn apply<L: CounterLayout>(c: &SessionCounters<L>, op: &Op) {
    match *op {
        Op::Inc(i, v) => c.inc(i, v),
        Op::IncDiag(i, v) => c.inc_diag(i, v),
        Op::SetMax(i, v) => c.set_max(i, v),
        Op::SetMaxDiag(i, v) => c.set_max_diag(i, v),
    }
}

fn expected(threads: usize, n: usize, diagnostics: bool) -> Vec<i64> {
    let mut want = vec![0i64; NUM_METRICS];
    for t in 0..threads {
        for op in ops(t, n) {
            match op {
                Op::Inc(i, v) => want[i] += v,
                Op::IncDiag(i, v) if diagnostics => want[i] += v,
                Op::SetMax(i, v) => want[i] = want[i].max(v),
                Op::SetMaxDiag(i, v) if diagnostics => want[i] = want[i].max(v),
                _ => {}
            }
        }
    }
    want
}

fn hammer<L: CounterLayout>(threads: usize, n: usize, diagnostics: bool) {
    let c = Arc::new(SessionCounters::<L>::with_clock(
        diagnostics,
        Arc::new(ManualClock::new()),
    ));
    let start = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (c, start) = (Arc::clone(&c), Arc::clone(&start));
            std::thread::spawn(move || {
                start.wait(); // all threads race from the same instant
                for op in ops(t, n) {
                    apply(&c, &op);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let want = expected(threads, n, diagnostics);
    // Compare through get() (per-slot path) and through the layout's bulk read.
    let mut bulk = vec![0; NUM_METRICS];
    c.layout().load_all(&mut bulk);
    for idx in 0..NUM_METRICS {
        assert_eq!(
            c.get(idx),
            want[idx],
            "{}: slot {idx} ({}) via get",
            L::NAME,
            metric(idx).unwrap().name
        );
        assert_eq!(bulk[idx], want[idx], "{}: slot {idx} via load_all", L::NAME);
    }
    assert!(want.iter().any(|&v| v != 0));
}

/// How a worker of the writer tests updates the counters.
#[derive(Clone, Copy, Debug)]
enum Via {
    /// `SessionCounters::writer()`: private shard (sharded) or forwarding.
    Writer,
    /// `SessionCounters::batched_writer(n)`.
    Batched(u32),
}

/// Same ops through a per-thread writer handle; the handle is dropped before the thread ends.
fn hammer_writers<L: CounterLayout>(threads: usize, n: usize, diagnostics: bool, via: Via) {
    let c = SessionCounters::<L>::with_clock(diagnostics, Arc::new(ManualClock::new()));
    let start = Barrier::new(threads);
    std::thread::scope(|s| {
        for t in 0..threads {
            let (c, start) = (&c, &start);
            s.spawn(move || {
                start.wait();
                match via {
                    Via::Writer => {
                        let w = c.writer();
                        for op in ops(t, n) {
                            match op {
                                Op::Inc(i, v) => w.inc(i, v),
                                Op::IncDiag(i, v) => w.inc_diag(i, v),
                                Op::SetMax(i, v) => w.set_max(i, v),
                                Op::SetMaxDiag(i, v) => w.set_max_diag(i, v),
                            }
                        }
                    }
                    Via::Batched(every) => {
                        let w = c.batched_writer(every);
                        for op in ops(t, n) {
                            match op {
                                Op::Inc(i, v) => w.inc(i, v),
                                Op::IncDiag(i, v) => w.inc_diag(i, v),
                                Op::SetMax(i, v) => w.set_max(i, v),
                                Op::SetMaxDiag(i, v) => w.set_max_diag(i, v),
                            }
                        }
                    }
                }
            });
        }
    });
    let want = expected(threads, n, diagnostics);
    let snap = c.snapshot();
    for idx in 0..NUM_METRICS {
        if [SES_UPTIME_SECS, BW_UPLOAD_RATE, BW_DOWNLOAD_RATE].contains(&idx) {
            continue; // derived by snapshot(); always 0 here (no time passed, no ops on them)
        }
        assert_eq!(
            c.get(idx),
            want[idx],
            "{} {via:?}: slot {idx} via get",
            L::NAME
        );
        assert_eq!(
            snap[idx],
            want[idx],
            "{} {via:?}: slot {idx} via snapshot",
            L::NAME
        );
    }
    assert!(want.iter().any(|&v| v != 0));
}

fn writer_gauges_and_gating<L: CounterLayout>() {
    for diagnostics in [false, true] {
        let c = SessionCounters::<L>::with_layout(diagnostics);
        {
            let w = c.writer();
            w.set(DISK_QUEUE_DEPTH, 7);
            w.inc(DISK_QUEUE_DEPTH, -2);
            c.inc(DISK_QUEUE_DEPTH, 1);
            assert_eq!(c.get(DISK_QUEUE_DEPTH), 6);
            w.set(DISK_QUEUE_DEPTH, 1);
            assert_eq!(c.get(DISK_QUEUE_DEPTH), 1, "set overrides earlier incs");
            w.set_max(NET_NUM_CONNECTIONS, 10);
            w.set_max(NET_NUM_CONNECTIONS, 4);
            assert_eq!(c.get(NET_NUM_CONNECTIONS), 10, "set_max never lowers");
            w.inc(NET_BYTES_SENT, 100);
            w.set(NET_BYTES_SENT, 40);
            w.inc(NET_BYTES_SENT, 2);
            assert_eq!(c.get(NET_BYTES_SENT), 42, "writer incs are visible at once");
            w.set_max(NET_BYTES_SENT, 50);
            assert_eq!(c.get(NET_BYTES_SENT), 50);
            w.inc_diag(PEER_WAKE_EVENTS_TOTAL, 3);
            w.set_max_diag(EVENT_TX_HIGH_WATER, 9);
        }
        assert_eq!(c.get(NET_BYTES_SENT), 50, "a dropped writer's values stay");
        let s = c.snapshot();
        let diag = if diagnostics { (3, 9) } else { (0, 0) };
        assert_eq!((s[PEER_WAKE_EVENTS_TOTAL], s[EVENT_TX_HIGH_WATER]), diag);

        let c = SessionCounters::<L>::with_layout(diagnostics);
        let w = c.batched_writer(4);
        w.inc(NET_BYTES_SENT, 100);
        assert_eq!(w.pending(), 1);
        assert_eq!(c.get(NET_BYTES_SENT), 0, "buffered until a flush");
        w.set(NET_BYTES_SENT, 40);
        w.inc(NET_BYTES_SENT, 2);
        w.set_max(NET_BYTES_SENT, 41);
        assert_eq!(
            c.get(NET_BYTES_SENT),
            42,
            "set/set_max push the slot's pending delta"
        );
        w.set(DISK_QUEUE_DEPTH, 7);
        w.inc(DISK_QUEUE_DEPTH, -2);
        assert_eq!(c.get(DISK_QUEUE_DEPTH), 5, "gauges are never buffered");
        w.flush();
        assert_eq!(w.pending(), 0);
        for _ in 0..4 {
            w.inc(PROTO_PIECE_REQUESTS, 1);
        }
        assert_eq!(
            c.get(PROTO_PIECE_REQUESTS),
            4,
            "flushed after flush_every updates"
        );
        w.inc_diag(PEER_WAKE_EVENTS_TOTAL, 3);
        w.set_max_diag(EVENT_TX_HIGH_WATER, 9);
        w.inc(NET_BYTES_RECV, 5);
        w.flush();
        assert_eq!(w.pending(), 0);
        assert_eq!(c.get(NET_BYTES_RECV), 5);
        w.inc(NET_BYTES_RECV, 5);
        drop(w);
        assert_eq!(c.get(NET_BYTES_RECV), 10, "drop flushes");
        let s = c.snapshot();
        let diag = if diagnostics { (3, 9) } else { (0, 0) };
        assert_eq!((s[PEER_WAKE_EVENTS_TOTAL], s[EVENT_TX_HIGH_WATER]), diag);
    }
}

fn writer_out_of_range_panics<L: CounterLayout>() {
    let c = SessionCounters::<L>::with_layout(true);
    let w = c.writer();
    let b = c.batched_writer(8);
    for i in 0..NUM_METRICS {
        w.inc(i, i as i64 + 1);
    }
    b.flush();
    let read = || (0..NUM_METRICS).map(|i| c.get(i)).collect::<Vec<_>>();
    let before = read();
    let bad: [&dyn Fn(); 6] = [
        &|| w.inc(NUM_METRICS, 1),
        &|| w.inc_diag(usize::MAX, 1),
        &|| w.set_max(1_000, 1),
        &|| b.inc(NUM_METRICS, 1),
        &|| b.inc_diag(usize::MAX, 1),
        &|| b.set(NUM_METRICS + 1, 1),
    ];
    for f in bad {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        assert!(r.is_err(), "an out-of-range index must panic");
    }
    b.flush();
    assert_eq!(before, read(), "no slot changed");
}

fn snapshots_never_go_backwards_with_writers<L: CounterLayout>(via: Via) {
    let c = SessionCounters::<L>::with_layout(false);
    let done = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..4 {
            let (c, done) = (&c, &done);
            s.spawn(move || {
                match via {
                    Via::Writer => {
                        let w = c.writer();
                        for _ in 0..50_000 {
                            w.inc(NET_BYTES_RECV, 1);
                            w.inc(PROTO_PIECE_REQUESTS, 1);
                        }
                    }
                    Via::Batched(every) => {
                        let w = c.batched_writer(every);
                        for _ in 0..50_000 {
                            w.inc(NET_BYTES_RECV, 1);
                            w.inc(PROTO_PIECE_REQUESTS, 1);
                        }
                    }
                }
                done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            });
        }
        let mut last = 0;
        while done.load(std::sync::atomic::Ordering::SeqCst) < 4 {
            let now = c.snapshot()[NET_BYTES_RECV];
            assert!(now >= last, "counter went backwards: {last} -> {now}");
            last = now;
        }
    });
    assert_eq!(c.get(NET_BYTES_RECV), 200_000);
    assert_eq!(c.get(PROTO_PIECE_REQUESTS), 200_000);
}

fn gauges_keep_their_meaning<L: CounterLayout>() {
    let c = SessionCounters::<L>::with_layout(true);
    c.set(DISK_QUEUE_DEPTH, 7);
    c.inc(DISK_QUEUE_DEPTH, -2);
    assert_eq!(c.get(DISK_QUEUE_DEPTH), 5);
    c.set(DISK_QUEUE_DEPTH, 1);
    assert_eq!(c.get(DISK_QUEUE_DEPTH), 1, "set overrides earlier incs");
    c.set_max(EVENT_TX_HIGH_WATER, 10);
    c.set_max(EVENT_TX_HIGH_WATER, 4);
    assert_eq!(c.get(EVENT_TX_HIGH_WATER), 10, "set_max never lowers");
    // set on a counter slot (quiescent) also means "the value is now v".
    c.inc(NET_BYTES_SENT, 100);
    c.set(NET_BYTES_SENT, 40);
    assert_eq!(c.get(NET_BYTES_SENT), 40);
    c.inc(NET_BYTES_SENT, 2);
    assert_eq!(c.get(NET_BYTES_SENT), 42);
    c.set_max(NET_BYTES_SENT, 41);
    assert_eq!(c.get(NET_BYTES_SENT), 42);
    c.set_max(NET_BYTES_SENT, 50);
    assert_eq!(c.get(NET_BYTES_SENT), 50);
    // Set from another thread, then read and inc here.
    let c = Arc::new(c);
    let c2 = Arc::clone(&c);
    std::thread::spawn(move || {
        c2.inc(NET_BYTES_SENT, 5);
        c2.set(DISK_QUEUE_DEPTH, 9);
    })
    .join()
    .unwrap();
    assert_eq!(c.get(NET_BYTES_SENT), 55);
    assert_eq!(c.get(DISK_QUEUE_DEPTH), 9);
}

fn diagnostics_gating<L: CounterLayout>() {
    let off = SessionCounters::<L>::with_layout(false);
    assert!(!off.diagnostics_enabled());
    off.inc_diag(PEER_WAKE_EVENTS_TOTAL, 3);
    off.set_max_diag(EVENT_TX_HIGH_WATER, 9);
    assert!(off.snapshot()[DIAGNOSTIC_COUNTERS_START..]
        .iter()
        .all(|&v| v == 0));
    let on = SessionCounters::<L>::with_layout(true);
    assert!(on.diagnostics_enabled());
    on.inc_diag(PEER_WAKE_EVENTS_TOTAL, 3);
    on.set_max_diag(EVENT_TX_HIGH_WATER, 9);
    let s = on.snapshot();
    assert_eq!((s[PEER_WAKE_EVENTS_TOTAL], s[EVENT_TX_HIGH_WATER]), (3, 9));
}

fn snapshot_derives_rates_and_uptime<L: CounterLayout>() {
    let clock = Arc::new(ManualClock::new());
    let c = SessionCounters::<L>::with_clock(false, clock.clone());
    assert_eq!(c.len(), NUM_METRICS);
    assert!(!c.is_empty());
    c.inc(NET_BYTES_SENT, 3_000);
    c.inc(NET_BYTES_RECV, 500);
    clock.advance(Duration::from_millis(1_500));
    let s = c.snapshot();
    assert_eq!(s[BW_UPLOAD_RATE], 2_000, "3000 B over 1.5 s");
    assert_eq!(s[BW_DOWNLOAD_RATE], 333, "500 B over 1.5 s, truncated");
    assert_eq!(s[SES_UPTIME_SECS], 1);
    assert_eq!(
        c.get(BW_UPLOAD_RATE),
        2_000,
        "derived gauges are stored too"
    );
    // The next rate uses only the delta since the previous snapshot.
    c.inc(NET_BYTES_SENT, 1_000);
    clock.advance(Duration::from_secs(2));
    let s = c.snapshot();
    assert_eq!(s[BW_UPLOAD_RATE], 500);
    assert_eq!(s[BW_DOWNLOAD_RATE], 0);
    assert_eq!(s[SES_UPTIME_SECS], 3);
    assert_eq!(c.uptime_secs(), 3);
    // No time passed: rates are kept, not divided by zero.
    let again = c.snapshot();
    assert_eq!(again[BW_UPLOAD_RATE], 500);
}

fn out_of_range_panics_without_corruption<L: CounterLayout>() {
    let c = SessionCounters::<L>::with_layout(true);
    for i in 0..NUM_METRICS {
        c.inc(i, i as i64 + 1);
    }
    let before: Vec<i64> = (0..NUM_METRICS).map(|i| c.get(i)).collect();
    let bad: [&dyn Fn(); 5] = [
        &|| c.inc(NUM_METRICS, 1),
        &|| c.inc_diag(usize::MAX, 1),
        &|| c.set(NUM_METRICS + 1, 1),
        &|| c.set_max(1_000, 1),
        &|| {
            c.get(NUM_METRICS);
        },
    ];
    for f in bad {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        assert!(r.is_err(), "an out-of-range index must panic");
    }
    let after: Vec<i64> = (0..NUM_METRICS).map(|i| c.get(i)).collect();
    assert_eq!(before, after, "no slot changed");
}

fn concurrent_snapshots_never_go_backwards<L: CounterLayout>() {
    let c = Arc::new(SessionCounters::<L>::with_layout(false));
    let writers: Vec<_> = (0..4)
        .map(|_| {
            let c = Arc::clone(&c);
            std::thread::spawn(move || {
                for _ in 0..50_000 {
                    c.inc(NET_BYTES_RECV, 1);
                    c.inc(PROTO_PIECE_REQUESTS, 1);
                }
            })
        })
        .collect();
    let mut last = 0;
    while !writers.iter().all(|w| w.is_finished()) {
        let now = c.snapshot()[NET_BYTES_RECV];
        assert!(now >= last, "counter went backwards: {last} -> {now}");
        last = now;
    }
    for w in writers {
        w.join().unwrap();
    }
    assert_eq!(c.get(NET_BYTES_RECV), 200_000);
    assert_eq!(c.get(PROTO_PIECE_REQUESTS), 200_000);
}

macro_rules! layout_suite {
    ($module:ident, $layout:ty) => {
        mod $module {
            use super::*;

            #[test]
            fn exact_totals_1_thread() {
                hammer::<$layout>(1, 40_000, true);
            }
            #[test]
            fn exact_totals_2_threads() {
                hammer::<$layout>(2, 40_000, true);
            }
            #[test]
            fn exact_totals_8_threads() {
                hammer::<$layout>(8, 20_000, true);
            }
            #[test]
            fn exact_totals_64_threads() {
                hammer::<$layout>(64, 5_000, true);
            }
            #[test]
            fn exact_totals_8_threads_diagnostics_off() {
                hammer::<$layout>(8, 20_000, false);
            }
            #[test]
            fn gauges() {
                gauges_keep_their_meaning::<$layout>();
            }
            #[test]
            fn gating() {
                diagnostics_gating::<$layout>();
            }
            #[test]
            fn rates_and_uptime() {
                snapshot_derives_rates_and_uptime::<$layout>();
            }
            #[test]
            fn out_of_range() {
                out_of_range_panics_without_corruption::<$layout>();
            }
            #[test]
            fn monotonic_snapshots() {
                concurrent_snapshots_never_go_backwards::<$layout>();
            }
            #[test]
            fn writers_exact_totals_1_thread() {
                hammer_writers::<$layout>(1, 40_000, true, Via::Writer);
            }
            #[test]
            fn writers_exact_totals_2_threads() {
                hammer_writers::<$layout>(2, 40_000, true, Via::Writer);
            }
            #[test]
            fn writers_exact_totals_8_threads() {
                hammer_writers::<$layout>(8, 20_000, true, Via::Writer);
            }
            #[test]
            fn writers_exact_totals_64_threads() {
                hammer_writers::<$layout>(64, 5_000, true, Via::Writer);
            }
            #[test]
            fn writers_exact_totals_8_threads_diagnostics_off() {
                hammer_writers::<$layout>(8, 20_000, false, Via::Writer);
            }
            #[test]
            fn batched_writers_exact_totals() {
                for (threads, n) in [(1, 40_000), (2, 40_000), (8, 20_000), (64, 5_000)] {
                    hammer_writers::<$layout>(threads, n, true, Via::Batched(64));
                }
                hammer_writers::<$layout>(8, 20_000, false, Via::Batched(1));
            }
            #[test]
            fn writer_gauges_gating() {
                writer_gauges_and_gating::<$layout>();
            }
            #[test]
            fn writer_out_of_range() {
                writer_out_of_range_panics::<$layout>();
            }
            #[test]
            fn monotonic_snapshots_with_writers() {
                snapshots_never_go_backwards_with_writers::<$layout>(Via::Writer);
                snapshots_never_go_backwards_with_writers::<$layout>(Via::Batched(100));
            }
        }
    };
}

layout_suite!(contiguous, Contiguous);
layout_suite!(padded, Padded);
layout_suite!(sharded, Sharded);

#[test]
fn sharded_reuses_shards_of_exited_threads_and_keeps_their_totals() {
    let c = Arc::new(SessionCounters::<Sharded>::with_layout(false));
    for _wave in 0..25 {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let c = Arc::clone(&c);
                std::thread::spawn(move || {
                    for _ in 0..1_000 {
                        c.inc(NET_BYTES_SENT, 3);
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    }
    assert_eq!(c.get(NET_BYTES_SENT), 25 * 4 * 1_000 * 3);
    // 100 threads ran, at most 4 (+ a race margin of exiting threads) at a time.
    let shards = c.layout().shards_in_use();
    assert!(
        shards <= 8,
        "exited threads' shards are reused, got {shards}"
    );
}

#[test]
fn sharded_writers_get_private_shards_and_return_them() {
    let c = SessionCounters::<Sharded>::with_layout(false);
    assert!(!SessionCounters::<Contiguous>::with_layout(false)
        .writer()
        .is_private());
    for _ in 0..100 {
        let w = c.writer();
        assert!(w.is_private());
        w.inc(NET_BYTES_SENT, 3);
    }
    assert_eq!(c.get(NET_BYTES_SENT), 300);
    assert_eq!(
        c.layout().shards_in_use(),
        1,
        "a dropped writer's shard is reused"
    );
    let ws: Vec<_> = (0..8).map(|_| c.writer()).collect();
    for w in &ws {
        w.inc(NET_BYTES_SENT, 1);
    }
    assert_eq!(c.layout().shards_in_use(), 8);
    assert_eq!(c.get(NET_BYTES_SENT), 308);
    assert_eq!(
        c.layout().bytes_per_shard(),
        512,
        "63 counters: 4 lines of 128 bytes"
    );
    // A writer moves to another thread (Send) and its values stay after it drops there.
    let w = c.writer();
    std::thread::scope(|s| {
        s.spawn(move || w.inc(NET_BYTES_SENT, 2));
    });
    drop(ws);
    assert_eq!(c.get(NET_BYTES_SENT), 310);
}

#[test]
fn sharded_writers_beyond_capacity_forward_and_stay_exact() {
    let c = SessionCounters::<Sharded>::with_layout(false);
    // Through SessionCounters the capacity is DEFAULT_MAX_SHARDS; exhaust it.
    let ws: Vec<_> = (0..DEFAULT_MAX_SHARDS + 3).map(|_| c.writer()).collect();
    assert_eq!(ws.iter().filter(|w| !w.is_private()).count(), 3);
    for w in &ws {
        w.inc(DISK_READ_BYTES, 2);
    }
    drop(ws);
    assert_eq!(c.get(DISK_READ_BYTES), 2 * (DEFAULT_MAX_SHARDS as i64 + 3));
}

#[test]
fn sharded_overflow_beyond_capacity_stays_exact() {
    let layout = Arc::new(Sharded::with_capacity(&metric_kinds(), 2));
    let start = Arc::new(Barrier::new(8));
    let handles: Vec<_> = (0..8)
        .map(|t| {
            let (layout, start) = (Arc::clone(&layout), Arc::clone(&start));
            std::thread::spawn(move || {
                start.wait();
                for i in 0..10_000 {
                    layout.add(DISK_READ_BYTES, t as i64 + i % 3);
                }
                start.wait(); // keep every thread alive so none frees its shard early
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let per_thread_extra: i64 = (0..10_000).map(|i| i % 3).sum();
    let want: i64 = (0..8).map(|t| t * 10_000 + per_thread_extra).sum();
    assert_eq!(layout.load(DISK_READ_BYTES), want);
    assert_eq!(layout.shards_in_use(), 2);
}

#[test]
fn layouts_are_named() {
    for kind in LayoutKind::ALL {
        assert_eq!(LayoutKind::from_name(kind.name()), Some(kind));
    }
    assert_eq!(LayoutKind::from_name("bogus"), None);
    assert_eq!(
        SessionCounters::new().layout_kind(),
        Some(LayoutKind::Contiguous)
    );
    assert_eq!(
        SessionCounters::<Padded>::with_layout(false).layout_kind(),
        Some(LayoutKind::Padded)
    );
    assert_eq!(
        SessionCounters::<Sharded>::with_layout(false).layout_name(),
        "sharded"
    );
}

/// A layout of another crate: the trait is open, and `SessionCounters` works on top of it.
#[derive(Debug)]
struct Locked(std::sync::Mutex<Vec<i64>>);

impl CounterLayout for Locked {
    const NAME: &'static str = "locked";
    fn with_kinds(kinds: &[session_stats::MetricKind]) -> Self {
        Locked(std::sync::Mutex::new(vec![0; kinds.len()]))
    }
    fn add(&self, idx: usize, delta: i64) {
        self.0.lock().unwrap()[idx] += delta;
    }
    fn store(&self, idx: usize, value: i64) {
        self.0.lock().unwrap()[idx] = value;
    }
    fn fetch_max(&self, idx: usize, value: i64) {
        let mut v = self.0.lock().unwrap();
        v[idx] = v[idx].max(value);
    }
    fn load(&self, idx: usize) -> i64 {
        self.0.lock().unwrap()[idx]
    }
    fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }
}

#[test]
fn an_external_layout_runs_under_session_counters_and_the_open_interface() {
    use session_stats::{Counters, Update};
    let counters = SessionCounters::<Locked>::with_layout(false);
    assert_eq!(counters.layout_kind(), None);
    assert_eq!(Counters::name(&counters), "locked");
    std::thread::scope(|s| {
        for _ in 0..4 {
            let w = Counters::writer(&counters);
            s.spawn(move || {
                for _ in 0..10_000 {
                    Update::inc(&w, NET_BYTES_RECV, 3);
                }
                w.inc_diag(EVENT_TX_HIGH_WATER, 1); // diagnostics off: ignored
            });
        }
    });
    let mut snap = vec![0; counters.width()];
    Counters::snapshot_into(&counters, &mut snap);
    assert_eq!(snap[NET_BYTES_RECV], 4 * 10_000 * 3);
    assert_eq!(snap[EVENT_TX_HIGH_WATER], 0);
}
