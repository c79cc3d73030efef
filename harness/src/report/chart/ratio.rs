//! Forest plot of per-metric ratios with confidence intervals (A/B comparison).

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::error::ChartError;
use super::frame::{
    draw_header, draw_legend, draw_note, draw_text_px, fit_text, legend_height, text_style,
    DrawResult, LegendItem, Swatch,
};
use super::output::{render, Canvas, ChartFiles, Plot, DEFAULT_SIZE};
use super::palette::{AMBER, AXIS, BLUE, GREEN, GREY, GRID, MUTED, PURPLE, RED, SERIES, TEXT};
use super::scale::{format_value, Axis};

/// At most this many rows are drawn; the subtitle says when more were given.
pub const MAX_RATIO_ROWS: usize = 40;
/// Vertical space per row in pixels (the chart grows beyond 560 px as needed).
const ROW_PX: u32 = 26;
/// Everything around the rows: header, subtitle, legend, x axis, margins.
const CHROME_PX: u32 = 46 + 22 + 34 + 50 + 16;

/// How a comparison row was judged; decides its colour in the chart and its
/// CSS class in the HTML table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VerdictColor {
    /// Worse beyond the minimum effect (red).
    Regression,
    /// Better beyond the minimum effect (green).
    Improvement,
    /// Up beyond the minimum effect, neither good nor bad (a metric; blue).
    Increase,
    /// Down beyond the minimum effect, neither good nor bad (a metric; purple).
    Decrease,
    /// Confidently within the minimum effect (grey).
    NoChange,
    /// Not enough evidence either way (amber).
    Inconclusive,
}

impl VerdictColor {
    /// CSS class used for table rows in the HTML report (`regression`, ...).
    pub fn css_class(self) -> &'static str {
        match self {
            VerdictColor::Regression => "regression",
            VerdictColor::Improvement => "improvement",
            VerdictColor::Increase => "increase",
            VerdictColor::Decrease => "decrease",
            VerdictColor::NoChange => "nochange",
            VerdictColor::Inconclusive => "inconclusive",
        }
    }

    /// Human-readable name, as shown in the chart legend.
    pub fn label(self) -> &'static str {
        match self {
            VerdictColor::Regression => "regression",
            VerdictColor::Improvement => "improvement",
            VerdictColor::Increase => "increase",
            VerdictColor::Decrease => "decrease",
            VerdictColor::NoChange => "no change",
            VerdictColor::Inconclusive => "inconclusive",
        }
    }

    fn color(self) -> RGBColor {
        match self {
            VerdictColor::Regression => RED,
            VerdictColor::Improvement => GREEN,
            VerdictColor::Increase => BLUE,
            VerdictColor::Decrease => PURPLE,
            VerdictColor::NoChange => GREY,
            VerdictColor::Inconclusive => AMBER,
        }
    }

    const ALL: [VerdictColor; 6] = [
        VerdictColor::Regression,
        VerdictColor::Improvement,
        VerdictColor::Increase,
        VerdictColor::Decrease,
        VerdictColor::NoChange,
        VerdictColor::Inconclusive,
    ];
}

/// One metric of a comparison: point estimate of the ratio and its interval.
#[derive(Debug, Clone, PartialEq)]
pub struct RatioRow {
    /// Metric name, drawn left of the row (shortened with "…" if too long).
    pub label: String,
    /// Point estimate (1.0 = no change); non-finite values are not drawn.
    pub ratio: f64,
    /// Lower end of the confidence interval.
    pub lo: f64,
    /// Upper end of the confidence interval.
    pub hi: f64,
    /// Colour of the point and whisker.
    pub verdict: VerdictColor,
}

/// Draws a forest plot: one row per metric in the given order (the caller
/// sorts by effect), point + CI whisker, a line at 1.0 and a shaded band for
/// `1 ± min_effect` (a fraction, e.g. 0.05). Only the first 40 rows are drawn.
pub fn draw_ratio_chart(
    title: &str,
    rows: &[RatioRow],
    min_effect: f64,
    stem: &Path,
) -> Result<ChartFiles, ChartError> {
    let shown = &rows[..rows.len().min(MAX_RATIO_ROWS)];
    let min_effect = (min_effect.is_finite() && min_effect > 0.0).then_some(min_effect);
    let mut values = vec![1.0];
    if let Some(m) = min_effect {
        values.extend([1.0 - m, 1.0 + m]);
    }
    values.extend(shown.iter().flat_map(|r| [r.ratio, r.lo, r.hi]));
    let x = Axis::linear(values, false, 0.02);
    let n = shown.len().max(1) as f64;
    let y = Axis {
        lo: 0.0,
        hi: n,
        ticks: vec![],
        log2: false,
    };
    let height = DEFAULT_SIZE.1.max(CHROME_PX + ROW_PX * shown.len() as u32);
    let plot = RatioPlot {
        title,
        rows: shown,
        total: rows.len(),
        min_effect,
        x,
        y,
    };
    render(&plot, stem, (DEFAULT_SIZE.0, height))
}

