//! The gate policy (`statbench.toml`, or `--policy FILE`): what a comparison judges and how,
//! for runs of any recorder — the headline of runs without statbench's run.json, the unit of
//! work that counters are normalised by, and per metric (or category) a direction, a threshold
//! and whether it gates.
//!
//! Read and validated once ([`file`]), like a scenario: unknown keys, metric or category names
//! are bad input naming the file, line and key. Downstream, [`Policy`] is plain data.

pub mod file;

use serde::Serialize;
use session_stats::{metric, MetricCategory};
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// File name of the policy at the repository root.
pub const POLICY_FILE: &str = "statbench.toml";

/// Which way a metric is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// A decrease beyond the threshold is a regression (throughput, bytes received).
    HigherIsBetter,
    /// An increase beyond the threshold is a regression (waste, errors, latency).
    LowerIsBetter,
    /// Any change beyond the threshold is a regression (behaviour that must not move).
    Either,
}

impl Direction {
    /// The name used in `statbench.toml` and JSON.
    pub fn key(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "higher_is_better",
            Direction::LowerIsBetter => "lower_is_better",
            Direction::Either => "either",
        }
    }

    /// Every direction, as the policy file spells them.
    pub const ALL: [Direction; 3] = [
        Direction::HigherIsBetter,
        Direction::LowerIsBetter,
        Direction::Either,
    ];

    /// A compact sign for tables: `↑` higher is better, `↓` lower is better, `±` either.
    pub fn sign(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "↑",
            Direction::LowerIsBetter => "↓",
            Direction::Either => "±",
        }
    }

    /// Whether a change by `ratio` (B/A) of a significant, material change is a regression.
    pub fn is_regression(self, ratio: f64) -> bool {
        match self {
            Direction::HigherIsBetter => ratio < 1.0,
            Direction::LowerIsBetter => ratio > 1.0,
            Direction::Either => true,
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// How counters are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Normalise {
    /// Per unit of work (per counter update for statbench's swarm, per unit of the work
    /// metric for an engine's runs): a run that is only faster shows no behaviour change.
    #[default]
    PerWork,
    /// Per second: counters move with speed (the rates an engine's dashboard shows).
    PerSecond,
}

impl Normalise {
    /// The name used in `statbench.toml`.
    pub fn key(self) -> &'static str {
        match self {
            Normalise::PerWork => "per_work",
            Normalise::PerSecond => "per_second",
        }
    }
}

/// One entry of the policy (`[default]`, `[category.X]`, `[metric."X"]`); unset fields fall
/// through to the next, more general entry.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct RuleSpec {
    /// Which way is better.
    pub direction: Option<Direction>,
    /// Smallest relative change that fails (fraction).
    pub threshold: Option<f64>,
    /// Whether a regression of this metric fails the gate.
    pub gate: Option<bool>,
}

impl RuleSpec {
    /// `self`'s fields, else `general`'s.
    fn over(self, general: RuleSpec) -> RuleSpec {
        RuleSpec {
            direction: self.direction.or(general.direction),
            threshold: self.threshold.or(general.threshold),
            gate: self.gate.or(general.gate),
        }
    }
}

/// What the policy says of one metric, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MetricRule {
    /// Which way is better (`None`: no direction, reported as increase/decrease).
    pub direction: Option<Direction>,
    /// Smallest relative change that counts (the metric's minimum effect).
    pub threshold: f64,
    /// Whether a regression fails the gate.
    pub gate: bool,
}

/// The resolved policy; [`Policy::default`] is what applies without a file.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Policy {
    /// The file it was read from (`None`: the built-in defaults).
    pub source: Option<PathBuf>,
    /// Headline of runs without statbench's run.json: this metric's rate per second
    /// (higher is better). statbench's runs keep their updates/s.
    pub headline: Option<usize>,
    /// Unit of work of runs without statbench's run.json (default: an engine run.json's work
    /// metric, else the headline).
    pub work: Option<usize>,
    /// How counters compare.
    pub normalise: Normalise,
    /// `[default]`: every metric.
    pub default: RuleSpec,
    /// `[category.X]`.
    pub categories: BTreeMap<String, RuleSpec>,
    /// `[metric."X"]`, by stable index.
    pub metrics: BTreeMap<usize, RuleSpec>,
}

