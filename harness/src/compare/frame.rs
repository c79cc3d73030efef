//! The data work of a comparison: per-interval rates and levels for every metric, pooled over a
//! side's runs (their descriptive statistics are [`statbench_stats::Describe`]'s).
//!
//! A counter becomes a rate per second (`Δvalue / Δt`), a gauge stays a level. Only a run's
//! steady intervals compare ([`crate::store::run_set::steady_intervals`]).

use super::quantity::{describe_unit, Quantity, WorkUnit};
use super::work::cumulative_work;
use crate::error::{Error, Result};
use crate::store::{Run, RunSet};
use rayon::prelude::*;

/// One side's per-interval samples: for each compared metric, the values of every run's kept
/// intervals, run by run. Built straight from the snapshot columns (no intermediate frame), so
/// a 100k-row file costs one `f64` per value and metric, once.
#[derive(Debug, Clone, PartialEq)]
pub struct SideFrame {
    /// Per metric (in the order asked for), per run: the kept intervals' values (one value per
    /// run for per-work quantities of a side of several runs).
    columns: Vec<Vec<Vec<f64>>>,
}

impl SideFrame {
    /// The pooled samples of every metric, in the order asked for, with how many each run
    /// gave: the runs stacked, values that are not finite left out (run by run, so the lengths
    /// stay true). A single run's values are moved, not copied.
    pub fn into_samples(self) -> Vec<(Vec<f64>, Vec<usize>)> {
        self.columns
            .into_iter()
            .map(|mut runs| {
                for r in &mut runs {
                    r.retain(|v| v.is_finite());
                }
                let lengths = runs.iter().map(Vec::len).collect();
                let pooled = if runs.len() == 1 {
                    runs.pop().expect("one run")
                } else {
                    runs.concat()
                };
                (pooled, lengths)
            })
            .collect()
    }
}

/// Row numbers of `elapsed_ns` whose interval (from the row before) is kept: a steady interval
/// ([`crate::store::run_set::steady_intervals`]) of positive length — and, when `work` is
/// given, in which some work was done (an idle interval has no per-work figure); and each one's
/// length in seconds.
fn kept_rows(elapsed_ns: &[u64], work: Option<&[f64]>) -> Vec<(usize, f64)> {
    // Row k holds interval k − 1 (row 0 has no interval), so interval i is row i + 1.
    let kept = crate::store::run_set::steady_intervals(elapsed_ns.len().saturating_sub(1));
    (kept.start + 1..kept.end + 1)
        .filter_map(|k| {
            // Times 1/1e9, as polars divides by a constant: the same bits as before.
            let dt =
                (elapsed_ns[k] as i64).wrapping_sub(elapsed_ns[k - 1] as i64) as f64 * (1.0 / 1e9);
            let worked = work.map_or(true, |w| w[k] - w[k - 1] > 0.0);
            (dt > 0.0 && worked).then_some((k, dt))
        })
        .collect()
}

/// Per-interval samples of `metrics` for one run: one column per metric, one value per kept
/// interval (a counter's rate per second or per unit of work, a gauge's level at the interval's
/// end). `work` is required when a quantity is per work; the run's rows without work are then
/// left out for every metric alike, so all columns stay aligned.
///
/// With `whole_run`, a per-work quantity is one value for the run: its total change over its
/// total work in the kept intervals. When the run is the unit of the test (several runs a
/// side) that is the exact figure, where the median of per-interval ratios is biased for rare
/// events (a median of small counts is an integer: seen as −15% on an unchanged counter that
/// moves once an interval, when B did twice the work per interval).
pub fn run_frame(
    run: &Run,
    metrics: &[(usize, Quantity)],
    work: Option<WorkUnit>,
    whole_run: bool,
) -> Result<Vec<Vec<f64>>> {
    run_frame_within(run, metrics, work, whole_run, None)
}

/// The work, `(from, to)` in units of work since each run's start, that every run of `sets`
/// covered in its kept intervals; `None` when a run cannot count its work or the runs share
/// no span.
///
/// Why: statbench's runs replay one fixed sequence of peer lives (life `k` is always the same
/// tape), so a per-work figure over a run's own span depends on how far into that sequence the
/// run got. A run on a busier machine gets less far, and rare events (one blocked address in a
/// hundred lives) then moved by +2–14% per update between unchanged builds; over the same span
/// of work they agree within a few percent.
pub fn common_work_span(sets: &[&RunSet], unit: WorkUnit) -> Option<(f64, f64)> {
    let (mut from, mut to) = (f64::NEG_INFINITY, f64::INFINITY);
    for run in sets.iter().flat_map(|s| &s.runs) {
        let w = cumulative_work(run, unit)?;
        let rows = kept_rows(&run.table.elapsed_ns, Some(&w));
        let (first, last) = (rows.first()?.0, rows.last()?.0);
        from = from.max(w[first - 1]);
        to = to.min(w[last]);
    }
    (to > from).then_some((from, to))
}

