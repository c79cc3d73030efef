//! `statbench calibrate --paired`: how the paired gate, `ab` and the stored-baseline gate fare
//! on *this* machine, side by side on one session's runs, with drift that statbench injects
//! itself.
//!
//! The session is a sequence of rounds of in-process slices (as `gate --base` measures when
//! both revisions have the slice library); each round runs, in random order and back to back,
//! a slice of the unchanged scenario, one of its twin (a second runner of the same scenario)
//! and one of each injected slowdown (`extra_work` knobs of about 1 %, 2 % and 5 %). A busy
//! thread competes with the workers for a random half of the time, switched on and off at
//! random moments every 0.2–2 s (the injected drift: a neighbour that comes and goes).
//! Replays then draw rounds at random:
//! - **paired**: the gate's own design replayed: placements of consecutive rounds (a stretch
//!   of the session each, as a fresh process measures one), judged after each from the first
//!   look on ([`judge_look`]) as `gate --base` does (without the placements' own spread, which
//!   one process cannot show: `calibrate --real-code` measures that);
//! - **one process**: the paired gate before placements (issue 24): the pairs of rounds drawn
//!   from across the session, judged as one paired sample at the rule's α (+ as many again to
//!   confirm a regression), the detection a gate of one process had under this drift;
//! - **ab**: the same slices, judged as two independent samples (`ab`'s analysis);
//! - **gate**: side A from rounds of the session's first half, side B from its second half (a
//!   stored baseline is older than the run it judges), two independent samples.
//!
//! A/A replays (unchanged vs its twin) give the false alarms; the slowdowns the detection, with
//! the slowdown each knob really produced (the median within-round ratio) beside it.

use super::calibrate::pick;
use crate::error::{Error, Result};
use crate::scenario::{Overrides, Scenario};
use crate::slice::SliceRunner;
use serde::Serialize;
use statbench_stats::paired::placements::judge_look;
use statbench_stats::{
    analyze_paired, analyze_runs, decide, median, nominal_alpha, Direction, Look, Sample, Settings,
    SplitMix64, Verdict,
};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Injected slowdowns, as `extra_work` knobs: one unit adds a cancelling pair of updates per
/// 1000, which measured ≈0.1 % each in slices here (knobs 5, 10, 26 gave 0.4 %, 1.1 %, 2.6 %:
/// a pair on a line the thread already owns is cheap); the slowdown each really produced is
/// measured and reported beside its rates.
pub const KNOBS: [(u32, &str); 3] = [(10, "≈1%"), (20, "≈2%"), (50, "≈5%")];

/// Uniform slowdowns: the twin's slices with their rate cut by exactly this share, in every
/// round whatever the neighbour did. A knob's real cost depends on the machine's state
/// (contended updates hide a cancelling pair), so only these say how the gate finds a change
/// of a known size under the drift.
pub const UNIFORM: [f64; 3] = [0.01, 0.02, 0.05];

/// What to measure.
#[derive(Debug, Clone)]
pub struct PairedCalibratePlan {
    pub scenario: Scenario,
    /// Rounds recorded (5 slices each).
    pub rounds: usize,
    /// Slice length in milliseconds.
    pub slice_ms: u64,
    /// Slices a side of the replayed `ab` and stored-baseline comparisons' first batch.
    pub pairs: usize,
    /// The paired gate's design replayed: pairs per placement (the gate's `--slices`), most
    /// placements and the first look; each placement is a stretch of consecutive rounds.
    pub placements: crate::experiment::placements::PlacementDesign,
    /// Pairs per replayed placement (the gate's `--slices`).
    pub placement_pairs: usize,
    /// Pairs added on a suspected regression (the gate's `--confirm-pairs`).
    pub confirm: usize,
    /// Replayed comparisons per kind.
    pub comparisons: usize,
    /// Switch a competing busy thread on and off at random, on half of the time.
    pub drift: bool,
    /// Where the recorded rounds are kept (`rounds.csv`), or read from with `reuse`.
    pub rounds_file: Option<PathBuf>,
    /// Re-analyse the rounds in `rounds_file` instead of recording.
    pub reuse: bool,
}

