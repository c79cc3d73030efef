//! Renderings of a [`Comparison`]: terminal table, markdown (for
//! `$GITHUB_STEP_SUMMARY`), JSON and CSV. Each is a pure function to a `String`.

pub(crate) mod csv;
pub mod json;
pub(crate) mod markdown;
pub(crate) mod table;

use crate::compare::{Comparison, QuantityResult};

/// Output format of `compare`, `gate` and `ab`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Aligned text for a terminal.
    #[default]
    Table,
    /// GitHub-flavoured markdown.
    Markdown,
    /// Machine-readable JSON.
    Json,
    /// One CSV row per compared quantity.
    Csv,
}

/// Renders `c` in `format`; `all` includes unchanged and unused metrics in table/markdown.
pub fn render(c: &Comparison, format: Format, all: bool) -> String {
    match format {
        Format::Table => table::render(c, all),
        Format::Markdown => markdown::render(c, all),
        Format::Json => json::render(c),
        Format::Csv => csv::render(c),
    }
}

/// The rows worth showing: throughput first, then changed and inconclusive metrics, or all.
pub(crate) fn shown(c: &Comparison, all: bool) -> Vec<&QuantityResult> {
    c.headline
        .iter()
        .chain(c.metrics.iter().filter(|m| all || m.outcome.is_change()))
        .collect()
}

/// `+3.2%`-style relative change of a ratio.
pub(crate) fn pct(ratio: Option<f64>) -> String {
    ratio.map_or_else(|| "—".into(), |r| crate::compare::outcome::percent(r - 1.0))
}

/// CI of the ratio as relative changes.
pub(crate) fn ci(r: &QuantityResult) -> String {
    match r.ci {
        Some((lo, hi)) if lo.is_finite() && hi.is_finite() => {
            format!("[{:+.1}%, {:+.1}%]", (lo - 1.0) * 100.0, (hi - 1.0) * 100.0)
        }
        _ => "—".into(),
    }
}

/// Compact number: 12.3M, 4.5k, 0.25.
pub(crate) fn num(v: f64) -> String {
    let a = v.abs();
    if !v.is_finite() {
        "—".into()
    } else if a >= 1e9 {
        format!("{:.2}G", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.2}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 100.0 || v == v.trunc() {
        format!("{v:.0}")
    } else if a < 0.01 {
        // Per-update figures are small: keep three significant digits.
        format!("{v:.2e}")
    } else {
        format!("{v:.3}")
    }
}

/// Whether a metric's rule gates it: the per-metric gate column is shown only then (the
/// headline always gates).
pub(crate) fn any_gated_metric(c: &Comparison) -> bool {
    c.metrics.iter().any(|m| m.rule.is_some_and(|r| r.gate))
}

/// The gate column of a row: the rule (`↑ 3%`) and its verdict (`FAIL`), empty when the
/// quantity does not gate.
pub(crate) fn gate_cell(r: &QuantityResult) -> String {
    match r.rule {
        Some(rule) if rule.gate => format!("{} {}", rule.summary(), rule.verdict.label()),
        _ => String::new(),
    }
}

/// How counters were normalised, for the line under a table (`None`: per second, said by
/// nothing).
pub(crate) fn work_note(c: &Comparison) -> Option<String> {
    use crate::compare::work::WorkUnit;
    let unit = match c.work? {
        WorkUnit::Updates => "counter update".to_string(),
        WorkUnit::Metric(i) => format!(
            "unit of {}",
            crate::compare::frame::describe_unit(WorkUnit::Metric(i))
        ),
    };
    Some(format!(
        "counters compared per {unit}, so speed alone does not move them; gauges as levels"
    ))
}

/// How the headline is called in sentences: `throughput`, or the headline metric's rate.
pub(crate) fn headline_name(h: &QuantityResult) -> String {
    match h.index {
        None => "throughput".into(),
        Some(_) => format!("{}/s", h.name),
    }
}

/// `name [idx]` with a deprecation mark; a headline metric as its rate (`net.bytes_recv/s
/// [1]`), so it never reads like the same metric's per-work row.
pub(crate) fn label(r: &QuantityResult) -> String {
    let mut s = match r.index {
        Some(i) if r.quantity == crate::compare::Quantity::Rate => format!("{}/s [{i}]", r.name),
        Some(i) => format!("{} [{i}]", r.name),
        None => format!("{} (updates/s)", r.name),
    };
    if r.deprecated {
        s.push_str(" (deprecated)");
    }
    s
}

/// The lines every human-readable rendering starts with: first whether the machines differ
/// (speed then not judged), then settings that differ on purpose.
pub(crate) fn notes(c: &Comparison) -> Vec<String> {
    c.machine
        .note()
        .into_iter()
        .chain(settings_note(c))
        .collect()
}

/// The note when the sides' settings differ on purpose (`--allow-different-settings`).
pub(crate) fn settings_note(c: &Comparison) -> Option<String> {
    (!c.settings_differences.is_empty()).then(|| {
        format!(
            "NOTE: A and B ran different settings, compared on purpose (--allow-different-settings): {}",
            crate::recorder::settings::describe_differences(&c.settings_differences, 8)
        )
    })
}

/// One-paragraph verdict line shared by table, markdown and reports.
pub(crate) fn headline_sentence(c: &Comparison) -> String {
    let verdict = if c.gate.pass { "PASS" } else { "FAIL" };
    let speed = match &c.headline {
        Some(h) if h.method == Some(crate::compare::stats::Method::Paired) => format!(
            "throughput {} ({}, {}; {} pairs)",
            pct(h.ratio),
            ci(h),
            h.outcome.label(),
            h.a.n
        ),
        Some(h) => format!(
            "{} {} ({}, {}; {} vs {} samples)",
            headline_name(h),
            pct(h.ratio),
            ci(h),
            h.outcome.label(),
            h.a.n,
            h.b.n
        ),
        None => "throughput not available".into(),
    };
    let slices = c.metrics.is_empty()
        && c.headline
            .as_ref()
            .is_some_and(|h| h.method == Some(crate::compare::stats::Method::Paired));
    if slices {
        // Slice pairing (in-process): throughput and lost updates are all it measures.
        return format!(
            "{verdict}: {a} vs {b}, alternated in one process: {speed}; every slice's totals checked (alpha {alpha}).",
            a = c.a_label,
            b = c.b_label,
            alpha = c.alpha,
        );
    }
    let changed = c.metrics.iter().filter(|m| m.outcome.is_change()).count();
    let count = |o: crate::compare::Outcome| c.metrics.iter().filter(|m| m.outcome == o).count();
    let (same, open) = (
        count(crate::compare::Outcome::NoChange),
        count(crate::compare::Outcome::Inconclusive),
    );
    format!(
        "{verdict}: {a} ({ra} run(s)) vs {b} ({rb} run(s)), {n} quantities compared: {speed}; metrics: {changed} changed by more than {effect}%, {same} unchanged, {open} inconclusive, {unused} unused (alpha {alpha}, BH-adjusted).",
        a = c.a_label,
        ra = c.runs.0,
        b = c.b_label,
        rb = c.runs.1,
        unused = c.metrics.len() - changed - same - open,
        effect = format!("{:.1}", c.min_effect * 100.0).trim_end_matches(".0"),
        alpha = c.alpha,
        n = c.quantities_compared,
    )
}
