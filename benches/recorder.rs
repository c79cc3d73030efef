//! What the engine-side recorder costs per row: one `snapshot_into` plus one CSV row handed to
//! the OS (`SnapshotWriter::write_row` into a real file), for the reference layout and for
//! `sharded` with 2 and 64 writers' shards. At 20 Hz the recorder's share of one core is
//! 20 × this time per second; it never runs on an engine thread.
//!
//! Run: `cargo bench -p session-stats --features recorder --bench recorder` (quick: `-- --quick`).

mod common;

use common::config;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use session_stats::recorder::SnapshotWriter;
use session_stats::{
    session_stats_metrics, Contiguous, CounterLayout, MetricKind, SessionCounters, Sharded,
    NUM_METRICS,
};

/// Counters that `writers` writers have each updated every counter slot of (large values, so
/// the CSV row has realistic widths).
fn written<L: CounterLayout>(writers: usize) -> SessionCounters<L> {
    let counters = SessionCounters::<L>::with_layout(false);
    {
        let ws: Vec<_> = (0..writers).map(|_| counters.writer()).collect();
        for (i, w) in ws.iter().enumerate() {
            for m in session_stats_metrics() {
                if m.kind == MetricKind::Counter {
                    w.inc(m.index, 123_456_789 + i as i64);
                }
            }
        }
    }
    counters
}

fn bench_layout<L: CounterLayout>(c: &mut Criterion, writers: usize) {
    let mut group = c.benchmark_group("recorder_row");
    let counters = written::<L>(writers);
    let dir = std::env::temp_dir().join(format!("ss-bench-recorder-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}-{writers}.csv", L::NAME));
    let _ = std::fs::remove_file(&path);
    let mut csv = SnapshotWriter::create(&path, NUM_METRICS).unwrap();
    let mut out = vec![0i64; NUM_METRICS];
    let mut k = 0u64;
    group.bench_function(BenchmarkId::new(L::NAME, writers), |b| {
        b.iter(|| {
            counters.snapshot_into(&mut out);
            csv.write_row(k, k * 50_000_000, &out).unwrap();
            k += 1;
        })
    });
    group.finish();
    drop(csv);
    let _ = std::fs::remove_dir_all(&dir);
}

fn rows(c: &mut Criterion) {
    bench_layout::<Contiguous>(c, 2);
    bench_layout::<Sharded>(c, 2);
    bench_layout::<Sharded>(c, 64);
}

criterion_group! {
    name = benches;
    config = config();
    targets = rows
}
criterion_main!(benches);
