//! The data work of a comparison, in polars: per-interval rates and levels for every metric,
//! pooled over a side's runs, and their descriptive statistics.
//!
//! A counter becomes a rate per second (`Δvalue / Δt`), a gauge stays a level. Only a run's
//! steady intervals compare ([`crate::store::run_set::steady_intervals`]).

use crate::error::{Error, Result};
use crate::store::{Run, RunSet};
use polars::prelude::*;
use rayon::prelude::*;

/// What a compared quantity is, and so how its samples are formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantity {
    /// The headline: counter updates per second per interval, from run.json.
    Throughput,
    /// Counter: rate per second per interval.
    Rate,
    /// Gauge: level at the end of each interval.
    Level,
}

impl std::fmt::Display for Quantity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Quantity::Throughput => "throughput",
            Quantity::Rate => "rate",
            Quantity::Level => "level",
        })
    }
}

fn polars_error(what: &str, e: PolarsError) -> Error {
    Error::input(format!("{what}: {e}"))
}

/// One side's per-interval samples: for each compared metric, the values of every run's kept
/// intervals, run by run. Built straight from the snapshot columns (no intermediate frame), so
/// a 100k-row file costs one `f64` per value and metric, once.
#[derive(Debug, Clone, PartialEq)]
pub struct SideFrame {
    /// Per metric (in the order asked for), per run: the kept intervals' values.
    columns: Vec<Vec<Vec<f64>>>,
    /// How many intervals each run gave (the same for every metric).
    pub run_lengths: Vec<usize>,
}

impl SideFrame {
    /// The pooled samples of every metric, in the order asked for: the runs stacked, values
    /// that are not finite left out. A single run's values are moved, not copied.
    pub fn into_samples(self) -> Vec<Vec<f64>> {
        self.columns
            .into_iter()
            .map(|runs| {
                let mut pooled = if runs.len() == 1 {
                    runs.into_iter().next().expect("one run")
                } else {
                    runs.concat()
                };
                pooled.retain(|v| v.is_finite());
                pooled
            })
            .collect()
    }
}

/// Row numbers of `elapsed_ns` whose interval (from the row before) is kept: a steady interval
/// ([`crate::store::run_set::steady_intervals`]) of positive length; and each one's length in
/// seconds.
fn kept_rows(elapsed_ns: &[u64]) -> Vec<(usize, f64)> {
    // Row k holds interval k − 1 (row 0 has no interval), so interval i is row i + 1.
    let kept = crate::store::run_set::steady_intervals(elapsed_ns.len().saturating_sub(1));
    (kept.start + 1..kept.end + 1)
        .filter_map(|k| {
            // Times 1/1e9, as polars divides by a constant: the same bits as before.
            let dt =
                (elapsed_ns[k] as i64).wrapping_sub(elapsed_ns[k - 1] as i64) as f64 * (1.0 / 1e9);
            (dt > 0.0).then_some((k, dt))
        })
        .collect()
}

/// Per-interval samples of `metrics` for one run: one column per metric, one value per kept
/// interval (a counter's rate per second, a gauge's level at the interval's end).
pub fn run_frame(run: &Run, metrics: &[(usize, Quantity)]) -> Result<Vec<Vec<f64>>> {
    let t = &run.table;
    let rows = kept_rows(&t.elapsed_ns);
    metrics
        .par_iter()
        .map(|&(index, quantity)| {
            let col = t.column(index).ok_or_else(|| {
                Error::input(format!(
                    "{}: metric column {index} missing",
                    t.path.display()
                ))
            })?;
            Ok(match quantity {
                Quantity::Rate => rows
                    .iter()
                    .map(|&(k, dt)| col[k].wrapping_sub(col[k - 1]) as f64 / dt)
                    .collect(),
                // Throughput is never a metric column; a level if it ever were.
                Quantity::Level | Quantity::Throughput => {
                    rows.iter().map(|&(k, _)| col[k] as f64).collect()
                }
            })
        })
        .collect()
}

/// The kept intervals of every run of `set`, run by run.
pub fn pooled_frame(set: &RunSet, metrics: &[(usize, Quantity)]) -> Result<SideFrame> {
    if set.runs.is_empty() {
        return Err(Error::input(format!("{}: no runs", set.label)));
    }
    let mut columns: Vec<Vec<Vec<f64>>> = vec![Vec::with_capacity(set.runs.len()); metrics.len()];
    let mut run_lengths = Vec::with_capacity(set.runs.len());
    for run in &set.runs {
        run_lengths.push(kept_rows(&run.table.elapsed_ns).len());
        for (m, values) in run_frame(run, metrics)?.into_iter().enumerate() {
            columns[m].push(values);
        }
    }
    Ok(SideFrame {
        columns,
        run_lengths,
    })
}

/// Descriptive statistics of one metric on one side.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Describe {
    /// Samples (intervals).
    pub n: usize,
    /// Median.
    pub median: f64,
    /// Mean.
    pub mean: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Standard deviation (spread).
    pub std_dev: f64,
}

/// Median, mean, p95 and standard deviation of every metric of `frame`, by polars, the metrics
/// in parallel; each metric's runs are the chunks of one polars array.
pub fn describe(frame: &SideFrame) -> Result<Vec<Describe>> {
    frame
        .columns
        .par_iter()
        .map(|runs| {
            let name = PlSmallStr::from_static("m");
            let mut ca =
                Float64Chunked::from_slice(name.clone(), runs.first().map_or(&[], Vec::as_slice));
            for r in runs.iter().skip(1) {
                ca.append(&Float64Chunked::from_slice(name.clone(), r))
                    .map_err(|e| polars_error("describe", e))?;
            }
            let p95 = ca
                .quantile(0.95, QuantileMethod::Linear)
                .map_err(|e| polars_error("describe", e))?;
            let nan = |v: Option<f64>| v.unwrap_or(f64::NAN);
            Ok(Describe {
                n: ca.len(),
                median: nan(ca.median()),
                mean: nan(ca.mean()),
                p95: nan(p95),
                std_dev: nan(ca.std(1)),
            })
        })
        .collect()
}
