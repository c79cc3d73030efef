//! A trend in words: the terminal table, markdown (for `$GITHUB_STEP_SUMMARY`) and JSON. Pure
//! functions from a [`Trend`] to a `String`.

use super::dataset::civil_from_days;
use super::trend::{SeriesTrend, Trend};
use crate::compare::quantity::percent;
use statbench_stats::steps::{NoFit, Scale, Step, StepFit};

/// Output format of `trend`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum TrendFormat {
    /// Aligned text for a terminal.
    #[default]
    Table,
    /// GitHub-flavoured markdown.
    Markdown,
    /// Machine-readable JSON.
    Json,
}

/// Renders `trend` in `format`.
pub fn render(trend: &Trend, format: TrendFormat) -> String {
    match format {
        TrendFormat::Table => text(trend),
        TrendFormat::Markdown => markdown(trend),
        TrendFormat::Json => {
            let mut s = serde_json::to_string_pretty(&json(trend)).expect("trend serialises");
            s.push('\n');
            s
        }
    }
}

/// `2026-11-25` of a time in µs.
pub fn date(us: i64) -> String {
    let (y, m, d) = civil_from_days(us.div_euclid(86_400_000_000));
    format!("{y:04}-{m:02}-{d:02}")
}

/// A step's change: `−5.1%`, or the absolute change for a linear fit without a ratio.
pub fn change_text(step: &Step) -> String {
    match step.change() {
        Some(c) => percent(c),
        None => format!("{:+.4}", step.after - step.before),
    }
}

fn ci_text(step: &Step) -> String {
    match step.ci {
        Some((lo, hi)) => format!("[{}, {}]", percent(lo - 1.0), percent(hi - 1.0)),
        None => "—".into(),
    }
}

fn resolution_text(fit: &StepFit, k: usize) -> String {
    let r = fit.resolution(k);
    if !r.is_finite() {
        return "—".into();
    }
    match fit.scale {
        Scale::Log => format!("{:.1}%", r * 100.0),
        Scale::Linear => format!("{r:.3} (absolute)"),
    }
}

/// One line describing the fit: the latest level, the noise and what the fit can resolve.
pub fn fit_summary(s: &SeriesTrend, new_within: usize) -> String {
    let last = s.commits.last();
    let latest = last.map_or("—".to_string(), |c| {
        format!(
            "latest {} ({} run{} at {})",
            crate::history::figure(&s.quantity, c.value),
            c.runs.len(),
            if c.runs.len() == 1 { "" } else { "s" },
            c.short()
        )
    });
    match s.fit.no_fit {
        Some(NoFit::TooFewCommits) => format!(
            "{latest}; {} commit(s): too few for step detection (needs {})",
            s.commits.len(),
            statbench_stats::steps::MIN_COMMITS
        ),
        Some(NoFit::NotFinite) => format!("{latest}; a value is not finite: no fit"),
        None => {
            let noise = match s.fit.scale {
                Scale::Log => format!("{:.2}% per commit", s.fit.sigma * 100.0),
                Scale::Linear => format!("{:.4} per commit (absolute)", s.fit.sigma),
            };
            format!(
                "{latest}; noise {noise}; resolves {} mid-history, {} within the last {new_within} commits",
                resolution_text(&s.fit, s.fit.n / 2),
                resolution_text(&s.fit, new_within)
            )
        }
    }
}

fn header(trend: &Trend) -> String {
    let commits: usize = trend
        .series
        .iter()
        .map(|s| s.commits.len())
        .max()
        .unwrap_or(0);
    let keys: std::collections::BTreeSet<_> = trend.series.iter().map(|s| &s.key).collect();
    format!(
        "trend: {} run(s) in {} series, up to {commits} commits each; {} file(s) read{}",
        trend.runs,
        keys.len(),
        trend.files,
        if trend.skipped.is_empty() {
            String::new()
        } else {
            format!(", {} skipped", trend.skipped.len())
        }
    )
}

fn step_rows(s: &SeriesTrend) -> Vec<[String; 6]> {
    s.fit
        .steps
        .iter()
        .map(|st| {
            let c = &s.commits[st.at];
            let range = if st.range.0 == st.range.1 {
                "exact".to_string()
            } else {
                format!(
                    "{}..{}",
                    s.commits[st.range.0].short(),
                    s.commits[st.range.1].short()
                )
            };
            let persists = if st.persists {
                "yes".to_string()
            } else {
                match st.reverted_at {
                    Some(r) => format!("no (back at {})", s.commits[r].short()),
                    None => "no".to_string(),
                }
            };
            [
                c.short(),
                date(c.time),
                change_text(st),
                ci_text(st),
                range,
                persists,
            ]
        })
        .collect()
}