/// Header of `rounds.csv`: one recorded round a line, updates/s of each slice.
const ROUNDS_HEADER: &str = "round,loaded,base,twin,slow1,slow2,slow5";

fn write_rounds(path: &Path, rounds: &[Round]) -> Result<()> {
    let mut text = String::from(ROUNDS_HEADER);
    text.push('\n');
    for (i, r) in rounds.iter().enumerate() {
        text.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            i + 1,
            u8::from(r.loaded),
            r.base,
            r.twin,
            r.slow[0],
            r.slow[1],
            r.slow[2]
        ));
    }
    crate::files::atomic_write(path, text.as_bytes())
}

fn read_rounds(path: &Path) -> Result<Vec<Round>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut lines = text.lines();
    if lines.next() != Some(ROUNDS_HEADER) {
        return Err(Error::input(format!(
            "{}: line 1: not a rounds file of calibrate --paired (expected `{ROUNDS_HEADER}`)",
            path.display()
        )));
    }
    let mut rounds = Vec::new();
    for (n, line) in lines.enumerate() {
        let bad = |why: &str| Error::input(format!("{}: line {}: {why}", path.display(), n + 2));
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != 7 {
            return Err(bad("expected 7 fields"));
        }
        let v: Vec<f64> = f[2..]
            .iter()
            .map(|x| x.parse::<f64>().ok().filter(|v| v.is_finite() && *v > 0.0))
            .collect::<Option<_>>()
            .ok_or_else(|| bad("a rate is not a positive number"))?;
        rounds.push(Round {
            loaded: f[1] == "1",
            base: v[0],
            twin: v[1],
            slow: [v[2], v[3], v[4]],
        });
    }
    Ok(rounds)
}

/// Verdict counts of one kind of replayed comparison.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Counts {
    /// Comparisons replayed.
    pub comparisons: usize,
    /// Verdict "regression" (false alarm for A/A, detection otherwise).
    pub regressions: usize,
    /// Verdict "inconclusive".
    pub inconclusive: usize,
    /// Placements the replayed paired gates measured before their verdict, all together (0 for
    /// the other procedures).
    pub placements_used: usize,
}

impl Counts {
    /// `regressions / comparisons`.
    pub fn rate(&self) -> f64 {
        self.regressions as f64 / self.comparisons.max(1) as f64
    }

    /// Placements a replayed paired gate measured on average before its verdict.
    pub fn mean_placements(&self) -> f64 {
        self.placements_used as f64 / self.comparisons.max(1) as f64
    }
}

/// One procedure's results: A/A, then one entry per knob of [`KNOBS`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProcedureRates {
    /// A/A replays.
    pub aa: Counts,
    /// Slowdown replays, in [`KNOBS`] order.
    pub detect: [Counts; 3],
    /// Uniform slowdown replays, in [`UNIFORM`] order.
    pub uniform: [Counts; 3],
    /// Median half-width of the A/A throughput CIs (relative).
    pub ci_half_width: f64,
}

/// What the paired calibration found.
#[derive(Debug, Clone, Serialize)]
pub struct PairedCalibration {
    /// Rounds recorded.
    pub rounds: usize,
    /// Rounds whose unchanged slice ran while the busy thread ran.
    pub loaded_rounds: usize,
    /// Median unchanged slice under load ÷ without − 1: the size of the injected drift.
    pub drift_effect: f64,
    /// The knobs and the slowdowns they produced (median within-round ratio − 1).
    pub measured_slowdowns: [(u32, f64); 3],
    /// `gate --base`: paired ratios.
    pub paired: ProcedureRates,
    /// The paired gate of one process (before placements): one paired sample of slice pairs.
    pub one_process: ProcedureRates,
    /// `ab`: interleaved runs, independent samples.
    pub ab: ProcedureRates,
    /// Stored baseline: earlier vs later runs, independent samples.
    pub gate: ProcedureRates,
}

