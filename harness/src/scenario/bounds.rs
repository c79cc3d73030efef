//! The accepted range of every numeric setting, shared by scenario files and `statbench run`'s
//! options: a value is checked by the same bound, with the same message, wherever it came from.

/// The accepted range of one integer setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    /// The file key's table (`peer` for `peer.life_events`), `None` at the top level.
    pub table: Option<&'static str>,
    /// The file key.
    pub key: &'static str,
    /// The `statbench run` option that replaces the file's value, if there is one.
    pub option: Option<&'static str>,
    /// Smallest accepted value.
    pub min: u64,
    /// Largest accepted value.
    pub max: u64,
    /// Why the upper bound is where it is, appended to the message when it is exceeded.
    pub why: &'static str,
}

impl Bound {
    /// The problem with `v` (as `must be at most N, got M`), or the value as `u64`.
    pub fn check(&self, v: i128) -> Result<u64, String> {
        if v < i128::from(self.min) {
            return Err(format!("must be at least {}, got {v}", self.min));
        }
        if v > i128::from(self.max) {
            let why = if self.why.is_empty() {
                String::new()
            } else {
                format!(" ({})", self.why)
            };
            return Err(format!("must be at most {}, got {v}{why}", self.max));
        }
        Ok(v as u64)
    }

    /// Parses a command-line value: only what `u64` cannot hold is refused here (with the
    /// bound's own message), so the range itself is checked once, with the file's values.
    pub fn parse_arg(&self, s: &str) -> Result<u64, String> {
        match s.trim().parse::<i128>() {
            Ok(v) if v < 0 => Err(self
                .check(v)
                .err()
                .unwrap_or_else(|| format!("must not be negative, got {v}"))),
            Ok(v) => u64::try_from(v).map_err(|_| {
                self.check(v)
                    .err()
                    .unwrap_or_else(|| format!("must be at most {}, got {v}", u64::MAX))
            }),
            Err(_) => Err(format!("not a whole number: {s:?}")),
        }
    }

    /// `min–max`, for help texts and documentation.
    pub fn range_text(&self) -> String {
        format!("{}–{}", self.min, self.max)
    }

    /// The key as written in messages: `peer.life_events`.
    pub fn dotted(&self) -> String {
        match self.table {
            Some(t) => format!("{t}.{}", self.key),
            None => self.key.to_string(),
        }
    }
}

const fn top(key: &'static str, option: Option<&'static str>, min: u64, max: u64) -> Bound {
    Bound {
        table: None,
        key,
        option,
        min,
        max,
        why: "",
    }
}

/// Seeds every peer's event stream; any `u64` (a file can only hold up to `i64::MAX`).
pub const SEED: Bound = top("seed", Some("--seed"), 0, u64::MAX);

/// Worker threads. Start-up and shut-down grow much faster than the pool: on the shared 2-core
/// machine, `run quick --threads N` took 0.1 s at 256, 0.24–0.35 s at 512, 1.9–12 s at 1024,
/// 36 s at 2048 and 193 s at 4096; `run default --threads N --duration-ms 1000` took 1.2 s,
/// 2.4–2.6 s, 3.4 s, 45 s and 248 s. 512 keeps start-up within a few seconds there, and
/// sweeps can still go well past the 64 threads they need.
pub const THREADS: Bound = Bound {
    why: "more threads than this take seconds to start and stop on a small machine",
    ..top("threads", Some("--threads"), 1, 512)
};

// Thread sweeps must reach 64 threads; thousands must stay refused.
const _: () = assert!(THREADS.max >= 64 && THREADS.max < 4096);

/// Concurrent peers (24 bytes of state each while in flight).
pub const PEERS: Bound = top("peers", Some("--peers"), 1, 1_000_000);

/// Wall-clock run length: at most 24 hours.
pub const DURATION_MS: Bound = top("duration_ms", Some("--duration-ms"), 1, 24 * 3_600_000);

/// Operation budget. Planning walks every life the budget needs before the clock starts (and
/// the expected totals walk them again after the run). At the worst case of one update per life
/// (`peer.ip_filtered = 1`) that took 6–13 s per 10^9 updates on the shared 2-core machine, and
/// 99 s before the first sample for 10^10; with the default swarm (thousands of updates per
/// life) planning 10^10 takes 0.06 s and the run itself ≈ 100 s. 10^10 keeps the first sample
/// within about a minute or two whatever the scenario; use `duration_ms` for longer runs.
pub const OPERATIONS: Bound = Bound {
    why: "planning walks every peer life of the budget before the first sample; use a duration \
          for longer runs",
    ..top("operations", Some("--operations"), 1, 10_000_000_000)
};

/// Time between snapshot rows: at most an hour.
pub const SAMPLE_INTERVAL_MS: Bound =
    top("sample_interval_ms", Some("--interval-ms"), 1, 3_600_000);

/// Extra cancelling update pairs (`+v`, `-v`) per 1000 updates: at most 100 per update.
pub const EXTRA_WORK: Bound = top("extra_work", Some("--extra-work"), 0, 100_000);

/// Distinct pre-generated peer lives.
pub const DISTINCT_LIVES: Bound = top("distinct_lives", None, 1, 65_536);

/// Mean events per connected life.
pub const LIFE_EVENTS: Bound = Bound {
    table: Some("peer"),
    ..top("life_events", None, 1, 1_000_000)
};

/// `statbench run --repeat` (an option only, not a scenario key): runs per invocation.
pub const REPEAT: Bound = top("repeat", Some("--repeat"), 1, 1000);

/// Every integer bound of a scenario key, for documentation checks.
pub const ALL: [Bound; 9] = [
    SEED,
    THREADS,
    PEERS,
    DURATION_MS,
    OPERATIONS,
    SAMPLE_INTERVAL_MS,
    EXTRA_WORK,
    DISTINCT_LIVES,
    LIFE_EVENTS,
];

/// Largest `distinct_lives × peer.life_events`: the pool of lives is generated in memory before
/// the clock starts, ≈ 90 bytes per event. Measured: 65 536 × 400 events took 6.5 s and 2.4 GB
/// RSS, so 2^25 (≈ 3 GB, ≈ 8 s) still admits the largest `distinct_lives` at the default 400
/// events, while 65 536 × 10^6 (≈ 6 TB) is refused instead of exhausting memory.
pub const MAX_POOL_EVENTS: u64 = 1 << 25;

/// Largest number of snapshot rows a timed run may ask for (`duration_ms / sample_interval_ms`):
/// a row of 99 counters is 0.5–1 KB of CSV, so this caps a run's CSV near 1 GB.
pub const MAX_SAMPLES: u64 = 1_000_000;

/// Longest scenario name (it becomes part of run folder names).
pub const MAX_NAME_CHARS: usize = 64;

/// Longest description.
pub const MAX_DESCRIPTION_CHARS: usize = 4096;

/// Largest scenario file read: real ones are well under 4 KiB.
pub const MAX_FILE_BYTES: u64 = 1 << 20;
