//! Snapshot cost as the number of writers (shards) grows: `snapshot_into` on counters that
//! 1, 8, 64 and 512 concurrent writers have written to (every one of them claimed a shard in
//! `sharded`; `contiguous` and `padded` do not depend on the writer count).
//!
//! The shards are quiescent while the snapshot is measured (their lines are cache-warm on the
//! reading core); a live writer on another core adds coherence misses on top.
//!
//! Run: `cargo bench -p session-stats --bench snapshot` (quick: `-- --quick`).

mod common;

use common::config;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use session_stats::{
    session_stats_metrics, Contiguous, CounterLayout, MetricKind, Padded, SessionCounters, Sharded,
    NUM_METRICS,
};
use std::hint::black_box;

const WRITERS: [usize; 4] = [1, 8, 64, 512];

/// Counters that `writers` live writers have each updated every counter slot of.
fn written<L: CounterLayout>(writers: usize) -> SessionCounters<L> {
    let counters = SessionCounters::<L>::with_layout(true);
    {
        let ws: Vec<_> = (0..writers).map(|_| counters.writer()).collect();
        for (i, w) in ws.iter().enumerate() {
            for m in session_stats_metrics() {
                if m.kind == MetricKind::Counter {
                    w.inc(m.index, i as i64 + 1);
                }
            }
        }
    } // writers drop; their shards (and values) stay, so reads still sum all of them
    counters
}

fn bench_layout<L: CounterLayout>(c: &mut Criterion) {
    let mut group = c.benchmark_group("snapshot");
    for writers in WRITERS {
        let counters = written::<L>(writers);
        let mut out = vec![0i64; NUM_METRICS];
        group.bench_function(BenchmarkId::new(L::NAME, writers), |b| {
            b.iter(|| {
                counters.snapshot_into(&mut out);
                black_box(&out);
            })
        });
    }
    group.finish();
}

fn snapshots(c: &mut Criterion) {
    bench_layout::<Contiguous>(c);
    bench_layout::<Padded>(c);
    bench_layout::<Sharded>(c);
}

criterion_group! {
    name = benches;
    config = config();
    targets = snapshots
}
criterion_main!(benches);
