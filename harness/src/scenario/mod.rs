//! Scenario files: what a run does, read from `scenarios/*.toml` and validated up front.
//!
//! The file's values and the command line's overrides are merged into one unvalidated draft
//! that is checked once, against one set of [`bounds`]: every problem is reported before any
//! work starts, as `file:line: key `x` problem` for a file's value or `--option: problem` for an
//! override, so a typo can never turn into a silently different (or endless) benchmark.

pub mod bounds;
pub mod builtin;
mod draft;
mod mix;
mod source;

pub use draft::Overrides;
pub use mix::{EventMix, PeerProfile};
pub use source::ScenarioSource;
pub(crate) use source::{fnv1a64, Fnv1a64};

use crate::error::{Error, Result};
use serde::Serialize;
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
    /// Every sink, in the order help texts and messages list them.
    pub fn all() -> Vec<SinkKind> {
        let mut all: Vec<SinkKind> = LayoutKind::ALL.map(SinkKind::Layout).into();
        all.extend([SinkKind::Noop, SinkKind::Ceiling]);
        all
    }

    /// Parses any name of [`SinkKind::all`].
    pub fn from_name(name: &str) -> Option<SinkKind> {
        SinkKind::all().into_iter().find(|k| k.name() == name)
    }

    /// The name as written in scenario files and run.json.
    pub fn name(self) -> &'static str {
        match self {
            SinkKind::Layout(l) => l.name(),
            SinkKind::Noop => "noop",
            SinkKind::Ceiling => "ceiling",
        }
    }

    /// What the sink is, in a few words (help texts).
    pub fn summary(self) -> &'static str {
        match self {
            SinkKind::Layout(LayoutKind::Contiguous) => "the engine's reference layout",
            SinkKind::Layout(_) => "",
            SinkKind::Noop => "no counters: times the generator alone",
            SinkKind::Ceiling => "plain per-thread arrays: the physical ceiling",
        }
    }

    /// Every accepted name, for error messages.
    pub fn names() -> String {
        let names: Vec<&str> = SinkKind::all().into_iter().map(SinkKind::name).collect();
        names.join(", ")
    }

    /// Every accepted name with its summary, for `--layout`'s help: built from the parser's
    /// own list so the help cannot miss a layout.
    pub fn help() -> String {
        let names: Vec<String> = SinkKind::all()
            .into_iter()
            .map(|k| match k.summary() {
                "" => k.name().to_string(),
                what => format!("{} ({what})", k.name()),
            })
            .collect();
        format!("Counter layout: {}", names.join(", "))
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

/// A validated scenario: made only by [`Scenario::parse_with`] / [`Scenario::load_with`], which
/// check every value once. The fields are private, read through the methods of the same names;
/// the only way to change one is [`Scenario::with`], which checks the bounds again, so no
/// scenario can hold a value the file could not.
#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    /// Short identifier, used in run folder names.
    name: String,
    /// What the scenario models, for humans.
    description: String,
    /// Seeds every peer's event stream: same seed, same expected totals.
    seed: u64,
    /// Worker threads in the rayon pool that hammers the counters.
    threads: usize,
    /// Concurrent peer connections (spread over the threads).
    peers: usize,
    /// Counter layout (or `noop`, `ceiling`).
    #[serde(serialize_with = "serialize_sink")]
    layout: SinkKind,
    /// Whether diagnostic metrics (≥ 70) are updated.
    diagnostics: bool,
    /// Run length.
    budget: Budget,
    /// Time between snapshots.
    sample_interval_ms: u64,
    /// Extra cancelling update pairs (`+v`, `-v`) per 1000 updates: an injected, known
    /// slowdown for calibration that leaves totals exact.
    extra_work: u32,
    /// Distinct pre-generated peer lives the swarm draws from.
    distinct_lives: usize,
    /// Pin worker `i` to CPU `i` (mod the CPUs allowed): no migrations, no two workers sharing a
    /// core by chance; measured run-to-run CV 0.9 % pinned vs 3.7 % unpinned on 2 cores.
    pin_threads: bool,
    /// Peer behaviour probabilities.
    peer: PeerProfile,
    /// Relative weights of events while connected.
    mix: EventMix,
    /// Where the scenario came from, and a hash of its text.
    source: ScenarioSource,
    /// The command-line overrides it was built with (so [`Scenario::with`] can add more).
    #[serde(skip)]
    overrides: Overrides,
}

fn serialize_sink<S: serde::Serializer>(sink: &SinkKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(sink.name())
}

impl Scenario {
    /// Resolves `name_or_path`. An argument with a `/` or ending in `.toml` is a path and
    /// nothing else; a plain name is a file of that name here, or `scenarios/<name>.toml`
    /// (searched from the current directory upwards, so it works from any folder of the
    /// repository). A name that matches nothing lists the known scenarios.
    pub fn resolve(name_or_path: Option<&str>) -> Result<PathBuf> {
        let arg = name_or_path.unwrap_or(DEFAULT_SCENARIO);
        let direct = PathBuf::from(arg);
        if arg.contains('/') || arg.contains(std::path::MAIN_SEPARATOR) || arg.ends_with(".toml") {
            check_regular_file(&direct)?;
            return Ok(direct);
        }
        if direct.is_file() {
            return Ok(direct);
        }
        let rel = Path::new("scenarios").join(format!("{arg}.toml"));
        if let Some(found) = crate::files::find_upward(rel, Path::is_file) {
            return Ok(found);
        }
        let here = if direct.exists() {
            "not a regular file"
        } else {
            "no such file"
        };
        let built_in: Vec<&str> = builtin::BUILTIN.iter().map(|(n, _)| *n).collect();
        let known = match known_scenarios() {
            Some(names) if !names.is_empty() => format!("known scenarios: {}", names.join(", ")),
            Some(_) => format!(
                "the scenarios/ folder holds no .toml files; built in: {}",
                built_in.join(", ")
            ),
            None => format!(
                "no scenarios/ folder here or above; built in: {}",
                built_in.join(", ")
            ),
        };
        Err(Error::input(format!(
            "{arg:?}: no such scenario ({here}, and no scenarios/{arg}.toml; {known})"
        )))
    }