/// One round: the unchanged slice, its twin, and the three slowdowns (updates/s each).
#[derive(Debug, Clone)]
struct Round {
    base: f64,
    twin: f64,
    slow: [f64; 3],
    loaded: bool,
}

impl Round {
    /// Kind 0: the twin; 1–3: the knobs; 4–6: the twin slowed uniformly ([`UNIFORM`]).
    fn other(&self, kind: usize) -> f64 {
        match kind {
            0 => self.twin,
            1..=3 => self.slow[kind - 1],
            _ => self.twin * (1.0 - UNIFORM[kind - 4]),
        }
    }
}

/// A thread that spins while `on` (the injected drift) and parks otherwise.
struct BusyNeighbour {
    on: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl BusyNeighbour {
    fn start() -> BusyNeighbour {
        let on = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let (o, s) = (on.clone(), stop.clone());
        let handle = std::thread::Builder::new()
            .name("calibrate-drift".into())
            .spawn(move || {
                let mut x = 0u64;
                while !s.load(Ordering::Relaxed) {
                    if o.load(Ordering::Relaxed) {
                        for _ in 0..10_000 {
                            x = std::hint::black_box(
                                x.wrapping_mul(6364136223846793005).wrapping_add(1),
                            );
                        }
                    } else {
                        std::thread::park_timeout(std::time::Duration::from_millis(5));
                    }
                }
            })
            .ok();
        BusyNeighbour { on, stop, handle }
    }

    fn set(&self, on: bool) {
        self.on.store(on, Ordering::Relaxed);
        if let Some(h) = &self.handle {
            h.thread().unpark();
        }
    }
}

impl Drop for BusyNeighbour {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            h.thread().unpark();
            let _ = h.join();
        }
    }
}

fn record_rounds(plan: &PairedCalibratePlan, rng: &mut SplitMix64) -> Result<Vec<Round>> {
    let runner = |extra_work: u32| -> Result<SliceRunner> {
        SliceRunner::new(&plan.scenario.with(&Overrides {
            extra_work: Some(u64::from(extra_work)),
            ..Overrides::default()
        })?)
    };
    // 0 unchanged, 1 its twin, 2..4 the slowdowns: five runners, each with its own pool.
    let runners = [
        runner(0)?,
        runner(0)?,
        runner(KNOBS[0].0)?,
        runner(KNOBS[1].0)?,
        runner(KNOBS[2].0)?,
    ];
    for r in &runners {
        r.run(plan.slice_ms); // warm-up
    }
    let neighbour = plan.drift.then(BusyNeighbour::start);
    let progress = crate::progress::Progress::start("calibrate", plan.rounds as u64, "rounds");
    let mut next_switch = std::time::Instant::now();
    let mut loaded = false;
    let mut rounds = Vec::with_capacity(plan.rounds);
    for r in 0..plan.rounds {
        if let Some(n) = &neighbour {
            let now = std::time::Instant::now();
            if now >= next_switch {
                loaded = rng.chance(0.5);
                n.set(loaded);
                let hold_ms = 200 + rng.below(1800) as u64;
                next_switch = now + std::time::Duration::from_millis(hold_ms);
            }
        }
        progress.step(&format!("calibrate: round {}", r + 1), "5 slices");
        let mut order = [0usize, 1, 2, 3, 4];
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        let mut got = [0.0f64; 5];
        for v in order {
            let s = runners[v].run(plan.slice_ms);
            if s.mismatched_metrics > 0 {
                return Err(Error::Failed(format!(
                    "calibrate: a slice lost updates in {} metric(s)",
                    s.mismatched_metrics
                )));
            }
            got[v] = s.rate();
        }
        if got.iter().any(|&x| !(x.is_finite() && x > 0.0)) {
            return Err(Error::input(format!(
                "calibrate: a slice of round {} did no work; use longer slices (--slice-ms)",
                r + 1
            )));
        }
        rounds.push(Round {
            base: got[0],
            twin: got[1],
            slow: [got[2], got[3], got[4]],
            loaded,
        });
    }
    if let Some(n) = &neighbour {
        n.set(false);
    }
    progress.finish();
    Ok(rounds)
}

