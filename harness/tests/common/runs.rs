//! Synthetic run folders (snapshots.csv and run.json) with known contents.

use serde_json::Value;
use session_stats::{metric, MetricKind};
use statbench::recorder::RunMeta;
use std::path::{Path, PathBuf};

/// The run.json every synthetic run starts from.
pub const FIXTURE: &str = include_str!("../fixtures/run.json");

/// How to build one synthetic run: registry counters grow by `rate` per interval, gauges hover
/// about 1000, both with ±5% noise from `seed`; run.json (the fixture) holds `throughput` with
/// ±1% noise per interval.
#[derive(Clone)]
pub struct RunSpec {
    /// Metric indices (columns).
    pub indices: Vec<usize>,
    /// Intervals (rows − 1).
    pub intervals: usize,
    /// Counter growth per interval; gauges sit at 1000.
    pub rate: f64,
    /// Write a run.json (from the test fixture) with this throughput; `None`: a bare CSV.
    pub throughput: Option<f64>,
    /// Edits of run.json: (JSON pointer, value).
    pub edits: Vec<(&'static str, Value)>,
    /// Step of elapsed_ns per row.
    pub step_ns: u64,
    /// Noise seed.
    pub seed: u64,
}

impl Default for RunSpec {
    fn default() -> Self {
        RunSpec {
            indices: (0..99).collect(),
            intervals: 30,
            rate: 1e6,
            throughput: Some(5e7),
            edits: Vec::new(),
            step_ns: 100_000_000,
            seed: 1,
        }
    }
}

impl RunSpec {
    pub fn indices(mut self, indices: impl IntoIterator<Item = usize>) -> Self {
        self.indices = indices.into_iter().collect();
        self
    }

    pub fn intervals(mut self, n: usize) -> Self {
        self.intervals = n;
        self
    }

    pub fn rate(mut self, rate: f64) -> Self {
        self.rate = rate;
        self
    }

    /// Throughput in run.json; `None` writes no run.json.
    pub fn throughput(mut self, t: Option<f64>) -> Self {
        self.throughput = t;
        self
    }

    /// Sets the run.json value at JSON `pointer` (which must exist in the fixture).
    pub fn edit(mut self, pointer: &'static str, value: impl Into<Value>) -> Self {
        self.edits.push((pointer, value.into()));
        self
    }

    pub fn step_ns(mut self, step: u64) -> Self {
        self.step_ns = step;
        self
    }

    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
}

/// SplitMix64 noise in [−0.5, 0.5).
fn noise(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64 - 0.5
}

/// Counters grow; gauges go up and down. Unknown (newer) indices are treated as counters.
fn is_counter(index: usize) -> bool {
    metric(index).map_or(true, |m| m.kind == MetricKind::Counter)
}

/// Writes `dir/snapshots.csv` (and run.json) from `spec`; returns `dir`.
pub fn write_run(dir: &Path, spec: &RunSpec) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let mut state = spec.seed;
    let mut text = String::from("sample,elapsed_ns");
    for i in &spec.indices {
        text += &format!(",{i}");
    }
    text.push('\n');
    let mut values = vec![0i64; spec.indices.len()];
    let mut intervals = Vec::new();
    for k in 0..=spec.intervals {
        if k > 0 {
            for (v, &i) in values.iter_mut().zip(&spec.indices) {
                if is_counter(i) {
                    *v += (spec.rate * (1.0 + 0.1 * noise(&mut state))) as i64;
                } else {
                    *v = (1000.0 * (1.0 + 0.1 * noise(&mut state))) as i64;
                }
            }
        }
        // run.json holds at least one interval (an empty list is invalid), even for one row.
        if let (Some(t), true) = (spec.throughput, k > 0 || spec.intervals == 0) {
            let r = t * (1.0 + 0.02 * noise(&mut state));
            intervals.push(serde_json::json!({
                "sample": k.max(1), "duration_ns": spec.step_ns,
                "ops": (r * spec.step_ns as f64 / 1e9) as u64, "ops_per_sec": r
            }));
        }
        text += &format!("{k},{}", k as u64 * spec.step_ns);
        for v in &values {
            text += &format!(",{v}");
        }
        text.push('\n');
    }
    std::fs::write(dir.join("snapshots.csv"), text).unwrap();
    if let Some(t) = spec.throughput {
        let mut m: Value = serde_json::from_str(FIXTURE).unwrap();
        m["intervals"] = Value::Array(intervals);
        m["ops_per_sec"] = serde_json::json!(t);
        m["samples"] = serde_json::json!(spec.intervals + 1);
        for (pointer, v) in &spec.edits {
            *m.pointer_mut(pointer)
                .unwrap_or_else(|| panic!("{pointer}")) = v.clone();
        }
        std::fs::write(
            dir.join("run.json"),
            serde_json::to_string_pretty(&m).unwrap(),
        )
        .unwrap();
    }
    dir.to_path_buf()
}

/// A side of `n` runs `r1..rn` built from `spec` (seeds differ per run); returns `dir`.
pub fn write_side(dir: &Path, n: usize, spec: &RunSpec) -> PathBuf {
    for r in 1..=n {
        let s = RunSpec {
            seed: spec.seed * 100 + r as u64,
            ..spec.clone()
        };
        write_run(&dir.join(format!("r{r}")), &s);
    }
    dir.to_path_buf()
}

/// Writes a run folder of hostile bytes: `csv` as snapshots.csv and, if given, `meta` as
/// run.json, both as they are.
pub fn write_raw_run(dir: &Path, csv: &[u8], meta: Option<&str>) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("snapshots.csv"), csv).unwrap();
    if let Some(text) = meta {
        std::fs::write(dir.join("run.json"), text).unwrap();
    }
}

/// `v` as run.json text with the string `"@@"` replaced by `raw`: for NaN and other literals a
/// JSON value cannot hold.
pub fn meta_text(v: &Value, raw: &str) -> String {
    serde_json::to_string_pretty(v)
        .unwrap()
        .replace("\"@@\"", raw)
}

/// Reads `dir/run.json` (which must be valid), changes it with `edit`, and writes it back.
pub fn edit_meta(dir: &Path, edit: impl FnOnce(&mut RunMeta)) {
    let mut meta = RunMeta::read(&dir.join("run.json")).unwrap();
    edit(&mut meta);
    meta.write(dir).unwrap();
}