/// The counter `col`'s change from row 0 to the point where the cumulative work `w` reaches
/// `x`, linear within the interval that holds it.
fn counter_at_work(col: &[i64], w: &[f64], x: f64) -> f64 {
    let k = w.partition_point(|&v| v < x).min(w.len() - 1);
    let at = |k: usize| col[k].wrapping_sub(col[0]) as f64;
    if k == 0 || w[k] <= w[k - 1] {
        return at(k);
    }
    let frac = ((x - w[k - 1]) / (w[k] - w[k - 1])).clamp(0.0, 1.0);
    at(k - 1) + frac * (at(k) - at(k - 1))
}

/// [`run_frame`], a whole run's per-work counters measured over `span` of work (see
/// [`common_work_span`]) instead of over its own kept intervals.
pub fn run_frame_within(
    run: &Run,
    metrics: &[(usize, Quantity)],
    work: Option<WorkUnit>,
    whole_run: bool,
    span: Option<(f64, f64)>,
) -> Result<Vec<Vec<f64>>> {
    let t = &run.table;
    let needs_work = metrics.iter().any(|m| m.1.needs_work());
    let work_done = match work.filter(|_| needs_work) {
        Some(unit) => Some(cumulative_work(run, unit).ok_or_else(|| {
            Error::input(format!(
                "{}: cannot count its work in {} (no such column, no work done, or run.json's intervals do not cover every row); compare per second with `normalise = \"per_second\"` in statbench.toml",
                run.name(),
                describe_unit(unit)
            ))
        })?),
        None if needs_work => {
            return Err(Error::input(format!(
                "{}: a per-work quantity without a unit of work",
                run.name()
            )))
        }
        None => None,
    };
    let rows = kept_rows(&t.elapsed_ns, work_done.as_deref());
    let dw = |k: usize| work_done.as_ref().map_or(f64::NAN, |w| w[k] - w[k - 1]);
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
                Quantity::PerWork if whole_run && span.is_some() => {
                    let (from, to) = span.expect("checked");
                    let w = work_done.as_ref().expect("per work has work");
                    vec![
                        (counter_at_work(col, w, to) - counter_at_work(col, w, from)) / (to - from),
                    ]
                }
                Quantity::PerWork if whole_run => {
                    let (dv, w) = rows.iter().fold((0.0, 0.0), |(v, w), &(k, _)| {
                        (v + col[k].wrapping_sub(col[k - 1]) as f64, w + dw(k))
                    });
                    vec![dv / w]
                }
                Quantity::RatePerWork if whole_run => {
                    // The rate's integral over the kept time, per unit of work done in it.
                    let (v, w) = rows.iter().fold((0.0, 0.0), |(v, w), &(k, dt)| {
                        (v + col[k] as f64 * dt, w + dw(k))
                    });
                    vec![v / w]
                }
                Quantity::PerWork => rows
                    .iter()
                    .map(|&(k, _)| col[k].wrapping_sub(col[k - 1]) as f64 / dw(k))
                    .collect(),
                Quantity::RatePerWork => rows
                    .iter()
                    .map(|&(k, dt)| col[k] as f64 / (dw(k) / dt))
                    .collect(),
                // Throughput is never a metric column; a level if it ever were.
                Quantity::Level | Quantity::Throughput => {
                    rows.iter().map(|&(k, _)| col[k] as f64).collect()
                }
            })
        })
        .collect()
}

