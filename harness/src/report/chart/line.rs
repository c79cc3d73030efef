//! Line charts: throughput over time, metric rates over time, scaling curves.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::error::ChartError;
use super::frame::{
    draw_header, draw_legend, draw_note, legend_height, text_style, DrawResult, LegendItem, Swatch,
};
use super::output::{render, Canvas, ChartFiles, Plot, DEFAULT_SIZE};
use super::palette::{series_color, AXIS, GRID, MUTED, REFERENCE, TEXT};
use super::scale::{thin, Axis};
use super::stroke::draw_polyline;

/// Series with at most this many points get a marker on every point.
const MARKER_LIMIT: usize = 40;
/// Longer polylines are thinned (keeping peaks) to keep the SVG small.
const MAX_POINTS: usize = 2000;

/// One named line; `dashed` marks reference lines such as a scaling ceiling
/// (drawn dashed with point markers).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// `(x, y)` points in drawing order; non-finite points split the line.
    pub points: Vec<(f64, f64)>,
    /// Draw dashed with markers instead of solid.
    pub dashed: bool,
    /// Lines of one group (the runs of one side) share palette colour `group` and one legend
    /// entry, named by the group's first line.
    pub group: Option<usize>,
}

/// Everything a line chart shows; one struct serves time series and scaling curves.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LineChart {
    /// Heading drawn above the plot.
    pub title: String,
    /// X axis description, e.g. "time (s)" or "threads".
    pub x_label: String,
    /// Y axis description, e.g. "ops/s".
    pub y_label: String,
    /// Lines to draw; colours are assigned in order.
    pub series: Vec<Series>,
    /// Log2 x axis with ticks at powers of two (thread counts); x <= 0 is dropped.
    pub log_x: bool,
}

/// Draws `chart` to `<stem>.png` and `<stem>.svg` (1000×560); empty, constant
/// or NaN-laden data yields a valid chart rather than a panic.
pub fn draw_line_chart(chart: &LineChart, stem: &Path) -> Result<ChartFiles, ChartError> {
    render(&Prepared::new(chart), stem, DEFAULT_SIZE)
}

struct PreparedSeries {
    name: String,
    group: Option<usize>,
    color: RGBColor,
    dashed: bool,
    markers: bool,
    /// Runs of consecutive finite points, already in plot coordinates.
    segments: Vec<Vec<(f64, f64)>>,
}

struct Prepared<'a> {
    chart: &'a LineChart,
    series: Vec<PreparedSeries>,
    x: Axis,
    y: Axis,
    has_data: bool,
}

impl<'a> Prepared<'a> {
    fn new(chart: &'a LineChart) -> Self {
        let usable =
            |&(x, y): &(f64, f64)| x.is_finite() && y.is_finite() && (!chart.log_x || x > 0.0);
        let all = || {
            chart
                .series
                .iter()
                .flat_map(|s| s.points.iter())
                .filter(|p| usable(p))
        };
        let x = if chart.log_x {
            Axis::log2(all().map(|p| p.0))
        } else {
            Axis::linear(all().map(|p| p.0), false, 0.0)
        };
        let y = Axis::linear(all().map(|p| p.1), true, 0.03);
        let mut solid = 0;
        let mut dashed = 0;
        let series = chart
            .series
            .iter()
            .map(|s| {
                // Solid lines take palette colours in order; the first dashed
                // (reference) line is neutral grey, further ones continue the palette.
                let color = if let Some(g) = s.group {
                    series_color(g)
                } else if s.dashed {
                    dashed += 1;
                    if dashed == 1 {
                        REFERENCE
                    } else {
                        series_color(chart.series.len() + dashed)
                    }
                } else {
                    solid += 1;
                    series_color(solid - 1)
                };
                let mut segments = vec![];
                let mut current = vec![];
                for p in &s.points {
                    if usable(p) {
                        current.push((x.to_plot(p.0), p.1));
                    } else if !current.is_empty() {
                        segments.push(thin(&std::mem::take(&mut current), MAX_POINTS));
                    }
                }
                if !current.is_empty() {
                    segments.push(thin(&current, MAX_POINTS));
                }
                let count: usize = segments.iter().map(Vec::len).sum();
                PreparedSeries {
                    name: s.name.clone(),
                    group: s.group,
                    color,
                    dashed: s.dashed,
                    // A side's many runs read as a band: thin lines, no markers.
                    markers: s.group.is_none() && (s.dashed || count <= MARKER_LIMIT),
                    segments,
                }
            })
            .collect::<Vec<_>>();
        let has_data = series.iter().any(|s| !s.segments.is_empty());
        Prepared {
            chart,
            series,
            x,
            y,
            has_data,
        }
    }

