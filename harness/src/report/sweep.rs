//! The report of a sweep: scaling curves (throughput vs threads, one line per layout, with the
//! non-atomic ceiling) per access pattern, and the table of points.

use super::chart::{draw_line_chart, LineChart, Section, Series, Table};
use super::write_report;
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::Path;

/// One row of `sweep.csv`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
pub struct SweepPoint {
    /// Layout name (or `ceiling`).
    pub layout: String,
    pub threads: usize,
    /// Access pattern (e.g. `swarm`).
    pub pattern: String,
    /// Repetition number.
    pub repetition: usize,
    /// Updates per second, all threads together.
    pub ops_per_sec: f64,
    /// Nanoseconds per update per thread.
    pub ns_per_op: f64,
}

/// Reads `sweep.csv`: at least one point, else bad input (a report of nothing is no report).
pub fn read_sweep(path: &Path) -> Result<Vec<SweepPoint>> {
    let mut reader = csv::Reader::from_path(path)
        .map_err(|e| Error::input(format!("{}: {e}", path.display())))?;
    let points: Vec<SweepPoint> = reader
        .deserialize()
        .enumerate()
        .map(|(k, row)| row.map_err(|e| Error::input(format!("{}:{}: {e}", path.display(), k + 2))))
        .collect::<Result<_>>()?;
    if points.is_empty() {
        let what = match std::fs::metadata(path) {
            Ok(m) if m.len() == 0 => "the file is empty",
            _ => "only a header",
        };
        return Err(Error::input(format!(
            "{}: no sweep points to report ({what})",
            path.display()
        )));
    }
    Ok(points)
}

/// Median ops/s per (pattern, layout, threads).
pub fn medians(points: &[SweepPoint]) -> BTreeMap<(String, String, usize), f64> {
    let mut groups: BTreeMap<(String, String, usize), Vec<f64>> = BTreeMap::new();
    for p in points {
        groups
            .entry((p.pattern.clone(), p.layout.clone(), p.threads))
            .or_default()
            .push(p.ops_per_sec);
    }
    groups
        .into_iter()
        .map(|(k, v)| (k, statbench_stats::median(&v).unwrap_or(f64::NAN)))
        .collect()
}

/// Draws the scaling curves of `points` into `out` (`scaling-<pattern>.png/svg`).
pub fn draw_scaling(points: &[SweepPoint], out: &Path) -> Result<Vec<super::chart::ChartFiles>> {
    let med = medians(points);
    let patterns: Vec<String> = {
        let mut p: Vec<String> = med.keys().map(|k| k.0.clone()).collect();
        p.dedup();
        p
    };
    let mut charts = Vec::new();
    for pattern in patterns {
        // One line per layout from the medians of this pattern, y computed by `y(threads, ops/s)`.
        let lines = |y: &dyn Fn(f64, f64) -> f64| -> Vec<Series> {
            let mut by_layout: BTreeMap<&str, Vec<(f64, f64)>> = BTreeMap::new();
            for ((p, layout, threads), v) in &med {
                if *p == pattern {
                    let t = *threads as f64;
                    by_layout
                        .entry(layout.as_str())
                        .or_default()
                        .push((t, y(t, *v)));
                }
            }
            by_layout
                .into_iter()
                .map(|(layout, points)| Series {
                    name: layout.to_string(),
                    points,
                    dashed: layout == "ceiling",
                    group: None,
                })
                .collect()
        };
        let series = lines(&|_, v| v / 1e6);
        let cost_series = lines(&|t, v| t * 1e9 / v.max(1e-9));
        charts.push(draw_line_chart(
            &LineChart {
                title: format!("Scaling, pattern `{pattern}`: throughput vs threads"),
                x_label: "threads".into(),
                y_label: "M updates / s (all threads)".into(),
                series,
                log_x: true,
            },
            &out.join(format!("scaling-{pattern}")),
        )?);
        charts.push(draw_line_chart(
            &LineChart {
                title: format!("Cost per update, pattern `{pattern}` (lower is better)"),
                x_label: "threads".into(),
                y_label: "ns per update per thread".into(),
                series: cost_series,
                log_x: true,
            },
            &out.join(format!("cost-{pattern}")),
        )?);
    }
    Ok(charts)
}

/// Writes the report of a sweep folder (`sweep.csv`) into `dir`.
pub fn sweep_report(sweep_csv: &Path, dir: &Path, force: bool) -> Result<()> {
    let points = read_sweep(sweep_csv)?;
    write_report(
        dir,
        force,
        "statbench sweep: scaling curves",
        &sweep_csv.display().to_string(),
        |out| {
            let charts = draw_scaling(&points, out)?;
            let med = medians(&points);
            let rows: Vec<Vec<String>> = med
                .iter()
                .map(|((p, l, t), v)| {
                    vec![
                        p.clone(),
                        l.clone(),
                        t.to_string(),
                        format!("{:.1}", v / 1e6),
                    ]
                })
                .collect();
            Ok(vec![Section {
            title: "Throughput vs threads".into(),
            intro_html: "Median over repetitions; one line per layout, the dashed line is the non-atomic ceiling.".into(),
            charts,
            table: Some(Table {
                headers: ["pattern", "layout", "threads", "M updates/s"].map(String::from).to_vec(),
                row_classes: vec![String::new(); rows.len()],
                rows,
            }),
        }])
        },
    )
}
