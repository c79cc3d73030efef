//! Calibration: how trustworthy is the gate on *this* machine?
//!
//! It records runs of the scenario unchanged and with two injected slowdowns (`extra_work`,
//! tuned by a probe to about 5% and 10%), interleaved, then replays comparisons many times on
//! random disjoint subsets of those runs: A/A pairs give the false-alarm rate, unchanged-vs-slowed
//! pairs the detection rate. Two procedures are replayed, as the commands run them:
//! - `ab`: both sides drawn from the whole interleaved session, `group` runs a side, and on a
//!   suspected regression `confirm` more a side before the verdict;
//! - the gate against a stored baseline: side A from the first half of the session, side B from
//!   the second (a baseline is older than the run it judges), `group` runs a side.

use crate::compare::{compare, confirm, CompareSettings, Outcome};
use crate::error::{Error, Result};
use crate::runner::{run, RunRequest};
use crate::scenario::{Overrides, Scenario};
use crate::store::{Run, RunSet};
use serde::Serialize;
use statbench_stats::{SplitMix64, Summary};
use std::path::PathBuf;

/// What to measure.
#[derive(Debug, Clone)]
pub struct CalibratePlan {
    /// Scenario to calibrate (its duration sets the cost: 3 × runs of it).
    pub scenario: Scenario,
    /// Runs recorded per variant (unchanged, −5%, −10%).
    pub runs: usize,
    /// Runs per side in each replayed comparison (the gate's `--repeat`, `ab`'s `--rounds`).
    pub group: usize,
    /// Runs per side `ab` adds to confirm a suspected regression (its `--confirm-rounds`).
    pub confirm: usize,
    /// Replayed comparisons per kind.
    pub comparisons: usize,
    /// Folder for the runs.
    pub out: PathBuf,
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
    /// Median throughput of the unchanged runs (each run counted by its median interval).
    pub median_ops_per_sec: f64,
    /// Run-to-run spread of the unchanged runs (robust CV: 1.4826 × MAD / median).
    pub run_cv: f64,
    /// Share of `run_cv²` that sampling noise within a run explains (the standard error of a
    /// run's median interval); the rest is fixed when the run starts (thread and memory
    /// placement), which more runs average out and longer runs do not.
    pub within_run_share: f64,
    /// Unchanged runs further from their median than the gate's disturbed-run threshold.
    pub disturbed_runs: usize,
    /// Median unchanged run of the session's second half ÷ first half − 1: how far the machine
    /// drifted in minutes (a stored baseline is older and may have drifted further).
    pub drift: f64,
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

/// Median, NaN for an empty slice.
fn median(v: &[f64]) -> f64 {
    statbench_stats::median(v).unwrap_or(f64::NAN)
}

fn record(plan: &CalibratePlan, name: &str, extra_work: u32) -> Result<Run> {
    let s = plan.scenario.with(&Overrides {
        extra_work: Some(u64::from(extra_work)),
        ..Overrides::default()
    })?;
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

/// A run's throughput as the gate sees it: the median of its steady-state intervals, which a
/// burst of interference in one interval cannot move.
fn ops(r: &Run) -> f64 {
    r.interval_throughput().map_or(f64::NAN, |v| median(&v))
}

/// Median throughput of a variant's runs.
fn median_ops(runs: &[Run]) -> f64 {
    median(&runs.iter().map(ops).collect::<Vec<_>>())
}

/// How much of the run-to-run variance (`run_cv²`) the noise of the intervals inside the
/// undisturbed runs explains: each run's median interval has a standard error of about
/// 1.2533 × σ/√n (σ from the MAD of its intervals, relative to `center`), and the squared errors
/// are averaged over runs. NaN when it cannot be judged.
fn within_run_share(runs: &[Vec<f64>], center: f64, run_cv: f64, disturbed: f64) -> f64 {
    let mut errors = Vec::new();
    for v in runs {
        let Some(run) = Summary::of(v) else { continue };
        if v.len() < 3 || (run.median / center - 1.0).abs() > disturbed {
            continue;
        }
        let se = 1.2533 * run.mad / run.median / (v.len() as f64).sqrt();
        errors.push(se * se);
    }
    if errors.is_empty() || run_cv <= 0.0 {
        return f64::NAN;
    }
    let within = errors.iter().sum::<f64>() / errors.len() as f64;
    (within / (run_cv * run_cv)).min(1.0)
}

/// Picks `k` distinct indices from `pool` (partial Fisher–Yates); calibrate --paired's replays
/// draw the same way.
pub(super) fn pick(pool: &[usize], k: usize, rng: &mut SplitMix64) -> Vec<usize> {
    let mut p = pool.to_vec();
    for i in 0..k.min(p.len()) {
        let j = i + rng.below(p.len() - i);
        p.swap(i, j);
    }
    p.truncate(k);
    p
}

/// How a replayed comparison decides, as the command it stands for would.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Procedure {
    /// `statbench gate`: one comparison of `group` runs a side.
    Gate,
    /// `statbench ab`: `group` runs a side, and on a suspected regression `confirm` more a side,
    /// all of them compared again; only a regression that holds counts.
    Ab,
}

/// Replays `plan.comparisons` comparisons of runs drawn from the pools (disjoint draws from
/// one pool when `same_pool`: A/A) and counts the verdicts.
fn replay(
    (a_pool, b_pool): (&[Run], &[Run]),
    same_pool: bool,
    procedure: Procedure,
    plan: &CalibratePlan,
    settings: &CompareSettings,
    seed: u64,
    widths: &mut Vec<f64>,
) -> Result<Rates> {
    let mut rng = SplitMix64::new(seed);
    let first = plan.group;
    let g = match procedure {
        Procedure::Gate => first,
        Procedure::Ab => first + plan.confirm,
    };
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
    let set = |label: &str, pool: &[Run], picked: &[usize]| RunSet {
        label: label.into(),
        runs: picked.iter().map(|&i| pool[i].clone()).collect(),
    };
    for _ in 0..plan.comparisons {
        let (ga, gb) = if same_pool {
            let both = pick(&ia, 2 * g, &mut rng);
            (
                both[..g.min(both.len())].to_vec(),
                both[g.min(both.len())..].to_vec(),
            )
        } else {
            (pick(&ia, g, &mut rng), pick(&ib, g, &mut rng))
        };
        if ga.len() < g || gb.len() < g {
            break;
        }
        let c = compare(
            &set("A", a_pool, &ga[..first]),
            &set("B", b_pool, &gb[..first]),
            settings,
        )?;
        let confirms = procedure == Procedure::Ab && plan.confirm > 0;
        let c = confirm(c, confirms, || {
            compare(&set("A", a_pool, &ga), &set("B", b_pool, &gb), settings)
        })?
        .comparison;
        let Some(h) = c.headline else { continue };
        rates.comparisons += 1;
        match h.outcome {
            Outcome::Regression => rates.regressions += 1,
            Outcome::Inconclusive => rates.inconclusive += 1,
            _ => {}
        }
        if let Some((lo, hi)) = h.ci {
            widths.push((hi - lo) / 2.0);
        }
    }
    rates.regression_rate = rates.regressions as f64 / rates.comparisons.max(1) as f64;
    Ok(rates)
}

/// Runs the calibration.
pub fn calibrate(plan: &CalibratePlan, settings: &CompareSettings) -> Result<CalibrationReport> {
    let needed = 2 * (plan.group + plan.confirm);
    if plan.runs < needed {
        return Err(Error::input(format!(
            "calibrate: --runs {} is too few: A/A replays of `ab` draw 2 × (--group {} + --confirm-rounds {}) = {needed} distinct runs",
            plan.runs, plan.group, plan.confirm
        )));
    }
    if !plan.reuse {
        crate::files::create_fresh_dir(&plan.out)?;
    }
    let say = |msg: String| crate::progress::say(&format!("calibrate: {msg}"));
    // 1. Knobs. One unit of extra work adds 2 updates per 1000, ≈0.2% by the model, but what
    // an update costs under contention depends on the machine. So both model knobs are probed
    // (interleaved rounds of unchanged, ≈5%, ≈10%, order rotating), and each is rescaled by
    // the slowdown it produced (one secant step, slowdown s as cost 1/(1−s) − 1, linear in
    // the knob).
    const PROBE_ROUNDS: usize = 6;
    let progress = crate::progress::Progress::start(
        "calibrate",
        if plan.reuse {
            0
        } else {
            3 * (PROBE_ROUNDS + plan.runs) as u64
        },
        "runs",
    );
    let record = |plan: &CalibratePlan, name: &str, extra_work: u32| -> Result<Run> {
        let run = record(plan, name, extra_work)?;
        if !plan.reuse {
            let rate = run.meta.as_ref().map_or(f64::NAN, |m| m.ops_per_sec);
            progress.step(
                &format!("calibrate: {name}"),
                &format!("{name}: {}", crate::progress::rate(rate)),
            );
        }
        Ok(run)
    };
    const MODEL_PER_UNIT: f64 = 0.002;
    let cost = |slowdown: f64| 1.0 / (1.0 - slowdown) - 1.0;
    let model = |target: f64| (cost(target) / MODEL_PER_UNIT).round() as u32;
    let knobs = if plan.reuse {
        let recorded = |name: &str| -> Result<u32> {
            Ok(record(plan, name, 0)?.meta.map_or(0, |m| m.extra_work))
        };
        (recorded("slow5-00")?, recorded("slow10-00")?)
    } else {
        let (w5, w10) = (model(0.05), model(0.10));
        let (mut base, mut p5, mut p10) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..PROBE_ROUNDS {
            for v in 0..3 {
                match (i + v) % 3 {
                    0 => base.push(record(plan, &format!("probe-base-{i}"), 0)?),
                    1 => p5.push(record(plan, &format!("probe-5-{i}"), w5)?),
                    _ => p10.push(record(plan, &format!("probe-10-{i}"), w10)?),
                }
            }
        }
        let m0 = median_ops(&base);
        let rescale = |w: u32, runs: &[Run], target: f64| -> u32 {
            let measured = 1.0 - median_ops(runs) / m0;
            // Noise can hide a small probe's effect entirely: then the model stands.
            if !(measured.is_finite() && measured > target / 4.0 && measured < 0.9) {
                return w;
            }
            let scaled = f64::from(w) * cost(target) / cost(measured);
            scaled
                .clamp(f64::from(w) / 4.0, f64::from(w) * 4.0)
                .round()
                .max(1.0) as u32
        };
        let k5 = rescale(w5, &p5, 0.05);
        // More work never runs faster: noisy probes must not order the knobs the other way.
        let knobs = (k5, rescale(w10, &p10, 0.10).max(k5 + 1));
        say(format!(
            "probe: knob {w5} → {:+.1}%, {w10} → {:+.1}%; knobs now {} (≈5%) and {} (≈10%)",
            (median_ops(&p5) / m0 - 1.0) * 100.0,
            (median_ops(&p10) / m0 - 1.0) * 100.0,
            knobs.0,
            knobs.1
        ));
        knobs
    };

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
        if !plan.reuse {
            crate::progress::detail(&format!(
                "calibrate: round {}/{} recorded",
                i + 1,
                plan.runs
            ));
        }
    }
    progress.finish();
    let m0 = median_ops(&null);
    let measured = (median_ops(&five) / m0 - 1.0, median_ops(&ten) / m0 - 1.0);
    // Robust spread (1.4826 × MAD / median ≈ CV for normal data), so that the disturbed runs,
    // which the gate leaves out, do not hide how precise the others are.
    let null_ops: Vec<f64> = null.iter().map(ops).collect();
    let run_cv = Summary::of(&null_ops).map_or(f64::NAN, |s| s.mad / m0);
    let disturbed = null_ops
        .iter()
        .filter(|&&x| (x / m0 - 1.0).abs() > settings.disturbed_run_threshold)
        .count();

