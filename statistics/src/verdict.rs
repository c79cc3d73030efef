//! The analyses of two samples (baseline `a`, candidate `b`) that the gate's rule judges.
//!
//! [`analyze`] computes per-side summaries, the Mann–Whitney U test, the bootstrap CI of
//! `ratio = median(b)/median(a)` and a sample-size estimate; [`Analysis::case`] hands its
//! figures, with the caller's multiplicity-adjusted p-value, to the decision rule
//! ([`crate::rule::decide`]).
//!
//! `needed_samples` = per-side n to detect a shift of δ with a two-sided level-α test at 80%
//! power: `n = 2·((z_{1−α/2} + z_{0.8})·σ_rel/δ)² · π/3`, where `σ_rel = √((cv_a² + cv_b²)/2)`
//! and π/3 is the U test's efficiency loss against the t-test on normal data; rounded up,
//! at least `min_samples`. It uses the unadjusted `alpha`.

use std::f64::consts::PI;

use super::bootstrap::{
    cluster_ratio_of_medians_ci, ratio_of_medians_ci, ratio_of_medians_ci_dependent, RatioCi,
};
use super::dependence::Dependence;
use super::distribution::normal_quantile;
use super::mann_whitney::{mann_whitney_u, mann_whitney_u_dependent, MannWhitney};
use super::medians::{median_estimate, ratio_of_medians_asymptotic};
use super::reason::{Autocorrelation, Evidence};
use super::rule::{Case, Facts};
use super::sample::Sample;
use super::summary::{median, Summary};

pub use super::settings::Settings;

/// How an [`Analysis`] was obtained: which sample is the unit, and which test and interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Method {
    /// Independent samples ([`analyze`]): U test, percentile bootstrap.
    Independent,
    /// One run a side, at most [`BOOTSTRAP_MAX_N`] intervals each ([`analyze_series`]): U test
    /// and percentile bootstrap, both widened by the estimated serial dependence.
    SeriesBootstrap,
    /// One run a side, more than [`BOOTSTRAP_MAX_N`] intervals on a side ([`analyze_series`]):
    /// z test of the medians and Fieller interval from order-statistic standard errors,
    /// widened by the serial dependence; O(n), no resampling.
    SeriesAsymptotic,
    /// Several runs on a side ([`analyze_runs`]): the run is the unit; U test on run medians,
    /// runs-resampling t interval of the pooled medians.
    Runs,
    /// Paired A/B measurements ([`super::paired`]): signed-rank and block sign-flip tests on the
    /// pairs' log-ratios, block-bootstrap interval of the Hodges–Lehmann ratio.
    Paired,
}

/// Every two-sided p-value computed for a quantity, by name (`None`: not computed); the one the
/// verdict uses is [`Analysis::p_two_sided`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PValues {
    /// Mann–Whitney U on the intervals (variance widened for serial dependence in a run).
    pub interval_u: Option<f64>,
    /// z test of the difference of the medians (long single runs).
    pub median_z: Option<f64>,
    /// Mann–Whitney U on the run medians (exact up to 12 runs a side without ties).
    pub run_median_u: Option<f64>,
    /// Welch t test of the pooled medians with runs-resampling variances (informative: with
    /// few runs its normal-theory df are rough; the run-median U test decides).
    pub bootstrap: Option<f64>,
    /// Wilcoxon signed-rank test on the paired log-ratios (paired experiments).
    pub signed_rank: Option<f64>,
    /// Sign-flip test over whole ABBA blocks of the mean paired log-ratio (paired experiments).
    pub sign_flip: Option<f64>,
}

