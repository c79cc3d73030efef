//! Reports people would rather look at: charts (PNG and SVG), a self-contained `index.html`
//! with every chart inlined, and a `summary.md`, for a run, a comparison or a sweep.
//!
//! A report folder is built under a temporary name and renamed into place, so a reader never
//! sees half a report, and an existing report is replaced only with `--force`.

pub mod chart;
mod comparison;
mod run;
pub mod sweep;

pub use comparison::comparison_report;
pub use run::run_report;
pub use sweep::sweep_report;

use crate::error::{Error, Result};
use crate::files::unique_suffix;
use chart::{render_html, render_markdown, ChartError, Section};
use std::path::Path;

impl From<ChartError> for Error {
    fn from(e: ChartError) -> Error {
        Error::Input(format!("report: {e}"))
    }
}

/// Refuses a report folder that already holds something unless `force`: checked before any
/// work starts, and again when the report is written.
pub fn check_target(dir: &Path, force: bool) -> Result<()> {
    if dir.exists() && !force {
        let empty = std::fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(Error::input(format!(
                "{}: a report is already there; choose another folder or pass --force",
                dir.display()
            )));
        }
    }
    Ok(())
}

/// Builds a report into `dir` with `build` (which draws charts into the folder it is given and
/// returns the page's sections), writes `index.html` and `summary.md`, then moves it into place.
pub fn write_report(
    dir: &Path,
    force: bool,
    title: &str,
    subtitle: &str,
    build: impl FnOnce(&Path) -> Result<Vec<Section>>,
) -> Result<()> {
    check_target(dir, force)?;
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let tmp = parent.join(format!(".{name}.tmp-{}", unique_suffix()));
    std::fs::create_dir(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let result = (|| -> Result<()> {
        let sections = build(&tmp)?;
        let html = render_html(title, subtitle, &sections)?;
        std::fs::write(tmp.join("index.html"), html)
            .map_err(|e| Error::io(tmp.join("index.html"), e))?;
        let md = render_markdown(title, &sections);
        std::fs::write(tmp.join("summary.md"), md)
            .map_err(|e| Error::io(tmp.join("summary.md"), e))?;
        // Only an empty folder or `--force` gets here: replacing is what was asked for.
        crate::files::install_dir(&tmp, dir, true).map_err(|e| Error::io(dir, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

/// Throughput over time of each run of `set` that has a run.json, one series per run (at most
/// `max`), named `<prefix>run k`; with a `group`, the lines share its colour and one legend
/// entry, `<prefix>(N runs)`.
pub(crate) fn throughput_series(
    set: &crate::store::RunSet,
    prefix: &str,
    dashed: bool,
    max: usize,
    group: Option<usize>,
) -> Vec<chart::Series> {
    let runs = set.runs.iter().filter(|r| r.meta.is_some()).count();
    set.runs
        .iter()
        .enumerate()
        .filter_map(|(k, r)| {
            let m = r.meta.as_ref()?;
            let mut t = 0.0;
            let points = m
                .intervals
                .iter()
                .map(|i| {
                    t += i.duration_ns as f64 / 1e9;
                    (t, i.ops_per_sec)
                })
                .collect();
            Some(chart::Series {
                name: match group {
                    Some(_) => format!("{prefix}({})", crate::export::runs(runs)),
                    None => format!("{prefix}run {}", k + 1),
                },
                points,
                dashed,
                group,
            })
        })
        .take(max)
        .collect()
}

pub(crate) use crate::compare::quantity::percent as pct;
