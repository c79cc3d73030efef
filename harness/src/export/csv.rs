//! CSV: one row per compared quantity, every statistic in its own column.

use crate::compare::Comparison;

/// Header plus one row for throughput and each metric.
pub fn render(c: &Comparison) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record([
        "quantity",
        "index",
        "kind",
        "deprecated",
        "a_n",
        "a_median",
        "a_mean",
        "a_p95",
        "a_std",
        "b_n",
        "b_median",
        "b_mean",
        "b_p95",
        "b_std",
        "ratio",
        "ci_lo",
        "ci_hi",
        "p_value",
        "p_adjusted",
        "verdict",
        "reason",
        "direction",
        "threshold",
        "gate",
        "gate_verdict",
    ])
    .expect("write to Vec");
    let f = |v: Option<f64>| v.map_or(String::new(), |x| x.to_string());
    for r in c.headline.iter().chain(&c.metrics) {
        w.write_record([
            r.name.clone(),
            r.index.map_or(String::new(), |i| i.to_string()),
            r.quantity.to_string(),
            r.deprecated.to_string(),
            r.a.n.to_string(),
            r.a.median.to_string(),
            r.a.mean.to_string(),
            r.a.p95.to_string(),
            r.a.std_dev.to_string(),
            r.b.n.to_string(),
            r.b.median.to_string(),
            r.b.mean.to_string(),
            r.b.p95.to_string(),
            r.b.std_dev.to_string(),
            f(r.ratio),
            f(r.ci.map(|c| c.0)),
            f(r.ci.map(|c| c.1)),
            f(r.p_value),
            f(r.p_adjusted),
            r.outcome.key().to_string(),
            r.reason.to_string(),
            r.rule
                .and_then(|x| x.direction)
                .map_or(String::new(), |d| d.key().to_string()),
            f(r.rule.map(|x| x.threshold)),
            r.rule.map_or(String::new(), |x| x.gate.to_string()),
            r.rule.map_or(String::new(), |x| {
                serde_json::to_value(x.verdict)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default()
            }),
        ])
        .expect("write to Vec");
    }
    String::from_utf8(w.into_inner().expect("flush Vec")).expect("utf-8")
}