/// Everything computed for one benchmark; kept so reports can show the evidence behind a
/// verdict and so p-values can be adjusted across benchmarks before the rule judges it
/// ([`Analysis::case`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// Baseline sample count.
    pub n_a: usize,
    /// Candidate sample count.
    pub n_b: usize,
    /// Baseline summary.
    pub summary_a: Summary,
    /// Candidate summary.
    pub summary_b: Summary,
    /// The unadjusted two-sided p-value the verdict uses (see [`Analysis::method`]).
    pub p_two_sided: f64,
    /// Every p-value computed, by name.
    pub p_values: PValues,
    /// Mann–Whitney U test of `a` vs `b` on the samples, where one was run.
    pub test: Option<MannWhitney>,
    /// `median(b)/median(a)` with its confidence interval.
    pub ci: RatioCi,
    /// Estimated per-side samples to detect a `min_effect` shift (see module doc; times the
    /// median's variance factor for dependent intervals); `None` when the spread is not
    /// finite, `min_effect`/`alpha` is invalid, or the run is the unit.
    pub needed_samples: Option<usize>,
    /// Runs per side that would detect a `min_effect` shift from the spread of the run
    /// medians, when the run is the unit and more are needed than the smaller side has.
    pub needed_runs: Option<usize>,
    /// Which test and interval produced the figures.
    pub method: Method,
    /// Serial dependence of A's and B's intervals (single-run analyses; none otherwise).
    pub dependence: (Dependence, Dependence),
    /// Relative spread (CV) of A and B that the "too noisy" rule judges: of the samples for a
    /// single run a side, of the run medians when the run is the unit (a run's intervals may
    /// scatter widely while the runs agree).
    pub noise_cv: (f64, f64),
}

/// At most this many intervals on both sides of a single-run comparison: U test and bootstrap
/// (2000 resamples cost 2000·(n_a + n_b) draws). Beyond it the O(n) asymptotic path, whose
/// intervals cover as well from a few hundred values on.
pub const BOOTSTRAP_MAX_N: usize = 400;

/// Runs all statistics for independent samples `a` (baseline) and `b` (candidate). `None` if
/// `median(a) == 0` or the bootstrap settings are invalid.
pub fn analyze(a: Sample, b: Sample, s: &Settings) -> Option<Analysis> {
    let (a, b) = (a.values(), b.values());
    let summary_a = Summary::of(a)?;
    let summary_b = Summary::of(b)?;
    let test = mann_whitney_u(a, b)?;
    let ci = ratio_of_medians_ci(a, b, s.resamples, s.confidence, s.seed)?;
    let sigma_rel = pooled_cv(&summary_a, &summary_b);
    Some(Analysis {
        n_a: a.len(),
        n_b: b.len(),
        summary_a,
        summary_b,
        p_two_sided: test.p_two_sided,
        p_values: PValues {
            interval_u: Some(test.p_two_sided),
            ..PValues::default()
        },
        test: Some(test),
        ci,
        needed_samples: required_samples(sigma_rel, s),
        needed_runs: None,
        noise_cv: (summary_a.cv, summary_b.cv),
        method: Method::Independent,
        dependence: (Dependence::NONE, Dependence::NONE),
    })
}

