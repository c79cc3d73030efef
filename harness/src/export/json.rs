//! JSON: the whole comparison, for dashboards and scripts.
//!
//! Schema (version [`SCHEMA_VERSION`]; bumped on any incompatible change): the top level holds
//! `schema_version`, `settings_differences` (`[{key, a, b}]`, non-empty only with
//! `--allow-different-settings`), `a_label`, `b_label`, `runs` `[a, b]`, `hosts`, `same_host`,
//! `min_effect`, `alpha`, `headline` and `metrics` (quantity results: `name`, `index`,
//! `quantity`, `a`/`b` `{n, median, mean, p95, std_dev}`, `ratio`, `ci`, `p_value`,
//! `p_adjusted`, `outcome` — `regression`, `improvement`, `increase`, `decrease`, `no_change`,
//! `inconclusive`, `unused` —, `reason`, `needed_samples`, `needed_runs`), `added`/`removed`
//! (`[{index, name}]`), `left_out`, `machine_changed`, `quantities_compared`, `behaviour`, and
//! `gate` `{pass, exit_code, failures, warnings}` where every finding is an object with a
//! `kind` (snake_case, e.g. `throughput_regression`, `lost_updates`, `disturbed_run`), its
//! numbers, and `message`, the sentence the table prints.

use crate::compare::Comparison;
use serde::Serialize;

/// Version of the JSON layout written by [`render`]. 2: findings became objects with `kind`,
/// settings identity and admission fields were added.
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    #[serde(flatten)]
    comparison: &'a Comparison,
}

/// Pretty-printed JSON of `c` (samples are left out; the statistics are in).
pub fn render(c: &Comparison) -> String {
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        comparison: c,
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("comparison serialises");
    s.push('\n');
    s
}
