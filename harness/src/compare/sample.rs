//! Step 2 of the pipeline, sample: each compared quantity's samples on both sides, run by run,
//! with their descriptive statistics. Metrics come from the snapshot columns
//! ([`super::frame`]), the headline from run.json's intervals ([`super::throughput`], which
//! also leaves disturbed runs out).

use super::finding::{DisturbedRun, Finding};
use super::frame::{common_work_span, pooled_frame};
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
    // statbench's runs (work in updates), several a side: per-work figures over the span of
    // work every run covered, so a run that got less far into the fixed sequence of lives
    // is compared on the same lives ([`common_work_span`]).
    let span = match work {
        Some(unit @ WorkUnit::Updates) if a.runs.len() > 1 && b.runs.len() > 1 => {
            common_work_span(&[a, b], unit)
        }
        _ => None,
    };
    let (fa, fb) = rayon::join(
        || pooled_frame(a, metrics, work, span),
        || pooled_frame(b, metrics, work, span),
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

    /// A statbench run of `rows` rows a second apart doing `per_row` updates a row, whose
    /// counter 0 follows one fixed sequence along the work: an event every 2 updates for the
    /// first 1000, then every 10 (as rare lives cluster somewhere in statbench's fixed order).
    fn fixed_sequence_run(per_row: u64, rows: usize) -> crate::store::Run {
        let count = |w: u64| -> i64 {
            if w <= 1000 {
                (w / 2) as i64
            } else {
                500 + ((w - 1000) / 10) as i64
            }
        };
        let mut r = run(
            "r",
            &[(0, (0..rows as u64).map(|k| count(k * per_row)).collect())],
        );
        let mut m = super::super::fixtures::meta();
        m.intervals = (1..rows as u64)
            .map(|sample| crate::recorder::IntervalThroughput {
                sample,
                duration_ns: 1_000_000_000,
                ops: per_row,
                ops_per_sec: per_row as f64,
            })
            .collect();
        r.meta = Some(m);
        r
    }

    #[test]
    fn per_update_figures_of_statbench_runs_compare_over_the_work_both_sides_did() {
        // A ran twice as fast as B (a quieter machine): over their own spans A's counter is
        // 0.28 per update and B's 0.50; over the span both covered (updates 200..1000), 0.50.
        let fast = side((0..3).map(|_| fixed_sequence_run(200, 12)).collect());
        let slow = side((0..3).map(|_| fixed_sequence_run(100, 12)).collect());
        let q = [(0, Quantity::PerWork)];
        let s = metric_samples(&fast, &slow, &q, Some(WorkUnit::Updates)).unwrap();
        assert_eq!(s[0].a.values, vec![0.5; 3]);
        assert_eq!(s[0].b.values, vec![0.5; 3]);
        // Without the shared span (one run on a side: per interval), the figures differ.
        let one = side(vec![fixed_sequence_run(100, 12)]);
        let s = metric_samples(&fast, &one, &q, Some(WorkUnit::Updates)).unwrap();
        assert!(
            (s[0].a.values[0] - 500.0 / 1800.0).abs() < 1e-12,
            "{:?}",
            s[0].a
        );
        // The span sits inside every run: interpolated within the interval that holds its end.
        let odd = side((0..2).map(|_| fixed_sequence_run(150, 12)).collect());
        let span = super::super::frame::common_work_span(&[&fast, &odd], WorkUnit::Updates);
        assert_eq!(span, Some((200.0, 1500.0)));
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
