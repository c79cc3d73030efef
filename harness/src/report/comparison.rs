//! The report of a comparison: verdict, throughput charts, the forest plot of every compared
//! quantity (ratio of medians with its CI, colour by verdict, throughput first, then the most important) and the
//! A-vs-B distributions of each changed quantity.

use super::chart::{
    draw_distributions, draw_line_chart, draw_ratio_chart, escape_html, LineChart, RatioRow,
    Section, Table, VerdictColor,
};
use super::{pct, throughput_series, write_report};
use crate::compare::{Comparison, Outcome, QuantityResult};
use crate::error::Result;
use crate::export::label;
use crate::store::RunSet;
use std::path::Path;

/// Runs drawn per side in the throughput chart (a 20-run gate and its confirmation fit).
const MAX_RUN_LINES: usize = 40;

/// Distribution charts drawn at most (the most important changed quantities).
const MAX_DISTRIBUTIONS: usize = 12;

fn colour(o: Outcome) -> VerdictColor {
    match o {
        Outcome::Regression => VerdictColor::Regression,
        Outcome::Improvement => VerdictColor::Improvement,
        Outcome::Increase => VerdictColor::Increase,
        Outcome::Decrease => VerdictColor::Decrease,
        Outcome::Inconclusive => VerdictColor::Inconclusive,
        Outcome::NoChange | Outcome::Unused => VerdictColor::NoChange,
    }
}

/// The quantities in report order: the headline (throughput) first, as in the terminal's
/// table, then the metrics: what fails the gate, then by verdict severity and effect size.
pub(crate) fn ordered(c: &Comparison) -> Vec<&QuantityResult> {
    use crate::compare::RuleVerdict::Fail;
    let passes = |r: &QuantityResult| !r.rule.is_some_and(|x| x.verdict == Fail);
    let mut metrics: Vec<&QuantityResult> = c.metrics.iter().collect();
    metrics.sort_by(|x, y| {
        passes(x)
            .cmp(&passes(y))
            .then(x.outcome.severity().cmp(&y.outcome.severity()))
            .then(y.effect().abs().total_cmp(&x.effect().abs()))
    });
    c.headline.iter().chain(metrics).collect()
}

