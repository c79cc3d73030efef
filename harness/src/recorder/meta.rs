//! `run.json`: everything needed to interpret (and trust) a run's snapshots.
//!
//! It is written when the run starts with `complete: false` and rewritten atomically when it
//! ends, so a killed run is recognisable as incomplete and never passes for a finished one.
//! Reading checks the values as well as the syntax ([`RunMeta::validate`]): a run.json that
//! could make the gate pass on nothing (zero, negative or absurd throughput, no intervals, an
//! unknown format) is bad input, refused with one line naming the file and the field.

use super::host::Host;
use super::probe::MachineProbe;
use crate::error::{Error, Result};
use crate::files::atomic_write;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// File name of the metadata inside a run folder.
pub const RUN_META_FILE: &str = "run.json";

/// Version of the run.json layout; bumped only on incompatible changes.
pub const RUN_META_FORMAT: u32 = 1;

/// Throughput of one sampling interval (between two consecutive snapshot rows).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IntervalThroughput {
    /// Sample number that ends the interval.
    pub sample: u64,
    /// Interval length in nanoseconds.
    pub duration_ns: u64,
    /// Counter updates applied in the interval.
    pub ops: u64,
    /// `ops` per second.
    pub ops_per_sec: f64,
}

/// One metric whose final value differed from the seed's expectation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mismatch {
    /// Stable metric index.
    pub index: usize,
    /// Dotted metric name.
    pub name: String,
    /// What the seed says it must be.
    pub expected: i64,
    /// What the counters held.
    pub actual: i64,
}

/// The contents of `run.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunMeta {
    /// [`RUN_META_FORMAT`].
    pub format: u32,
    /// statbench version that recorded the run.
    pub statbench_version: String,
    /// Git revision statbench was built from (`-dirty` if it had local changes), when known.
    pub git_revision: Option<String>,
    /// Scenario name.
    pub scenario: String,
    /// Scenario file as given.
    pub scenario_path: String,
    /// FNV-1a 64 hash of the scenario file's text.
    pub scenario_hash: String,
    /// The fully resolved scenario, overrides applied.
    pub scenario_settings: serde_json::Value,
    /// Hash of the comparable settings (see [`super::settings`]); absent in runs recorded
    /// before it existed, whose identity is then computed from `scenario_settings`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings_hash: Option<String>,
    /// The workload fingerprint of the swarm that ran ([`crate::workload::Plan::fingerprint`]):
    /// part of the settings identity, so runs of another workload never compare as the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<String>,
    /// Seed of the event streams.
    pub seed: u64,
    /// Counter layout (or `noop`).
    pub layout: String,
    /// Worker threads.
    pub threads: usize,
    /// Concurrent peers.
    pub peers: usize,
    /// Whether diagnostics were enabled.
    pub diagnostics: bool,
    /// Sampling interval in ms (0 when sampling was off: first and last rows only).
    pub sample_interval_ms: u64,
    /// Extra cancelling update pairs (+v, -v) per 1000 updates (injected slowdown; 0 normally).
    pub extra_work: u32,
    /// Repetition number (1-based) and count, when run with `--repeat`.
    pub repetition: Option<(usize, usize)>,
    /// Machine fingerprint.
    pub host: Host,
    /// Start time, RFC 3339 UTC.
    pub start_time: String,
    /// Whether the run finished (false while running and after a kill).
    pub complete: bool,
    /// Whether the final counters matched the seed's expectation (`None`: not checked).
    pub totals_verified: Option<bool>,
    /// Metrics that did not match.
    pub mismatches: Vec<Mismatch>,
    /// Snapshot rows written.
    pub samples: u64,
    /// Peer lives replayed.
    pub lives: u64,
    /// Counter updates applied.
    pub total_ops: u64,
    /// Wall time of the swarm, ns.
    pub elapsed_ns: u64,
    /// `total_ops` per second of `elapsed_ns`.
    pub ops_per_sec: f64,
    /// Throughput per sampling interval.
    pub intervals: Vec<IntervalThroughput>,
    /// This machine's speed, measured just before the run ([`super::probe`]); absent in runs
    /// recorded before the probe existed, which then cannot carry a speed verdict across
    /// machines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine_probe: Option<MachineProbe>,
}

