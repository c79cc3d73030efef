//! Trend charts: a quantity over commits, every run as a point, the fitted levels as a step
//! line, each step marked and labelled with its size; commits on the x axis.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::error::ChartError;
use super::frame::{
    draw_header, draw_legend, draw_note, draw_text_px, legend_height, text_style, DrawResult,
    LegendItem, Swatch,
};
use super::line::y_label_width;
use super::output::{render, Canvas, ChartFiles, Plot, DEFAULT_SIZE};
use super::palette::{series_color, AXIS, GREEN, GREY, GRID, MUTED, RED, TEXT};
use super::scale::Axis;
use super::stroke::draw_polyline;

/// Most points drawn; longer histories draw every k-th run (the step line keeps every level).
const MAX_POINTS: usize = 6000;
/// Commit labels on the x axis.
const X_LABELS: usize = 8;

/// A marked step.
#[derive(Debug, Clone, PartialEq)]
pub struct StepMark {
    /// Index of the first commit after the step.
    pub at: usize,
    /// Label, e.g. `−5.1%`.
    pub label: String,
    /// Bad (red), good (green) or neither (grey).
    pub tone: StepTone,
}

/// How a step is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepTone {
    /// A regression.
    Bad,
    /// An improvement.
    Good,
    /// No direction (a metric).
    Neutral,
}

/// Everything a trend chart shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrendChart {
    /// Heading.
    pub title: String,
    /// Line under the heading.
    pub subtitle: String,
    /// Y axis description.
    pub y_label: String,
    /// Commit labels, one per commit, in order.
    pub commits: Vec<String>,
    /// `(commit index, value)` of every run.
    pub runs: Vec<(usize, f64)>,
    /// The fitted level of every commit.
    pub levels: Vec<f64>,
    pub steps: Vec<StepMark>,
}

/// Draws `chart` to `<stem>.png` and `<stem>.svg`.
pub fn draw_trend_chart(chart: &TrendChart, stem: &Path) -> Result<ChartFiles, ChartError> {
    render(&Prepared::new(chart), stem, DEFAULT_SIZE)
}

struct Prepared<'a> {
    chart: &'a TrendChart,
    x: Axis,
    y: Axis,
    points: Vec<(f64, f64)>,
}

impl<'a> Prepared<'a> {
    fn new(chart: &'a TrendChart) -> Self {
        let n = chart.commits.len().max(1);
        let stride = chart.runs.len().div_ceil(MAX_POINTS).max(1);
        let points: Vec<(f64, f64)> = chart
            .runs
            .iter()
            .step_by(stride)
            .filter(|(_, v)| v.is_finite())
            .map(|&(i, v)| (i as f64, v))
            .collect();
        let values = points
            .iter()
            .map(|p| p.1)
            .chain(chart.levels.iter().copied());
        let y = Axis::linear(values, false, 0.05);
        let x = Axis {
            lo: -0.5,
            hi: n as f64 - 0.5,
            ticks: (0..X_LABELS.min(n))
                .map(|k| {
                    if X_LABELS.min(n) <= 1 {
                        0.0
                    } else {
                        (k * (n - 1) / (X_LABELS.min(n) - 1)) as f64
                    }
                })
                .collect(),
            log2: false,
        };
        Prepared {
            chart,
            x,
            y,
            points,
        }
    }

    fn commit_label(&self, v: f64) -> String {
        let i = v.round().max(0.0) as usize;
        self.chart
            .commits
            .get(i)
            .map(|c| c.chars().take(8).collect())
            .unwrap_or_default()
    }
}

impl Plot for Prepared<'_> {
    fn plot<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        canvas: Canvas,
    ) -> DrawResult<(), DB> {
        let c = self.chart;
        let body = draw_header(root, canvas, &c.title, Some(&c.subtitle))?;
        let items = vec![
            LegendItem {
                label: "run (median of its steady intervals)".into(),
                color: series_color(0),
                swatch: Swatch::Dot,
            },
            LegendItem {
                label: "fitted level".into(),
                color: TEXT,
                swatch: Swatch::Line {
                    dashed: false,
                    marker: false,
                },
            },
        ];
        let h = legend_height(&body, &items)?;
        let (plot_area, legend_area) =
            body.split_vertically(body.dim_in_pixel().1.saturating_sub(h));
        draw_legend(&legend_area, canvas, &items)?;
        let y_width = y_label_width(
            &plot_area,
            self.y.ticks.iter().map(|t| self.y.label(*t)),
            !c.y_label.is_empty(),
        )?;
        let mut cc = ChartBuilder::on(&plot_area)
            .margin_left(10)
            .margin_right(30)
            .margin_top(22)
            .margin_bottom(6)
            .x_label_area_size(50)
            .y_label_area_size(y_width)
            .build_cartesian_2d(self.x.clone(), self.y.clone())?;
        let formatter = |v: &f64| self.commit_label(*v);
        let mut mesh = cc.configure_mesh();
        mesh.label_style(text_style(13.0, TEXT))
            .y_label_offset(canvas.text_dy(14.0))
            .axis_desc_style(text_style(15.0, MUTED))
            .bold_line_style(GRID)
            .light_line_style(GRID)
            .axis_style(AXIS)
            .x_label_formatter(&formatter)
            .x_desc("commit (in commit order)");
        if !c.y_label.is_empty() {
            mesh.y_desc(c.y_label.as_str());
        }
        mesh.draw()?;

        if self.points.is_empty() {
            draw_note(&cc.plotting_area().strip_coord_spec(), canvas, "no data")?;
            return Ok(());
        }
        let dot = series_color(0).mix(0.45).filled();
        let radius = if self.points.len() > 2000 { 2 } else { 3 };
        for &p in &self.points {
            root.draw(&Circle::new(cc.backend_coord(&p), radius, dot))?;
        }
        // The fitted levels as a step line: flat across each commit, vertical at a step.
        let mut line: Vec<(f64, f64)> = Vec::with_capacity(2 * c.levels.len());
        for (i, &level) in c.levels.iter().enumerate() {
            if !level.is_finite() {
                continue;
            }
            line.push((i as f64 - 0.5, level));
            line.push((i as f64 + 0.5, level));
        }
        let pixels: Vec<(i32, i32)> = line.iter().map(|p| cc.backend_coord(p)).collect();
        draw_polyline(root, canvas, &pixels, TEXT, 3, false)?;
        for s in &c.steps {
            let color = match s.tone {
                StepTone::Bad => RED,
                StepTone::Good => GREEN,
                StepTone::Neutral => GREY,
            };
            let x = s.at as f64 - 0.5;
            let top = cc.backend_coord(&(x, self.y.hi));
            let bottom = cc.backend_coord(&(x, self.y.lo));
            draw_polyline(root, canvas, &[top, bottom], color, 1, true)?;
            let style = text_style(13.0, color).pos(Pos::new(HPos::Center, VPos::Bottom));
            draw_text_px(root, canvas, &s.label, &style, (top.0, top.1 - 2))?;
        }
        Ok(())
    }
}
