//! The rows of `calibrate --real-code` (one gate each) and what they add up to: false alarms
//! with an exact upper bound, the estimates' spread, the repeated gates' mutual coverage and
//! the time to a verdict. Pure: tested on synthetic rows.

use serde::Serialize;

/// One gate: a variant against the base, or a repetition of the first variant's gate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateRow {
    /// `variant` or `repeat`.
    pub phase: &'static str,
    /// Variant number (1-based); repeats carry 1 and their own `run`.
    pub variant: usize,
    /// Repetition number (1-based) of a repeat row, 0 for a variant row.
    pub run: usize,
    /// `padding+reorder`-style kinds of the variant's edits.
    pub kind: String,
    /// The variant's commit in the temporary clone.
    pub commit: String,
    /// Seconds the variant's slice library took to build (0 for repeats).
    pub build_s: f64,
    /// Throughput ratio this build / base, and its interval.
    pub ratio: Option<f64>,
    pub lo: Option<f64>,
    pub hi: Option<f64>,
    /// The headline's outcome (`no_change`, `regression`, `improvement`, `inconclusive`).
    pub verdict: String,
    /// The gate's exit code.
    pub exit: i32,
    /// Wall clock of the gate process.
    pub seconds: f64,
    /// Measuring time and placements, when the gate's JSON reports them.
    pub measuring_s: Option<f64>,
    pub placements: Option<f64>,
}

/// Header of gates.csv, in [`GateRow::csv`]'s order.
pub const CSV_HEADER: &str =
    "phase,variant,run,kind,commit,build_s,ratio,lo,hi,verdict,exit,seconds,measuring_s,placements";

impl GateRow {
    /// The row as a CSV line (no newline); numbers unquoted, missing ones empty.
    pub fn csv(&self) -> String {
        let opt = |x: Option<f64>| x.map_or(String::new(), |v| format!("{v}"));
        format!(
            "{},{},{},{},{},{:.2},{},{},{},{},{},{:.2},{},{}",
            self.phase,
            self.variant,
            self.run,
            self.kind,
            self.commit,
            self.build_s,
            opt(self.ratio),
            opt(self.lo),
            opt(self.hi),
            self.verdict,
            self.exit,
            self.seconds,
            opt(self.measuring_s),
            opt(self.placements)
        )
    }
}

/// What the calibration found.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CodeSummary {
    /// Variant gates run.
    pub variants: usize,
    /// Variant gates that failed (exit 1): every one a false alarm, the code being neutral.
    pub false_alarms: usize,
    /// One-sided 95 % Clopper–Pearson upper bound of the false-alarm rate.
    pub false_alarm_upper95: f64,
    /// Variant gates whose verdict was an improvement (also wrong, but not failing).
    pub improvements: usize,
    /// Variant gates without a decision (`inconclusive`).
    pub inconclusive: usize,
    /// Median and sample standard deviation of the variants' ratios.
    pub ratio_median: Option<f64>,
    pub ratio_sd: Option<f64>,
    /// Repeated gates of one pair of builds.
    pub repeats: usize,
    /// Ordered pairs (i, j), i ≠ j, of repeated gates whose interval i covers estimate j.
    pub covered_pairs: usize,
    /// All such pairs.
    pub pairs: usize,
    /// `covered_pairs / pairs` (goal ≥ 0.95); `None` under two repeats.
    pub coverage: Option<f64>,
    /// Sample standard deviation of the repeated gates' ratios.
    pub repeat_sd: Option<f64>,
    /// Repeated gates that failed.
    pub repeat_false_alarms: usize,
    /// Wall clock of every gate: median and maximum.
    pub gate_s_median: Option<f64>,
    pub gate_s_max: Option<f64>,
    /// Variant rebuilds: median and maximum.
    pub build_s_median: Option<f64>,
    pub build_s_max: Option<f64>,
}

/// Sums up the rows.
pub fn summarise(rows: &[GateRow]) -> CodeSummary {
    let variants: Vec<&GateRow> = rows.iter().filter(|r| r.phase == "variant").collect();
    let repeats: Vec<&GateRow> = rows.iter().filter(|r| r.phase == "repeat").collect();
    let false_alarms = variants.iter().filter(|r| r.exit == 1).count();
    let ratios: Vec<f64> = variants.iter().filter_map(|r| r.ratio).collect();
    let (mut covered, mut pairs) = (0, 0);
    for (i, a) in repeats.iter().enumerate() {
        for (j, b) in repeats.iter().enumerate() {
            if i == j {
                continue;
            }
            if let (Some(lo), Some(hi), Some(r)) = (a.lo, a.hi, b.ratio) {
                pairs += 1;
                covered += usize::from(lo <= r && r <= hi);
            }
        }
    }
    let repeat_ratios: Vec<f64> = repeats.iter().filter_map(|r| r.ratio).collect();
    let seconds: Vec<f64> = rows.iter().map(|r| r.seconds).collect();
    let builds: Vec<f64> = variants.iter().map(|r| r.build_s).collect();
    CodeSummary {
        variants: variants.len(),
        false_alarms,
        false_alarm_upper95: clopper_pearson_upper(false_alarms, variants.len(), 0.05),
        improvements: variants
            .iter()
            .filter(|r| r.verdict == "improvement")
            .count(),
        inconclusive: variants
            .iter()
            .filter(|r| r.verdict == "inconclusive")
            .count(),
        ratio_median: statbench_stats::median(&ratios),
        ratio_sd: sample_sd(&ratios),
        repeats: repeats.len(),
        covered_pairs: covered,
        pairs,
        coverage: (pairs > 0).then(|| covered as f64 / pairs as f64),
        repeat_sd: sample_sd(&repeat_ratios),
        repeat_false_alarms: repeats.iter().filter(|r| r.exit == 1).count(),
        gate_s_median: statbench_stats::median(&seconds),
        gate_s_max: seconds.iter().copied().reduce(f64::max),
        build_s_median: statbench_stats::median(&builds),
        build_s_max: builds.iter().copied().reduce(f64::max),
    }
}

