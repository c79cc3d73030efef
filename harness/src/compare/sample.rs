//! Step 2 of the pipeline, sample: each compared quantity's samples on both sides, run by run,
//! with their descriptive statistics. Metrics come from the snapshot columns
//! ([`super::frame`]), the headline from run.json's intervals ([`super::throughput`], which
//! also leaves disturbed runs out).

use super::finding::{DisturbedRun, Finding};
use super::frame::pooled_frame;
use super::quantity::{name_of, Quantity, WorkUnit};
use super::side::Side;
use super::speed_withheld::UnstableSide;
use super::throughput::throughput_samples;
use super::work::HeadlineSource;
use crate::error::Result;
use crate::store::RunSet;
use rayon::prelude::*;
use statbench_stats::Describe;

/// One side's samples of a quantity, with the number of samples each run contributed.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct SideSamples {
    /// Every run's samples, run after run.
    pub(super) values: Vec<f64>,
    /// How many samples each run gave.
    pub(super) run_lengths: Vec<usize>,
}

impl SideSamples {
    /// The pooled samples split back into their runs (every sample kept; empty runs dropped;
    /// lengths past the end of `values` are cut short).
    pub(super) fn runs(&self) -> Vec<&[f64]> {
        let v = &self.values;
        let mut start = 0;
        let mut out = Vec::with_capacity(self.run_lengths.len());
        for &len in &self.run_lengths {
            let end = (start + len).min(v.len());
            if end > start {
                out.push(&v[start..end]);
            }
            start = end;
        }
        out
    }
}

/// Both sides' samples of one quantity, ready to test.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct QuantitySamples {
    /// Dotted metric name, or `throughput`.
    pub(super) name: String,
    /// Stable metric index (`None` for throughput).
    pub(super) index: Option<usize>,
    /// What the samples are.
    pub(super) quantity: Quantity,
    /// Side A (baseline).
    pub(super) a: SideSamples,
    /// Side B (candidate).
    pub(super) b: SideSamples,
    /// Descriptive statistics of A and B.
    pub(super) describe: (Describe, Describe),
}

/// The headline's samples and what sampling found about the runs.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct HeadlineSamples {
    /// Throughput per kept interval.
    pub(super) samples: QuantitySamples,
    /// Runs left out as disturbed ([`Finding::DisturbedRun`]), A's first.
    pub(super) disturbed: Vec<Finding>,
    /// Sides with too many disturbed runs for a speed verdict.
    pub(super) unstable: Vec<UnstableSide>,
}

/// Every metric's samples on both sides, in the order of `metrics`.
pub(super) fn metric_samples(
    a: &RunSet,
    b: &RunSet,
    metrics: &[(usize, Quantity)],
    work: Option<WorkUnit>,
) -> Result<Vec<QuantitySamples>> {
    let (fa, fb) = rayon::join(
        || pooled_frame(a, metrics, work),
        || pooled_frame(b, metrics, work),
    );
    let (sa, sb) = (fa?.into_samples(), fb?.into_samples());
    let describe = |side: &[(Vec<f64>, Vec<usize>)]| -> Vec<Describe> {
        side.par_iter().map(|(v, _)| Describe::of(v)).collect()
    };
    let (da, db) = rayon::join(|| describe(&sa), || describe(&sb));
    Ok(metrics
        .iter()
        .zip(da.into_iter().zip(db))
        .zip(sa.into_iter().zip(sb))
        .map(
            |((&(index, quantity), describe), ((va, la), (vb, lb)))| QuantitySamples {
                name: name_of(index),
                index: Some(index),
                quantity,
                a: SideSamples {
                    values: va,
                    run_lengths: la,
                },
                b: SideSamples {
                    values: vb,
                    run_lengths: lb,
                },
                describe,
            },
        )
        .collect())
}

