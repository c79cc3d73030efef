//! What a comparison compares and how its messages name it: the [`Quantity`] of a metric, the
//! [`WorkUnit`] counters are normalised by, a metric's name and a relative change as text.
//! The pipeline's steps and its result types all take these from here.

use serde::Serialize;
use session_stats::metric;

/// What a compared quantity is, and so how its samples are formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantity {
    /// The headline: counter updates per second per interval, from run.json.
    Throughput,
    /// Counter: rate per second per interval.
    Rate,
    /// Gauge: level at the end of each interval.
    Level,
    /// Counter per unit of work per interval (`Δvalue / Δwork`): behaviour, whatever the speed.
    PerWork,
    /// A derived per-second rate gauge (`bw.upload_rate`...) per unit of work per second.
    RatePerWork,
}

impl Quantity {
    /// Whether the quantity moves with the machine's speed (per-second figures), so that its
    /// verdicts gate only when speed is judged.
    pub fn is_speed(self) -> bool {
        matches!(self, Quantity::Throughput | Quantity::Rate)
    }

    /// Whether samples need the run's work per interval.
    pub fn needs_work(self) -> bool {
        matches!(self, Quantity::PerWork | Quantity::RatePerWork)
    }
}

impl std::fmt::Display for Quantity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Quantity::Throughput => "throughput",
            Quantity::Rate => "rate",
            Quantity::Level => "level",
            Quantity::PerWork => "per work",
            Quantity::RatePerWork => "rate per work",
        })
    }
}

/// What a unit of work is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "metric")]
pub enum WorkUnit {
    /// One counter update of statbench's swarm (run.json's intervals).
    Updates,
    /// One unit of a metric (its stable index), e.g. a byte of `net.bytes_recv`.
    Metric(usize),
}

/// A metric's dotted name, or `#<index>` when this registry does not know it (a newer engine's
/// slot).
pub(crate) fn name_of(index: usize) -> String {
    metric(index).map_or_else(|| format!("#{index}"), |m| m.name.to_string())
}

/// How messages name a unit of work.
pub(crate) fn describe_unit(unit: WorkUnit) -> String {
    match unit {
        WorkUnit::Updates => "counter updates".into(),
        WorkUnit::Metric(i) => name_of(i),
    }
}

/// A relative change as people read it, `+3.2%` (`—` when not finite): the one format every
/// table, finding and report uses.
pub fn percent(effect: f64) -> String {
    if effect.is_finite() {
        format!("{:+.1}%", effect * 100.0)
    } else {
        "—".into()
    }
}