/// Statistics for one run a side, `a` and `b` each in time order: neighbouring intervals may
/// share their conditions, so each side's serial dependence is estimated
/// ([`Dependence::estimate`]) and widens the test's variance and the interval. Up to
/// [`BOOTSTRAP_MAX_N`] intervals a side: the U test and the percentile bootstrap
/// (independent data give exactly [`analyze`]'s figures); beyond: the z test of the medians and
/// Fieller's interval from order-statistic standard errors ([`super::medians`]), O(n), so every
/// interval of a 100k-row run is used. `None` as for [`analyze`].
pub fn analyze_series(a: Sample, b: Sample, s: &Settings) -> Option<Analysis> {
    let (a, b) = (a.values(), b.values());
    let summary_a = Summary::of(a)?;
    let summary_b = Summary::of(b)?;
    if summary_a.median == 0.0 || s.resamples == 0 || !(s.confidence > 0.0 && s.confidence < 1.0) {
        return None;
    }
    let dep = |x: &[f64], sm: &Summary| Dependence::estimate(x, sm.median, sm.mad);
    let (dep_a, dep_b) = (dep(a, &summary_a), dep(b, &summary_b));
    let small = a.len() <= BOOTSTRAP_MAX_N && b.len() <= BOOTSTRAP_MAX_N;
    let (test, ci, p_values, p, method) = if small {
        let test = mann_whitney_u_dependent(a, b, dep_a.tau_rank, dep_b.tau_rank)?;
        let ci = ratio_of_medians_ci_dependent(
            a,
            b,
            dep_a.tau_median,
            dep_b.tau_median,
            s.resamples,
            s.confidence,
            s.seed,
        )?;
        let p_values = PValues {
            interval_u: Some(test.p_two_sided),
            ..PValues::default()
        };
        (
            Some(test),
            ci,
            p_values,
            test.p_two_sided,
            Method::SeriesBootstrap,
        )
    } else {
        let ea = median_estimate(&mut a.to_vec(), dep_a.tau_median)?;
        let eb = median_estimate(&mut b.to_vec(), dep_b.tau_median)?;
        let (ratio, (lo, hi), p) = ratio_of_medians_asymptotic(&ea, &eb, s.confidence)?;
        let p_values = PValues {
            median_z: Some(p),
            ..PValues::default()
        };
        (
            None,
            RatioCi { ratio, lo, hi },
            p_values,
            p,
            Method::SeriesAsymptotic,
        )
    };
    let tau = dep_a.tau_median.max(dep_b.tau_median);
    let needed_samples = required_samples(pooled_cv(&summary_a, &summary_b), s)
        .map(|n| (n as f64 * tau).ceil() as usize);
    Some(Analysis {
        n_a: a.len(),
        n_b: b.len(),
        summary_a,
        summary_b,
        p_two_sided: p,
        p_values,
        test,
        ci,
        needed_samples,
        needed_runs: None,
        noise_cv: (summary_a.cv, summary_b.cv),
        method,
        dependence: (dep_a, dep_b),
    })
}

/// Statistics for sides that come in runs (`a[r]`: run r's intervals), where the run is the
/// independent unit. The p-value is the Mann–Whitney U test on the run medians (exact up to 12
/// runs a side without ties): it needs no resampling, so it can reach any level (20 against 20
/// runs, all of B below all of A: p = 7·10⁻⁸), and with fewer than 5 runs a side it cannot
/// reach 0.01, by design. The interval is [`cluster_ratio_of_medians_ci`]'s (pooled medians,
/// every interval, t quantile). `None` if a side has no runs, both sides have one run,
/// `median(a) == 0`, or the settings are invalid.
pub fn analyze_runs(a: &[Sample], b: &[Sample], s: &Settings) -> Option<Analysis> {
    let a: Vec<&[f64]> = a.iter().map(|r| r.values()).collect();
    let b: Vec<&[f64]> = b.iter().map(|r| r.values()).collect();
    let (a, b) = (a.as_slice(), b.as_slice());
    let flat = |g: &[&[f64]]| -> Vec<f64> { g.iter().flat_map(|r| r.iter().copied()).collect() };
    let (fa, fb) = (flat(a), flat(b));
    let summary_a = Summary::of(&fa)?;
    let summary_b = Summary::of(&fb)?;
    let (ci, p_boot) = cluster_ratio_of_medians_ci(a, b, s.resamples, s.confidence, s.seed)?;
    let medians = |g: &[&[f64]]| -> Vec<f64> { g.iter().filter_map(|r| median(r)).collect() };
    let (ma, mb) = (medians(a), medians(b));
    let runs_test = mann_whitney_u(&ma, &mb)?;
    let (run_a, run_b) = (Summary::of(&ma), Summary::of(&mb));
    let needed_runs = match (&run_a, &run_b) {
        (Some(sa), Some(sb)) => {
            required_samples(pooled_cv(sa, sb), s).filter(|&n| n > ma.len().min(mb.len()))
        }
        _ => None,
    };
    // One run has no spread of run medians: judge its intervals instead.
    let unit_cv = |runs: &Option<Summary>, n: usize, all: &Summary| match runs {
        Some(r) if n >= 2 => r.cv,
        _ => all.cv,
    };
    let noise_cv = (
        unit_cv(&run_a, ma.len(), &summary_a),
        unit_cv(&run_b, mb.len(), &summary_b),
    );
    Some(Analysis {
        n_a: fa.len(),
        n_b: fb.len(),
        summary_a,
        summary_b,
        p_two_sided: runs_test.p_two_sided,
        p_values: PValues {
            run_median_u: Some(runs_test.p_two_sided),
            bootstrap: Some(p_boot),
            ..PValues::default()
        },
        test: None,
        ci,
        needed_samples: None,
        needed_runs,
        noise_cv,
        method: Method::Runs,
        dependence: (Dependence::NONE, Dependence::NONE),
    })
}

