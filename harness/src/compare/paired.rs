//! The headline of a paired experiment: throughput judged on the paired ratios of adjacent A/B
//! runs ([`statbench_stats::paired`]) instead of two independent samples, so drift
//! that hits both members of a pair cancels. Behaviour (metrics, totals, lost updates) is
//! compared as in any comparison.

use super::analysis::compare;
use super::classify::{outcome, Kind};
use super::comparison::{CompareSettings, Comparison, PlacementsSummary};
use super::finding::{Finding, OutlyingPair};
use super::gate_rules::gate;
use super::machine::{MachineCheck, SpeedJudgement};
use super::outcome::AppliedRule;
use super::outcome::{QuantityReason, QuantityResult};
use super::quantity::Quantity;
use super::side::Side;
use crate::error::{Error, Result};
use crate::store::RunSet;
use statbench_stats::paired::analyze_paired;
use statbench_stats::paired::placements::judge_look;
use statbench_stats::{Describe, Direction, Look, Method, PValues};

/// One pair of measurements: A's and B's throughput (updates/s, median steady interval of each
/// run) and the randomisation block the pair belongs to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    /// Block number (pairs of one A B B A block share it; the bootstrap resamples blocks).
    pub block: usize,
    /// Side A's throughput.
    pub a: f64,
    /// Side B's throughput.
    pub b: f64,
}

/// Compares the runs of `a` and `b`, with the throughput headline judged on `pairs` (in
/// measurement order). Refuses (bad input) pairs that cannot be analysed.
pub fn compare_paired(
    a: &RunSet,
    b: &RunSet,
    pairs: &[Pair],
    settings: &CompareSettings,
) -> Result<Comparison> {
    // Both sides ran alternately on this machine: speed is judged whatever the probes say.
    let settings = &CompareSettings {
        speed_judgement: SpeedJudgement::SameMachine,
        ..settings.clone()
    };
    let behaviour_only = CompareSettings {
        metrics_only: true,
        ..settings.clone()
    };
    let mut c = compare(a, b, &behaviour_only)?;

    let (headline, outliers) = paired_headline(&a.label, &b.label, pairs, settings)?;
    c.headline = Some(headline);
    c.quantities_compared += 1;
    c.gate = gate(&c, settings, Vec::new());
    c.gate.warnings.extend(outliers);
    Ok(c)
}

/// The throughput headline judged on `pairs`, and the warning naming outlying pairs.
fn paired_headline(
    a_label: &str,
    b_label: &str,
    pairs: &[Pair],
    settings: &CompareSettings,
) -> Result<(QuantityResult, Option<Finding>)> {
    // Consecutive pairs of one block form one resampling unit.
    let mut blocks: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current = None;
    for p in pairs {
        if current != Some(p.block) {
            blocks.push(Vec::new());
            current = Some(p.block);
        }
        blocks.last_mut().expect("pushed above").push((p.a, p.b));
    }
    let an = analyze_paired(&blocks, Direction::HigherIsBetter, &settings.stats)
        .map_err(|e| Error::input(format!("{a_label} vs {b_label}: {e}")))?;
    let est = &an.estimate;
    let (va, vb): (Vec<f64>, Vec<f64>) = pairs.iter().map(|p| (p.a, p.b)).unzip();
    let outcome = outcome(an.verdict, Kind::Throughput);
    let headline = QuantityResult {
        name: "throughput".into(),
        index: None,
        quantity: Quantity::Throughput,
        deprecated: false,
        a: Describe::of(&va),
        b: Describe::of(&vb),
        ratio: Some(est.ci.ratio),
        ci: Some((est.ci.lo, est.ci.hi)),
        p_value: Some(est.p_two_sided),
        p_values: Some(PValues {
            signed_rank: Some(est.p.signed_rank),
            sign_flip: Some(est.p.sign_flip),
            ..PValues::default()
        }),
        method: Some(Method::Paired),
        p_adjusted: Some(est.p_two_sided),
        outcome,
        // The rule's own reason; the outlying pairs are a finding of their own (below), 1-based.
        reason: QuantityReason::Verdict {
            reason: an.reason,
            needed_runs: None,
        },
        needed_samples: None,
        needed_runs: None,
        samples_a: va,
        samples_b: vb,
        rule: Some(AppliedRule::judge(
            crate::policy::headline_rule(settings.stats.min_effect),
            outcome,
        )),
        analysis: None,
    };
    let outliers = if !an.outliers.is_empty() {
        Some(Finding::OutlyingPairs {
            pairs: an
                .outliers
                .iter()
                .map(|o| OutlyingPair {
                    pair: o.index + 1,
                    ratio: o.ratio,
                })
                .collect(),
            verdict_changes: an.verdict_depends_on_outliers(),
        })
    } else {
        None
    };

    Ok((headline, outliers))
}

/// A slice-paired comparison (no run folders): the paired throughput headline, and the slices
/// that lost updates as behaviour findings; `differences` are the settings the sides differ in
/// on purpose (two layouts), said first as in any comparison.
pub fn compare_paired_slices(
    a_label: &str,
    b_label: &str,
    pairs: &[Pair],
    lost: &[(Side, usize, u64)],
    differences: Vec<crate::recorder::settings::SettingDifference>,
    settings: &CompareSettings,
) -> Result<Comparison> {
    let settings = &CompareSettings {
        speed_judgement: SpeedJudgement::SameMachine,
        ..settings.clone()
    };
    let (headline, outliers) = paired_headline(a_label, b_label, pairs, settings)?;
    let mut c = slices_comparison((a_label, b_label), pairs.len(), headline, lost, settings);
    c.settings_differences = differences;
    c.gate.warnings.extend(outliers);
    Ok(c)
}