/// The headline's samples, from `source` on both sides (none with `metrics_only`); runs further
/// than `disturbed_threshold` from their side's median run are left out.
pub(super) fn headline_samples(
    a: &RunSet,
    b: &RunSet,
    source: Option<HeadlineSource>,
    metrics_only: bool,
    disturbed_threshold: f64,
) -> Option<HeadlineSamples> {
    let source = source.filter(|_| !metrics_only)?;
    let (ta, tb) = (
        throughput_samples(a, disturbed_threshold, source),
        throughput_samples(b, disturbed_threshold, source),
    );
    let (ta, tb) = (ta?, tb?);
    let mut disturbed = Vec::new();
    let mut unstable = Vec::new();
    for (side, t) in [(Side::Base, &ta), (Side::Candidate, &tb)] {
        for (run, median, side_median) in &t.disturbed {
            disturbed.push(Finding::DisturbedRun(DisturbedRun {
                side,
                run: run.clone(),
                median: *median,
                side_median: *side_median,
            }));
        }
        if t.unstable() {
            unstable.push(UnstableSide {
                side,
                disturbed: t.disturbed.len(),
                runs: t.disturbed.len() + t.run_lengths.len(),
            });
        }
    }
    let describe = (Describe::of(&ta.values), Describe::of(&tb.values));
    Some(HeadlineSamples {
        samples: QuantitySamples {
            name: match source {
                HeadlineSource::Throughput => "throughput".into(),
                HeadlineSource::MetricRate(i) => name_of(i),
            },
            index: match source {
                HeadlineSource::Throughput => None,
                HeadlineSource::MetricRate(i) => Some(i),
            },
            quantity: match source {
                HeadlineSource::Throughput => Quantity::Throughput,
                HeadlineSource::MetricRate(_) => Quantity::Rate,
            },
            a: SideSamples {
                values: ta.values,
                run_lengths: ta.run_lengths,
            },
            b: SideSamples {
                values: tb.values,
                run_lengths: tb.run_lengths,
            },
            describe,
        },
        disturbed,
        unstable,
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{run, side, throughput_run};
    use super::*;

    fn at(level: f64) -> [f64; 7] {
        [level; 7]
    }

    #[test]
    fn pooled_samples_split_back_into_their_runs() {
        let s = SideSamples {
            values: vec![1.0, 2.0, 3.0, 4.0, 5.0],
            run_lengths: vec![2, 0, 2, 4],
        };
        let runs = s.runs();
        assert_eq!(runs, vec![&[1.0, 2.0][..], &[3.0, 4.0][..], &[5.0][..]]);
    }

    #[test]
    fn metric_samples_keep_the_order_names_and_run_lengths() {
        let a = side(vec![
            run("a/r1", &[(0, vec![0, 1, 2]), (1, vec![5, 5, 5])]),
            run("a/r2", &[(0, vec![0, 2, 4]), (1, vec![6, 6, 6])]),
        ]);
        let b = side(vec![run("b/r1", &[(0, vec![0, 3, 6]), (1, vec![7, 7, 7])])]);
        let metrics = [(1, Quantity::Level), (0, Quantity::Rate)];
        let q = metric_samples(&a, &b, &metrics, None).unwrap();
        assert_eq!(q.len(), 2);
        assert_eq!((q[0].index, q[0].quantity), (Some(1), Quantity::Level));
        assert_eq!(q[0].name, name_of(1));
        assert_eq!(q[0].a.values, vec![5.0, 5.0, 6.0, 6.0]);
        assert_eq!(q[0].a.run_lengths, vec![2, 2]);
        assert_eq!(q[1].b.values, vec![3.0, 3.0]);
        assert_eq!((q[1].describe.0.median, q[1].describe.1.n), (1.5, 2));
    }

    #[test]
    fn the_headline_needs_throughput_on_both_sides() {
        let with = side(vec![throughput_run("a/r1", at(100.0))]);
        let without = side(vec![run("b/r1", &[(0, vec![0, 1])])]);
        let t = Some(HeadlineSource::Throughput);
        assert!(headline_samples(&with, &without, t, false, 0.1).is_none());
        assert!(
            headline_samples(&with, &with, t, true, 0.1).is_none(),
            "--metrics-only"
        );
        assert!(headline_samples(&with, &with, None, false, 0.1).is_none());
        let h = headline_samples(&with, &with, t, false, 0.1).unwrap();
        assert_eq!(h.samples.quantity, Quantity::Throughput);
        assert_eq!(h.samples.index, None);
        assert_eq!(h.samples.a.values, vec![100.0; 5]);
        assert_eq!(h.samples.describe.0.median, 100.0);
        assert!(h.disturbed.is_empty() && h.unstable.is_empty());
    }

    #[test]
    fn disturbed_runs_become_findings_and_too_many_an_unstable_side() {
        let a = side(vec![
            throughput_run("a/r1", at(100.0)),
            throughput_run("a/r2", at(101.0)),
            throughput_run("a/r3", at(99.0)),
            throughput_run("a/r4", at(60.0)),
        ]);
        let b = side(
            [100.0, 100.0, 101.0, 99.0, 70.0, 140.0]
                .iter()
                .enumerate()
                .map(|(k, &l)| throughput_run(&format!("b/r{}", k + 1), at(l)))
                .collect(),
        );
        let h = headline_samples(&a, &b, Some(HeadlineSource::Throughput), false, 0.1).unwrap();
        assert_eq!(
            h.disturbed[0],
            Finding::DisturbedRun(DisturbedRun {
                side: Side::Base,
                run: "a/r4".into(),
                median: 60.0,
                // The median of the run medians 60, 99, 100, 101.
                side_median: 99.5,
            })
        );
        let sides: Vec<Side> = h
            .disturbed
            .iter()
            .map(|f| match f {
                Finding::DisturbedRun(d) => d.side,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(sides, vec![Side::Base, Side::Candidate, Side::Candidate]);
        assert_eq!(
            h.unstable,
            vec![UnstableSide {
                side: Side::Candidate,
                disturbed: 2,
                runs: 6,
            }]
        );
        assert_eq!(h.samples.a.run_lengths, vec![5, 5, 5]);
    }
}
