//! `statbench report`: charts and a self-contained HTML page for a run, a comparison or a sweep.

use super::verdict_args::VerdictArgs;
use crate::compare::compare;
use crate::error::{Error, Result};
use crate::report::{comparison_report, run_report, sweep_report};
use crate::store::{Baseline, RunSet};
use clap::Args;
use std::path::{Path, PathBuf};

/// Options of `statbench report`.
#[derive(Debug, Args, Clone)]
pub struct ReportArgs {
    /// A run folder (or `--repeat` folder, or snapshot CSV), a sweep folder (with sweep.csv),
    /// an `ab` folder (its A and B runs compared), or two runs A B to compare.
    pub paths: Vec<PathBuf>,
    /// Compare the run with this baseline instead.
    #[arg(long)]
    pub baseline: Option<String>,
    /// Output folder (default runs/reports/NAME-YYYYmmdd-HHMMSS, beside the runs and ignored
    /// by git).
    #[arg(short = 'o', long = "out")]
    pub out_dir: Option<PathBuf>,
    /// Replace an existing report folder.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub verdict: VerdictArgs,
}

/// `runs/reports/STEM-STAMP`: reports are made from runs and live beside them, out of the
/// tracked folders.
fn default_dir(stem: &str) -> PathBuf {
    crate::runner::default_runs_dir()
        .join("reports")
        .join(format!(
            "{stem}-{}",
            crate::files::timestamp_for_names(std::time::SystemTime::now())
        ))
}

fn stem_of(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().trim_end_matches(".csv").to_string())
        .unwrap_or_else(|| "report".into())
}

/// Writes the comparison report of `a` vs `b` (shared with `compare --report`).
pub fn write_comparison(
    a: &RunSet,
    b: &RunSet,
    c: &crate::compare::Comparison,
    dir: &Path,
    force: bool,
) -> Result<()> {
    comparison_report(c, a, b, dir, force)?;
    said_report(dir);
    Ok(())
}

/// `report: DIR/index.html` on stderr: where to look (stdout keeps the verdict alone).
pub fn said_report(dir: &Path) {
    if crate::progress::verbosity() > crate::progress::Verbosity::Quiet {
        anstream::eprintln!("report: {}", dir.join("index.html").display());
    }
}

/// `statbench report A B` and `--baseline`: the verdict line on stdout (the exit code follows
/// the verdict, so it must be visible), the report path on stderr.
fn comparison_command(a: &RunSet, b: &RunSet, dir: &Path, args: &ReportArgs) -> Result<i32> {
    crate::report::check_target(dir, args.force)?;
    let c = compare(a, b, &args.verdict.settings()?)?;
    write_comparison(a, b, &c, dir, args.force)?;
    if let Some(note) = crate::export::settings_note(&c) {
        super::output::paragraph(&note, 2);
    }
    for f in &c.gate.failures {
        super::output::paragraph(&format!("FAIL: {f}"), 2);
    }
    super::output::paragraph(&crate::export::headline_sentence(&c), 2);
    Ok(c.gate.exit_code)
}

/// Runs `statbench report`.
pub fn report_command(args: &ReportArgs) -> Result<i32> {
    match (&args.baseline, args.paths.as_slice()) {
        (Some(name), [run]) => {
            let a = Baseline::discover().load(name)?;
            let b = RunSet::load(run.display().to_string(), std::slice::from_ref(run))?;
            let dir = args
                .out_dir
                .clone()
                .unwrap_or_else(|| default_dir(&format!("{name}-vs-{}", stem_of(run))));
            comparison_command(&a, &b, &dir, args)
        }
        (None, [a, b]) => {
            let sa = RunSet::load(a.display().to_string(), std::slice::from_ref(a))?;
            let sb = RunSet::load(b.display().to_string(), std::slice::from_ref(b))?;
            let dir = args
                .out_dir
                .clone()
                .unwrap_or_else(|| default_dir(&format!("{}-vs-{}", stem_of(a), stem_of(b))));
            comparison_command(&sa, &sb, &dir, args)
        }
        (None, [one]) => {
            let sweep = if one.is_dir() {
                one.join("sweep.csv")
            } else {
                one.clone()
            };
            let dir = args
                .out_dir
                .clone()
                .unwrap_or_else(|| default_dir(&stem_of(one)));
            crate::report::check_target(&dir, args.force)?;
            let shown = one.display().to_string();
            let ab = crate::experiment::ab::ab_folder_sides(
                one,
                &format!("A ({shown}/a*)"),
                &format!("B ({shown}/b*)"),
            )?;
            if sweep.file_name().is_some_and(|n| n == "sweep.csv") && sweep.is_file() {
                sweep_report(&sweep, &dir, args.force)?;
            } else if let Some((a, b)) = ab {
                // An `ab` folder: A and B are the two sides of a comparison, not one run set.
                return comparison_command(&a, &b, &dir, args);
            } else {
                let set = RunSet::load(one.display().to_string(), std::slice::from_ref(one))?;
                run_report(&set, &dir, args.force)?;
            }
            said_report(&dir);
            Ok(0)
        }
        _ => Err(Error::input(
            "report: give a run, a sweep folder, two runs A B, or --baseline NAME RUN",
        )),
    }
}
