//! The metric registry: 99 metrics with stable indices.
//!
//! An index is a public contract: it never moves or disappears, so snapshot CSVs keyed by
//! index stay comparable across engine versions. Retired metrics keep their slot and are
//! flagged [`SessionStatsMetric::deprecated`].

use std::fmt;

/// Number of metric slots in this registry (schema width 99).
pub const NUM_METRICS: usize = 99;

/// First index of the diagnostic block; slots at or above it change only when diagnostics are on.
pub const DIAGNOSTIC_COUNTERS_START: usize = 70;

/// Schema widths statbench knows: older engines wrote 70 slots, this one 99, a newer build 118.
pub const KNOWN_SCHEMA_WIDTHS: [usize; 3] = [70, 99, 118];

/// Whether a slot accumulates (rates are meaningful) or holds a level (its value is meaningful).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum MetricKind {
    /// Monotonic total, updated with `inc`; compare its rate per second.
    Counter,
    /// Current level, updated with `set`, `set_max` or signed `inc`; compare its value.
    Gauge,
}

/// How the engine moves a gauge: decides where a counter layout may keep it and what a reader
/// may assume between updates (see [`SlotKind`]). Not in the spec CSV; `tests/registry_golden.rs`
/// locks the classification of all 36 gauges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum GaugeKind {
    /// Moved by signed deltas (`inc` with +n/−n) from any writer: queue depths, buffer bytes,
    /// connection counts. Its value is the sum of every delta, so it may be kept per writer like
    /// a counter; it is never `set` (a level written over other writers' deltas means nothing).
    Delta,
    /// Set as a level (`set`) by one owner at a time: a housekeeping tick (torrent counts, DHT
    /// table size, rates) or the snapshot itself (uptime, the derived rates).
    Level,
    /// A high-water mark raised with `set_max` from any writer and never lowered.
    HighWater,
}

impl GaugeKind {
    /// Every gauge kind.
    pub const ALL: [GaugeKind; 3] = [GaugeKind::Delta, GaugeKind::Level, GaugeKind::HighWater];

    /// Lower-case name: `delta`, `level` or `high_water`.
    pub fn as_str(self) -> &'static str {
        match self {
            GaugeKind::Delta => "delta",
            GaugeKind::Level => "level",
            GaugeKind::HighWater => "high_water",
        }
    }
}

impl fmt::Display for GaugeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a counter layout needs to know of one slot: a counter, or a gauge and how it moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SlotKind {
    /// A monotonic total moved by `inc` from any writer.
    Counter,
    /// A gauge, moved as its [`GaugeKind`] says.
    Gauge(GaugeKind),
}

impl SlotKind {
    /// The spec's counter/gauge distinction of this slot.
    pub fn metric_kind(self) -> MetricKind {
        match self {
            SlotKind::Counter => MetricKind::Counter,
            SlotKind::Gauge(_) => MetricKind::Gauge,
        }
    }

    /// True when the slot's value is the sum of every writer's deltas (counters and delta
    /// gauges): per-writer copies summed by readers keep it exact.
    pub fn is_additive(self) -> bool {
        matches!(self, SlotKind::Counter | SlotKind::Gauge(GaugeKind::Delta))
    }

    /// The most cautious reading of a bare [`MetricKind`]: a gauge of unknown kind is a level.
    pub fn from_metric_kind(kind: MetricKind) -> SlotKind {
        match kind {
            MetricKind::Counter => SlotKind::Counter,
            MetricKind::Gauge => SlotKind::Gauge(GaugeKind::Level),
        }
    }
}

/// The subsystem a metric belongs to, so tools can group and chart them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum MetricCategory {
    /// Sockets and bytes on the wire.
    Network,
    /// Disk I/O, cache and hashing.
    Disk,
    /// The distributed hash table.
    Dht,
    /// Peer and torrent populations.
    Peers,
    /// BitTorrent wire-protocol events.
    Protocol,
    /// Derived transfer rates and totals.
    Bandwidth,
    /// Session-wide state.
    Session,
    /// Operational diagnostics (indices ≥ 70), updated only when diagnostics are enabled.
    Diagnostics,
}

impl MetricCategory {
    /// Every category, in registry order.
    pub const ALL: [MetricCategory; 8] = [
        MetricCategory::Network,
        MetricCategory::Disk,
        MetricCategory::Dht,
        MetricCategory::Peers,
        MetricCategory::Protocol,
        MetricCategory::Bandwidth,
        MetricCategory::Session,
        MetricCategory::Diagnostics,
    ];

    /// The lower-case name used in the spec CSV (`network`, `dht`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            MetricCategory::Network => "network",
            MetricCategory::Disk => "disk",
            MetricCategory::Dht => "dht",
            MetricCategory::Peers => "peers",
            MetricCategory::Protocol => "protocol",
            MetricCategory::Bandwidth => "bandwidth",
            MetricCategory::Session => "session",
            MetricCategory::Diagnostics => "diagnostics",
        }
    }

    /// Parses the spec CSV's lower-case category name.
    pub fn from_name(name: &str) -> Option<MetricCategory> {
        MetricCategory::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for MetricCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl MetricKind {
    /// The lower-case name used in the spec CSV (`counter` or `gauge`).
    pub fn as_str(self) -> &'static str {
        match self {
            MetricKind::Counter => "counter",
            MetricKind::Gauge => "gauge",
        }
    }
}

