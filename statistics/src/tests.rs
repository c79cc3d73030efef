//! Cross-cutting checks on synthetic data from known distributions (SplitMix64-driven).

use super::*;

/// [`super::analyze`] on slices; `None` where they are no [`Sample`].
fn analyze(a: &[f64], b: &[f64], s: &Settings) -> Option<Analysis> {
    super::analyze(Sample::new(a).ok()?, Sample::new(b).ok()?, s)
}

/// [`super::analyze_series`] on slices; `None` where they are no [`Sample`].
fn analyze_series(a: &[f64], b: &[f64], s: &Settings) -> Option<Analysis> {
    super::analyze_series(Sample::new(a).ok()?, Sample::new(b).ok()?, s)
}

/// [`super::analyze_runs`] on slices; `None` where a run is no [`Sample`].
fn analyze_runs(a: &[&[f64]], b: &[&[f64]], s: &Settings) -> Option<Analysis> {
    super::analyze_runs(&Sample::runs(a).ok()?, &Sample::runs(b).ok()?, s)
}

/// The rule applied to an analysis, with the adjusted p-value `p`.
fn classify(an: &Analysis, p: f64, dir: Direction, s: &Settings) -> (Verdict, Reason) {
    decide(&an.case(p, s), dir, s)
}

/// Standard normal by Box–Muller (one of the pair; simple and exact in distribution).
fn std_normal(rng: &mut SplitMix64) -> f64 {
    let u1 = 1.0 - rng.next_f64(); // (0, 1], so ln is finite
    let u2 = rng.next_f64();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

fn normals(rng: &mut SplitMix64, n: usize, mean: f64, sd: f64) -> Vec<f64> {
    (0..n).map(|_| mean + sd * std_normal(rng)).collect()
}

fn exponentials(rng: &mut SplitMix64, n: usize, mean: f64) -> Vec<f64> {
    (0..n)
        .map(|_| -mean * (1.0 - rng.next_f64()).ln())
        .collect()
}

/// Lognormal with the given median and log-scale sigma (benchmark-timing-like right skew).
fn lognormals(rng: &mut SplitMix64, n: usize, median: f64, sigma: f64) -> Vec<f64> {
    (0..n)
        .map(|_| median * (sigma * std_normal(rng)).exp())
        .collect()
}

/// Fewer resamples, and the 5% minimum effect these checks were designed with.
fn fast_settings(resamples: usize) -> Settings {
    Settings {
        resamples,
        min_effect: 0.05,
        ..Settings::default()
    }
}

#[test]
fn generators_have_the_right_moments() {
    let mut rng = SplitMix64::new(1);
    let s = Summary::of(&normals(&mut rng, 20_000, 10.0, 2.0)).unwrap();
    assert!(
        (s.mean - 10.0).abs() < 0.06 && (s.std_dev - 2.0).abs() < 0.05,
        "{s:?}"
    );
    let s = Summary::of(&exponentials(&mut rng, 20_000, 3.0)).unwrap();
    assert!((s.mean - 3.0).abs() < 0.1 && (s.median - 3.0 * 2f64.ln()).abs() < 0.1);
    let s = Summary::of(&lognormals(&mut rng, 20_000, 5.0, 0.5)).unwrap();
    assert!((s.median - 5.0).abs() < 0.1, "{s:?}");
}

#[test]
fn mann_whitney_null_rejection_rate() {
    // Same distribution on both sides: P(p < 0.05) should be ≈ 0.05.
    let mut rng = SplitMix64::new(2024);
    let trials = 400;
    let mut normal_hits = 0;
    let mut skewed_hits = 0;
    for _ in 0..trials {
        let a = normals(&mut rng, 30, 50.0, 5.0);
        let b = normals(&mut rng, 30, 50.0, 5.0);
        normal_hits += usize::from(mann_whitney_u(&a, &b).unwrap().p_two_sided < 0.05);
        let a = lognormals(&mut rng, 30, 50.0, 0.8);
        let b = lognormals(&mut rng, 30, 50.0, 0.8);
        skewed_hits += usize::from(mann_whitney_u(&a, &b).unwrap().p_two_sided < 0.05);
    }
    for hits in [normal_hits, skewed_hits] {
        let rate = hits as f64 / trials as f64;
        assert!((0.02..=0.09).contains(&rate), "null rejection rate {rate}");
    }
}

#[test]
fn mann_whitney_detects_a_shift_with_the_right_sign() {
    let mut rng = SplitMix64::new(5);
    let a = normals(&mut rng, 30, 100.0, 10.0);
    let b = normals(&mut rng, 30, 115.0, 10.0);
    let r = mann_whitney_u(&a, &b).unwrap();
    assert!(
        r.p_two_sided < 1e-3 && r.z > 0.0 && r.effect_r > 0.5,
        "{r:?}"
    );
    let r = mann_whitney_u(&b, &a).unwrap();
    assert!(
        r.p_two_sided < 1e-3 && r.z < 0.0 && r.effect_r < -0.5,
        "{r:?}"
    );
}

#[test]
fn twenty_percent_shift_is_flagged_in_both_directions() {
    use Direction::*;
    use Verdict::*;
    let s = fast_settings(500);
    let mut rng = SplitMix64::new(77);
    for trial in 0..5 {
        let a = normals(&mut rng, 30, 100.0, 5.0);
        let slower = normals(&mut rng, 30, 120.0, 6.0);
        let faster = lognormals(&mut rng, 30, 80.0, 0.05);
        for (b, dir, want) in [
            (&slower, LowerIsBetter, Regression),
            (&slower, HigherIsBetter, Improvement),
            (&faster, LowerIsBetter, Improvement),
            (&faster, HigherIsBetter, Regression),
        ] {
            let an = analyze(&a, b, &s).unwrap();
            let (v, reason) = classify(&an, an.p_two_sided, dir, &s);
            assert_eq!(v, want, "trial {trial} {dir:?}: {reason}");
        }
    }
    // Also with the full default settings (2000 resamples).
    let s = Settings::default();
    let a = lognormals(&mut rng, 30, 100.0, 0.08);
    let b = lognormals(&mut rng, 30, 120.0, 0.08);
    let an = analyze(&a, &b, &s).unwrap();
    assert!(
        (an.ci.ratio - 1.2).abs() < 0.05 && an.ci.lo > 1.0,
        "{:?}",
        an.ci
    );
    let (v, reason) = classify(&an, an.p_two_sided, LowerIsBetter, &s);
    assert_eq!(v, Regression, "{reason}");
    assert!(matches!(reason, Reason::Regression { .. }), "{reason}");
}

#[test]
fn equal_distributions_rarely_alarm() {
    let s = fast_settings(200);
    let mut rng = SplitMix64::new(31337);
    let trials = 200;
    let (mut alarms, mut no_change) = (0, 0);
    for t in 0..trials {
        let (a, b) = if t % 2 == 0 {
            (
                normals(&mut rng, 30, 100.0, 3.0),
                normals(&mut rng, 30, 100.0, 3.0),
            )
        } else {
            (
                lognormals(&mut rng, 30, 100.0, 0.03),
                lognormals(&mut rng, 30, 100.0, 0.03),
            )
        };
        let an = analyze(&a, &b, &s).unwrap();
        let dir = if t % 4 < 2 {
            Direction::LowerIsBetter
        } else {
            Direction::HigherIsBetter
        };
        match classify(&an, an.p_two_sided, dir, &s).0 {
            Verdict::Regression | Verdict::Improvement => alarms += 1,
            Verdict::NoChange => no_change += 1,
            Verdict::Inconclusive => {}
        }
    }
    assert!(alarms * 50 <= trials, "{alarms} false alarms in {trials}");
    // With 3% noise and n = 30 the 99% CI is ~±3%, so most trials prove "no 5% change".
    assert!(
        no_change * 10 >= trials * 8,
        "only {no_change} NoChange in {trials}"
    );
}

#[test]
fn tiny_samples_are_inconclusive_with_needed_samples() {
    let s = Settings::default();
    let an = analyze(&[10.0, 10.5, 9.8], &[12.0, 12.3, 12.1], &s).unwrap();
    let needed = an.needed_samples.expect("needed_samples reported");
    assert!(needed >= s.min_samples);
    let (v, reason) = classify(&an, an.p_two_sided, Direction::LowerIsBetter, &s);
    assert_eq!(v, Verdict::Inconclusive);
    assert!(
        matches!(reason, Reason::TooFewSamples { n: (3, 3), needed_samples, .. } if needed_samples == needed),
        "{reason}"
    );
}

#[test]
fn wide_ci_is_inconclusive_and_asks_for_more_samples() {
    let s = fast_settings(500);
    let mut rng = SplitMix64::new(9);
    let a = lognormals(&mut rng, 10, 100.0, 0.3);
    let b = lognormals(&mut rng, 10, 100.0, 0.3);
    let an = analyze(&a, &b, &s).unwrap();
    let (v, reason) = classify(&an, an.p_two_sided, Direction::LowerIsBetter, &s);
    assert_eq!(v, Verdict::Inconclusive, "{reason}");
    let needed = an.needed_samples.unwrap();
    assert!(needed > 10, "{needed}");
    assert!(
        matches!(reason, Reason::Undecided { significant: false, needed_samples: Some(n), .. } if n == needed),
        "{needed}: {reason}"
    );
}

#[test]
fn too_noisy_side_is_inconclusive() {
    let s = fast_settings(200);
    let mut rng = SplitMix64::new(4);
    let a = exponentials(&mut rng, 40, 100.0); // cv ≈ 1
    let b = normals(&mut rng, 40, 50.0, 1.0);
    let an = analyze(&a, &b, &s).unwrap();
    assert!(an.summary_a.cv > s.max_noise_cv);
    let (v, reason) = classify(&an, 1e-12, Direction::LowerIsBetter, &s);
    assert_eq!(v, Verdict::Inconclusive);
    assert!(
        matches!(reason, Reason::TooNoisy { cv, max_cv, .. } if cv.0 > max_cv && cv.1 < max_cv),
        "{reason}"
    );
}

#[test]
fn small_significant_change_is_no_change() {
    // 1% shift, very precise data: significant but below the 5% threshold.
    let s = fast_settings(300);
    let mut rng = SplitMix64::new(8);
    let a = normals(&mut rng, 100, 100.0, 0.5);
    let b = normals(&mut rng, 100, 101.0, 0.5);
    let an = analyze(&a, &b, &s).unwrap();
    assert!(an.p_two_sided < 1e-6);
    let (v, reason) = classify(&an, an.p_two_sided, Direction::LowerIsBetter, &s);
    assert_eq!(v, Verdict::NoChange, "{reason}");
}

#[test]
fn benjamini_hochberg_controls_fdr_under_the_global_null() {
    // Under the global null BH's P(any discovery) equals the FDR, i.e. exactly q = 0.05 for
    // independent uniforms: ~10 of 200 trials with a discovery (sd ≈ 3). Unadjusted p-values
    // would give ~200, Bonferroni-free "p < q·k/m" with k off by 2× about 20.
    let mut rng = SplitMix64::new(123);
    let trials = 200;
    let mut with_discovery = 0;
    for _ in 0..trials {
        let p: Vec<f64> = (0..1000).map(|_| rng.next_f64()).collect();
        with_discovery += usize::from(benjamini_hochberg(&p).iter().any(|&q| q < 0.05));
    }
    assert!(
        with_discovery <= 16,
        "{with_discovery}/{trials} trials had discoveries"
    );
}

#[test]
fn benjamini_hochberg_finds_strong_signals_and_keeps_fdp_low() {
    let mut rng = SplitMix64::new(321);
    let trials = 20;
    let (mut found, mut false_disc, mut total_disc) = (0usize, 0usize, 0usize);
    for _ in 0..trials {
        // 50 signals: one-sided p-values of z ~ N(5, 1); 950 uniform nulls.
        let mut p: Vec<f64> = (0..50)
            .map(|_| normal_cdf(-(5.0 + std_normal(&mut rng))))
            .collect();
        p.extend((0..950).map(|_| rng.next_f64()));
        let q = benjamini_hochberg(&p);
        found += q[..50].iter().filter(|&&x| x < 0.05).count();
        false_disc += q[50..].iter().filter(|&&x| x < 0.05).count();
        total_disc += q.iter().filter(|&&x| x < 0.05).count();
    }
    let power = found as f64 / (50 * trials) as f64;
    let fdp = false_disc as f64 / total_disc.max(1) as f64;
    assert!(power >= 0.9, "power {power}");
    assert!(fdp <= 0.1, "pooled false discovery proportion {fdp}");
}

#[test]
fn bh_q_values_lie_between_p_and_one() {
    let mut rng = SplitMix64::new(55);
    for trial in 0..50 {
        let m = 1 + trial * 7;
        let p: Vec<f64> = (0..m)
            .map(|i| {
                let u = rng.next_f64();
                if i % 5 == 0 {
                    u * 1e-3
                } else {
                    u
                }
            })
            .collect();
        let bh = benjamini_hochberg(&p);
        for i in 0..m {
            assert!(
                bh[i] >= p[i] && bh[i] <= 1.0,
                "m={m} i={i}: q {} for p {}",
                bh[i],
                p[i]
            );
        }
    }
}

#[test]
fn bootstrap_ci_covers_the_true_ratio() {
    // Lognormal sides with medians 100 and 110: true ratio of medians 1.1.
    let mut rng = SplitMix64::new(2718);
    let trials = 100;
    let mut covered = 0;
    for t in 0..trials {
        let a = lognormals(&mut rng, 40, 100.0, 0.2);
        let b = lognormals(&mut rng, 40, 110.0, 0.2);
        let ci = ratio_of_medians_ci(&a, &b, 500, 0.95, t).unwrap();
        covered += usize::from(ci.lo <= 1.1 && 1.1 <= ci.hi);
    }
    assert!(covered >= 90, "covered {covered}/{trials}");
}

#[test]
fn bootstrap_ci_width_matches_asymptotic_theory() {
    // For normal data the sample median has sd ≈ √(π/2)·σ/√n, so the ratio of medians
    // (cv 0.1, n = 100 per side) has sd ≈ √2·√(π/2)·0.1/10 and a 95% CI about 2·1.96 times
    // that. A CI at the wrong level (90%: ×0.84, 99%: ×1.31) falls outside ±12%.
    let mut rng = SplitMix64::new(40);
    let n = 100;
    let sd = 2f64.sqrt() * (std::f64::consts::PI / 2.0).sqrt() * 0.1 / (n as f64).sqrt();
    let theory = 2.0 * normal_quantile(0.975) * sd;
    let trials = 30;
    let mut width = 0.0;
    for t in 0..trials {
        let a = normals(&mut rng, n, 100.0, 10.0);
        let b = normals(&mut rng, n, 100.0, 10.0);
        let ci = ratio_of_medians_ci(&a, &b, 400, 0.95, t).unwrap();
        width += (ci.hi - ci.lo) / f64::from(trials as u32);
    }
    let rel = width / theory;
    assert!((0.88..=1.12).contains(&rel), "mean width / theory = {rel}");
}

fn ar1(rng: &mut SplitMix64, n: usize, phi: f64, level: f64, cv: f64) -> Vec<f64> {
    let mut z = std_normal(rng);
    let s = (1.0 - phi * phi).sqrt();
    (0..n)
        .map(|_| {
            z = phi * z + s * std_normal(rng);
            level * (1.0 + cv * z)
        })
        .collect()
}

#[test]
fn series_analysis_picks_its_path_and_reports_the_full_data_ratio() {
    let s = fast_settings(300);
    let mut rng = SplitMix64::new(61);
    // Alternating data has negative lag-1 correlation: no widening, exactly `analyze`.
    let a: Vec<f64> = (0..100)
        .map(|i| 100.0 + if i % 2 == 0 { 3.0 } else { -3.0 } + std_normal(&mut rng))
        .collect();
    let b: Vec<f64> = a.iter().map(|x| x * 1.02).collect();
    let series = analyze_series(&a, &b, &s).unwrap();
    let plain = analyze(&a, &b, &s).unwrap();
    assert_eq!(series.method, Method::SeriesBootstrap);
    assert_eq!(series.dependence.0, Dependence::NONE);
    assert_eq!(
        (series.ci, series.p_two_sided),
        (plain.ci, plain.p_two_sided)
    );
    assert_eq!(series.p_values.interval_u, Some(series.p_two_sided));
    // Past BOOTSTRAP_MAX_N on a side: the O(n) path, its ratio the full-data medians'.
    let a = ar1(&mut rng, 5000, 0.5, 100.0, 0.05);
    let b = ar1(&mut rng, 300, 0.5, 95.0, 0.05);
    let an = analyze_series(&a, &b, &s).unwrap();
    assert_eq!(an.method, Method::SeriesAsymptotic);
    assert!(an.test.is_none() && an.p_values.median_z == Some(an.p_two_sided));
    assert_eq!(an.ci.ratio, median(&b).unwrap() / median(&a).unwrap());
    assert!(
        (an.dependence.0.phi - 0.5).abs() < 0.1,
        "{:?}",
        an.dependence
    );
    assert!(
        an.ci.lo < 0.95 && an.ci.hi > 0.95 && an.ci.hi < 1.0,
        "{:?}",
        an.ci
    );
    // The needed samples account for the dependence.
    let iid = required_samples(pooled_cv(&an.summary_a, &an.summary_b), &s).unwrap();
    assert!(an.needed_samples.unwrap() as f64 > 2.0 * iid as f64);
    assert!(analyze_series(&[], &b, &s).is_none());
    assert!(analyze_series(&[0.0; 9], &b, &s).is_none());
}

#[test]
fn strongly_autocorrelated_short_runs_have_too_few_independent_samples() {
    let s = fast_settings(200);
    let mut rng = SplitMix64::new(8);
    let a = ar1(&mut rng, 40, 0.95, 100.0, 0.05);
    let b = ar1(&mut rng, 40, 0.95, 80.0, 0.05);
    let an = analyze_series(&a, &b, &s).unwrap();
    let (v, reason) = classify(&an, 1e-9, Direction::HigherIsBetter, &s);
    assert_eq!(v, Verdict::Inconclusive, "{reason}");
    let Reason::TooFewIndependent { evidence, .. } = reason else {
        panic!("{reason}");
    };
    let d = evidence.autocorrelation.expect("autocorrelated intervals");
    assert!(d.phi.0 > 0.5 && d.effective.0.min(d.effective.1) < s.min_samples as f64);
}

#[test]
fn runs_analysis_takes_its_p_value_from_the_run_medians() {
    let s = fast_settings(500);
    let mut rng = SplitMix64::new(12);
    let side = |rng: &mut SplitMix64, level: f64| -> Vec<Vec<f64>> {
        (0..20)
            .map(|_| {
                let run = level * (1.0 + 0.02 * std_normal(rng));
                normals(rng, 8, run, run * 0.03)
            })
            .collect()
    };
    let (a, b) = (side(&mut rng, 100.0), side(&mut rng, 80.0));
    let ga: Vec<&[f64]> = a.iter().map(Vec::as_slice).collect();
    let gb: Vec<&[f64]> = b.iter().map(Vec::as_slice).collect();
    let an = analyze_runs(&ga, &gb, &s).unwrap();
    assert_eq!(an.method, Method::Runs);
    // All 20 B runs below all 20 A runs: z = 199.5/√(400·41/12), p ≈ 6.8e-8 — far below the
    // 1/resamples floor a bootstrap p-value has.
    assert!(an.p_two_sided < 1e-7, "{}", an.p_two_sided);
    assert_eq!(an.p_values.run_median_u, Some(an.p_two_sided));
    assert!(an.p_values.bootstrap.is_some() && an.test.is_none());
    let flat = |g: &[Vec<f64>]| -> Vec<f64> { g.concat() };
    assert_eq!(
        an.ci.ratio,
        median(&flat(&b)).unwrap() / median(&flat(&a)).unwrap()
    );
    assert!(an.ci.lo > 0.75 && an.ci.hi < 0.85, "{:?}", an.ci);
    assert_eq!(
        classify(&an, an.p_two_sided * 66.0, Direction::HigherIsBetter, &s).0,
        Verdict::Regression
    );
    // One run on both sides: nothing to resample.
    assert!(analyze_runs(&ga[..1], &gb[..1], &s).is_none());
}

#[test]
fn lattice_medians_do_not_jump_into_a_verdict() {
    // A gauge near 30 ± 8 in whole units, 2,000 intervals a side: the median sits on a value
    // holding ~5% of the data and jumps one step (3.3%) now and then. Without the grouping
    // correction 6.1% of these A/A comparisons were a "change".
    let s = Settings {
        min_effect: 0.03,
        ..Settings::default()
    };
    let mut rng = SplitMix64::new(77);
    let trials = 300;
    let mut false_verdicts = 0;
    for _ in 0..trials {
        let mut gauge = || -> Vec<f64> {
            (0..2000)
                .map(|_| (30.0 + 8.0 * std_normal(&mut rng)).round())
                .collect()
        };
        let (a, b) = (gauge(), gauge());
        let an = analyze_series(&a, &b, &s).unwrap();
        let v = classify(&an, an.p_two_sided, Direction::HigherIsBetter, &s).0;
        false_verdicts += usize::from(matches!(v, Verdict::Regression | Verdict::Improvement));
    }
    assert!(false_verdicts <= 3, "{false_verdicts}/{trials}");
    // A whole distribution one step up, each value a third of the data: flagged.
    let a: Vec<f64> = (0..5000).map(|i| f64::from(i % 3) + 10.0).collect();
    let b: Vec<f64> = a.iter().map(|x| x + 1.0).collect();
    let an = analyze_series(&a, &b, &s).unwrap();
    let (v, reason) = classify(&an, an.p_two_sided, Direction::HigherIsBetter, &s);
    assert_eq!(v, Verdict::Improvement, "{reason}");
}
