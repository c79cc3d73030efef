//! What a comparison concluded, per compared quantity and for the gate as a whole.

use super::quantity::{percent, Quantity};
use super::speed_withheld::{machine_changed_state, MachineMismatch, UnstableSide};
use serde::{Serialize, Serializer};
use statbench_stats::Describe;
use statbench_stats::Reason;
use std::fmt;

/// Verdict of one compared quantity, as shown to users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Throughput (or a metric the gate policy gives a direction) significantly and materially
    /// worse.
    Regression,
    /// Throughput (or a metric with a direction) significantly and materially better.
    Improvement,
    /// A metric's rate or level went up significantly and materially (no good/bad direction;
    /// a metric with a direction in the gate policy gets `Regression`/`Improvement`).
    Increase,
    /// A metric's rate or level went down significantly and materially.
    Decrease,
    /// Any change is demonstrably smaller than the minimum effect.
    NoChange,
    /// Too few samples or too noisy to tell; the reason says what would help.
    Inconclusive,
    /// Zero on both sides (e.g. a diagnostic with diagnostics off, a deprecated slot).
    Unused,
}

impl Outcome {
    /// Short label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Regression => "REGRESSION",
            Outcome::Improvement => "improvement",
            Outcome::Increase => "increase",
            Outcome::Decrease => "decrease",
            Outcome::NoChange => "no change",
            Outcome::Inconclusive => "inconclusive",
            Outcome::Unused => "unused",
        }
    }

    /// The machine-readable name, as JSON writes it (`no_change`).
    pub fn key(self) -> &'static str {
        match self {
            Outcome::Regression => "regression",
            Outcome::Improvement => "improvement",
            Outcome::Increase => "increase",
            Outcome::Decrease => "decrease",
            Outcome::NoChange => "no_change",
            Outcome::Inconclusive => "inconclusive",
            Outcome::Unused => "unused",
        }
    }

    /// Whether the quantity changed materially (either way).
    pub fn is_change(self) -> bool {
        matches!(
            self,
            Outcome::Regression | Outcome::Improvement | Outcome::Increase | Outcome::Decrease
        )
    }

    /// Sort key: what a reader must see first.
    pub fn severity(self) -> u8 {
        match self {
            Outcome::Regression => 0,
            Outcome::Decrease | Outcome::Increase => 1,
            Outcome::Improvement => 2,
            Outcome::Inconclusive => 3,
            Outcome::NoChange => 4,
            Outcome::Unused => 5,
        }
    }
}

/// One compared quantity: the headline throughput or one metric.
#[derive(Debug, Clone, Serialize)]
pub struct QuantityResult {
    /// Dotted metric name, or `throughput`.
    pub name: String,
    /// Stable metric index (`None` for throughput).
    pub index: Option<usize>,
    /// `throughput` (updates/s), `rate` (per second) or `level` (gauge).
    pub quantity: Quantity,
    /// Deprecated slot (kept for comparability, never updated).
    pub deprecated: bool,
    /// Statistics of side A (baseline).
    pub a: Describe,
    /// Statistics of side B (candidate).
    pub b: Describe,
    /// median(B) / median(A).
    pub ratio: Option<f64>,
    /// Confidence interval of the ratio (bootstrap, runs-resampling or Fieller's: see
    /// `method`).
    pub ci: Option<(f64, f64)>,
    /// The unadjusted two-sided p-value the verdict used (which one: `method`; all of them:
    /// `p_values`).
    pub p_value: Option<f64>,
    /// Every p-value computed, by name: `interval_u`, `median_z`, `run_median_u`, `bootstrap`.
    pub p_values: Option<statbench_stats::PValues>,
    /// Which test and interval produced the figures (`independent`, `series_bootstrap`,
    /// `series_asymptotic`, `runs`).
    pub method: Option<statbench_stats::Method>,
    /// p-value after false-discovery control across metrics (equal to `p_value` for throughput).
    pub p_adjusted: Option<f64>,
    /// The verdict.
    pub outcome: Outcome,
    /// Why: the rule that decided, with its numbers (JSON: the sentence).
    #[serde(serialize_with = "as_text")]
    pub reason: QuantityReason,
    /// Samples per side that would make an inconclusive result decidable.
    pub needed_samples: Option<usize>,
    /// Runs per side that would make an inconclusive result decidable, when the run is the unit
    /// (several runs a side), from the spread of the run medians.
    pub needed_runs: Option<usize>,
    /// Samples of A, for charts.
    #[serde(skip)]
    pub samples_a: Vec<f64>,
    /// Samples of B, for charts.
    #[serde(skip)]
    pub samples_b: Vec<f64>,
    /// The gate policy's rule for this quantity and its verdict (`None` before
    /// classification).
    pub rule: Option<AppliedRule>,
    /// The statistics behind the verdict (kept for the decision after FDR adjustment).
    #[serde(skip)]
    pub analysis: Option<statbench_stats::Analysis>,
}

/// The gate policy's rule as applied to one quantity: what the comparison, report and JSON
/// show beside its verdict.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AppliedRule {
    /// Which way is better (`None`: no direction; reported as increase/decrease).
    pub direction: Option<crate::policy::Direction>,
    /// Smallest relative change that counts (fraction): the quantity's minimum effect.
    pub threshold: f64,
    /// Whether a regression fails the gate.
    pub gate: bool,
    /// What the rule concluded.
    pub verdict: RuleVerdict,
}