impl fmt::Display for MetricKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One registry row, as the engine's `session_stats_metrics()` returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SessionStatsMetric {
    /// Dotted name, e.g. `net.bytes_sent`; what dashboards and `find_metric_idx` use.
    pub name: &'static str,
    /// Counter or gauge: decides whether a comparison looks at rates or levels.
    pub kind: MetricKind,
    /// How a gauge moves (`None` for counters): decides where a layout keeps it.
    pub gauge: Option<GaugeKind>,
    /// Subsystem, for grouping in reports.
    pub category: MetricCategory,
    /// Retired metric whose slot is kept forever so old CSVs stay aligned.
    pub deprecated: bool,
    /// Stable slot in the counter array and column name in snapshot CSVs.
    pub index: usize,
    /// Rust constant name of the index, e.g. `NET_BYTES_SENT`.
    pub constant: &'static str,
    /// Schema width in which the metric first appeared (70 or 99).
    pub since_schema: u16,
}

impl SessionStatsMetric {
    /// True for the diagnostic block (index ≥ [`DIAGNOSTIC_COUNTERS_START`]).
    pub fn is_diagnostic(&self) -> bool {
        self.index >= DIAGNOSTIC_COUNTERS_START
    }

    /// Counter, or gauge and how it moves: what a layout needs to know of this slot.
    pub fn slot_kind(&self) -> SlotKind {
        match self.gauge {
            None => SlotKind::Counter,
            Some(g) => SlotKind::Gauge(g),
        }
    }
}

const COUNTER: SlotKind = SlotKind::Counter;
const DELTA: SlotKind = SlotKind::Gauge(GaugeKind::Delta);
const LEVEL: SlotKind = SlotKind::Gauge(GaugeKind::Level);
const HIGH_WATER: SlotKind = SlotKind::Gauge(GaugeKind::HighWater);

const fn m(
    index: usize,
    constant: &'static str,
    name: &'static str,
    slot: SlotKind,
    category: MetricCategory,
    deprecated: bool,
    since_schema: u16,
) -> SessionStatsMetric {
    let (kind, gauge) = match slot {
        SlotKind::Counter => (MetricKind::Counter, None),
        SlotKind::Gauge(g) => (MetricKind::Gauge, Some(g)),
    };
    SessionStatsMetric {
        name,
        kind,
        gauge,
        category,
        deprecated,
        index,
        constant,
        since_schema,
    }
}

/// All 99 metrics, ordered by index (`session_stats_metrics()[i].index == i`).
pub fn session_stats_metrics() -> &'static [SessionStatsMetric] {
    &METRICS
}

/// Index of a metric by dotted name, like libtorrent's `find_metric_idx`; `None` if unknown.
pub fn find_metric_idx(name: &str) -> Option<usize> {
    METRICS.iter().position(|m| m.name == name)
}

/// The registry row for an index, or `None` past the end (e.g. a column of a newer schema).
pub fn metric(index: usize) -> Option<&'static SessionStatsMetric> {
    METRICS.get(index)
}

/// Metrics of one category, in index order.
pub fn metrics_in_category(
    category: MetricCategory,
) -> impl Iterator<Item = &'static SessionStatsMetric> {
    METRICS.iter().filter(move |m| m.category == category)
}

/// Kinds of all slots by index (the spec's counter/gauge distinction).
pub fn metric_kinds() -> [MetricKind; NUM_METRICS] {
    slot_kinds().map(SlotKind::metric_kind)
}

/// Slot kinds of all slots by index, gauges with how they move; layouts use it to decide which
/// slots may be kept per writer (see [`SlotKind::is_additive`]).
pub fn slot_kinds() -> [SlotKind; NUM_METRICS] {
    let mut kinds = [SlotKind::Counter; NUM_METRICS];
    let mut i = 0;
    while i < NUM_METRICS {
        kinds[i] = METRICS[i].slot_kind();
        i += 1;
    }
    kinds
}

// The table below mirrors `tests/golden/metrics.csv` row by row; `tests/registry_golden.rs`
// fails if an index moves, vanishes or changes kind, and if a gauge changes its gauge kind.
// Each constant's doc says what moves its gauge, which is why it has the kind it has.

