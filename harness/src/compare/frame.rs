//! The data work of a comparison: per-interval rates and levels for every metric, pooled over a
//! side's runs (their descriptive statistics are [`super::stats::Describe`]'s).
//!
//! A counter becomes a rate per second (`Δvalue / Δt`), a gauge stays a level. Only a run's
//! steady intervals compare ([`crate::store::run_set::steady_intervals`]).

use crate::error::{Error, Result};
use crate::store::{Run, RunSet};
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

#[cfg(test)]
mod tests {
    use super::super::fixtures::{run, side};
    use super::*;

    #[test]
    fn steady_intervals_of_positive_length_are_kept() {
        // Five intervals: the first and last are left out; the third has no length.
        let ns = [
            0,
            1_000_000_000,
            2_000_000_000,
            2_000_000_000,
            4_000_000_000,
            5_000_000_000,
        ];
        assert_eq!(kept_rows(&ns), vec![(2, 1.0), (4, 2.0)]);
        // Three intervals or fewer: all of them.
        assert_eq!(
            kept_rows(&[0, 500_000_000, 1_000_000_000]),
            vec![(1, 0.5), (2, 0.5)]
        );
        assert!(kept_rows(&[7]).is_empty());
    }

    #[test]
    fn a_counter_becomes_a_rate_and_a_gauge_stays_a_level() {
        // Rows a second apart; intervals 1..3 are the steady ones.
        let r = run(
            "r1",
            &[
                (0, vec![0, 10, 30, 60, 100, 150]),
                (1, vec![5, 6, 7, 8, 9, 10]),
            ],
        );
        let cols = run_frame(&r, &[(0, Quantity::Rate), (1, Quantity::Level)]).unwrap();
        assert_eq!(cols, vec![vec![20.0, 30.0, 40.0], vec![7.0, 8.0, 9.0]]);
        let missing = run_frame(&r, &[(2, Quantity::Rate)]).unwrap_err();
        assert_eq!(missing.exit_code(), 2);
        assert!(!missing.to_string().contains('\n'));
    }

    #[test]
    fn runs_are_pooled_in_order_and_non_finite_values_left_out() {
        let set = side(vec![
            run("r1", &[(0, vec![0, 1, 2, 3, 4, 5])]),
            run("r2", &[(0, vec![9, 9, 9])]),
        ]);
        let frame = pooled_frame(&set, &[(0, Quantity::Level)]).unwrap();
        assert_eq!(frame.run_lengths, vec![3, 2]);
        assert_eq!(frame.into_samples(), vec![vec![2.0, 3.0, 4.0, 9.0, 9.0]]);
        // Only NaN and infinities are dropped.
        let one = SideFrame {
            columns: vec![vec![vec![1.0, f64::NAN, f64::INFINITY, 2.0]]],
            run_lengths: vec![4],
        };
        assert_eq!(one.into_samples(), vec![vec![1.0, 2.0]]);
        assert!(pooled_frame(&side(Vec::new()), &[]).is_err());
    }
}