    /// The scenario `name_or_path` names, with `overrides` merged in: a file as
    /// [`Scenario::resolve`] finds it, else the built-in scenario of that name
    /// ([`builtin`]), so an installed binary runs `statbench run default` anywhere.
    pub fn find(name_or_path: &str, overrides: &Overrides) -> Result<Scenario> {
        match Scenario::resolve(Some(name_or_path)) {
            Ok(path) => Scenario::load_with(&path, overrides),
            Err(e) => match builtin::text(name_or_path) {
                Some(text) => {
                    let path = PathBuf::from(format!("{}{name_or_path}.toml", builtin::PREFIX));
                    Scenario::parse_with(text, &path, overrides)
                }
                None => Err(e),
            },
        }
    }

    /// Reads and validates a scenario file, with no overrides.
    pub fn load(path: &Path) -> Result<Scenario> {
        Scenario::load_with(path, &Overrides::default())
    }

    /// Reads a scenario file, merges `overrides` into its values and validates the result once.
    pub fn load_with(path: &Path, overrides: &Overrides) -> Result<Scenario> {
        let text = read_scenario_text(path)?;
        draft::build(ScenarioSource::new(path, &text), overrides)
    }

    /// Parses and validates scenario text; `path` is used in messages and recorded in run.json.
    pub fn parse(text: &str, path: &Path) -> Result<Scenario> {
        Scenario::parse_with(text, path, &Overrides::default())
    }

    /// [`Scenario::parse`] with command-line overrides merged in before validation.
    pub fn parse_with(text: &str, path: &Path, overrides: &Overrides) -> Result<Scenario> {
        draft::build(ScenarioSource::new(path, text), overrides)
    }

    /// The same file with `more` overrides on top of the ones it was built with (later ones
    /// win), validated again as a whole: the way to change a setting without skipping a bound.
    pub fn with(&self, more: &Overrides) -> Result<Scenario> {
        draft::build(self.source.clone(), &self.overrides.then(more))
    }

    /// Short identifier, used in run folder names.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the scenario models, for humans.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Seeds every peer's event stream: same seed, same expected totals.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Worker threads in the pool that hammers the counters.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Concurrent peer connections (spread over the threads).
    pub fn peers(&self) -> usize {
        self.peers
    }

    /// Counter layout (or `noop`, `ceiling`).
    pub fn layout(&self) -> SinkKind {
        self.layout
    }

    /// Whether diagnostic metrics (≥ 70) are updated.
    pub fn diagnostics(&self) -> bool {
        self.diagnostics
    }

    /// Run length: wall time or an exact operation budget.
    pub fn budget(&self) -> Budget {
        self.budget
    }

    /// Time between snapshots, in milliseconds.
    pub fn sample_interval_ms(&self) -> u64 {
        self.sample_interval_ms
    }

    /// Extra cancelling update pairs per 1000 updates (an injected, known slowdown).
    pub fn extra_work(&self) -> u32 {
        self.extra_work
    }

    /// Distinct pre-generated peer lives the swarm draws from.
    pub fn distinct_lives(&self) -> usize {
        self.distinct_lives
    }

    /// Whether worker `i` is pinned to CPU `i` (mod the CPUs allowed).
    pub fn pin_threads(&self) -> bool {
        self.pin_threads
    }

    /// Peer behaviour probabilities.
    pub fn peer(&self) -> &PeerProfile {
        &self.peer
    }

    /// Relative weights of events while connected.
    pub fn mix(&self) -> &EventMix {
        &self.mix
    }

    /// Where the scenario came from, and a hash of its text.
    pub fn source(&self) -> &ScenarioSource {
        &self.source
    }
}

/// `path` exists and is a regular file (not a directory, device or pipe).
fn check_regular_file(path: &Path) -> Result<std::fs::Metadata> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::input(format!("{shown}: no such file")),
        _ => Error::input(format!("{shown}: cannot read scenario: {e}")),
    })?;
    if meta.is_dir() {
        return Err(Error::input(format!(
            "{shown}: not a regular file (a directory)"
        )));
    }
    if !meta.is_file() {
        return Err(Error::input(format!("{shown}: not a regular file")));
    }
    Ok(meta)
}

/// The file's text: a regular file of at most [`bounds::MAX_FILE_BYTES`] that passes the text
/// guard ([`crate::files::read_text`]).
fn read_scenario_text(path: &Path) -> Result<String> {
    check_regular_file(path)?;
    crate::files::read_text(path, "scenario file", bounds::MAX_FILE_BYTES)
}

/// Names of `scenarios/*.toml` (the folder found from here upwards), sorted.
fn known_scenarios() -> Option<Vec<String>> {
    let dir = crate::files::find_upward("scenarios", Path::is_dir)?;
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(String::from))
        .collect();
    names.sort();
    Some(names)
}

#[cfg(test)]
mod tests;