impl Policy {
    /// The rule for metric `index`: its own entry over its category's over `[default]` over
    /// the built-in (`min_effect`, no direction; `fail_on_change`: either direction, gating).
    /// A metric gates when its rule says so, by default exactly when it has a direction.
    pub fn rule(&self, index: usize, min_effect: f64, fail_on_change: bool) -> MetricRule {
        let builtin = RuleSpec {
            direction: fail_on_change.then_some(Direction::Either),
            threshold: Some(min_effect),
            gate: None,
        };
        let category = metric(index)
            .and_then(|m| self.categories.get(m.category.as_str()))
            .copied()
            .unwrap_or_default();
        let own = self.metrics.get(&index).copied().unwrap_or_default();
        let r = own.over(category).over(self.default).over(builtin);
        let gate = r.gate.unwrap_or(r.direction.is_some());
        MetricRule {
            // A metric told to gate without a direction gates on any change.
            direction: r.direction.or(gate.then_some(Direction::Either)),
            threshold: r.threshold.unwrap_or(min_effect),
            gate,
        }
    }

    /// Whether any rule names a direction or a gate: what makes the per-metric columns worth
    /// showing.
    pub fn has_rules(&self) -> bool {
        let any = |r: &RuleSpec| r.direction.is_some() || r.gate.is_some();
        any(&self.default) || self.categories.values().any(any) || self.metrics.values().any(any)
    }
}

/// The headline's rule: higher is better, by the comparison's minimum effect, always gating.
pub fn headline_rule(min_effect: f64) -> MetricRule {
    MetricRule {
        direction: Some(Direction::HigherIsBetter),
        threshold: min_effect,
        gate: true,
    }
}

/// The category names a policy may use.
pub fn category_names() -> Vec<&'static str> {
    MetricCategory::ALL.iter().map(|c| c.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use session_stats::{DISK_READ_BYTES, NET_BYTES_RECV, PROTO_WASTE_BYTES};

    fn spec(direction: Option<Direction>, threshold: Option<f64>, gate: Option<bool>) -> RuleSpec {
        RuleSpec {
            direction,
            threshold,
            gate,
        }
    }

    #[test]
    fn without_a_policy_nothing_gates_unless_asked_to() {
        let p = Policy::default();
        let r = p.rule(NET_BYTES_RECV, 0.03, false);
        assert_eq!((r.direction, r.threshold, r.gate), (None, 0.03, false));
        let r = p.rule(NET_BYTES_RECV, 0.05, true);
        assert_eq!(
            (r.direction, r.threshold, r.gate),
            (Some(Direction::Either), 0.05, true)
        );
    }

    #[test]
    fn a_metric_entry_beats_its_category_which_beats_the_default() {
        let mut p = Policy {
            default: spec(None, Some(0.10), None),
            ..Policy::default()
        };
        p.categories.insert(
            "disk".into(),
            spec(Some(Direction::LowerIsBetter), None, None),
        );
        p.metrics.insert(
            PROTO_WASTE_BYTES,
            spec(Some(Direction::LowerIsBetter), Some(0.02), Some(false)),
        );
        let disk = p.rule(DISK_READ_BYTES, 0.03, false);
        assert_eq!(
            (disk.direction, disk.threshold, disk.gate),
            (Some(Direction::LowerIsBetter), 0.10, true)
        );
        let waste = p.rule(PROTO_WASTE_BYTES, 0.03, false);
        assert_eq!(
            (waste.direction, waste.threshold, waste.gate),
            (Some(Direction::LowerIsBetter), 0.02, false)
        );
        let net = p.rule(NET_BYTES_RECV, 0.03, false);
        assert_eq!(
            (net.direction, net.threshold, net.gate),
            (None, 0.10, false)
        );
        // `gate = true` without a direction gates either way.
        p.metrics
            .insert(NET_BYTES_RECV, spec(None, None, Some(true)));
        assert_eq!(
            p.rule(NET_BYTES_RECV, 0.03, false).direction,
            Some(Direction::Either)
        );
    }

    #[test]
    fn directions_say_which_change_regresses() {
        assert!(Direction::HigherIsBetter.is_regression(0.9));
        assert!(!Direction::HigherIsBetter.is_regression(1.1));
        assert!(Direction::LowerIsBetter.is_regression(1.1));
        assert!(!Direction::LowerIsBetter.is_regression(0.9));
        assert!(Direction::Either.is_regression(0.9) && Direction::Either.is_regression(1.1));
    }
}
