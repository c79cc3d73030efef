//! Placement as a random effect: a paired comparison split over several fresh processes
//! ("placements"), each its own draw of library addresses, heap and thread placement.
//!
//! Pairing inside one process cancels the machine's drift but not the process's placement:
//! the same two builds, gated twice, differed by more than their one-process intervals allowed
//! (−42.5 % and −52.1 %). So the unit of this design is the placement: each gives an estimate
//! `d̂_p` (Hodges–Lehmann of its pairs' log-ratios, robust to a disturbed slice) and its own
//! variance `σ̂²_p·π/3/n` (from its pairs' robust spread), and the comparison pools them in the
//! one-way random-effects model `d̂_p = Δ + u_p + e_p`, `Var = τ² + σ²_p/n`
//! ([`crate::random_effects::pool`]): winsorized against the occasional placement that lands
//! several percent off, weighted so that a placement measured on a calm machine counts more
//! than one beside a busy neighbour, with Yuen's Student t on `h − 1` degrees of freedom. The
//! variance is never taken below what the placements' own pair noise allows: a few placements
//! that agree by chance do not make the interval narrower than their pairs.
//! The between-placement spread `τ̂ = √max(0, s² − σ̂²_w/n)` is reported: what a rerun moves.

use super::{hodges_lehmann, robust_center_scale, PairedError};
use crate::distribution::student_t_quantile;
use crate::random_effects::pool;
use crate::reason::{Evidence, PlacementTests, Reason};
use crate::rule::{decide, Case, Direction, Facts, Verdict};
use crate::sequential::Look;
use crate::settings::Settings;

pub use crate::rule::MIN_PLACEMENTS;

/// Asymptotic variance of the Hodges–Lehmann estimate relative to the mean's, normal data
/// (π/3): the within-placement variance of `d̂_p` is `σ² · π/3 / n`.
const HL_VARIANCE_FACTOR: f64 = std::f64::consts::PI / 3.0;

/// The futility stop's one-sided miss rate β at a change of exactly `min_effect`: a look stops
/// for futility once the `1 − β` bound excludes a regression of `min_effect`. At β = α (1 %)
/// an A/A gate ran to 25–40 placements to exclude 0.5 %; at 10 % it needs about a third of
/// them (the bound is 1.3 rather than 2.3 standard errors), while a change of twice
/// `min_effect` is stopped for futility well under 1 % of the time.
pub const FUTILITY_MISS: f64 = 0.10;

/// Placements before a look may stop for futility. An estimate where a gate stops leans the way
/// it stopped (futility stops on a high one): 40 repeated gates that could stop after 8 covered
/// each other's estimates in 94.9 % of pairs, the early ones at +1.8 % to +2.1 % against
/// 60-placement intervals of ±0.7 %; from 12 on, replayed quiet gates covered 99.7 % (98.7 %).
pub const MIN_FUTILITY_PLACEMENTS: usize = 12;

/// The estimate from all placements so far.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacementEstimate {
    /// Placements (fresh processes) analysed.
    pub placements: usize,
    /// Pairs in all of them.
    pub pairs: usize,
    /// `exp` of the pooled `d̂_p` ([`pool`]): the candidate's throughput over the base's.
    pub ratio: f64,
    /// Interval of the ratio at `confidence`.
    pub ci: (f64, f64),
    /// Level of `ci`.
    pub confidence: f64,
    /// Two-sided p of "no change" (t on `df`).
    pub p_two_sided: f64,
    /// Degrees of freedom (`h − 1`, `h` the placements inside the trimming points).
    pub df: f64,
    /// Estimated between-placement standard deviation of the log-ratio (τ̂).
    pub between_sd: f64,
    /// Standard deviation of one placement's estimate from its own pairs' noise (σ̂_w/√n).
    pub within_sd: f64,
    /// Each placement's ratio `exp(d̂_p)`, in measurement order.
    pub per_placement: Vec<f64>,
    /// Robust spread of all pairs' log-ratios (≈ one pair's relative noise; the noise guard).
    pub spread: f64,
}

