//! Forest plot of per-metric ratios with confidence intervals (A/B comparison), on a log axis
//! around ×1: ×2 and ×0.5 lie as far from "no change" as each other, and no ratio is negative.

use std::ops::Range;
use std::path::Path;

use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
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
use super::scale::{finite_min_max, format_value, Axis};

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
/// sorts by importance), point + CI whisker on a log axis, a line at ×1 and a shaded band for
/// `1 ± min_effect` (a fraction, e.g. 0.05). Only the first 40 rows are drawn. A ratio or an
/// interval end that is not positive (or beyond ×1000 either way) is drawn at the axis' edge,
/// an interval so cut without its end cap.
pub fn draw_ratio_chart(
    title: &str,
    rows: &[RatioRow],
    min_effect: f64,
    stem: &Path,
) -> Result<ChartFiles, ChartError> {
    let shown = &rows[..rows.len().min(MAX_RATIO_ROWS)];
    let min_effect =
        (min_effect.is_finite() && min_effect > 0.0 && min_effect < 1.0).then_some(min_effect);
    let mut values = vec![1.0];
    if let Some(m) = min_effect {
        values.extend([1.0 - m, 1.0 + m]);
    }
    values.extend(shown.iter().map(|r| r.ratio));
    let x = RatioAxis::covering(values, shown.iter().flat_map(|r| [r.lo, r.hi]));
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

/// Ratios are drawn within ×1/1000 … ×1000; beyond, at the edge.
const RATIO_LIMIT: f64 = 1000.0;

/// How far beyond the ratios an interval widens the axis (×4 either way): one interval of a
/// few noisy samples, ×0.01 … ×100, would otherwise squeeze every other row onto ×1.
const INTERVAL_REACH: f64 = 4.0;

/// Tick candidates above ×1, nearest first: round ratios (the inverses of those below where
/// they are round too), thinned to fit the range.
const TICKS_UP: [f64; 16] = [
    1.002, 1.005, 1.01, 1.02, 1.05, 1.1, 1.25, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0,
    1000.0,
];

/// Tick candidates below ×1, nearest first.
const TICKS_DOWN: [f64; 16] = [
    0.998, 0.995, 0.99, 0.98, 0.95, 0.9, 0.8, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001,
];

/// The forest plot's x axis: plot space is ln(ratio), so ×2 and ×0.5 are equally far from ×1;
/// ticks at round ratios, labelled `×0.5`, `×1`, `×1.25`.
#[derive(Debug, Clone, PartialEq)]
struct RatioAxis(Axis);

impl RatioAxis {
    /// The axis covering the positive, finite `ratios` (×1 always) and, up to
    /// [`INTERVAL_REACH`] beyond them, the `interval_ends`; padded a little.
    fn covering(
        ratios: impl IntoIterator<Item = f64>,
        interval_ends: impl IntoIterator<Item = f64>,
    ) -> RatioAxis {
        let ln = |r: f64| {
            (r.is_finite() && r > 0.0).then(|| r.clamp(1.0 / RATIO_LIMIT, RATIO_LIMIT).ln())
        };
        let logs = ratios.into_iter().filter_map(ln).chain([0.0]);
        let (mut lo, mut hi) = finite_min_max(logs).unwrap_or((0.0, 0.0));
        let reach = INTERVAL_REACH.ln();
        let (lo_limit, hi_limit) = (lo - reach, hi + reach);
        for end in interval_ends.into_iter().filter_map(ln) {
            let end = end.clamp(lo_limit, hi_limit);
            lo = lo.min(end);
            hi = hi.max(end);
        }
        // At least ×0.99 … ×1.01 in view.
        let least = 1.01f64.ln();
        lo = lo.min(-least);
        hi = hi.max(least);
        let pad = (hi - lo) * 0.04;
        let (lo, hi) = (lo - pad, hi + pad);
        // Ticks outward from ×1, each at least a ninth of the axis from the one before.
        let gap = (hi - lo) / 9.0;
        let mut ticks = vec![0.0];
        for (candidates, beyond) in [(&TICKS_UP[..], hi), (&TICKS_DOWN[..], -lo)] {
            let mut last = 0.0f64;
            for t in candidates {
                let at = t.ln();
                if at.abs() > beyond {
                    break;
                }
                if (at - last).abs() >= gap {
                    ticks.push(at);
                    last = at;
                }
            }
        }
        ticks.sort_by(f64::total_cmp);
        RatioAxis(Axis {
            lo,
            hi,
            ticks,
            log2: false,
        })
    }

    /// Plot coordinate of `ratio`, kept within the axis (a ratio that is not positive at its
    /// left edge).
    fn at(&self, ratio: f64) -> f64 {
        if ratio > 0.0 {
            ratio.ln().clamp(self.0.lo, self.0.hi)
        } else {
            self.0.lo
        }
    }

    /// Whether `ratio` lies within the axis (drawn where it is, not at an edge).
    fn shows(&self, ratio: f64) -> bool {
        ratio > 0.0 && (self.0.lo..=self.0.hi).contains(&ratio.ln())
    }

    /// The tick labels, left to right.
    #[cfg(test)]
    fn labels(&self) -> Vec<String> {
        self.0.ticks.iter().map(|t| ratio_label(t.exp())).collect()
    }
}

/// `×0.5`, `×1`, `×1.25`, `×1000`.
fn ratio_label(r: f64) -> String {
    let text = if r >= 10.0 {
        format!("{r:.0}")
    } else {
        let t = format!("{r:.3}");
        t.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    format!("×{text}")
}

impl Ranged for RatioAxis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.0.map(value, limit)
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        self.0.key_points(hint)
    }

    fn range(&self) -> Range<f64> {
        self.0.range()
    }
}