/// Relative spread of two sides together, `√((cv_a² + cv_b²)/2)`: the `σ_rel` of
/// [`required_samples`].
pub fn pooled_cv(a: &Summary, b: &Summary) -> f64 {
    ((a.cv.powi(2) + b.cv.powi(2)) / 2.0).sqrt()
}

/// Per-side sample size to detect a `min_effect` shift at `alpha` with 80% power given the
/// relative spread `sigma_rel` (formula in the module doc); at least `min_samples`.
pub fn required_samples(sigma_rel: f64, s: &Settings) -> Option<usize> {
    let valid = sigma_rel.is_finite()
        && sigma_rel >= 0.0
        && s.min_effect > 0.0
        && s.alpha > 0.0
        && s.alpha < 1.0;
    if !valid {
        return None;
    }
    let z = normal_quantile(1.0 - s.alpha / 2.0) + normal_quantile(0.8);
    let n = 2.0 * (z * sigma_rel / s.min_effect).powi(2) * PI / 3.0;
    // `as` saturates for absurdly large n; fine for a report.
    Some((n.ceil() as usize).max(s.min_samples).max(2))
}

impl Analysis {
    /// What the decision rule judges ([`crate::rule::decide`]), given the p-value after any
    /// multiple-comparison adjustment (pass `p_two_sided` for a single benchmark).
    pub fn case(&self, p_adjusted: f64, s: &Settings) -> Case {
        let (dep_a, dep_b) = self.dependence;
        let dependent = dep_a.phi > 0.0 || dep_b.phi > 0.0;
        Case {
            evidence: Evidence {
                ratio: self.ci.ratio,
                ci: (self.ci.lo, self.ci.hi),
                confidence: s.confidence,
                p_adjusted,
                autocorrelation: dependent.then_some(Autocorrelation {
                    phi: (dep_a.phi, dep_b.phi),
                    effective: (dep_a.effective_n(self.n_a), dep_b.effective_n(self.n_b)),
                }),
                paired: None,
                placements: None,
            },
            facts: Facts::Samples {
                n: (self.n_a, self.n_b),
                needed_samples: self.needed_samples,
                noise_cv: self.noise_cv,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reason::Reason;
    use crate::rule::{decide, Direction, Verdict};

    fn analysis(ratio: f64, lo: f64, hi: f64, n: usize, cv: f64) -> Analysis {
        let summary = Summary {
            n,
            mean: 1.0,
            median: 1.0,
            p05: 1.0,
            p25: 1.0,
            p75: 1.0,
            p95: 1.0,
            min: 1.0,
            max: 1.0,
            std_dev: cv,
            mad: cv,
            iqr: cv,
            cv,
        };
        Analysis {
            n_a: n,
            n_b: n,
            summary_a: summary,
            summary_b: summary,
            p_two_sided: 0.5,
            p_values: PValues::default(),
            test: Some(MannWhitney {
                u: 0.0,
                z: 0.0,
                p_two_sided: 0.5,
                effect_r: 0.0,
                exact: false,
            }),
            ci: RatioCi { ratio, lo, hi },
            needed_samples: required_samples(cv, &Settings::default()),
            needed_runs: None,
            noise_cv: (cv, cv),
            method: Method::Independent,
            dependence: (Dependence::NONE, Dependence::NONE),
        }
    }

    #[test]
    fn an_analysis_hands_the_rule_its_sizes_noise_and_dependence() {
        let s = Settings::default();
        let decide = |an: &Analysis, p| decide(&an.case(p, &s), Direction::HigherIsBetter, &s);
        let (v, reason) = decide(&analysis(0.5, 0.4, 0.6, 4, 0.05), 1e-9);
        assert_eq!(v, Verdict::Inconclusive);
        assert!(
            matches!(reason, Reason::TooFewSamples { n: (4, 4), min_samples: 5, needed_samples } if needed_samples >= 5),
            "{reason}"
        );
        let (v, reason) = decide(&analysis(0.5, 0.4, 0.6, 30, 0.6), 1e-9);
        assert_eq!(v, Verdict::Inconclusive);
        assert!(
            matches!(reason, Reason::TooNoisy { cv: (a, b), .. } if a == 0.6 && b == 0.6),
            "{reason}"
        );
        let an = analysis(0.5, 0.4, 0.6, 30, 0.05);
        assert_eq!(decide(&an, 1e-9).0, Verdict::Regression);
        // The adjusted p-value is the one judged.
        let case = an.case(0.5, &s);
        assert_eq!(case.evidence.p_adjusted, 0.5);
        assert_eq!(case.evidence.ratio, 0.5);
        assert_eq!(case.evidence.autocorrelation, None);
        // Serially dependent intervals: 30 with φ = 0.9 amount to fewer than 5 independent ones.
        let dependent = Analysis {
            dependence: (Dependence::from_phi(0.9), Dependence::NONE),
            ..an
        };
        let (v, reason) = decide(&dependent, 1e-9);
        assert_eq!(v, Verdict::Inconclusive);
        assert!(
            matches!(reason, Reason::TooFewIndependent { .. }),
            "{reason}"
        );
    }

    #[test]
    fn required_samples_formula() {
        let s = Settings {
            min_effect: 0.05,
            ..Settings::default()
        };
        // z_{0.995} + z_{0.8} = 2.5758293 + 0.8416212 = 3.4174505;
        // 2·(3.4174505·0.1/0.05)²·π/3 = 97.85 → 98.
        assert_eq!(required_samples(0.1, &s), Some(98));
        assert_eq!(required_samples(0.0, &s), Some(5));
        assert_eq!(required_samples(f64::INFINITY, &s), None);
        let bad = Settings {
            min_effect: 0.0,
            ..Settings::default()
        };
        assert_eq!(required_samples(0.1, &bad), None);
        // Quadratic in σ/δ.
        let n1 = required_samples(0.2, &s).unwrap() as f64;
        assert!((n1 / 97.85 - 4.0).abs() < 0.02);
    }

    #[test]
    fn runs_that_agree_are_not_too_noisy_however_their_intervals_scatter() {
        // Each run's intervals swing ±80% (1 thread, 10-ms intervals), the run medians agree
        // within 1%; B is 80% slower. The run is the unit, so its spread decides.
        let run = |level: f64, k: usize| -> Vec<f64> {
            (0..30)
                .map(|i| {
                    let swing = if i % 2 == 0 { 0.2 } else { 1.8 };
                    level * swing * (1.0 + 0.01 * ((k * 7 + i) % 5) as f64 / 5.0)
                })
                .collect()
        };
        let a: Vec<Vec<f64>> = (0..8).map(|k| run(100.0, k)).collect();
        let b: Vec<Vec<f64>> = (0..8).map(|k| run(20.0, k)).collect();
        let (ra, rb): (Vec<&[f64]>, Vec<&[f64]>) = (
            a.iter().map(Vec::as_slice).collect(),
            b.iter().map(Vec::as_slice).collect(),
        );
        let s = Settings::default();
        let (ra, rb) = (Sample::runs(&ra).unwrap(), Sample::runs(&rb).unwrap());
        let an = analyze_runs(&ra, &rb, &s).unwrap();
        assert!(an.summary_a.cv > s.max_noise_cv, "intervals scatter");
        assert!(
            an.noise_cv.0 < 0.05 && an.noise_cv.1 < 0.05,
            "{:?}",
            an.noise_cv
        );
        let case = an.case(an.p_two_sided, &s);
        let (verdict, reason) = decide(&case, Direction::HigherIsBetter, &s);
        assert_eq!(verdict, Verdict::Regression, "{reason}");
    }
}