    fn legend(&self) -> Vec<LegendItem> {
        let wanted = self.series.len() > 1 || self.series.iter().any(|s| s.dashed);
        if !wanted {
            return vec![];
        }
        let mut groups_seen = Vec::new();
        self.series
            .iter()
            .filter(|s| match s.group {
                Some(g) if groups_seen.contains(&g) => false,
                Some(g) => {
                    groups_seen.push(g);
                    true
                }
                None => true,
            })
            .map(|s| LegendItem {
                label: if s.name.is_empty() {
                    "(unnamed)".to_string()
                } else {
                    s.name.clone()
                },
                color: s.color,
                swatch: Swatch::Line {
                    dashed: s.dashed,
                    marker: s.markers,
                },
            })
            .collect()
    }
}

/// Width of the y label area: widest tick label plus room for the rotated description.
pub(super) fn y_label_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    labels: impl Iterator<Item = String>,
    has_desc: bool,
) -> DrawResult<u32, DB> {
    let style = text_style(14.0, TEXT);
    let mut widest = 0;
    for label in labels {
        widest = widest.max(area.estimate_text_size(&label, &style)?.0);
    }
    Ok(widest + 16 + if has_desc { 30 } else { 0 })
}

impl Plot for Prepared<'_> {
    fn plot<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        canvas: Canvas,
    ) -> DrawResult<(), DB> {
        let body = draw_header(root, canvas, &self.chart.title, None)?;
        let items = self.legend();
        let body = if items.is_empty() {
            body
        } else {
            let h = legend_height(&body, &items)?;
            let (plot_area, legend_area) =
                body.split_vertically(body.dim_in_pixel().1.saturating_sub(h));
            draw_legend(&legend_area, canvas, &items)?;
            plot_area
        };

        let y_width = y_label_width(
            &body,
            self.y.ticks.iter().map(|t| self.y.label(*t)),
            !self.chart.y_label.is_empty(),
        )?;
        let mut cc = ChartBuilder::on(&body)
            .margin_left(10)
            .margin_right(30)
            .margin_top(6)
            .margin_bottom(6)
            .x_label_area_size(if self.chart.x_label.is_empty() {
                30
            } else {
                50
            })
            .y_label_area_size(y_width)
            .build_cartesian_2d(self.x.clone(), self.y.clone())?;

        let mut mesh = cc.configure_mesh();
        mesh.label_style(text_style(14.0, TEXT))
            .y_label_offset(canvas.text_dy(14.0))
            .axis_desc_style(text_style(15.0, MUTED))
            .bold_line_style(GRID)
            .light_line_style(GRID)
            .axis_style(AXIS);
        if !self.chart.x_label.is_empty() {
            mesh.x_desc(self.chart.x_label.as_str());
        }
        if !self.chart.y_label.is_empty() {
            mesh.y_desc(self.chart.y_label.as_str());
        }
        mesh.draw()?;

        for s in &self.series {
            let width = match (s.group, s.dashed) {
                (Some(_), _) => 1,
                (None, true) => 2,
                (None, false) => 3,
            };
            for seg in &s.segments {
                let pixels: Vec<(i32, i32)> = seg.iter().map(|p| cc.backend_coord(p)).collect();
                draw_polyline(root, canvas, &pixels, s.color, width, s.dashed)?;
                if s.markers || seg.len() == 1 {
                    for &p in &pixels {
                        root.draw(&Circle::new(p, 4, s.color.filled()))?;
                    }
                }
            }
        }

        if !self.has_data {
            draw_note(&cc.plotting_area().strip_coord_spec(), canvas, "no data")?;
        }
        Ok(())
    }
}
