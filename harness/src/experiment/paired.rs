//! Paired measurement: side A (base) and side B (candidate) measured alternately on this machine
//! in short runs, in blocks of four whose order (A B B A or B A A B) is drawn at random, so
//! every drift of the machine — a neighbour, the frequency, the hypervisor's placement — hits
//! both members of a pair alike and cancels in their ratio. The analysis
//! ([`crate::compare::compare_paired`]) works on those paired ratios.

use crate::compare::{
    compare_paired, compare_paired_slices, confirm, CompareSettings, Confirmed, Pair, Side,
};
use crate::error::{Error, Result};
use crate::progress::{say, Progress};
use crate::rng::SplitMix64;
use crate::slice::SliceStats;
use crate::store::RunSet;
use std::path::{Path, PathBuf};

/// Something that records one run of one side into a fresh folder: a statbench process of some
/// revision, or a run of one layout in this process.
pub type Measure<'m> = Box<dyn FnMut(&Path) -> Result<()> + 'm>;

/// A side of a paired experiment: a name and what measures it (a whole run, or a slice).
pub struct PairedSide<M> {
    /// How the side is called in output (`base 1a2b3c4d5e`, `layout sharded`...).
    pub label: String,
    /// Records one run into the folder it is given ([`Measure`]), or runs one slice
    /// ([`SliceMeasure`]).
    pub measure: M,
}

/// The design run pairing and slice pairing share: how many pairs, how many more on a
/// suspected regression, and the seed of the block orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairedDesign {
    /// Pairs in the first batch (rounded up to whole blocks of two pairs).
    pub pairs: usize,
    /// Pairs added when the first batch suggests a regression (0: fail at once).
    pub confirm_pairs: usize,
    /// Seed of the block orders (the order is part of the design, so it is reproducible).
    pub seed: u64,
}

/// Run pairing: whole runs of two statbench processes, alternated.
pub struct PairedPlan<'m> {
    /// The base (A).
    pub a: PairedSide<Measure<'m>>,
    /// The candidate (B).
    pub b: PairedSide<Measure<'m>>,
    /// How many pairs, in which orders.
    pub design: PairedDesign,
    /// Folder for every run (`a01`, `b01`, ...: pair k's A and B runs).
    pub out: PathBuf,
}

/// Order of the four runs of block `block` (two pairs): `true` means A first (A B B A).
pub fn a_first(seed: u64, block: usize) -> bool {
    SplitMix64::for_item(seed, block as u64).next_u64() & 1 == 0
}

/// The four measurements of block `block`: side and pair within the block (0 or 1), in
/// A B B A or B A A B order; one home for the design that run and slice pairing share.
fn block_order(seed: u64, block: usize) -> [(Side, usize); 4] {
    let (first, second) = if a_first(seed, block) {
        (Side::Base, Side::Candidate)
    } else {
        (Side::Candidate, Side::Base)
    };
    [(first, 0), (second, 0), (second, 1), (first, 1)]
}

/// Folder of pair `k`'s (0-based) run of side `side` (`a01`, `b01`...).
fn run_dir(out: &Path, side: Side, k: usize) -> PathBuf {
    out.join(format!("{}{:02}", side.folder_letter(), k + 1))
}

/// Records pairs `done..done + count` (whole blocks), in randomised A B B A order.
fn measure_pairs(
    plan: &mut PairedPlan,
    done: usize,
    count: usize,
    progress: &Progress,
) -> Result<()> {
    let first_block = done / 2;
    let blocks = count.div_ceil(2);
    for block in first_block..first_block + blocks {
        let order =
            block_order(plan.design.seed, block).map(|(side, offset)| (side, 2 * block + offset));
        let seq: String = order.iter().map(|(s, _)| s.letter()).collect();
        for (side, k) in order {
            let dir = run_dir(&plan.out, side, k);
            let measure = if side == Side::Base {
                &mut plan.a.measure
            } else {
                &mut plan.b.measure
            };
            measure(&dir)?;
        }
        progress.steps(
            2,
            &format!(
                "paired: block {}/{} ({seq})",
                block + 1,
                first_block + blocks
            ),
            &format!("block {seq}"),
        );
    }
    Ok(())
}

