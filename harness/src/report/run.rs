//! The report of one run (or of the runs of a `--repeat` folder): throughput over time, and
//! the busiest metrics of every category over time.

use super::chart::{draw_line_chart, escape_html, LineChart, Section, Series, Table};
use super::{throughput_series, write_report};
use crate::error::Result;
use crate::store::RunSet;
use session_stats::{metrics_in_category, MetricCategory, MetricKind};
use std::path::Path;

/// Most metrics drawn per category chart.
const PER_CATEGORY: usize = 5;

/// Writes the report of `set` into `dir`.
pub fn run_report(set: &RunSet, dir: &Path, force: bool) -> Result<()> {
    let first = &set.runs[0];
    let title = match &first.meta {
        Some(m) => format!(
            "statbench run: {} ({} layout, {} threads)",
            m.scenario, m.layout, m.threads
        ),
        None => format!("snapshots: {}", first.table.path.display()),
    };
    let subtitle = match &first.meta {
        Some(m) => format!(
            "{} run(s) · started {} · {} · {:.1} M updates/s · totals {}",
            set.runs.len(),
            m.start_time,
            m.host.speed_fingerprint(),
            m.ops_per_sec / 1e6,
            match m.totals_verified {
                Some(true) => "verified exactly",
                Some(false) => "DID NOT MATCH",
                None => "not checked",
            }
        ),
        None => format!("{} run(s), no run.json", set.runs.len()),
    };
    write_report(dir, force, &title, &subtitle, |out| {
        let mut sections = Vec::new();
        let series = throughput_series(set, "", false, 8);
        if !series.is_empty() {
            let chart = draw_line_chart(
                &LineChart {
                    title: "Throughput over time".into(),
                    x_label: "time (s)".into(),
                    y_label: "counter updates / s".into(),
                    series,
                    log_x: false,
                },
                &out.join("throughput"),
            )?;
            sections.push(Section {
                title: "Throughput".into(),
                intro_html: "Counter updates per second in each sampling interval.".into(),
                charts: vec![chart],
                table: None,
            });
        }
        let t = &first.table;
        let mut rows = Vec::new();
        for category in MetricCategory::ALL {
            let metrics: Vec<_> = metrics_in_category(category)
                .filter(|m| {
                    !m.deprecated && t.column(m.index).is_some_and(|c| c.iter().any(|&v| v != 0))
                })
                .collect();
            let counters: Vec<_> = metrics
                .iter()
                .filter(|m| m.kind == MetricKind::Counter)
                .collect();
            let (chosen, rate): (Vec<_>, bool) = if counters.is_empty() {
                (metrics.iter().collect(), false)
            } else {
                (counters, true)
            };
            if chosen.is_empty() {
                continue;
            }
            let mut ranked: Vec<_> = chosen
                .into_iter()
                .map(|m| {
                    (
                        m,
                        t.column(m.index)
                            .and_then(|c| c.iter().map(|v| v.abs()).max())
                            .unwrap_or(0),
                    )
                })
                .collect();
            ranked.sort_by_key(|r| std::cmp::Reverse(r.1));
            let series: Vec<Series> = ranked
                .iter()
                .take(PER_CATEGORY)
                .map(|(m, _)| {
                    let c = t.column(m.index).unwrap_or(&[]);
                    let points = (1..t.rows())
                        .filter_map(|k| {
                            let dt = (t.elapsed_ns[k] - t.elapsed_ns[k - 1]) as f64 / 1e9;
                            let x = t.elapsed_ns[k] as f64 / 1e9;
                            if rate {
                                (dt > 0.0).then(|| (x, (c[k] - c[k - 1]) as f64 / dt))
                            } else {
                                Some((x, c[k] as f64))
                            }
                        })
                        .collect();
                    Series {
                        name: m.name.to_string(),
                        points,
                        dashed: false,
                    }
                })
                .collect();
            let name = category.as_str();
            let chart = draw_line_chart(
                &LineChart {
                    title: format!("{name}: {}", if rate { "rates" } else { "levels" }),
                    x_label: "time (s)".into(),
                    y_label: if rate {
                        "per second".into()
                    } else {
                        "level".into()
                    },
                    series,
                    log_x: false,
                },
                &out.join(format!("category-{name}")),
            )?;
            for (m, _) in ranked.iter().take(PER_CATEGORY) {
                let last = t
                    .column(m.index)
                    .and_then(|c| c.last().copied())
                    .unwrap_or(0);
                rows.push(vec![
                    name.to_string(),
                    m.name.to_string(),
                    m.index.to_string(),
                    last.to_string(),
                ]);
            }
            sections.push(Section {
                title: format!("Category: {name}"),
                intro_html: format!(
                    "The {} busiest {} of this category ({}).",
                    ranked.len().min(PER_CATEGORY),
                    if rate {
                        "counters, as rates per second"
                    } else {
                        "gauges, as levels"
                    },
                    escape_html(&t.path.display().to_string())
                ),
                charts: vec![chart],
                table: None,
            });
        }
        sections.push(Section {
            title: "Final values".into(),
            intro_html: "Final snapshot of the metrics drawn above.".into(),
            charts: Vec::new(),
            table: Some(Table {
                headers: vec![
                    "category".into(),
                    "metric".into(),
                    "index".into(),
                    "final value".into(),
                ],
                row_classes: vec![String::new(); rows.len()],
                rows,
            }),
        });
        Ok(sections)
    })
}
