//! Axis ranges, tick positions and number formatting that never panic on
//! empty, constant or non-finite input.

use std::ops::Range;

use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};

/// A resolved axis: the drawn range plus the tick positions (in plot space).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
    /// Plot space is log2 of the data; labels show `2^v`.
    pub log2: bool,
}

impl Axis {
    /// Linear axis covering `values` (finite ones only), widened to round ticks.
    /// `include_zero` keeps 0 in view (rates and throughput start at zero);
    /// `pad` adds that fraction of the span on both sides (not below a zero floor).
    pub fn linear(values: impl IntoIterator<Item = f64>, include_zero: bool, pad: f64) -> Axis {
        let (mut lo, mut hi) = finite_min_max(values).unwrap_or((0.0, 1.0));
        let margin = (hi - lo) * pad;
        if margin.is_finite() && margin > 0.0 {
            lo = if include_zero && lo >= 0.0 {
                lo.min(0.0)
            } else {
                lo - margin
            };
            hi += margin;
        }
        if include_zero {
            lo = lo.min(0.0);
            hi = hi.max(0.0);
        }
        if hi - lo <= 0.0 || !(hi - lo).is_finite() {
            let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
            lo -= pad;
            hi += pad;
            if include_zero && lo < 0.0 && hi > 0.0 && lo.abs() <= hi {
                lo = 0.0;
            }
        }
        let step = nice_step(hi - lo, 7);
        let lo = (lo / step).floor() * step;
        let hi = (hi / step).ceil() * step;
        let ticks = ticks_between(lo, hi, step);
        Axis {
            lo,
            hi,
            ticks,
            log2: false,
        }
    }

    /// Log2 axis for strictly positive `values` (others are ignored); ticks at
    /// powers of two, so thread counts read 1, 2, 4, 8, ...
    pub fn log2(values: impl IntoIterator<Item = f64>) -> Axis {
        let logs = values
            .into_iter()
            .filter(|v| v.is_finite() && *v > 0.0)
            .map(f64::log2);
        let (min, max) = finite_min_max(logs).unwrap_or((0.0, 3.0));
        let first = min.floor();
        let last = max.ceil();
        let count = (last - first).max(1.0);
        let step = (count / 10.0).ceil().max(1.0);
        let ticks = ticks_between(first, last, step)
            .into_iter()
            .filter(|t| *t >= min - 1e-9 && *t <= max + 1e-9)
            .collect::<Vec<_>>();
        let pad = ((max - min) * 0.04).max(0.25);
        Axis {
            lo: min - pad,
            hi: max + pad,
            ticks: if ticks.is_empty() { vec![first] } else { ticks },
            log2: true,
        }
    }

    /// Data value to plot coordinate (log2 when the axis is logarithmic).
    pub fn to_plot(&self, v: f64) -> f64 {
        if self.log2 {
            v.log2()
        } else {
            v
        }
    }

    /// Tick label for a plot coordinate.
    pub fn label(&self, v: f64) -> String {
        if self.log2 {
            format_value(v.exp2())
        } else {
            format_value(v)
        }
    }
}

/// Lets an [`Axis`] be a plotters coordinate: exact ticks, our own labels.
impl Ranged for Axis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.hi - self.lo;
        if !(span.is_finite() && span > 0.0) {
            return (limit.0 + limit.1) / 2;
        }
        let t = (value - self.lo) / span;
        let pixel = limit.0 as f64 + (limit.1 - limit.0) as f64 * t;
        if pixel.is_finite() {
            pixel.round().clamp(-1e6, 1e6) as i32
        } else if t > 0.0 {
            limit.1
        } else {
            limit.0
        }
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

impl ValueFormatter<f64> for Axis {
    fn format(value: &f64) -> String {
        format_value(*value)
    }

    fn format_ext(&self, value: &f64) -> String {
        self.label(*value)
    }
}

