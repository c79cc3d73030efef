//! The report of one run (or of the runs of a `--repeat` folder): throughput over time (one
//! line per run), and the busiest metrics of every category over time (with several runs, the
//! median of the runs at each sampling instant). The header is the run summary `statbench run`
//! printed: the median run and the spread.

use super::chart::{draw_line_chart, escape_html, LineChart, Section, Series, Table};
use super::{throughput_series, write_report};
use crate::error::Result;
use crate::recorder::summary::ThroughputSummary;
use crate::store::{RunSet, SnapshotTable};
use session_stats::{metrics_in_category, MetricCategory, MetricKind};
use std::path::Path;

/// Most metrics drawn per category chart.
const PER_CATEGORY: usize = 5;

/// Most runs drawn as lines in the throughput chart (a 20-run gate folder fits).
const MAX_RUN_LINES: usize = 24;

/// The unit of a metric's recorded value (`B`, `B/s`, `µs`, `ms`, `s`; empty for a count).
fn raw_unit(name: &str) -> &'static str {
    use crate::export::unit::{base_of, Base};
    match base_of(name) {
        Base::Bytes => "B",
        Base::BytesPerSecond => "B/s",
        Base::Time { scale } if scale < 1e-4 => "µs",
        Base::Time { scale } if scale < 1.0 => "ms",
        Base::Time { .. } => "s",
        Base::Count | Base::Updates => "",
    }
}

/// Metric `index` of every table over time: its rate per second (counters) or level
/// (gauges) at each sampling instant, the median across tables where there are several (the
/// instants of the first table give the time axis).
fn median_series(tables: &[&SnapshotTable], index: usize, rate: bool) -> Vec<(f64, f64)> {
    let per_table: Vec<Vec<(f64, f64)>> = tables
        .iter()
        .map(|t| {
            let c = t.column(index).unwrap_or(&[]);
            (1..t.rows().min(c.len()))
                .filter_map(|k| {
                    let dt = (t.elapsed_ns[k] - t.elapsed_ns[k - 1]) as f64 / 1e9;
                    let x = t.elapsed_ns[k] as f64 / 1e9;
                    if rate {
                        (dt > 0.0).then(|| (x, (c[k] - c[k - 1]) as f64 / dt))
                    } else {
                        Some((x, c[k] as f64))
                    }
                })
                .collect()
        })
        .collect();
    if per_table.len() <= 1 {
        return per_table.into_iter().next().unwrap_or_default();
    }
    let longest = per_table.iter().map(Vec::len).max().unwrap_or(0);
    (0..longest)
        .filter_map(|k| {
            let ys: Vec<f64> = per_table
                .iter()
                .filter_map(|s| s.get(k).map(|p| p.1))
                .collect();
            let x = per_table.iter().find_map(|s| s.get(k).map(|p| p.0))?;
            Some((x, statbench_stats::median(&ys)?))
        })
        .collect()
}

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
    let runs = set.runs.len();
    let subtitle = match (&first.meta, ThroughputSummary::of(set.metas())) {
        (Some(m), Some(tp)) => format!(
            "{tp} · started {} · {} · totals {}",
            m.start_time,
            m.host.speed_fingerprint(),
            if set.metas().all(|m| m.totals_verified == Some(true)) {
                "verified exactly"
            } else if set.metas().any(|m| m.totals_verified == Some(false)) {
                "DID NOT MATCH"
            } else {
                "not checked"
            }
        ),
        _ => format!("{}, no run.json", crate::export::runs(runs)),
    };
    write_report(dir, force, &title, &subtitle, |out| {
        let mut sections = Vec::new();
        let series = throughput_series(set, "", false, MAX_RUN_LINES, None);
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
                intro_html: if runs > 1 {
                    format!(
                        "Counter updates per second in each sampling interval, one line per run{}.",
                        if runs > MAX_RUN_LINES {
                            format!(" (the first {MAX_RUN_LINES} of {runs})")
                        } else {
                            String::new()
                        }
                    )
                } else {
                    "Counter updates per second in each sampling interval.".into()
                },
                charts: vec![chart],
                table: None,
            });
        }
        let tables: Vec<&crate::store::SnapshotTable> = set.runs.iter().map(|r| &r.table).collect();
        let mut rows = Vec::new();
        for category in MetricCategory::ALL {
            let metrics: Vec<_> = metrics_in_category(category)
                .filter(|m| {
                    !m.deprecated
                        && tables
                            .iter()
                            .any(|t| t.column(m.index).is_some_and(|c| c.iter().any(|&v| v != 0)))
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
                        tables
                            .iter()
                            .filter_map(|t| t.column(m.index)?.iter().map(|v| v.abs()).max())
                            .max()
                            .unwrap_or(0),
                    )
                })
                .collect();
            ranked.sort_by_key(|r| std::cmp::Reverse(r.1));
            let series: Vec<Series> = ranked
                .iter()
                .take(PER_CATEGORY)
                .map(|(m, _)| Series {
                    name: m.name.to_string(),
                    points: median_series(&tables, m.index, rate),
                    dashed: false,
                    group: None,
                })
                .collect();
            let name = category.as_str();
            let chart = draw_line_chart(
                &LineChart {
                    title: format!("{name}: {}", if rate { "rates" } else { "levels" }),
                    x_label: "time (s)".into(),
                    y_label: if rate {
                        "per second (B/s for bytes)".into()
                    } else {
                        "level".into()
                    },
                    series,
                    log_x: false,
                },
                &out.join(format!("category-{name}")),
            )?;
            for (m, _) in ranked.iter().take(PER_CATEGORY) {
                let mut finals: Vec<f64> = tables
                    .iter()
                    .filter_map(|t| t.column(m.index)?.last().map(|&v| v as f64))
                    .collect();
                finals.sort_by(f64::total_cmp);
                let unit = raw_unit(m.name);
                let shown = |v: f64| {
                    let n = crate::export::unit::thousands(v.round() as i64);
                    if unit.is_empty() {
                        n
                    } else {
                        format!("{n} {unit}")
                    }
                };
                let mut row = vec![
                    name.to_string(),
                    m.name.to_string(),
                    m.index.to_string(),
                    statbench_stats::median(&finals).map_or("—".into(), shown),
                ];
                if runs > 1 {
                    row.push(match (finals.first(), finals.last()) {
                        (Some(&lo), Some(&hi)) => format!("{} – {}", shown(lo), shown(hi)),
                        _ => "—".into(),
                    });
                }
                rows.push(row);
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
                    if runs > 1 {
                        format!("median of the {runs} runs at each sampling instant")
                    } else {
                        escape_html(&first.table.path.display().to_string())
                    }
                ),
                charts: vec![chart],
                table: None,
            });
        }
        let mut headers = vec![
            "category".into(),
            "metric".into(),
            "index".into(),
            if runs > 1 {
                "final value (median run)".into()
            } else {
                "final value".into()
            },
        ];
        if runs > 1 {
            headers.push("lowest – highest run".into());
        }
        sections.push(Section {
            title: "Final values".into(),
            intro_html:
                "Final snapshot of the metrics drawn above (counters are totals since the start)."
                    .into(),
            charts: Vec::new(),
            table: Some(Table {
                headers,
                row_classes: vec![String::new(); rows.len()],
                rows,
            }),
        });
        Ok(sections)
    })
}