/// Estimates the ratio from `placements` (each the `(a, b)` throughput pairs of one process)
/// with an interval at `confidence`. Errors on fewer than two pairs in a placement, fewer
/// than two placements, or a value that is not positive and finite.
pub fn estimate_placements<P: AsRef<[(f64, f64)]>>(
    placements: &[P],
    confidence: f64,
) -> Result<PlacementEstimate, PairedError> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(PairedError::InvalidSettings(format!(
            "confidence = {confidence} (must be in (0, 1))"
        )));
    }
    let mut per_d = Vec::with_capacity(placements.len());
    let mut within_var = Vec::with_capacity(placements.len());
    let mut all_d = Vec::new();
    let mut index = 0;
    for (p, pairs) in placements.iter().enumerate() {
        let pairs = pairs.as_ref();
        if pairs.len() < 2 {
            return Err(PairedError::TooFewPairs { n: pairs.len() });
        }
        let mut d = Vec::with_capacity(pairs.len());
        for &(a, b) in pairs {
            for (side, value) in [("a", a), ("b", b)] {
                if !(value.is_finite() && value > 0.0) {
                    return Err(PairedError::NotPositive {
                        pair: index,
                        block: p,
                        side,
                        value,
                    });
                }
            }
            d.push(b.ln() - a.ln());
            index += 1;
        }
        let hl = hodges_lehmann(&d).expect("finite, non-empty");
        let sigma = robust_center_scale(&d).1;
        per_d.push(hl);
        within_var.push(sigma * sigma * HL_VARIANCE_FACTOR / d.len() as f64);
        all_d.extend(d);
    }
    let k = per_d.len();
    if k < 2 {
        return Err(PairedError::TooFewPairs { n: all_d.len() });
    }
    let mean = per_d.iter().sum::<f64>() / k as f64;
    let s2 = per_d.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (k - 1) as f64;
    let w2 = within_var.iter().sum::<f64>() / k as f64;
    let pooled = pool(&per_d, &within_var);
    let (centre, var, df) = (pooled.mean, pooled.var, pooled.df);
    let half = student_t_quantile(0.5 + confidence / 2.0, df) * var.sqrt();
    let p_two_sided = pooled.p_two_sided();
    Ok(PlacementEstimate {
        placements: k,
        pairs: all_d.len(),
        ratio: centre.exp(),
        ci: ((centre - half).exp(), (centre + half).exp()),
        confidence,
        p_two_sided,
        df,
        between_sd: (s2 - w2).max(0.0).sqrt(),
        within_sd: w2.sqrt(),
        per_placement: per_d.iter().map(|d| d.exp()).collect(),
        spread: robust_center_scale(&all_d).1,
    })
}

impl PlacementEstimate {
    /// What the decision rule judges at `look`: the p-value scaled so that the rule's α stands
    /// for the look's nominal level (`p · α / α'`, at most 1), the interval at the look's level.
    pub fn case(&self, look: Look, alpha: f64) -> Case {
        let p_adjusted = (self.p_two_sided * alpha / look.nominal_alpha).min(1.0);
        Case {
            evidence: Evidence {
                ratio: self.ratio,
                ci: self.ci,
                confidence: self.confidence,
                p_adjusted,
                autocorrelation: None,
                paired: None,
                placements: Some(PlacementTests {
                    placements: self.placements,
                    pairs: self.pairs,
                    p: self.p_two_sided,
                    between_sd: self.between_sd,
                    look,
                }),
            },
            facts: Facts::Placements {
                placements: self.placements,
                spread: self.spread,
            },
        }
    }
}

/// A look's judgement: the estimate at the look's level, the rule's verdict, and whether the
/// measurement may stop here.
#[derive(Debug, Clone, PartialEq)]
pub struct LookVerdict {
    /// The estimate, its interval at `1 − α'`.
    pub estimate: PlacementEstimate,
    /// The rule's verdict ([`decide`]) with the p-value scaled to the look's level.
    pub verdict: Verdict,
    /// Why.
    pub reason: Reason,
    /// Why this look ends the measurement, or `None` when the looks go on.
    pub stop: Option<Stop>,
}

/// Why a look ends a sequential measurement: said beside an inconclusive verdict, which reads
/// alike whether the gate ran out of looks or ruled a regression out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Stop {
    /// A verdict other than inconclusive.
    Verdict,
    /// A change as large as `min_effect` in the worse direction is excluded by the one-sided
    /// `1 − β` bound ([`FUTILITY_MISS`]): the comparison can no longer fail.
    Futility,
    /// The design's last look, undecided.
    LastLook,
}

impl LookVerdict {
    /// Whether this look ends the measurement.
    pub fn stops(&self) -> bool {
        self.stop.is_some()
    }
}

