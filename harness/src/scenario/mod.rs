//! Scenario files: what a run does, read from `scenarios/*.toml` and validated up front.
//!
//! Every problem is reported as `file:line: problem` (exit 2) before any work starts, so a typo in
//! a CI scenario can never turn into a silently different benchmark.

mod mix;
mod source;

pub use mix::{EventMix, PeerProfile};
pub use source::{fnv1a64, ScenarioSource};

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use session_stats::LayoutKind;
use std::path::{Path, PathBuf};

/// Name of the scenario run when none is given (the CI gate's scenario).
pub const DEFAULT_SCENARIO: &str = "default";

/// Layouts a run can use: the library's layouts plus `noop`, which discards updates so the
/// workload generator can be measured alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SinkKind {
    /// A real `SessionCounters` in this layout.
    Layout(LayoutKind),
    /// No counters at all: measures the generator's own cost.
    Noop,
    /// Plain non-atomic per-thread arrays: the physical ceiling any layout can approach.
    Ceiling,
}

impl SinkKind {
    /// Parses `contiguous`, `padded`, `sharded`, `noop` or `ceiling`.
    pub fn from_name(name: &str) -> Option<SinkKind> {
        match name {
            "noop" => return Some(SinkKind::Noop),
            "ceiling" => return Some(SinkKind::Ceiling),
            _ => {}
        }
        LayoutKind::from_name(name).map(SinkKind::Layout)
    }

    /// The name as written in scenario files and run.json.
    pub fn name(self) -> &'static str {
        match self {
            SinkKind::Layout(l) => l.name(),
            SinkKind::Noop => "noop",
            SinkKind::Ceiling => "ceiling",
        }
    }

    /// Every accepted name, for error messages.
    pub fn names() -> String {
        let mut names: Vec<&str> = LayoutKind::ALL.iter().map(|l| l.name()).collect();
        names.push("noop");
        names.push("ceiling");
        names.join(", ")
    }
}

/// How long a run lasts: wall time, or an exact operation budget (deterministic totals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Budget {
    /// Run for this long, then let in-flight peers finish their lives.
    DurationMs(u64),
    /// Run peer lives until this many counter updates have been scheduled.
    Operations(u64),
}

/// A validated scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    /// Short identifier, used in run folder names.
    pub name: String,
    /// What the scenario models, for humans.
    pub description: String,
    /// Seeds every peer's event stream: same seed, same expected totals.
    pub seed: u64,
    /// Worker threads in the rayon pool that hammers the counters.
    pub threads: usize,
    /// Concurrent peer connections (spread over the threads).
    pub peers: usize,
    /// Counter layout (or `noop`).
    #[serde(serialize_with = "serialize_sink")]
    pub layout: SinkKind,
    /// Whether diagnostic metrics (≥ 70) are updated.
    pub diagnostics: bool,
    /// Run length.
    pub budget: Budget,
    /// Time between snapshots.
    pub sample_interval_ms: u64,
    /// Extra cancelling update pairs (`+v`, `-v`) per 1000 updates: an injected, known
    /// slowdown for calibration that leaves totals exact.
    pub extra_work: u32,
    /// Distinct pre-generated peer lives the swarm draws from.
    pub distinct_lives: usize,
    /// Pin worker `i` to CPU `i` (mod the CPUs allowed): no migrations, no two workers sharing a
    /// core by chance; measured run-to-run CV 0.9 % pinned vs 3.7 % unpinned on 2 cores.
    pub pin_threads: bool,
    /// Peer behaviour probabilities.
    pub peer: PeerProfile,
    /// Relative weights of events while connected.
    pub mix: EventMix,
    /// Where the scenario came from, and a hash of its text.
    pub source: ScenarioSource,
}

fn serialize_sink<S: serde::Serializer>(sink: &SinkKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(sink.name())
}

/// The file format, exactly as written; unknown keys are errors.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default = "default_seed")]
    seed: u64,
    threads: i64,
    peers: i64,
    #[serde(default = "default_layout")]
    layout: String,
    #[serde(default)]
    diagnostics: bool,
    duration_ms: Option<i64>,
    operations: Option<i64>,
    sample_interval_ms: i64,
    #[serde(default)]
    extra_work: i64,
    #[serde(default = "default_distinct_lives")]
    distinct_lives: i64,
    #[serde(default = "default_pin_threads")]
    pin_threads: bool,
    #[serde(default)]
    peer: PeerProfile,
    #[serde(default)]
    mix: EventMix,
}

fn default_seed() -> u64 {
    1
}
fn default_layout() -> String {
    "contiguous".into()
}
fn default_distinct_lives() -> i64 {
    256
}
fn default_pin_threads() -> bool {
    true
}

