//! The unvalidated form of a scenario: the file's values with the command line's overrides
//! merged in, each remembering where it came from, checked once by [`build`].

use super::bounds::{self, Bound};
use super::mix::{EventMix, PeerProfile};
use super::source::ScenarioSource;
use super::{Budget, Scenario, SinkKind};
use crate::error::{Error, Result};
use serde::Deserialize;

/// Command-line replacements for a scenario file's values. They are merged into the file's
/// values before anything is checked, so both meet the same bounds; a problem with one is
/// reported under the `statbench run` option that set it (`--threads: must be at most …`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--threads`.
    pub threads: Option<u64>,
    /// `--peers`.
    pub peers: Option<u64>,
    /// `--layout` (already one of [`SinkKind::all`]).
    pub layout: Option<SinkKind>,
    /// `--seed`.
    pub seed: Option<u64>,
    /// `--duration-ms`: replaces the file's run length, whichever kind it was.
    pub duration_ms: Option<u64>,
    /// `--operations`: replaces the file's run length, whichever kind it was.
    pub operations: Option<u64>,
    /// `--interval-ms`.
    pub sample_interval_ms: Option<u64>,
    /// `--diagnostics` (`Some(true)`) or `--no-diagnostics` (`Some(false)`).
    pub diagnostics: Option<bool>,
    /// `--extra-work`.
    pub extra_work: Option<u64>,
    /// `--no-pin` (`Some(false)`).
    pub pin_threads: Option<bool>,
    /// `--no-sampling`: only the first and last rows are recorded, so the sampling interval is
    /// not used and may exceed the run.
    pub no_sampling: bool,
}

impl Overrides {
    /// `self` with `later`'s values on top; a run length in `later` replaces both of `self`'s.
    pub fn then(&self, later: &Overrides) -> Overrides {
        let budget_replaced = later.duration_ms.is_some() || later.operations.is_some();
        let (duration_ms, operations) = if budget_replaced {
            (later.duration_ms, later.operations)
        } else {
            (self.duration_ms, self.operations)
        };
        Overrides {
            threads: later.threads.or(self.threads),
            peers: later.peers.or(self.peers),
            layout: later.layout.or(self.layout),
            seed: later.seed.or(self.seed),
            duration_ms,
            operations,
            sample_interval_ms: later.sample_interval_ms.or(self.sample_interval_ms),
            diagnostics: later.diagnostics.or(self.diagnostics),
            extra_work: later.extra_work.or(self.extra_work),
            pin_threads: later.pin_threads.or(self.pin_threads),
            no_sampling: later.no_sampling || self.no_sampling,
        }
    }
}

/// The file format, exactly as written; unknown keys are errors. Integers are read as `i64`
/// (TOML's range) so that every range problem gets the bound's message, not a type error.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default = "default_seed")]
    seed: i64,
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

fn default_seed() -> i64 {
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

/// The keys valid in the scenario file's table at `path` (the top level, `[peer]`, `[mix]`), for
/// "did you mean".
fn keys_at(path: &[String]) -> Vec<String> {
    use crate::suggest::keys_of;
    match path {
        [] => keys_of::<ScenarioFile>(),
        [t] if t == "peer" => keys_of::<PeerProfile>(),
        [t] if t == "mix" => keys_of::<EventMix>(),
        _ => Vec::new(),
    }
}

/// Where a value came from, so its problem is reported where the user can fix it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// The file's key (or its default when the key is absent).
    File,
    /// A command-line option such as `--threads`.
    Option(&'static str),
}

/// A value and where it came from.
#[derive(Debug, Clone, Copy)]
struct Given<T> {
    value: T,
    from: Origin,
}

/// The file's value, or the override's when there is one.
fn pick(bound: &Bound, file: i64, over: Option<u64>) -> Given<i128> {
    match (over, bound.option) {
        (Some(v), Some(option)) => Given {
            value: i128::from(v),
            from: Origin::Option(option),
        },
        _ => Given {
            value: i128::from(file),
            from: Origin::File,
        },
    }
}

/// Turns problems into one-line errors naming the file, line and key, or the option.
struct Checker<'a> {
    source: &'a ScenarioSource,
}

