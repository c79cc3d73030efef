//! Step 3 of the pipeline, the significance test: one quantity's samples into a p-value, a ratio
//! and its interval ([`statbench_stats`]); the outcome stays provisional until the p-values are
//! adjusted
//! and the verdict rule is applied ([`super::classify`]).

use super::outcome::{Outcome, QuantityReason, QuantityResult};
use super::quantity::Quantity;
use super::sample::QuantitySamples;
use rayon::prelude::*;
use session_stats::metric;
use statbench_stats::Describe;
use statbench_stats::{analyze_runs, analyze_series, Sample, Settings};

/// Tests every quantity, in parallel, in order.
pub(super) fn test_all(samples: Vec<QuantitySamples>, settings: &Settings) -> Vec<QuantityResult> {
    samples
        .into_par_iter()
        .map(|q| test_quantity(q, settings))
        .collect()
}

/// A result with nothing tested yet: no ratio or p-value, inconclusive, the reason pending.
pub(super) fn untested(
    name: String,
    index: Option<usize>,
    quantity: Quantity,
    describe: (Describe, Describe),
) -> QuantityResult {
    QuantityResult {
        name,
        index,
        quantity,
        deprecated: index.and_then(metric).is_some_and(|m| m.deprecated),
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
        rule: None,
        analysis: None,
    }
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
    let mut r = untested(name, index, quantity, describe);
    let deprecated = r.deprecated;
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
    // Values that are no sample (none, or not finite) are not tested: no samples below.
    let analysis = if ga.len() >= 2 || gb.len() >= 2 {
        match (Sample::runs(&ga), Sample::runs(&gb)) {
            (Ok(sa), Ok(sb)) => analyze_runs(&sa, &sb, settings),
            _ => None,
        }
    } else {
        match (Sample::new(&a.values), Sample::new(&b.values)) {
            (Ok(sa), Ok(sb)) => analyze_series(sa, sb, settings),
            _ => None,
        }
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
            let no_sample = |v: &[f64]| Sample::new(v).is_err();
            r.reason = if no_sample(&a.values) || no_sample(&b.values) {
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

#[cfg(test)]
pub(super) mod tests {
    use super::super::sample::SideSamples;
    use super::*;
    use session_stats::{NUM_METRICS, SES_UPTIME_SECS};
    use statbench_stats::Method;

    /// Samples of metric `index` whose runs are `a` and `b` (one vector a run).
    pub(in crate::compare) fn samples(
        index: Option<usize>,
        a: &[Vec<f64>],
        b: &[Vec<f64>],
    ) -> QuantitySamples {
        let side = |runs: &[Vec<f64>]| SideSamples {
            values: runs.concat(),
            run_lengths: runs.iter().map(Vec::len).collect(),
        };
        let d = Describe {
            n: 0,
            median: f64::NAN,
            mean: f64::NAN,
            p95: f64::NAN,
            std_dev: f64::NAN,
        };
        QuantitySamples {
            name: "m".into(),
            index,
            quantity: Quantity::Rate,
            a: side(a),
            b: side(b),
            describe: (d, d),
        }
    }

    /// `n` values around `level`, ±1% in a fixed pattern.
    pub(in crate::compare) fn around(level: f64, n: usize) -> Vec<f64> {
        (0..n)
            .map(|k| level * (1.0 + 0.01 * ((k * 7 % 5) as f64 - 2.0) / 2.0))
            .collect()
    }

    fn untested(r: &QuantityResult) -> bool {
        r.p_value.is_none() && r.analysis.is_none() && r.ratio.is_none()
    }

    #[test]
    fn values_that_are_no_sample_are_not_tested() {
        let s = Settings::default();
        let mut nan = around(100.0, 20);
        nan[3] = f64::NAN;
        for (a, b) in [
            (vec![nan.clone()], vec![around(100.0, 20)]),
            (
                vec![around(100.0, 20)],
                vec![nan.clone(), around(100.0, 20)],
            ),
            (vec![around(100.0, 20)], vec![]),
        ] {
            let r = test_quantity(samples(Some(0), &a, &b), &s);
            assert!(untested(&r), "{r:?}");
            assert_eq!(r.reason, QuantityReason::NoSamples);
        }
    }

    #[test]
    fn quantities_that_cannot_change_are_unused() {
        let s = Settings::default();
        let zero = vec![vec![0.0; 20]];
        let r = test_quantity(
            samples(Some(SES_UPTIME_SECS), &[around(5.0, 20)], &zero),
            &s,
        );
        assert_eq!(
            (r.outcome, &r.reason),
            (Outcome::Unused, &QuantityReason::Uptime)
        );
        assert!(untested(&r));
        let r = test_quantity(samples(Some(0), &zero, &zero), &s);
        assert_eq!(
            (r.outcome, &r.reason),
            (Outcome::Unused, &QuantityReason::ZeroOnBothSides)
        );
        let deprecated = (0..NUM_METRICS)
            .find(|&i| metric(i).is_some_and(|m| m.deprecated))
            .expect("the registry keeps deprecated slots");
        let r = test_quantity(samples(Some(deprecated), &zero, &zero), &s);
        assert!(r.deprecated);
        assert_eq!(r.reason, QuantityReason::NeverUpdated);
    }

    #[test]
    fn no_ratio_without_samples_or_with_a_zero_baseline() {
        let s = Settings::default();
        let r = test_quantity(samples(Some(0), &[], &[around(5.0, 20)]), &s);
        assert_eq!(
            (r.outcome, &r.reason),
            (Outcome::Inconclusive, &QuantityReason::NoSamples)
        );
        assert!(untested(&r));
        let r = test_quantity(samples(Some(0), &[vec![0.0; 20]], &[around(5.0, 20)]), &s);
        assert_eq!(r.reason, QuantityReason::ZeroBaseline);
        assert!(untested(&r));
    }

    #[test]
    fn one_run_a_side_is_a_series_several_runs_make_the_run_the_unit() {
        let s = Settings::default();
        let r = test_quantity(
            samples(Some(0), &[around(100.0, 30)], &[around(80.0, 30)]),
            &s,
        );
        assert_eq!(r.method, Some(Method::SeriesBootstrap));
        assert!(r.p_values.unwrap().interval_u.is_some());
        assert!((r.ratio.unwrap() - 0.8).abs() < 0.01);
        assert_eq!(r.samples_a.len(), 30);
        assert_eq!(r.reason, QuantityReason::Pending, "classified later");
        assert_eq!(r.p_adjusted, None);
        let runs = |level: f64| -> Vec<Vec<f64>> { (0..3).map(|_| around(level, 10)).collect() };
        let r = test_quantity(samples(Some(0), &runs(100.0), &runs(80.0)), &s);
        assert_eq!(r.method, Some(Method::Runs));
        assert!(r.p_values.unwrap().run_median_u.is_some());
        assert_eq!(r.analysis.unwrap().n_a, 30);
    }
}
