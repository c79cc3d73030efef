//! Paired measurement: side A (base) and side B (candidate) measured alternately on this machine
//! in short runs, in blocks of four whose order (A B B A or B A A B) is drawn at random, so
//! every drift of the machine — a neighbour, the frequency, the hypervisor's placement — hits
//! both members of a pair alike and cancels in their ratio. The analysis
//! ([`crate::compare::compare_paired`]) works on those paired ratios.

use crate::compare::{compare_paired, confirm, CompareSettings, Confirmed, Pair};
use crate::error::{Error, Result};
use crate::rng::SplitMix64;
use crate::store::RunSet;
use std::path::{Path, PathBuf};

/// Something that records one run of one side into a fresh folder: a statbench process of some
/// revision, or a run of one layout in this process.
pub type Measure<'m> = Box<dyn FnMut(&Path) -> Result<()> + 'm>;

/// A side of a paired experiment.
pub struct PairedSide<'m> {
    /// How the side is called in output (`base 1a2b3c4d5e`, `layout sharded`...).
    pub label: String,
    /// Records one run into the folder it is given.
    pub measure: Measure<'m>,
}

/// What to alternate and how often.
pub struct PairedPlan<'m> {
    /// The base (A).
    pub a: PairedSide<'m>,
    /// The candidate (B).
    pub b: PairedSide<'m>,
    /// Pairs in the first batch (rounded up to whole blocks of two pairs).
    pub pairs: usize,
    /// Pairs added when the first batch suggests a regression (0: fail at once).
    pub confirm_pairs: usize,
    /// Folder for every run (`a01`, `b01`, ...: pair k's A and B runs).
    pub out: PathBuf,
    /// Seed of the block orders (the order is part of the design, so it is reproducible).
    pub seed: u64,
    /// Print one line per block on stderr.
    pub verbose: bool,
}

/// Order of the four runs of block `block` (two pairs): `true` means A first (A B B A).
pub fn a_first(seed: u64, block: usize) -> bool {
    SplitMix64::for_item(seed, block as u64).next_u64() & 1 == 0
}

/// Folder of pair `k`'s (0-based) run of side `side` (`'a'` or `'b'`).
fn run_dir(out: &Path, side: char, k: usize) -> PathBuf {
    out.join(format!("{side}{:02}", k + 1))
}

/// Records pairs `done..done + count` (whole blocks), in randomised A B B A order.
fn measure_pairs(plan: &mut PairedPlan, done: usize, count: usize) -> Result<()> {
    let first_block = done / 2;
    let blocks = count.div_ceil(2);
    for block in first_block..first_block + blocks {
        let order: [(char, usize); 4] = if a_first(plan.seed, block) {
            [
                ('a', 2 * block),
                ('b', 2 * block),
                ('b', 2 * block + 1),
                ('a', 2 * block + 1),
            ]
        } else {
            [
                ('b', 2 * block),
                ('a', 2 * block),
                ('a', 2 * block + 1),
                ('b', 2 * block + 1),
            ]
        };
        if plan.verbose {
            let seq: String = order.iter().map(|(s, _)| s.to_ascii_uppercase()).collect();
            eprintln!(
                "paired: block {}/{} ({seq})",
                block + 1,
                first_block + blocks
            );
        }
        for (side, k) in order {
            let dir = run_dir(&plan.out, side, k);
            let measure = if side == 'a' {
                &mut plan.a.measure
            } else {
                &mut plan.b.measure
            };
            measure(&dir)?;
        }
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
        |side: char| -> Vec<PathBuf> { (0..pairs).map(|k| run_dir(&plan.out, side, k)).collect() };
    let a = RunSet::load(plan.a.label.clone(), &dirs('a'))?;
    let b = RunSet::load(plan.b.label.clone(), &dirs('b'))?;
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
    let first = 2 * plan.pairs.div_ceil(2);
    measure_pairs(plan, 0, first)?;
    let (a, b, pairs) = load_pairs(plan, first)?;
    let verdict = compare_paired(&a, &b, &pairs, settings)?;
    let confirm_pairs = 2 * plan.confirm_pairs.div_ceil(2);
    let verbose = plan.verbose;
    confirm(verdict, confirm_pairs > 0, || {
        if verbose {
            eprintln!("paired: suspected regression; confirming with {confirm_pairs} more pair(s)");
        }
        measure_pairs(plan, first, confirm_pairs)?;
        let (a, b, pairs) = load_pairs(plan, first + confirm_pairs)?;
        compare_paired(&a, &b, &pairs, settings)
    })
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
