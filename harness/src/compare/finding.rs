//! What the gate found, as data: each finding carries its numbers, renders as one sentence,
//! and serialises with a `kind` tag (and that sentence as `message`) for scripts.
//!
//! The analysis decides; [`crate::export`] and [`crate::report`] only render. Tests assert on
//! these values, not on the wording.

use super::admit::LeftOutRun;
use super::outcome::QuantityReason;
use super::quantity::{percent as pct, Quantity};
use super::side::Side;
use super::speed_withheld::{describe, machine_changed_state, MachineMismatch, UnstableSide};
use serde::{Serialize, Serializer};
use std::fmt;

/// A run's throughput far from its side's median run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisturbedRun {
    pub side: Side,
    /// The run (folder or CSV).
    pub run: String,
    /// Its median interval throughput (updates/s).
    pub median: f64,
    /// The median of its side's run medians (updates/s).
    pub side_median: f64,
}

/// A metric whose final total differs between runs that must give the same totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TotalDifference {
    /// Stable index.
    pub index: usize,
    /// Dotted name.
    pub name: String,
    /// Final value in the reference run.
    pub reference: Option<i64>,
    /// Final value in the run that differs.
    pub value: Option<i64>,
}

/// A metric that changed materially, for the summary finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangedMetric {
    /// Dotted name.
    pub name: String,
    /// Relative change `ratio − 1`.
    pub effect: f64,
}

/// One thing the gate found. Whether it fails the gate or only warns is decided by the gate
/// policy and recorded by the list it is in ([`super::Gate`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finding {
    /// A run's counters did not match the seed's expectation.
    LostUpdates {
        side: Side,
        run: String,
        /// How many metrics differ.
        metrics: usize,
        /// The first few of them.
        names: Vec<String>,
    },
    /// A run that did not finish (killed, or still running).
    IncompleteRun { side: Side, run: String },
    /// Same scenario, settings and operation budget, different final totals.
    TotalsDiffer {
        /// The run that differs.
        run: String,
        /// The run it was checked against.
        reference: String,
        /// The first few metrics that differ.
        differences: Vec<TotalDifference>,
    },
    /// The sides ran on different kinds of machine.
    HostMismatch {
        /// Host of A.
        a: String,
        /// Host of B.
        b: String,
        /// Whether `--strict` made it a failure (and let speed gate).
        strict: bool,
    },
    /// The sides' machines cannot be shown to have run at one speed (machine probes differ,
    /// or a side has none): speed is not judged unless `--strict`; behaviour still gates.
    MachineMismatch {
        /// Why (a `reason` tag and its numbers).
        #[serde(flatten)]
        mismatch: MachineMismatch,
        /// Whether speed was judged anyway (`--strict`).
        speed_judged: bool,
    },
    /// Throughput got worse, significantly and materially.
    ThroughputRegression {
        /// What the headline is: `throughput` (updates/s), or a headline metric's rate
        /// (`net.bytes_recv/s`) for runs without statbench's run.json.
        headline: String,
        /// Relative change `ratio − 1`.
        effect: f64,
        /// Confidence interval of the ratio.
        ci: Option<(f64, f64)>,
        /// The verdict's explanation.
        #[serde(serialize_with = "super::outcome::as_text")]
        reason: QuantityReason,
        /// False when the hosts differ: shown, not gating.
        gating: bool,
    },
    /// Throughput could not be decided.
    ThroughputInconclusive {
        /// Why, and what would decide it.
        #[serde(serialize_with = "super::outcome::as_text")]
        reason: QuantityReason,
    },
    /// Too many runs of a side were disturbed: the machine changed state; no speed verdict.
    MachineChangedState {
        /// The sides concerned.
        sides: Vec<UnstableSide>,
        /// The disturbed-run threshold (fraction).
        threshold: f64,
    },
    /// Neither side has throughput figures.
    NoThroughput,
    /// Metrics whose rate or level changed materially.
    MetricsChanged {
        count: usize,
        /// The largest few.
        top: Vec<ChangedMetric>,
    },
    /// A metric the gate policy gives a direction moved the wrong way by more than its
    /// threshold, significantly.
    MetricRegression {
        /// Dotted name (`#N` for a slot the registry does not name).
        name: String,
        /// Stable index.
        index: usize,
        /// How it was compared (per work, rate, level...).
        quantity: Quantity,
        /// Which way is better (`either`: any change regresses).
        direction: crate::policy::Direction,
        /// The policy's threshold (fraction).
        threshold: f64,
        /// Relative change `ratio − 1`.
        effect: f64,
        /// Confidence interval of the ratio.
        ci: Option<(f64, f64)>,
        /// False when a per-second figure cannot gate because speed is not judged.
        gating: bool,
    },
    /// A run left out of the throughput test as disturbed.
    DisturbedRun(DisturbedRun),
    /// A run left out of its side on request (`--drop-odd-runs`).
    LeftOut(LeftOutRun),
    /// Metrics only side A has.
    OnlyInA { count: usize },
    /// Metrics only side B has.
    OnlyInB { count: usize },
    /// Pairs of a paired experiment whose B/A ratio lies far from the others: a disturbance
    /// hit one member of the pair. Kept in the analysis; reported with whether the verdict
    /// would change without them.
    OutlyingPairs {
        /// The pairs (1-based, in measurement order) and their ratios.
        pairs: Vec<OutlyingPair>,
        /// Whether the throughput verdict differs when they are left out.
        verdict_changes: bool,
    },
}

