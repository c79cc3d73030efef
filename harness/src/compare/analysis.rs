//! Turns two run sets into a [`Comparison`], one step a module: admit ([`super::admit`]) →
//! align ([`super::align`]) → sample ([`super::sample`]) → test ([`super::significance`]) →
//! adjust ([`super::adjust`]) → classify ([`super::classify`]) → the gate's rules
//! ([`super::gate_rules`]).

use super::adjust::adjust;
use super::admit::admit;
use super::align::{align, hosts};
use super::behaviour::behaviour_changes;
use super::classify::{classify_headline, classify_metrics, order};
use super::comparison::{CompareSettings, Comparison, Gate};
use super::gate_rules::{gate, judge_speed_rules, speed_gates};
use super::quantity::WorkUnit;
use super::sample::{headline_samples, metric_samples};
use super::significance::{test_all, test_quantity};
use super::work::{headline_source, unit_of_work};
use crate::error::{Error, Result};
use crate::store::RunSet;

/// Compares A (baseline) with B (candidate): the pipeline of the module doc, the metrics first
/// (tested together, then adjusted for their number), then the headline (a single test).
///
/// Refuses (bad input, exit 2) what cannot carry a verdict: see the admission rules (`compare/admit.rs`); and a
/// comparison in which no quantity could be tested at all.
pub fn compare(a: &RunSet, b: &RunSet, settings: &CompareSettings) -> Result<Comparison> {
    let admission = admit(a, b, settings)?;
    let (a, b) = (admission.a.as_ref(), admission.b.as_ref());
    let policy = &settings.policy;
    let work = unit_of_work(a, b, policy)?;
    let aligned = align(a, b, settings.headline_only, work);

    let samples = metric_samples(a, b, &aligned.metrics, work)?;
    let mut metrics = test_all(samples, &settings.stats);
    let adjusted = adjust(&metrics);
    let (min_effect, fail_on_change) = (settings.stats.min_effect, settings.fail_on_metric_change);
    let behaviour_gate = settings.behaviour_gate && work == Some(WorkUnit::Updates);
    classify_metrics(&mut metrics, &adjusted, &settings.stats, |i, q| {
        policy.rule(
            i,
            min_effect,
            fail_on_change || (behaviour_gate && q.needs_work()),
        )
    });
    order(&mut metrics);

    let threshold = settings.disturbed_run_threshold;
    let source = headline_source(a, b, policy)?;
    let (headline, disturbed, machine_changed) =
        match headline_samples(a, b, source, settings.metrics_only, threshold) {
            Some(h) => {
                let mut r = test_quantity(h.samples, &settings.stats);
                classify_headline(&mut r, &h.unstable, threshold, &settings.stats);
                (Some(r), h.disturbed, h.unstable)
            }
            None => (None, Vec::new(), Vec::new()),
        };
    let (judgement, has_tp) = (settings.speed_judgement, headline.is_some());
    let machine = super::machine::check(a, b, has_tp, judgement, settings.strict);
    let headline = machine.withhold(headline, settings.stats.min_effect);

    let quantities_compared = usize::from(headline.as_ref().is_some_and(|h| h.p_value.is_some()))
        + metrics.iter().filter(|r| r.p_value.is_some()).count();
    if quantities_compared == 0 {
        return Err(nothing_to_compare(a, b, &aligned.common));
    }
    let (hosts, same_host) = hosts(a, b);
    let mut c = Comparison {
        settings_differences: admission.settings_differences.clone(),
        machine_changed,
        machine,
        left_out: admission.left_out.clone(),
        quantities_compared,
        a_label: a.label.clone(),
        b_label: b.label.clone(),
        runs: (a.runs.len(), b.runs.len()),
        hosts,
        same_host,
        min_effect: settings.stats.min_effect,
        alpha: settings.stats.alpha,
        headline,
        work,
        policy_file: policy.source.clone(),
        metrics,
        added: aligned.added,
        removed: aligned.removed,
        behaviour: behaviour_changes(a, b, &aligned.common),
        paired_base: None,
        placements: None,
        gate: Gate::default(),
    };
    let judged = speed_gates(&c, settings);
    judge_speed_rules(&mut c, judged);
    c.gate = gate(&c, settings, disturbed);
    Ok(c)
}

/// Why a comparison in which no quantity could be tested is refused.
fn nothing_to_compare(a: &RunSet, b: &RunSet, common: &[usize]) -> Error {
    let why = if common.is_empty() {
        "the sides share no metric"
    } else {
        "every metric they share is zero on both sides or zero on A"
    };
    Error::input(format!(
        "A ({}) vs B ({}): nothing to compare: {why}, and there is no throughput on both sides",
        a.label, b.label
    ))
}
