//! Colours shared by all charts, so the PNG, SVG and HTML agree.

use plotters::style::RGBColor;

/// Categorical colours (Tableau 10) for series, in assignment order.
pub(super) const SERIES: [RGBColor; 10] = [
    RGBColor(0x4e, 0x79, 0xa7),
    RGBColor(0xf2, 0x8e, 0x2b),
    RGBColor(0xe1, 0x57, 0x59),
    RGBColor(0x76, 0xb7, 0xb2),
    RGBColor(0x59, 0xa1, 0x4f),
    RGBColor(0xed, 0xc9, 0x48),
    RGBColor(0xb0, 0x7a, 0xa1),
    RGBColor(0xff, 0x9d, 0xa7),
    RGBColor(0x9c, 0x75, 0x5f),
    RGBColor(0xba, 0xb0, 0xac),
];

/// Main text colour (titles, labels).
pub(super) const TEXT: RGBColor = RGBColor(0x1f, 0x23, 0x28);
/// Secondary text colour (subtitles, notes).
pub(super) const MUTED: RGBColor = RGBColor(0x57, 0x60, 0x6a);
/// Grid lines.
pub(super) const GRID: RGBColor = RGBColor(0xe3, 0xe6, 0xea);
/// Axis lines and reference lines.
pub(super) const AXIS: RGBColor = RGBColor(0x6e, 0x77, 0x81);

/// Reference lines such as a linear-scaling ceiling.
pub(super) const REFERENCE: RGBColor = RGBColor(0x4a, 0x4f, 0x57);

/// Verdict colours: regression, improvement, no change, inconclusive.
pub(super) const RED: RGBColor = RGBColor(0xd6, 0x27, 0x28);
pub(super) const GREEN: RGBColor = RGBColor(0x2c, 0xa0, 0x2c);
pub(super) const GREY: RGBColor = RGBColor(0x8a, 0x8f, 0x96);
pub(super) const AMBER: RGBColor = RGBColor(0xe0, 0x9b, 0x00);
/// A metric that went up (no good or bad direction).
pub(super) const BLUE: RGBColor = RGBColor(0x1f, 0x77, 0xb4);
/// A metric that went down (no good or bad direction).
pub(super) const PURPLE: RGBColor = RGBColor(0x94, 0x67, 0xbd);

/// Colour for the `index`-th series, cycling through [`SERIES`].
pub(super) fn series_color(index: usize) -> RGBColor {
    SERIES[index % SERIES.len()]
}