/// A run's throughput over its steady intervals: all their updates over all their time. A
/// loaded machine can delay a sample and leave a few microseconds-long intervals with no
/// update, which would drag a median of interval rates to zero; the total is immune.
pub(crate) fn steady_rate(run: &crate::store::Run) -> Option<f64> {
    let iv = &run.meta.as_ref()?.intervals;
    let steady = &iv[crate::store::run_set::steady_intervals(iv.len())];
    let ops: u64 = steady.iter().map(|i| i.ops).sum();
    let ns: u64 = steady.iter().map(|i| i.duration_ns).sum();
    let rate = ops as f64 / (ns as f64 / 1e9);
    (ns > 0 && rate.is_finite() && rate > 0.0).then_some(rate)
}

/// The pairs recorded so far, with both sides as run sets (for the behaviour comparison).
fn load_pairs(plan: &PairedPlan, pairs: usize) -> Result<(RunSet, RunSet, Vec<Pair>)> {
    let dirs =
        |side: Side| -> Vec<PathBuf> { (0..pairs).map(|k| run_dir(&plan.out, side, k)).collect() };
    let a = RunSet::load(plan.a.label.clone(), &dirs(Side::Base))?;
    let b = RunSet::load(plan.b.label.clone(), &dirs(Side::Candidate))?;
    let mut out = Vec::with_capacity(pairs);
    for (k, (ra, rb)) in a.runs.iter().zip(&b.runs).enumerate() {
        let level = |run: &crate::store::Run| -> Result<f64> {
            steady_rate(run).ok_or_else(|| {
                Error::input(format!(
                    "{}: no steady interval with throughput (is the run shorter than 3 sampling intervals?)",
                    run.name()
                ))
            })
        };
        out.push(Pair {
            block: k / 2,
            a: level(ra)?,
            b: level(rb)?,
        });
    }
    Ok((a, b, out))
}

/// Runs the experiment: `pairs` pairs, then, on a suspected regression, `confirm_pairs` more,
/// all analysed again.
pub fn run_paired(plan: &mut PairedPlan, settings: &CompareSettings) -> Result<Confirmed> {
    crate::files::create_fresh_dir(&plan.out)?;
    let first = 2 * plan.design.pairs.div_ceil(2);
    let progress = Progress::start("gate", first as u64, "pairs");
    measure_pairs(plan, 0, first, &progress)?;
    let (a, b, pairs) = load_pairs(plan, first)?;
    let verdict = compare_paired(&a, &b, &pairs, settings)?;
    let confirm_pairs = 2 * plan.design.confirm_pairs.div_ceil(2);
    let confirmed = confirm(verdict, confirm_pairs > 0, || {
        progress.add(confirm_pairs as u64);
        say(&format!(
            "paired: suspected regression; confirming with {confirm_pairs} more pairs"
        ));
        measure_pairs(plan, first, confirm_pairs, &progress)?;
        let (a, b, pairs) = load_pairs(plan, first + confirm_pairs)?;
        compare_paired(&a, &b, &pairs, settings)
    });
    progress.finish();
    confirmed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_orders_are_balanced_and_reproducible() {
        let orders: Vec<bool> = (0..400).map(|b| a_first(7, b)).collect();
        let a = orders.iter().filter(|&&x| x).count();
        assert!((150..=250).contains(&a), "{a} of 400 blocks start with A");
        assert_eq!(orders, (0..400).map(|b| a_first(7, b)).collect::<Vec<_>>());
        assert_ne!(orders, (0..400).map(|b| a_first(8, b)).collect::<Vec<_>>());
    }
}

/// Records one slice of one side and returns what it did: a layout of this build
/// ([`crate::slice::SliceRunner`]) or a revision loaded through the slice ABI.
pub type SliceMeasure<'m> = Box<dyn FnMut(u64) -> Result<SliceStats> + 'm>;

