//! JSON: the whole comparison, for dashboards and scripts.

use crate::compare::Comparison;

/// Pretty-printed JSON of `c` (samples are left out; the statistics are in).
pub fn render(c: &Comparison) -> String {
    let mut s = serde_json::to_string_pretty(c).expect("comparison serialises");
    s.push('\n');
    s
}
