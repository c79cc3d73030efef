//! Step detection over commits, as pure math on a slice: where a quantity's level changed, by
//! how much, and whether the change stayed.
//!
//! * **Model.** One value per commit, in commit order (the median of the commit's per-run
//!   medians), piecewise constant plus noise; in log scale when every value is positive, so a
//!   step is a ratio and −5% weighs like +5%.
//! * **Noise** `σ` is estimated robustly from successive differences (MAD/√2), which a few
//!   steps barely move; its floor is a relative 1e-9 (a constant series has no steps).
//! * **Outliers** (a disturbed run, a noisy neighbour for a night or two) are pulled to within
//!   [`StepSettings::clip`]·σ of a running median of nine commits before fitting; a running
//!   median follows a real step at once, so only short excursions are flattened. Step sizes
//!   are measured on the raw values.
//! * **Fit.** The exact least-squares segmentation with a penalty `β = γ·σ²` per step
//!   (optimal partitioning with PELT's pruning, O(n) to O(n²) with O(1) segment costs), each
//!   level held by at least [`MIN_SEGMENT`] commits. `γ` ([`DEFAULT_PENALTY`]) is calibrated on
//!   simulated A/A histories: noise alone gives a step in at most 0.5% of histories of 30 to
//!   3,000 commits (1.3% with 1% of runs disturbed); a penalty growing with `ln n`, as BIC
//!   has it, was too lax for short histories and too strict for long ones (figures in the
//!   README; `cargo test -p statbench --test history_steps -- --ignored`).
//! * **Each step** gets the first commit after it, the range of commits where it could as
//!   well be (positions whose two-segment fit is within χ²₁'s 99% quantile of the best; the
//!   true commit fell inside it in 88–97% of simulated 2–5% steps, always for 10%), its size
//!   as the ratio of the medians either side with a 99% interval (bootstrap up to 400
//!   commits a side, order-statistic errors beyond, as [`statbench_stats`] does), and
//!   whether it persists: the latest level still holds at least half of it.
//! * **Resolution.** A step `δ` between stretches of `a` and `b` commits lowers the cost by
//!   about `δ²·ab/(a+b)`, so the fit accepts it when that exceeds `β`: the smallest step seen
//!   is `√(β·(1/a + 1/b))`. [`StepFit::resolution`] gives it for a step in the middle of the
//!   history and for one `k` commits before its end.

use crate::bootstrap::ratio_of_medians_ci;
use crate::medians::{median_estimate, ratio_of_medians_asymptotic};
use crate::summary::median;
use crate::verdict::BOOTSTRAP_MAX_N;

/// `γ` of the penalty `β = γ·σ²` per step; see the module doc for how it was chosen.
pub const DEFAULT_PENALTY: f64 = 20.0;
/// Fewest commits a level must hold to be a segment: an excursion of one or two commits (two
/// disturbed nights) is noise, not a step.
pub const MIN_SEGMENT: usize = 3;
/// Residuals beyond this many σ from the running median are clipped to it.
pub const DEFAULT_CLIP: f64 = 3.0;
/// Fewer commits than this: no fit (too few to tell a step from noise).
pub const MIN_COMMITS: usize = 8;
/// χ²₁ 0.99 quantile: how much worse (in σ² units) a position may fit and still be in a step's
/// commit range.
const CHI2_1_99: f64 = 6.634_896_601_021_214;
/// Half-width of the running median used for clipping (nine commits).
const CLIP_HALF_WINDOW: usize = 4;
/// Bootstrap resamples for a step's interval.
const RESAMPLES: usize = 2000;

/// How steps are fitted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepSettings {
    /// `γ` of the penalty `β = γ·σ²` per step.
    pub penalty: f64,
    /// Outlier clip, in σ from the running median (`f64::INFINITY`: no clipping).
    pub clip: f64,
    /// Confidence of each step's interval.
    pub confidence: f64,
    /// Seed of the bootstrap (the fit itself is deterministic).
    pub seed: u64,
}