impl ValueFormatter<f64> for RatioAxis {
    fn format(value: &f64) -> String {
        ratio_label(value.exp())
    }

    fn format_ext(&self, value: &f64) -> String {
        ratio_label(value.exp())
    }
}

struct RatioPlot<'a> {
    title: &'a str,
    rows: &'a [RatioRow],
    total: usize,
    min_effect: Option<f64>,
    x: RatioAxis,
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
            .x_desc("ratio B/A, log scale (×1 = no change)")
            .draw()?;

        let (x0, x1) = (self.x.0.lo, self.x.0.hi);
        cc.draw_series((0..self.rows.len()).filter(|i| i % 2 == 1).map(|i| {
            let y = self.row_y(i);
            Rectangle::new([(x0, y - 0.5), (x1, y + 0.5)], BLACK.mix(0.035).filled())
        }))?;
        if let Some(m) = self.min_effect {
            cc.draw_series(std::iter::once(Rectangle::new(
                [
                    (self.x.at(1.0 - m), self.y.lo),
                    (self.x.at(1.0 + m), self.y.hi),
                ],
                SERIES[0].mix(0.14).filled(),
            )))?;
        }
        cc.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, self.y.lo), (0.0, self.y.hi)],
            AXIS.stroke_width(2),
        )))?;

        for (i, row) in self.rows.iter().enumerate() {
            let y = self.row_y(i);
            let color = row.verdict.color();
            if !row.lo.is_nan() && !row.hi.is_nan() {
                let (lo, hi) = (row.lo.min(row.hi), row.lo.max(row.hi));
                let stroke = color.stroke_width(2);
                let (plo, phi) = (self.x.at(lo), self.x.at(hi));
                cc.draw_series(std::iter::once(PathElement::new(
                    vec![(plo, y), (phi, y)],
                    stroke,
                )))?;
                // An end cut at the axis' edge has no cap: the interval goes on.
                for (end, at) in [(lo, plo), (hi, phi)] {
                    if self.x.shows(end) {
                        cc.draw_series(std::iter::once(PathElement::new(
                            vec![(at, y - 0.22), (at, y + 0.22)],
                            stroke,
                        )))?;
                    }
                }
            }
            if row.ratio.is_finite() {
                cc.draw_series(std::iter::once(Circle::new(
                    (self.x.at(row.ratio), y),
                    6,
                    color.filled(),
                )))?;
            }
        }

        let label_pos = Pos::new(HPos::Right, VPos::Center);
        for (i, label) in labels.iter().enumerate() {
            let (px, py) = cc.backend_coord(&(self.x.0.lo, self.row_y(i)));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ratio_axis_is_logarithmic_around_one_and_never_negative() {
        // A metric whose interval runs from 0 to ×90 (few, noisy samples): a linear axis drew
        // it from −10 to 90.
        let axis = RatioAxis::covering([1.0, 0.97, 1.03, 40.0, 0.96], [0.0, 90.0, 0.94, 0.98]);
        let labels = axis.labels();
        assert_eq!(labels, ["×1", "×2", "×5", "×10", "×20", "×50", "×100"]);
        let ticks: Vec<f64> = axis.0.ticks.iter().map(|t| t.exp()).collect();
        assert!(ticks.iter().all(|&t| t > 0.0), "{ticks:?}");
        assert!(ticks.windows(2).all(|w| w[0] < w[1]), "{ticks:?}");
        assert!(ticks.len() >= 4 && ticks.len() <= 11, "{ticks:?}");
        // ×90 is in view, 0 is drawn at the left edge.
        assert!(axis.shows(90.0) && !axis.shows(0.0));
        assert_eq!(axis.at(0.0), axis.0.lo);
        // ×2 and ×0.5 lie equally far from ×1.
        let wide = RatioAxis::covering([0.4, 2.5], []);
        assert!((wide.at(2.0) + wide.at(0.5)).abs() < 1e-12);
        assert_eq!(wide.labels(), ["×0.5", "×0.8", "×1", "×1.25", "×2"]);

        // A typical comparison: everything within a few percent.
        let narrow = RatioAxis::covering([1.0, 0.97, 1.03], [0.99, 1.012]);
        assert_eq!(narrow.labels(), ["×0.98", "×0.99", "×1", "×1.01", "×1.02"]);
        // An interval of a few noisy samples reaches ×4 beyond the ratios at most: the other
        // rows keep their room, it is cut at the edge.
        let noisy = RatioAxis::covering([1.0, 0.9, 1.2], [1e-6, 0.85, 1.3, 1e6]);
        assert!(noisy.shows(1.2 * 3.9) && !noisy.shows(1.2 * 6.0));
        assert!(noisy.shows(0.9 / 3.9) && !noisy.shows(0.9 / 6.0));
        assert_eq!(noisy.at(1e6), noisy.0.hi);
        assert_eq!(ratio_label(1.25), "×1.25");
        assert_eq!(ratio_label(0.5), "×0.5");
        assert_eq!(ratio_label(500.0), "×500");
    }
}
