//! The data work of a comparison, in polars: per-interval rates and levels for every metric,
//! pooled over a side's runs, and their descriptive statistics.
//!
//! A counter becomes a rate per second (`Δvalue / Δt`), a gauge stays a level. Only a run's
//! steady intervals compare ([`crate::store::run_set::steady_intervals`]).

use crate::error::{Error, Result};
use crate::store::{Run, RunSet};
use polars::prelude::*;

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

/// Column name of metric `index` in the frames.
pub fn metric_column(index: usize) -> String {
    format!("m{index}")
}

/// Column with each interval's length in seconds.
pub const INTERVAL_COLUMN: &str = "interval_s";

fn polars_error(what: &str, e: PolarsError) -> Error {
    Error::input(format!("{what}: {e}"))
}

/// Per-interval samples of `metrics` for one run (one row per kept interval).
pub fn run_frame(run: &Run, metrics: &[(usize, Quantity)]) -> Result<DataFrame> {
    let t = &run.table;
    let rows = t.rows();
    let mut columns: Vec<Column> = Vec::with_capacity(metrics.len() + 1);
    columns.push(Column::new(
        "elapsed_ns".into(),
        t.elapsed_ns.iter().map(|&v| v as i64).collect::<Vec<i64>>(),
    ));
    for &(index, _) in metrics {
        let col = t.column(index).ok_or_else(|| {
            Error::input(format!(
                "{}: metric column {index} missing",
                t.path.display()
            ))
        })?;
        columns.push(Column::new(metric_column(index).into(), col));
    }
    let what = t.path.display().to_string();
    let df = DataFrame::new(rows, columns).map_err(|e| polars_error(&what, e))?;

    let dt =
        (col("elapsed_ns") - col("elapsed_ns").shift(lit(1))).cast(DataType::Float64) / lit(1e9);
    let mut exprs = vec![dt.clone().alias(INTERVAL_COLUMN)];
    for &(index, quantity) in metrics {
        let name = metric_column(index);
        exprs.push(match quantity {
            Quantity::Rate => ((col(name.as_str()) - col(name.as_str()).shift(lit(1)))
                .cast(DataType::Float64)
                / dt.clone())
            .alias(name.as_str()),
            // Throughput is never a metric column; a level if it ever were.
            Quantity::Level | Quantity::Throughput => col(name.as_str())
                .cast(DataType::Float64)
                .alias(name.as_str()),
        });
    }
    // Row k holds interval k − 1 (row 0 has no interval), so interval i is row i + 1.
    let kept = crate::store::run_set::steady_intervals(rows.saturating_sub(1));
    let (offset, len) = (kept.start + 1, kept.len());
    df.lazy()
        .select(exprs)
        .slice(offset as i64, len as IdxSize)
        .filter(col(INTERVAL_COLUMN).gt(lit(0.0)))
        .collect()
        .map_err(|e| polars_error(&what, e))
}

/// The kept intervals of every run of `set`, stacked, and how many rows each run gave.
pub fn pooled_frame(
    set: &RunSet,
    metrics: &[(usize, Quantity)],
) -> Result<(DataFrame, Vec<usize>)> {
    let frames = set
        .runs
        .iter()
        .map(|r| run_frame(r, metrics))
        .collect::<Result<Vec<_>>>()?;
    if frames.is_empty() {
        return Err(Error::input(format!("{}: no runs", set.label)));
    }
    let lengths = frames.iter().map(DataFrame::height).collect();
    if frames.len() == 1 {
        // One run: nothing to stack (and no second copy of a large file's frame).
        let df = frames.into_iter().next().expect("one frame");
        return Ok((df, lengths));
    }
    let df = concat(
        frames.into_iter().map(DataFrame::lazy).collect::<Vec<_>>(),
        UnionArgs::default(),
    )
    .and_then(|lf| lf.collect())
    .map_err(|e| polars_error(&set.label, e))?;
    Ok((df, lengths))
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

/// Median, mean, p95 and standard deviation of every metric column of `df`, in one pass.
pub fn describe(df: &DataFrame, indices: &[usize]) -> Result<Vec<Describe>> {
    if indices.is_empty() {
        return Ok(Vec::new());
    }
    let mut exprs = Vec::with_capacity(indices.len() * 4);
    for &i in indices {
        let c = metric_column(i);
        exprs.push(col(c.as_str()).median().alias(format!("{c}_median")));
        exprs.push(col(c.as_str()).mean().alias(format!("{c}_mean")));
        exprs.push(
            col(c.as_str())
                .quantile(lit(0.95), QuantileMethod::Linear)
                .alias(format!("{c}_p95")),
        );
        exprs.push(col(c.as_str()).std(1).alias(format!("{c}_std")));
    }
    let out = df
        .clone()
        .lazy()
        .select(exprs)
        .collect()
        .map_err(|e| polars_error("describe", e))?;
    let get = |name: String| -> f64 {
        out.column(&name)
            .ok()
            .and_then(|c| c.f64().ok().and_then(|ca| ca.get(0)))
            .unwrap_or(f64::NAN)
    };
    Ok(indices
        .iter()
        .map(|&i| {
            let c = metric_column(i);
            Describe {
                n: df.height(),
                median: get(format!("{c}_median")),
                mean: get(format!("{c}_mean")),
                p95: get(format!("{c}_p95")),
                std_dev: get(format!("{c}_std")),
            }
        })
        .collect())
}

/// The non-null values of a metric column, for the tests.
pub fn samples(df: &DataFrame, index: usize) -> Vec<f64> {
    df.column(&metric_column(index))
        .ok()
        .and_then(|c| {
            c.f64()
                .ok()
                .map(|ca| ca.iter().flatten().filter(|v| v.is_finite()).collect())
        })
        .unwrap_or_default()
}
