//! The registry must equal the spec CSV row by row: an index that moves, vanishes or changes
//! kind breaks every stored CSV and baseline, so this test is the contract's guard.

use session_stats::*;

const GOLDEN: &str = include_str!("golden/metrics.csv");

#[test]
fn registry_matches_golden_csv_row_by_row() {
    let mut lines = GOLDEN.lines();
    assert_eq!(
        lines.next().unwrap(),
        "index,constant,name,kind,category,diagnostic,deprecated,since_schema"
    );
    let metrics = session_stats_metrics();
    let mut rows = 0;
    for (i, line) in lines.enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 8, "golden line {}", i + 2);
        let m = &metrics[i];
        assert_eq!(m.index, f[0].parse::<usize>().unwrap(), "index of row {i}");
        assert_eq!(m.index, i, "registry order");
        assert_eq!(m.constant, f[1], "constant of {i}");
        assert_eq!(m.name, f[2], "name of {i}");
        assert_eq!(m.kind.as_str(), f[3], "kind of {i}");
        assert_eq!(m.category.as_str(), f[4], "category of {i}");
        assert_eq!(
            m.is_diagnostic().to_string(),
            f[5],
            "diagnostic flag of {i}"
        );
        assert_eq!(m.deprecated.to_string(), f[6], "deprecated flag of {i}");
        assert_eq!(m.since_schema.to_string(), f[7], "since_schema of {i}");
        rows += 1;
    }
    assert_eq!(rows, NUM_METRICS);
    assert_eq!(metrics.len(), NUM_METRICS);
}

#[test]
fn constants_are_the_stable_indices() {
    // Spot checks of the public constants against the spec (the golden test covers the table).
    assert_eq!(NET_BYTES_SENT, 0);
    assert_eq!(NET_BYTES_RECV, 1);
    assert_eq!(BW_UPLOAD_RATE, 55);
    assert_eq!(SES_UPTIME_SECS, 67);
    assert_eq!(EVENT_TX_HIGH_WATER, 70);
    assert_eq!(TARGET_DEPTH_SUM, 88);
    assert_eq!(DATA_TIMEOUT_EVICTIONS_TOTAL, 98);
    assert_eq!(DIAGNOSTIC_COUNTERS_START, 70);
    for m in session_stats_metrics() {
        assert_eq!(
            m.category == MetricCategory::Diagnostics,
            m.index >= DIAGNOSTIC_COUNTERS_START
        );
    }
}

#[test]
fn lookup_by_name_and_category() {
    assert_eq!(find_metric_idx("net.bytes_sent"), Some(NET_BYTES_SENT));
    assert_eq!(
        find_metric_idx("peer.data_timeout_evictions_total"),
        Some(98)
    );
    assert_eq!(
        find_metric_idx("peer.target_depth_sum"),
        Some(TARGET_DEPTH_SUM)
    );
    assert_eq!(find_metric_idx("no.such_metric"), None);
    assert_eq!(find_metric_idx(""), None);
    assert_eq!(
        find_metric_idx("NET_BYTES_SENT"),
        None,
        "constants are not dotted names"
    );

    let dht: Vec<usize> = metrics_in_category(MetricCategory::Dht)
        .map(|m| m.index)
        .collect();
    assert_eq!(dht, (22..=28).collect::<Vec<_>>());
    let total: usize = MetricCategory::ALL
        .iter()
        .map(|c| metrics_in_category(*c).count())
        .sum();
    assert_eq!(
        total, NUM_METRICS,
        "every metric is in exactly one category"
    );
    assert_eq!(
        MetricCategory::from_name("bandwidth"),
        Some(MetricCategory::Bandwidth)
    );
    assert_eq!(MetricCategory::from_name("bogus"), None);
    assert!(metric(NUM_METRICS).is_none());
    assert_eq!(metric(1).unwrap().name, "net.bytes_recv");
}

#[test]
fn deprecated_slots_keep_index_name_and_kind() {
    let deprecated: Vec<(usize, &str)> = session_stats_metrics()
        .iter()
        .filter(|m| m.deprecated)
        .map(|m| (m.index, m.name))
        .collect();
    assert_eq!(
        deprecated,
        vec![
            (88, "peer.target_depth_sum"),
            (89, "peer.target_depth_samples"),
            (90, "peer.target_depth_below_32"),
        ]
    );
    // Deprecated slots are still real, updatable slots: old CSVs keep their column.
    let c = SessionCounters::new_with_diagnostics();
    c.inc_diag(TARGET_DEPTH_SAMPLES, 4);
    assert_eq!(c.snapshot()[TARGET_DEPTH_SAMPLES], 4);
    assert_eq!(c.snapshot().len(), NUM_METRICS);
}

#[test]
fn newer_schema_only_appends() {
    // The newer engine build appends 19 slots; none of ours may be redefined by it.
    let newer = include_str!("golden/metrics-newer-118.csv");
    let indices: Vec<usize> = newer
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(indices, (NUM_METRICS..118).collect::<Vec<_>>());
    for line in newer.lines().skip(1) {
        let name = line.split(',').nth(2).unwrap();
        assert_eq!(find_metric_idx(name), None, "{name} would collide");
    }
    assert_eq!(KNOWN_SCHEMA_WIDTHS, [70, 99, 118]);
}

