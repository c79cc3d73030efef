//! The unit of work and the headline, decided once per comparison from the runs and the gate
//! policy: what counters are normalised by (so a run that is only faster shows no behaviour
//! change), and which quantity says "faster or slower".
//!
//! * statbench runs: work is counter updates (run.json's per-interval `ops`), the headline is
//!   updates/s.
//! * engine recordings (`session_stats::recorder`) and bare CSVs: work is a metric — the
//!   policy's `work`, else the run.json's `work_metric`, else the policy's `headline` — and the
//!   headline is a metric's rate per second — the policy's `headline`, else the work metric.

use super::quantity::{name_of, WorkUnit};
use crate::error::{Error, Result};
use crate::policy::{Normalise, Policy};
use crate::store::{Run, RunKind, RunSet};

/// Where the headline comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HeadlineSource {
    /// statbench's updates/s per interval.
    Throughput,
    /// A metric's rate per second per interval (engine and bare runs).
    MetricRate(usize),
}

/// The kind both sides share (admission made each side one kind).
fn kind(set: &RunSet) -> RunKind {
    set.runs.first().map_or(RunKind::Bare, Run::kind)
}

/// The engine run.json's work metric of a side, if its runs name one (the first run's;
/// runs of one side that name different ones are refused).
fn named_work(set: &RunSet) -> Result<Option<usize>> {
    let mut found: Option<(usize, String)> = None;
    for run in &set.runs {
        let Some(name) = run.engine.as_ref().and_then(|e| e.work_metric.clone()) else {
            continue;
        };
        let index = session_stats::find_metric_idx(&name).expect("checked when read");
        match &found {
            None => found = Some((index, run.name())),
            Some((i, first)) if *i != index => {
                return Err(Error::input(format!(
                    "{}: work metric {name:?} differs from {first}'s; the runs of a side must count work alike",
                    run.name()
                )))
            }
            Some(_) => {}
        }
    }
    Ok(found.map(|f| f.0))
}

/// The unit of work both sides are normalised by, or `None` (counters then compare per
/// second): statbench runs count updates; other runs the policy's or run.json's work metric.
pub(super) fn unit_of_work(a: &RunSet, b: &RunSet, policy: &Policy) -> Result<Option<WorkUnit>> {
    if policy.normalise == Normalise::PerSecond {
        return Ok(None);
    }
    if kind(a) == RunKind::Statbench && kind(b) == RunKind::Statbench {
        // A killed run has no intervals to count its updates by: then every run compares per
        // second (the incomplete run fails the gate as such).
        let countable =
            (a.runs.iter().chain(&b.runs)).all(|r| cumulative_work(r, WorkUnit::Updates).is_some());
        return Ok(countable.then_some(WorkUnit::Updates));
    }
    if let Some(w) = policy.work {
        return Ok(Some(WorkUnit::Metric(w)));
    }
    let (wa, wb) = (named_work(a)?, named_work(b)?);
    match (wa, wb) {
        (Some(x), Some(y)) if x != y => Err(Error::input(format!(
            "A ({}) counts work in {} but B ({}) in {}; set `work` in statbench.toml to compare them per the same unit",
            a.label,
            name_of(x),
            b.label,
            name_of(y)
        ))),
        (Some(x), _) | (None, Some(x)) => Ok(Some(WorkUnit::Metric(x))),
        (None, None) => Ok(policy.headline.map(WorkUnit::Metric)),
    }
}

/// The headline of this comparison, or `None` when neither statbench's throughput nor a
/// headline metric is known.
pub(super) fn headline_source(
    a: &RunSet,
    b: &RunSet,
    policy: &Policy,
) -> Result<Option<HeadlineSource>> {
    if kind(a) == RunKind::Statbench && kind(b) == RunKind::Statbench {
        return Ok(Some(HeadlineSource::Throughput));
    }
    if let Some(h) = policy.headline {
        return Ok(Some(HeadlineSource::MetricRate(h)));
    }
    let (wa, wb) = (named_work(a)?, named_work(b)?);
    Ok(match (wa, wb) {
        (Some(x), Some(y)) if x == y => Some(HeadlineSource::MetricRate(x)),
        _ => None,
    })
}

/// Work done by each row of `run` since its first, or `None` when the run cannot say (no
/// intervals, a work metric it lacks, or no work at all: nothing to be per).
pub(crate) fn cumulative_work(run: &Run, unit: WorkUnit) -> Option<Vec<f64>> {
    let work = work_by_row(run, unit)?;
    let done = work.last().copied().unwrap_or(0.0) - work.first().copied().unwrap_or(0.0);
    (done > 0.0).then_some(work)
}

fn work_by_row(run: &Run, unit: WorkUnit) -> Option<Vec<f64>> {
    match unit {
        WorkUnit::Metric(i) => Some(run.table.column(i)?.iter().map(|&v| v as f64).collect()),
        WorkUnit::Updates => {
            let meta = run.meta.as_ref()?;
            let rows = run.table.rows();
            let mut work = vec![f64::NAN; rows];
            *work.first_mut()? = 0.0;
            let mut done = 0.0;
            for iv in &meta.intervals {
                done += iv.ops as f64;
                *work.get_mut(usize::try_from(iv.sample).ok()?)? = done;
            }
            // Every row must be accounted for; a gap would make every per-update figure wrong.
            work.iter().all(|w| w.is_finite()).then_some(work)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{run, side};
    use super::*;
    use crate::policy::Policy;

    #[test]
    fn bare_runs_work_in_the_policys_metric_and_take_its_headline() {
        let (a, b) = (
            side(vec![run("a", &[(1, vec![0, 10])])]),
            side(vec![run("b", &[(1, vec![0, 10])])]),
        );
        let none = Policy::default();
        assert_eq!(unit_of_work(&a, &b, &none).unwrap(), None);
        assert_eq!(headline_source(&a, &b, &none).unwrap(), None);
        let p = Policy {
            headline: Some(1),
            ..Policy::default()
        };
        assert_eq!(unit_of_work(&a, &b, &p).unwrap(), Some(WorkUnit::Metric(1)));
        assert_eq!(
            headline_source(&a, &b, &p).unwrap(),
            Some(HeadlineSource::MetricRate(1))
        );
        let per_second = Policy {
            normalise: Normalise::PerSecond,
            ..p.clone()
        };
        assert_eq!(unit_of_work(&a, &b, &per_second).unwrap(), None);
        let idle = run("i", &[(1, vec![7, 7, 7])]);
        assert_eq!(
            cumulative_work(&idle, WorkUnit::Metric(1)),
            None,
            "no work done"
        );
        let r = run("c", &[(1, vec![0, 10, 25])]);
        assert_eq!(
            cumulative_work(&r, WorkUnit::Metric(1)),
            Some(vec![0.0, 10.0, 25.0])
        );
        assert_eq!(cumulative_work(&r, WorkUnit::Metric(2)), None);
        assert_eq!(cumulative_work(&r, WorkUnit::Updates), None);
    }
}
