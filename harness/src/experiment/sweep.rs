//! `statbench sweep`: one scenario across layouts × thread counts, repeated, interleaved so
//! machine drift spreads over every point; writes `sweep.csv` as it goes and the scaling curves.

use crate::error::{Error, Result};
use crate::report::sweep::{draw_scaling, medians, SweepPoint};
use crate::runner::{run, RunRequest};
use crate::scenario::{Overrides, Scenario, SinkKind};
use std::io::Write;
use std::path::PathBuf;

/// What to sweep.
#[derive(Debug, Clone)]
pub struct SweepPlan {
    /// The scenario (its layout and threads are overridden per point).
    pub scenario: Scenario,
    /// Layouts (and `ceiling`) to measure.
    pub layouts: Vec<SinkKind>,
    /// Thread counts.
    pub threads: Vec<usize>,
    /// Repetitions of every point.
    pub repeat: usize,
    /// Output folder: `sweep.csv`, `scaling-<pattern>.{png,svg}`, `runs/`.
    pub out: PathBuf,
}

/// Default thread counts: 1, 2, 4, 8 and twice the machine's cores.
pub fn default_threads() -> Vec<usize> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut t = vec![
        1,
        2,
        4,
        8,
        (2 * cores).min(crate::scenario::bounds::THREADS.max as usize),
    ];
    t.sort_unstable();
    t.dedup();
    t
}

/// Runs the sweep; every run must verify its totals.
pub fn sweep(plan: &SweepPlan) -> Result<Vec<SweepPoint>> {
    crate::files::create_fresh_dir(&plan.out)?;
    let csv_path = plan.out.join("sweep.csv");
    let mut csv = std::fs::File::options()
        .write(true)
        .create_new(true)
        .open(&csv_path)
        .map_err(|e| Error::io(&csv_path, e))?;
    let mut line = |text: String| -> Result<()> {
        csv.write_all(text.as_bytes())
            .map_err(|e| Error::io(&csv_path, e))
    };
    line("layout,threads,pattern,repetition,ops_per_sec,ns_per_op\n".into())?;
    let mut points = Vec::new();
    let total = plan.repeat * plan.threads.len() * plan.layouts.len();
    let progress = crate::progress::Progress::start("sweep", total as u64, "runs");
    for rep in 1..=plan.repeat {
        for &threads in &plan.threads {
            for &layout in &plan.layouts {
                // Through the scenario's own bounds, like a command-line override.
                let s = plan.scenario.with(&Overrides {
                    layout: Some(layout),
                    threads: Some(threads as u64),
                    peers: Some(plan.scenario.peers().max(threads) as u64),
                    ..Overrides::default()
                })?;
                let dir = plan
                    .out
                    .join("runs")
                    .join(format!("{}-t{threads}-r{rep}", layout.name()));
                let report = run(&RunRequest {
                    scenario: s,
                    out_dir: dir,
                    sampling: true,
                    progress: false,
                    repetition: Some((rep, plan.repeat)),
                })?;
                report.check_totals()?;
                let ops = report.meta.ops_per_sec;
                let point = SweepPoint {
                    layout: layout.name().to_string(),
                    threads,
                    pattern: plan.scenario.name().to_string(),
                    repetition: rep,
                    ops_per_sec: ops,
                    ns_per_op: threads as f64 * 1e9 / ops.max(1e-9),
                };
                line(format!(
                    "{},{},{},{},{:.0},{:.3}\n",
                    point.layout,
                    point.threads,
                    point.pattern,
                    point.repetition,
                    point.ops_per_sec,
                    point.ns_per_op
                ))?;
                progress.step(
                    &format!("sweep [{}/{total}]", points.len() + 1),
                    &format!(
                        "{} × {threads} threads: {}",
                        point.layout,
                        crate::progress::rate(ops)
                    ),
                );
                points.push(point);
            }
        }
    }
    progress.finish();
    draw_scaling(&points, &plan.out)?;
    Ok(points)
}

/// The median table with ratios to the reference (`contiguous`) and to the `ceiling`.
pub fn summary_table(points: &[SweepPoint]) -> String {
    let med = medians(points);
    let mut out =
        String::from("pattern      layout       threads   M upd/s   ÷ contiguous   ÷ ceiling\n");
    for ((pattern, layout, threads), v) in &med {
        let of = |l: &str| {
            med.get(&(pattern.clone(), l.to_string(), *threads))
                .copied()
        };
        let ratio = |x: Option<f64>| x.map_or("—".to_string(), |r| format!("{:.2}×", v / r));
        out += &format!(
            "{pattern:<12} {layout:<12} {threads:>7} {:>9.1} {:>14} {:>11}\n",
            v / 1e6,
            ratio(of("contiguous")),
            ratio(of("ceiling"))
        );
    }
    out
}
