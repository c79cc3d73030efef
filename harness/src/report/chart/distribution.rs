//! Side-by-side box plots with jittered samples for two sample sets (A vs B).

// The statistics module's summary: a box plot's median and quartiles are the table's.
use statbench_stats::Summary;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::error::ChartError;
use super::frame::{draw_header, draw_note, draw_text_px, fit_text, text_style, DrawResult};
use super::output::{render, Canvas, ChartFiles, Plot, DEFAULT_SIZE};
use super::palette::{series_color, AXIS, GRID, MUTED, TEXT};
use super::scale::{format_value, Axis};

/// At most this many samples per group are drawn as dots (evenly picked);
/// statistics always use all samples.
const MAX_DOTS: usize = 1500;
const BOX_HALF: f64 = 0.2;

/// Draws box plots (median, IQR box, 1.5×IQR whiskers) over jittered sample
/// dots for `a` and `b`; non-finite samples are ignored, empty sets are labelled.
pub fn draw_distributions(
    title: &str,
    a_label: &str,
    a: &[f64],
    b_label: &str,
    b: &[f64],
    stem: &Path,
) -> Result<ChartFiles, ChartError> {
    let groups = [Group::new(a_label, a), Group::new(b_label, b)];
    let y = Axis::linear(
        groups.iter().flat_map(|g| g.sorted.iter().copied()),
        false,
        0.04,
    );
    let x = Axis {
        lo: -0.5,
        hi: 1.5,
        ticks: vec![],
        log2: false,
    };
    render(
        &DistPlot {
            title,
            groups,
            x,
            y,
        },
        stem,
        DEFAULT_SIZE,
    )
}

struct Group<'a> {
    label: &'a str,
    sorted: Vec<f64>,
    /// The box: median and quartiles (`None` without samples).
    summary: Option<Summary>,
    /// Lowest and highest sample within 1.5 × IQR of the box (Tukey's whiskers).
    whiskers: (f64, f64),
}

impl<'a> Group<'a> {
    fn new(label: &'a str, samples: &[f64]) -> Self {
        let mut sorted: Vec<f64> = samples.iter().copied().filter(|v| v.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        let summary = Summary::of(&sorted);
        let whiskers = summary.map_or((f64::NAN, f64::NAN), |s| whiskers(&sorted, &s));
        Group {
            label,
            sorted,
            summary,
            whiskers,
        }
    }
}

/// Tukey's whiskers of ascending `sorted` with quartiles from `s`: the extreme samples within
/// 1.5 × IQR of the box (the box's edge if none is).
fn whiskers(sorted: &[f64], s: &Summary) -> (f64, f64) {
    let lo_fence = s.p25 - 1.5 * s.iqr;
    let hi_fence = s.p75 + 1.5 * s.iqr;
    (
        sorted
            .iter()
            .copied()
            .find(|v| *v >= lo_fence)
            .unwrap_or(s.p25),
        sorted
            .iter()
            .rev()
            .copied()
            .find(|v| *v <= hi_fence)
            .unwrap_or(s.p75),
    )
}

/// Deterministic pseudo-random offset in [-0.5, 0.5) so output is reproducible (the harness's
/// one SplitMix64 finaliser).
fn jitter(i: usize) -> f64 {
    let x = crate::rng::mix(
        (i as u64)
            .wrapping_add(1)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15),
    );
    (x >> 11) as f64 / (1u64 << 53) as f64 - 0.5
}

struct DistPlot<'a> {
    title: &'a str,
    groups: [Group<'a>; 2],
    x: Axis,
    y: Axis,
}