impl Default for StepSettings {
    fn default() -> Self {
        StepSettings {
            penalty: DEFAULT_PENALTY,
            clip: DEFAULT_CLIP,
            confidence: 0.99,
            seed: 0x5eed,
        }
    }
}

/// Whether the fit ran on logarithms (every value positive) or on the values themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Scale {
    /// `ln(value)`: steps are ratios.
    Log,
    /// The values: a zero or negative value was present.
    Linear,
}

/// One stretch of commits at one level.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Segment {
    /// First commit (index into the input).
    pub start: usize,
    /// One past the last commit.
    pub end: usize,
    /// Median of the raw values in the stretch.
    pub level: f64,
}

/// One change of level.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Step {
    /// Index of the first commit after the step (the first of the new level).
    pub at: usize,
    /// Earliest and latest index `at` could as well be (χ²₁ 99% rule), inclusive.
    pub range: (usize, usize),
    /// Level before (median of the stretch before).
    pub before: f64,
    /// Level after (median of the stretch after).
    pub after: f64,
    /// `after / before` (`None` when `before` is not positive).
    pub ratio: Option<f64>,
    /// Interval of `ratio` at [`StepSettings::confidence`].
    pub ci: Option<(f64, f64)>,
    /// The latest level still holds at least half of the step.
    pub persists: bool,
    /// Index of the later step that took the level back (when it does not persist).
    pub reverted_at: Option<usize>,
}

impl Step {
    /// Relative size, `ratio − 1` (`None` without a ratio).
    pub fn change(&self) -> Option<f64> {
        self.ratio.map(|r| r - 1.0)
    }
}

/// Why a series got no fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum NoFit {
    /// Fewer than [`MIN_COMMITS`] commits.
    TooFewCommits,
    /// A value that is NaN or infinite.
    NotFinite,
}

/// The fitted steps of one series, with what it takes to see one.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct StepFit {
    /// Commits fitted.
    pub n: usize,
    /// Scale of the fit.
    pub scale: Scale,
    /// Robust noise per commit, in the scale of the fit (log: ≈ relative).
    pub sigma: f64,
    /// Penalty per step, `γ·σ²`.
    pub beta: f64,
    /// The stretches, in order; covers `0..n`.
    pub segments: Vec<Segment>,
    /// The steps between them, in order.
    pub steps: Vec<Step>,
    /// Set when there is no fit (then `segments` and `steps` are empty).
    pub no_fit: Option<NoFit>,
}

impl StepFit {
    /// Smallest step (relative, log scale; absolute, linear) the fit resolves between
    /// stretches of `a` and `b` commits.
    pub fn resolution_between(&self, a: usize, b: usize) -> f64 {
        if a < MIN_SEGMENT || b < MIN_SEGMENT || self.no_fit.is_some() {
            return f64::INFINITY;
        }
        let d = (self.beta * (1.0 / a as f64 + 1.0 / b as f64)).sqrt();
        match self.scale {
            Scale::Log => d.exp() - 1.0,
            Scale::Linear => d,
        }
    }

    /// Resolution of a step `k` commits before the end (`k = n/2`: mid-history).
    pub fn resolution(&self, k: usize) -> f64 {
        let k = k.min(self.n);
        self.resolution_between(self.n - k, k)
    }

    /// Level the fit gives commit `i` (its segment's median).
    pub fn level_at(&self, i: usize) -> Option<f64> {
        self.segments
            .iter()
            .find(|s| (s.start..s.end).contains(&i))
            .map(|s| s.level)
    }
}

