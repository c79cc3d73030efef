//! Calibration: how trustworthy is the gate on *this* machine?
//!
//! It records runs of the scenario unchanged and with two injected slowdowns (`extra_work`,
//! tuned to about 5% and 10%), interleaved, then replays the gate's comparison (groups of
//! `group` runs per side) many times on disjoint subsets: A/A pairs give the false-alarm rate,
//! baseline-vs-slowed pairs the detection rate. "ab" pairs draw both sides from the whole
//! interleaved sequence; "baseline" pairs take side A from the first half of the session and
//! side B from the second, as a stored baseline would be older than the run it judges.

use crate::compare::stats::SplitMix64;
use crate::compare::{compare, CompareSettings, Outcome};
use crate::error::Result;
use crate::runner::{run, RunRequest};
use crate::scenario::Scenario;
use crate::store::{Run, RunSet};
use serde::Serialize;
use std::path::PathBuf;

/// What to measure.
#[derive(Debug, Clone)]
pub struct CalibratePlan {
    /// Scenario to calibrate (its duration sets the cost: 3 × runs of it).
    pub scenario: Scenario,
    /// Runs recorded per variant (unchanged, −5%, −10%).
    pub runs: usize,
    /// Runs per side in each replayed comparison (the gate's `--repeat`).
    pub group: usize,
    /// Replayed comparisons per kind.
    pub comparisons: usize,
    /// Folder for the runs.
    pub out: PathBuf,
    /// Print progress to stderr.
    pub verbose: bool,
    /// Re-analyse the runs an earlier calibration recorded in `out` instead of recording.
    pub reuse: bool,
}

/// Rates of one kind of replayed comparison.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Rates {
    /// Comparisons replayed.
    pub comparisons: usize,
    /// Verdict "regression" (false alarm for A/A, detection otherwise).
    pub regressions: usize,
    /// Verdict "inconclusive".
    pub inconclusive: usize,
    /// `regressions / comparisons`.
    pub regression_rate: f64,
    /// How many different comparisons the run pools allow (capped at 10^9): when it is small,
    /// the replayed comparisons repeat each other and the rates mean little.
    pub distinct: u64,
}

/// `n choose k`, saturating at 10^9.
fn choose(n: usize, k: usize) -> u64 {
    if k > n {
        return 0;
    }
    let mut c: u128 = 1;
    for i in 0..k.min(n - k) {
        c = c * (n - i) as u128 / (i + 1) as u128;
        if c > 1_000_000_000 {
            return 1_000_000_000;
        }
    }
    c as u64
}

/// What calibration found.
#[derive(Debug, Clone, Serialize)]
pub struct CalibrationReport {
    /// `extra_work` found for ≈5% and ≈10% slowdowns.
    pub knobs: (u32, u32),
    /// Measured slowdowns of those knobs (median ops/s ratio − 1).
    pub measured_slowdowns: (f64, f64),
    /// Median ops/s of the unchanged runs, and their run-to-run coefficient of variation.
    pub median_ops_per_sec: f64,
    /// Run-to-run spread of the unchanged runs (CV of ops/s).
    pub run_cv: f64,
    /// A/A, interleaved.
    pub aa_ab: Rates,
    /// A/A, earlier vs later runs (stored-baseline situation).
    pub aa_baseline: Rates,
    /// ≈5% slowdown, interleaved.
    pub detect5_ab: Rates,
    /// ≈10% slowdown, interleaved.
    pub detect10_ab: Rates,
    /// ≈5% slowdown, earlier baseline.
    pub detect5_baseline: Rates,
    /// ≈10% slowdown, earlier baseline.
    pub detect10_baseline: Rates,
    /// Median half-width of the throughput CI in A/A comparisons (relative).
    pub ci_half_width: f64,
    /// Smallest slowdown the gate detects reliably at these settings (≈ min effect + CI half-width).
    pub min_detectable_effect: f64,
    /// Advice in words.
    pub recommendation: String,
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        f64::NAN
    } else {
        v[v.len() / 2]
    }
}

fn record(plan: &CalibratePlan, name: &str, extra_work: u32) -> Result<Run> {
    let mut s = plan.scenario.clone();
    s.extra_work = extra_work;
    let dir = plan.out.join(name);
    if plan.reuse {
        let set = RunSet::load(name, &[dir])?;
        return Ok(set.runs.into_iter().next().expect("one run"));
    }
    run(&RunRequest {
        scenario: s,
        out_dir: dir.clone(),
        sampling: true,
        progress: false,
        repetition: None,
    })?;
    let set = RunSet::load(name, &[dir])?;
    Ok(set.runs.into_iter().next().expect("one run"))
}

