//! Markdown for `$GITHUB_STEP_SUMMARY` and pull-request comments.

use super::{
    any_gated_metric, ci, figure, gate_cell, headline_sentence, label, pct, shown, work_note,
};
use crate::compare::{Comparison, Outcome, RuleVerdict};
use std::fmt::Write;

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// A heading, the verdict sentence, failures/warnings, and a table of the shown quantities.
pub fn render(c: &Comparison, all: bool) -> String {
    let mut out = String::new();
    for note in super::notes(c) {
        writeln!(out, "> **{}**\n", cell(&note)).unwrap();
    }
    let icon = if c.gate.pass { "✅" } else { "❌" };
    writeln!(
        out,
        "## {icon} statbench: {} vs {}\n",
        cell(&c.a_label),
        cell(&c.b_label)
    )
    .unwrap();
    writeln!(out, "{}\n", headline_sentence(c)).unwrap();
    for f in &c.gate.failures {
        writeln!(out, "- **FAIL**: {}", cell(&f.to_string())).unwrap();
    }
    for w in &c.gate.warnings {
        writeln!(out, "- warning: {}", cell(&w.to_string())).unwrap();
    }
    let gated = any_gated_metric(c);
    let (gate_head, gate_rule) = if gated { (" gate |", "---|") } else { ("", "") };
    writeln!(
        out,
        "\n| quantity | A median | B median | change | CI | p (adj.) | verdict |{gate_head}"
    )
    .unwrap();
    writeln!(out, "|---|---:|---:|---:|---:|---:|---|{gate_rule}").unwrap();
    // Failures first: the rows whose rule fails the gate, then the rest in the usual order.
    let mut rows = shown(c, all);
    rows.sort_by_key(|r| !r.rule.is_some_and(|x| x.verdict == RuleVerdict::Fail));
    for r in rows {
        let verdict = match r.outcome {
            Outcome::Regression => "**REGRESSION**".to_string(),
            o => o.label().to_string(),
        };
        let gate = if gated {
            let g = gate_cell(r);
            let g = if g.ends_with("FAIL") {
                format!("**{g}**")
            } else {
                g
            };
            format!(" {} |", cell(&g))
        } else {
            String::new()
        };
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |{gate}",
            cell(&label(r)),
            figure(r, r.a.median),
            figure(r, r.b.median),
            pct(r.ratio),
            ci(r),
            r.p_adjusted.map_or("—".into(), |p| format!("{p:.2e}")),
            verdict
        )
        .unwrap();
    }
    if let Some(note) = work_note(c) {
        writeln!(out, "\n_{}_", cell(&note)).unwrap();
    }
    if !c.added.is_empty() || !c.removed.is_empty() {
        writeln!(out).unwrap();
        for m in &c.removed {
            writeln!(out, "- only in A: `{}` [{}]", m.name, m.index).unwrap();
        }
        for m in &c.added {
            writeln!(out, "- only in B: `{}` [{}]", m.name, m.index).unwrap();
        }
    }
    out
}
