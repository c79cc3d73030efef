//! The knobs every analysis and the decision rule share, in a home of their own so the rule
//! ([`crate::rule`]) and the analyses ([`crate::verdict`]) both depend on them, not on each other.

/// Knobs of the gate; `Default` gives the recommended values.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Significance level for the (adjusted) p-value; default 0.01.
    pub alpha: f64,
    /// Smallest relative change that matters, as a fraction; default 0.03 (3%, the gate's).
    pub min_effect: f64,
    /// Confidence level of the bootstrap CI of the ratio; default 0.99.
    pub confidence: f64,
    /// Bootstrap resamples; default 2000.
    pub resamples: usize,
    /// Fewer samples than this on either side → Inconclusive; default 5.
    pub min_samples: usize,
    /// Bootstrap seed, so verdicts are reproducible; default a fixed constant.
    pub seed: u64,
    /// A side whose coefficient of variation exceeds this is "too noisy"; default 0.5.
    pub max_noise_cv: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            alpha: 0.01,
            min_effect: 0.03,
            confidence: 0.99,
            resamples: 2000,
            min_samples: 5,
            seed: 0x5EED_57A7_BE4C_0001,
            max_noise_cv: 0.5,
        }
    }
}
