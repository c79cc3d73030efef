//! Standard output that survives a closed pipe: `statbench compare … | head` must not panic
//! (Rust's `println!` does, with exit 101), and `statbench gate | tee` must keep the gate's exit
//! code. Once stdout is closed, further output is dropped and the command finishes normally.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `text` to stdout; a closed or failing stdout silences the rest of the output.
pub fn print(text: &str) {
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        // EPIPE (reader gone) or any other write error: nobody reads what follows.
        CLOSED.store(true, Ordering::Relaxed);
    }
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
