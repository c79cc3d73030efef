//! Report content model shared by the HTML and Markdown renderers.

use super::output::ChartFiles;

/// One titled part of a report: intro, charts, then an optional table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Section {
    /// Heading of the section (escaped when rendered).
    pub title: String,
    /// Trusted HTML inserted as is; build it with [`super::html::escape_html`]
    /// for any user-supplied text. Markdown gets its text with tags stripped.
    pub intro_html: String,
    /// Charts shown in order; their SVG is inlined, PNG/SVG linked by file name.
    pub charts: Vec<ChartFiles>,
    /// Optional data table shown after the charts.
    pub table: Option<Table>,
}

/// A plain data table; cells are text (escaped when rendered).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// Column headings.
    pub headers: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
    /// CSS class per row (`regression`, `improvement`, `inconclusive`,
    /// `nochange` or empty); may be shorter than `rows`.
    pub row_classes: Vec<String>,
}

/// File name of a path without its folder, for relative links.
pub(super) fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Percent-encodes a file name for use in an `href`/image link.
pub(super) fn encode_link(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
