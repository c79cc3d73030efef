//! The harness's error type and its mapping to the documented exit codes.

use std::path::Path;

/// Exit code for success.
pub const EXIT_OK: i32 = 0;
/// Exit code for a regression, a behaviour change or lost updates.
pub const EXIT_REGRESSION: i32 = 1;
/// Exit code for bad input or usage.
pub const EXIT_BAD_INPUT: i32 = 2;

/// Everything that can stop a command; each variant knows its exit code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input (scenario, CSV, baseline, argument): one line naming file/line/key and problem.
    #[error("{0}")]
    Input(String),
    /// An I/O failure on a named path (disk full, permissions...).
    #[error("{path}: {source}")]
    Io {
        /// The file or folder involved.
        path: String,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The run finished but failed its own check (e.g. counter totals did not match).
    #[error("{0}")]
    Failed(String),
}

impl Error {
    /// Bad-input error from any message.
    pub fn input(msg: impl Into<String>) -> Error {
        Error::Input(msg.into())
    }

    /// I/O error tagged with the path it concerns.
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }

    /// The process exit code this error maps to.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) => EXIT_BAD_INPUT,
            Error::Io { .. } => EXIT_BAD_INPUT,
            Error::Failed(_) => EXIT_REGRESSION,
        }
    }
}

/// Result alias used across the harness.
pub type Result<T, E = Error> = std::result::Result<T, E>;
