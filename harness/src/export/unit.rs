//! The unit of every figure a comparison shows, derived from the metric registry: a metric's
//! name says what it counts (bytes, microseconds, events), its kind whether the figure is a
//! rate per second (counters) or a level (gauges).
//!
//! | metric (name)                                          | counter (rate) | counter per work | gauge (level) |
//! |--------------------------------------------------------|----------------|------------------|---------------|
//! | throughput (the headline)                              | updates/s      |                  |               |
//! | `*bytes*`, `bw.total_uploaded`, `bw.total_downloaded`  | B/s            | B/work           | B             |
//! | `bw.*_rate*` (already bytes per second)                |                | B/work (derived) | B/s           |
//! | `*_us`, `*_ms`, `*_secs` (time, shown in seconds)      | s/s            | s/work           | s             |
//! | anything else (events, peers, nodes...)                | /s             | /work            | count         |
//!
//! "work" is the comparison's unit of work (a counter update of statbench's swarm, or a unit of
//! an engine's work metric); the line under the table names it.
//!
//! Metrics an engine added beyond the registry's 99 count events.

use crate::compare::quantity::Quantity;

/// What a metric's raw value counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Base {
    /// Counter updates (the headline throughput).
    Updates,
    Bytes,
    /// Bytes per second already (bandwidth gauges).
    BytesPerSecond,
    /// Time, recorded in units of `scale` seconds (`1e-6` for `_us`).
    Time {
        /// Seconds per recorded unit.
        scale: f64,
    },
    /// Plain count (events, peers, torrents...).
    Count,
}

/// The base of the metric called `name` (see the module table).
pub fn base_of(name: &str) -> Base {
    let leaf = name.rsplit('.').next().unwrap_or(name);
    if name.starts_with("bw.") && leaf.contains("rate") {
        Base::BytesPerSecond
    } else if leaf.contains("bytes") || leaf == "total_uploaded" || leaf == "total_downloaded" {
        Base::Bytes
    } else if leaf.ends_with("_us") {
        Base::Time { scale: 1e-6 }
    } else if leaf.ends_with("_ms") {
        Base::Time { scale: 1e-3 }
    } else if leaf.ends_with("_secs") {
        Base::Time { scale: 1.0 }
    } else {
        Base::Count
    }
}

/// What a figure is per.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Per {
    /// A rate per second.
    Second,
    /// Per unit of work (per counter update of the swarm, per unit of an engine's work metric).
    Work,
    /// A level, per nothing.
    Nothing,
}

/// The unit of one compared quantity: how its figures are scaled and labelled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unit {
    base: Base,
    per: Per,
}

impl Unit {
    /// The unit of quantity `quantity` of the metric `name` (`throughput` for the headline).
    pub fn of(name: &str, quantity: Quantity) -> Unit {
        match quantity {
            Quantity::Throughput => Unit {
                base: Base::Updates,
                per: Per::Second,
            },
            Quantity::Rate => Unit {
                base: base_of(name),
                per: Per::Second,
            },
            Quantity::Level => Unit {
                base: base_of(name),
                per: Per::Nothing,
            },
            Quantity::PerWork => Unit {
                base: base_of(name),
                per: Per::Work,
            },
            // A bytes-per-second gauge over work per second: bytes per unit of work.
            Quantity::RatePerWork => Unit {
                base: Base::Bytes,
                per: Per::Work,
            },
        }
    }

    /// The unit's symbol after an SI prefix: `updates/s`, `B/s`, `B`, `s/s`, `s`, `/s`, or
    /// empty for a count.
    pub fn symbol(self) -> &'static str {
        match (self.base, self.per) {
            (Base::Updates, _) => "updates/s",
            (Base::Bytes | Base::BytesPerSecond, Per::Work) => "B/work",
            (Base::Bytes, Per::Second) | (Base::BytesPerSecond, _) => "B/s",
            (Base::Bytes, Per::Nothing) => "B",
            (Base::Time { .. }, Per::Second) => "s/s",
            (Base::Time { .. }, Per::Work) => "s/work",
            (Base::Time { .. }, Per::Nothing) => "s",
            (Base::Count, Per::Second) => "/s",
            (Base::Count, Per::Work) => "/work",
            (Base::Count, Per::Nothing) => "",
        }
    }

    /// `v` (in the metric's recorded unit) with an SI prefix and this unit, four significant
    /// digits: `21.66 GB/s`, `562.2 s/s`, `2.344 k/s`, `60.00`. `compact` drops `updates` from
    /// the headline's unit (`58.40 M/s`) where the row's label already says it.
    pub fn format(self, v: f64, compact: bool) -> String {
        if !v.is_finite() {
            return "—".into();
        }
        let v = match self.base {
            Base::Time { scale } => v * scale,
            _ => v,
        };
        let symbol = match self.base {
            Base::Updates if compact => "/s",
            _ => self.symbol(),
        };
        let (scaled, prefix) = si(v, matches!(self.base, Base::Time { .. }));
        let digits = if scaled.abs() >= 100.0 {
            1
        } else if scaled.abs() >= 10.0 {
            2
        } else {
            3
        };
        if v == v.trunc() && v.abs() < 1e4 && (v == 0.0 || v.abs() >= 1.0) {
            // Small whole numbers stay exact: 7, 340, 2344.
            return join(&format!("{v:.0}"), "", symbol);
        }
        join(&format!("{scaled:.digits$}"), prefix, symbol)
    }
}

