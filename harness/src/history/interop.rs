//! The latest results in the formats other dashboards read, so a team that already runs one
//! can feed it from the history:
//!
//! * **Bencher Metric Format** (BMF JSON, `bencher run --adapter json --file F`): one benchmark
//!   per series, one measure per quantity, `value` the median over the latest commit's runs,
//!   `lower_value`/`upper_value` their lowest and highest run.
//! * **github-action-benchmark**'s custom format (`tool: customBiggerIsBetter`): an array of
//!   `{name, unit, value, range, extra}`, throughput only (the tool needs one direction for the
//!   whole file, and metrics have none).
//!
//! A series is named by its scenario, layout and threads; the runner type is added when the
//! export covers more than one (Bencher keeps runner types apart as testbeds).

use super::trend::{SeriesTrend, Trend};
use serde_json::{json, Map, Value};

/// Which format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Bencher Metric Format JSON.
    Bmf,
    /// github-action-benchmark's `customBiggerIsBetter` JSON.
    GithubActionBenchmark,
}

/// The latest commit of each series, rendered in `format` (pretty JSON, newline-terminated).
pub fn export(trend: &Trend, format: ExportFormat) -> String {
    let hosts: std::collections::BTreeSet<&str> =
        trend.series.iter().map(|s| s.key.host.as_str()).collect();
    let with_host = hosts.len() > 1;
    let value = match format {
        ExportFormat::Bmf => bmf(trend, with_host),
        ExportFormat::GithubActionBenchmark => github_action_benchmark(trend, with_host),
    };
    let mut text = serde_json::to_string_pretty(&value).expect("JSON values serialise");
    text.push('\n');
    text
}

fn benchmark_name(s: &SeriesTrend, with_host: bool) -> String {
    let mut name = s.key.scenario.clone();
    match (&s.key.layout, s.key.threads) {
        (Some(l), Some(t)) => name.push_str(&format!(" ({l}, {t} threads)")),
        (Some(l), None) => name.push_str(&format!(" ({l})")),
        _ => {}
    }
    if with_host {
        name.push_str(&format!(" @ {}", s.key.host));
    }
    name
}

fn bmf(trend: &Trend, with_host: bool) -> Value {
    let mut out = Map::new();
    for s in &trend.series {
        let Some(last) = s.commits.last() else {
            continue;
        };
        let lo = last.runs.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = last.runs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let entry = out
            .entry(benchmark_name(s, with_host))
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(measures) = entry {
            measures.insert(
                s.quantity.clone(),
                json!({ "value": last.value, "lower_value": lo, "upper_value": hi }),
            );
        }
    }
    Value::Object(out)
}

fn github_action_benchmark(trend: &Trend, with_host: bool) -> Value {
    let entries: Vec<Value> = trend
        .series
        .iter()
        .filter(|s| s.higher_is_better())
        .filter_map(|s| {
            let last = s.commits.last()?;
            let lo = last.runs.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = last.runs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            Some(json!({
                "name": format!("{} - {}", benchmark_name(s, with_host), s.quantity),
                "unit": "updates/s",
                "value": last.value,
                "range": format!("± {:.0}", (hi - lo) / 2.0),
                "extra": format!(
                    "commit {} · {} run(s) · {}",
                    last.short(),
                    last.runs.len(),
                    s.key.host
                ),
            }))
        })
        .collect();
    Value::Array(entries)
}