/// Judges `placements` at `look` for a quantity whose better direction is `dir`: the one
/// decision rule on the estimate at level `1 − α'`, and the stop decision of the sequential
/// design ([`crate::sequential`]).
pub fn judge_look<P: AsRef<[(f64, f64)]>>(
    placements: &[P],
    look: Look,
    dir: Direction,
    s: &Settings,
) -> Result<LookVerdict, PairedError> {
    if !(look.nominal_alpha > 0.0 && look.nominal_alpha <= s.alpha) {
        return Err(PairedError::InvalidSettings(format!(
            "nominal level {} (must be in (0, alpha = {}])",
            look.nominal_alpha, s.alpha
        )));
    }
    let estimate = estimate_placements(placements, 1.0 - look.nominal_alpha)?;
    let (verdict, reason) = decide(&estimate.case(look, s.alpha), dir, s);
    // Futility, one-sided at 1 − β: stopping can only end looks that might have failed, so it
    // spends no false-alarm rate and needs no look correction; what it risks is missing a change
    // of about δ, at most β at each look (far less for the changes of 2δ and more a gate is for).
    let (lo, hi) = estimate.ci;
    let se =
        (hi.ln() - lo.ln()) / 2.0 / student_t_quantile(1.0 - look.nominal_alpha / 2.0, estimate.df);
    let one_sided = student_t_quantile(1.0 - FUTILITY_MISS, estimate.df) * se;
    let centre = estimate.ratio.ln();
    let no_regression_left = match dir {
        Direction::HigherIsBetter => centre - one_sided > (1.0 - s.min_effect).ln(),
        Direction::LowerIsBetter => centre + one_sided < (1.0 + s.min_effect).ln(),
    };
    let judged = estimate.placements >= MIN_PLACEMENTS;
    let futile = no_regression_left && estimate.placements >= MIN_FUTILITY_PLACEMENTS;
    let stop = if judged && verdict != Verdict::Inconclusive {
        Some(Stop::Verdict)
    } else if judged && futile {
        Some(Stop::Futility)
    } else if look.number >= look.of {
        Some(Stop::LastLook)
    } else {
        None
    };
    Ok(LookVerdict {
        estimate,
        verdict,
        reason,
        stop,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    /// `k` placements of `n` pairs: each placement's log-ratio is `shift + τ·z_p`, each pair's
    /// `+ noise·z_i` on top (a and b around 100).
    fn simulate(
        seed: u64,
        k: usize,
        n: usize,
        shift: f64,
        tau: f64,
        noise: f64,
    ) -> Vec<Vec<(f64, f64)>> {
        let mut rng = SplitMix64::new(seed);
        (0..k)
            .map(|_| {
                let placement = shift + tau * rng.next_normal();
                (0..n)
                    .map(|_| {
                        let a = 100.0 * (0.01 * rng.next_normal()).exp();
                        (a, a * (placement + noise * rng.next_normal()).exp())
                    })
                    .collect()
            })
            .collect()
    }

    fn covered(e: &PlacementEstimate, truth: f64) -> bool {
        e.ci.0 <= truth && truth <= e.ci.1
    }

    #[test]
    fn the_interval_covers_the_truth_when_placements_differ() {
        // Placement spread 0.5 % against 0.2 % pair noise: the one-process interval would miss.
        let mut hits = 0;
        let trials = 2000;
        for seed in 0..trials {
            let e = estimate_placements(&simulate(seed, 8, 20, -0.02, 0.005, 0.002), 0.99).unwrap();
            hits += usize::from(covered(&e, (-0.02f64).exp()));
        }
        let rate = hits as f64 / trials as f64;
        assert!(rate > 0.98, "coverage {rate}");
    }

    #[test]
    fn the_interval_covers_the_next_estimate() {
        // What a rerun of the gate would say lies inside this gate's 99 % interval ≥ 95 %.
        let mut hits = 0;
        let trials = 1000;
        for seed in 0..trials {
            let e1 =
                estimate_placements(&simulate(2 * seed, 8, 20, 0.0, 0.004, 0.01), 0.99).unwrap();
            let e2 = estimate_placements(&simulate(2 * seed + 1, 8, 20, 0.0, 0.004, 0.01), 0.99)
                .unwrap();
            hits += usize::from(covered(&e1, e2.ratio));
        }
        let rate = hits as f64 / trials as f64;
        assert!(rate >= 0.95, "covers the other estimate {rate}");
    }

    #[test]
    fn the_between_placement_spread_is_estimated_and_the_within_floor_holds() {
        let many = simulate(3, 200, 30, 0.0, 0.01, 0.002);
        let e = estimate_placements(&many, 0.99).unwrap();
        assert!((e.between_sd - 0.01).abs() < 0.002, "τ̂ {}", e.between_sd);
        // Identical placements (no spread between them): the floor keeps the pairs' noise.
        let same: Vec<Vec<(f64, f64)>> = vec![simulate(4, 1, 30, 0.0, 0.0, 0.01)[0].clone(); 5];
        let e = estimate_placements(&same, 0.99).unwrap();
        assert_eq!(e.between_sd, 0.0);
        assert!(e.ci.1 - e.ci.0 > 0.001, "{:?}", e.ci);
    }

    #[test]
    fn looks_stop_early_on_a_large_change_and_on_a_clear_a_a_never_on_noise() {
        let s = Settings {
            min_effect: 0.005,
            ..Settings::default()
        };
        let looks: Vec<usize> = (4..=16).collect();
        let level = crate::sequential::nominal_alpha(0.01, &looks, 5_000, 1).unwrap();
        let first_stop = |data: &[Vec<(f64, f64)>]| {
            looks.iter().enumerate().find_map(|(i, &n)| {
                let look = Look {
                    number: i + 1,
                    of: looks.len(),
                    nominal_alpha: level,
                };
                let v = judge_look(&data[..n], look, Direction::HigherIsBetter, &s).unwrap();
                v.stops().then_some((n, v.verdict))
            })
        };
        // −5 %: a regression at the first look.
        let slow = simulate(11, 16, 16, (0.95f64).ln(), 0.003, 0.01);
        assert_eq!(first_stop(&slow), Some((4, Verdict::Regression)));
        // A/A with little placement spread: stops before the last look, passing.
        let same = simulate(12, 16, 16, 0.0, 0.0005, 0.005);
        let (n, verdict) = first_stop(&same).unwrap();
        assert!(n < 16 && verdict != Verdict::Regression, "{n} {verdict:?}");
        // Placements that disagree by 2 %: no early verdict, and no false regression.
        let noisy = simulate(13, 16, 16, 0.0, 0.02, 0.005);
        let (n, verdict) = first_stop(&noisy).unwrap();
        assert_eq!(n, 16);
        assert_ne!(verdict, Verdict::Regression);
    }

    #[test]
    fn the_sequential_gate_keeps_its_false_alarm_rate() {
        // 400 simulated A/A gates with placement spread: failures at any look ≤ α plus noise.
        let s = Settings {
            min_effect: 0.0,
            ..Settings::default()
        };
        let looks: Vec<usize> = (4..=10).collect();
        let level = crate::sequential::nominal_alpha(0.05, &looks, 5_000, 1).unwrap();
        let s = Settings { alpha: 0.05, ..s };
        let mut fails = 0;
        for seed in 0..400 {
            let data = simulate(1000 + seed, 10, 8, 0.0, 0.004, 0.01);
            for (i, &n) in looks.iter().enumerate() {
                let look = Look {
                    number: i + 1,
                    of: looks.len(),
                    nominal_alpha: level,
                };
                let v = judge_look(&data[..n], look, Direction::HigherIsBetter, &s).unwrap();
                if v.stops() {
                    fails += usize::from(v.verdict == Verdict::Regression);
                    break;
                }
            }
        }
        // One-sided: about α/2 = 2.5 % expected; 5 % would mean the looks leak.
        assert!(fails <= 20, "{fails} of 400 A/A gates failed");
    }

    #[test]
    fn futility_seldom_stops_a_change_of_twice_the_minimum_effect() {
        // 300 gates of a true −1 % change (δ = 0.5 %), placements 0.5 % apart, pairs 1 %: a
        // look that stops without a regression verdict is a futility miss; β = 10 % at exactly δ
        // leaves well under 2 % at 2δ, and most gates fail.
        let s = Settings {
            min_effect: 0.005,
            ..Settings::default()
        };
        let looks: Vec<usize> = (5..=40).collect();
        let level = crate::sequential::nominal_alpha(0.01, &looks, 5_000, 1).unwrap();
        let (mut missed, mut failed) = (0, 0);
        for seed in 0..300 {
            let data = simulate(20_000 + seed, 40, 8, (0.99f64).ln(), 0.005, 0.01);
            for (i, &n) in looks.iter().enumerate() {
                let look = Look {
                    number: i + 1,
                    of: looks.len(),
                    nominal_alpha: level,
                };
                let v = judge_look(&data[..n], look, Direction::HigherIsBetter, &s).unwrap();
                if v.stops() {
                    missed += usize::from(v.verdict != Verdict::Regression && n < 40);
                    failed += usize::from(v.verdict == Verdict::Regression);
                    break;
                }
            }
        }
        assert!(missed <= 6, "{missed} of 300 stopped for futility");
        assert!(failed >= 240, "{failed} of 300 failed");
    }

    #[test]
    fn futility_waits_for_enough_placements() {
        // +0.3 %, placements alike, pairs 0.3 %: after 5 placements a regression of δ is
        // already excluded one-sided, but the interval is still wide; no stop before
        // MIN_FUTILITY_PLACEMENTS unless a verdict.
        let s = Settings {
            min_effect: 0.005,
            ..Settings::default()
        };
        let looks: Vec<usize> = (5..=30).collect();
        let level = crate::sequential::nominal_alpha(0.01, &looks, 5_000, 1).unwrap();
        let data = simulate(31, 30, 8, 0.003, 0.0, 0.003);
        let at = |n: usize| {
            let look = Look {
                number: n - 4,
                of: looks.len(),
                nominal_alpha: level,
            };
            judge_look(&data[..n], look, Direction::HigherIsBetter, &s).unwrap()
        };
        let first = at(5);
        assert_eq!(first.verdict, Verdict::Inconclusive, "{first:?}");
        assert_eq!(first.stop, None, "{first:?}");
        for n in 5..MIN_FUTILITY_PLACEMENTS {
            let v = at(n);
            assert!(
                !v.stops() || v.verdict != Verdict::Inconclusive,
                "{n}: {v:?}"
            );
        }
    }

    #[test]
    fn each_stop_says_why() {
        let s = Settings {
            min_effect: 0.005,
            ..Settings::default()
        };
        let look = |number: usize, of: usize| Look {
            number,
            of,
            nominal_alpha: 0.001,
        };
        // A clear 5 % slowdown decides at the first look.
        let slow = simulate(41, 8, 4, (0.95f64).ln(), 0.002, 0.005);
        let v = judge_look(&slow, look(1, 53), Direction::HigherIsBetter, &s).unwrap();
        assert_eq!(
            (v.verdict, v.stop),
            (Verdict::Regression, Some(Stop::Verdict))
        );
        // +0.3 %, placements alike: undecided about "no change" at ±0.5 %, but a regression of
        // 0.5 % is out of reach once enough placements are in.
        let calm = simulate(31, MIN_FUTILITY_PLACEMENTS, 4, 0.003, 0.001, 0.01);
        let v = judge_look(&calm, look(5, 53), Direction::HigherIsBetter, &s).unwrap();
        assert_eq!(
            (v.verdict, v.stop),
            (Verdict::Inconclusive, Some(Stop::Futility)),
            "{v:?}"
        );
        // −0.6 % under a 2 % spread between placements: nothing decided, the last look ends it.
        let noisy = simulate(51, 12, 4, (0.994f64).ln(), 0.02, 0.01);
        let v = judge_look(&noisy, look(5, 6), Direction::HigherIsBetter, &s).unwrap();
        assert_eq!((v.verdict, v.stop), (Verdict::Inconclusive, None), "{v:?}");
        let v = judge_look(&noisy, look(6, 6), Direction::HigherIsBetter, &s).unwrap();
        assert_eq!(
            (v.verdict, v.stop),
            (Verdict::Inconclusive, Some(Stop::LastLook)),
            "{v:?}"
        );
    }

    #[test]
    fn one_placement_far_off_neither_moves_the_estimate_nor_widens_it_much() {
        let mut data = simulate(21, 16, 16, 0.0, 0.002, 0.005);
        let clean = estimate_placements(&data, 0.99).unwrap();
        for pair in data[5].iter_mut() {
            pair.1 *= 0.95; // this placement's layout cost it 5 %
        }
        let hit = estimate_placements(&data, 0.99).unwrap();
        assert!((hit.ratio / clean.ratio - 1.0).abs() < 0.002, "{hit:?}");
        let width = |e: &PlacementEstimate| e.ci.1 - e.ci.0;
        assert!(width(&hit) < 1.5 * width(&clean), "{hit:?} vs {clean:?}");
        // The plain mean would have moved by 5 % / 16 ≈ 0.3 % and tripled the width.
        assert!(hit.between_sd > clean.between_sd);
    }

    #[test]
    fn bad_placements_are_refused_not_analysed() {
        assert!(matches!(
            estimate_placements(&[vec![(1.0, 1.0), (1.0, 1.0)]], 0.99),
            Err(PairedError::TooFewPairs { .. })
        ));
        assert!(matches!(
            estimate_placements(&[vec![(1.0, 1.0)], vec![(1.0, 1.0)]], 0.99),
            Err(PairedError::TooFewPairs { n: 1 })
        ));
        assert!(matches!(
            estimate_placements(
                &[
                    vec![(1.0, 1.0), (1.0, 1.0)],
                    vec![(1.0, f64::NAN), (1.0, 1.0)]
                ],
                0.99
            ),
            Err(PairedError::NotPositive {
                pair: 2,
                block: 1,
                side: "b",
                ..
            })
        ));
        assert!(estimate_placements(&vec![vec![(1.0, 1.0); 2]; 3], 1.0).is_err());
    }
}