/// `2.344` `k` `/s` → `2.344 k/s`; `781` `` `/s` → `781/s`; `60.00` `` `` → `60.00`.
fn join(number: &str, prefix: &str, symbol: &str) -> String {
    match (prefix, symbol) {
        ("", "") => number.to_string(),
        ("", s) if s.starts_with('/') => format!("{number}{s}"),
        // A word after a prefix keeps its own space: `58.40 M updates/s`, but `21.66 GB/s`.
        (p, s) if s.starts_with("updates") => {
            format!("{number} {p} {s}")
        }
        (p, s) => format!("{number} {p}{s}"),
    }
}

/// `23,742,107,441`: a whole number with its thousands grouped, for totals people read.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (k, d) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// `v` scaled into [1, 1000) with its SI prefix; below 1 only for time (ms, µs, ns).
fn si(v: f64, time: bool) -> (f64, &'static str) {
    let a = v.abs();
    for (f, p) in [(1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")] {
        if a >= f {
            return (v / f, p);
        }
    }
    if time && a > 0.0 && a < 1.0 {
        for (f, p) in [(1e-3, "m"), (1e-6, "µ"), (1e-9, "n")] {
            if a >= f {
                return (v / f, p);
            }
        }
    }
    (v, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_time_and_counts_get_their_units() {
        let rate = |n| Unit::of(n, Quantity::Rate);
        let level = |n| Unit::of(n, Quantity::Level);
        assert_eq!(rate("net.bytes_sent").format(21.66e9, false), "21.66 GB/s");
        assert_eq!(rate("bw.total_uploaded").symbol(), "B/s");
        assert_eq!(level("bw.upload_rate").format(1.5e6, false), "1.500 MB/s");
        assert_eq!(
            level("disk.write_buffer_bytes").format(512.0, false),
            "512 B"
        );
        assert_eq!(rate("disk.job_time_us").format(562.2e6, false), "562.2 s/s");
        assert_eq!(
            rate("dispatch.acquire_us").format(3200.0, false),
            "3.200 ms/s"
        );
        assert_eq!(level("ses.uptime_secs").format(3.0, false), "3 s");
        assert_eq!(rate("proto.tracker_errors").format(2344.0, false), "2344/s");
        assert_eq!(
            rate("proto.tracker_errors").format(2344.5, false),
            "2.345 k/s"
        );
        assert_eq!(rate("proto.hashfails").format(781.0, false), "781/s");
        assert_eq!(level("peer.peers_connected").format(60.003, false), "60.00");
        assert_eq!(level("peer.peers_connected").format(7340.0, false), "7340");
        assert_eq!(
            level("peer.peers_connected").format(73400.0, false),
            "73.40 k"
        );
        let tp = Unit::of("throughput", Quantity::Throughput);
        assert_eq!(tp.format(58.4e6, false), "58.40 M updates/s");
        assert_eq!(tp.format(58.4e6, true), "58.40 M/s");
        assert_eq!(tp.format(f64::NAN, true), "—");
    }

    #[test]
    fn totals_are_grouped_by_thousands() {
        assert_eq!(thousands(23742107441), "23,742,107,441");
        assert_eq!(thousands(-1000), "-1,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(0), "0");
    }

    #[test]
    fn every_registry_metric_has_a_unit_its_name_supports() {
        for m in session_stats::session_stats_metrics() {
            let base = base_of(m.name);
            match base {
                Base::Bytes | Base::BytesPerSecond => assert!(
                    m.name.contains("bytes")
                        || m.name.contains("rate")
                        || m.name.contains("total_"),
                    "{}",
                    m.name
                ),
                Base::Time { .. } => assert!(
                    ["_us", "_ms", "_secs"].iter().any(|s| m.name.ends_with(s)),
                    "{}",
                    m.name
                ),
                _ => {}
            }
        }
    }
}
