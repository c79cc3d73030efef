//! Why [`crate::decide`] reached its verdict, as data: which step of the decision rule
//! (see [`crate::rule`]) decided, with the numbers it judged. Rendered to one line only by
//! its `Display` (tables, JSON's `reason`), so callers and tests match on the variant.

use std::fmt;

/// The figures every judged verdict rests on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evidence {
    /// `median(b) / median(a)`.
    pub ratio: f64,
    /// Confidence interval of the ratio, `(lo, hi)`.
    pub ci: (f64, f64),
    /// Confidence level of the interval (0.99).
    pub confidence: f64,
    /// The p-value after multiplicity adjustment.
    pub p_adjusted: f64,
    /// A single run's serial dependence, when either side's intervals are autocorrelated.
    pub autocorrelation: Option<Autocorrelation>,
    /// The paired tests behind `p_adjusted`, when the sides were measured in pairs.
    pub paired: Option<PairedTests>,
    /// The placements behind `p_adjusted`, when the pairs came from several fresh processes.
    pub placements: Option<PlacementTests>,
}

/// What a placement-paired comparison's evidence adds ([`crate::paired::placements`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlacementTests {
    /// Placements (fresh processes) analysed.
    pub placements: usize,
    /// Pairs in all of them.
    pub pairs: usize,
    /// The t test's p before it was scaled to the look's level.
    pub p: f64,
    /// Between-placement standard deviation of the log-ratio (τ̂).
    pub between_sd: f64,
    /// The look that judged it.
    pub look: crate::sequential::Look,
}

/// What a paired comparison's evidence adds: both tests' p-values and how many units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairedTests {
    /// Wilcoxon signed-rank p on the pairs' log-ratios (unadjusted).
    pub signed_rank: f64,
    /// Block sign-flip p (unadjusted).
    pub sign_flip: f64,
    /// Pairs analysed.
    pub pairs: usize,
    /// Blocks they came in.
    pub blocks: usize,
}

/// Serial dependence of a single run's intervals, as the verdict saw it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Autocorrelation {
    /// AR(1) coefficient φ of A and B.
    pub phi: (f64, f64),
    /// Effective (independent-equivalent) sample sizes of A and B.
    pub effective: (f64, f64),
}

/// Which step decided a verdict, with its numbers (step numbers as in [`crate::rule`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reason {
    /// Rule 1: autocorrelated intervals amount to fewer than `min_samples` independent ones.
    TooFewIndependent {
        /// The figures, inconclusive.
        evidence: Evidence,
        /// The minimum per side.
        min_samples: usize,
        /// Samples per side that would decide, when more than the sides have.
        needed_samples: Option<usize>,
    },
    /// Rule 1: fewer than `min_samples` on a side.
    TooFewSamples {
        /// Samples of A and B.
        n: (usize, usize),
        /// The minimum per side.
        min_samples: usize,
        /// Samples per side that would decide (at least the minimum).
        needed_samples: usize,
    },
    /// Rule 1, pairs: too few non-zero pairs or blocks for the tests to reach α at all.
    TooFewPairs {
        /// The figures, inconclusive.
        evidence: Evidence,
        /// Non-zero pairs the signed-rank test ranked.
        nonzero: usize,
        /// The significance level.
        alpha: f64,
        /// Non-zero pairs needed.
        min_pairs: usize,
        /// Blocks needed.
        min_blocks: usize,
    },
    /// Rule 1, placements: too few fresh processes for a between-placement spread.
    TooFewPlacements {
        /// The figures, inconclusive.
        evidence: Evidence,
        /// Placements analysed.
        placements: usize,
        /// Placements needed.
        min_placements: usize,
    },
    /// Rule 2, pairs: one pair's noise is above the limit and the interval does not lie
    /// beyond it.
    PairsTooNoisy {
        /// The figures, inconclusive.
        evidence: Evidence,
        /// Robust spread of the pairs' log-ratios.
        spread: f64,
        /// The limit (`max_noise_cv`).
        max_spread: f64,
    },
    /// Rule 2: a side's relative spread is above the limit.
    TooNoisy {
        /// Coefficients of variation of A and B (the run medians' when the run is the unit).
        cv: (f64, f64),
        /// The limit.
        max_cv: f64,
        /// Samples per side that would decide, when more than the sides have.
        needed_samples: Option<usize>,
    },
    /// Rule 3: significantly and materially worse.
    Regression {
        /// The figures.
        evidence: Evidence,
        /// The minimum effect δ (fraction).
        min_effect: f64,
    },
    /// Rule 4: significantly and materially better.
    Improvement {
        /// The figures.
        evidence: Evidence,
        /// The minimum effect δ (fraction).
        min_effect: f64,
    },
    /// Rule 5: the whole interval lies within ±δ.
    NoChange {
        /// The figures.
        evidence: Evidence,
        /// The minimum effect δ (fraction).
        min_effect: f64,
    },
    /// Rule 6: the interval cannot rule out a change of δ, or test and interval disagree.
    Undecided {
        /// The figures.
        evidence: Evidence,
        /// Whether the adjusted p-value was below α.
        significant: bool,
        /// The minimum effect δ (fraction).
        min_effect: f64,
        /// Samples per side that would decide, when more than the sides have.
        needed_samples: Option<usize>,
    },
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(t) = self.placements {
            return write!(
                f,
                "paired ratio {:.4} ({:.1}% CI {:.4}..{:.4}), p_adj {:.2e} (t {:.2e} at look {} of {}, level {:.2e}), {} placements of {} pairs, between-placement sd {:.2}%",
                self.ratio,
                self.confidence * 100.0,
                self.ci.0,
                self.ci.1,
                self.p_adjusted,
                t.p,
                t.look.number,
                t.look.of,
                t.look.nominal_alpha,
                t.placements,
                t.pairs,
                t.between_sd * 100.0
            );
        }
        if let Some(t) = self.paired {
            // Paired ratios resolve a few tenths of a percent: one more digit.
            return write!(
                f,
                "paired ratio {:.4} ({:.0}% CI {:.4}..{:.4}), p_adj {:.2e} (signed-rank {:.2e}, sign-flip {:.2e}), {} pairs in {} blocks",
                self.ratio,
                self.confidence * 100.0,
                self.ci.0,
                self.ci.1,
                self.p_adjusted,
                t.signed_rank,
                t.sign_flip,
                t.pairs,
                t.blocks
            );
        }
        write!(
            f,
            "ratio {:.3} ({:.0}% CI {:.3}..{:.3}), p_adj {:.2e}",
            self.ratio,
            self.confidence * 100.0,
            self.ci.0,
            self.ci.1,
            self.p_adjusted
        )?;
        if let Some(d) = self.autocorrelation {
            write!(
                f,
                "; autocorrelated intervals (φ {:.2}/{:.2}): ~{:.0}/~{:.0} effective",
                d.phi.0, d.phi.1, d.effective.0, d.effective.1
            )?;
        }
        Ok(())
    }
}

