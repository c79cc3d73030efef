//! Snapshot cost as the number of writers (shards) grows: `snapshot_into` on counters that
//! 1 to 512 concurrent writers have written to (every one of them claimed a shard in
//! `sharded`; `contiguous` and `padded` do not depend on the writer count). Each writer adds to
//! every counter and moves every gauge an engine moves by deltas, so whatever a layout keeps
//! per writer is summed.
//!
//! The shards are quiescent while the snapshot is measured (their lines are cache-warm on the
//! reading core); a live writer on another core adds coherence misses on top.
//!
//! Run: `cargo bench -p session-stats --bench snapshot` (quick: `-- --quick`).

mod common;

use common::config;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use session_stats::*;
use std::hint::black_box;

/// The gauges the swarm moves by `+`/`-` deltas (the registry's delta gauges, listed here so the
/// bench also runs against a registry without that classification).
const DELTA_GAUGES: [usize; 15] = [
    NET_NUM_CONNECTIONS,
    NET_NUM_HALF_OPEN,
    NET_NUM_TCP_PEERS,
    NET_NUM_UTP_PEERS,
    NET_NUM_TCP_CONNECTIONS,
    NET_NUM_UTP_CONNECTIONS,
    DISK_QUEUE_DEPTH,
    DISK_WRITE_BUFFER_BYTES,
    PEER_NUM_UNCHOKED,
    PEER_NUM_INTERESTED,
    PEER_NUM_UPLOADING,
    PEER_NUM_DOWNLOADING,
    PEER_PEERS_CONNECTED,
    PEER_PEERS_AVAILABLE,
    PEER_NUM_BANNED,
];

const WRITERS: [usize; 8] = [1, 2, 4, 8, 16, 32, 64, 512];

/// Counters that `writers` writers have each updated every slot that is not a level or a
/// high-water gauge of (counters and the delta gauges of [`DELTA_GAUGES`]).
fn written<L: CounterLayout>(writers: usize) -> SessionCounters<L> {
    let counters = SessionCounters::<L>::with_layout(true);
    {
        let ws: Vec<_> = (0..writers).map(|_| counters.writer()).collect();
        for (i, w) in ws.iter().enumerate() {
            for m in session_stats_metrics() {
                if m.kind == MetricKind::Counter || DELTA_GAUGES.contains(&m.index) {
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