fn ops(r: &Run) -> f64 {
    r.meta.as_ref().map_or(f64::NAN, |m| m.ops_per_sec)
}

/// Picks `k` distinct indices from `pool` (partial Fisher–Yates).
fn pick(pool: &[usize], k: usize, rng: &mut SplitMix64) -> Vec<usize> {
    let mut p = pool.to_vec();
    for i in 0..k.min(p.len()) {
        let j = i + rng.below(p.len() - i);
        p.swap(i, j);
    }
    p.truncate(k);
    p
}

fn replay(
    a_pool: &[Run],
    b_pool: &[Run],
    same_pool: bool,
    plan: &CalibratePlan,
    settings: &CompareSettings,
    seed: u64,
    widths: &mut Vec<f64>,
) -> Result<Rates> {
    let mut rng = SplitMix64::new(seed);
    let g = plan.group;
    let distinct = if same_pool {
        (choose(a_pool.len(), g).saturating_mul(choose(a_pool.len().saturating_sub(g), g)) / 2)
            .min(1_000_000_000)
    } else {
        choose(a_pool.len(), g)
            .saturating_mul(choose(b_pool.len(), g))
            .min(1_000_000_000)
    };
    let mut rates = Rates {
        distinct,
        comparisons: 0,
        regressions: 0,
        inconclusive: 0,
        regression_rate: 0.0,
    };
    let ia: Vec<usize> = (0..a_pool.len()).collect();
    let ib: Vec<usize> = (0..b_pool.len()).collect();
    for _ in 0..plan.comparisons {
        let (ga, gb) = if same_pool {
            let both = pick(&ia, 2 * plan.group, &mut rng);
            (both[..plan.group].to_vec(), both[plan.group..].to_vec())
        } else {
            (
                pick(&ia, plan.group, &mut rng),
                pick(&ib, plan.group, &mut rng),
            )
        };
        if ga.len() < plan.group || gb.len() < plan.group {
            break;
        }
        let a = RunSet {
            label: "A".into(),
            runs: ga.iter().map(|&i| a_pool[i].clone()).collect(),
        };
        let b = RunSet {
            label: "B".into(),
            runs: gb.iter().map(|&i| b_pool[i].clone()).collect(),
        };
        let c = compare(&a, &b, settings)?;
        let Some(h) = c.headline else { continue };
        rates.comparisons += 1;
        match h.outcome {
            Outcome::Regression => rates.regressions += 1,
            Outcome::Inconclusive => rates.inconclusive += 1,
            _ => {}
        }
        if same_pool {
            if let Some((lo, hi)) = h.ci {
                widths.push((hi - lo) / 2.0);
            }
        }
    }
    rates.regression_rate = rates.regressions as f64 / rates.comparisons.max(1) as f64;
    Ok(rates)
}