impl Checker<'_> {
    fn error(&self, table: Option<&str>, key: &str, from: Origin, problem: &str) -> Error {
        match from {
            Origin::File => self.source.key_error(table, key, problem),
            Origin::Option(option) => Error::input(format!("{option}: {problem}")),
        }
    }

    fn int(&self, bound: &Bound, v: Given<i128>) -> Result<u64> {
        bound
            .check(v.value)
            .map_err(|problem| self.error(bound.table, bound.key, v.from, &problem))
    }

    /// How another value is named inside a message: the option, or the key and the file.
    fn name_of(&self, bound: &Bound, from: Origin) -> String {
        match from {
            Origin::File => format!("`{}` in {}", bound.dotted(), self.source.path),
            Origin::Option(option) => option.to_string(),
        }
    }
}

/// Parses the file, merges `over` into it and validates the result: the only place a
/// [`Scenario`] is made.
pub(super) fn build(source: ScenarioSource, over: &Overrides) -> Result<Scenario> {
    let file: ScenarioFile =
        toml::from_str(source.text()).map_err(|e| source.toml_error_with(&e, &keys_at))?;
    let c = Checker { source: &source };
    let file_err = |table: Option<&str>, key: &str, problem: String| {
        c.error(table, key, Origin::File, &problem)
    };

    if file.name.trim().is_empty() {
        return Err(file_err(None, "name", "must not be empty".into()));
    }
    if !file
        .name
        .chars()
        .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
    {
        return Err(file_err(
            None,
            "name",
            format!("{:?}: use letters, digits, '-' and '_' only", file.name),
        ));
    }
    if file.name.len() > bounds::MAX_NAME_CHARS {
        return Err(file_err(
            None,
            "name",
            format!(
                "must be at most {} characters, got {}",
                bounds::MAX_NAME_CHARS,
                file.name.len()
            ),
        ));
    }
    let description_chars = file.description.chars().count();
    if description_chars > bounds::MAX_DESCRIPTION_CHARS {
        return Err(file_err(
            None,
            "description",
            format!(
                "must be at most {} characters, got {description_chars}",
                bounds::MAX_DESCRIPTION_CHARS
            ),
        ));
    }

    let seed = c.int(&bounds::SEED, pick(&bounds::SEED, file.seed, over.seed))?;
    let threads = c.int(
        &bounds::THREADS,
        pick(&bounds::THREADS, file.threads, over.threads),
    )? as usize;
    let peers = c.int(&bounds::PEERS, pick(&bounds::PEERS, file.peers, over.peers))? as usize;
    let layout = match over.layout {
        Some(layout) => layout,
        None => SinkKind::from_name(&file.layout).ok_or_else(|| {
            file_err(
                None,
                "layout",
                format!(
                    "unknown layout {:?} (expected one of: {})",
                    file.layout,
                    SinkKind::names()
                ),
            )
        })?,
    };
    let budget = budget(&c, &file, over)?;
    let interval = pick(
        &bounds::SAMPLE_INTERVAL_MS,
        file.sample_interval_ms,
        over.sample_interval_ms,
    );
    let sample_interval_ms = c.int(&bounds::SAMPLE_INTERVAL_MS, interval)?;
    if let (Budget::DurationMs(d), false) = (budget.value, over.no_sampling) {
        let duration = Given {
            value: d,
            from: budget.from,
        };
        check_sampling(&c, duration, interval.from, sample_interval_ms)?;
    }
    let extra_work = c.int(
        &bounds::EXTRA_WORK,
        pick(&bounds::EXTRA_WORK, file.extra_work, over.extra_work),
    )? as u32;
    let distinct_lives = c.int(
        &bounds::DISTINCT_LIVES,
        pick(&bounds::DISTINCT_LIVES, file.distinct_lives, None),
    )?;
    file.peer
        .validate(&|key, problem| file_err(Some("peer"), key, problem))?;
    file.mix
        .validate(&|key, problem| file_err(Some("mix"), key, problem))?;
    let pool = distinct_lives * u64::from(file.peer.life_events);
    if pool > bounds::MAX_POOL_EVENTS {
        return Err(file_err(
            None,
            "distinct_lives",
            format!(
                "× peer.life_events = {pool} events to pre-generate; at most {} (the pool of \
                 lives is built in memory before the clock starts): lower one of them",
                bounds::MAX_POOL_EVENTS
            ),
        ));
    }

    Ok(Scenario {
        name: file.name,
        description: file.description,
        seed,
        threads,
        peers,
        layout,
        diagnostics: over.diagnostics.unwrap_or(file.diagnostics),
        budget: budget.value,
        sample_interval_ms,
        extra_work,
        distinct_lives: distinct_lives as usize,
        pin_threads: over.pin_threads.unwrap_or(file.pin_threads),
        peer: file.peer,
        mix: file.mix,
        overrides: over.clone(),
        source,
    })
}