struct RatioPlot<'a> {
    title: &'a str,
    rows: &'a [RatioRow],
    total: usize,
    min_effect: Option<f64>,
    x: Axis,
    y: Axis,
}

impl RatioPlot<'_> {
    /// Plot y coordinate of row `i` (first row on top).
    fn row_y(&self, i: usize) -> f64 {
        self.y.hi - i as f64 - 0.5
    }

    fn legend(&self) -> Vec<LegendItem> {
        // Only the verdicts drawn: a legend of colours that appear nowhere is noise.
        let mut items: Vec<LegendItem> = VerdictColor::ALL
            .iter()
            .filter(|v| self.rows.iter().any(|r| r.verdict == **v))
            .map(|v| LegendItem {
                label: v.label().to_string(),
                color: v.color(),
                swatch: Swatch::Dot,
            })
            .collect();
        if let Some(m) = self.min_effect {
            items.push(LegendItem {
                label: format!("±{}% minimum effect", format_value(m * 100.0)),
                color: SERIES[0],
                swatch: Swatch::Band,
            });
        }
        items
    }
}

impl Plot for RatioPlot<'_> {
    fn plot<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        canvas: Canvas,
    ) -> DrawResult<(), DB> {
        let subtitle = (self.total > self.rows.len()).then(|| {
            format!(
                "showing the first {} of {} metrics",
                self.rows.len(),
                self.total
            )
        });
        let body = draw_header(root, canvas, self.title, subtitle.as_deref())?;
        let items = self.legend();
        let (legend_area, body) = body.split_vertically(legend_height(&body, &items)?);
        draw_legend(&legend_area, canvas, &items)?;

        let width = root.dim_in_pixel().0;
        let label_style = text_style(14.0, TEXT);
        let max_label = (width as f64 * 0.4) as u32;
        let mut labels = Vec::with_capacity(self.rows.len());
        let mut widest = 40;
        for row in self.rows {
            let label = fit_text(root, &row.label, &label_style, max_label)?;
            widest = widest.max(root.estimate_text_size(&label, &label_style)?.0);
            labels.push(label);
        }

        let mut cc = ChartBuilder::on(&body)
            .margin_left(10)
            .margin_right(30)
            .margin_top(4)
            .margin_bottom(6)
            .x_label_area_size(50)
            .y_label_area_size(widest + 16)
            .build_cartesian_2d(self.x.clone(), self.y.clone())?;
        cc.configure_mesh()
            .label_style(text_style(14.0, TEXT))
            .axis_desc_style(text_style(15.0, MUTED))
            .bold_line_style(GRID)
            .light_line_style(GRID)
            .axis_style(AXIS)
            .x_desc("ratio (1 = no change)")
            .draw()?;

        let (x0, x1) = (self.x.lo, self.x.hi);
        cc.draw_series((0..self.rows.len()).filter(|i| i % 2 == 1).map(|i| {
            let y = self.row_y(i);
            Rectangle::new([(x0, y - 0.5), (x1, y + 0.5)], BLACK.mix(0.035).filled())
        }))?;
        if let Some(m) = self.min_effect {
            cc.draw_series(std::iter::once(Rectangle::new(
                [(1.0 - m, self.y.lo), (1.0 + m, self.y.hi)],
                SERIES[0].mix(0.14).filled(),
            )))?;
        }
        cc.draw_series(std::iter::once(PathElement::new(
            vec![(1.0, self.y.lo), (1.0, self.y.hi)],
            AXIS.stroke_width(2),
        )))?;

        for (i, row) in self.rows.iter().enumerate() {
            let y = self.row_y(i);
            let color = row.verdict.color();
            if row.lo.is_finite() && row.hi.is_finite() {
                let (lo, hi) = (row.lo.min(row.hi), row.lo.max(row.hi));
                let stroke = color.stroke_width(2);
                cc.draw_series([
                    PathElement::new(vec![(lo, y), (hi, y)], stroke),
                    PathElement::new(vec![(lo, y - 0.22), (lo, y + 0.22)], stroke),
                    PathElement::new(vec![(hi, y - 0.22), (hi, y + 0.22)], stroke),
                ])?;
            }
            if row.ratio.is_finite() {
                cc.draw_series(std::iter::once(Circle::new(
                    (row.ratio, y),
                    6,
                    color.filled(),
                )))?;
            }
        }

        let label_pos = Pos::new(HPos::Right, VPos::Center);
        for (i, label) in labels.iter().enumerate() {
            let (px, py) = cc.backend_coord(&(self.x.lo, self.row_y(i)));
            draw_text_px(
                root,
                canvas,
                label,
                &label_style.pos(label_pos),
                (px - 10, py),
            )?;
        }
        if self.rows.is_empty() {
            draw_note(
                &cc.plotting_area().strip_coord_spec(),
                canvas,
                "no metrics to compare",
            )?;
        }
        Ok(())
    }
}