/// Fits steps to `values`, one per commit in commit order.
pub fn detect_steps(values: &[f64], settings: &StepSettings) -> StepFit {
    let n = values.len();
    let empty = |scale, no_fit| StepFit {
        n,
        scale,
        sigma: f64::NAN,
        beta: f64::NAN,
        segments: Vec::new(),
        steps: Vec::new(),
        no_fit: Some(no_fit),
    };
    if values.iter().any(|v| !v.is_finite()) {
        return empty(Scale::Linear, NoFit::NotFinite);
    }
    let scale = if values.iter().all(|&v| v > 0.0) {
        Scale::Log
    } else {
        Scale::Linear
    };
    if n < MIN_COMMITS {
        return empty(scale, NoFit::TooFewCommits);
    }
    let x: Vec<f64> = match scale {
        Scale::Log => values.iter().map(|v| v.ln()).collect(),
        Scale::Linear => values.to_vec(),
    };
    let sigma = robust_sigma(&x);
    let beta = settings.penalty * sigma * sigma;
    let fitted = clip_outliers(&x, sigma, settings.clip);
    let starts = segment_starts(&fitted, beta);
    let mut bounds = starts.clone();
    bounds.push(n);
    let segments: Vec<Segment> = bounds
        .windows(2)
        .map(|w| Segment {
            start: w[0],
            end: w[1],
            level: median(&values[w[0]..w[1]]).unwrap_or(f64::NAN),
        })
        .collect();
    let last_level = segments.last().map_or(f64::NAN, |s| s.level);
    let to_fit = |v: f64| match scale {
        Scale::Log => v.ln(),
        Scale::Linear => v,
    };
    let mut steps: Vec<Step> = (1..segments.len())
        .map(|j| {
            let (prev, next) = (&segments[j - 1], &segments[j]);
            let (a, b) = (&values[prev.start..prev.end], &values[next.start..next.end]);
            let (ratio, ci) = step_ratio(a, b, settings);
            let range = position_range(&fitted, prev.start, next.start, next.end, sigma);
            let (lb, la, ll) = (to_fit(prev.level), to_fit(next.level), to_fit(last_level));
            let kept = if la != lb { (ll - lb) / (la - lb) } else { 1.0 };
            Step {
                at: next.start,
                range,
                before: prev.level,
                after: next.level,
                ratio,
                ci,
                persists: kept >= 0.5,
                reverted_at: None,
            }
        })
        .collect();
    // A step that does not persist was taken back by the first later level that keeps less
    // than half of it.
    for j in 0..steps.len() {
        if steps[j].persists {
            continue;
        }
        let (lb, la) = (to_fit(steps[j].before), to_fit(steps[j].after));
        steps[j].reverted_at = steps[j + 1..]
            .iter()
            .find(|later| la == lb || (to_fit(later.after) - lb) / (la - lb) < 0.5)
            .map(|later| later.at);
    }
    StepFit {
        n,
        scale,
        sigma,
        beta,
        segments,
        steps,
        no_fit: None,
    }
}

/// Noise per point from successive differences: `1.4826·MAD(Δx)/√2`, with the mean absolute
/// difference as the fallback for lattice data (most differences 0), and a relative floor.
pub fn robust_sigma(x: &[f64]) -> f64 {
    let floor = 1e-9 * median(x).map_or(1.0, f64::abs).max(1e-300);
    if x.len() < 3 {
        return floor;
    }
    let d: Vec<f64> = x.windows(2).map(|w| w[1] - w[0]).collect();
    let md = median(&d).unwrap_or(0.0);
    let dev: Vec<f64> = d.iter().map(|v| (v - md).abs()).collect();
    let mad = median(&dev).unwrap_or(0.0) * 1.482_602_218_505_602 / std::f64::consts::SQRT_2;
    if mad > floor {
        return mad;
    }
    // √(π/2)·E|Δ|/√2 is σ for normal noise; robust enough where most differences are 0.
    let mean_abs = dev.iter().sum::<f64>() / dev.len() as f64;
    (mean_abs * (std::f64::consts::PI / 2.0).sqrt() / std::f64::consts::SQRT_2).max(floor)
}