    // 3. Replayed gate comparisons.
    let mut settings = settings.clone();
    settings.headline_only = true;
    // The slowed variants differ from the unchanged one by `extra_work`, on purpose.
    settings.allow_different_settings = true;
    let half = plan.runs / 2;
    let (early, late) = null.split_at(half);
    let drift = median_ops(late) / median_ops(early) - 1.0;
    let mut widths = Vec::new();
    let (ab, gate) = (Procedure::Ab, Procedure::Gate);
    let mut ignore = Vec::new();
    let aa_ab = replay((&null, &null), true, ab, plan, &settings, 1, &mut ignore)?;
    let aa_baseline = replay((early, late), false, gate, plan, &settings, 2, &mut widths)?;
    let detect5_ab = replay((&null, &five), false, ab, plan, &settings, 3, &mut ignore)?;
    let detect10_ab = replay((&null, &ten), false, ab, plan, &settings, 4, &mut ignore)?;
    let late5 = &five[half..];
    let late10 = &ten[half..];
    let detect5_baseline = replay((early, late5), false, gate, plan, &settings, 5, &mut ignore)?;
    let detect10_baseline = replay(
        (early, late10),
        false,
        gate,
        plan,
        &settings,
        6,
        &mut ignore,
    )?;
    let ci_half_width = median(&widths);
    let mde = settings.stats.min_effect + ci_half_width;

