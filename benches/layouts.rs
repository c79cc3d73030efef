//! Counter layouts under contention: every layout (and writer kind) × threads × access pattern,
//! next to a plain non-atomic thread-local array (the physical ceiling).
//!
//! Rows (criterion function names):
//! * `contiguous`, `padded`, `sharded`: `SessionCounters::<L>::inc` etc. (`contiguous` is the
//!   engine's reference; `sharded` finds its shard through a thread-local lookup per update);
//! * `sharded_writer`: one `SessionCounters::writer()` per thread (private shard, no lookup);
//! * `contiguous_batched`: one `batched_writer(1024)` per thread on the reference layout;
//! * `ceiling`: the same ops on a non-atomic `[i64; 99]` per thread.
//!
//! Groups are the access patterns (`random_slot`, `hot_slot`, `swarm_mix`, `set_max_storm`,
//! `inc_diag_off`, see `common::Pattern`); the parameter is the thread count
//! ({1, 2, 4, 8, 2 × cores}). Throughput is updates/s over all threads. Every thread draws its
//! ops from a precomputed table.
//!
//! Run: `cargo bench -p session-stats --bench layouts` (quick: `-- --quick`; one pattern at 1
//! and 2 threads: `-- 'swarm_mix/.*/(1|2)$'`).

mod common;

use common::{config, run_ops, run_threads, thread_counts, Local, Pattern, Table, Update, BATCH};
use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, Throughput,
};
use session_stats::{Contiguous, CounterLayout, Padded, SessionCounters, Sharded, NET_BYTES_SENT};

/// One measured row: builds each thread's updater (untimed) and applies the thread's table.
fn bench_row<S: Update>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    row: &str,
    threads: usize,
    tables: &[Table],
    setup: impl Fn(usize) -> S + Sync,
) {
    group.throughput(Throughput::Elements(threads as u64));
    group.bench_function(BenchmarkId::new(row, threads), |b| {
        b.iter_custom(|iters| {
            run_threads(threads, &setup, |u: &S, t| run_ops(u, &tables[t], iters))
        })
    });
}

/// `SessionCounters::<L>` updated through `&self` (the engine's API).
fn shared<L: CounterLayout>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    threads: usize,
    tables: &[Table],
    diagnostics: bool,
) {
    let counters = SessionCounters::<L>::with_layout(diagnostics);
    bench_row(group, L::NAME, threads, tables, |_| {
        counters.inc(NET_BYTES_SENT, 0); // claim a thread's shard outside the timed part
        &counters
    });
}

impl<L: CounterLayout> Update for &SessionCounters<L> {
    #[inline(always)]
    fn inc(&self, idx: usize, v: i64) {
        SessionCounters::inc(self, idx, v)
    }
    #[inline(always)]
    fn inc_diag(&self, idx: usize, v: i64) {
        SessionCounters::inc_diag(self, idx, v)
    }
    #[inline(always)]
    fn set(&self, idx: usize, v: i64) {
        SessionCounters::set(self, idx, v)
    }
    #[inline(always)]
    fn set_max(&self, idx: usize, v: i64) {
        SessionCounters::set_max(self, idx, v)
    }
    #[inline(always)]
    fn set_max_diag(&self, idx: usize, v: i64) {
        SessionCounters::set_max_diag(self, idx, v)
    }
}

fn patterns(c: &mut Criterion) {
    let threads_list = thread_counts();
    let max_threads = *threads_list.iter().max().unwrap();
    for pattern in Pattern::ALL {
        let tables: Vec<Table> = (0..max_threads).map(|t| pattern.table(t)).collect();
        let diag = pattern.diagnostics();
        let mut group = c.benchmark_group(pattern.name());
        for &threads in &threads_list {
            shared::<Contiguous>(&mut group, threads, &tables, diag);
            shared::<Padded>(&mut group, threads, &tables, diag);
            shared::<Sharded>(&mut group, threads, &tables, diag);
            let sharded = SessionCounters::<Sharded>::with_layout(diag);
            bench_row(&mut group, "sharded_writer", threads, &tables, |_| {
                sharded.writer()
            });
            let contiguous = SessionCounters::<Contiguous>::with_layout(diag);
            bench_row(&mut group, "contiguous_batched", threads, &tables, |_| {
                contiguous.batched_writer(BATCH)
            });
            bench_row(&mut group, "ceiling", threads, &tables, |_| {
                Local::new(diag)
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = config();
    targets = patterns
}
criterion_main!(benches);