/// `x` with every residual from the running median of five clipped to `±clip·σ`.
fn clip_outliers(x: &[f64], sigma: f64, clip: f64) -> Vec<f64> {
    if !clip.is_finite() {
        return x.to_vec();
    }
    let n = x.len();
    let limit = clip * sigma;
    let mut window = Vec::with_capacity(2 * CLIP_HALF_WINDOW + 1);
    (0..n)
        .map(|i| {
            let lo = i.saturating_sub(CLIP_HALF_WINDOW);
            let hi = (i + CLIP_HALF_WINDOW + 1).min(n);
            window.clear();
            window.extend_from_slice(&x[lo..hi]);
            window.sort_by(f64::total_cmp);
            let m = window.len();
            let centre = if m % 2 == 1 {
                window[m / 2]
            } else {
                0.5 * (window[m / 2 - 1] + window[m / 2])
            };
            x[i].clamp(centre - limit, centre + limit)
        })
        .collect()
}

/// Prefix sums of a centred series: O(1) sum of squared deviations of any stretch.
struct Costs {
    s1: Vec<f64>,
    s2: Vec<f64>,
}

impl Costs {
    fn new(x: &[f64]) -> Costs {
        let c = median(x).unwrap_or(0.0);
        let mut s1 = Vec::with_capacity(x.len() + 1);
        let mut s2 = Vec::with_capacity(x.len() + 1);
        let (mut a, mut b) = (0.0, 0.0);
        s1.push(0.0);
        s2.push(0.0);
        for v in x {
            let d = v - c;
            a += d;
            b += d * d;
            s1.push(a);
            s2.push(b);
        }
        Costs { s1, s2 }
    }

    /// Σ (x_i − mean)² over `s..t`.
    fn cost(&self, s: usize, t: usize) -> f64 {
        let len = (t - s) as f64;
        let sum = self.s1[t] - self.s1[s];
        (self.s2[t] - self.s2[s] - sum * sum / len).max(0.0)
    }
}

/// Starts of the optimal segments of `x` under penalty `beta` per step (PELT: optimal
/// partitioning, dropping candidates that can never be optimal again).
fn segment_starts(x: &[f64], beta: f64) -> Vec<usize> {
    let n = x.len();
    let costs = Costs::new(x);
    let mut best = vec![f64::INFINITY; n + 1];
    let mut last = vec![0usize; n + 1];
    best[0] = -beta;
    let mut candidates: Vec<usize> = Vec::new();
    let mut totals: Vec<f64> = Vec::with_capacity(n);
    for t in MIN_SEGMENT..=n {
        // A segment ends at t only if it is at least MIN_SEGMENT long: s = t − MIN_SEGMENT
        // becomes a candidate now, if 0..s can be segmented at all.
        let s_new = t - MIN_SEGMENT;
        if best[s_new].is_finite() {
            candidates.push(s_new);
        }
        totals.clear();
        let (mut min, mut arg) = (f64::INFINITY, 0);
        for &s in &candidates {
            let total = best[s] + costs.cost(s, t) + beta;
            totals.push(total);
            if total < min {
                min = total;
                arg = s;
            }
        }
        best[t] = min;
        last[t] = arg;
        // PELT pruning (the cost is additive, K = 0): s stays a candidate while
        // F(s) + C(s, t) ≤ F(t).
        let mut k = 0;
        candidates.retain(|_| {
            let keep = totals[k] - beta <= min;
            k += 1;
            keep
        });
    }
    let mut starts = Vec::new();
    let mut t = n;
    while t > 0 {
        let s = last[t];
        starts.push(s);
        t = s;
    }
    starts.reverse();
    starts
}

/// The positions in `(start, end)` where a single step between `start` and `end` fits within
/// the χ²₁ 99% quantile of the best fit at `at` (in units of σ²): how sure its commit is.
fn position_range(x: &[f64], start: usize, at: usize, end: usize, sigma: f64) -> (usize, usize) {
    let costs = Costs::new(&x[start..end]);
    let len = end - start;
    let fit = |k: usize| costs.cost(0, k) + costs.cost(k, len);
    let best = fit(at - start);
    let tolerance = CHI2_1_99 * sigma * sigma;
    let within = |k: usize| fit(k) - best <= tolerance;
    let mut lo = at - start;
    while lo > MIN_SEGMENT && within(lo - 1) {
        lo -= 1;
    }
    let mut hi = at - start;
    while hi + MIN_SEGMENT < len && within(hi + 1) {
        hi += 1;
    }
    (start + lo, start + hi)
}

