//! The gate's one decision rule, for every design: [`decide`] turns a [`Case`] — the evidence
//! (ratio, its interval, the multiplicity-adjusted p-value) and the design's sample-size and
//! noise [`Facts`] — into a [`Verdict`] and the [`Reason`] that decided it. In order
//! (δ = `min_effect`, α = `alpha`, `p` = the adjusted p-value):
//!
//! 1. **Inconclusive** when there is too little data, by design:
//!    * independent samples or runs ([`Facts::Samples`]): `n_a` or `n_b` < `min_samples` (the
//!      reason says how many are needed), or a single run's autocorrelated intervals amount to
//!      fewer than `min_samples` effective ones (`n/τ`, see [`crate::dependence`]);
//!    * pairs ([`Facts::Pairs`]): fewer non-zero pairs, or blocks, than the tests need to reach
//!      α at all (the smallest exact p of n units is `2/2ⁿ`: [`min_units`]), or fewer than
//!      `min_samples` pairs;
//!    * placements ([`Facts::Placements`]): fewer than
//!      [`MIN_PLACEMENTS`] fresh processes.
//! 2. **Inconclusive** when too noisy to judge: a side's `cv` > `max_noise_cv`; for pairs, one
//!    pair's robust spread > `max_noise_cv`, unless the whole interval lies beyond that noise
//!    (`e^±spread`): a change that large is not what the noise could make.
//! 3. **Regression** if `p < α`, the CI lies entirely on the worse side of 1 (it only has to
//!    exclude 1.0), and the point ratio is worse than `1 ∓ δ`. "Worse" is `ratio < 1 − δ` /
//!    `CI.hi < 1` for [`Direction::HigherIsBetter`], `ratio > 1 + δ` / `CI.lo > 1` for
//!    [`Direction::LowerIsBetter`].
//! 4. **Improvement**: the mirror image of 3.
//! 5. **NoChange** if the whole CI lies within `[1 − δ, 1 + δ]`, significant or not: any
//!    change is smaller than δ.
//! 6. **Inconclusive** otherwise (the CI cannot rule out a change of δ, or test and CI
//!    disagree), with the samples that would decide in the reason when more would help.

use crate::reason::{Evidence, Reason};
use crate::settings::Settings;

/// Which way a metric should move; decides whether a ratio above 1 is good or bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Throughput-like metrics: a larger candidate value is better.
    HigherIsBetter,
    /// Time/latency-like metrics: a smaller candidate value is better.
    LowerIsBetter,
}

/// Outcome of the gate for one benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Significantly and materially worse (fails the gate).
    Regression,
    /// Significantly and materially better.
    Improvement,
    /// Any change is demonstrably smaller than `min_effect`.
    NoChange,
    /// Not enough evidence either way (too few samples, too noisy, or CI too wide).
    Inconclusive,
}

/// What a design knows about its sample sizes and noise: the facts its guards (steps 1 and 2)
/// judge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Facts {
    /// Two independent samples, one run a side or several (see [`crate::verdict`]).
    Samples {
        /// Samples of A and B.
        n: (usize, usize),
        /// Samples per side that would detect a `min_effect` shift, if known.
        needed_samples: Option<usize>,
        /// Relative spread (CV) of A and B the noise guard judges.
        noise_cv: (f64, f64),
    },
    /// Paired measurements (see [`crate::paired`]).
    Pairs {
        /// Non-zero pairs the signed-rank test ranked.
        nonzero: usize,
        /// Blocks (the sign flip's and the bootstrap's units).
        blocks: usize,
        /// Robust spread of the pairs' log-ratios (≈ one pair's relative noise).
        spread: f64,
    },
    /// Pairs from several fresh processes, the process the unit (see
    /// [`crate::paired::placements`]).
    Placements {
        /// Placements analysed.
        placements: usize,
        /// Robust spread of all pairs' log-ratios (≈ one pair's relative noise).
        spread: f64,
    },
}

/// Everything the rule judges for one quantity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Case {
    /// The figures: ratio, interval, adjusted p (and what the design adds to them).
    pub evidence: Evidence,
    /// The sample-size and noise facts of the design.
    pub facts: Facts,
}

/// Fewest placements (fresh processes) the placement design judges: two leave one degree of
/// freedom, whose t quantile (63.7 at 99 %) makes every interval useless.
pub const MIN_PLACEMENTS: usize = 3;

/// Smallest number of sign units (pairs or blocks) whose exact two-sided p can fall below
/// `alpha`: the smallest such p is `2/2ⁿ`. 8 at α = 0.01; `usize::MAX` for an invalid α.
pub fn min_units(alpha: f64) -> usize {
    if !(alpha > 0.0 && alpha < 1.0) {
        return usize::MAX;
    }
    let mut n = 1;
    while 2.0 / 2f64.powi(n as i32) >= alpha {
        n += 1;
    }
    n
}

