//! `statbench compare`: two sides in, a verdict and an exit code out.

use super::verdict_args::{OutputArgs, VerdictArgs};
use crate::compare::compare;
use crate::error::{Error, Result};
use crate::store::{Baseline, RunSet};
use clap::Args;
use std::path::PathBuf;

/// Options of `statbench compare`.
#[derive(Debug, Args, Clone)]
pub struct CompareArgs {
    /// Compare against this stored baseline (side A); the paths are then side B.
    #[arg(long)]
    pub baseline: Option<String>,
    /// Runs: run folders, `--repeat` folders, or snapshot CSVs. Without --baseline: exactly A and B.
    pub paths: Vec<PathBuf>,
    /// Also write a report (charts, index.html, summary.md) into this folder.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Replace an existing --report folder.
    #[arg(long, requires = "report")]
    pub force: bool,
    #[command(flatten)]
    pub verdict: VerdictArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Newest run folder under `runs/` (by modification time): a folder with a run.json, or a
/// `--repeat` folder of `r1`, `r2`... run folders. Sweep, calibration, `ab` and report folders
/// are not runs of one scenario and are passed over.
pub fn latest_run() -> Result<PathBuf> {
    let root = crate::runner::default_runs_dir();
    let none = || {
        Error::input(format!(
            "{}: no run folders yet; give a run folder",
            root.display()
        ))
    };
    let mut dirs: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(root)
        .map_err(|_| none())?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| is_run_folder(p))
        .filter_map(|p| Some((p.metadata().ok()?.modified().ok()?, p)))
        .collect();
    dirs.sort();
    dirs.pop().map(|(_, p)| p).ok_or_else(none)
}

/// A run folder (run.json inside) or a `--repeat` folder (`r1/run.json`).
fn is_run_folder(p: &std::path::Path) -> bool {
    let meta = crate::recorder::meta::RUN_META_FILE;
    p.join(meta).is_file() || p.join("r1").join(meta).is_file()
}

fn side(paths: &[PathBuf]) -> Result<RunSet> {
    let label = paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" + ");
    RunSet::load(label, paths)
}

/// Runs `statbench compare`.
pub fn compare_command(args: &CompareArgs) -> Result<i32> {
    args.output.check()?;
    if let Some(dir) = &args.report {
        crate::report::check_target(dir, args.force)?;
    }
    let (a, b) = match &args.baseline {
        Some(name) => {
            let paths = if args.paths.is_empty() {
                vec![latest_run()?]
            } else {
                args.paths.clone()
            };
            let (a, b) = rayon::join(|| Baseline::discover().load(name), || side(&paths));
            (a?, b?)
        }
        None => {
            if args.paths.len() != 2 {
                return Err(Error::input(format!(
                    "compare: give exactly two runs (A B) or --baseline NAME [RUN...]; got {} path(s)",
                    args.paths.len()
                )));
            }
            // Both sides are read in parallel: large CSVs dominate compare's time.
            let (a, b) = rayon::join(|| side(&args.paths[..1]), || side(&args.paths[1..]));
            (a?, b?)
        }
    };
    let c = compare(&a, &b, &args.verdict.settings()?)?;
    if let Some(dir) = &args.report {
        super::report::write_comparison(&a, &b, &c, dir, args.force)?;
    }
    args.output.emit(&c)
}
