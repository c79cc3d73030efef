//! Terminal table.

use super::{
    any_gated_metric, ci, gate_cell, headline_sentence, label, num, pct, shown, work_note,
};
use crate::compare::Comparison;
use std::fmt::Write;

/// Aligned plain text, widest columns first trimmed to fit a terminal.
pub fn render(c: &Comparison, all: bool) -> String {
    let mut out = String::new();
    for note in super::notes(c) {
        writeln!(out, "{note}").unwrap();
    }
    let gated = any_gated_metric(c);
    let mut header = vec![
        "quantity", "A median", "B median", "change", "CI", "p(adj)", "verdict",
    ];
    if gated {
        header.push("gate");
    }
    let rows: Vec<Vec<String>> = shown(c, all)
        .into_iter()
        .map(|r| {
            let mut row = vec![
                label(r),
                num(r.a.median),
                num(r.b.median),
                pct(r.ratio),
                ci(r),
                r.p_adjusted.map_or("—".into(), |p| format!("{p:.2e}")),
                r.outcome.label().to_string(),
            ];
            if gated {
                row.push(gate_cell(r));
            }
            row
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let mut s = String::new();
        for (k, (cell, &w)) in cells.iter().zip(&widths).enumerate() {
            let pad = w - cell.chars().count();
            if k == 0 {
                s += cell;
                s += &" ".repeat(pad);
            } else {
                s += "  ";
                s += &" ".repeat(pad);
                s += cell;
            }
        }
        s.trim_end().to_string()
    };
    let header: Vec<String> = header.into_iter().map(String::from).collect();
    writeln!(out, "{}", line(&header)).unwrap();
    for row in &rows {
        writeln!(out, "{}", line(row)).unwrap();
    }
    let hidden = c.metrics.len() + usize::from(c.headline.is_some()) - rows.len();
    if hidden > 0 {
        writeln!(
            out,
            "({hidden} metrics without a material change not shown; --all shows them)"
        )
        .unwrap();
    }
    if let Some(note) = work_note(c) {
        writeln!(out, "({note})").unwrap();
    }
    for m in &c.removed {
        writeln!(out, "only in A: {} [{}]", m.name, m.index).unwrap();
    }
    for m in &c.added {
        writeln!(out, "only in B: {} [{}]", m.name, m.index).unwrap();
    }
    for w in &c.gate.warnings {
        writeln!(out, "warning: {w}").unwrap();
    }
    for f in &c.gate.failures {
        writeln!(out, "FAIL: {f}").unwrap();
    }
    writeln!(out, "{}", headline_sentence(c)).unwrap();
    out
}