impl RunMeta {
    /// Writes `run.json` into `dir` atomically.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let mut json = serde_json::to_vec_pretty(self).expect("RunMeta serialises");
        json.push(b'\n');
        atomic_write(&dir.join(RUN_META_FILE), &json)
    }

    /// Reads and checks a `run.json`; errors are one line naming the file and the field (or
    /// line) and the problem. See [`RunMeta::validate`] for the values refused.
    pub fn read(path: &Path) -> Result<RunMeta> {
        let open = || crate::files::open_text(path, "run.json").map(|(r, _)| r);
        RunMeta::decode(open()?, open, path)
    }

    /// [`RunMeta::read`] of a run.json already in memory (read by the text guard,
    /// [`crate::files::read_text`]); `path` names it in messages.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<RunMeta> {
        RunMeta::decode(bytes, || Ok(bytes), path)
    }

    /// Parses and validates the document `input`; `again` gives it afresh to explain a shape
    /// error.
    fn decode<R: Read>(
        input: R,
        again: impl FnOnce() -> Result<R>,
        path: &Path,
    ) -> Result<RunMeta> {
        let shown = path.display();
        match serde_json::from_reader::<_, RunMeta>(input) {
            Ok(meta) => {
                meta.validate(&shown.to_string())?;
                Ok(meta)
            }
            // A value of the wrong type or shape: look at the document again to name the
            // field, or the unsupported format, rather than a line and column.
            Err(e) if e.is_data() => {
                let value = serde_json::from_reader::<_, Value>(again()?)
                    .map_err(|e| syntax_error(path, &e))?;
                Err(explain_shape(&value, &shown.to_string())
                    .unwrap_or_else(|| syntax_error(path, &e)))
            }
            Err(e) => Err(syntax_error(path, &e)),
        }
    }

    /// Refuses values no real run produces: an unknown `format`; negative, zero, non-finite or
    /// absurd (over [`MAX_OPS_PER_SEC`]) throughput; a complete run without elapsed time,
    /// updates or intervals; an interval of zero length; a machine probe rate that is not a
    /// positive believable number. An incomplete run (killed) may have zeros and no intervals.
    /// `source` names the file in messages.
    pub fn validate(&self, source: &str) -> Result<()> {
        let refuse = |what: String| Err(Error::input(format!("{source}: {what}")));
        if self.format != RUN_META_FORMAT {
            return refuse(unsupported_format(&self.format.to_string()));
        }
        check_rate("ops_per_sec", self.ops_per_sec, self.complete).or_else(refuse)?;
        if self.complete {
            if self.elapsed_ns == 0 {
                return refuse("elapsed_ns is 0, but the run is complete".into());
            }
            if self.total_ops == 0 {
                return refuse("total_ops is 0, but the run is complete".into());
            }
            if self.intervals.is_empty() {
                return refuse(
                    "intervals is empty, but a complete run has at least one sampling interval"
                        .into(),
                );
            }
        }
        for (i, iv) in self.intervals.iter().enumerate() {
            if iv.duration_ns == 0 {
                return refuse(format!("intervals[{i}].duration_ns is 0"));
            }
            check_rate(
                &format!("intervals[{i}].ops_per_sec"),
                iv.ops_per_sec,
                false,
            )
            .or_else(refuse)?;
        }
        if let Some(probe) = &self.machine_probe {
            probe.check("machine_probe").or_else(refuse)?;
        }
        Ok(())
    }
}

/// Highest believable throughput, updates/s: a thousand times what one machine reaches; any
/// value above it is a corrupt or fabricated run.json.
pub const MAX_OPS_PER_SEC: f64 = 1e12;

fn syntax_error(path: &Path, e: &serde_json::Error) -> Error {
    let text = e.to_string();
    let hint = if text.starts_with("number out of range") {
        " (a number beyond the range of its field)"
    } else if text.starts_with("expected value") {
        " (JSON has no NaN or Infinity: a missing or non-JSON value)"
    } else {
        ""
    };
    let key = if hint.is_empty() {
        None
    } else {
        key_at(path, e.line(), e.column())
    };
    Error::input(format!(
        "{}:{}: invalid run.json: {}{e}{hint}",
        path.display(),
        e.line(),
        key.map(|k| format!("field `{k}`: ")).unwrap_or_default()
    ))
}