/// Writes the report of comparison `c` (of `a` with `b`) into `dir`.
pub fn comparison_report(
    c: &Comparison,
    a: &RunSet,
    b: &RunSet,
    dir: &Path,
    force: bool,
) -> Result<()> {
    let verdict = if c.gate.pass { "PASS" } else { "FAIL" };
    let title = format!("statbench comparison: {verdict}");
    // `ab` labels its sides `A (command)`: no `A = A (...)`.
    let side = |name: &str, label: &str, runs: usize| {
        let runs = crate::export::runs(runs);
        if label.starts_with(&format!("{name} (")) {
            format!("{label} ({runs})")
        } else {
            format!("{name} = {label} ({runs})")
        }
    };
    let subtitle = format!(
        "{} · {}",
        side("A", &c.a_label, c.runs.0),
        side("B", &c.b_label, c.runs.1)
    );
    write_report(dir, force, &title, &subtitle, |out| {
        let mut sections = Vec::new();
        let mut intro = String::new();
        if let Some(note) = crate::export::settings_note(c) {
            intro += &format!("<p><em>{}</em></p>", escape_html(&note));
        }
        intro += &format!(
            "<p><strong>{}</strong></p>",
            escape_html(&crate::export::headline_sentence(c))
        );
        for f in &c.gate.failures {
            intro += &format!(
                "<p class=\"regression\">FAIL: {}</p>",
                escape_html(&f.to_string())
            );
        }
        for w in crate::export::warning_lines(c) {
            intro += &format!("<p>warning: {}</p>", escape_html(&w));
        }
        let mut charts = Vec::new();
        if let Some(h) = &c.headline {
            // Every run, A's in one colour (dashed), B's in another: the sides apart.
            let mut series = throughput_series(a, "A ", true, MAX_RUN_LINES, Some(0));
            series.extend(throughput_series(b, "B ", false, MAX_RUN_LINES, Some(1)));
            charts.push(draw_line_chart(
                &LineChart {
                    title: "Throughput over time, one line per run (A dashed, B solid)".into(),
                    x_label: "time (s)".into(),
                    y_label: "counter updates / s".into(),
                    series,
                    log_x: false,
                },
                &out.join("throughput-over-time"),
            )?);
            charts.push(draw_distributions(
                &format!(
                    "Throughput per interval: {} ({})",
                    pct(h.effect()),
                    h.outcome.label()
                ),
                "A",
                &h.samples_a,
                "B",
                &h.samples_b,
                &out.join("throughput-distribution"),
            )?);
        }
        sections.push(Section {
            title: "Verdict".into(),
            intro_html: intro,
            charts,
            table: None,
        });

        let order = ordered(c);
        let rows: Vec<RatioRow> = order
            .iter()
            .filter(|r| r.ratio.is_some_and(f64::is_finite) && r.outcome != Outcome::Unused)
            .map(|r| {
                let (lo, hi) = r.ci.unwrap_or((f64::NAN, f64::NAN));
                RatioRow {
                    label: label(r),
                    ratio: r.ratio.unwrap_or(f64::NAN),
                    // A ratio of medians of counts is never below 0: an interval computed past
                    // it (few, noisy samples) is drawn to what the data can say.
                    lo: if lo < 0.0 { 0.0 } else { lo },
                    hi,
                    verdict: colour(r.outcome),
                }
            })
            .collect();
        let forest = draw_ratio_chart(
            "Ratio of medians B/A with confidence interval",
            &rows,
            c.min_effect,
            &out.join("ratios"),
        )?;
        sections.push(Section {
            title: "Every compared quantity".into(),
            intro_html: format!(
                "Ratio of medians (B/A) and its {:.0}% bootstrap interval; the band is ±{:.0}% (the minimum effect). Red: regression, green: improvement (throughput, which has a direction); blue: increase, purple: decrease (metrics, which have none); amber: inconclusive; grey: no change. Throughput first, then the most important; log scale.",
                99.0,
                c.min_effect * 100.0
            ),
            charts: vec![forest],
            table: None,
        });

        let mut dists = Vec::new();
        for (k, r) in order
            .iter()
            .filter(|r| r.index.is_some() && r.outcome.is_change())
            .take(MAX_DISTRIBUTIONS)
            .enumerate()
        {
            dists.push(draw_distributions(
                &format!("{} ({}, {})", label(r), r.quantity, pct(r.effect())),
                "A",
                &r.samples_a,
                "B",
                &r.samples_b,
                &out.join(format!("metric-{k:02}-{}", r.index.unwrap_or(0))),
            )?);
        }
        if !dists.is_empty() {
            sections.push(Section {
                title: "Changed metrics: A vs B".into(),
                intro_html: format!(
                    "Samples of each changed metric ({}).",
                    crate::export::work_note(c)
                        .unwrap_or_else(|| "counters as rates per second, gauges as levels".into())
                ),
                charts: dists,
                table: None,
            });
        }

        let mut table_rows = Vec::new();
        let mut classes = Vec::new();
        for r in &order {
            table_rows.push(vec![
                label(r),
                r.quantity.to_string(),
                // With its unit, as the terminal's table shows it.
                crate::export::figure(r, r.a.median),
                crate::export::figure(r, r.b.median),
                r.ratio.map_or("—".into(), |x| pct(x - 1.0)),
                r.ci.map_or("—".into(), |(lo, hi)| {
                    format!("{} … {}", pct(lo - 1.0), pct(hi - 1.0))
                }),
                r.p_adjusted.map_or("—".into(), |p| format!("{p:.2e}")),
                r.outcome.label().to_string(),
                crate::export::gate_cell(r),
            ]);
            classes.push(colour(r.outcome).css_class().to_string());
        }
        for m in &c.removed {
            table_rows.push(vec![
                format!("{} [{}]", m.name, m.index),
                "only in A".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                "removed".into(),
                String::new(),
            ]);
            classes.push(String::new());
        }
        for m in &c.added {
            table_rows.push(vec![
                format!("{} [{}]", m.name, m.index),
                "only in B".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                "added".into(),
                String::new(),
            ]);
            classes.push(String::new());
        }
        sections.push(Section {
            title: "All quantities".into(),
            intro_html: String::new(),
            charts: Vec::new(),
            table: Some(Table {
                headers: [
                    "quantity", "kind", "A median", "B median", "change", "CI", "p (adj.)",
                    "verdict", "gate",
                ]
                .map(String::from)
                .to_vec(),
                rows: table_rows,
                row_classes: classes,
            }),
        });
        Ok(sections)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::fixtures::{comparison, result};

    #[test]
    fn the_headline_comes_first_then_the_metrics_by_importance() {
        let mut c = comparison();
        // The headline did not change; two metrics did, one a regression.
        c.metrics = vec![
            result("net.small", Outcome::Increase, Some(1.05)),
            result("net.worse", Outcome::Regression, Some(0.5)),
            result("net.big", Outcome::Increase, Some(2.0)),
        ];
        let names: Vec<&str> = ordered(&c).iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["throughput", "net.worse", "net.big", "net.small"]);
        c.headline = None;
        assert_eq!(ordered(&c)[0].name, "net.worse");
    }
}
