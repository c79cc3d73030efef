//! Colour of the terminal table: verdicts and failures stand out at a glance, as in cargo and
//! hyperfine. Renderings embed ANSI codes only when asked ([`Paint::On`]); the command line
//! prints through `anstream`, which drops them again for `NO_COLOR`, a pipe or a file and keeps
//! them for `CLICOLOR_FORCE`.

use crate::compare::Outcome;
use anstyle::{AnsiColor, Effects, Style};

/// Whether a rendering carries colour codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Paint {
    /// Plain text (files, markdown, tests).
    #[default]
    Off,
    /// ANSI colour codes around verdicts, failures and warnings.
    On,
}

/// A failure: `FAIL`, `regression`, `error:`.
pub const BAD: Style = AnsiColor::Red.on_default().effects(Effects::BOLD);
/// A pass or an improvement.
pub const GOOD: Style = AnsiColor::Green.on_default().effects(Effects::BOLD);
/// A warning or an undecided verdict.
pub const WARN: Style = AnsiColor::Yellow.on_default().effects(Effects::BOLD);
/// A change without a good or bad direction (increase, decrease) and notes.
pub const NOTE: Style = AnsiColor::Cyan.on_default();
/// Header rows and the quieter parts (no change).
pub const DIM: Style = Style::new().effects(Effects::DIMMED);
/// Table header.
pub const HEADER: Style = Style::new().effects(Effects::BOLD);

/// The style of a verdict: red regression, green improvement, yellow inconclusive, cyan
/// increase/decrease (metrics have no direction), dim no change.
pub fn of_outcome(o: Outcome) -> Style {
    match o {
        Outcome::Regression => BAD,
        Outcome::Improvement => GOOD,
        Outcome::Inconclusive => WARN,
        Outcome::Increase | Outcome::Decrease => NOTE,
        Outcome::NoChange | Outcome::Unused => DIM,
    }
}

impl Paint {
    /// `text` in `style` when painting, else `text` as is.
    pub fn paint(self, style: Style, text: &str) -> String {
        match self {
            Paint::Off => text.to_string(),
            Paint::On => format!("{style}{text}{style:#}"),
        }
    }
}
