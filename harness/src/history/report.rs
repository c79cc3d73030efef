//! The trend report: per series and quantity a chart (runs as points, the fitted levels as a
//! step line, commits on the x axis, steps marked) and its table of steps, in a
//! self-contained `index.html` with a `summary.md`, written like every statbench report
//! (temporary folder, renamed into place, replaced only with `--force`).

use super::render::{change_text, date, fit_summary, new_steps_text};
use super::trend::{SeriesTrend, Trend};
use crate::error::Result;
use crate::report::chart::{
    draw_trend_chart, escape_html, Section, StepMark, StepTone, Table, TrendChart,
};
use crate::report::write_report;
use std::path::Path;

/// Charts drawn at most; beyond it only series with steps (and throughput) get one.
const MAX_CHARTS: usize = 24;

fn tone(s: &SeriesTrend, change: Option<f64>) -> StepTone {
    match change {
        Some(c) if s.higher_is_better() && c < 0.0 => StepTone::Bad,
        Some(_) if s.higher_is_better() => StepTone::Good,
        _ => StepTone::Neutral,
    }
}

fn chart_of(s: &SeriesTrend) -> TrendChart {
    let levels = (0..s.commits.len())
        .map(|i| s.fit.level_at(i).unwrap_or(f64::NAN))
        .collect();
    TrendChart {
        title: format!("{}: {}", s.key.scenario, s.quantity),
        subtitle: s.key.label(),
        y_label: if s.higher_is_better() {
            "counter updates / s".into()
        } else {
            String::new()
        },
        commits: s.commits.iter().map(|c| c.short()).collect(),
        runs: s
            .commits
            .iter()
            .enumerate()
            .flat_map(|(i, c)| c.runs.iter().map(move |&v| (i, v)))
            .collect(),
        levels,
        steps: s
            .fit
            .steps
            .iter()
            .map(|st| StepMark {
                at: st.at,
                label: change_text(st),
                tone: tone(s, st.change()),
            })
            .collect(),
    }
}

fn steps_table(s: &SeriesTrend) -> Table {
    let mut table = Table {
        headers: [
            "first commit after",
            "date",
            "change",
            "99% CI",
            "before",
            "after",
            "persists",
        ]
        .map(String::from)
        .to_vec(),
        ..Table::default()
    };
    for st in &s.fit.steps {
        let c = &s.commits[st.at];
        table.rows.push(vec![
            c.commit.clone().unwrap_or_else(|| c.short()),
            date(c.time),
            change_text(st),
            match st.ci {
                Some((lo, hi)) => format!(
                    "{} … {}",
                    crate::compare::quantity::percent(lo - 1.0),
                    crate::compare::quantity::percent(hi - 1.0)
                ),
                None => "—".into(),
            },
            crate::history::figure(&s.quantity, st.before),
            crate::history::figure(&s.quantity, st.after),
            if st.persists { "yes" } else { "no" }.into(),
        ]);
        table.row_classes.push(match tone(s, st.change()) {
            StepTone::Bad => "regression".into(),
            StepTone::Good => "improvement".into(),
            StepTone::Neutral => "inconclusive".into(),
        });
    }
    table
}

/// Writes the report of `trend` into `dir`.
pub fn trend_report(trend: &Trend, dir: &Path, force: bool) -> Result<()> {
    let title = "statbench trend";
    let subtitle = format!(
        "{} run(s) · {} series × quantity · {} file(s) read, {} skipped",
        trend.runs,
        trend.series.len(),
        trend.files,
        trend.skipped.len()
    );
    write_report(dir, force, title, &subtitle, |out| {
        let mut overview = Table {
            headers: ["series", "quantity", "commits", "runs", "steps", "latest"]
                .map(String::from)
                .to_vec(),
            ..Table::default()
        };
        for s in &trend.series {
            overview.rows.push(vec![
                s.key.label(),
                s.quantity.clone(),
                s.commits.len().to_string(),
                s.runs.to_string(),
                s.fit.steps.len().to_string(),
                s.commits.last().map_or("—".into(), |c| {
                    crate::history::figure(&s.quantity, c.value)
                }),
            ]);
        }
        let mut sections = vec![Section {
            title: "Overview".into(),
            intro_html: escape_html(new_steps_text(trend).trim()),
            charts: Vec::new(),
            table: Some(overview),
        }];
        let many = trend.series.len() > MAX_CHARTS;
        for (k, s) in trend.series.iter().enumerate() {
            if many && s.fit.steps.is_empty() && !s.higher_is_better() {
                continue;
            }
            let stem = out.join(format!("trend-{k:03}-{}", sanitize(&s.quantity)));
            let chart = draw_trend_chart(&chart_of(s), &stem)?;
            sections.push(Section {
                title: format!("{} — {}", s.key.label(), s.quantity),
                intro_html: escape_html(&fit_summary(s, trend.settings.new_within)),
                charts: vec![chart],
                table: (!s.fit.steps.is_empty()).then(|| steps_table(s)),
            });
        }
        if !trend.skipped.is_empty() {
            sections.push(Section {
                title: "Files skipped".into(),
                intro_html: "Files of the dataset the query left out, and why.".into(),
                charts: Vec::new(),
                table: Some(Table {
                    headers: vec!["file".into(), "reason".into()],
                    rows: trend
                        .skipped
                        .iter()
                        .map(|s| vec![s.path.display().to_string(), s.reason.clone()])
                        .collect(),
                    row_classes: Vec::new(),
                }),
            });
        }
        Ok(sections)
    })
}

fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}