    let intervals: Vec<Vec<f64>> = null.iter().filter_map(Run::interval_throughput).collect();
    let within_share = within_run_share(&intervals, m0, run_cv, settings.disturbed_run_threshold);

    let mut advice = Vec::new();
    if aa_baseline.regression_rate > 0.01 {
        advice.push(format!(
            "earlier-vs-later A/A comparisons raised {:.1}% false alarms: this machine drifts; gate with `statbench ab` or raise --min-effect",
            aa_baseline.regression_rate * 100.0
        ));
    }
    if drift.abs() > settings.stats.min_effect / 2.0 {
        advice.push(format!(
            "the machine drifted {:+.1}% within this session, half the minimum effect or more: a stored baseline will be further off; gate speed with `statbench ab`",
            drift * 100.0
        ));
    }
    if aa_ab.regression_rate > 0.01 {
        advice.push(format!(
            "interleaved A/A comparisons raised {:.1}% false alarms: runs here are not independent enough for --alpha {}; raise --min-effect",
            aa_ab.regression_rate * 100.0,
            settings.stats.alpha
        ));
    }
    if detect5_baseline.regression_rate < 0.8 && ci_half_width > 0.0 {
        advice.push(repeat_advice(
            plan.group,
            ci_half_width,
            settings.stats.min_effect,
        ));
    }
    if advice.is_empty() {
        advice.push(format!(
            "the gate's settings (--repeat {}, --min-effect {}) are adequate on this machine",
            plan.group, settings.stats.min_effect
        ));
    }
    if within_share.is_finite() {
        advice.push(if within_share < 0.5 {
            format!(
                "{:.0}% of the run-to-run spread is sampling noise within runs, the rest is set at start-up: more runs help, longer runs barely",
                within_share * 100.0
            )
        } else {
            format!(
                "{:.0}% of the run-to-run spread is sampling noise within runs: runs twice as long (--duration-ms) would narrow it",
                within_share * 100.0
            )
        });
    }
    Ok(CalibrationReport {
        knobs,
        measured_slowdowns: measured,
        median_ops_per_sec: m0,
        run_cv,
        within_run_share: within_share,
        disturbed_runs: disturbed,
        drift,
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

/// Runs a side needed to detect a 5% slowdown, scaled from the A/A intervals (half-width ∝ 1/√n);
/// intervals from too few runs are too wide to scale from, and the advice says so instead.
fn repeat_advice(group: usize, ci_half_width: f64, min_effect: f64) -> String {
    let target = (0.05 - min_effect).max(0.005);
    let k = group as f64 * (ci_half_width / target).powi(2);
    if !ci_half_width.is_finite() || ci_half_width >= 1.0 || k > 10_000.0 {
        return format!(
            "with --group {group} the A/A intervals are too wide to size the gate from: calibrate with a larger --group (5 or more)"
        );
    }
    format!(
        "to detect a 5% slowdown reliably, use about --repeat {} (CI half-width now {:.1}%)",
        (k.ceil() as usize).max(group + 1),
        ci_half_width * 100.0
    )
}

#[cfg(test)]
mod tests {
    use super::{repeat_advice, within_run_share};

    #[test]
    fn repeat_advice_scales_sane_intervals_and_refuses_degenerate_ones() {
        // 2% half-width from 5 runs, 3% min effect: 5 × (0.02/0.02)² = 5 → at least group + 1.
        assert!(repeat_advice(5, 0.02, 0.03).contains("--repeat 6 "));
        assert!(repeat_advice(5, 0.04, 0.03).contains("--repeat 20 "));
        for wide in [f64::INFINITY, f64::NAN, 60_577_837_098.415, 1.0] {
            let a = repeat_advice(2, wide, 0.03);
            assert!(a.contains("too wide"), "{a}");
            assert!(!a.contains("18446744073709551615"), "{a}");
        }
    }

    /// Runs whose intervals alternate `level × (1 ± noise)`.
    fn runs(levels: &[f64], noise: f64) -> Vec<Vec<f64>> {
        levels
            .iter()
            .map(|&l| {
                (0..20)
                    .map(|k| l * (1.0 + if k % 2 == 0 { noise } else { -noise }))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn spread_fixed_at_start_up_is_not_within_run_noise() {
        // Flat runs at different levels: none of the spread comes from inside the runs.
        let r = runs(&[98.0, 100.0, 102.0], 0.0);
        assert_eq!(within_run_share(&r, 100.0, 0.02, 0.1), 0.0);
    }

    #[test]
    fn noisy_runs_at_one_level_are_all_within_run_noise() {
        // Interval noise of 10% over 20 intervals gives a run-median error near 3.7%, so a 1%
        // run-to-run spread is all sampling noise (capped at 1).
        let r = runs(&[100.0, 100.0, 100.0], 0.10);
        assert_eq!(within_run_share(&r, 100.0, 0.01, 0.1), 1.0);
        // Against a 10% spread, the same noise explains a part, not all.
        let share = within_run_share(&r, 100.0, 0.10, 0.2);
        assert!(share > 0.05 && share < 0.5, "{share}");
    }

    #[test]
    fn disturbed_runs_are_not_counted_and_nothing_left_gives_nan() {
        let r = runs(&[50.0], 0.1);
        assert!(within_run_share(&r, 100.0, 0.02, 0.1).is_nan());
    }
}