/// `net.bytes_sent` (counter, network).
pub const NET_BYTES_SENT: usize = 0;
/// `net.bytes_recv` (counter, network).
pub const NET_BYTES_RECV: usize = 1;
/// `net.num_connections` (delta gauge, network): +1 when a peer connection is established, −1 when it closes.
pub const NET_NUM_CONNECTIONS: usize = 2;
/// `net.num_half_open` (delta gauge, network): +1 when a connection attempt starts, −1 when it connects or fails.
pub const NET_NUM_HALF_OPEN: usize = 3;
/// `net.num_tcp_peers` (delta gauge, network): +1 when a TCP peer connects, −1 when it disconnects.
pub const NET_NUM_TCP_PEERS: usize = 4;
/// `net.num_utp_peers` (delta gauge, network): +1 when a uTP peer connects, −1 when it disconnects.
pub const NET_NUM_UTP_PEERS: usize = 5;
/// `net.num_tcp_connections` (delta gauge, network): +1 when a TCP socket opens, −1 when it closes.
pub const NET_NUM_TCP_CONNECTIONS: usize = 6;
/// `net.num_utp_connections` (delta gauge, network): +1 when a uTP socket opens, −1 when it closes.
pub const NET_NUM_UTP_CONNECTIONS: usize = 7;
/// `net.tcp_bytes_sent` (counter, network).
pub const NET_TCP_BYTES_SENT: usize = 8;
/// `net.tcp_bytes_recv` (counter, network).
pub const NET_TCP_BYTES_RECV: usize = 9;
/// `net.utp_bytes_sent` (counter, network).
pub const NET_UTP_BYTES_SENT: usize = 10;
/// `net.utp_bytes_recv` (counter, network).
pub const NET_UTP_BYTES_RECV: usize = 11;
/// `disk.read_count` (counter, disk).
pub const DISK_READ_COUNT: usize = 12;
/// `disk.write_count` (counter, disk).
pub const DISK_WRITE_COUNT: usize = 13;
/// `disk.read_bytes` (counter, disk).
pub const DISK_READ_BYTES: usize = 14;
/// `disk.write_bytes` (counter, disk).
pub const DISK_WRITE_BYTES: usize = 15;
/// `disk.cache_hits` (counter, disk).
pub const DISK_CACHE_HITS: usize = 16;
/// `disk.cache_misses` (counter, disk).
pub const DISK_CACHE_MISSES: usize = 17;
/// `disk.queue_depth` (delta gauge, disk): +1 when a disk job is queued, −1 when it completes.
pub const DISK_QUEUE_DEPTH: usize = 18;
/// `disk.job_time_us` (counter, disk).
pub const DISK_JOB_TIME_US: usize = 19;
/// `disk.write_buffer_bytes` (delta gauge, disk): +bytes when a block enters the write buffer, −bytes when it is written out.
pub const DISK_WRITE_BUFFER_BYTES: usize = 20;
/// `disk.hash_count` (counter, disk).
pub const DISK_HASH_COUNT: usize = 21;
/// `dht.nodes` (level gauge, dht): the DHT routing table's size, set by the DHT's periodic refresh.
pub const DHT_NODES: usize = 22;
/// `dht.lookups` (counter, dht).
pub const DHT_LOOKUPS: usize = 23;
/// `dht.bytes_in` (counter, dht).
pub const DHT_BYTES_IN: usize = 24;
/// `dht.bytes_out` (counter, dht).
pub const DHT_BYTES_OUT: usize = 25;
/// `dht.nodes_v4` (level gauge, dht): IPv4 nodes in the DHT routing table, set by the DHT's periodic refresh.
pub const DHT_NODES_V4: usize = 26;
/// `dht.nodes_v6` (level gauge, dht): IPv6 nodes in the DHT routing table, set by the DHT's periodic refresh.
pub const DHT_NODES_V6: usize = 27;
/// `dht.announce_count` (counter, dht).
pub const DHT_ANNOUNCE_COUNT: usize = 28;
/// `peer.num_unchoked` (delta gauge, peers): +1 when a peer unchokes us, −1 when it chokes us or disconnects.
pub const PEER_NUM_UNCHOKED: usize = 29;
/// `peer.num_interested` (delta gauge, peers): +1 when we become interested in a peer, −1 when we lose interest or it disconnects.
pub const PEER_NUM_INTERESTED: usize = 30;
/// `peer.num_uploading` (delta gauge, peers): +1 when we start serving a peer blocks, −1 when that ends.
pub const PEER_NUM_UPLOADING: usize = 31;
/// `peer.num_downloading` (delta gauge, peers): +1 when a peer starts sending us blocks, −1 when that ends.
pub const PEER_NUM_DOWNLOADING: usize = 32;
/// `peer.num_seeding_torrents` (level gauge, peers): set by the session's housekeeping tick from its torrent list.
pub const PEER_NUM_SEEDING_TORRENTS: usize = 33;
/// `peer.num_downloading_torrents` (level gauge, peers): set by the session's housekeeping tick from its torrent list.
pub const PEER_NUM_DOWNLOADING_TORRENTS: usize = 34;
/// `peer.num_checking_torrents` (level gauge, peers): set by the session's housekeeping tick from its torrent list.
pub const PEER_NUM_CHECKING_TORRENTS: usize = 35;
/// `peer.num_paused_torrents` (level gauge, peers): set by the session's housekeeping tick from its torrent list.
pub const PEER_NUM_PAUSED_TORRENTS: usize = 36;
/// `peer.peers_connected` (delta gauge, peers): +1 when a peer connects, −1 when it disconnects.
pub const PEER_PEERS_CONNECTED: usize = 37;
/// `peer.peers_available` (delta gauge, peers): peers we could dial: +n when PEX (or a tracker, the DHT) names new ones, −1 while we dial one.
pub const PEER_PEERS_AVAILABLE: usize = 38;
/// `peer.num_web_seeds` (level gauge, peers): set by the session's housekeeping tick from the torrents' web-seed lists.
pub const PEER_NUM_WEB_SEEDS: usize = 39;
/// `peer.num_banned` (delta gauge, peers): +1 when a peer is banned (e.g. for hash failures), −1 if it is unbanned.
pub const PEER_NUM_BANNED: usize = 40;
/// `proto.pieces_downloaded` (counter, protocol).
pub const PROTO_PIECES_DOWNLOADED: usize = 41;
/// `proto.pieces_uploaded` (counter, protocol).
pub const PROTO_PIECES_UPLOADED: usize = 42;
/// `proto.hashfails` (counter, protocol).
pub const PROTO_HASHFAILS: usize = 43;
/// `proto.waste_bytes` (counter, protocol).
pub const PROTO_WASTE_BYTES: usize = 44;
/// `proto.piece_requests` (counter, protocol).
pub const PROTO_PIECE_REQUESTS: usize = 45;
/// `proto.piece_rejects` (counter, protocol).
pub const PROTO_PIECE_REJECTS: usize = 46;
/// `proto.handshakes_in` (counter, protocol).
pub const PROTO_HANDSHAKES_IN: usize = 47;
/// `proto.handshakes_out` (counter, protocol).
pub const PROTO_HANDSHAKES_OUT: usize = 48;
/// `proto.pex_messages_in` (counter, protocol).
pub const PROTO_PEX_MESSAGES_IN: usize = 49;
/// `proto.pex_messages_out` (counter, protocol).
pub const PROTO_PEX_MESSAGES_OUT: usize = 50;
/// `proto.tracker_announces` (counter, protocol).
pub const PROTO_TRACKER_ANNOUNCES: usize = 51;
/// `proto.tracker_errors` (counter, protocol).
pub const PROTO_TRACKER_ERRORS: usize = 52;
/// `proto.metadata_requests` (counter, protocol).
pub const PROTO_METADATA_REQUESTS: usize = 53;
/// `proto.metadata_receives` (counter, protocol).
pub const PROTO_METADATA_RECEIVES: usize = 54;
/// `bw.upload_rate` (level gauge, bandwidth): bytes/sec derived by every snapshot from `net.bytes_sent` (the snapshot owns it).
pub const BW_UPLOAD_RATE: usize = 55;
/// `bw.download_rate` (level gauge, bandwidth): bytes/sec derived by every snapshot from `net.bytes_recv` (the snapshot owns it).
pub const BW_DOWNLOAD_RATE: usize = 56;
/// `bw.upload_rate_tcp` (level gauge, bandwidth): set by the rate accounting's periodic tick.
pub const BW_UPLOAD_RATE_TCP: usize = 57;
/// `bw.download_rate_tcp` (level gauge, bandwidth): set by the rate accounting's periodic tick.
pub const BW_DOWNLOAD_RATE_TCP: usize = 58;
/// `bw.upload_rate_utp` (level gauge, bandwidth): set by the rate accounting's periodic tick.
pub const BW_UPLOAD_RATE_UTP: usize = 59;
/// `bw.download_rate_utp` (level gauge, bandwidth): set by the rate accounting's periodic tick.
pub const BW_DOWNLOAD_RATE_UTP: usize = 60;
/// `bw.payload_upload_rate` (level gauge, bandwidth): set by the rate accounting's periodic tick.
pub const BW_PAYLOAD_UPLOAD_RATE: usize = 61;
/// `bw.payload_download_rate` (level gauge, bandwidth): set by the rate accounting's periodic tick.
pub const BW_PAYLOAD_DOWNLOAD_RATE: usize = 62;
/// `bw.total_uploaded` (counter, bandwidth).
pub const BW_TOTAL_UPLOADED: usize = 63;
/// `bw.total_downloaded` (counter, bandwidth).
pub const BW_TOTAL_DOWNLOADED: usize = 64;
/// `ses.active_torrents` (level gauge, session): set by the session's housekeeping tick from its torrent list.
pub const SES_ACTIVE_TORRENTS: usize = 65;
/// `ses.num_torrents` (level gauge, session): set by the session's housekeeping tick from its torrent list.
pub const SES_NUM_TORRENTS: usize = 66;
/// `ses.uptime_secs` (level gauge, session): written by every snapshot from the clock.
pub const SES_UPTIME_SECS: usize = 67;
/// `ses.ip_filter_blocked` (counter, session).
pub const SES_IP_FILTER_BLOCKED: usize = 68;
/// `ses.queue_paused_by_auto` (counter, session).
pub const SES_QUEUE_PAUSED_BY_AUTO: usize = 69;
/// `perf.event_tx_high_water` (high-water gauge, diagnostics): deepest event-queue backlog seen, raised with `set_max` by any peer task.
pub const EVENT_TX_HIGH_WATER: usize = 70;
/// `perf.dispatch_tx_high_water` (high-water gauge, diagnostics): deepest dispatch-queue backlog seen, raised with `set_max` by any peer task.
pub const DISPATCH_TX_HIGH_WATER: usize = 71;
/// `perf.peer_wake_events_total` (counter, diagnostics).
pub const PEER_WAKE_EVENTS_TOTAL: usize = 72;
/// `perf.peer_drain_items_total` (counter, diagnostics).
pub const PEER_DRAIN_ITEMS_TOTAL: usize = 73;
/// `dispatch.acquire_total` (counter, diagnostics).
pub const DISPATCH_ACQUIRE_TOTAL: usize = 74;
/// `dispatch.acquire_none_total` (counter, diagnostics).
pub const DISPATCH_ACQUIRE_NONE_TOTAL: usize = 75;
/// `dispatch.acquire_us` (counter, diagnostics).
pub const DISPATCH_ACQUIRE_US: usize = 76;
/// `dispatch.notify_wakeup_total` (counter, diagnostics).
pub const DISPATCH_NOTIFY_WAKEUP_TOTAL: usize = 77;
/// `dispatch.peer_connect_total` (counter, diagnostics).
pub const DISPATCH_PEER_CONNECT_TOTAL: usize = 78;
/// `dispatch.peer_disconnect_total` (counter, diagnostics).
pub const DISPATCH_PEER_DISCONNECT_TOTAL: usize = 79;
/// `dispatch.acquire_rtt_us` (counter, diagnostics).
pub const DISPATCH_ACQUIRE_RTT_US: usize = 80;
/// `dispatch.notify_wait_us` (counter, diagnostics).
pub const DISPATCH_NOTIFY_WAIT_US: usize = 81;
/// `dispatch.tick_wake_skipped` (counter, diagnostics).
pub const DISPATCH_TICK_WAKE_SKIPPED: usize = 82;
/// `dispatch.walk_skipped` (counter, diagnostics).
pub const DISPATCH_WALK_SKIPPED: usize = 83;
/// `dispatch.cursor_resumed` (counter, diagnostics).
pub const DISPATCH_CURSOR_RESUMED: usize = 84;
/// `peer.remote_unchoke_total` (counter, diagnostics).
pub const REMOTE_UNCHOKE_TOTAL: usize = 85;
/// `peer.remote_rechoke_total` (counter, diagnostics).
pub const REMOTE_RECHOKE_TOTAL: usize = 86;
/// `peer.remote_unchoke_duration_sum_ms` (counter, diagnostics).
pub const REMOTE_UNCHOKE_DURATION_SUM_MS: usize = 87;
/// `peer.target_depth_sum` (counter, diagnostics) — deprecated: slot kept so old CSVs stay comparable.
pub const TARGET_DEPTH_SUM: usize = 88;
/// `peer.target_depth_samples` (counter, diagnostics) — deprecated: slot kept so old CSVs stay comparable.
pub const TARGET_DEPTH_SAMPLES: usize = 89;
/// `peer.target_depth_below_32` (counter, diagnostics) — deprecated: slot kept so old CSVs stay comparable.
pub const TARGET_DEPTH_BELOW_32: usize = 90;
/// `peer.first_block_latency_sum_us` (counter, diagnostics).
pub const FIRST_BLOCK_LATENCY_SUM_US: usize = 91;
/// `peer.first_block_latency_count` (counter, diagnostics).
pub const FIRST_BLOCK_LATENCY_COUNT: usize = 92;
/// `peer.lifetime_sum_ms` (counter, diagnostics).
pub const PEER_LIFETIME_SUM_MS: usize = 93;
/// `peer.lifetime_count` (counter, diagnostics).
pub const PEER_LIFETIME_COUNT: usize = 94;
/// `peer.piece_steals_total` (counter, diagnostics).
pub const PIECE_STEALS_TOTAL: usize = 95;
/// `peer.choke_rotation_evictions_total` (counter, diagnostics).
pub const CHOKE_ROTATION_EVICTIONS_TOTAL: usize = 96;
/// `peer.connect_failures_total` (counter, diagnostics).
pub const CONNECT_FAILURES_TOTAL: usize = 97;
/// `peer.data_timeout_evictions_total` (counter, diagnostics).
pub const DATA_TIMEOUT_EVICTIONS_TOTAL: usize = 98;