#[test]
fn golden_copy_matches_the_shared_spec_when_present() {
    // The repo's golden file is a copy of the authoritative spec; keep them from drifting.
    let spec =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec/metrics.csv");
    if let Ok(text) = std::fs::read_to_string(&spec) {
        assert_eq!(
            text.replace("\r\n", "\n"),
            GOLDEN.replace("\r\n", "\n"),
            "{} drifted",
            spec.display()
        );
    }
}

/// How each gauge moves. The spec CSV has no such column, so this list is the lock: changing a
/// gauge's kind changes where the sharded layout keeps it and what a reader may assume between
/// updates (a delta gauge is summed over writers; a level has one owner), so it must be a
/// deliberate edit here, with the reason in the constant's doc comment.
const GAUGE_KINDS: [(&str, GaugeKind); 36] = [
    ("net.num_connections", GaugeKind::Delta),
    ("net.num_half_open", GaugeKind::Delta),
    ("net.num_tcp_peers", GaugeKind::Delta),
    ("net.num_utp_peers", GaugeKind::Delta),
    ("net.num_tcp_connections", GaugeKind::Delta),
    ("net.num_utp_connections", GaugeKind::Delta),
    ("disk.queue_depth", GaugeKind::Delta),
    ("disk.write_buffer_bytes", GaugeKind::Delta),
    ("dht.nodes", GaugeKind::Level),
    ("dht.nodes_v4", GaugeKind::Level),
    ("dht.nodes_v6", GaugeKind::Level),
    ("peer.num_unchoked", GaugeKind::Delta),
    ("peer.num_interested", GaugeKind::Delta),
    ("peer.num_uploading", GaugeKind::Delta),
    ("peer.num_downloading", GaugeKind::Delta),
    ("peer.num_seeding_torrents", GaugeKind::Level),
    ("peer.num_downloading_torrents", GaugeKind::Level),
    ("peer.num_checking_torrents", GaugeKind::Level),
    ("peer.num_paused_torrents", GaugeKind::Level),
    ("peer.peers_connected", GaugeKind::Delta),
    ("peer.peers_available", GaugeKind::Delta),
    ("peer.num_web_seeds", GaugeKind::Level),
    ("peer.num_banned", GaugeKind::Delta),
    ("bw.upload_rate", GaugeKind::Level),
    ("bw.download_rate", GaugeKind::Level),
    ("bw.upload_rate_tcp", GaugeKind::Level),
    ("bw.download_rate_tcp", GaugeKind::Level),
    ("bw.upload_rate_utp", GaugeKind::Level),
    ("bw.download_rate_utp", GaugeKind::Level),
    ("bw.payload_upload_rate", GaugeKind::Level),
    ("bw.payload_download_rate", GaugeKind::Level),
    ("ses.active_torrents", GaugeKind::Level),
    ("ses.num_torrents", GaugeKind::Level),
    ("ses.uptime_secs", GaugeKind::Level),
    ("perf.event_tx_high_water", GaugeKind::HighWater),
    ("perf.dispatch_tx_high_water", GaugeKind::HighWater),
];

#[test]
fn every_gauge_has_its_locked_gauge_kind_and_counters_have_none() {
    let gauges: Vec<(&str, GaugeKind)> = session_stats_metrics()
        .iter()
        .filter_map(|m| {
            assert_eq!(
                m.gauge.is_some(),
                m.kind == MetricKind::Gauge,
                "{}: a gauge kind exactly on the spec's gauges",
                m.name
            );
            m.gauge.map(|g| (m.name, g))
        })
        .collect();
    assert_eq!(gauges, GAUGE_KINDS, "gauge kinds in index order");
    for m in session_stats_metrics() {
        assert_eq!(m.slot_kind().metric_kind(), m.kind, "{}", m.name);
        assert_eq!(slot_kinds()[m.index], m.slot_kind());
        assert_eq!(metric_kinds()[m.index], m.kind);
        assert_eq!(
            m.slot_kind().is_additive(),
            m.kind == MetricKind::Counter || m.gauge == Some(GaugeKind::Delta),
            "{}",
            m.name
        );
    }
}

#[test]
fn the_snapshot_derived_slots_are_levels_it_owns() {
    // `snapshot_into` writes these itself: they can only be levels with one owner.
    for idx in DERIVED_SLOTS {
        assert_eq!(metric(idx).unwrap().gauge, Some(GaugeKind::Level), "{idx}");
    }
    // Without a registry, a bare gauge is read the cautious way: as a level.
    assert_eq!(
        SlotKind::from_metric_kind(MetricKind::Gauge),
        SlotKind::Gauge(GaugeKind::Level)
    );
    assert_eq!(
        SlotKind::from_metric_kind(MetricKind::Counter),
        SlotKind::Counter
    );
}
