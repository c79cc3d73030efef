//! The metric table, one row per stable index: each row defines the index's constant and its
//! registry entry at once, so the two cannot drift apart.
//!
//! The rows mirror `tests/golden/metrics.csv` row by row; `tests/registry_golden.rs` fails if an
//! index moves, vanishes or changes kind, and if a gauge changes its gauge kind. Each constant's
//! doc says what moves its gauge, which is why it has the kind it has.

use super::{GaugeKind, MetricCategory, MetricKind, SessionStatsMetric, SlotKind, NUM_METRICS};

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

/// Defines, from one row per metric (`index CONSTANT "name" SLOT Category deprecated
/// since_schema;`), the index constants and the `METRICS` table in index order.
macro_rules! metrics {
    ($($(#[$doc:meta])* $index:literal $constant:ident $name:literal $slot:ident $category:ident $deprecated:literal $since:literal;)*) => {
        $(
            $(#[$doc])*
            pub const $constant: usize = $index;
        )*

        /// Every metric, ordered by index.
        pub(super) static METRICS: [SessionStatsMetric; NUM_METRICS] = [
            $(m($index, stringify!($constant), $name, $slot, MetricCategory::$category, $deprecated, $since),)*
        ];
    };
}

metrics! {
    /// `net.bytes_sent` (counter, network).
    0 NET_BYTES_SENT "net.bytes_sent" COUNTER Network false 70;
    /// `net.bytes_recv` (counter, network).
    1 NET_BYTES_RECV "net.bytes_recv" COUNTER Network false 70;
    /// `net.num_connections` (delta gauge, network): +1 when a peer connection is established, −1 when it closes.
    2 NET_NUM_CONNECTIONS "net.num_connections" DELTA Network false 70;
    /// `net.num_half_open` (delta gauge, network): +1 when a connection attempt starts, −1 when it connects or fails.
    3 NET_NUM_HALF_OPEN "net.num_half_open" DELTA Network false 70;
    /// `net.num_tcp_peers` (delta gauge, network): +1 when a TCP peer connects, −1 when it disconnects.
    4 NET_NUM_TCP_PEERS "net.num_tcp_peers" DELTA Network false 70;
    /// `net.num_utp_peers` (delta gauge, network): +1 when a uTP peer connects, −1 when it disconnects.
    5 NET_NUM_UTP_PEERS "net.num_utp_peers" DELTA Network false 70;
    /// `net.num_tcp_connections` (delta gauge, network): +1 when a TCP socket opens, −1 when it closes.
    6 NET_NUM_TCP_CONNECTIONS "net.num_tcp_connections" DELTA Network false 70;
    /// `net.num_utp_connections` (delta gauge, network): +1 when a uTP socket opens, −1 when it closes.
    7 NET_NUM_UTP_CONNECTIONS "net.num_utp_connections" DELTA Network false 70;
    /// `net.tcp_bytes_sent` (counter, network).
    8 NET_TCP_BYTES_SENT "net.tcp_bytes_sent" COUNTER Network false 70;
    /// `net.tcp_bytes_recv` (counter, network).
    9 NET_TCP_BYTES_RECV "net.tcp_bytes_recv" COUNTER Network false 70;
    /// `net.utp_bytes_sent` (counter, network).
    10 NET_UTP_BYTES_SENT "net.utp_bytes_sent" COUNTER Network false 70;
    /// `net.utp_bytes_recv` (counter, network).
    11 NET_UTP_BYTES_RECV "net.utp_bytes_recv" COUNTER Network false 70;
    /// `disk.read_count` (counter, disk).
    12 DISK_READ_COUNT "disk.read_count" COUNTER Disk false 70;
    /// `disk.write_count` (counter, disk).
    13 DISK_WRITE_COUNT "disk.write_count" COUNTER Disk false 70;
    /// `disk.read_bytes` (counter, disk).
    14 DISK_READ_BYTES "disk.read_bytes" COUNTER Disk false 70;
    /// `disk.write_bytes` (counter, disk).
    15 DISK_WRITE_BYTES "disk.write_bytes" COUNTER Disk false 70;
    /// `disk.cache_hits` (counter, disk).
    16 DISK_CACHE_HITS "disk.cache_hits" COUNTER Disk false 70;
    /// `disk.cache_misses` (counter, disk).
    17 DISK_CACHE_MISSES "disk.cache_misses" COUNTER Disk false 70;
    /// `disk.queue_depth` (delta gauge, disk): +1 when a disk job is queued, −1 when it completes.
    18 DISK_QUEUE_DEPTH "disk.queue_depth" DELTA Disk false 70;
    /// `disk.job_time_us` (counter, disk).
    19 DISK_JOB_TIME_US "disk.job_time_us" COUNTER Disk false 70;
    /// `disk.write_buffer_bytes` (delta gauge, disk): +bytes when a block enters the write buffer, −bytes when it is written out.
    20 DISK_WRITE_BUFFER_BYTES "disk.write_buffer_bytes" DELTA Disk false 70;
    /// `disk.hash_count` (counter, disk).
    21 DISK_HASH_COUNT "disk.hash_count" COUNTER Disk false 70;
    /// `dht.nodes` (level gauge, dht): the DHT routing table's size, set by the DHT's periodic refresh.
    22 DHT_NODES "dht.nodes" LEVEL Dht false 70;
    /// `dht.lookups` (counter, dht).
    23 DHT_LOOKUPS "dht.lookups" COUNTER Dht false 70;
    /// `dht.bytes_in` (counter, dht).
    24 DHT_BYTES_IN "dht.bytes_in" COUNTER Dht false 70;
    /// `dht.bytes_out` (counter, dht).
    25 DHT_BYTES_OUT "dht.bytes_out" COUNTER Dht false 70;
    /// `dht.nodes_v4` (level gauge, dht): IPv4 nodes in the DHT routing table, set by the DHT's periodic refresh.
    26 DHT_NODES_V4 "dht.nodes_v4" LEVEL Dht false 70;
    /// `dht.nodes_v6` (level gauge, dht): IPv6 nodes in the DHT routing table, set by the DHT's periodic refresh.
    27 DHT_NODES_V6 "dht.nodes_v6" LEVEL Dht false 70;
    /// `dht.announce_count` (counter, dht).
    28 DHT_ANNOUNCE_COUNT "dht.announce_count" COUNTER Dht false 70;
    /// `peer.num_unchoked` (delta gauge, peers): +1 when a peer unchokes us, −1 when it chokes us or disconnects.
    29 PEER_NUM_UNCHOKED "peer.num_unchoked" DELTA Peers false 70;
    /// `peer.num_interested` (delta gauge, peers): +1 when we become interested in a peer, −1 when we lose interest or it disconnects.
    30 PEER_NUM_INTERESTED "peer.num_interested" DELTA Peers false 70;
    /// `peer.num_uploading` (delta gauge, peers): +1 when we start serving a peer blocks, −1 when that ends.
    31 PEER_NUM_UPLOADING "peer.num_uploading" DELTA Peers false 70;
    /// `peer.num_downloading` (delta gauge, peers): +1 when a peer starts sending us blocks, −1 when that ends.
    32 PEER_NUM_DOWNLOADING "peer.num_downloading" DELTA Peers false 70;
    /// `peer.num_seeding_torrents` (level gauge, peers): set by the session's housekeeping tick from its torrent list.
    33 PEER_NUM_SEEDING_TORRENTS "peer.num_seeding_torrents" LEVEL Peers false 70;
    /// `peer.num_downloading_torrents` (level gauge, peers): set by the session's housekeeping tick from its torrent list.
    34 PEER_NUM_DOWNLOADING_TORRENTS "peer.num_downloading_torrents" LEVEL Peers false 70;
    /// `peer.num_checking_torrents` (level gauge, peers): set by the session's housekeeping tick from its torrent list.
    35 PEER_NUM_CHECKING_TORRENTS "peer.num_checking_torrents" LEVEL Peers false 70;
    /// `peer.num_paused_torrents` (level gauge, peers): set by the session's housekeeping tick from its torrent list.
    36 PEER_NUM_PAUSED_TORRENTS "peer.num_paused_torrents" LEVEL Peers false 70;
    /// `peer.peers_connected` (delta gauge, peers): +1 when a peer connects, −1 when it disconnects.
    37 PEER_PEERS_CONNECTED "peer.peers_connected" DELTA Peers false 70;
    /// `peer.peers_available` (delta gauge, peers): peers we could dial: +n when PEX (or a tracker, the DHT) names new ones, −1 while we dial one.
    38 PEER_PEERS_AVAILABLE "peer.peers_available" DELTA Peers false 70;
    /// `peer.num_web_seeds` (level gauge, peers): set by the session's housekeeping tick from the torrents' web-seed lists.
    39 PEER_NUM_WEB_SEEDS "peer.num_web_seeds" LEVEL Peers false 70;
    /// `peer.num_banned` (delta gauge, peers): +1 when a peer is banned (e.g. for hash failures), −1 if it is unbanned.
    40 PEER_NUM_BANNED "peer.num_banned" DELTA Peers false 70;
    /// `proto.pieces_downloaded` (counter, protocol).
    41 PROTO_PIECES_DOWNLOADED "proto.pieces_downloaded" COUNTER Protocol false 70;
    /// `proto.pieces_uploaded` (counter, protocol).
    42 PROTO_PIECES_UPLOADED "proto.pieces_uploaded" COUNTER Protocol false 70;
    /// `proto.hashfails` (counter, protocol).
    43 PROTO_HASHFAILS "proto.hashfails" COUNTER Protocol false 70;
    /// `proto.waste_bytes` (counter, protocol).
    44 PROTO_WASTE_BYTES "proto.waste_bytes" COUNTER Protocol false 70;
    /// `proto.piece_requests` (counter, protocol).
    45 PROTO_PIECE_REQUESTS "proto.piece_requests" COUNTER Protocol false 70;
    /// `proto.piece_rejects` (counter, protocol).
    46 PROTO_PIECE_REJECTS "proto.piece_rejects" COUNTER Protocol false 70;
    /// `proto.handshakes_in` (counter, protocol).
    47 PROTO_HANDSHAKES_IN "proto.handshakes_in" COUNTER Protocol false 70;
    /// `proto.handshakes_out` (counter, protocol).
    48 PROTO_HANDSHAKES_OUT "proto.handshakes_out" COUNTER Protocol false 70;
    /// `proto.pex_messages_in` (counter, protocol).
    49 PROTO_PEX_MESSAGES_IN "proto.pex_messages_in" COUNTER Protocol false 70;
    /// `proto.pex_messages_out` (counter, protocol).
    50 PROTO_PEX_MESSAGES_OUT "proto.pex_messages_out" COUNTER Protocol false 70;
    /// `proto.tracker_announces` (counter, protocol).
    51 PROTO_TRACKER_ANNOUNCES "proto.tracker_announces" COUNTER Protocol false 70;
    /// `proto.tracker_errors` (counter, protocol).
    52 PROTO_TRACKER_ERRORS "proto.tracker_errors" COUNTER Protocol false 70;
    /// `proto.metadata_requests` (counter, protocol).
    53 PROTO_METADATA_REQUESTS "proto.metadata_requests" COUNTER Protocol false 70;
    /// `proto.metadata_receives` (counter, protocol).
    54 PROTO_METADATA_RECEIVES "proto.metadata_receives" COUNTER Protocol false 70;
    /// `bw.upload_rate` (level gauge, bandwidth): bytes/sec derived by every snapshot from `net.bytes_sent` (the snapshot owns it).
    55 BW_UPLOAD_RATE "bw.upload_rate" LEVEL Bandwidth false 70;
    /// `bw.download_rate` (level gauge, bandwidth): bytes/sec derived by every snapshot from `net.bytes_recv` (the snapshot owns it).
    56 BW_DOWNLOAD_RATE "bw.download_rate" LEVEL Bandwidth false 70;
    /// `bw.upload_rate_tcp` (level gauge, bandwidth): set by the rate accounting's periodic tick.
    57 BW_UPLOAD_RATE_TCP "bw.upload_rate_tcp" LEVEL Bandwidth false 70;
    /// `bw.download_rate_tcp` (level gauge, bandwidth): set by the rate accounting's periodic tick.
    58 BW_DOWNLOAD_RATE_TCP "bw.download_rate_tcp" LEVEL Bandwidth false 70;
    /// `bw.upload_rate_utp` (level gauge, bandwidth): set by the rate accounting's periodic tick.
    59 BW_UPLOAD_RATE_UTP "bw.upload_rate_utp" LEVEL Bandwidth false 70;
    /// `bw.download_rate_utp` (level gauge, bandwidth): set by the rate accounting's periodic tick.
    60 BW_DOWNLOAD_RATE_UTP "bw.download_rate_utp" LEVEL Bandwidth false 70;
    /// `bw.payload_upload_rate` (level gauge, bandwidth): set by the rate accounting's periodic tick.
    61 BW_PAYLOAD_UPLOAD_RATE "bw.payload_upload_rate" LEVEL Bandwidth false 70;
    /// `bw.payload_download_rate` (level gauge, bandwidth): set by the rate accounting's periodic tick.
    62 BW_PAYLOAD_DOWNLOAD_RATE "bw.payload_download_rate" LEVEL Bandwidth false 70;
    /// `bw.total_uploaded` (counter, bandwidth).
    63 BW_TOTAL_UPLOADED "bw.total_uploaded" COUNTER Bandwidth false 70;
    /// `bw.total_downloaded` (counter, bandwidth).
    64 BW_TOTAL_DOWNLOADED "bw.total_downloaded" COUNTER Bandwidth false 70;
    /// `ses.active_torrents` (level gauge, session): set by the session's housekeeping tick from its torrent list.
    65 SES_ACTIVE_TORRENTS "ses.active_torrents" LEVEL Session false 70;
    /// `ses.num_torrents` (level gauge, session): set by the session's housekeeping tick from its torrent list.
    66 SES_NUM_TORRENTS "ses.num_torrents" LEVEL Session false 70;
    /// `ses.uptime_secs` (level gauge, session): written by every snapshot from the clock.
    67 SES_UPTIME_SECS "ses.uptime_secs" LEVEL Session false 70;
    /// `ses.ip_filter_blocked` (counter, session).
    68 SES_IP_FILTER_BLOCKED "ses.ip_filter_blocked" COUNTER Session false 70;
    /// `ses.queue_paused_by_auto` (counter, session).
    69 SES_QUEUE_PAUSED_BY_AUTO "ses.queue_paused_by_auto" COUNTER Session false 70;
    /// `perf.event_tx_high_water` (high-water gauge, diagnostics): deepest event-queue backlog seen, raised with `set_max` by any peer task.
    70 EVENT_TX_HIGH_WATER "perf.event_tx_high_water" HIGH_WATER Diagnostics false 99;
    /// `perf.dispatch_tx_high_water` (high-water gauge, diagnostics): deepest dispatch-queue backlog seen, raised with `set_max` by any peer task.
    71 DISPATCH_TX_HIGH_WATER "perf.dispatch_tx_high_water" HIGH_WATER Diagnostics false 99;
    /// `perf.peer_wake_events_total` (counter, diagnostics).
    72 PEER_WAKE_EVENTS_TOTAL "perf.peer_wake_events_total" COUNTER Diagnostics false 99;
    /// `perf.peer_drain_items_total` (counter, diagnostics).
    73 PEER_DRAIN_ITEMS_TOTAL "perf.peer_drain_items_total" COUNTER Diagnostics false 99;
    /// `dispatch.acquire_total` (counter, diagnostics).
    74 DISPATCH_ACQUIRE_TOTAL "dispatch.acquire_total" COUNTER Diagnostics false 99;
    /// `dispatch.acquire_none_total` (counter, diagnostics).
    75 DISPATCH_ACQUIRE_NONE_TOTAL "dispatch.acquire_none_total" COUNTER Diagnostics false 99;
    /// `dispatch.acquire_us` (counter, diagnostics).
    76 DISPATCH_ACQUIRE_US "dispatch.acquire_us" COUNTER Diagnostics false 99;
    /// `dispatch.notify_wakeup_total` (counter, diagnostics).
    77 DISPATCH_NOTIFY_WAKEUP_TOTAL "dispatch.notify_wakeup_total" COUNTER Diagnostics false 99;
    /// `dispatch.peer_connect_total` (counter, diagnostics).
    78 DISPATCH_PEER_CONNECT_TOTAL "dispatch.peer_connect_total" COUNTER Diagnostics false 99;
    /// `dispatch.peer_disconnect_total` (counter, diagnostics).
    79 DISPATCH_PEER_DISCONNECT_TOTAL "dispatch.peer_disconnect_total" COUNTER Diagnostics false 99;
    /// `dispatch.acquire_rtt_us` (counter, diagnostics).
    80 DISPATCH_ACQUIRE_RTT_US "dispatch.acquire_rtt_us" COUNTER Diagnostics false 99;
    /// `dispatch.notify_wait_us` (counter, diagnostics).
    81 DISPATCH_NOTIFY_WAIT_US "dispatch.notify_wait_us" COUNTER Diagnostics false 99;
    /// `dispatch.tick_wake_skipped` (counter, diagnostics).
    82 DISPATCH_TICK_WAKE_SKIPPED "dispatch.tick_wake_skipped" COUNTER Diagnostics false 99;
    /// `dispatch.walk_skipped` (counter, diagnostics).
    83 DISPATCH_WALK_SKIPPED "dispatch.walk_skipped" COUNTER Diagnostics false 99;
    /// `dispatch.cursor_resumed` (counter, diagnostics).
    84 DISPATCH_CURSOR_RESUMED "dispatch.cursor_resumed" COUNTER Diagnostics false 99;
    /// `peer.remote_unchoke_total` (counter, diagnostics).
    85 REMOTE_UNCHOKE_TOTAL "peer.remote_unchoke_total" COUNTER Diagnostics false 99;
    /// `peer.remote_rechoke_total` (counter, diagnostics).
    86 REMOTE_RECHOKE_TOTAL "peer.remote_rechoke_total" COUNTER Diagnostics false 99;
    /// `peer.remote_unchoke_duration_sum_ms` (counter, diagnostics).
    87 REMOTE_UNCHOKE_DURATION_SUM_MS "peer.remote_unchoke_duration_sum_ms" COUNTER Diagnostics false 99;
    /// `peer.target_depth_sum` (counter, diagnostics) — deprecated: slot kept so old CSVs stay comparable.
    88 TARGET_DEPTH_SUM "peer.target_depth_sum" COUNTER Diagnostics true 99;
    /// `peer.target_depth_samples` (counter, diagnostics) — deprecated: slot kept so old CSVs stay comparable.
    89 TARGET_DEPTH_SAMPLES "peer.target_depth_samples" COUNTER Diagnostics true 99;
    /// `peer.target_depth_below_32` (counter, diagnostics) — deprecated: slot kept so old CSVs stay comparable.
    90 TARGET_DEPTH_BELOW_32 "peer.target_depth_below_32" COUNTER Diagnostics true 99;
    /// `peer.first_block_latency_sum_us` (counter, diagnostics).
    91 FIRST_BLOCK_LATENCY_SUM_US "peer.first_block_latency_sum_us" COUNTER Diagnostics false 99;
    /// `peer.first_block_latency_count` (counter, diagnostics).
    92 FIRST_BLOCK_LATENCY_COUNT "peer.first_block_latency_count" COUNTER Diagnostics false 99;
    /// `peer.lifetime_sum_ms` (counter, diagnostics).
    93 PEER_LIFETIME_SUM_MS "peer.lifetime_sum_ms" COUNTER Diagnostics false 99;
    /// `peer.lifetime_count` (counter, diagnostics).
    94 PEER_LIFETIME_COUNT "peer.lifetime_count" COUNTER Diagnostics false 99;
    /// `peer.piece_steals_total` (counter, diagnostics).
    95 PIECE_STEALS_TOTAL "peer.piece_steals_total" COUNTER Diagnostics false 99;
    /// `peer.choke_rotation_evictions_total` (counter, diagnostics).
    96 CHOKE_ROTATION_EVICTIONS_TOTAL "peer.choke_rotation_evictions_total" COUNTER Diagnostics false 99;
    /// `peer.connect_failures_total` (counter, diagnostics).
    97 CONNECT_FAILURES_TOTAL "peer.connect_failures_total" COUNTER Diagnostics false 99;
    /// `peer.data_timeout_evictions_total` (counter, diagnostics).
    98 DATA_TIMEOUT_EVICTIONS_TOTAL "peer.data_timeout_evictions_total" COUNTER Diagnostics false 99;
}