/// Slice-level pairing: A and B alternate slices of tens of milliseconds in randomised A B B A
/// blocks inside one process, a warm-up block first (not recorded).
pub struct SlicePlan<'m> {
    /// The base (A).
    pub a: PairedSide<SliceMeasure<'m>>,
    /// The candidate (B).
    pub b: PairedSide<SliceMeasure<'m>>,
    /// How many pairs of slices, in which orders.
    pub design: PairedDesign,
    /// Length of each slice in milliseconds.
    pub slice_ms: u64,
    /// Settings the sides differ in on purpose (e.g. the layout), said first in the output.
    pub differences: Vec<crate::recorder::settings::SettingDifference>,
}

/// What slice pairing recorded: the pairs, and the slices that lost updates (side, pair).
#[derive(Debug, Clone, Default)]
pub struct SlicesRecorded {
    /// Throughput pairs in measurement order.
    pub pairs: Vec<Pair>,
    /// Slices whose totals did not match the plan: (side, 1-based pair, metrics).
    pub lost: Vec<(Side, usize, u64)>,
}

/// Records `count` more pairs of slices (whole blocks), a warm-up block first when none is
/// recorded yet.
pub(crate) fn measure_slices(
    plan: &mut SlicePlan,
    rec: &mut SlicesRecorded,
    count: usize,
    progress: &Progress,
) -> Result<()> {
    let first_block = rec.pairs.len() / 2;
    let blocks = count.div_ceil(2);
    if rec.pairs.is_empty() {
        // Warm-up: the first slices of each side pay for cold caches and page faults.
        for _ in 0..2 {
            (plan.a.measure)(plan.slice_ms)?;
            (plan.b.measure)(plan.slice_ms)?;
        }
    }
    for block in first_block..first_block + blocks {
        let mut got = [(0.0, 0.0); 2];
        for (i, (side, _)) in block_order(plan.design.seed, block).into_iter().enumerate() {
            let measure = if side == Side::Base {
                &mut plan.a.measure
            } else {
                &mut plan.b.measure
            };
            let s = measure(plan.slice_ms)?;
            let pair = 2 * block + i / 2;
            if s.mismatched_metrics > 0 {
                rec.lost.push((side, pair + 1, s.mismatched_metrics));
            }
            let rate = s.rate();
            if side == Side::Base {
                got[i / 2].0 = rate;
            } else {
                got[i / 2].1 = rate;
            }
        }
        for (a, b) in got {
            rec.pairs.push(Pair { block, a, b });
        }
        let (a, b) = got[1];
        progress.steps(
            2,
            &format!("paired: block {}", block + 1),
            &format!("A {:.1}, B {:.1} M updates/s", a / 1e6, b / 1e6),
        );
    }
    Ok(())
}

/// Runs a slice-paired experiment: `pairs` pairs, then, on a suspected regression,
/// `confirm_pairs` more, all analysed again.
pub fn run_paired_slices(plan: &mut SlicePlan, settings: &CompareSettings) -> Result<Confirmed> {
    let mut rec = SlicesRecorded::default();
    let progress = Progress::start(
        "pairs",
        2 * plan.design.pairs.div_ceil(2) as u64,
        "slice pairs",
    );
    measure_slices(plan, &mut rec, plan.design.pairs, &progress)?;
    let (la, lb) = (plan.a.label.clone(), plan.b.label.clone());
    let plan_differences = plan.differences.clone();
    let first = compare_paired_slices(
        &la,
        &lb,
        &rec.pairs,
        &rec.lost,
        plan_differences.clone(),
        settings,
    )?;
    let confirm_pairs = plan.design.confirm_pairs;
    let confirmed = confirm(first, confirm_pairs > 0, || {
        progress.add(2 * confirm_pairs.div_ceil(2) as u64);
        say(&format!(
            "paired: suspected regression; confirming with {confirm_pairs} more slice pairs"
        ));
        measure_slices(plan, &mut rec, confirm_pairs, &progress)?;
        compare_paired_slices(
            &la,
            &lb,
            &rec.pairs,
            &rec.lost,
            plan_differences.clone(),
            settings,
        )
    });
    progress.finish();
    confirmed
}
