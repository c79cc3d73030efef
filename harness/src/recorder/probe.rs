//! The machine probe recorded in every run.json: its loops live in session-stats
//! (`session_stats::recorder::probe`), so statbench's runs and an engine's own recordings
//! measure the machine the same way; what is statbench's alone is the test hook that poses as
//! a faster or slower machine. The comparison's use of it: `compare/machine.rs`.

use crate::error::{Error, Result};
pub use session_stats::recorder::probe::{
    measure, MachineProbe, CONTENDED_THREADS, MAX_PROBE_MOPS, PROBE_VERSION,
};

/// Test hook: multiplies both recorded rates (a positive number), so tests can pose as a
/// faster or slower machine. Recorded in run.json as `scaled_by`.
pub const PROBE_SCALE_ENV: &str = "STATBENCH_PROBE_SCALE";

/// The test hook's factor from the environment: `None` when unset; bad input (one line
/// naming the variable) when it is not a positive finite number.
pub fn scale_from_env() -> Result<Option<f64>> {
    let Some(raw) = std::env::var_os(PROBE_SCALE_ENV) else {
        return Ok(None);
    };
    let text = raw.to_string_lossy();
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 1e3 => Ok(Some(v)),
        _ => Err(Error::input(format!(
            "{PROBE_SCALE_ENV}={text:?}: not a factor between 0 (exclusive) and 1000; it scales the recorded machine probe (a test hook)"
        ))),
    }
}