impl Facts {
    /// Samples per side that would decide, when more than the smaller side has.
    fn needed_samples(&self) -> Option<usize> {
        match *self {
            Facts::Samples {
                n, needed_samples, ..
            } => needed_samples.filter(|&k| k > n.0.min(n.1)),
            Facts::Pairs { .. } | Facts::Placements { .. } => None,
        }
    }

    /// Steps 1 and 2 for this design: the reason it cannot be judged, if any.
    fn guard(&self, evidence: Evidence, s: &Settings) -> Option<Reason> {
        match *self {
            Facts::Samples {
                n,
                needed_samples,
                noise_cv: (cv_a, cv_b),
            } => {
                let enough = n.0 >= s.min_samples && n.1 >= s.min_samples;
                if let Some(ac) = evidence.autocorrelation {
                    if enough && ac.effective.0.min(ac.effective.1) < s.min_samples as f64 {
                        return Some(Reason::TooFewIndependent {
                            evidence,
                            min_samples: s.min_samples,
                            needed_samples: self.needed_samples(),
                        });
                    }
                }
                if !enough {
                    return Some(Reason::TooFewSamples {
                        n,
                        min_samples: s.min_samples,
                        needed_samples: needed_samples.unwrap_or(s.min_samples).max(s.min_samples),
                    });
                }
                let too_noisy = |cv: f64| cv.is_nan() || cv > s.max_noise_cv;
                if too_noisy(cv_a) || too_noisy(cv_b) {
                    return Some(Reason::TooNoisy {
                        cv: (cv_a, cv_b),
                        max_cv: s.max_noise_cv,
                        needed_samples: self.needed_samples(),
                    });
                }
                None
            }
            Facts::Pairs {
                nonzero,
                blocks,
                spread,
            } => {
                let units = min_units(s.alpha);
                let min_pairs = units.max(s.min_samples);
                if nonzero < min_pairs || blocks < units {
                    return Some(Reason::TooFewPairs {
                        evidence,
                        nonzero,
                        alpha: s.alpha,
                        min_pairs,
                        min_blocks: units,
                    });
                }
                pairs_too_noisy(evidence, spread, s)
            }
            Facts::Placements { placements, spread } => {
                let min_placements = MIN_PLACEMENTS;
                if placements < min_placements {
                    return Some(Reason::TooFewPlacements {
                        evidence,
                        placements,
                        min_placements,
                    });
                }
                pairs_too_noisy(evidence, spread, s)
            }
        }
    }
}

/// Step 2 for pairs: one pair's noise above the limit, unless the whole interval lies beyond
/// that noise (`e^±spread`).
fn pairs_too_noisy(evidence: Evidence, spread: f64, s: &Settings) -> Option<Reason> {
    let (lo, hi) = evidence.ci;
    let beyond_noise = hi < (-spread).exp() || lo > spread.exp();
    if spread.is_nan() || (spread > s.max_noise_cv && !beyond_noise) {
        return Some(Reason::PairsTooNoisy {
            evidence,
            spread,
            max_spread: s.max_noise_cv,
        });
    }
    None
}