impl Plot for DistPlot<'_> {
    fn plot<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        canvas: Canvas,
    ) -> DrawResult<(), DB> {
        let subtitle = "box: quartiles · line: median · whiskers: 1.5 × IQR · dots: samples";
        let body = draw_header(root, canvas, self.title, Some(subtitle))?;
        let y_width = super::line::y_label_width(
            &body,
            self.y.ticks.iter().map(|t| self.y.label(*t)),
            false,
        )?;
        let mut cc = ChartBuilder::on(&body)
            .margin_left(10)
            .margin_right(30)
            .margin_top(6)
            .margin_bottom(6)
            .x_label_area_size(58)
            .y_label_area_size(y_width)
            .build_cartesian_2d(self.x.clone(), self.y.clone())?;
        cc.configure_mesh()
            .label_style(text_style(14.0, TEXT))
            .y_label_offset(canvas.text_dy(14.0))
            .bold_line_style(GRID)
            .light_line_style(GRID)
            .axis_style(AXIS)
            .draw()?;

        for (gi, group) in self.groups.iter().enumerate() {
            let color = series_color(gi);
            let cx = gi as f64;
            let step = group.sorted.len().div_ceil(MAX_DOTS).max(1);
            cc.draw_series(
                group
                    .sorted
                    .iter()
                    .enumerate()
                    .step_by(step)
                    .map(|(i, &v)| {
                        let x = cx + jitter(i + gi * 7919) * 0.32;
                        Circle::new((x, v), 3, color.mix(0.35).filled())
                    }),
            )?;

            let label_style = text_style(16.0, TEXT).pos(Pos::new(HPos::Center, VPos::Top));
            let detail_style = text_style(13.0, MUTED).pos(Pos::new(HPos::Center, VPos::Top));
            let (px, py) = cc.backend_coord(&(cx, self.y.lo));
            let half_width = (cc.plotting_area().dim_in_pixel().0 / 2).saturating_sub(20);
            let label = fit_text(root, group.label, &label_style, half_width)?;
            draw_text_px(root, canvas, &label, &label_style, (px, py + 10))?;

            let Some(s) = group.summary else {
                draw_text_px(root, canvas, "n = 0", &detail_style, (px, py + 32))?;
                let (_, my) = cc.backend_coord(&(cx, (self.y.lo + self.y.hi) / 2.0));
                let note = text_style(16.0, MUTED).pos(Pos::new(HPos::Center, VPos::Center));
                draw_text_px(root, canvas, "no samples", &note, (px, my))?;
                continue;
            };
            let (q1, q3) = (s.p25, s.p75);
            let (whisker_lo, whisker_hi) = group.whiskers;
            let detail = format!(
                "n = {} · median {} · IQR {} – {}",
                group.sorted.len(),
                format_value(s.median),
                format_value(q1),
                format_value(q3)
            );
            let detail = fit_text(root, &detail, &detail_style, half_width)?;
            draw_text_px(root, canvas, &detail, &detail_style, (px, py + 32))?;

            let stroke = color.stroke_width(2);
            cc.draw_series([
                Rectangle::new(
                    [(cx - BOX_HALF, q1), (cx + BOX_HALF, q3)],
                    color.mix(0.12).filled(),
                ),
                Rectangle::new([(cx - BOX_HALF, q1), (cx + BOX_HALF, q3)], stroke),
            ])?;
            cc.draw_series([
                PathElement::new(vec![(cx, q3), (cx, whisker_hi)], stroke),
                PathElement::new(vec![(cx, q1), (cx, whisker_lo)], stroke),
                PathElement::new(
                    vec![(cx - 0.08, whisker_hi), (cx + 0.08, whisker_hi)],
                    stroke,
                ),
                PathElement::new(
                    vec![(cx - 0.08, whisker_lo), (cx + 0.08, whisker_lo)],
                    stroke,
                ),
                PathElement::new(
                    vec![(cx - BOX_HALF, s.median), (cx + BOX_HALF, s.median)],
                    color.stroke_width(4),
                ),
            ])?;
            let (mx, my) = cc.backend_coord(&(cx + BOX_HALF, s.median));
            let median_style = text_style(14.0, TEXT).pos(Pos::new(HPos::Left, VPos::Center));
            draw_text_px(
                root,
                canvas,
                &format_value(s.median),
                &median_style,
                (mx + 8, my),
            )?;
        }
        if self.groups.iter().all(|g| g.summary.is_none()) {
            draw_note(&cc.plotting_area().strip_coord_spec(), canvas, "no data")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_and_whiskers() {
        let g = Group::new("g", &[100.0, 9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0]);
        let s = g.summary.unwrap();
        assert_eq!((s.median, s.p25, s.p75), (5.5, 3.25, 7.75));
        // 100 lies past q3 + 1.5 × IQR = 14.5: the upper whisker stops at 9.
        assert_eq!(g.whiskers, (1.0, 9.0));
        let empty = Group::new("e", &[f64::NAN]);
        assert!(empty.summary.is_none() && empty.sorted.is_empty());
        let one = Group::new("o", &[2.0]);
        assert_eq!(
            (one.summary.unwrap().median, one.whiskers),
            (2.0, (2.0, 2.0))
        );
    }

    #[test]
    fn jitter_is_bounded_and_deterministic() {
        for i in 0..10_000 {
            let j = jitter(i);
            assert!((-0.5..0.5).contains(&j));
            assert_eq!(j, jitter(i));
        }
    }
}
