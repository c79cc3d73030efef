//! What a long command tells a person while it runs: one overall progress line on a terminal
//! (work done / total, ETA, the latest throughput), plain lines with `-v`, nothing on a pipe or
//! with `-q` but the result (and warnings and errors).
//!
//! The verbosity is set once by the command line; the stages ask it through [`say`] and
//! [`Progress`] rather than printing themselves, so every command behaves alike.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// How much a command says on stderr besides its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Verbosity {
    /// `-q`: the result, warnings and errors only.
    Quiet,
    /// A progress line on a terminal, and the steps worth knowing (a confirmation starting).
    #[default]
    Normal,
    /// `-v`: also one line per finished run or step, on a terminal or not.
    Verbose,
}

static LEVEL: AtomicU8 = AtomicU8::new(1);

/// Sets the verbosity of this process (the command line does, once).
pub fn set_verbosity(v: Verbosity) {
    LEVEL.store(v as u8, Ordering::Relaxed);
}

/// The verbosity of this process.
pub fn verbosity() -> Verbosity {
    match LEVEL.load(Ordering::Relaxed) {
        0 => Verbosity::Quiet,
        1 => Verbosity::Normal,
        _ => Verbosity::Verbose,
    }
}

/// Whether a progress line may be drawn: stderr is a terminal and the user did not ask `-q`.
pub fn bar_allowed() -> bool {
    verbosity() > Verbosity::Quiet && std::io::stderr().is_terminal()
}

/// The overall line being drawn, if any: messages go above it, and a run in progress moves it.
static CURRENT: Mutex<Option<Progress>> = Mutex::new(None);

/// A step worth knowing at normal verbosity (`gate: suspected regression; confirming...`):
/// printed above the progress line on a terminal; on a pipe only with `-v`.
pub fn say(msg: &str) {
    say_at(Verbosity::Normal, msg);
}

/// What a command did, worth a line in a CI log too (`gate: base 1a2b3c = … (cached build)`):
/// printed at normal verbosity on a terminal or not; `-q` keeps it back.
pub fn note(msg: &str) {
    if verbosity() > Verbosity::Quiet {
        say_always(msg);
    }
}

/// A detail shown only with `-v`.
pub fn detail(msg: &str) {
    say_at(Verbosity::Verbose, msg);
}

/// Text that must be seen whatever the verbosity (a failed command's output): above the
/// progress line, or on stderr.
pub fn say_always(msg: &str) {
    match current().and_then(|p| p.bar) {
        Some(bar) => bar.println(msg),
        None => anstream::eprintln!("{msg}"),
    }
}

fn say_at(level: Verbosity, msg: &str) {
    let v = verbosity();
    if v < level {
        return;
    }
    let current = CURRENT.lock().map(|c| c.clone()).unwrap_or(None);
    match current.and_then(|p| p.bar) {
        Some(bar) => bar.println(msg),
        // Off a terminal, normal verbosity prints nothing but the result.
        None if v >= Verbosity::Verbose || std::io::stderr().is_terminal() => {
            anstream::eprintln!("{msg}")
        }
        None => {}
    }
}

/// The overall progress of a command that does many runs (or rounds, or slices).
#[derive(Debug, Clone)]
pub struct Progress {
    bar: Option<ProgressBar>,
    unit: &'static str,
    done: std::sync::Arc<Steps>,
}

/// Finished steps, shared by clones.
#[derive(Debug, Default)]
struct Steps(std::sync::atomic::AtomicU64);

/// Sub-steps per step: a run in progress moves the bar by thousandths.
const SUB: u64 = 1000;

impl Progress {
    /// Starts the overall line `label [bar] done/total unit · latest · ETA` for `total` steps
    /// (`unit`: "runs", "rounds"...), drawn only where [`bar_allowed`]; it becomes the line that
    /// [`say`] prints above and that a run in progress moves.
    pub fn start(label: &str, total: u64, unit: &'static str) -> Progress {
        let bar = bar_allowed().then(|| {
            let bar = ProgressBar::with_draw_target(
                Some(total.max(1) * SUB),
                ProgressDrawTarget::stderr_with_hz(4),
            );
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix:.bold} [{bar:24.cyan/blue}] {msg} · {elapsed} elapsed, ETA {eta}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            bar.set_prefix(label.to_string());
            bar.enable_steady_tick(Duration::from_millis(250));
            bar
        });
        let p = Progress {
            bar,
            unit,
            done: Default::default(),
        };
        p.set_message(None);
        if let Ok(mut c) = CURRENT.lock() {
            *c = Some(p.clone());
        }
        p
    }

    /// A progress that draws nothing and is not the current line: work measured inside a
    /// child process whose parent draws the bar.
    pub fn hidden() -> Progress {
        Progress {
            bar: None,
            unit: "",
            done: Default::default(),
        }
    }

    fn total(&self) -> u64 {
        self.bar
            .as_ref()
            .and_then(|b| b.length())
            .map_or(0, |l| l / SUB)
    }

    fn set_message(&self, latest: Option<&str>) {
        if let Some(bar) = &self.bar {
            let done = self.done.0.load(Ordering::Relaxed);
            let msg = match latest {
                Some(l) => format!("{done}/{} {} · {l}", self.total(), self.unit),
                None => format!("{done}/{} {}", self.total(), self.unit),
            };
            bar.set_message(msg);
        }
    }

    /// Adds `n` steps to the total (a confirmation batch).
    pub fn add(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc_length(n * SUB);
        }
        self.set_message(None);
    }

    /// How far the step in progress is, 0 to 1 (a run's elapsed share of its budget).
    pub fn partial(&self, fraction: f64) {
        if let Some(bar) = &self.bar {
            let done = self.done.0.load(Ordering::Relaxed);
            let f = (fraction.clamp(0.0, 1.0) * (SUB - 1) as f64) as u64;
            bar.set_position(done * SUB + f);
        }
    }

    /// One step finished; `latest` (e.g. `58.4 M updates/s`) is shown on the line, and with
    /// `-v` as a line of its own, `what: latest`.
    pub fn step(&self, what: &str, latest: &str) {
        self.steps(1, what, latest);
    }

    /// [`Progress::step`] for `n` steps at once (a block of pairs).
    pub fn steps(&self, n: u64, what: &str, latest: &str) {
        let done = self.done.0.fetch_add(n, Ordering::Relaxed) + n;
        if let Some(bar) = &self.bar {
            bar.set_position(done * SUB);
        }
        self.set_message(Some(latest));
        detail(&format!("{what}: {latest}"));
    }

    /// Removes the line (the result follows on stdout).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if let Ok(mut c) = CURRENT.lock() {
            *c = None;
        }
    }
}

/// The overall line drawn now, if any (a run moves it while it runs).
pub fn current() -> Option<Progress> {
    CURRENT.lock().ok().and_then(|c| c.clone())
}

/// `58.4 M updates/s`: how progress lines show a run's throughput.
pub fn rate(ops_per_sec: f64) -> String {
    format!("{:.1} M updates/s", ops_per_sec / 1e6)
}