/// One outlying pair of a paired experiment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutlyingPair {
    /// Pair number, 1-based (run folders `aNN`/`bNN`).
    pub pair: usize,
    /// Its B/A throughput ratio.
    pub ratio: f64,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::LostUpdates {
                side,
                run,
                metrics,
                names,
            } => write!(
                f,
                "{side}: {run} lost or wrong updates in {metrics} metric(s): {}",
                names.join(", ")
            ),
            Finding::IncompleteRun { side, run } => write!(f, "{side}: {run} is an incomplete run"),
            Finding::TotalsDiffer {
                run,
                reference,
                differences,
            } => {
                let list: Vec<String> = differences
                    .iter()
                    .map(|d| format!("{} {:?}→{:?}", d.name, d.reference, d.value))
                    .collect();
                write!(
                    f,
                    "behaviour change: {run} has different final totals than {reference} for the same scenario and seed: {}",
                    list.join(", ")
                )
            }
            Finding::HostMismatch { a, b, strict } => {
                write!(f, "different host: A ran on {a}, B on {b}")?;
                if *strict {
                    write!(f, " (--strict)")
                } else {
                    write!(
                        f,
                        "; speed figures are shown but do not gate (use --strict, or `statbench ab`)"
                    )
                }
            }
            Finding::MachineMismatch {
                mismatch,
                speed_judged,
            } => f.write_str(&describe(mismatch, *speed_judged)),
            Finding::ThroughputRegression {
                headline,
                effect,
                ci,
                reason,
                gating,
            } => {
                let (lo, hi) = ci.map_or((f64::NAN, f64::NAN), |c| (c.0 - 1.0, c.1 - 1.0));
                // The rule's sentence opens with the verdict itself: say it once.
                let text = reason.to_string();
                let text = text.strip_prefix("regression: ").unwrap_or(&text);
                write!(
                    f,
                    "{headline} regression: {} (CI {} to {}): {text}",
                    pct(*effect),
                    pct(lo),
                    pct(hi)
                )?;
                if !gating {
                    write!(f, " [different host: not gating]")?;
                }
                Ok(())
            }
            Finding::ThroughputInconclusive { reason } => {
                // The rule's sentence may open with the verdict itself: say it once.
                let text = reason.to_string();
                let text = text.strip_prefix("inconclusive: ").unwrap_or(&text);
                write!(f, "throughput inconclusive: {text}")
            }
            Finding::MachineChangedState { sides, threshold } => {
                machine_changed_state(f, sides, *threshold)
            }
            Finding::NoThroughput => write!(
                f,
                "no throughput figures (runs without run.json, or --metrics-only): metrics only"
            ),
            Finding::MetricsChanged { count, top } => {
                let list: Vec<String> = top
                    .iter()
                    .map(|m| format!("{} {}", m.name, pct(m.effect)))
                    .collect();
                let which = if *count > list.len() {
                    format!("the largest {}", list.len())
                } else {
                    "all".to_string()
                };
                write!(
                    f,
                    "{count} metric(s) changed ({which} shown): {}",
                    list.join(", ")
                )
            }
            Finding::MetricRegression {
                name,
                index,
                quantity,
                direction,
                threshold,
                effect,
                ci,
                gating,
            } => {
                let (lo, hi) = ci.map_or((f64::NAN, f64::NAN), |c| (c.0 - 1.0, c.1 - 1.0));
                write!(
                    f,
                    "{name} [{index}] ({quantity}) regressed: {} (CI {} to {}); policy: {direction}, threshold {:.1}%",
                    pct(*effect),
                    pct(lo),
                    pct(hi),
                    threshold * 100.0
                )?;
                if !gating {
                    write!(f, " [a per-second figure, and speed is not judged: not gating]")?;
                }
                Ok(())
            }
            Finding::DisturbedRun(d) => write!(
                f,
                "{}: {} left out of the throughput test as disturbed ({:.1} M/s, {:+.0}% from the side's median run)",
                d.side,
                d.run,
                d.median / 1e6,
                (d.median / d.side_median - 1.0) * 100.0
            ),
            Finding::LeftOut(r) => {
                write!(f, "{}: {} left out (--drop-odd-runs): {}", r.side, r.run, r.why)
            }
            Finding::OnlyInA { count } => write!(f, "{count} metric(s) only in A (removed in B)"),
            Finding::OnlyInB { count } => write!(f, "{count} metric(s) only in B (added)"),
            Finding::OutlyingPairs {
                pairs,
                verdict_changes,
            } => {
                let list: Vec<String> = pairs
                    .iter()
                    .take(6)
                    .map(|p| format!("#{} ({})", p.pair, pct(p.ratio - 1.0)))
                    .collect();
                write!(
                    f,
                    "{} outlying pair(s), kept: {}{}; the verdict {} without them",
                    pairs.len(),
                    list.join(", "),
                    if pairs.len() > 6 { ", …" } else { "" },
                    if *verdict_changes { "would change" } else { "is the same" }
                )
            }
        }
    }
}