/// Runs the calibration.
pub fn calibrate(plan: &CalibratePlan, settings: &CompareSettings) -> Result<CalibrationReport> {
    if !plan.reuse {
        crate::files::create_fresh_dir(&plan.out)?;
    }
    let say = |msg: String| {
        if plan.verbose {
            eprintln!("calibrate: {msg}");
        }
    };
    // 1. Cost of one unit of injected work, from a short probe (3 + 3 interleaved runs). Each
    // unit adds 2 updates per 1000, so the model says ≈0.2% per unit; the probe corrects it for
    // this machine, and falls back to the model when noise hides the probe's slowdown.
    const PROBE: u32 = 100;
    const MODEL_PER_UNIT: f64 = 0.002;
    let mut base = Vec::new();
    let mut slow = Vec::new();
    for i in 0..3 {
        base.push(ops(&record(plan, &format!("probe-base-{i}"), 0)?));
        slow.push(ops(&record(plan, &format!("probe-slow-{i}"), PROBE)?));
    }
    let ratio = median(&mut slow) / median(&mut base);
    let measured_per_unit = (1.0 / ratio - 1.0) / f64::from(PROBE);
    let per_unit = if measured_per_unit.is_finite() && measured_per_unit > MODEL_PER_UNIT / 4.0 {
        measured_per_unit
    } else {
        MODEL_PER_UNIT
    };
    let knob =
        |target: f64| -> u32 { ((1.0 / (1.0 - target) - 1.0) / per_unit).round().max(1.0) as u32 };
    let mut knobs = (knob(0.05), knob(0.10));
    if plan.reuse {
        let recorded = |name: &str| -> Result<u32> {
            Ok(record(plan, name, 0)?.meta.map_or(0, |m| m.extra_work))
        };
        knobs = (recorded("slow5-00")?, recorded("slow10-00")?);
    }
    say(format!(
        "one unit of extra work costs {:.3}% (probe ratio {ratio:.3}); knobs {} (≈5%) and {} (≈10%)",
        per_unit * 100.0,
        knobs.0,
        knobs.1
    ));

    // 2. Interleaved runs of the three variants, rotating their order.
    let mut null = Vec::new();
    let mut five = Vec::new();
    let mut ten = Vec::new();
    for i in 0..plan.runs {
        for v in 0..3 {
            match (i + v) % 3 {
                0 => null.push(record(plan, &format!("null-{i:02}"), 0)?),
                1 => five.push(record(plan, &format!("slow5-{i:02}"), knobs.0)?),
                _ => ten.push(record(plan, &format!("slow10-{i:02}"), knobs.1)?),
            }
        }
        say(format!("round {}/{} recorded", i + 1, plan.runs));
    }
    let med = |runs: &[Run]| median(&mut runs.iter().map(ops).collect::<Vec<_>>());
    let m0 = med(&null);
    let measured = (med(&five) / m0 - 1.0, med(&ten) / m0 - 1.0);
    let mean = null.iter().map(ops).sum::<f64>() / null.len() as f64;
    let var =
        null.iter().map(|r| (ops(r) - mean).powi(2)).sum::<f64>() / (null.len().max(2) - 1) as f64;
    let run_cv = var.sqrt() / mean;

    // 3. Replayed gate comparisons.
    let mut settings = settings.clone();
    settings.headline_only = true;
    let half = plan.runs / 2;
    let (early, late) = null.split_at(half);
    let mut widths = Vec::new();
    let aa_ab = replay(&null, &null, true, plan, &settings, 1, &mut widths)?;
    let mut ignore = Vec::new();
    let aa_baseline = replay(early, late, false, plan, &settings, 2, &mut ignore)?;
    let detect5_ab = replay(&null, &five, false, plan, &settings, 3, &mut ignore)?;
    let detect10_ab = replay(&null, &ten, false, plan, &settings, 4, &mut ignore)?;
    let detect5_baseline = replay(early, &five[half..], false, plan, &settings, 5, &mut ignore)?;
    let detect10_baseline = replay(early, &ten[half..], false, plan, &settings, 6, &mut ignore)?;
    let ci_half_width = median(&mut widths);
    let mde = settings.stats.min_effect + ci_half_width;

    let mut advice = Vec::new();
    if aa_baseline.regression_rate > 0.01 {
        advice.push(format!(
            "earlier-vs-later A/A comparisons raised {:.1}% false alarms: this machine drifts; gate with `statbench ab` or raise --min-effect",
            aa_baseline.regression_rate * 100.0
        ));
    }
    if detect5_ab.regression_rate < 0.8 && ci_half_width > 0.0 {
        let target = (0.05 - settings.stats.min_effect).max(0.005);
        let k = (plan.group as f64 * (ci_half_width / target).powi(2)).ceil() as usize;
        advice.push(format!(
            "to detect a 5% slowdown reliably, use about --repeat {} (CI half-width now {:.1}%)",
            k.max(plan.group + 1),
            ci_half_width * 100.0
        ));
    }
    if advice.is_empty() {
        advice.push(format!(
            "the gate's settings (--repeat {}, --min-effect {}) are adequate on this machine",
            plan.group, settings.stats.min_effect
        ));
    }
    Ok(CalibrationReport {
        knobs,
        measured_slowdowns: measured,
        median_ops_per_sec: m0,
        run_cv,
        aa_ab,
        aa_baseline,
        detect5_ab,
        detect10_ab,
        detect5_baseline,
        detect10_baseline,
        ci_half_width,
        min_detectable_effect: mde,
        recommendation: advice.join("; "),
    })
}