/// Minimum and maximum of the finite values, or `None` when there are none.
pub(super) fn finite_min_max(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// The "round" step (1, 2, 2.5, 5 or 10 times a power of ten) whose interval
/// count is closest to `target` (ties go to the larger step).
pub(super) fn nice_step(span: f64, target: usize) -> f64 {
    if !(span.is_finite() && span > 0.0) {
        return 1.0;
    }
    let target = target.max(1) as f64;
    let magnitude = 10f64.powf((span / target).log10().floor());
    let mut best = magnitude;
    let mut best_miss = f64::INFINITY;
    for factor in [1.0, 2.0, 2.5, 5.0, 10.0] {
        let step = factor * magnitude;
        let miss = (span / step - target).abs();
        if miss <= best_miss {
            best = step;
            best_miss = miss;
        }
    }
    best
}

/// Multiples of `step` within `[lo, hi]`, snapping float noise near zero.
pub(super) fn ticks_between(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let mut ticks = Vec::new();
    if !(lo.is_finite() && hi.is_finite() && step.is_finite() && step > 0.0) {
        return ticks;
    }
    let first = (lo / step - 1e-9).ceil();
    for i in 0..1000 {
        let t = (first + i as f64) * step;
        if t > hi + step * 1e-9 {
            break;
        }
        ticks.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
    }
    ticks
}

/// Compact human-readable number: about 4 significant digits with an SI
/// suffix from 1e3 up (`1.25M`), trailing zeros trimmed, `n/a` for non-finite.
pub(super) fn format_value(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".to_string();
    }
    if v == 0.0 {
        return "0".to_string();
    }
    let a = v.abs();
    if !(1e-3..1e15).contains(&a) {
        return format!("{v:.2e}");
    }
    let (scaled, suffix) = if a >= 1e12 {
        (v / 1e12, "T")
    } else if a >= 1e9 {
        (v / 1e9, "G")
    } else if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= 1e4 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    let digits = scaled.abs().log10().floor() as i32;
    let decimals = (3 - digits).clamp(0, 6) as usize;
    let text = format!("{scaled:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    format!("{text}{suffix}")
}

/// Keeps at most about `max` points of a polyline while preserving its peaks:
/// per bucket the lowest and highest point survive, in x order.
pub(super) fn thin(points: &[(f64, f64)], max: usize) -> Vec<(f64, f64)> {
    if points.len() <= max || max < 4 {
        return points.to_vec();
    }
    let buckets = max / 2;
    let size = points.len().div_ceil(buckets);
    let mut out = Vec::with_capacity(buckets * 2);
    for chunk in points.chunks(size) {
        let mut lo = 0;
        let mut hi = 0;
        for (i, p) in chunk.iter().enumerate() {
            if p.1 < chunk[lo].1 {
                lo = i;
            }
            if p.1 > chunk[hi].1 {
                hi = i;
            }
        }
        out.push(chunk[lo.min(hi)]);
        if lo != hi {
            out.push(chunk[lo.max(hi)]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_compactly() {
        assert_eq!(format_value(0.0), "0");
        assert_eq!(format_value(1.05), "1.05");
        assert_eq!(format_value(0.3000000000004), "0.3");
        assert_eq!(format_value(250_000.0), "250k");
        assert_eq!(format_value(1_250_000.0), "1.25M");
        assert_eq!(format_value(1234.6), "1235");
        assert_eq!(format_value(-64.0), "-64");
        assert_eq!(format_value(f64::NAN), "n/a");
        assert_eq!(format_value(3e-5), "3.00e-5");
    }

    #[test]
    fn linear_axis_handles_degenerate_input() {
        let empty = Axis::linear(std::iter::empty(), true, 0.0);
        assert!(empty.hi > empty.lo && !empty.ticks.is_empty());
        let zeros = Axis::linear([0.0, 0.0], true, 0.03);
        assert_eq!((zeros.lo, zeros.hi), (0.0, 1.0));
        let one = Axis::linear([5.0, f64::NAN, f64::INFINITY], false, 0.03);
        assert!(one.lo < 5.0 && one.hi > 5.0);
        let normal = Axis::linear([3.0, 97.0], true, 0.0);
        assert_eq!((normal.lo, normal.hi), (0.0, 100.0));
        let padded = Axis::linear([350.0, 650.0], false, 0.03);
        assert!(padded.lo < 350.0 && padded.hi > 650.0);
        assert!(normal.ticks.len() >= 4 && normal.ticks.len() <= 12);
    }

    #[test]
    fn log2_axis_ticks_at_powers_of_two() {
        let axis = Axis::log2([1.0, 2.0, 4.0, 16.0, 0.0, -3.0]);
        assert_eq!(axis.ticks, vec![0.0, 1.0, 2.0, 3.0, 4.0]);
        assert_eq!(axis.label(4.0), "16");
        assert_eq!(nice_step(7.02e6, 7), 1e6);
        assert_eq!(nice_step(100.0, 7), 20.0);
        let empty = Axis::log2(std::iter::empty());
        assert!(empty.hi > empty.lo && !empty.ticks.is_empty());
    }

    #[test]
    fn thinning_keeps_extremes() {
        let pts: Vec<(f64, f64)> = (0..10_000)
            .map(|i| (i as f64, if i == 5_000 { 1e6 } else { 1.0 }))
            .collect();
        let thinned = thin(&pts, 1000);
        assert!(thinned.len() <= 1000);
        assert!(thinned.iter().any(|p| p.1 == 1e6));
        assert!(thinned.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
