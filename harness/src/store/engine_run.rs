//! Runs an engine recorded itself with `session_stats::recorder`: their `run.json` is the
//! recorder's [`RunInfo`] (a `format` string where statbench's own has a number), checked
//! here as strictly as statbench's, with one line naming the file and the field.

use crate::error::{Error, Result};
use crate::recorder::RunMeta;
use session_stats::recorder::{RunInfo, RUN_INFO_FORMAT};
use std::path::Path;

/// Widest snapshot an engine run.json may announce (the registry has 99 slots, a newer
/// engine 118): far beyond any engine, short of a corrupt number.
const MAX_WIDTH: usize = 4096;

/// A run folder's `run.json`, whichever recorder wrote it.
#[derive(Debug, Clone)]
pub enum RunDocument {
    /// statbench's own (`format` 1): scenario, throughput per interval, verified totals.
    Statbench(Box<RunMeta>),
    /// An engine's, from `session_stats::recorder` (`format` `session-stats-run/1`).
    Engine(Box<RunInfo>),
}

/// Largest run.json read (statbench's or an engine's): a run's document is kilobytes (a
/// statbench run.json grows by about 100 bytes an interval); this bounds what a hostile one
/// can make statbench hold in memory.
pub const MAX_RUN_JSON_BYTES: u64 = 256 << 20;

/// Reads `path` through the text guard (a binary file costs one bounded read): an engine's
/// run.json when its `format` is a string, statbench's otherwise (whose reader explains every
/// problem of its own format).
pub fn read_run_document(path: &Path) -> Result<RunDocument> {
    #[derive(serde::Deserialize)]
    struct Format {
        format: Option<serde_json::Value>,
    }
    let text = crate::files::read_text(path, "run.json", MAX_RUN_JSON_BYTES)?.into_bytes();
    let engine = serde_json::from_slice::<Format>(&text)
        .ok()
        .and_then(|f| f.format)
        .is_some_and(|f| f.is_string());
    if !engine {
        return RunMeta::parse(&text, path).map(|m| RunDocument::Statbench(Box::new(m)));
    }
    let shown = path.display();
    let info: RunInfo = serde_json::from_slice(&text).map_err(|e| {
        Error::input(format!(
            "{shown}: line {}: not an engine run.json ({}): {e}",
            e.line(),
            RUN_INFO_FORMAT
        ))
    })?;
    validate(&info).map_err(|what| Error::input(format!("{shown}: {what}")))?;
    Ok(RunDocument::Engine(Box::new(info)))
}

/// Refuses what no recorder writes: another format, no sampling interval, a width outside the
/// registries statbench knows of, a work metric that is not a metric, an impossible probe, a
/// complete recording without rows.
fn validate(info: &RunInfo) -> std::result::Result<(), String> {
    if info.format != RUN_INFO_FORMAT {
        return Err(format!(
            "format {:?} is not supported (this statbench reads {RUN_INFO_FORMAT:?} and its own format 1)",
            info.format
        ));
    }
    if info.sample_interval_ms == 0 {
        return Err(
            "sample_interval_ms is 0; a recorder samples at least every millisecond".into(),
        );
    }
    if info.width == 0 || info.width > MAX_WIDTH {
        return Err(format!(
            "width is {}; snapshots have 1 to {} metric columns",
            info.width, MAX_WIDTH
        ));
    }
    if let Some(name) = &info.work_metric {
        if session_stats::find_metric_idx(name).is_none() {
            return Err(format!(
                "work_metric {name:?} is not a metric of the registry (a dotted name, e.g. \"net.bytes_recv\")"
            ));
        }
    }
    if let Some(p) = &info.machine_probe {
        p.check("machine_probe")?;
    }
    if info.complete && info.samples < 2 {
        return Err(format!(
            "samples is {}, but a complete recording has a first and a final row",
            info.samples
        ));
    }
    Ok(())
}
