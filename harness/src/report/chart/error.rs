//! The single error type returned by every chart and report function.

use std::fmt;
use std::path::PathBuf;

/// Why a chart or report could not be produced; names the file involved so
/// the CLI can print an actionable message.
#[derive(Debug)]
pub enum ChartError {
    /// Creating a folder, writing or reading a file failed.
    Io {
        /// The file or folder that could not be accessed.
        path: PathBuf,
        /// The underlying operating-system error.
        source: std::io::Error,
    },
    /// Plotters failed to draw or encode a chart, or a file is not what was expected.
    Render {
        /// The output (or input) file being processed.
        path: PathBuf,
        /// Plotters' description of the failure.
        message: String,
    },
    /// The embedded font could not be registered with plotters (a build problem).
    Font,
}

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChartError::Io { path, source } => write!(f, "{}: {}", path.display(), source),
            ChartError::Render { path, message } => {
                write!(f, "{}: cannot render chart: {}", path.display(), message)
            }
            ChartError::Font => write!(f, "the embedded chart font could not be registered"),
        }
    }
}

impl std::error::Error for ChartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ChartError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