/// Applies the decision rule (module doc) to a case, for a quantity whose better direction is
/// `dir`. Returns the verdict and the step that decided it, with its numbers.
pub fn decide(case: &Case, dir: Direction, s: &Settings) -> (Verdict, Reason) {
    let evidence = case.evidence;
    if let Some(reason) = case.facts.guard(evidence, s) {
        return (Verdict::Inconclusive, reason);
    }
    let (ratio, (lo, hi)) = (evidence.ratio, evidence.ci);
    let min_effect = s.min_effect;
    let significant = evidence.p_adjusted < s.alpha;
    let lower = hi < 1.0 && ratio < 1.0 - min_effect;
    let higher = lo > 1.0 && ratio > 1.0 + min_effect;
    let (worse, better) = match dir {
        Direction::HigherIsBetter => (lower, higher),
        Direction::LowerIsBetter => (higher, lower),
    };
    if significant && worse {
        let reason = Reason::Regression {
            evidence,
            min_effect,
        };
        return (Verdict::Regression, reason);
    }
    if significant && better {
        let reason = Reason::Improvement {
            evidence,
            min_effect,
        };
        return (Verdict::Improvement, reason);
    }
    if lo >= 1.0 - min_effect && hi <= 1.0 + min_effect {
        let reason = Reason::NoChange {
            evidence,
            min_effect,
        };
        return (Verdict::NoChange, reason);
    }
    let reason = Reason::Undecided {
        evidence,
        significant,
        min_effect,
        needed_samples: case.facts.needed_samples(),
    };
    (Verdict::Inconclusive, reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reason::{Autocorrelation, PairedTests};
    use Direction::*;
    use Verdict::*;

    /// The rule tables are written for a 5% minimum effect.
    fn settings() -> Settings {
        Settings {
            min_effect: 0.05,
            ..Settings::default()
        }
    }

    fn evidence(ratio: f64, lo: f64, hi: f64, p: f64) -> Evidence {
        Evidence {
            ratio,
            ci: (lo, hi),
            confidence: 0.99,
            p_adjusted: p,
            autocorrelation: None,
            paired: None,
            placements: None,
        }
    }

    /// Independent samples: 30 a side, cv 5% (40 needed to detect 5%).
    fn samples(ratio: f64, lo: f64, hi: f64, p: f64) -> Case {
        Case {
            evidence: evidence(ratio, lo, hi, p),
            facts: Facts::Samples {
                n: (30, 30),
                needed_samples: Some(40),
                noise_cv: (0.05, 0.05),
            },
        }
    }

    /// 30 pairs in 15 blocks, 3% pair noise.
    fn pairs(ratio: f64, lo: f64, hi: f64, p: f64) -> Case {
        Case {
            evidence: Evidence {
                paired: Some(PairedTests {
                    signed_rank: p,
                    sign_flip: p,
                    pairs: 30,
                    blocks: 15,
                }),
                placements: None,
                ..evidence(ratio, lo, hi, p)
            },
            facts: Facts::Pairs {
                nonzero: 30,
                blocks: 15,
                spread: 0.03,
            },
        }
    }

    fn both(ratio: f64, lo: f64, hi: f64, p: f64) -> [Case; 2] {
        [samples(ratio, lo, hi, p), pairs(ratio, lo, hi, p)]
    }

    #[test]
    fn the_shared_steps_decide_alike_for_both_designs() {
        let s = settings();
        let (sig, ns) = (0.001, 0.5);
        let cases = [
            // (ratio, lo, hi, p, dir, expected)
            (0.80, 0.75, 0.85, sig, HigherIsBetter, Regression),
            (0.80, 0.75, 0.85, sig, LowerIsBetter, Improvement),
            (1.20, 1.15, 1.25, sig, LowerIsBetter, Regression),
            (1.20, 1.15, 1.25, sig, HigherIsBetter, Improvement),
            // The CI only needs to exclude 1.0, not 1 − δ.
            (0.93, 0.86, 0.99, sig, HigherIsBetter, Regression),
            // Not significant: never a regression; the CI is too wide to say no change.
            (0.80, 0.75, 0.85, ns, HigherIsBetter, Inconclusive),
            // Point ratio within δ although the CI excludes 1: not a regression.
            (0.97, 0.93, 0.99, sig, HigherIsBetter, Inconclusive),
            // CI crosses 1 despite a small p (test and interval disagree).
            (0.90, 0.85, 1.01, sig, HigherIsBetter, Inconclusive),
            // CI inside ±δ: no change, significant or not.
            (1.02, 1.01, 1.03, sig, LowerIsBetter, NoChange),
            (1.00, 0.96, 1.04, ns, LowerIsBetter, NoChange),
            (1.00, 0.94, 1.04, ns, LowerIsBetter, Inconclusive),
            // A NaN p-value is never significant.
            (0.80, 0.75, 0.85, f64::NAN, HigherIsBetter, Inconclusive),
        ];
        for (ratio, lo, hi, p, dir, want) in cases {
            for case in both(ratio, lo, hi, p) {
                let (v, reason) = decide(&case, dir, &s);
                assert_eq!(v, want, "{ratio} [{lo}, {hi}] p={p} {dir:?}: {reason}");
                let step_matches = match v {
                    Regression => matches!(reason, Reason::Regression { .. }),
                    Improvement => matches!(reason, Reason::Improvement { .. }),
                    NoChange => matches!(reason, Reason::NoChange { .. }),
                    Inconclusive => matches!(reason, Reason::Undecided { .. }),
                };
                assert!(step_matches, "{v:?}: {reason:?}");
                assert!(!reason.to_string().contains('\n'));
            }
        }
        // Only independent samples know how many more would decide.
        let [independent, paired] = both(1.00, 0.94, 1.04, 0.5);
        let need = |c: &Case| match decide(c, HigherIsBetter, &s).1 {
            Reason::Undecided { needed_samples, .. } => needed_samples,
            r => panic!("{r:?}"),
        };
        assert_eq!(need(&independent), Some(40));
        assert_eq!(need(&paired), None);
    }

    /// Steps 1 and 2 for a clear regression (ratio 0.5, CI 0.4..0.6, p 1e-9) with `facts`.
    fn guarded(facts: Facts, autocorrelation: Option<Autocorrelation>) -> (Verdict, Reason) {
        let mut case = samples(0.5, 0.4, 0.6, 1e-9);
        case.evidence.autocorrelation = autocorrelation;
        case.facts = facts;
        decide(&case, HigherIsBetter, &Settings::default())
    }

    fn independent(n: usize, cv: f64) -> Facts {
        Facts::Samples {
            n: (n, n),
            needed_samples: Some(12),
            noise_cv: (cv, cv),
        }
    }

    fn paired(nonzero: usize, blocks: usize, spread: f64) -> Facts {
        Facts::Pairs {
            nonzero,
            blocks,
            spread,
        }
    }

    #[test]
    fn too_few_samples_or_pairs_come_first() {
        let (v, reason) = guarded(independent(4, 0.05), None);
        assert_eq!(v, Inconclusive);
        assert!(
            matches!(
                reason,
                Reason::TooFewSamples {
                    n: (4, 4),
                    min_samples: 5,
                    needed_samples: 12
                }
            ),
            "{reason}"
        );
        // Too few beats too noisy.
        assert!(matches!(
            guarded(independent(4, 0.9), None).1,
            Reason::TooFewSamples { .. }
        ));
        // Pairs: at α = 0.01 the tests need 8 non-zero pairs in 8 blocks.
        for facts in [paired(7, 8, 0.03), paired(30, 7, 0.03), paired(7, 7, 0.9)] {
            let (v, reason) = guarded(facts, None);
            assert_eq!(v, Inconclusive);
            assert!(
                matches!(
                    reason,
                    Reason::TooFewPairs {
                        min_pairs: 8,
                        min_blocks: 8,
                        ..
                    }
                ),
                "{facts:?}: {reason}"
            );
            assert!(reason.to_string().starts_with("too few pairs"));
        }
        assert_eq!(guarded(paired(8, 8, 0.03), None).0, Regression);
    }

    #[test]
    fn autocorrelated_intervals_count_as_fewer_samples() {
        let ac = |effective| {
            Some(Autocorrelation {
                phi: (0.9, 0.1),
                effective,
            })
        };
        let (v, reason) = guarded(independent(30, 0.05), ac((3.0, 25.0)));
        assert_eq!(v, Inconclusive);
        assert!(
            matches!(
                reason,
                Reason::TooFewIndependent {
                    min_samples: 5,
                    needed_samples: None,
                    ..
                }
            ),
            "{reason}"
        );
        assert_eq!(
            guarded(independent(30, 0.05), ac((6.0, 25.0))).0,
            Regression
        );
    }

    #[test]
    fn too_noisy_unless_the_change_lies_beyond_the_noise() {
        let (v, reason) = guarded(independent(30, 0.6), None);
        assert_eq!(v, Inconclusive);
        assert!(
            matches!(reason, Reason::TooNoisy { cv: (a, b), max_cv, .. } if a == 0.6 && b == 0.6 && max_cv == 0.5),
            "{reason}"
        );
        assert!(matches!(
            guarded(independent(30, f64::NAN), None).1,
            Reason::TooNoisy { .. }
        ));
        // Pairs: 60% pair noise hides a halving whose interval reaches e^-0.6 = 0.55 ...
        let (v, reason) = guarded(paired(30, 15, 0.6), None);
        assert_eq!(v, Inconclusive);
        assert!(
            matches!(reason, Reason::PairsTooNoisy { spread, max_spread, .. } if spread == 0.6 && max_spread == 0.5),
            "{reason}"
        );
        assert!(matches!(
            guarded(paired(30, 15, f64::NAN), None).1,
            Reason::PairsTooNoisy { .. }
        ));
        // ... but not one whose whole interval lies beyond it (a 64 % slowdown seen through
        // 54 % pair noise on a loaded machine; e^-0.538 = 0.584).
        let s = settings();
        let mut far = pairs(0.36, 0.29, 0.46, 0.001);
        far.facts = paired(30, 15, 0.538);
        assert_eq!(decide(&far, HigherIsBetter, &s).0, Regression);
        let mut near = pairs(0.50, 0.40, 0.62, 0.001);
        near.facts = paired(30, 15, 0.538);
        assert!(matches!(
            decide(&near, HigherIsBetter, &s).1,
            Reason::PairsTooNoisy { .. }
        ));
    }

    #[test]
    fn min_units_is_where_the_smallest_exact_p_drops_below_alpha() {
        assert_eq!(min_units(0.01), 8); // 2/2^8 = 0.0078
        assert_eq!(min_units(0.05), 6); // 2/2^6 = 0.031
        assert_eq!(min_units(0.0), usize::MAX);
        assert_eq!(min_units(f64::NAN), usize::MAX);
    }
}
