//! The engine-side `run.json`: the least a comparison needs to interpret and trust a recording
//! made by [`Recorder`](super::Recorder) — which format, when, on what machine, how often it
//! sampled, what counts as work, and whether the recording finished.
//!
//! Written by hand as JSON (this crate takes no dependencies); with the `serde` feature the same
//! struct derives `Deserialize`, which is how statbench reads it (a test keeps the two in step).

use super::host::MachineInfo;
use super::probe::MachineProbe;
use std::io::{self, Write};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// File name of the metadata inside a run folder.
pub const RUN_INFO_FILE: &str = "run.json";

/// `format` of an engine-side run.json; statbench's own run.json has a number there.
pub const RUN_INFO_FORMAT: &str = "session-stats-run/1";

/// The contents of an engine-side `run.json`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RunInfo {
    /// [`RUN_INFO_FORMAT`].
    pub format: String,
    /// `session-stats <version>` that recorded it.
    pub recorder: String,
    /// What was recorded, as the engine names it (a build, a test case...).
    pub label: String,
    /// The counter implementation ([`Counters::name`](crate::Counters::name)).
    pub layout: String,
    /// Start time, RFC 3339 UTC with milliseconds.
    pub start_time: String,
    /// The machine.
    pub host: MachineInfo,
    /// The machine's speed, measured just before the first row (absent when switched off).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub machine_probe: Option<MachineProbe>,
    /// Sampling interval in ms.
    pub sample_interval_ms: u64,
    /// Metric columns in `snapshots.csv`.
    pub width: usize,
    /// Whether diagnostic updates took effect.
    pub diagnostics: bool,
    /// Dotted name of the metric that counts the engine's work (e.g. `net.bytes_recv`): the
    /// comparison's headline and its unit of work, unless a gate policy says otherwise.
    #[cfg_attr(feature = "serde", serde(default))]
    pub work_metric: Option<String>,
    /// Whether the recording ended normally (false while recording and after a crash).
    pub complete: bool,
    /// Snapshot rows written.
    pub samples: u64,
    /// Time from the first row to the last, ns.
    pub elapsed_ns: u64,
}

impl RunInfo {
    /// The document, pretty-printed JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut o = String::from("{\n");
        let field = |o: &mut String, key: &str, value: String, last: bool| {
            o.push_str("  \"");
            o.push_str(key);
            o.push_str("\": ");
            o.push_str(&value);
            o.push_str(if last { "\n" } else { ",\n" });
        };
        field(&mut o, "format", quote(&self.format), false);
        field(&mut o, "recorder", quote(&self.recorder), false);
        field(&mut o, "label", quote(&self.label), false);
        field(&mut o, "layout", quote(&self.layout), false);
        field(&mut o, "start_time", quote(&self.start_time), false);
        let h = &self.host;
        field(
            &mut o,
            "host",
            format!(
                "{{\"cpu_model\": {}, \"logical_cores\": {}, \"os\": {}, \"kernel\": {}, \"hostname\": {}}}",
                quote(&h.cpu_model),
                h.logical_cores,
                quote(&h.os),
                quote(&h.kernel),
                quote(&h.hostname)
            ),
            false,
        );
        if let Some(p) = &self.machine_probe {
            let scaled = p
                .scaled_by
                .map_or(String::new(), |s| format!(", \"scaled_by\": {}", number(s)));
            field(
                &mut o,
                "machine_probe",
                format!(
                    "{{\"version\": {}, \"uncontended_mops\": {}, \"contended_mops\": {}{scaled}}}",
                    p.version,
                    number(p.uncontended_mops),
                    number(p.contended_mops)
                ),
                false,
            );
        }
        field(
            &mut o,
            "sample_interval_ms",
            self.sample_interval_ms.to_string(),
            false,
        );
        field(&mut o, "width", self.width.to_string(), false);
        field(&mut o, "diagnostics", self.diagnostics.to_string(), false);
        field(
            &mut o,
            "work_metric",
            self.work_metric.as_deref().map_or("null".into(), quote),
            false,
        );
        field(&mut o, "complete", self.complete.to_string(), false);
        field(&mut o, "samples", self.samples.to_string(), false);
        field(&mut o, "elapsed_ns", self.elapsed_ns.to_string(), true);
        o.push_str("}\n");
        o
    }

    /// Writes `run.json` into `dir` atomically (temp file, fsync, rename): a reader or a crash
    /// sees the previous document or this one, never half of either.
    pub fn write(&self, dir: &Path) -> io::Result<()> {
        atomic_write(&dir.join(RUN_INFO_FILE), self.to_json().as_bytes())
    }
}

/// A JSON string literal.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON number (`null` for what JSON cannot hold; the probe never produces it).
fn number(v: f64) -> String {
    if v.is_finite() {
        format!("{v:?}")
    } else {
        "null".into()
    }
}

/// Writes `bytes` to `path` atomically: a temp file in the same folder (named by process, time
/// and a process-wide count, so two writers never share one), fsync, then rename, so a reader
/// (or a crash) sees the old file or the new one, never half of either.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let n = WRITES.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}.{nanos:x}{n}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// `t` as RFC 3339 UTC with milliseconds (`2026-12-02T04:05:06.789Z`); times before 1970 print
/// as the epoch.
pub fn rfc3339_millis(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, day) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        d.subsec_millis()
    )
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn times_print_as_rfc3339() {
        let at =
            |s: u64, ms: u64| rfc3339_millis(UNIX_EPOCH + Duration::from_millis(s * 1000 + ms));
        assert_eq!(at(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(at(951_782_400, 5), "2000-02-29T00:00:00.005Z");
        assert_eq!(at(1_796_184_306, 789), "2026-12-02T04:05:06.789Z");
        assert_eq!(at(4_107_542_399, 999), "2100-02-28T23:59:59.999Z");
    }

    #[test]
    fn strings_are_escaped() {
        assert_eq!(quote("a\"b\\c\nd\u{1}é"), "\"a\\\"b\\\\c\\nd\\u0001é\"");
    }
}