/// The paired gate replayed: placements of `placement_pairs` consecutive rounds (a stretch of
/// the session, as a fresh process measures one), each at a random start, judged after each
/// from the first look on as `gate` does; the verdict, the interval's half-width and the
/// placements used.
fn placements_verdict(
    rounds: &[Round],
    kind: usize,
    plan: &PairedCalibratePlan,
    level: f64,
    s: &Settings,
    rng: &mut SplitMix64,
) -> Option<(Verdict, f64, usize)> {
    let design = &plan.placements;
    let len = plan.placement_pairs.min(rounds.len());
    let looks = design.looks();
    let mut placements: Vec<Vec<(f64, f64)>> = Vec::with_capacity(design.max_placements);
    for _ in 0..design.max_placements {
        let start = rng.below(rounds.len() - len + 1);
        placements.push(
            rounds[start..start + len]
                .iter()
                .map(|r| (r.base, r.other(kind)))
                .collect(),
        );
        let Some(number) = looks.iter().position(|&n| n == placements.len()) else {
            continue;
        };
        let look = Look {
            number: number + 1,
            of: looks.len(),
            nominal_alpha: level,
        };
        let judged = judge_look(&placements, look, Direction::HigherIsBetter, s).ok()?;
        if judged.stops() {
            let (lo, hi) = judged.estimate.ci;
            return Some((judged.verdict, (hi - lo) / 2.0, placements.len()));
        }
    }
    None
}

/// One paired sample of the pairs (base, other) of `rounds[picked]` (each round its own block),
/// as the gate judged one process before placements: verdict and CI half-width.
fn one_process_verdict(
    rounds: &[Round],
    picked: &[usize],
    kind: usize,
    s: &Settings,
) -> Option<(Verdict, f64)> {
    let blocks: Vec<[(f64, f64); 1]> = picked
        .iter()
        .map(|&i| [(rounds[i].base, rounds[i].other(kind))])
        .collect();
    let an = analyze_paired(&blocks, Direction::HigherIsBetter, s).ok()?;
    Some((an.verdict, (an.estimate.ci.hi - an.estimate.ci.lo) / 2.0))
}

/// Independent-samples verdict of A slices vs B slices, each slice a unit (the runs-as-unit
/// analysis of `ab` and the gate).
fn unpaired_verdict(a: &[f64], b: &[f64], s: &Settings) -> Option<(Verdict, f64)> {
    let ga: Vec<&[f64]> = a.chunks(1).collect();
    let gb: Vec<&[f64]> = b.chunks(1).collect();
    let an = analyze_runs(&Sample::runs(&ga).ok()?, &Sample::runs(&gb).ok()?, s)?;
    let verdict = decide(&an.case(an.p_two_sided, s), Direction::HigherIsBetter, s).0;
    Some((verdict, (an.ci.hi - an.ci.lo) / 2.0))
}

#[derive(Clone, Copy, PartialEq)]
enum Procedure {
    Paired,
    OneProcess,
    Ab,
    Gate,
}