/// The JSON key written before `column` on `line` (1-based) of a file, if any: names the field
/// of a value the parser could not read. Lines are read with a bound, never the whole file.
fn key_at(path: &Path, line: usize, column: usize) -> Option<String> {
    const MAX_LINE: u64 = 64 * 1024;
    let mut reader = BufReader::new(File::open(path).ok()?);
    let mut buf = Vec::new();
    for _ in 0..line.max(1) {
        buf.clear();
        let n = (&mut reader)
            .take(MAX_LINE)
            .read_until(b'\n', &mut buf)
            .ok()?;
        if n == 0 || (n as u64 == MAX_LINE && !buf.ends_with(b"\n")) {
            return None;
        }
    }
    let before = String::from_utf8_lossy(&buf[..column.min(buf.len())]).into_owned();
    let end = before.rfind("\":")?;
    let start = before[..end].rfind('"')? + 1;
    let key = &before[start..end];
    (!key.is_empty() && key.len() <= 64).then(|| key.to_string())
}

/// A JSON value for a message: at most 40 characters.
fn excerpt(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 40 {
        text.chars().take(40).collect::<String>() + "…"
    } else {
        text
    }
}

fn unsupported_format(found: &str) -> String {
    format!(
        "format {found} is not supported (this statbench reads run.json format {RUN_META_FORMAT}); \
         read it with the statbench version that wrote it"
    )
}

/// `Err(problem)` when a throughput is not finite, negative, absurd, or (when `positive`) 0.
fn check_rate(field: &str, v: f64, positive: bool) -> std::result::Result<(), String> {
    if !v.is_finite() {
        Err(format!("{field} is {v}, not a finite number"))
    } else if v < 0.0 {
        Err(format!("{field} is {v}; throughput cannot be negative"))
    } else if positive && v == 0.0 {
        Err(format!("{field} is 0, but the run is complete"))
    } else if v > MAX_OPS_PER_SEC {
        Err(format!(
            "{field} is {v:e} updates/s, above the believable maximum of {MAX_OPS_PER_SEC:e}"
        ))
    } else {
        Ok(())
    }
}

/// Names what is wrong with a document that did not deserialise as a [`RunMeta`], when it is
/// one of the shapes a person can fix from the message: not an object, an unknown `format`, or
/// a number field holding `null` (how JSON writers store NaN and infinity), a negative value
/// or no number at all. `None`: the deserialiser's own message (with its line) says it best.
fn explain_shape(value: &Value, source: &str) -> Option<Error> {
    let refuse = |what: String| Some(Error::input(format!("{source}: {what}")));
    let Value::Object(map) = value else {
        let kind = match value {
            Value::Array(_) => "an array",
            Value::String(_) => "a string",
            Value::Number(_) => "a number",
            Value::Bool(_) => "a boolean",
            _ => "null",
        };
        return refuse(format!(
            "expected a JSON object describing a run, found {kind}"
        ));
    };
    match map.get("format") {
        None => return refuse("no `format` field; not a statbench run.json".into()),
        Some(f) if f.as_u64() != Some(u64::from(RUN_META_FORMAT)) => {
            return refuse(unsupported_format(&excerpt(f)))
        }
        Some(_) => {}
    }
    const UNSIGNED: [&str; 9] = [
        "seed",
        "threads",
        "peers",
        "sample_interval_ms",
        "extra_work",
        "samples",
        "lives",
        "total_ops",
        "elapsed_ns",
    ];
    let number = |field: String, v: &Value, unsigned: bool| -> Option<String> {
        match v {
            Value::Null => Some(format!(
                "{field} is null (a NaN or infinite value when it was written)"
            )),
            Value::Number(n) if unsigned && n.as_u64().is_none() => {
                Some(format!("{field} is {n}; it must be a whole number ≥ 0"))
            }
            Value::Number(_) => None,
            other => Some(format!("{field} is {}, not a number", excerpt(other))),
        }
    };
    let fields = UNSIGNED
        .iter()
        .map(|&k| (k.to_string(), map.get(k), true))
        .chain([("ops_per_sec".to_string(), map.get("ops_per_sec"), false)]);
    for (field, v, unsigned) in fields {
        if let Some(problem) = v.and_then(|v| number(field, v, unsigned)) {
            return refuse(problem);
        }
    }
    match map.get("machine_probe") {
        None | Some(Value::Null) => {}
        Some(Value::Object(probe)) => {
            for (k, unsigned) in [
                ("version", true),
                ("uncontended_mops", false),
                ("contended_mops", false),
            ] {
                let field = format!("machine_probe.{k}");
                match probe.get(k) {
                    None => return refuse(format!("{field} is missing")),
                    Some(v) => {
                        if let Some(problem) = number(field, v, unsigned) {
                            return refuse(problem);
                        }
                    }
                }
            }
            if let Some(problem) = probe
                .get("scaled_by")
                .filter(|v| !v.is_null())
                .and_then(|v| number("machine_probe.scaled_by".into(), v, false))
            {
                return refuse(problem);
            }
        }
        Some(other) => {
            return refuse(format!(
                "machine_probe is {}, not an object",
                excerpt(other)
            ))
        }
    }
    match map.get("intervals") {
        Some(Value::Array(intervals)) => {
            for (i, iv) in intervals.iter().enumerate() {
                let Value::Object(iv) = iv else {
                    return refuse(format!("intervals[{i}] is {}, not an object", excerpt(iv)));
                };
                for (k, unsigned) in [
                    ("sample", true),
                    ("duration_ns", true),
                    ("ops", true),
                    ("ops_per_sec", false),
                ] {
                    let field = format!("intervals[{i}].{k}");
                    if let Some(problem) = iv.get(k).and_then(|v| number(field, v, unsigned)) {
                        return refuse(problem);
                    }
                }
            }
        }
        Some(other) => return refuse(format!("intervals is {}, not a list", excerpt(other))),
        None => {}
    }
    None
}