/// A finding with its sentence, as JSON shows it.
#[derive(Serialize)]
struct WithMessage<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    message: String,
}

/// Serialises findings as objects with `kind`, their numbers and the rendered `message`.
pub(crate) fn serialize_findings<S: Serializer>(list: &[Finding], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(list.iter().map(|finding| WithMessage {
        finding,
        message: finding.to_string(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_of_changed_metrics_says_how_many_it_names() {
        let top = |n: usize| -> Vec<ChangedMetric> {
            (0..n)
                .map(|i| ChangedMetric {
                    name: format!("m{i}"),
                    effect: 0.1,
                })
                .collect()
        };
        let six = Finding::MetricsChanged {
            count: 6,
            top: top(5),
        };
        assert!(
            six.to_string()
                .starts_with("6 metric(s) changed (the largest 5 shown): m0 "),
            "{six}"
        );
        let two = Finding::MetricsChanged {
            count: 2,
            top: top(2),
        };
        assert!(
            two.to_string()
                .starts_with("2 metric(s) changed (all shown): "),
            "{two}"
        );
    }

    #[test]
    fn findings_render_one_line_and_serialise_with_kind_and_message() {
        let f = Finding::ThroughputRegression {
            headline: "throughput".into(),
            effect: -0.1,
            ci: Some((0.85, 0.95)),
            reason: QuantityReason::NoSamples,
            gating: false,
        };
        let text = f.to_string();
        assert_eq!(
            text,
            "throughput regression: -10.0% (CI -15.0% to -5.0%): no samples on one side [different host: not gating]"
        );
        #[derive(Serialize)]
        struct Wrap {
            #[serde(serialize_with = "serialize_findings")]
            list: Vec<Finding>,
        }
        let v = serde_json::to_value(Wrap { list: vec![f] }).unwrap();
        assert_eq!(v["list"][0]["kind"], "throughput_regression");
        assert_eq!(v["list"][0]["effect"], -0.1);
        assert_eq!(v["list"][0]["message"], text);
    }

    #[test]
    fn every_finding_is_one_line() {
        let all = [
            Finding::NoThroughput,
            Finding::OnlyInA { count: 2 },
            Finding::IncompleteRun {
                side: Side::Candidate,
                run: "r1".into(),
            },
            Finding::MetricsChanged {
                count: 1,
                top: vec![ChangedMetric {
                    name: "net.bytes_recv".into(),
                    effect: 0.2,
                }],
            },
        ];
        for f in all {
            assert!(!f.to_string().contains('\n'), "{f}");
        }
    }
}
