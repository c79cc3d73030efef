//! Why a comparison withholds its speed verdict: the sides' machines cannot be shown to have
//! run at one speed ([`MachineMismatch`], decided by `compare/machine.rs`), or a side's machine
//! changed state during its runs ([`UnstableSide`], found by sampling). Results and findings
//! both name these, so they live below both.

use super::quantity::percent;
use super::side::Side;
use serde::Serialize;
use std::fmt;

/// Why the sides' machines cannot be shown to have run at one speed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum MachineMismatch {
    /// The probes differ by more than the bound.
    MachinesDiffer {
        /// The loop furthest from agreement: `uncontended` or `contended`.
        probe_loop: &'static str,
        /// Its B/A ratio.
        ratio: f64,
        /// The bound it exceeds (fraction).
        bound: f64,
        /// Whether every run of both sides names one machine ([`one_machine`]): then it is that
        /// machine's speed that moved between the sides, not two machines that differ.
        same_host: bool,
    },
    /// A side has no machine probe (runs recorded before probes existed, or bare CSVs).
    NoProbe {
        /// The sides without one, labelled (`A (baseline default)`).
        sides: Vec<String>,
    },
    /// The sides' probes come from different probe versions (different loops).
    ProbeVersionsDiffer {
        /// Version on A.
        a: u32,
        /// Version on B.
        b: u32,
    },
}

impl fmt::Display for MachineMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MachineMismatch::MachinesDiffer {
                probe_loop,
                ratio,
                bound,
                same_host,
            } => {
                let probe = format!(
                    "(machine probe, {probe_loop} loop, B vs A; bound ±{:.0}%)",
                    bound * 100.0
                );
                let change = percent(ratio - 1.0);
                if *same_host {
                    write!(
                        f,
                        "this machine's speed moved by {change} between these runs {probe}"
                    )
                } else {
                    write!(f, "the machines differ by {change} {probe}")
                }
            }
            MachineMismatch::NoProbe { sides } => write!(
                f,
                "no machine probe in {} (a bare CSV, a run recorded before statbench measured one, or a recorder without it; re-record with one to judge speed)",
                sides.join(" and ")
            ),
            MachineMismatch::ProbeVersionsDiffer { a, b } => write!(
                f,
                "machine probes of different versions (A v{a}, B v{b}) cannot be compared"
            ),
        }
    }
}

/// A side on which too many runs were disturbed to tell which runs are the normal ones.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnstableSide {
    pub side: Side,
    /// Runs that would be left out.
    pub disturbed: usize,
    /// Runs on the side.
    pub runs: usize,
}

/// What to do when the sides' speeds cannot be compared: measure both builds in one session.
pub const PAIR_ADVICE: &str = "pair the builds instead (statbench gate, or gate --base REV)";

/// The sentence of a machine-mismatch finding: what was measured, and what to do.
pub(crate) fn describe(mismatch: &MachineMismatch, speed_judged: bool) -> String {
    match (speed_judged, mismatch) {
        (true, _) => format!("{mismatch}; speed judged anyway (--strict)"),
        (false, MachineMismatch::MachinesDiffer { .. }) => {
            format!("{mismatch}; speed not judged (behaviour still gates): {PAIR_ADVICE}")
        }
        (false, _) => format!("{mismatch}; speed not judged, behaviour still gates"),
    }
}

/// The sentence of a machine that changed state during a side's runs: a finding's and the
/// headline's reason alike.
pub(crate) fn machine_changed_state(
    f: &mut fmt::Formatter<'_>,
    sides: &[UnstableSide],
    threshold: f64,
) -> fmt::Result {
    let list: Vec<String> = sides
        .iter()
        .map(|s| format!("{}: {} of {} runs", s.side, s.disturbed, s.runs))
        .collect();
    write!(
        f,
        "throughput inconclusive: the machine changed state during the runs ({} more than {:.0}% from the side's median run): no speed verdict; record again",
        list.join(", "),
        threshold * 100.0
    )
}