static METRICS: [SessionStatsMetric; NUM_METRICS] = [
    m(
        0,
        "NET_BYTES_SENT",
        "net.bytes_sent",
        COUNTER,
        MetricCategory::Network,
        false,
        70,
    ),
    m(
        1,
        "NET_BYTES_RECV",
        "net.bytes_recv",
        COUNTER,
        MetricCategory::Network,
        false,
        70,
    ),
    m(
        2,
        "NET_NUM_CONNECTIONS",
        "net.num_connections",
        DELTA,
        MetricCategory::Network,
        false,
        70,
    ),
    m(
        3,
        "NET_NUM_HALF_OPEN",
        "net.num_half_open",
        DELTA,
        MetricCategory::Network,
        false,
        70,
    ),
    m(
        4,
        "NET_NUM_TCP_PEERS",
        "net.num_tcp_peers",
        DELTA,
        MetricCategory::Network,
        false,
        70,
    ),
    m(
        5,
        "NET_NUM_UTP_PEERS",
        "net.num_utp_peers",
        DELTA,
        MetricCategory::Network,
        false,
        70,
    ),
    m(
        6,
        "NET_NUM_TCP_CONNECTIONS",
        "net.num_tcp_connections",
        DELTA,
        MetricCategory::Network,
        false,
        70,
    ),
    m(
        7,
        "NET_NUM_UTP_CONNECTIONS",
        "net.num_utp_connections",
        DELTA,
        MetricCategory::Network,
        false,
        70,
    ),
    m(
        8,
        "NET_TCP_BYTES_SENT",
        "net.tcp_bytes_sent",
        COUNTER,
        MetricCategory::Network,
        false,
        70,
    ),
    m(
        9,
        "NET_TCP_BYTES_RECV",
        "net.tcp_bytes_recv",
        COUNTER,
        MetricCategory::Network,
        false,
        70,
    ),
    m(
        10,
        "NET_UTP_BYTES_SENT",
        "net.utp_bytes_sent",
        COUNTER,
        MetricCategory::Network,
        false,
        70,
    ),
    m(
        11,
        "NET_UTP_BYTES_RECV",
        "net.utp_bytes_recv",
        COUNTER,
        MetricCategory::Network,
        false,
        70,
    ),
    m(
        12,
        "DISK_READ_COUNT",
        "disk.read_count",
        COUNTER,
        MetricCategory::Disk,
        false,
        70,
    ),
    m(
        13,
        "DISK_WRITE_COUNT",
        "disk.write_count",
        COUNTER,
        MetricCategory::Disk,
        false,
        70,
    ),
    m(
        14,
        "DISK_READ_BYTES",
        "disk.read_bytes",
        COUNTER,
        MetricCategory::Disk,
        false,
        70,
    ),
    m(
        15,
        "DISK_WRITE_BYTES",
        "disk.write_bytes",
        COUNTER,
        MetricCategory::Disk,
        false,
        70,
    ),
    m(
        16,
        "DISK_CACHE_HITS",
        "disk.cache_hits",
        COUNTER,
        MetricCategory::Disk,
        false,
        70,
    ),
    m(
        17,
        "DISK_CACHE_MISSES",
        "disk.cache_misses",
        COUNTER,
        MetricCategory::Disk,
        false,
        70,
    ),
    m(
        18,
        "DISK_QUEUE_DEPTH",
        "disk.queue_depth",
        DELTA,
        MetricCategory::Disk,
        false,
        70,
    ),
    m(
        19,
        "DISK_JOB_TIME_US",
        "disk.job_time_us",
        COUNTER,
        MetricCategory::Disk,
        false,
        70,
    ),
    m(
        20,
        "DISK_WRITE_BUFFER_BYTES",
        "disk.write_buffer_bytes",
        DELTA,
        MetricCategory::Disk,
        false,
        70,
    ),
    m(
        21,
        "DISK_HASH_COUNT",
        "disk.hash_count",
        COUNTER,
        MetricCategory::Disk,
        false,
        70,
    ),
    m(
        22,
        "DHT_NODES",
        "dht.nodes",
        LEVEL,
        MetricCategory::Dht,
        false,
        70,
    ),
    m(
        23,
        "DHT_LOOKUPS",
        "dht.lookups",
        COUNTER,
        MetricCategory::Dht,
        false,
        70,
    ),
    m(
        24,
        "DHT_BYTES_IN",
        "dht.bytes_in",
        COUNTER,
        MetricCategory::Dht,
        false,
        70,
    ),
    m(
        25,
        "DHT_BYTES_OUT",
        "dht.bytes_out",
        COUNTER,
        MetricCategory::Dht,
        false,
        70,
    ),
    m(
        26,
        "DHT_NODES_V4",
        "dht.nodes_v4",
        LEVEL,
        MetricCategory::Dht,
        false,
        70,
    ),
    m(
        27,
        "DHT_NODES_V6",
        "dht.nodes_v6",
        LEVEL,
        MetricCategory::Dht,
        false,
        70,
    ),
    m(
        28,
        "DHT_ANNOUNCE_COUNT",
        "dht.announce_count",
        COUNTER,
        MetricCategory::Dht,
        false,
        70,
    ),
    m(
        29,
        "PEER_NUM_UNCHOKED",
        "peer.num_unchoked",
        DELTA,
        MetricCategory::Peers,
        false,
        70,
    ),
    m(
        30,
        "PEER_NUM_INTERESTED",
        "peer.num_interested",
        DELTA,
        MetricCategory::Peers,
        false,
        70,
    ),
    m(
        31,
        "PEER_NUM_UPLOADING",
        "peer.num_uploading",
        DELTA,
        MetricCategory::Peers,
        false,
        70,
    ),
    m(
        32,
        "PEER_NUM_DOWNLOADING",
        "peer.num_downloading",
        DELTA,
        MetricCategory::Peers,
        false,
        70,
    ),
    m(
        33,
        "PEER_NUM_SEEDING_TORRENTS",
        "peer.num_seeding_torrents",
        LEVEL,
        MetricCategory::Peers,
        false,
        70,
    ),
    m(
        34,
        "PEER_NUM_DOWNLOADING_TORRENTS",
        "peer.num_downloading_torrents",
        LEVEL,
        MetricCategory::Peers,
        false,
        70,
    ),
    m(
        35,
        "PEER_NUM_CHECKING_TORRENTS",
        "peer.num_checking_torrents",
        LEVEL,
        MetricCategory::Peers,
        false,
        70,
    ),
    m(
        36,
        "PEER_NUM_PAUSED_TORRENTS",
        "peer.num_paused_torrents",
        LEVEL,
        MetricCategory::Peers,
        false,
        70,
    ),
    m(
        37,
        "PEER_PEERS_CONNECTED",
        "peer.peers_connected",
        DELTA,
        MetricCategory::Peers,
        false,
        70,
    ),
    m(
        38,
        "PEER_PEERS_AVAILABLE",
        "peer.peers_available",
        DELTA,
        MetricCategory::Peers,
        false,
        70,
    ),
    m(
        39,
        "PEER_NUM_WEB_SEEDS",
        "peer.num_web_seeds",
        LEVEL,
        MetricCategory::Peers,
        false,
        70,
    ),
    m(
        40,
        "PEER_NUM_BANNED",
        "peer.num_banned",
        DELTA,
        MetricCategory::Peers,
        false,
        70,
    ),
    m(
        41,
        "PROTO_PIECES_DOWNLOADED",
        "proto.pieces_downloaded",
        COUNTER,
        MetricCategory::Protocol,
        false,
        70,
    ),
    m(
        42,
        "PROTO_PIECES_UPLOADED",
        "proto.pieces_uploaded",
        COUNTER,
        MetricCategory::Protocol,
        false,
        70,
    ),
    m(
        43,
        "PROTO_HASHFAILS",
        "proto.hashfails",
        COUNTER,
        MetricCategory::Protocol,
        false,
        70,
    ),
    m(
        44,
        "PROTO_WASTE_BYTES",
        "proto.waste_bytes",
        COUNTER,
        MetricCategory::Protocol,
        false,
        70,
    ),
    m(
        45,
        "PROTO_PIECE_REQUESTS",
        "proto.piece_requests",
        COUNTER,
        MetricCategory::Protocol,
        false,
        70,
    ),
    m(
        46,
        "PROTO_PIECE_REJECTS",
        "proto.piece_rejects",
        COUNTER,
        MetricCategory::Protocol,
        false,
        70,
    ),
    m(
        47,
        "PROTO_HANDSHAKES_IN",
        "proto.handshakes_in",
        COUNTER,
        MetricCategory::Protocol,
        false,
        70,
    ),
    m(
        48,
        "PROTO_HANDSHAKES_OUT",
        "proto.handshakes_out",
        COUNTER,
        MetricCategory::Protocol,
        false,
        70,
    ),
    m(
        49,
        "PROTO_PEX_MESSAGES_IN",
        "proto.pex_messages_in",
        COUNTER,
        MetricCategory::Protocol,
        false,
        70,
    ),
    m(
        50,
        "PROTO_PEX_MESSAGES_OUT",
        "proto.pex_messages_out",
        COUNTER,
        MetricCategory::Protocol,
        false,
        70,
    ),
    m(
        51,
        "PROTO_TRACKER_ANNOUNCES",
        "proto.tracker_announces",
        COUNTER,
        MetricCategory::Protocol,
        false,
        70,
    ),
    m(
        52,
        "PROTO_TRACKER_ERRORS",
        "proto.tracker_errors",
        COUNTER,
        MetricCategory::Protocol,
        false,
        70,
    ),
    m(
        53,
        "PROTO_METADATA_REQUESTS",
        "proto.metadata_requests",
        COUNTER,
        MetricCategory::Protocol,
        false,
        70,
    ),
    m(
        54,
        "PROTO_METADATA_RECEIVES",
        "proto.metadata_receives",
        COUNTER,
        MetricCategory::Protocol,
        false,
        70,
    ),
    m(
        55,
        "BW_UPLOAD_RATE",
        "bw.upload_rate",
        LEVEL,
        MetricCategory::Bandwidth,
        false,
        70,
    ),
    m(
        56,
        "BW_DOWNLOAD_RATE",
        "bw.download_rate",
        LEVEL,
        MetricCategory::Bandwidth,
        false,
        70,
    ),
    m(
        57,
        "BW_UPLOAD_RATE_TCP",
        "bw.upload_rate_tcp",
        LEVEL,
        MetricCategory::Bandwidth,
        false,
        70,
    ),
    m(
        58,
        "BW_DOWNLOAD_RATE_TCP",
        "bw.download_rate_tcp",
        LEVEL,
        MetricCategory::Bandwidth,
        false,
        70,
    ),
    m(
        59,
        "BW_UPLOAD_RATE_UTP",
        "bw.upload_rate_utp",
        LEVEL,
        MetricCategory::Bandwidth,
        false,
        70,
    ),
    m(
        60,
        "BW_DOWNLOAD_RATE_UTP",
        "bw.download_rate_utp",
        LEVEL,
        MetricCategory::Bandwidth,
        false,
        70,
    ),
    m(
        61,
        "BW_PAYLOAD_UPLOAD_RATE",
        "bw.payload_upload_rate",
        LEVEL,
        MetricCategory::Bandwidth,
        false,
        70,
    ),
    m(
        62,
        "BW_PAYLOAD_DOWNLOAD_RATE",
        "bw.payload_download_rate",
        LEVEL,
        MetricCategory::Bandwidth,
        false,
        70,
    ),
    m(
        63,
        "BW_TOTAL_UPLOADED",
        "bw.total_uploaded",
        COUNTER,
        MetricCategory::Bandwidth,
        false,
        70,
    ),
    m(
        64,
        "BW_TOTAL_DOWNLOADED",
        "bw.total_downloaded",
        COUNTER,
        MetricCategory::Bandwidth,
        false,
        70,
    ),
    m(
        65,
        "SES_ACTIVE_TORRENTS",
        "ses.active_torrents",
        LEVEL,
        MetricCategory::Session,
        false,
        70,
    ),
    m(
        66,
        "SES_NUM_TORRENTS",
        "ses.num_torrents",
        LEVEL,
        MetricCategory::Session,
        false,
        70,
    ),
    m(
        67,
        "SES_UPTIME_SECS",
        "ses.uptime_secs",
        LEVEL,
        MetricCategory::Session,
        false,
        70,
    ),
    m(
        68,
        "SES_IP_FILTER_BLOCKED",
        "ses.ip_filter_blocked",
        COUNTER,
        MetricCategory::Session,
        false,
        70,
    ),
    m(
        69,
        "SES_QUEUE_PAUSED_BY_AUTO",
        "ses.queue_paused_by_auto",
        COUNTER,
        MetricCategory::Session,
        false,
        70,
    ),
    m(
        70,
        "EVENT_TX_HIGH_WATER",
        "perf.event_tx_high_water",
        HIGH_WATER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        71,
        "DISPATCH_TX_HIGH_WATER",
        "perf.dispatch_tx_high_water",
        HIGH_WATER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        72,
        "PEER_WAKE_EVENTS_TOTAL",
        "perf.peer_wake_events_total",
        COUNTER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        73,
        "PEER_DRAIN_ITEMS_TOTAL",
        "perf.peer_drain_items_total",
        COUNTER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        74,
        "DISPATCH_ACQUIRE_TOTAL",
        "dispatch.acquire_total",
        COUNTER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        75,
        "DISPATCH_ACQUIRE_NONE_TOTAL",
        "dispatch.acquire_none_total",
        COUNTER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        76,
        "DISPATCH_ACQUIRE_US",
        "dispatch.acquire_us",
        COUNTER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        77,
        "DISPATCH_NOTIFY_WAKEUP_TOTAL",
        "dispatch.notify_wakeup_total",
        COUNTER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        78,
        "DISPATCH_PEER_CONNECT_TOTAL",
        "dispatch.peer_connect_total",
        COUNTER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        79,
        "DISPATCH_PEER_DISCONNECT_TOTAL",
        "dispatch.peer_disconnect_total",
        COUNTER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        80,
        "DISPATCH_ACQUIRE_RTT_US",
        "dispatch.acquire_rtt_us",
        COUNTER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        81,
        "DISPATCH_NOTIFY_WAIT_US",
        "dispatch.notify_wait_us",
        COUNTER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        82,
        "DISPATCH_TICK_WAKE_SKIPPED",
        "dispatch.tick_wake_skipped",
        COUNTER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        83,
        "DISPATCH_WALK_SKIPPED",
        "dispatch.walk_skipped",
        COUNTER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        84,
        "DISPATCH_CURSOR_RESUMED",
        "dispatch.cursor_resumed",
        COUNTER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        85,
        "REMOTE_UNCHOKE_TOTAL",
        "peer.remote_unchoke_total",
        COUNTER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        86,
        "REMOTE_RECHOKE_TOTAL",
        "peer.remote_rechoke_total",
        COUNTER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        87,
        "REMOTE_UNCHOKE_DURATION_SUM_MS",
        "peer.remote_unchoke_duration_sum_ms",
        COUNTER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        88,
        "TARGET_DEPTH_SUM",
        "peer.target_depth_sum",
        COUNTER,
        MetricCategory::Diagnostics,
        true,
        99,
    ),
    m(
        89,
        "TARGET_DEPTH_SAMPLES",
        "peer.target_depth_samples",
        COUNTER,
        MetricCategory::Diagnostics,
        true,
        99,
    ),
    m(
        90,
        "TARGET_DEPTH_BELOW_32",
        "peer.target_depth_below_32",
        COUNTER,
        MetricCategory::Diagnostics,
        true,
        99,
    ),
    m(
        91,
        "FIRST_BLOCK_LATENCY_SUM_US",
        "peer.first_block_latency_sum_us",
        COUNTER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        92,
        "FIRST_BLOCK_LATENCY_COUNT",
        "peer.first_block_latency_count",
        COUNTER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        93,
        "PEER_LIFETIME_SUM_MS",
        "peer.lifetime_sum_ms",
        COUNTER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        94,
        "PEER_LIFETIME_COUNT",
        "peer.lifetime_count",
        COUNTER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        95,
        "PIECE_STEALS_TOTAL",
        "peer.piece_steals_total",
        COUNTER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        96,
        "CHOKE_ROTATION_EVICTIONS_TOTAL",
        "peer.choke_rotation_evictions_total",
        COUNTER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        97,
        "CONNECT_FAILURES_TOTAL",
        "peer.connect_failures_total",
        COUNTER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
    m(
        98,
        "DATA_TIMEOUT_EVICTIONS_TOTAL",
        "peer.data_timeout_evictions_total",
        COUNTER,
        MetricCategory::Diagnostics,
        false,
        99,
    ),
];