/// The run length: the command line's replaces the file's whole.
fn budget(c: &Checker, file: &ScenarioFile, over: &Overrides) -> Result<Given<Budget>> {
    let duration = |v: Given<i128>| {
        let ms = c.int(&bounds::DURATION_MS, v)?;
        Ok(Given {
            value: Budget::DurationMs(ms),
            from: v.from,
        })
    };
    let operations = |v: Given<i128>| {
        let ops = c.int(&bounds::OPERATIONS, v)?;
        Ok(Given {
            value: Budget::Operations(ops),
            from: v.from,
        })
    };
    let option = |bound: &Bound, v: u64| Given {
        value: i128::from(v),
        from: Origin::Option(bound.option.unwrap_or(bound.key)),
    };
    let from_file = |v: i64| Given {
        value: i128::from(v),
        from: Origin::File,
    };
    match (over.duration_ms, over.operations) {
        (Some(_), Some(_)) => Err(Error::input(
            "--operations: cannot be used with --duration-ms (give one run length)",
        )),
        (Some(d), None) => duration(option(&bounds::DURATION_MS, d)),
        (None, Some(o)) => operations(option(&bounds::OPERATIONS, o)),
        (None, None) => match (file.duration_ms, file.operations) {
            (Some(d), None) => duration(from_file(d)),
            (None, Some(o)) => operations(from_file(o)),
            (Some(_), Some(_)) => Err(c.error(
                None,
                "operations",
                Origin::File,
                "set either duration_ms or operations, not both",
            )),
            (None, None) => Err(c
                .source
                .whole_file_error("missing run length: set duration_ms or operations")),
        },
    }
}

/// A timed run must fit its sampling interval at least once, and not ask for more rows than
/// [`bounds::MAX_SAMPLES`]. The problem is reported under the override if one is involved
/// (that is what the user just typed), else under the file's `sample_interval_ms`.
fn check_sampling(
    c: &Checker,
    duration: Given<u64>,
    interval_from: Origin,
    interval: u64,
) -> Result<()> {
    let d = duration.value;
    let (table, key, from) = match (interval_from, duration.from) {
        (Origin::Option(_), _) | (Origin::File, Origin::File) => {
            (None, bounds::SAMPLE_INTERVAL_MS.key, interval_from)
        }
        (Origin::File, Origin::Option(_)) => (None, bounds::DURATION_MS.key, duration.from),
    };
    let interval_name = c.name_of(&bounds::SAMPLE_INTERVAL_MS, interval_from);
    let duration_name = c.name_of(&bounds::DURATION_MS, duration.from);
    let problem = if interval > d {
        match (interval_from, duration.from) {
            (Origin::File, Origin::File) => {
                format!("{interval} ms is longer than the run (duration_ms = {d})")
            }
            (Origin::Option(_), _) => {
                format!("{interval} ms is longer than the run ({d} ms, from {duration_name})")
            }
            (Origin::File, Origin::Option(_)) => format!(
                "{d} ms is shorter than the sampling interval ({interval} ms, from \
                 {interval_name}); set --interval-ms too"
            ),
        }
    } else if d / interval > bounds::MAX_SAMPLES {
        format!(
            "{d} ms sampled every {interval} ms is {} snapshot rows; at most {} per run: \
             use a longer interval",
            d / interval,
            bounds::MAX_SAMPLES
        )
    } else {
        return Ok(());
    };
    Err(c.error(table, key, from, &problem))
}
