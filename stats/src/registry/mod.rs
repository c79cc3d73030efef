//! The metric registry: 99 metrics with stable indices.
//!
//! An index is a public contract: it never moves or disappears, so snapshot CSVs keyed by
//! index stay comparable across engine versions. Retired metrics keep their slot and are
//! flagged [`SessionStatsMetric::deprecated`].

mod table;

use std::fmt;
use table::METRICS;
pub use table::*;

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
