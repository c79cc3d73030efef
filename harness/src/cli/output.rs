//! Standard output that survives a closed pipe: `statbench compare … | head` must not panic
//! (Rust's `println!` does, with exit 101), and `statbench gate | tee` must keep the gate's exit
//! code. Once stdout is closed, further output is dropped and the command finishes normally.
//!
//! Everything goes through `anstream`, which keeps colour codes for a terminal (or
//! `CLICOLOR_FORCE`, `--color always`) and removes them for `NO_COLOR`, a pipe or a file.

use crate::export::style::{self, Paint};
use crate::export::width::DEFAULT_WIDTH;
use crate::export::View;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED: AtomicBool = AtomicBool::new(false);

/// `statbench: error: …` on stderr, `error:` in red where stderr shows colour.
pub fn error(msg: &str) {
    anstream::eprintln!("statbench: {}{msg}", Paint::On.paint(style::BAD, "error: "));
}

/// `statbench: warning: …` on stderr, one line (never stdout, which carries only the result):
/// a problem with an input, named like an error.
pub fn warn(msg: &str) {
    anstream::eprintln!(
        "statbench: {}{msg}",
        Paint::On.paint(style::WARN, "warning: ")
    );
}

/// A comparison's warning on stderr, wrapped to the width its table gets.
pub fn warn_wrapped(msg: &str) {
    let tag = "statbench: warning: ";
    let lines = crate::export::width::wrap(&format!("{tag}{msg}"), width(), 2);
    for (k, line) in lines.iter().enumerate() {
        match line.strip_prefix(tag).filter(|_| k == 0) {
            Some(rest) => anstream::eprintln!(
                "statbench: {}{rest}",
                Paint::On.paint(style::WARN, "warning: ")
            ),
            None => anstream::eprintln!("{line}"),
        }
    }
}

/// The columns stdout shows: the terminal's width (or `COLUMNS` off a terminal), at most
/// [`DEFAULT_WIDTH`] (and at least 60).
pub fn width() -> usize {
    let out = std::io::stdout();
    let term = if out.is_terminal() {
        terminal_size::terminal_size_of(&out).map(|(w, _)| usize::from(w.0))
    } else {
        None
    };
    term.or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
        .unwrap_or(DEFAULT_WIDTH)
        .clamp(60, DEFAULT_WIDTH)
}

/// How a table on stdout is fitted: the terminal's width unless `wide`, colour codes that
/// [`print`] keeps or drops.
pub fn stdout_view(wide: bool) -> View {
    View {
        width: (!wide).then(width),
        paint: Paint::On,
        warnings_apart: true,
    }
}

/// Writes `text` to stdout; a closed or failing stdout silences the rest of the output.
pub fn print(text: &str) {
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = anstream::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        // EPIPE (reader gone) or any other write error: nobody reads what follows.
        CLOSED.store(true, Ordering::Relaxed);
    }
}

/// `text` on stdout as one paragraph wrapped to the terminal's [`width`], later lines
/// indented by `indent`.
pub fn paragraph(text: &str, indent: usize) {
    let mut out = crate::export::width::wrap(text, width(), indent).join("\n");
    out.push('\n');
    print(&out);
}

/// `println!` through [`print`].
macro_rules! outln {
    () => { $crate::cli::output::print("\n") };
    ($($arg:tt)*) => {{
        let mut line = format!($($arg)*);
        line.push('\n');
        $crate::cli::output::print(&line);
    }};
}
pub(crate) use outln;
