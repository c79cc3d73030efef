//! Confirmation before failing on speed: a shared machine can slow down for a stretch of
//! seconds, so a suspected throughput regression is measured again (more runs, compared with
//! all the earlier ones) and fails only if it holds. One routine for `gate`, `ab` and
//! calibrate's replays of them.

use super::{Comparison, Outcome};
use crate::error::Result;

/// The comparison that decides, and what the first batch said when a confirmation followed.
#[derive(Debug, Clone)]
pub struct Confirmed {
    /// The final comparison (after the confirmation batch, if there was one).
    pub comparison: Comparison,
    /// The first batch's throughput verdict when a confirmation batch ran; `None` otherwise.
    pub first_verdict: Option<Outcome>,
}

/// `first` as the verdict unless it suspects a throughput regression and `enabled`; then
/// `again` (more data, all of it compared anew) decides.
pub fn confirm(
    first: Comparison,
    enabled: bool,
    again: impl FnOnce() -> Result<Comparison>,
) -> Result<Confirmed> {
    if !enabled || !first.throughput_regressed() {
        return Ok(Confirmed {
            comparison: first,
            first_verdict: None,
        });
    }
    let first_verdict = first.headline.as_ref().map(|h| h.outcome);
    Ok(Confirmed {
        comparison: again()?,
        first_verdict,
    })
}
