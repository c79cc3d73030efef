//! Chart furniture drawn in pixel space: title block, legends, fitted text.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::font::FONT_FAMILY;
use super::output::Canvas;
use super::palette::{MUTED, TEXT};

/// Result type of drawing on a plotters area.
pub(super) type DrawResult<T, DB> =
    Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Text style in the embedded font.
pub(super) fn text_style(size: f64, color: RGBColor) -> TextStyle<'static> {
    (FONT_FAMILY, size).into_font().color(&color)
}

/// Draws text at a pixel position of `area`, compensating the raster text offset.
pub(super) fn draw_text_px<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    canvas: Canvas,
    text: &str,
    style: &TextStyle,
    (x, y): (i32, i32),
) -> DrawResult<(), DB> {
    let dy = canvas.text_dy(style.font.get_size());
    area.draw_text(text, style, (x, y + dy))
}

/// Shortens `text` with an ellipsis until it fits in `max_width` pixels.
pub(super) fn fit_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    max_width: u32,
) -> DrawResult<String, DB> {
    if area.estimate_text_size(text, style)?.0 <= max_width {
        return Ok(text.to_string());
    }
    let chars: Vec<char> = text.chars().collect();
    let mut keep = chars.len();
    while keep > 0 {
        keep -= 1;
        let candidate: String = chars[..keep].iter().collect::<String>() + "…";
        if area.estimate_text_size(&candidate, style)?.0 <= max_width {
            return Ok(candidate);
        }
    }
    Ok("…".to_string())
}

/// Draws a centred title (and optional muted subtitle) at the top of `root`
/// and returns the area left below it.
pub(super) fn draw_header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    canvas: Canvas,
    title: &str,
    subtitle: Option<&str>,
) -> DrawResult<DrawingArea<DB, Shift>, DB> {
    let (width, _) = root.dim_in_pixel();
    let center = Pos::new(HPos::Center, VPos::Top);
    let title_style = text_style(24.0, TEXT).pos(center);
    let title = fit_text(root, title, &title_style, width.saturating_sub(40))?;
    draw_text_px(root, canvas, &title, &title_style, (width as i32 / 2, 14))?;
    let mut used = 46;
    if let Some(sub) = subtitle.filter(|s| !s.is_empty()) {
        let sub_style = text_style(15.0, MUTED).pos(center);
        let sub = fit_text(root, sub, &sub_style, width.saturating_sub(40))?;
        draw_text_px(root, canvas, &sub, &sub_style, (width as i32 / 2, used))?;
        used += 22;
    }
    Ok(root.split_vertically(used).1)
}

/// What a legend entry's sample looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Swatch {
    /// A short line, optionally dashed, optionally with a marker dot.
    Line { dashed: bool, marker: bool },
    /// A filled dot.
    Dot,
    /// A translucent filled box.
    Band,
}

/// One legend entry.
#[derive(Debug, Clone)]
pub(super) struct LegendItem {
    pub label: String,
    pub color: RGBColor,
    pub swatch: Swatch,
}

const SWATCH_W: i32 = 30;
const ROW_H: u32 = 24;
const GAP: u32 = 22;

fn legend_rows<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[LegendItem],
) -> DrawResult<Vec<Vec<(usize, u32)>>, DB> {
    let style = text_style(14.0, TEXT);
    let max_width = area.dim_in_pixel().0.saturating_sub(40).max(100);
    let mut rows: Vec<Vec<(usize, u32)>> = vec![];
    let mut row_width = 0;
    for (i, item) in items.iter().enumerate() {
        let label = fit_text(area, &item.label, &style, max_width / 2)?;
        let w = SWATCH_W as u32 + 8 + area.estimate_text_size(&label, &style)?.0;
        let needs_new = match rows.last() {
            None => true,
            Some(_) => row_width + GAP + w > max_width,
        };
        if needs_new {
            rows.push(vec![]);
            row_width = w;
        } else {
            row_width += GAP + w;
        }
        if let Some(row) = rows.last_mut() {
            row.push((i, w));
        }
    }
    Ok(rows)
}

/// Pixel height a legend for `items` needs when laid out on `area`'s width.
pub(super) fn legend_height<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[LegendItem],
) -> DrawResult<u32, DB> {
    let rows = legend_rows(area, items)?.len() as u32;
    Ok(if rows == 0 { 0 } else { rows * ROW_H + 10 })
}

/// Draws `items` as centred, wrapping rows inside `area`.
pub(super) fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    canvas: Canvas,
    items: &[LegendItem],
) -> DrawResult<(), DB> {
    let style = text_style(14.0, TEXT);
    let max_width = area.dim_in_pixel().0.saturating_sub(40).max(100);
    let (width, _) = area.dim_in_pixel();
    for (r, row) in legend_rows(area, items)?.iter().enumerate() {
        let total: u32 = row.iter().map(|(_, w)| w).sum::<u32>() + GAP * (row.len() as u32 - 1);
        let mut x = (width as i32 - total as i32) / 2;
        let y = 5 + r as i32 * ROW_H as i32 + ROW_H as i32 / 2;
        for &(i, w) in row {
            let item = &items[i];
            draw_swatch(area, item, x, y)?;
            let label = fit_text(area, &item.label, &style, max_width / 2)?;
            draw_text_px(
                area,
                canvas,
                &label,
                &style.pos(Pos::new(HPos::Left, VPos::Center)),
                (x + SWATCH_W + 8, y),
            )?;
            x += (w + GAP) as i32;
        }
    }
    Ok(())
}

fn draw_swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    item: &LegendItem,
    x: i32,
    y: i32,
) -> DrawResult<(), DB> {
    let color = item.color;
    match item.swatch {
        Swatch::Line { dashed, marker } => {
            let stroke = color.stroke_width(2);
            if dashed {
                area.draw(&PathElement::new(vec![(x, y), (x + 10, y)], stroke))?;
                area.draw(&PathElement::new(
                    vec![(x + 20, y), (x + SWATCH_W, y)],
                    stroke,
                ))?;
            } else {
                area.draw(&PathElement::new(vec![(x, y), (x + SWATCH_W, y)], stroke))?;
            }
            if marker {
                area.draw(&Circle::new((x + SWATCH_W / 2, y), 4, color.filled()))?;
            }
        }
        Swatch::Dot => {
            area.draw(&Circle::new((x + SWATCH_W / 2, y), 6, color.filled()))?;
        }
        Swatch::Band => {
            area.draw(&Rectangle::new(
                [(x, y - 8), (x + SWATCH_W, y + 8)],
                color.mix(0.25).filled(),
            ))?;
        }
    }
    Ok(())
}

/// Writes a muted note (e.g. "no data") centred in `area`.
pub(super) fn draw_note<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    canvas: Canvas,
    text: &str,
) -> DrawResult<(), DB> {
    let (w, h) = area.dim_in_pixel();
    let style = text_style(18.0, MUTED).pos(Pos::new(HPos::Center, VPos::Center));
    draw_text_px(area, canvas, text, &style, (w as i32 / 2, h as i32 / 2))
}
