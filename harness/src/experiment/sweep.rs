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

/// Default thread counts: powers of two from 1 to 64 (within the scenario bounds), so every
/// curve runs from one thread to well past the cores, as an engine with many peer tasks does.
/// (The scenario bounds allow at least 64 threads: asserted in `scenario::bounds`.)
pub fn default_threads() -> Vec<usize> {
    vec![1, 2, 4, 8, 16, 32, 64]
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

/// The median table with ratios to the reference (`contiguous`) and to the `ceiling`, then per
/// pattern the contention factor (reference at 2 threads ÷ at 1 thread) that every ×reference
/// figure must be read with: near 1 when the hypervisor places both vCPUs on one core.
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
    let mut patterns: Vec<&String> = med.keys().map(|k| &k.0).collect();
    patterns.dedup();
    for pattern in patterns {
        let reference = |t: usize| med.get(&(pattern.clone(), "contiguous".to_string(), t));
        if let (Some(one), Some(two)) = (reference(1), reference(2)) {
            out += &format!(
                "{pattern}: contention factor (contiguous 2 threads ÷ 1 thread) {:.2}\n",
                two / one
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(layout: &str, threads: usize, ops_per_sec: f64) -> SweepPoint {
        SweepPoint {
            layout: layout.to_string(),
            threads,
            pattern: "default".to_string(),
            repetition: 1,
            ops_per_sec,
            ns_per_op: 0.0,
        }
    }

    #[test]
    fn summary_states_the_contention_factor_beside_the_ratios() {
        let points = [
            point("contiguous", 1, 200e6),
            point("contiguous", 2, 50e6),
            point("sharded", 2, 600e6),
            point("ceiling", 2, 800e6),
        ];
        let table = summary_table(&points);
        assert!(table.contains("contention factor (contiguous 2 threads ÷ 1 thread) 0.25"));
        let sharded = table.lines().find(|l| l.contains("sharded")).unwrap();
        assert!(
            sharded.contains("12.00×") && sharded.contains("0.75×"),
            "{sharded}"
        );
    }
}
