//! JSON: the whole comparison, for dashboards and scripts.
//!
//! Schema (version [`SCHEMA_VERSION`]; bumped on any incompatible change): the top level holds
//! `schema_version`, `settings_differences` (`[{key, a, b}]`, non-empty only with
//! `--allow-different-settings`), `a_label`, `b_label`, `runs` `[a, b]`, `hosts`, `same_host`,
//! `min_effect`, `alpha`, `headline` and `metrics` (quantity results: `name`, `index`,
//! `quantity`, `a`/`b` `{n, median, mean, p95, std_dev}`, `ratio`, `ci`, `p_value`,
//! `p_adjusted`, `outcome` — `regression`, `improvement`, `increase`, `decrease`, `no_change`,
//! `inconclusive`, `unused` —, `reason`, `needed_samples`, `needed_runs`, and `rule`: the gate
//! policy's `{direction, threshold, gate, verdict}` with `direction` `higher_is_better`,
//! `lower_is_better`, `either` or null and `verdict` `pass`, `fail`, `inconclusive`,
//! `not_judged` or `not_gated`), `work` (what counters are per: `{kind: updates}`,
//! `{kind: metric, metric: INDEX}`, or null for per second), `policy_file`, `added`/`removed`
//! (`[{index, name}]`), `left_out` (`[{side, run, why}]`, `why.kind` one of
//! `missing_run_json`, `unexpected_run_json`, `other_recorder`, `other_host`, `other_revision`,
//! `other_settings`), `machine_changed`, `machine` (the machine probes: `policy`
//! — `when_probes_agree` or `same_machine` —, `a`/`b` `{version, uncontended_mops,
//! contended_mops, runs, scaled}` or null when a side has none, `ratio` `{uncontended,
//! contended}` B/A, `bound`, `speed_judged`, and `mismatch`: null or `{reason, ...}` with
//! `reason` `machines_differ` (`probe_loop`, `ratio`, `bound`), `no_probe` (`sides`) or
//! `probe_versions_differ` (`a`, `b`)), `quantities_compared`, `behaviour`, `placements` (present
//! only when the paired gate measured speed in fresh processes: `placements`, `pairs`, `look`,
//! `looks`, `nominal_alpha`, `confidence`, `between_placement_sd`, `per_placement`,
//! `measuring_s`, `min_effect` of the speed verdict, `stopped_by`: `verdict`, `futility`,
//! `last_look` or null), and
//! `gate` `{pass, exit_code, failures, warnings}` where every finding is an object with a
//! `kind` (snake_case, e.g. `throughput_regression`, `lost_updates`, `disturbed_run`,
//! `machine_mismatch` with the `mismatch` fields above and `speed_judged`), its numbers, and
//! `message`, the sentence the table prints.

use crate::compare::Comparison;
use serde::Serialize;

/// Version of the JSON layout written by [`render`]. 2: findings became objects with `kind`,
/// settings identity and admission fields were added. 3: counters compare per unit of work by
/// default (`quantity` `per_work`, `rate_per_work`), metrics carry the gate policy's `rule`,
/// directed metrics regress (`regression`/`improvement`), `work` and `policy_file`.
pub const SCHEMA_VERSION: u32 = 3;

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