/// A comparison of slices measured on this machine (no run folders) around `headline`: the
/// slices that lost updates are its behaviour findings.
fn slices_comparison(
    (a_label, b_label): (&str, &str),
    pairs: usize,
    headline: QuantityResult,
    lost: &[(Side, usize, u64)],
    settings: &CompareSettings,
) -> Comparison {
    let host = crate::recorder::Host::current().speed_fingerprint();
    let mut c = Comparison {
        settings_differences: Vec::new(),
        a_label: a_label.to_string(),
        b_label: b_label.to_string(),
        runs: (pairs, pairs),
        hosts: (Some(host.clone()), Some(host)),
        same_host: Some(true),
        min_effect: settings.stats.min_effect,
        alpha: settings.stats.alpha,
        headline: Some(headline),
        work: None,
        policy_file: None,
        metrics: Vec::new(),
        added: Vec::new(),
        removed: Vec::new(),
        left_out: Vec::new(),
        quantities_compared: 1,
        machine_changed: Vec::new(),
        machine: MachineCheck::same_machine(),
        behaviour: lost
            .iter()
            .map(|&(side, pair, metrics)| Finding::LostUpdates {
                side,
                run: format!("slice of pair {pair}"),
                metrics: metrics as usize,
                names: Vec::new(),
            })
            .collect(),
        paired_base: None,
        placements: None,
        gate: Default::default(),
    };
    c.gate = gate(&c, settings, Vec::new());
    c
}

/// A placement-paired comparison at `look`: the throughput headline judged with each fresh
/// process (placement) as the unit ([`judge_look`]), and whether the measurement stops here.
/// `measuring_s` is the time spent so far, reported with the placements.
pub fn compare_placements(
    a_label: &str,
    b_label: &str,
    placements: &[Vec<Pair>],
    lost: &[(Side, usize, u64)],
    look: Look,
    measuring_s: f64,
    settings: &CompareSettings,
) -> Result<(Comparison, bool)> {
    let settings = &CompareSettings {
        speed_judgement: SpeedJudgement::SameMachine,
        ..settings.clone()
    };
    let data: Vec<Vec<(f64, f64)>> = placements
        .iter()
        .map(|p| p.iter().map(|q| (q.a, q.b)).collect())
        .collect();
    let judged = judge_look(&data, look, Direction::HigherIsBetter, &settings.stats)
        .map_err(|e| Error::input(format!("{a_label} vs {b_label}: {e}")))?;
    let est = &judged.estimate;
    let (va, vb): (Vec<f64>, Vec<f64>) = placements.iter().flatten().map(|p| (p.a, p.b)).unzip();
    let outcome = outcome(judged.verdict, Kind::Throughput);
    let p_adjusted = est.case(look, settings.stats.alpha).evidence.p_adjusted;
    let headline = QuantityResult {
        name: "throughput".into(),
        index: None,
        quantity: Quantity::Throughput,
        deprecated: false,
        a: Describe::of(&va),
        b: Describe::of(&vb),
        ratio: Some(est.ratio),
        ci: Some(est.ci),
        p_value: Some(est.p_two_sided),
        p_values: None,
        method: Some(Method::Paired),
        p_adjusted: Some(p_adjusted),
        outcome,
        reason: QuantityReason::Verdict {
            reason: judged.reason,
            needed_runs: None,
        },
        needed_samples: None,
        needed_runs: None,
        samples_a: va,
        samples_b: vb,
        rule: Some(AppliedRule::judge(
            crate::policy::headline_rule(settings.stats.min_effect),
            outcome,
        )),
        analysis: None,
    };
    let mut c = slices_comparison((a_label, b_label), est.pairs, headline, lost, settings);
    c.placements = Some(PlacementsSummary {
        placements: est.placements,
        pairs: est.pairs,
        look: look.number,
        looks: look.of,
        nominal_alpha: look.nominal_alpha,
        confidence: est.confidence,
        between_placement_sd: est.between_sd,
        per_placement: est.per_placement.clone(),
        measuring_s,
        min_effect: settings.stats.min_effect,
        stopped_by: judged.stop,
    });
    Ok((c, judged.stops()))
}

/// The default gate's verdict: `behaviour` (the stored baseline's runs against this build's,
/// metrics per unit of work, no speed) with `speed` (the paired headline of this build against
/// the baseline's commit, measured on this machine) as its headline. One comparison, so every
/// rendering shows one speed verdict and one behaviour verdict; the stored runs' host and
/// machine probe no longer matter, since speed was judged on this machine alone.
pub fn with_paired_speed(
    behaviour: Comparison,
    speed: Comparison,
    settings: &CompareSettings,
) -> Comparison {
    let settings = &CompareSettings {
        speed_judgement: SpeedJudgement::SameMachine,
        strict: false,
        ..settings.clone()
    };
    let mut c = behaviour;
    c.paired_base = Some(speed.a_label.clone());
    c.placements = speed.placements;
    c.headline = speed.headline;
    c.quantities_compared += usize::from(c.headline.is_some());
    c.machine = MachineCheck::same_machine();
    c.same_host = Some(true);
    c.behaviour.extend(speed.behaviour);
    // Outlying pairs matter here only when the verdict depends on them.
    let outliers: Vec<Finding> = speed
        .gate
        .warnings
        .into_iter()
        .filter(|w| {
            matches!(
                w,
                Finding::OutlyingPairs {
                    verdict_changes: true,
                    ..
                }
            )
        })
        .collect();
    c.gate = gate(&c, settings, Vec::new());
    c.gate.warnings.extend(outliers);
    c
}