/// Replays `plan.comparisons` comparisons of one procedure and kind ([`Round::other`]),
/// with the confirmation round before a regression counts.
fn replay(
    rounds: &[Round],
    procedure: Procedure,
    kind: usize,
    plan: &PairedCalibratePlan,
    s: &Settings,
    seed: u64,
    widths: &mut Vec<f64>,
) -> Counts {
    use rayon::prelude::*;
    let (first, all) = (plan.pairs, plan.pairs + plan.confirm);
    let n = rounds.len();
    let (early, late): (Vec<usize>, Vec<usize>) = ((0..n / 2).collect(), (n / 2..n).collect());
    let everything: Vec<usize> = (0..n).collect();
    let judge = |k: usize, picked_a: &[usize], picked_b: &[usize]| -> Option<(Verdict, f64)> {
        if procedure == Procedure::OneProcess {
            return one_process_verdict(rounds, &picked_a[..k], kind, s);
        }
        let a: Vec<f64> = picked_a[..k].iter().map(|&i| rounds[i].base).collect();
        let b: Vec<f64> = picked_b[..k]
            .iter()
            .map(|&i| rounds[i].other(kind))
            .collect();
        unpaired_verdict(&a, &b, s)
    };
    let level = nominal_alpha(
        s.alpha,
        &plan.placements.looks(),
        statbench_stats::sequential::SEQUENTIAL_DRAWS,
        plan.placements.seed,
    );
    // Each replay draws with its own generator, so they run in parallel and the result does
    // not depend on the number of threads.
    let verdicts: Vec<(Verdict, f64, usize)> = (0..plan.comparisons as u64)
        .into_par_iter()
        .filter_map(|i| {
            let mut rng = SplitMix64::for_item(seed, i);
            if procedure == Procedure::Paired {
                return placements_verdict(rounds, kind, plan, level?, s, &mut rng);
            }
            let (pa, pb) = match procedure {
                Procedure::Paired | Procedure::OneProcess | Procedure::Ab => {
                    let p = pick(&everything, all.min(n), &mut rng);
                    (p.clone(), p)
                }
                Procedure::Gate => (
                    pick(&early, all.min(early.len()), &mut rng),
                    pick(&late, all.min(late.len()), &mut rng),
                ),
            };
            let k1 = first.min(pa.len()).min(pb.len());
            let (mut verdict, width) = judge(k1, &pa, &pb)?;
            let k2 = all.min(pa.len()).min(pb.len());
            if verdict == Verdict::Regression && k2 > k1 {
                if let Some((v, _)) = judge(k2, &pa, &pb) {
                    verdict = v;
                }
            }
            Some((verdict, width, 0))
        })
        .collect();
    let mut counts = Counts::default();
    for (verdict, width, placements) in verdicts {
        counts.comparisons += 1;
        counts.placements_used += placements;
        match verdict {
            Verdict::Regression => counts.regressions += 1,
            Verdict::Inconclusive => counts.inconclusive += 1,
            _ => {}
        }
        if kind == 0 {
            widths.push(width);
        }
    }
    counts
}

fn rates(
    rounds: &[Round],
    procedure: Procedure,
    plan: &PairedCalibratePlan,
    s: &Settings,
) -> ProcedureRates {
    let mut widths = Vec::new();
    let mut out = ProcedureRates {
        aa: replay(rounds, procedure, 0, plan, s, 0xA0A0, &mut widths),
        ..ProcedureRates::default()
    };
    for k in 0..KNOBS.len() {
        out.detect[k] = replay(
            rounds,
            procedure,
            k + 1,
            plan,
            s,
            0xD0 + k as u64,
            &mut Vec::new(),
        );
    }
    for k in 0..UNIFORM.len() {
        out.uniform[k] = replay(
            rounds,
            procedure,
            k + 4,
            plan,
            s,
            0xE0 + k as u64,
            &mut Vec::new(),
        );
    }
    out.ci_half_width = median(&widths).unwrap_or(f64::NAN);
    out
}