/// What a rule concluded for its quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleVerdict {
    /// Gated, and no regression.
    Pass,
    /// Gated, and regressed beyond its threshold: fails the gate.
    Fail,
    /// Gated, and the data could not decide.
    Inconclusive,
    /// Gated by a per-second figure while speed is not judged (machines differ).
    NotJudged,
    /// Not gated (no direction in the policy): shown only.
    NotGated,
}

impl RuleVerdict {
    /// The word tables show.
    pub fn label(self) -> &'static str {
        match self {
            RuleVerdict::Pass => "pass",
            RuleVerdict::Fail => "FAIL",
            RuleVerdict::Inconclusive => "inconclusive",
            RuleVerdict::NotJudged => "not judged",
            RuleVerdict::NotGated => "",
        }
    }
}

impl AppliedRule {
    /// The rule of `policy` applied to `outcome` (the classified verdict, with the rule's
    /// threshold as its minimum effect).
    pub(crate) fn judge(rule: crate::policy::MetricRule, outcome: Outcome) -> AppliedRule {
        use crate::policy::Direction;
        let verdict = if !rule.gate {
            RuleVerdict::NotGated
        } else {
            match (outcome, rule.direction) {
                (Outcome::Regression, _) => RuleVerdict::Fail,
                (Outcome::Increase | Outcome::Decrease, Some(Direction::Either)) => {
                    RuleVerdict::Fail
                }
                (Outcome::Inconclusive, _) => RuleVerdict::Inconclusive,
                _ => RuleVerdict::Pass,
            }
        };
        AppliedRule {
            direction: rule.direction,
            threshold: rule.threshold,
            gate: rule.gate,
            verdict,
        }
    }

    /// `↑ 3%`-style summary for tables (empty when not gated).
    pub fn summary(&self) -> String {
        match (self.gate, self.direction) {
            (true, Some(d)) => format!(
                "{} {}%",
                d.sign(),
                format!("{:.1}", self.threshold * 100.0).trim_end_matches(".0")
            ),
            _ => String::new(),
        }
    }
}

impl QuantityResult {
    /// Relative effect `ratio - 1` (0 when unknown), for sorting by effect size.
    pub fn effect(&self) -> f64 {
        self.ratio.map_or(0.0, |r| r - 1.0)
    }
}

/// Why a quantity got its outcome, with the numbers; rendered to one line by `Display` only
/// at the output edge (tables, CSV, JSON's `reason`).
#[derive(Debug, Clone, PartialEq)]
pub enum QuantityReason {
    /// Not classified yet (tested, before the verdict rule); never left in a comparison.
    Pending,
    /// The time-since-start slot: it differs by when the snapshot was taken, not by the code.
    Uptime,
    /// A deprecated slot, zero on both sides.
    NeverUpdated,
    /// Zero on both sides (e.g. a diagnostic with diagnostics off).
    ZeroOnBothSides,
    /// A side has no samples.
    NoSamples,
    /// A's median is 0: there is no ratio.
    ZeroBaseline,
    /// The verdict rule decided ([`statbench_stats::decide`]), independent or paired.
    Verdict {
        /// Which rule, with its numbers.
        reason: Reason,
        /// Runs per side that would decide an inconclusive result, when the run is the unit.
        needed_runs: Option<usize>,
    },
    /// The speed verdict was withheld: the sides' machine probes disagree (or one is missing).
    SpeedNotJudged(MachineMismatch),
    /// The machines differ (or cannot be compared), yet the slowdown lies beyond anything the
    /// difference explains: judged.
    BeyondMachine {
        /// Why speed would otherwise not be judged.
        mismatch: MachineMismatch,
        /// The slowest B/A ratio the machines' difference explains.
        explained: f64,
    },
    /// The speed verdict was withheld: a side had too many disturbed runs.
    MachineChangedState {
        /// The sides concerned.
        sides: Vec<UnstableSide>,
        /// The disturbed-run threshold (fraction).
        threshold: f64,
    },
}

impl QuantityReason {
    /// Whether the rendered sentence contains `pattern`: for callers that search the text;
    /// new code matches on the variants.
    pub fn contains(&self, pattern: &str) -> bool {
        self.to_string().contains(pattern)
    }
}

impl fmt::Display for QuantityReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuantityReason::Pending => Ok(()),
            QuantityReason::Uptime => f.write_str("time since start: not comparable"),
            QuantityReason::NeverUpdated => f.write_str("deprecated slot, never updated"),
            QuantityReason::ZeroOnBothSides => f.write_str("zero on both sides"),
            QuantityReason::NoSamples => f.write_str("no samples on one side"),
            QuantityReason::ZeroBaseline => f.write_str("median of A is 0: no ratio"),
            QuantityReason::Verdict {
                reason,
                needed_runs,
            } => match needed_runs {
                Some(n) => write!(
                    f,
                    "{}; need ~{n} runs per side",
                    reason.without_sample_need()
                ),
                None => write!(f, "{reason}"),
            },
            QuantityReason::SpeedNotJudged(m) => write!(f, "speed not judged: {m}"),
            QuantityReason::BeyondMachine {
                mismatch,
                explained,
            } => write!(
                f,
                "slower than any machine difference explains ({mismatch}; at most {}): judged",
                percent(explained - 1.0)
            ),
            QuantityReason::MachineChangedState { sides, threshold } => {
                machine_changed_state(f, sides, *threshold)
            }
        }
    }
}

/// Serialises a value as its `Display` sentence (JSON keeps `reason` a string).
pub(crate) fn as_text<T: fmt::Display, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(value)
}

/// A metric present on one side only.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OneSided {
    /// Stable index.
    pub index: usize,
    /// Dotted name, or `#<index>` when this registry does not know it (a newer engine's slot).
    pub name: String,
}