/// Upper bounds that keep a typo (e.g. an extra zero) from freezing a machine.
const MAX_THREADS: i64 = 4096;
const MAX_PEERS: i64 = 1_000_000;
const MAX_DISTINCT_LIVES: i64 = 65_536;

impl Scenario {
    /// Resolves `name_or_path`: an existing file, or `scenarios/<name>.toml` (searched from the
    /// current directory upwards, so it works from any folder of the repository).
    pub fn resolve(name_or_path: Option<&str>) -> Result<PathBuf> {
        let arg = name_or_path.unwrap_or(DEFAULT_SCENARIO);
        let direct = PathBuf::from(arg);
        if direct.is_file() {
            return Ok(direct);
        }
        if !arg.contains('/') && !arg.ends_with(".toml") {
            let rel = Path::new("scenarios").join(format!("{arg}.toml"));
            if let Some(found) = crate::files::find_upward(rel, Path::is_file) {
                return Ok(found);
            }
        }
        Err(Error::input(format!(
            "{arg}: no such scenario file (looked for it as a path and as scenarios/{arg}.toml)"
        )))
    }

    /// Reads and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::input(format!("{}: cannot read scenario: {e}", path.display())))?;
        Scenario::parse(&text, path)
    }

    /// Parses and validates scenario text; `path` is used in messages and recorded in run.json.
    pub fn parse(text: &str, path: &Path) -> Result<Scenario> {
        let source = ScenarioSource::new(path, text);
        let file: ScenarioFile = toml::from_str(text).map_err(|e| source.toml_error(&e))?;
        let err = |table: Option<&str>, key: &str, problem: String| {
            source.key_error(table, key, &problem)
        };

        let positive = |table: Option<&str>, key: &str, v: i64, max: i64| -> Result<u64> {
            if v < 1 {
                return Err(err(table, key, format!("must be at least 1, got {v}")));
            }
            if v > max {
                return Err(err(table, key, format!("must be at most {max}, got {v}")));
            }
            Ok(v as u64)
        };
        if file.name.trim().is_empty() {
            return Err(err(None, "name", "must not be empty".into()));
        }
        if !file
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(err(
                None,
                "name",
                format!("{:?}: use letters, digits, '-' and '_' only", file.name),
            ));
        }
        let threads = positive(None, "threads", file.threads, MAX_THREADS)? as usize;
        let peers = positive(None, "peers", file.peers, MAX_PEERS)? as usize;
        let layout = SinkKind::from_name(&file.layout).ok_or_else(|| {
            err(
                None,
                "layout",
                format!(
                    "unknown layout {:?} (expected one of: {})",
                    file.layout,
                    SinkKind::names()
                ),
            )
        })?;
        let budget = match (file.duration_ms, file.operations) {
            (Some(d), None) => {
                Budget::DurationMs(positive(None, "duration_ms", d, 24 * 3_600_000)?)
            }
            (None, Some(o)) => Budget::Operations(positive(None, "operations", o, i64::MAX)?),
            (Some(_), Some(_)) => {
                return Err(err(
                    None,
                    "operations",
                    "set either duration_ms or operations, not both".into(),
                ))
            }
            (None, None) => {
                return Err(
                    source.whole_file_error("missing run length: set duration_ms or operations")
                )
            }
        };
        let sample_interval_ms = positive(
            None,
            "sample_interval_ms",
            file.sample_interval_ms,
            3_600_000,
        )?;
        if let Budget::DurationMs(d) = budget {
            if sample_interval_ms > d {
                return Err(err(
                    None,
                    "sample_interval_ms",
                    format!("{sample_interval_ms} ms is longer than the run (duration_ms = {d})"),
                ));
            }
        }
        if !(0..=100_000).contains(&file.extra_work) {
            return Err(err(
                None,
                "extra_work",
                format!("must be between 0 and 100000, got {}", file.extra_work),
            ));
        }
        let distinct_lives = positive(
            None,
            "distinct_lives",
            file.distinct_lives,
            MAX_DISTINCT_LIVES,
        )? as usize;
        file.peer
            .validate(&|key, problem| err(Some("peer"), key, problem))?;
        file.mix
            .validate(&|key, problem| err(Some("mix"), key, problem))?;

        Ok(Scenario {
            name: file.name,
            description: file.description,
            seed: file.seed,
            threads,
            peers,
            layout,
            diagnostics: file.diagnostics,
            budget,
            sample_interval_ms,
            extra_work: file.extra_work as u32,
            distinct_lives,
            pin_threads: file.pin_threads,
            peer: file.peer,
            mix: file.mix,
            source,
        })
    }
}

#[cfg(test)]
mod tests;