/// `; need ~n samples per side`, when a number is known.
struct Need(Option<usize>);

impl fmt::Display for Need {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(n) => write!(f, "; need ~{n} samples per side"),
            None => Ok(()),
        }
    }
}

impl Reason {
    /// The same reason without its "need ~n samples per side": where the run is the unit, the
    /// runs needed say it (two numbers side by side read as a contradiction).
    pub fn without_sample_need(self) -> Reason {
        let mut r = self;
        match &mut r {
            Reason::TooFewIndependent { needed_samples, .. }
            | Reason::TooNoisy { needed_samples, .. }
            | Reason::Undecided { needed_samples, .. } => *needed_samples = None,
            _ => {}
        }
        r
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Reason::TooFewIndependent {
                evidence,
                min_samples,
                needed_samples,
            } => write!(
                f,
                "too few independent samples: {evidence}; minimum {min_samples}{}",
                Need(needed_samples)
            ),
            Reason::TooFewSamples {
                n,
                min_samples,
                needed_samples,
            } => write!(
                f,
                "too few samples (a: {}, b: {}, minimum {min_samples}); need ~{needed_samples} samples per side",
                n.0, n.1
            ),
            Reason::TooFewPairs {
                evidence,
                nonzero,
                alpha,
                min_pairs,
                min_blocks,
            } => write!(
                f,
                "too few pairs: {evidence} ({nonzero} non-zero); at α = {alpha} need at least {min_pairs} non-zero pairs in at least {min_blocks} blocks"
            ),
            Reason::TooFewPlacements {
                evidence,
                placements,
                min_placements,
            } => write!(
                f,
                "too few placements: {evidence}; need at least {min_placements} fresh processes, have {placements}"
            ),
            Reason::PairsTooNoisy {
                evidence,
                spread,
                max_spread,
            } => write!(
                f,
                "too noisy: {evidence}; pair spread {:.1}% (max {:.1}%)",
                spread * 100.0,
                max_spread * 100.0
            ),
            Reason::TooNoisy {
                cv,
                max_cv,
                needed_samples,
            } => write!(
                f,
                "too noisy: cv a {:.1}%, b {:.1}% (max {:.1}%){}",
                cv.0 * 100.0,
                cv.1 * 100.0,
                max_cv * 100.0,
                Need(needed_samples)
            ),
            Reason::Regression {
                evidence,
                min_effect,
            } => write!(
                f,
                "regression: {evidence}; worse by more than {:.1}%",
                min_effect * 100.0
            ),
            Reason::Improvement {
                evidence,
                min_effect,
            } => write!(
                f,
                "improvement: {evidence}; better by more than {:.1}%",
                min_effect * 100.0
            ),
            Reason::NoChange {
                evidence,
                min_effect,
            } => write!(
                f,
                "no change: {evidence}; CI within ±{:.1}%",
                min_effect * 100.0
            ),
            Reason::Undecided {
                evidence,
                significant,
                min_effect,
                needed_samples,
            } => {
                let pct = min_effect * 100.0;
                write!(f, "inconclusive: {evidence}; ")?;
                if significant {
                    write!(
                        f,
                        "significant, but CI and point ratio do not both clear ±{pct:.1}%"
                    )?;
                } else {
                    write!(
                        f,
                        "not significant, and the CI cannot rule out a ±{pct:.1}% change"
                    )?;
                }
                write!(f, "{}", Need(needed_samples))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence(autocorrelation: Option<Autocorrelation>) -> Evidence {
        Evidence {
            ratio: 0.8,
            ci: (0.75, 0.85),
            confidence: 0.99,
            p_adjusted: 0.001,
            autocorrelation,
            paired: None,
            placements: None,
        }
    }

    #[test]
    fn every_rule_renders_its_numbers_in_one_line() {
        let plain = evidence(None);
        let dependent = evidence(Some(Autocorrelation {
            phi: (0.5, 0.25),
            effective: (33.3, 60.0),
        }));
        let ev = "ratio 0.800 (99% CI 0.750..0.850), p_adj 1.00e-3";
        let cases = [
            (
                Reason::Regression {
                    evidence: plain,
                    min_effect: 0.03,
                },
                format!("regression: {ev}; worse by more than 3.0%"),
            ),
            (
                Reason::Improvement {
                    evidence: plain,
                    min_effect: 0.05,
                },
                format!("improvement: {ev}; better by more than 5.0%"),
            ),
            (
                Reason::NoChange {
                    evidence: plain,
                    min_effect: 0.03,
                },
                format!("no change: {ev}; CI within ±3.0%"),
            ),
            (
                Reason::Undecided {
                    evidence: plain,
                    significant: false,
                    min_effect: 0.03,
                    needed_samples: Some(98),
                },
                format!("inconclusive: {ev}; not significant, and the CI cannot rule out a ±3.0% change; need ~98 samples per side"),
            ),
            (
                Reason::Undecided {
                    evidence: plain,
                    significant: true,
                    min_effect: 0.03,
                    needed_samples: None,
                },
                format!("inconclusive: {ev}; significant, but CI and point ratio do not both clear ±3.0%"),
            ),
            (
                Reason::TooFewSamples {
                    n: (4, 3),
                    min_samples: 5,
                    needed_samples: 7,
                },
                "too few samples (a: 4, b: 3, minimum 5); need ~7 samples per side".into(),
            ),
            (
                Reason::TooNoisy {
                    cv: (0.6, 0.1),
                    max_cv: 0.5,
                    needed_samples: None,
                },
                "too noisy: cv a 60.0%, b 10.0% (max 50.0%)".into(),
            ),
            (
                Reason::TooFewIndependent {
                    evidence: dependent,
                    min_samples: 5,
                    needed_samples: Some(40),
                },
                format!("too few independent samples: {ev}; autocorrelated intervals (φ 0.50/0.25): ~33/~60 effective; minimum 5; need ~40 samples per side"),
            ),
        ];
        for (reason, want) in cases {
            assert_eq!(reason.to_string(), want, "{reason:?}");
        }
    }

    #[test]
    fn paired_reasons_name_both_tests_and_the_units() {
        let paired = Evidence {
            ratio: 0.99123,
            ci: (0.98, 0.995),
            p_adjusted: 1.2e-4,
            paired: Some(PairedTests {
                signed_rank: 3.0e-6,
                sign_flip: 1.2e-4,
                pairs: 30,
                blocks: 15,
            }),
            placements: None,
            ..evidence(None)
        };
        let ev = "paired ratio 0.9912 (99% CI 0.9800..0.9950), p_adj 1.20e-4 (signed-rank 3.00e-6, sign-flip 1.20e-4), 30 pairs in 15 blocks";
        let cases = [
            (
                Reason::Regression {
                    evidence: paired,
                    min_effect: 0.005,
                },
                format!("regression: {ev}; worse by more than 0.5%"),
            ),
            (
                Reason::TooFewPairs {
                    evidence: paired,
                    nonzero: 6,
                    alpha: 0.01,
                    min_pairs: 8,
                    min_blocks: 8,
                },
                format!("too few pairs: {ev} (6 non-zero); at α = 0.01 need at least 8 non-zero pairs in at least 8 blocks"),
            ),
            (
                Reason::PairsTooNoisy {
                    evidence: paired,
                    spread: 0.6,
                    max_spread: 0.5,
                },
                format!("too noisy: {ev}; pair spread 60.0% (max 50.0%)"),
            ),
        ];
        for (reason, want) in cases {
            assert_eq!(reason.to_string(), want, "{reason:?}");
        }
    }
}