/// `median(b)/median(a)` and its interval: the bootstrap of the ratio of medians up to
/// [`BOOTSTRAP_MAX_N`] values a side, order-statistic standard errors beyond.
fn step_ratio(a: &[f64], b: &[f64], settings: &StepSettings) -> (Option<f64>, Option<(f64, f64)>) {
    let (Some(ma), Some(mb)) = (median(a), median(b)) else {
        return (None, None);
    };
    if ma <= 0.0 {
        return (None, None);
    }
    let ratio = mb / ma;
    if a.len() < 2 || b.len() < 2 {
        return (Some(ratio), None);
    }
    let ci = if a.len().max(b.len()) <= BOOTSTRAP_MAX_N {
        ratio_of_medians_ci(a, b, RESAMPLES, settings.confidence, settings.seed)
            .map(|c| (c.lo, c.hi))
    } else {
        let (mut ca, mut cb) = (a.to_vec(), b.to_vec());
        match (median_estimate(&mut ca, 1.0), median_estimate(&mut cb, 1.0)) {
            (Some(ea), Some(eb)) => {
                ratio_of_medians_asymptotic(&ea, &eb, settings.confidence).map(|r| r.1)
            }
            _ => None,
        }
    };
    (
        Some(ratio),
        ci.filter(|c| c.0.is_finite() && c.1.is_finite()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SplitMix64;

    /// A normal deviate (Box–Muller).
    fn normal(rng: &mut SplitMix64) -> f64 {
        let u = rng.next_f64().max(1e-300);
        let v = rng.next_f64();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    /// `n` commits at level 1e7 with relative noise `cv` and level changes `(at, ratio)`.
    fn history(n: usize, cv: f64, steps: &[(usize, f64)], seed: u64) -> Vec<f64> {
        let mut rng = SplitMix64::new(seed);
        (0..n)
            .map(|i| {
                let level: f64 = steps
                    .iter()
                    .filter(|(at, _)| i >= *at)
                    .map(|(_, r)| r)
                    .product();
                1e7 * level * (cv * normal(&mut rng)).exp()
            })
            .collect()
    }

    #[test]
    fn a_clean_step_is_found_at_its_commit_with_its_size() {
        // 0.1% noise, −10% from commit 20.
        let v = history(40, 0.001, &[(20, 0.9)], 1);
        let fit = detect_steps(&v, &StepSettings::default());
        assert_eq!(fit.steps.len(), 1, "{fit:?}");
        let s = &fit.steps[0];
        assert_eq!(s.at, 20);
        assert_eq!(s.range, (20, 20));
        let r = s.ratio.unwrap();
        assert!((r - 0.9).abs() < 0.002, "{r}");
        let (lo, hi) = s.ci.unwrap();
        assert!(lo <= r && r <= hi && hi < 1.0, "{lo} {hi}");
        assert!(s.persists);
        assert_eq!(fit.segments.len(), 2);
        assert_eq!(fit.level_at(25), Some(fit.segments[1].level));
    }

    #[test]
    fn a_constant_or_short_series_has_no_steps() {
        let fit = detect_steps(&[5.0; 50], &StepSettings::default());
        assert!(fit.steps.is_empty());
        assert_eq!(fit.segments.len(), 1);
        let short = detect_steps(&[1.0, 2.0, 3.0], &StepSettings::default());
        assert_eq!(short.no_fit, Some(NoFit::TooFewCommits));
        let nan = detect_steps(
            &[1.0, f64::NAN, 3.0, 1.0, 1.0, 1.0, 1.0, 1.0],
            &StepSettings::default(),
        );
        assert_eq!(nan.no_fit, Some(NoFit::NotFinite));
    }

    #[test]
    fn zeros_switch_to_a_linear_fit() {
        let mut v = vec![0.0; 15];
        v.extend(vec![4.0; 15]);
        v[3] = 0.5;
        v[20] = 4.5;
        let fit = detect_steps(&v, &StepSettings::default());
        assert_eq!(fit.scale, Scale::Linear);
        assert_eq!(fit.steps.len(), 1, "{fit:?}");
        assert_eq!(fit.steps[0].at, 15);
        assert_eq!(fit.steps[0].ratio, None, "no ratio from a zero level");
    }

    #[test]
    fn an_isolated_outlier_is_not_a_step_but_a_lasting_shift_is() {
        let mut v = history(120, 0.02, &[], 7);
        v[40] *= 0.6; // one disturbed run, −40%
        v[41] *= 0.7;
        let fit = detect_steps(&v, &StepSettings::default());
        assert!(fit.steps.is_empty(), "{:?}", fit.steps);
        let shifted = history(120, 0.02, &[(60, 0.9)], 7);
        let fit = detect_steps(&shifted, &StepSettings::default());
        assert_eq!(fit.steps.len(), 1);
        assert!((59..=61).contains(&fit.steps[0].at));
    }

    #[test]
    fn a_step_taken_back_does_not_persist() {
        let v = history(150, 0.01, &[(50, 0.85), (100, 1.0 / 0.85)], 11);
        let fit = detect_steps(&v, &StepSettings::default());
        assert_eq!(fit.steps.len(), 2, "{:?}", fit.steps);
        assert!(!fit.steps[0].persists);
        assert_eq!(fit.steps[0].reverted_at, Some(fit.steps[1].at));
        assert!(fit.steps[1].persists);
    }

    #[test]
    fn aa_histories_rarely_give_a_step() {
        // 40 histories of 300 commits at 2% noise: the calibration allows well under 1%
        // false steps, so more than one here means the penalty broke.
        let with_step = (0..40)
            .filter(|&s| {
                !detect_steps(&history(300, 0.02, &[], 1000 + s), &StepSettings::default())
                    .steps
                    .is_empty()
            })
            .count();
        assert!(with_step <= 1, "{with_step} of 40 A/A histories had a step");
    }

    #[test]
    fn steps_of_5_and_10_percent_are_found_at_their_commit() {
        for seed in 0..10 {
            let v = history(300, 0.02, &[(80, 0.95), (200, 1.10)], 50 + seed);
            let fit = detect_steps(&v, &StepSettings::default());
            let found = |at: usize| fit.steps.iter().any(|s| s.at.abs_diff(at) <= 1);
            assert!(found(80) && found(200), "seed {seed}: {:?}", fit.steps);
            assert_eq!(fit.steps.len(), 2, "seed {seed}: {:?}", fit.steps);
        }
    }

    #[test]
    fn a_2_percent_step_is_found_or_below_resolution() {
        for seed in 0..10 {
            let v = history(300, 0.02, &[(150, 0.98)], 90 + seed);
            let fit = detect_steps(&v, &StepSettings::default());
            // Found: near its commit, or with 150 in the range of commits it could be at.
            let near = fit
                .steps
                .iter()
                .any(|s| s.at.abs_diff(150) <= 10 || (s.range.0 <= 151 && s.range.1 >= 149));
            assert!(
                near || fit.resolution_between(150, 150) > 0.02,
                "seed {seed}: {fit:?}"
            );
        }
    }

    #[test]
    fn resolution_shrinks_with_more_commits_either_side() {
        let fit = detect_steps(&history(300, 0.02, &[], 3), &StepSettings::default());
        let mid = fit.resolution(150);
        let late = fit.resolution(5);
        assert!(mid < late, "{mid} {late}");
        assert!(mid > 0.0 && mid < 0.02, "{mid}");
        assert!(fit.resolution(0).is_infinite());
    }

    #[test]
    fn robust_sigma_ignores_steps_and_outliers() {
        let v: Vec<f64> = history(500, 0.02, &[(100, 0.8), (300, 1.3)], 5)
            .iter()
            .map(|x| x.ln())
            .collect();
        let s = robust_sigma(&v);
        assert!((s - 0.02).abs() < 0.003, "{s}");
    }
}
