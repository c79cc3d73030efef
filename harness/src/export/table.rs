//! Terminal table: fits [`super::width::DEFAULT_WIDTH`] columns unless `--wide` (long metric
//! names lose their middle, long sentences wrap), every figure with its unit, verdicts in
//! colour when the terminal shows colour.

use super::style;
use super::width::{columns, elide_middle, wrap};
use super::{
    any_gated_metric, ci, figure, gate_cell, headline_sentence, label, pct, shown, work_note, View,
};
use crate::compare::Comparison;
use std::fmt::Write;

/// The quantity column never shrinks below this (enough for `net.bytes_sent [0]`).
const MIN_NAME: usize = 18;
/// Columns a narrow terminal drops, in this order.
const P_COLUMN: usize = 5;
const CI_COLUMN: usize = 4;

/// Aligned text; `view.width` (None: as wide as the content) bounds every line.
pub fn render(c: &Comparison, all: bool, view: View) -> String {
    let paint = view.paint;
    let width = view.width;
    let mut out = String::new();
    let para = |out: &mut String, tag: &str, tag_style: anstyle::Style, text: &str| {
        let full = format!("{tag}{text}");
        let lines = match width {
            Some(w) => wrap(&full, w, 2),
            None => vec![full],
        };
        for (k, l) in lines.iter().enumerate() {
            let tagged = (k == 0 && !tag.is_empty())
                .then(|| l.strip_prefix(tag.trim_end()))
                .flatten();
            if let Some(rest) = tagged {
                writeln!(out, "{}{rest}", paint.paint(tag_style, tag.trim_end())).unwrap();
            } else {
                writeln!(out, "{l}").unwrap();
            }
        }
    };
    let notes = super::notes(c);
    for note in &notes {
        match note.strip_prefix("NOTE: ") {
            Some(rest) => para(&mut out, "NOTE: ", style::NOTE, rest),
            None => para(&mut out, "", style::NOTE, note),
        }
    }
    // The gate column (the policy's rule and its verdict) only when a metric gates.
    let gated = any_gated_metric(c);
    let header = [
        "quantity", "A median", "B median", "change", "CI", "p(adj)", "verdict", "gate",
    ];
    let rows = shown(c, all);
    let cells: Vec<[String; 8]> = rows
        .iter()
        .map(|r| {
            [
                label(r),
                figure(r, r.a.median),
                figure(r, r.b.median),
                pct(r.ratio),
                ci(r),
                r.p_adjusted.map_or("—".into(), |p| format!("{p:.1e}")),
                r.outcome.label().to_string(),
                gate_cell(r),
            ]
        })
        .collect();
    let mut widths = header.map(columns);
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(columns(cell));
        }
    }
    // Columns shown: all, unless a narrow terminal cannot hold them with a readable name;
    // then p(adj) goes first, then the CI (the verdict and the change stay).
    let mut keep = [true, true, true, true, true, true, true, gated];
    if let Some(limit) = width {
        let rest = |keep: &[bool; 8]| -> usize {
            (1..8).filter(|&k| keep[k]).map(|k| widths[k] + 2).sum()
        };
        for drop in [P_COLUMN, CI_COLUMN] {
            if MIN_NAME + rest(&keep) > limit {
                keep[drop] = false;
            }
        }
        // The name column absorbs what does not fit: 2 columns between cells.
        widths[0] = widths[0].min(limit.saturating_sub(rest(&keep)).max(MIN_NAME));
    }
    let line = |cells: &[String], styles: &[anstyle::Style]| -> String {
        let mut s = String::new();
        for (k, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if !keep[k] {
                continue;
            }
            let text = if k == 0 {
                elide_label(cell, w)
            } else {
                cell.clone()
            };
            let pad = " ".repeat(w.saturating_sub(columns(&text)));
            let shown = match styles.get(k) {
                Some(st) => paint.paint(*st, &text),
                None => text,
            };
            if k == 0 {
                s += &shown;
                s += &pad;
            } else {
                s += "  ";
                s += &pad;
                s += &shown;
            }
        }
        s.trim_end().to_string()
    };
    let header_styles = [style::HEADER; 8];
    writeln!(out, "{}", line(&header.map(String::from), &header_styles)).unwrap();
    for (r, row) in rows.iter().zip(&cells) {
        let mut styles = vec![anstyle::Style::new(); 6];
        styles.push(style::of_outcome(r.outcome));
        styles.push(if gate_cell(r).ends_with("FAIL") {
            style::BAD
        } else {
            anstyle::Style::new()
        });
        writeln!(out, "{}", line(row, &styles)).unwrap();
    }
    let hidden = c.metrics.len() + usize::from(c.headline.is_some()) - rows.len();
    let mut tail = Vec::new();
    let dropped: Vec<&str> = [CI_COLUMN, P_COLUMN]
        .into_iter()
        .filter(|&k| !keep[k])
        .map(|k| header[k])
        .collect();
    if !dropped.is_empty() {
        tail.push(format!(
            "({} column{} left out to fit {} columns; --wide shows {})",
            dropped.join(" and "),
            if dropped.len() > 1 { "s" } else { "" },
            width.unwrap_or_default(),
            if dropped.len() > 1 { "them" } else { "it" },
        ));
    }
    if hidden > 0 {
        tail.push(format!(
            "({hidden} metrics without a material change not shown; --all shows them)"
        ));
    }
    if rows
        .iter()
        .any(|r| ci(r).contains('<') || ci(r).contains('>'))
    {
        tail.push(format!(
            "(CI bounds more than {} are shown as `<` or `>` that: the runs are too few to say more)",
            super::CI_SHOWN
        ));
    }
    if c.headline
        .as_ref()
        .is_some_and(|h| h.method == Some(statbench_stats::Method::Paired))
    {
        // The side medians pool slices taken while the machine moved; the change is the
        // estimate over adjacent pairs, which share the machine's state.
        tail.push(
            "(throughput's change is the paired estimate over adjacent A/B slices; the side \
             medians pool every slice, so they also move with the machine)"
                .to_string(),
        );
    }
    if let Some(note) = work_note(c) {
        tail.push(format!("({note})"));
    }
    for m in &c.removed {
        tail.push(format!("only in A: {} [{}]", m.name, m.index));
    }
    for m in &c.added {
        tail.push(format!("only in B: {} [{}]", m.name, m.index));
    }
    for t in tail {
        para(&mut out, "", style::DIM, &t);
    }
    for text in super::warning_lines(c) {
        // The machine note already opens the output: say it once.
        if view.warnings_apart || notes.iter().any(|n| n.ends_with(&text)) {
            continue;
        }
        para(&mut out, "warning: ", style::WARN, &text);
    }
    for f in &c.gate.failures {
        para(&mut out, "FAIL: ", style::BAD, &f.to_string());
    }
    let sentence = headline_sentence(c);
    match sentence.split_once(": ") {
        Some((verdict @ ("PASS" | "FAIL" | "NOTHING DECIDED"), rest)) => {
            let st = match verdict {
                "PASS" => style::GOOD,
                "FAIL" => style::BAD,
                _ => style::WARN,
            };
            para(&mut out, &format!("{verdict}: "), st, rest);
        }
        _ => para(&mut out, "", style::DIM, &sentence),
    }
    out
}

