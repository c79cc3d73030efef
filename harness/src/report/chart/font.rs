//! Embedded font, so text renders without fontconfig or system fonts.
//!
//! The TTF lives at `<crate root>/assets/DejaVuSans.ttf` (Bitstream Vera /
//! DejaVu licence, see `assets/DejaVuSans-LICENSE.txt`).

use std::sync::OnceLock;

use plotters::style::{register_font, FontStyle};

use super::error::ChartError;

/// Font family name every chart uses; registered to the embedded DejaVu Sans.
pub const FONT_FAMILY: &str = "sans-serif";

pub(super) static FONT_BYTES: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/DejaVuSans.ttf"
));

static REGISTERED: OnceLock<bool> = OnceLock::new();

/// Registers the embedded DejaVu Sans as `sans-serif` exactly once per process;
/// every drawing function calls it first, so callers rarely need to.
pub fn ensure_font() -> Result<(), ChartError> {
    let ok = *REGISTERED
        .get_or_init(|| register_font(FONT_FAMILY, FontStyle::Normal, FONT_BYTES).is_ok());
    if ok {
        Ok(())
    } else {
        Err(ChartError::Font)
    }
}
