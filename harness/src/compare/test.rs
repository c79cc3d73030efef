//! Step 3 of the pipeline, test: one quantity's samples into a p-value, a ratio and its
//! interval ([`super::stats`]); the outcome stays provisional until the p-values are adjusted
//! and the verdict rule is applied ([`super::classify`]).

use super::outcome::{Outcome, QuantityReason, QuantityResult};
use super::sample::QuantitySamples;
use super::stats::{analyze_runs, analyze_series, Settings};
use rayon::prelude::*;
use session_stats::metric;

/// Tests every quantity, in parallel, in order.
pub(super) fn test_all(samples: Vec<QuantitySamples>, settings: &Settings) -> Vec<QuantityResult> {
    samples
        .into_par_iter()
        .map(|q| test_quantity(q, settings))
        .collect()
}

/// Tests one quantity on every sample; returns the result with `outcome` provisional.
///
/// One run a side: [`analyze_series`] (serial dependence of the intervals estimated and
/// accounted for). Several runs on a side: [`analyze_runs`], where the run is the independent
/// unit (p-value from the run medians' U test, interval from resampling runs), so run-to-run
/// noise (the usual cause of flaky gates) widens the interval instead of passing for a change.
/// Not tested (no p-value): the uptime slot and quantities that are zero on both sides
/// ([`Outcome::Unused`]), and sides without samples or with a zero median on A.
pub(super) fn test_quantity(q: QuantitySamples, settings: &Settings) -> QuantityResult {
    let QuantitySamples {
        name,
        index,
        quantity,
        a,
        b,
        describe,
    } = q;
    let deprecated = index.and_then(metric).is_some_and(|m| m.deprecated);
    let mut r = QuantityResult {
        name,
        index,
        quantity,
        deprecated,
        a: describe.0,
        b: describe.1,
        ratio: None,
        ci: None,
        p_value: None,
        p_values: None,
        method: None,
        p_adjusted: None,
        outcome: Outcome::Inconclusive,
        reason: QuantityReason::Pending,
        needed_samples: None,
        needed_runs: None,
        samples_a: Vec::new(),
        samples_b: Vec::new(),
        analysis: None,
    };
    if index == Some(session_stats::SES_UPTIME_SECS) {
        r.outcome = Outcome::Unused;
        r.reason = QuantityReason::Uptime;
        return r;
    }
    let all_zero = |v: &[f64]| v.iter().all(|&x| x == 0.0);
    if all_zero(&a.values) && all_zero(&b.values) {
        r.outcome = Outcome::Unused;
        r.reason = if deprecated {
            QuantityReason::NeverUpdated
        } else {
            QuantityReason::ZeroOnBothSides
        };
        return r;
    }
    let (ga, gb) = (a.runs(), b.runs());
    let analysis = if ga.len() >= 2 || gb.len() >= 2 {
        analyze_runs(&ga, &gb, settings)
    } else {
        analyze_series(&a.values, &b.values, settings)
    };
    match analysis {
        Some(an) => {
            r.ratio = Some(an.ci.ratio);
            r.ci = Some((an.ci.lo, an.ci.hi));
            r.p_value = Some(an.p_two_sided);
            r.p_values = Some(an.p_values);
            r.method = Some(an.method);
            r.needed_samples = an.needed_samples;
            r.needed_runs = an.needed_runs;
            r.analysis = Some(an);
        }
        None => {
            r.reason = if a.values.is_empty() || b.values.is_empty() {
                QuantityReason::NoSamples
            } else {
                QuantityReason::ZeroBaseline
            };
        }
    }
    r.samples_a = a.values;
    r.samples_b = b.values;
    r
}
