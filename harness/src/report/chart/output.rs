//! Writing one chart to both a PNG and an SVG file from a single drawing routine.

use std::fs;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::error::ChartError;
use super::font::ensure_font;

/// Default chart size in pixels (width, height).
pub const DEFAULT_SIZE: (u32, u32) = (1000, 560);

/// The two files written for one chart; the HTML report inlines `svg` and
/// links both by file name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChartFiles {
    /// Raster version, for Markdown summaries and quick viewing.
    pub png: PathBuf,
    /// Vector version, inlined into the HTML report.
    pub svg: PathBuf,
}

impl ChartFiles {
    /// Paths for a stem given without extension: `out/tp` gives `out/tp.png`
    /// and `out/tp.svg` (dots in the stem are kept).
    pub fn for_stem(stem: &Path) -> ChartFiles {
        let with = |ext: &str| {
            let mut s = stem.as_os_str().to_owned();
            s.push(".");
            s.push(ext);
            PathBuf::from(s)
        };
        ChartFiles {
            png: with("png"),
            svg: with("svg"),
        }
    }
}

/// Which backend is being drawn on, for the few backend-specific tweaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Canvas {
    /// True for the PNG (ab_glyph rasteriser), false for SVG.
    pub raster: bool,
}

impl Canvas {
    /// Downward pixel shift that puts raster text where the SVG puts it:
    /// plotters' ab_glyph path places the baseline at half the font size
    /// below the text box top instead of at the ascent (~0.8 of it).
    pub fn text_dy(self, font_size: f64) -> i32 {
        if self.raster {
            (font_size * 0.3).round() as i32
        } else {
            0
        }
    }
}

/// A chart that can draw itself on any plotters backend.
pub(super) trait Plot {
    /// Draws the whole chart onto `root`, which is already filled white.
    fn plot<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        canvas: Canvas,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>;
}

/// Draws `plot` twice, into `<stem>.svg` and `<stem>.png`, creating the folder.
pub(super) fn render<P: Plot>(
    plot: &P,
    stem: &Path,
    size: (u32, u32),
) -> Result<ChartFiles, ChartError> {
    ensure_font()?;
    let files = ChartFiles::for_stem(stem);
    if let Some(dir) = files.svg.parent() {
        if !dir.as_os_str().is_empty() {
            fs::create_dir_all(dir).map_err(|source| ChartError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
    }

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw_all(plot, &root, Canvas { raster: false }).map_err(|message| ChartError::Render {
            path: files.svg.clone(),
            message,
        })?;
    }
    fs::write(&files.svg, svg).map_err(|source| ChartError::Io {
        path: files.svg.clone(),
        source,
    })?;

    {
        let root = super::raster_text::RasterText(BitMapBackend::new(&files.png, size))
            .into_drawing_area();
        draw_all(plot, &root, Canvas { raster: true }).map_err(|message| ChartError::Render {
            path: files.png.clone(),
            message,
        })?;
    }
    Ok(files)
}

fn draw_all<P: Plot, DB: DrawingBackend>(
    plot: &P,
    root: &DrawingArea<DB, Shift>,
    canvas: Canvas,
) -> Result<(), String> {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    plot.plot(root, canvas).map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}