/// Runs the paired calibration: records the rounds, then replays the three procedures, the
/// paired one with `paired` settings, `ab` and the stored-baseline gate with `unpaired` (each
/// command's own defaults: the paired gate resolves a smaller minimum effect).
pub fn calibrate_paired(
    plan: &PairedCalibratePlan,
    paired: &Settings,
    unpaired: &Settings,
) -> Result<PairedCalibration> {
    let needed = (2 * (plan.pairs + plan.confirm)).max(plan.placement_pairs);
    if plan.rounds < needed && !plan.reuse {
        return Err(Error::input(format!(
            "calibrate --paired: --rounds {} is too few: the stored-baseline replays draw --pairs {} + --confirm-pairs {} rounds from each half of the session ({needed} rounds)",
            plan.rounds, plan.pairs, plan.confirm
        )));
    }
    let rounds = match (&plan.rounds_file, plan.reuse) {
        (Some(file), true) => read_rounds(file)?,
        (file, _) => {
            let mut rng = SplitMix64::new(0xCA11_B8A7);
            let rounds = record_rounds(plan, &mut rng)?;
            if let Some(file) = file {
                write_rounds(file, &rounds)?;
            }
            rounds
        }
    };
    if rounds.len() < needed {
        return Err(Error::input(format!(
            "calibrate --paired: {} rounds recorded, {needed} needed for --pairs {} + --confirm-pairs {}",
            rounds.len(),
            plan.pairs,
            plan.confirm
        )));
    }
    let levels = |loaded: bool| -> Vec<f64> {
        rounds
            .iter()
            .filter(|r| r.loaded == loaded)
            .map(|r| r.base)
            .collect()
    };
    let drift_effect = match (median(&levels(true)), median(&levels(false))) {
        (Some(on), Some(off)) => on / off - 1.0,
        _ => f64::NAN,
    };
    let mut measured = [(0u32, 0.0f64); 3];
    for (k, (knob, _)) in KNOBS.iter().enumerate() {
        let ratios: Vec<f64> = rounds.iter().map(|r| r.slow[k] / r.base).collect();
        measured[k] = (*knob, median(&ratios).unwrap_or(f64::NAN) - 1.0);
    }
    Ok(PairedCalibration {
        rounds: rounds.len(),
        loaded_rounds: rounds.iter().filter(|r| r.loaded).count(),
        drift_effect,
        measured_slowdowns: measured,
        paired: rates(&rounds, Procedure::Paired, plan, paired),
        one_process: rates(&rounds, Procedure::OneProcess, plan, paired),
        ab: rates(&rounds, Procedure::Ab, plan, unpaired),
        gate: rates(&rounds, Procedure::Gate, plan, unpaired),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::placements::PlacementDesign;

    /// Rounds of a calm machine: every slice within ±0.3 % of 100 M updates/s, the twin and
    /// the knobs like the base.
    fn calm_rounds(n: usize) -> Vec<Round> {
        let mut rng = SplitMix64::new(3);
        let mut slice = || 1e8 * (0.003 * rng.next_normal()).exp();
        (0..n)
            .map(|_| Round {
                base: slice(),
                twin: slice(),
                slow: [slice(), slice(), slice()],
                loaded: false,
            })
            .collect()
    }

    #[test]
    fn uniform_slowdowns_are_the_twin_cut_by_their_share_and_the_replays_find_them() {
        let rounds = calm_rounds(400);
        assert_eq!(rounds[7].other(4), rounds[7].twin * 0.99);
        assert_eq!(rounds[7].other(6), rounds[7].twin * 0.95);
        let plan = PairedCalibratePlan {
            scenario: Scenario::find("quick", &Overrides::default()).unwrap(),
            rounds: rounds.len(),
            slice_ms: 50,
            pairs: 100,
            placements: PlacementDesign {
                first_look: 5,
                max_placements: 40,
                seed: 1,
            },
            placement_pairs: 8,
            confirm: 0,
            comparisons: 40,
            drift: false,
            rounds_file: None,
            reuse: false,
        };
        let s = Settings {
            min_effect: 0.005,
            ..Settings::default()
        };
        for procedure in [Procedure::Paired, Procedure::OneProcess] {
            let rates = rates(&rounds, procedure, &plan, &s);
            assert_eq!(rates.aa.regressions, 0, "{rates:?}");
            assert_eq!(rates.uniform[2].regressions, 40, "{rates:?}");
            assert_eq!(rates.uniform[1].regressions, 40, "{rates:?}");
        }
    }
}