/// The kept intervals of every run of `set`, run by run (per-work quantities one value per
/// run when the side has several runs: see [`run_frame`]; over `span` of work when given).
pub fn pooled_frame(
    set: &RunSet,
    metrics: &[(usize, Quantity)],
    work: Option<WorkUnit>,
    span: Option<(f64, f64)>,
) -> Result<SideFrame> {
    if set.runs.is_empty() {
        return Err(Error::input(format!("{}: no runs", set.label)));
    }
    let whole_run = set.runs.len() > 1;
    let mut columns: Vec<Vec<Vec<f64>>> = vec![Vec::with_capacity(set.runs.len()); metrics.len()];
    for run in &set.runs {
        for (m, values) in run_frame_within(run, metrics, work, whole_run, span)?
            .into_iter()
            .enumerate()
        {
            columns[m].push(values);
        }
    }
    Ok(SideFrame { columns })
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
        assert_eq!(kept_rows(&ns, None), vec![(2, 1.0), (4, 2.0)]);
        // Three intervals or fewer: all of them.
        assert_eq!(
            kept_rows(&[0, 500_000_000, 1_000_000_000], None),
            vec![(1, 0.5), (2, 0.5)]
        );
        assert!(kept_rows(&[7], None).is_empty());
        // With work: the interval in which none was done is left out too.
        let work = [0.0, 5.0, 5.0, 9.0, 12.0, 20.0];
        assert_eq!(
            kept_rows(&[0, 1, 2, 3, 4, 5].map(|s| s * 1_000_000_000), Some(&work)),
            vec![(3, 1.0), (4, 1.0)]
        );
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
        let cols = run_frame(
            &r,
            &[(0, Quantity::Rate), (1, Quantity::Level)],
            None,
            false,
        )
        .unwrap();
        assert_eq!(cols, vec![vec![20.0, 30.0, 40.0], vec![7.0, 8.0, 9.0]]);
        let missing = run_frame(&r, &[(2, Quantity::Rate)], None, false).unwrap_err();
        assert_eq!(missing.exit_code(), 2);
        assert!(!missing.to_string().contains('\n'));
    }

    #[test]
    fn counters_per_unit_of_work_ignore_how_fast_the_work_was_done() {
        // Metric 1 is the work; metric 0 moves 3 per unit of work. Run "fast" does the same
        // work in half the time (its rows are half as far apart): its per-second rates double,
        // its per-work figures do not move.
        let rows = |scale: i64| -> Run {
            let mut r = run(
                "r",
                &[
                    (0, vec![0, 30, 60, 90, 120, 150]),
                    (1, vec![0, 10, 20, 30, 40, 50]),
                ],
            );
            r.table.elapsed_ns = (0..6).map(|k| (k * 1_000_000_000 / scale) as u64).collect();
            r
        };
        let q = [
            (0, Quantity::PerWork),
            (0, Quantity::Rate),
            (1, Quantity::RatePerWork),
        ];
        let unit = Some(WorkUnit::Metric(1));
        let slow = run_frame(&rows(1), &q, unit, false).unwrap();
        let fast = run_frame(&rows(2), &q, unit, false).unwrap();
        assert_eq!(slow[0], vec![3.0; 3]);
        assert_eq!(fast[0], slow[0]);
        assert_eq!(slow[1], vec![30.0; 3]);
        assert_eq!(fast[1], vec![60.0; 3]);
        // A level of the work metric itself (a rate gauge): its value over work per second.
        assert_eq!(slow[2], vec![20.0 / 10.0, 30.0 / 10.0, 40.0 / 10.0]);
        // No unit of work for a per-work quantity: refused in one line.
        let e = run_frame(&rows(1), &q, None, false).unwrap_err();
        assert!(!e.to_string().contains('\n'));
        let e = run_frame(&rows(1), &q, Some(WorkUnit::Metric(7)), false).unwrap_err();
        // A whole run: total change over total work.
        let whole = run_frame(&rows(2), &q, unit, true).unwrap();
        assert_eq!(whole[0], vec![3.0]);
        assert_eq!(whole[1], fast[1], "per-second rates stay per interval");
        assert_eq!(whole[2], vec![(20.0 + 30.0 + 40.0) * 0.5 / 30.0]);
        assert!(e.to_string().contains("cannot count its work"), "{e}");
    }

    #[test]
    fn runs_are_pooled_in_order_and_non_finite_values_left_out() {
        let set = side(vec![
            run("r1", &[(0, vec![0, 1, 2, 3, 4, 5])]),
            run("r2", &[(0, vec![9, 9, 9])]),
        ]);
        let frame = pooled_frame(&set, &[(0, Quantity::Level)], None, None).unwrap();
        assert_eq!(
            frame.into_samples(),
            vec![(vec![2.0, 3.0, 4.0, 9.0, 9.0], vec![3, 2])]
        );
        // Only NaN and infinities are dropped, and each run's length says so.
        let two = SideFrame {
            columns: vec![vec![vec![1.0, f64::NAN, f64::INFINITY, 2.0], vec![3.0]]],
        };
        assert_eq!(two.into_samples(), vec![(vec![1.0, 2.0, 3.0], vec![2, 1])]);
        assert!(pooled_frame(&side(Vec::new()), &[], None, None).is_err());
    }
}