/// A row label in at most `w` columns: the name loses its middle, the `[index]` and marks
/// after it stay.
fn elide_label(label: &str, w: usize) -> String {
    if columns(label) <= w {
        return label.to_string();
    }
    // The headline keeps its name whole: its unit is in the figures (`M/s`).
    if let Some(name) = label.strip_suffix(" (updates/s)") {
        return elide_middle(name, w);
    }
    match label.find(" [") {
        Some(at) => {
            let (name, suffix) = label.split_at(at);
            // A long mark after the index gives way first, then the index itself.
            let suffix = if columns(suffix) + 4 > w {
                suffix.replace(" (deprecated)", " (dep.)")
            } else {
                suffix.to_string()
            };
            if columns(&suffix) + 4 > w {
                return elide_middle(label, w);
            }
            let room = w.saturating_sub(columns(&suffix)).max(4);
            format!("{}{suffix}", elide_middle(name, room))
        }
        None => elide_middle(label, w),
    }
}

#[cfg(test)]
mod tests {
    use super::elide_label;

    #[test]
    fn a_long_mark_gives_way_before_the_width_is_exceeded() {
        let l = "perf.legacy_metric [88] (deprecated)";
        let e = elide_label(l, 18);
        assert_eq!(e, "per…ic [88] (dep.)");
        assert!(super::columns(&e) <= 18);
        let e = elide_label(l, 10);
        assert!(super::columns(&e) <= 10, "{e}");
    }

    #[test]
    fn the_headline_keeps_its_name_before_its_unit() {
        assert_eq!(elide_label("throughput (updates/s)", 18), "throughput");
        assert_eq!(
            elide_label("throughput (updates/s)", 30),
            "throughput (updates/s)"
        );
    }

    #[test]
    fn labels_keep_their_index() {
        assert_eq!(
            elide_label("peer.choke_rotation_evictions_total [96]", 24),
            "peer.chok…ons_total [96]"
        );
        assert_eq!(elide_label("net.bytes_sent [0]", 24), "net.bytes_sent [0]");
    }
}
