//! Renderings of a [`Comparison`]: terminal table, markdown (for
//! `$GITHUB_STEP_SUMMARY`), JSON and CSV. Each is a pure function to a `String`.

pub(crate) mod csv;
pub mod json;
pub(crate) mod markdown;
pub mod style;
pub(crate) mod table;
pub mod unit;
pub mod width;

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

/// How a table is fitted to its reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    /// Columns every line fits (`None`: as wide as the content, `--wide`).
    pub width: Option<usize>,
    /// Colour codes around verdicts (the terminal table only).
    pub paint: style::Paint,
    /// Leave the warnings out of the table: stdout (and an `--output` copy of it) carries the
    /// result, the caller prints the warnings on stderr ([`warning_lines`]).
    pub warnings_apart: bool,
}

impl Default for View {
    fn default() -> Self {
        View {
            width: Some(width::DEFAULT_WIDTH),
            paint: style::Paint::Off,
            warnings_apart: false,
        }
    }
}

/// Renders `c` in `format`; `all` includes unchanged and unused metrics in table/markdown.
pub fn render(c: &Comparison, format: Format, all: bool) -> String {
    render_for(c, format, all, View::default())
}

/// [`render`] fitted to `view` (width and colour apply to the table).
pub fn render_for(c: &Comparison, format: Format, all: bool, view: View) -> String {
    match format {
        Format::Table => table::render(c, all, view),
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
    ratio.map_or_else(
        || "—".into(),
        |r| crate::compare::quantity::percent(r - 1.0),
    )
}

/// How far a CI bound may lie from the estimate and still be shown as computed: a bound more
/// than a factor of 2 away says only that the data are too few (2 runs a side give a 99%
/// interval of ×0.0004 to ×29), so it is shown as `<-50%` / `>+100%` of the estimate's side
/// (JSON keeps the computed bounds).
pub(crate) const CI_SHOWN: &str = "a factor of 2 from the estimate";
const CI_FACTOR: f64 = 2.0;

/// CI of the ratio as relative changes, clamped to what few data can say (see [`CI_SHOWN`]).
pub(crate) fn ci(r: &QuantityResult) -> String {
    ci_text(r.ratio, r.ci)
}

/// [`ci`] of an estimate `ratio` and its interval.
fn ci_text(ratio: Option<f64>, ci: Option<(f64, f64)>) -> String {
    let pct = |x: f64| format!("{:+.1}%", (x - 1.0) * 100.0);
    match (ci, ratio) {
        (Some((lo, hi)), ratio) if lo.is_finite() && hi.is_finite() => {
            let est = ratio.filter(|x| x.is_finite() && *x > 0.0);
            let lo = match est {
                Some(e) if lo < e / CI_FACTOR => format!("<{:+.0}%", (e / CI_FACTOR - 1.0) * 100.0),
                _ => pct(lo),
            };
            let hi = match est {
                Some(e) if hi > e * CI_FACTOR => format!(">{:+.0}%", (e * CI_FACTOR - 1.0) * 100.0),
                _ => pct(hi),
            };
            format!("[{lo}, {hi}]")
        }
        _ => "—".into(),
    }
}

/// A figure of `r` with its unit (`21.66 GB/s`, `58.40 M/s` for throughput).
pub(crate) fn figure(r: &QuantityResult, v: f64) -> String {
    unit::Unit::of(&r.name, r.quantity).format(v, true)
}

/// Whether the per-metric gate column is worth showing: a policy file gives some metric a
/// gating rule, or a metric fails its rule (the built-in behaviour rule of statbench's runs is
/// otherwise the verdict column itself; the headline always gates).
pub(crate) fn any_gated_metric(c: &Comparison) -> bool {
    let failing = |m: &QuantityResult| {
        m.rule
            .is_some_and(|r| r.verdict == crate::compare::RuleVerdict::Fail)
    };
    let gated = |m: &QuantityResult| m.rule.is_some_and(|r| r.gate);
    c.metrics.iter().any(failing) || (c.policy_file.is_some() && c.metrics.iter().any(gated))
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
    use crate::compare::quantity::WorkUnit;
    let unit = match c.work? {
        WorkUnit::Updates => "counter update".to_string(),
        WorkUnit::Metric(i) => format!(
            "unit of {}",
            crate::compare::quantity::describe_unit(WorkUnit::Metric(i))
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

/// The gate's warnings as lines: the runs of a side left out as disturbed on one line (a gate
/// can leave out several), the rest as they are.
pub(crate) fn warning_lines(c: &Comparison) -> Vec<String> {
    use crate::compare::Finding;
    let mut lines = Vec::new();
    let mut disturbed: Vec<(crate::compare::Side, Vec<String>)> = Vec::new();
    for w in &c.gate.warnings {
        match w {
            Finding::DisturbedRun(d) => {
                let run = format!(
                    "{} ({:+.0}%)",
                    d.run,
                    (d.median / d.side_median - 1.0) * 100.0
                );
                match disturbed.iter_mut().find(|(side, _)| *side == d.side) {
                    Some((_, runs)) => runs.push(run),
                    None => disturbed.push((d.side, vec![run])),
                }
            }
            other => lines.push(other.to_string()),
        }
    }
    for (side, runs) in disturbed {
        lines.push(format!(
            "{side}: {} left out of the throughput test as disturbed (vs the side's median run): {}",
            if runs.len() == 1 { "1 run".to_string() } else { format!("{} runs", runs.len()) },
            runs.join(", ")
        ));
    }
    lines
}

/// How the placements' looks ended, after the pair count: an inconclusive speed verdict reads
/// alike whether the gate ruled a regression out (and could stop) or ran out of looks.
fn stopped(p: &crate::compare::PlacementsSummary) -> String {
    use statbench_stats::paired::placements::Stop;
    let effect = format!("{:.1}", p.min_effect * 100.0);
    let effect = effect.trim_end_matches(".0");
    let at = format!(" in {} placements", p.placements);
    match p.stopped_by {
        Some(Stop::Verdict) | None => at,
        Some(Stop::Futility) => format!("{at}, stopped: a regression of {effect}% is ruled out"),
        Some(Stop::LastLook) => format!("{at}, the most: undecided at the last look"),
    }
}

/// `1 run`, `20 runs`.
pub(crate) fn runs(n: usize) -> String {
    if n == 1 {
        "1 run".into()
    } else {
        format!("{n} runs")
    }
}

/// One-paragraph verdict line shared by table, markdown and reports.
pub(crate) fn headline_sentence(c: &Comparison) -> String {
    let verdict = if c.gate.pass { "PASS" } else { "FAIL" };
    let speed = match &c.headline {
        Some(h) if h.method == Some(statbench_stats::Method::Paired) => format!(
            "throughput {} ({}, {}; {} pairs{})",
            pct(h.ratio),
            ci(h),
            h.outcome.label(),
            h.a.n,
            c.placements.as_ref().map_or(String::new(), stopped)
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
            .is_some_and(|h| h.method == Some(statbench_stats::Method::Paired));
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
    let effect = format!("{:.1}", c.min_effect * 100.0);
    let counts = format!(
        "{changed} changed by more than {}%, {same} unchanged, {open} inconclusive, {} unused (alpha {}, BH-adjusted)",
        effect.trim_end_matches(".0"),
        c.metrics.len() - changed - same - open,
        c.alpha,
    );
    let (a, ra, b, rb) = (&c.a_label, runs(c.runs.0), &c.b_label, runs(c.runs.1));
    if let Some(base) = &c.paired_base {
        // The default gate: one speed verdict (paired, this machine), one behaviour verdict.
        return format!(
            "{verdict}: speed of {b} vs {base}, paired on this machine: {speed}; behaviour of {b} ({rb}) vs {a} ({ra}), every metric per counter update: {counts}."
        );
    }
    // A pass that decided nothing says so: what is missing, and how much more would decide.
    let headline_open = c
        .headline
        .as_ref()
        .map_or(true, |h| h.outcome == crate::compare::Outcome::Inconclusive);
    if c.gate.pass && headline_open && changed == 0 && same == 0 {
        let need = c
            .headline
            .as_ref()
            .and_then(|h| h.needed_runs)
            .map_or("more runs a side".to_string(), |n| {
                format!("about {n} runs a side")
            });
        return format!(
            "NOTHING DECIDED: {a} ({ra}) vs {b} ({rb}): {speed}; all {open} metrics inconclusive: the runs are too few to tell a change from noise; {need} would decide (exit 0: nothing failed)."
        );
    }
    // What was compared is what the counts add up to: the headline and the decided or
    // undecided metrics (unused ones had nothing to compare).
    let n = usize::from(c.headline.is_some()) + changed + same + open;
    format!(
        "{verdict}: {a} ({ra}) vs {b} ({rb}), {n} quantities compared: {speed}; metrics: {counts}."
    )
}

#[cfg(test)]
mod tests {
    use super::ci_text;

    fn with_ci(ratio: f64, lo: f64, hi: f64) -> String {
        ci_text(Some(ratio), Some((lo, hi)))
    }

    #[test]
    fn bounds_far_from_the_estimate_are_clamped_and_near_ones_shown() {
        // Two runs a side: no more than "within a factor of 2" can be said.
        assert_eq!(with_ci(1.0, 0.0004, 29.2), "[<-50%, >+100%]");
        // A large, well-measured change keeps its computed bounds.
        assert_eq!(with_ci(0.454, 0.43, 0.483), "[-57.0%, -51.7%]");
        assert_eq!(with_ci(0.5, 0.2, 0.6), "[<-75%, -40.0%]");
        assert_eq!(ci_text(Some(1.0), None), "—");
    }

    #[test]
    fn the_placements_say_why_the_looks_ended() {
        use super::stopped;
        use statbench_stats::paired::placements::Stop;
        let mut p = crate::compare::PlacementsSummary {
            placements: 12,
            pairs: 48,
            look: 5,
            looks: 53,
            nominal_alpha: 5.7e-4,
            confidence: 1.0 - 5.7e-4,
            between_placement_sd: 0.008,
            per_placement: vec![1.0; 12],
            measuring_s: 8.0,
            min_effect: 0.005,
            stopped_by: Some(Stop::Futility),
        };
        assert_eq!(
            stopped(&p),
            " in 12 placements, stopped: a regression of 0.5% is ruled out"
        );
        p.min_effect = 0.02;
        assert_eq!(
            stopped(&p),
            " in 12 placements, stopped: a regression of 2% is ruled out"
        );
        p.stopped_by = Some(Stop::LastLook);
        assert_eq!(
            stopped(&p),
            " in 12 placements, the most: undecided at the last look"
        );
        p.stopped_by = Some(Stop::Verdict);
        assert_eq!(stopped(&p), " in 12 placements");
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["stopped_by"], "verdict");
    }
}