const STEP_HEADERS: [&str; 6] = [
    "first commit after",
    "date",
    "change",
    "99% CI",
    "could be at",
    "persists",
];

fn text(trend: &Trend) -> String {
    let mut out = header(trend);
    out.push('\n');
    for s in &trend.series {
        out.push_str(&format!(
            "\n{} — {}: {} commits, {} runs\n  {}\n",
            s.key.label(),
            s.quantity,
            s.commits.len(),
            s.runs,
            fit_summary(s, trend.settings.new_within)
        ));
        let rows = step_rows(s);
        if rows.is_empty() {
            if s.fit.no_fit.is_none() {
                out.push_str("  no steps\n");
            }
            continue;
        }
        let mut widths: Vec<usize> = STEP_HEADERS.iter().map(|h| h.chars().count()).collect();
        for r in &rows {
            for (w, cell) in widths.iter_mut().zip(r) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let mut l = String::from("  ");
            for (cell, w) in cells.iter().zip(&widths) {
                l.push_str(cell);
                l.push_str(&" ".repeat(w - cell.chars().count() + 2));
            }
            l.trim_end().to_string() + "\n"
        };
        out.push_str(&line(&STEP_HEADERS.map(String::from)));
        for r in &rows {
            out.push_str(&line(r));
        }
    }
    out.push_str(&new_steps_text(trend));
    out
}

/// The closing lines about new steps (what `--fail-on-new-step` judges).
pub fn new_steps_text(trend: &Trend) -> String {
    let new = trend.new_regressions();
    if new.is_empty() {
        return format!(
            "\nno new step in the last {} commits of any series\n",
            trend.settings.new_within
        );
    }
    let mut out = String::new();
    for (s, st) in new {
        out.push_str(&format!(
            "\nNEW STEP: {} — {} {} from commit {} ({}), still there\n",
            s.key.label(),
            s.quantity,
            change_text(st),
            s.commits[st.at].short(),
            date(s.commits[st.at].time)
        ));
    }
    out
}

fn markdown(trend: &Trend) -> String {
    let mut out = format!("## statbench trend\n\n{}\n", header(trend));
    for s in &trend.series {
        out.push_str(&format!(
            "\n### {} — {}\n\n{} commits, {} runs. {}\n\n",
            s.key.label(),
            s.quantity,
            s.commits.len(),
            s.runs,
            fit_summary(s, trend.settings.new_within)
        ));
        let rows = step_rows(s);
        if rows.is_empty() {
            out.push_str("No steps.\n");
            continue;
        }
        out.push_str(&format!("| {} |\n", STEP_HEADERS.join(" | ")));
        out.push_str(&format!("|{}\n", "---|".repeat(STEP_HEADERS.len())));
        for r in rows {
            out.push_str(&format!("| {} |\n", r.join(" | ")));
        }
    }
    out.push_str(&new_steps_text(trend).replace("NEW STEP:", "**NEW STEP:**"));
    out
}

fn json(trend: &Trend) -> serde_json::Value {
    let series: Vec<serde_json::Value> = trend
        .series
        .iter()
        .map(|s| {
            let steps: Vec<serde_json::Value> = s
                .fit
                .steps
                .iter()
                .map(|st| {
                    let c = &s.commits[st.at];
                    serde_json::json!({
                        "first_commit": c.commit,
                        "date": date(c.time),
                        "index": st.at,
                        "range": [s.commits[st.range.0].commit, s.commits[st.range.1].commit],
                        "before": st.before,
                        "after": st.after,
                        "ratio": st.ratio,
                        "ci": st.ci,
                        "persists": st.persists,
                        "reverted_at": st.reverted_at.map(|r| s.commits[r].commit.clone()),
                        "new": s.is_new_regression(st, trend.settings.new_within, trend.settings.min_step),
                    })
                })
                .collect();
            serde_json::json!({
                "series": s.key,
                "quantity": s.quantity,
                "commits": s.commits.len(),
                "runs": s.runs,
                "latest": s.commits.last().map(|c| serde_json::json!({
                    "commit": c.commit, "date": date(c.time), "value": c.value, "runs": c.runs.len()
                })),
                "scale": s.fit.scale,
                "noise": s.fit.sigma,
                "resolution_mid": s.fit.resolution(s.fit.n / 2),
                "resolution_recent": s.fit.resolution(trend.settings.new_within),
                "no_fit": s.fit.no_fit,
                "steps": steps,
            })
        })
        .collect();
    serde_json::json!({
        "runs": trend.runs,
        "files": trend.files,
        "skipped": trend.skipped,
        "new_within": trend.settings.new_within,
        "series": series,
    })
}