impl RunMeta {
    /// The settings this run is comparable by: the resolved scenario less its origin, plus
    /// whether sampling was on (see [`super::settings::settings_identity`]).
    pub fn settings(&self) -> serde_json::Value {
        super::settings::settings_identity(
            &self.scenario_settings,
            self.sample_interval_ms != 0,
            self.workload.as_deref(),
        )
    }

    /// Hash of [`RunMeta::settings`]: equal hashes, comparable runs.
    pub fn settings_key(&self) -> String {
        super::settings::settings_hash(&self.settings())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A complete run's run.json as a JSON value, with five intervals.
    fn valid() -> Value {
        let mut v: Value =
            serde_json::from_str(include_str!("../../tests/fixtures/run.json")).unwrap();
        v["intervals"] = (1..=5)
            .map(|k| json!({"sample": k, "duration_ns": 100_000_000, "ops": 0, "ops_per_sec": 6e7}))
            .collect();
        v
    }

    /// Writes `v` pretty-printed, with the string `"@@"` replaced by `raw` (for literals that
    /// JSON values cannot hold), and reads it back.
    fn read(name: &str, v: &Value, raw: &str) -> Result<RunMeta> {
        let dir = std::env::temp_dir().join(format!("statbench-meta-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.json"));
        let text = serde_json::to_string_pretty(v)
            .unwrap()
            .replace("\"@@\"", raw);
        std::fs::write(&path, text).unwrap();
        let r = RunMeta::read(&path);
        std::fs::remove_file(&path).unwrap();
        r
    }

    fn with(field: &str, value: Value) -> Value {
        let mut v = valid();
        v[field] = value;
        v
    }

    fn refused(name: &str, v: &Value, raw: &str) -> String {
        let e = read(name, v, raw).unwrap_err();
        let e = e.to_string();
        assert!(!e.contains('\n'), "{e:?}");
        assert!(e.contains(&format!("{name}.json")), "{e:?} names no file");
        e
    }

    #[test]
    fn a_valid_run_and_a_killed_one_are_read() {
        let meta = read("ok", &valid(), "").unwrap();
        assert_eq!(meta.intervals.len(), 5);
        // Killed: incomplete, nothing measured yet.
        let mut v = valid();
        v["complete"] = json!(false);
        v["intervals"] = json!([]);
        for k in ["ops_per_sec", "elapsed_ns", "total_ops"] {
            v[k] = json!(0);
        }
        assert!(!read("killed", &v, "").unwrap().complete);
    }

    #[test]
    fn impossible_top_level_values_are_refused_by_field() {
        let cases: Vec<(&str, Value, &str, &str)> = vec![
            (
                "f2",
                with("format", json!(2)),
                "",
                "format 2 is not supported (this statbench reads run.json format 1)",
            ),
            (
                "fs",
                with("format", json!("1")),
                "",
                "format \"1\" is not supported",
            ),
            (
                "nf",
                {
                    let mut v = valid();
                    v.as_object_mut().unwrap().remove("format");
                    v
                },
                "",
                "no `format` field",
            ),
            (
                "nan",
                with("ops_per_sec", json!("@@")),
                "NaN",
                "field `ops_per_sec`: expected value",
            ),
            (
                "inf",
                with("ops_per_sec", json!("@@")),
                "1e999",
                "field `ops_per_sec`: number out of range",
            ),
            (
                "neg",
                with("ops_per_sec", json!(-5)),
                "",
                "ops_per_sec is -5; throughput cannot be negative",
            ),
            (
                "zero",
                with("ops_per_sec", json!(0)),
                "",
                "ops_per_sec is 0, but the run is complete",
            ),
            (
                "null",
                with("ops_per_sec", Value::Null),
                "",
                "ops_per_sec is null (a NaN or infinite value",
            ),
            (
                "str",
                with("ops_per_sec", json!("fast")),
                "",
                "ops_per_sec is \"fast\", not a number",
            ),
            (
                "huge",
                with("ops_per_sec", json!(2e12)),
                "",
                "ops_per_sec is 2e12 updates/s, above the believable maximum of 1e12",
            ),
            (
                "eneg",
                with("elapsed_ns", json!(-5)),
                "",
                "elapsed_ns is -5; it must be a whole number ≥ 0",
            ),
            (
                "ezero",
                with("elapsed_ns", json!(0)),
                "",
                "elapsed_ns is 0, but the run is complete",
            ),
            (
                "enull",
                with("elapsed_ns", Value::Null),
                "",
                "elapsed_ns is null",
            ),
            (
                "efrac",
                with("elapsed_ns", json!(1.5)),
                "",
                "elapsed_ns is 1.5; it must be a whole number",
            ),
            (
                "tzero",
                with("total_ops", json!(0)),
                "",
                "total_ops is 0, but the run is complete",
            ),
            (
                "empty",
                with("intervals", json!([])),
                "",
                "intervals is empty, but a complete run has at least one",
            ),
            (
                "ilist",
                with("intervals", json!({"a": 1})),
                "",
                "intervals is {\"a\":1}, not a list",
            ),
            (
                "arr",
                json!([1, 2]),
                "",
                "expected a JSON object describing a run, found an array",
            ),
            ("num", json!(7), "", "found a number"),
        ];
        for (name, v, raw, want) in cases {
            let e = refused(name, &v, raw);
            assert!(e.contains(want), "{name}: {e:?} lacks {want:?}");
        }
    }

    #[test]
    fn impossible_interval_values_are_refused_by_index() {
        let set = |k: &str, value: Value| {
            let mut v = valid();
            v["intervals"][3][k] = value;
            v
        };
        let cases = [
            (
                "d0",
                set("duration_ns", json!(0)),
                "",
                "intervals[3].duration_ns is 0",
            ),
            (
                "dneg",
                set("duration_ns", json!(-1)),
                "",
                "intervals[3].duration_ns is -1;",
            ),
            (
                "rnull",
                set("ops_per_sec", Value::Null),
                "",
                "intervals[3].ops_per_sec is null",
            ),
            (
                "rneg",
                set("ops_per_sec", json!(-0.5)),
                "",
                "intervals[3].ops_per_sec is -0.5; throughput cannot be negative",
            ),
            (
                "rhuge",
                set("ops_per_sec", json!(1e13)),
                "",
                "intervals[3].ops_per_sec is 1e13 updates/s",
            ),
            (
                "rnan",
                set("ops_per_sec", json!("@@")),
                "NaN",
                "field `ops_per_sec`: expected value",
            ),
        ];
        for (name, v, raw, want) in cases {
            let e = refused(name, &v, raw);
            assert!(e.contains(want), "{name}: {e:?} lacks {want:?}");
        }
        // An idle interval (0 updates/s) is a measurement, not an error.
        assert!(read("idle", &set("ops_per_sec", json!(0)), "").is_ok());
    }

    #[test]
    fn impossible_machine_probes_are_refused_by_key_and_old_runs_without_one_load() {
        let mut old = valid();
        old.as_object_mut().unwrap().remove("machine_probe");
        assert!(read("noprobe", &old, "").unwrap().machine_probe.is_none());
        assert!(read("nullprobe", &with("machine_probe", Value::Null), "")
            .unwrap()
            .machine_probe
            .is_none());
        let probe = |k: &str, value: Value| {
            let mut v = valid();
            v["machine_probe"][k] = value;
            v
        };
        let cases = [
            (
                "pneg",
                probe("contended_mops", json!(-3)),
                "",
                "machine_probe.contended_mops is -3; it must be above 0",
            ),
            (
                "pzero",
                probe("uncontended_mops", json!(0)),
                "",
                "machine_probe.uncontended_mops is 0; it must be above 0",
            ),
            (
                "pnull",
                probe("uncontended_mops", Value::Null),
                "",
                "machine_probe.uncontended_mops is null (a NaN or infinite value",
            ),
            (
                "pnan",
                probe("contended_mops", json!("@@")),
                "NaN",
                "field `contended_mops`: expected value",
            ),
            (
                "pinf",
                probe("contended_mops", json!("@@")),
                "1e999",
                "field `contended_mops`: number out of range",
            ),
            (
                "pstr",
                probe("contended_mops", json!("fast")),
                "",
                "machine_probe.contended_mops is \"fast\", not a number",
            ),
            (
                "phuge",
                probe("uncontended_mops", json!(1e9)),
                "",
                "machine_probe.uncontended_mops is 1e9, above the believable maximum",
            ),
            (
                "pver",
                probe("version", json!(-1)),
                "",
                "machine_probe.version is -1; it must be a whole number",
            ),
            (
                "pver0",
                probe("version", json!(0)),
                "",
                "machine_probe.version is 0",
            ),
            (
                "pscale",
                probe("scaled_by", json!(-2)),
                "",
                "machine_probe.scaled_by is -2; it must be above 0",
            ),
            (
                "pobj",
                with("machine_probe", json!([1, 2])),
                "",
                "machine_probe is [1,2], not an object",
            ),
            (
                "pmiss",
                {
                    let mut v = valid();
                    v["machine_probe"]
                        .as_object_mut()
                        .unwrap()
                        .remove("contended_mops");
                    v
                },
                "",
                "machine_probe.contended_mops is missing",
            ),
        ];
        for (name, v, raw, want) in cases {
            let e = refused(name, &v, raw);
            assert!(e.contains(want), "{name}: {e:?} lacks {want:?}");
        }
    }

    #[test]
    fn binary_and_non_json_files_are_one_line_errors() {
        let dir = std::env::temp_dir().join(format!("statbench-metab-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let nul = dir.join("nul.json");
        let f = File::create(&nul).unwrap();
        f.set_len(50 << 20).unwrap(); // sparse: 50 MB of NUL bytes
        let cases: [(&Path, &str); 2] = [
            (&nul, "nul.json:1: not a text run.json (NUL byte at byte 0)"),
            (&dir, "is a folder, not a run.json"),
        ];
        for (path, want) in cases {
            let e = RunMeta::read(path).unwrap_err().to_string();
            assert!(e.contains(want), "{e:?}");
        }
        for (name, bytes, want) in [
            (
                "empty",
                &b""[..],
                "empty.json:1: invalid run.json: EOF while parsing",
            ),
            (
                "utf",
                &b"{\"format\": \xFF}"[..],
                "not a text run.json (invalid UTF-8 byte 0xFF at byte 11)",
            ),
            (
                "tail",
                &b"{}\0"[..],
                "tail.json:1: not a text run.json (NUL byte at byte 2)",
            ),
        ] {
            let path = dir.join(format!("{name}.json"));
            std::fs::write(&path, bytes).unwrap();
            let e = RunMeta::read(&path).unwrap_err().to_string();
            assert!(e.contains(want) && !e.contains('\n'), "{e:?}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn validate_catches_what_json_cannot_carry() {
        let mut meta: RunMeta = serde_json::from_value(valid()).unwrap();
        meta.validate("m").unwrap();
        meta.ops_per_sec = f64::NAN;
        assert_eq!(
            meta.validate("m").unwrap_err().to_string(),
            "m: ops_per_sec is NaN, not a finite number"
        );
        meta.ops_per_sec = 1.0;
        meta.intervals[2].ops_per_sec = f64::INFINITY;
        assert_eq!(
            meta.validate("m").unwrap_err().to_string(),
            "m: intervals[2].ops_per_sec is inf, not a finite number"
        );
    }
}
