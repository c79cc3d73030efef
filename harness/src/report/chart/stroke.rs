//! Thick polylines in pixel space that look right on both backends.
//!
//! Plotters' raster path code joins thick segments with unbounded miters, so a
//! spiky series (e.g. a throughput dip) grows spikes reaching far past the
//! data. On the raster canvas we therefore cut the path at every sharp turn
//! (gentle joins keep plotters' smooth miters) and draw dashes as separate
//! straight pieces; SVG keeps one path and lets the renderer limit miters.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::frame::DrawResult;
use super::output::Canvas;

/// Dash and gap lengths in pixels for dashed lines.
const DASH: f64 = 10.0;
const GAP: f64 = 6.0;

/// Draws a polyline through `pixels` (absolute backend coordinates).
pub(super) fn draw_polyline<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    canvas: Canvas,
    pixels: &[(i32, i32)],
    color: RGBColor,
    width: u32,
    dashed: bool,
) -> DrawResult<(), DB> {
    if pixels.len() < 2 {
        return Ok(());
    }
    let style = color.stroke_width(width);
    if !canvas.raster {
        return if dashed {
            root.draw(&DashedPathElement::new(
                pixels.iter().copied(),
                DASH as i32,
                GAP as i32,
                style,
            ))
        } else {
            root.draw(&PathElement::new(pixels.to_vec(), style))
        };
    }
    if dashed {
        for (a, b) in dash_pieces(pixels) {
            if a != b {
                root.draw(&PathElement::new(vec![a, b], style))?;
            }
        }
    } else {
        for run in split_at_sharp_turns(pixels) {
            root.draw(&PathElement::new(run, style))?;
        }
    }
    Ok(())
}

/// Splits a polyline into runs whose inner joints turn by less than 60°, so
/// the miters plotters draws at those joints stay short. Consecutive duplicate
/// points are dropped; each run has at least two points.
fn split_at_sharp_turns(pixels: &[(i32, i32)]) -> Vec<Vec<(i32, i32)>> {
    let mut points = pixels.to_vec();
    points.dedup();
    let mut runs = Vec::new();
    if points.len() < 2 {
        return runs;
    }
    let mut run = vec![points[0], points[1]];
    for w in points.windows(3) {
        let d0 = ((w[1].0 - w[0].0) as f64, (w[1].1 - w[0].1) as f64);
        let d1 = ((w[2].0 - w[1].0) as f64, (w[2].1 - w[1].1) as f64);
        let cos = (d0.0 * d1.0 + d0.1 * d1.1) / (d0.0.hypot(d0.1) * d1.0.hypot(d1.1));
        if cos < 0.5 {
            runs.push(std::mem::replace(&mut run, vec![w[1]]));
        }
        run.push(w[2]);
    }
    runs.push(run);
    runs
}

/// Splits a polyline into straight dash pieces following a DASH/GAP pattern
/// that continues across vertices.
fn dash_pieces(pixels: &[(i32, i32)]) -> Vec<((i32, i32), (i32, i32))> {
    let mut out = Vec::new();
    let mut solid = true;
    let mut left = DASH;
    for w in pixels.windows(2) {
        let (x0, y0) = (w[0].0 as f64, w[0].1 as f64);
        let (dx, dy) = (w[1].0 as f64 - x0, w[1].1 as f64 - y0);
        let len = dx.hypot(dy);
        let mut pos = 0.0;
        while pos < len {
            let step = left.min(len - pos);
            if solid {
                let at = |t: f64| {
                    (
                        (x0 + dx * t / len).round() as i32,
                        (y0 + dy * t / len).round() as i32,
                    )
                };
                out.push((at(pos), at(pos + step)));
            }
            pos += step;
            left -= step;
            if left <= 1e-9 {
                solid = !solid;
                left = if solid { DASH } else { GAP };
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashes_follow_the_pattern_across_vertices() {
        let pieces = dash_pieces(&[(0, 0), (13, 0), (13, 40)]);
        assert_eq!(pieces[0], ((0, 0), (10, 0)));
        // First gap ends 3 px into the vertical segment; the pattern carries over.
        assert_eq!(pieces[1], ((13, 3), (13, 13)));
        assert_eq!(pieces[2], ((13, 19), (13, 29)));
        assert_eq!(pieces.len(), 4);
        assert!(dash_pieces(&[(5, 5)]).is_empty());
    }

    #[test]
    fn paths_are_cut_only_at_sharp_turns() {
        let gentle = [(0, 0), (10, 1), (20, 3), (20, 3), (30, 6)];
        assert_eq!(
            split_at_sharp_turns(&gentle),
            vec![vec![(0, 0), (10, 1), (20, 3), (30, 6)]]
        );
        let spike = [(0, 0), (10, 0), (11, 100), (12, 0), (20, 0)];
        assert_eq!(
            split_at_sharp_turns(&spike),
            vec![
                vec![(0, 0), (10, 0)],
                vec![(10, 0), (11, 100)],
                vec![(11, 100), (12, 0)],
                vec![(12, 0), (20, 0)],
            ]
        );
        assert!(split_at_sharp_turns(&[(1, 1), (1, 1)]).is_empty());
    }
}
