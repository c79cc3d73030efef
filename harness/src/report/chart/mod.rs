//! The chart toolkit: PNG + SVG charts and self-contained HTML / Markdown pages.
//!
//! Needs `assets/DejaVuSans.ttf` at the crate root (embedded, so no system
//! fonts are used). Every chart is written twice: `<stem>.png` and `<stem>.svg`.
#![warn(missing_docs)]

pub mod distribution;
pub mod error;
pub mod font;
mod frame;
pub mod html;
pub mod line;
pub mod markdown;
pub mod output;
pub mod page;
mod palette;
mod raster_text;
pub mod ratio;
mod scale;
mod stroke;
pub mod trend;

pub use distribution::draw_distributions;
pub use error::ChartError;
pub use html::{escape_html, render_html};
pub use line::{draw_line_chart, LineChart, Series};
pub use markdown::render_markdown;
pub use output::ChartFiles;
pub use page::{Section, Table};
pub use ratio::{draw_ratio_chart, RatioRow, VerdictColor};
pub use trend::{draw_trend_chart, StepMark, StepTone, TrendChart};
