//! Counter layouts under contention: random-slot `inc` at 1 and 2 threads.
//!
//! Every thread walks a precomputed table of counter indices, so the index source costs one
//! load and the measured time is the update itself. Throughput is reported in updates/s over
//! all threads; the `ceiling` line is a plain, non-atomic, thread-local array increment — the
//! physical limit any layout can approach.
//!
//! Run: `cargo bench -p statbench --bench layouts`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use session_stats::{
    session_stats_metrics, Contiguous, CounterLayout, MetricKind, Padded, SessionCounters, Sharded,
    NUM_METRICS,
};
use std::hint::black_box;
use std::sync::Barrier;
use std::time::{Duration, Instant};

const TABLE_LEN: usize = 4096; // power of two: `i & MASK` instead of a modulo

/// Uniformly random counter slots (gauges are `set`, not `inc`, in an engine).
fn index_table(seed: u64) -> Vec<usize> {
    let counters: Vec<usize> = session_stats_metrics()
        .iter()
        .filter(|m| m.kind == MetricKind::Counter)
        .map(|m| m.index)
        .collect();
    let mut x = seed | 1;
    (0..TABLE_LEN)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            counters[(x % counters.len() as u64) as usize]
        })
        .collect()
}

/// Runs `iters` updates on each of `threads` threads, started together; returns the slowest
/// thread's time so spawning is not measured.
fn run_threads(threads: usize, iters: u64, work: impl Fn(usize, u64) + Sync) -> Duration {
    let barrier = Barrier::new(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (barrier, work) = (&barrier, &work);
                s.spawn(move || {
                    barrier.wait();
                    let start = Instant::now();
                    work(t, iters);
                    start.elapsed()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .max()
            .unwrap()
    })
}

fn bench_layout<L: CounterLayout>(c: &mut Criterion, tables: &[Vec<usize>]) {
    let mut group = c.benchmark_group("random_slot_inc");
    for threads in [1usize, 2] {
        group.throughput(Throughput::Elements(threads as u64));
        group.bench_function(BenchmarkId::new(L::KIND.name(), threads), |b| {
            b.iter_custom(|iters| {
                let counters = SessionCounters::<L>::with_layout(true);
                run_threads(threads, iters, |t, iters| {
                    let table = &tables[t];
                    for i in 0..iters as usize {
                        counters.inc(table[i & (TABLE_LEN - 1)], 1);
                    }
                })
            })
        });
    }
    group.finish();
}

fn bench_ceiling(c: &mut Criterion, tables: &[Vec<usize>]) {
    let mut group = c.benchmark_group("random_slot_inc");
    for threads in [1usize, 2] {
        group.throughput(Throughput::Elements(threads as u64));
        group.bench_function(BenchmarkId::new("ceiling", threads), |b| {
            b.iter_custom(|iters| {
                run_threads(threads, iters, |t, iters| {
                    let table = &tables[t];
                    let mut local = [0i64; NUM_METRICS];
                    for i in 0..iters as usize {
                        local[table[i & (TABLE_LEN - 1)]] += 1;
                        black_box(&mut local);
                    }
                })
            })
        });
    }
    group.finish();
}

fn layouts(c: &mut Criterion) {
    let tables: Vec<Vec<usize>> = (0..2).map(|t| index_table(0x5eed + t)).collect();
    bench_layout::<Contiguous>(c, &tables);
    bench_layout::<Padded>(c, &tables);
    bench_layout::<Sharded>(c, &tables);
    bench_ceiling(c, &tables);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30);
    targets = layouts
}
criterion_main!(benches);