/// Sample standard deviation (n − 1); `None` under two values.
pub fn sample_sd(xs: &[f64]) -> Option<f64> {
    if xs.len() < 2 {
        return None;
    }
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    let ss: f64 = xs.iter().map(|x| (x - mean).powi(2)).sum();
    Some((ss / (xs.len() - 1) as f64).sqrt())
}

/// P(X ≤ k) for X ~ Binomial(n, p).
fn binomial_cdf(k: usize, n: usize, p: f64) -> f64 {
    if p <= 0.0 {
        return 1.0;
    }
    if p >= 1.0 {
        return if k >= n { 1.0 } else { 0.0 };
    }
    let (lp, lq) = (p.ln(), (1.0 - p).ln());
    let mut log_choose = 0.0; // ln C(n, 0)
    let mut sum = 0.0;
    for i in 0..=k.min(n) {
        if i > 0 {
            log_choose += ((n - i + 1) as f64).ln() - (i as f64).ln();
        }
        sum += (log_choose + i as f64 * lp + (n - i) as f64 * lq).exp();
    }
    sum.min(1.0)
}

/// The one-sided `1 − alpha` Clopper–Pearson upper bound of a rate seen `k` times in `n`
/// (1 for n = 0 or k = n): the p at which seeing at most k has probability alpha.
pub fn clopper_pearson_upper(k: usize, n: usize, alpha: f64) -> f64 {
    if n == 0 || k >= n {
        return 1.0;
    }
    let (mut lo, mut hi) = (k as f64 / n as f64, 1.0);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if binomial_cdf(k, n, mid) > alpha {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(phase: &'static str, ratio: f64, lo: f64, hi: f64, exit: i32, s: f64) -> GateRow {
        GateRow {
            phase,
            variant: 1,
            run: 0,
            kind: "padding".into(),
            commit: "abc".into(),
            build_s: 10.0,
            ratio: Some(ratio),
            lo: Some(lo),
            hi: Some(hi),
            verdict: match exit {
                1 => "regression".into(),
                _ if lo > 1.0 => "improvement".into(),
                _ => "no_change".into(),
            },
            exit,
            seconds: s,
            measuring_s: None,
            placements: None,
        }
    }

    #[test]
    fn clopper_pearson_matches_known_values() {
        // k = 0: 1 − alpha^(1/n) (≈ the rule of three, 3/n).
        let u = clopper_pearson_upper(0, 20, 0.05);
        assert!((u - (1.0 - 0.05f64.powf(1.0 / 20.0))).abs() < 1e-9, "{u}");
        // k = 1 of 10: 0.3942 (tables of the one-sided 95 % bound).
        let u = clopper_pearson_upper(1, 10, 0.05);
        assert!((u - 0.3942).abs() < 1e-3, "{u}");
        assert_eq!(clopper_pearson_upper(3, 3, 0.05), 1.0);
        assert_eq!(clopper_pearson_upper(0, 0, 0.05), 1.0);
    }

    #[test]
    fn summary_counts_false_alarms_improvements_and_spread() {
        let rows = vec![
            row("variant", 0.99, 0.98, 1.00, 0, 30.0),
            row("variant", 0.95, 0.94, 0.96, 1, 40.0),
            row("variant", 1.02, 1.01, 1.03, 0, 35.0),
            row("variant", 1.00, 0.99, 1.01, 0, 33.0),
        ];
        let s = summarise(&rows);
        assert_eq!((s.variants, s.false_alarms, s.improvements), (4, 1, 1));
        assert!((s.ratio_median.unwrap() - 0.995).abs() < 1e-12);
        let sd = sample_sd(&[0.99, 0.95, 1.02, 1.00]).unwrap();
        assert_eq!(s.ratio_sd, Some(sd));
        assert!((sd - 0.029439).abs() < 1e-5, "{sd}");
        assert_eq!((s.gate_s_median, s.gate_s_max), (Some(34.0), Some(40.0)));
        assert_eq!(s.coverage, None);
        assert_eq!(s.pairs, 0);
    }

    #[test]
    fn coverage_counts_ordered_pairs() {
        // Gate 3's interval is narrow and misses both others; 1 and 2 cover each other and 3.
        let rows = vec![
            row("variant", 1.0, 0.99, 1.01, 0, 30.0),
            row("repeat", 1.000, 0.990, 1.010, 0, 30.0),
            row("repeat", 1.004, 0.994, 1.014, 0, 30.0),
            row("repeat", 1.008, 1.007, 1.009, 0, 30.0),
        ];
        let s = summarise(&rows);
        assert_eq!((s.repeats, s.pairs), (3, 6));
        // (1,2) (1,3) (2,1) (2,3) covered; (3,1) (3,2) not.
        assert_eq!(s.covered_pairs, 4);
        assert!((s.coverage.unwrap() - 4.0 / 6.0).abs() < 1e-12);
        assert!(s.repeat_sd.unwrap() > 0.0);
        assert_eq!(s.variants, 1);
    }

    #[test]
    fn csv_rows_match_the_header() {
        let r = row("variant", 1.0, 0.99, 1.01, 0, 30.0);
        assert_eq!(
            r.csv().split(',').count(),
            CSV_HEADER.split(',').count(),
            "{}",
            r.csv()
        );
    }
}
