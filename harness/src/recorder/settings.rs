//! Settings identity: which resolved settings a run was measured with, so that runs of different
//! scenarios or settings are never compared by accident.
//!
//! The identity is the resolved scenario (after command-line overrides) as recorded in run.json's
//! `scenario_settings`, without what cannot change a measurement (description, file path, the
//! file's hash: a comment edited in the file changes nothing), plus whether sampling was on. It is
//! computed from `scenario_settings` on read, so runs recorded before `settings_hash` existed
//! compare the same way.

use serde_json::{Map, Value};

/// Keys of `scenario_settings` that describe where a scenario came from, not what it runs.
const NOT_SETTINGS: [&str; 2] = ["description", "source"];

/// The comparable settings of a run: `scenario_settings` less its `description` and `source`
/// keys (where the scenario came from, not what it runs), plus `sampling` and the workload
/// fingerprint (`workload`, when known: see [`crate::workload::Plan::fingerprint`]). Numbers
/// are compared by value: `5.0` and `5` are the same setting (a run.json rewritten by `jq`).
pub fn settings_identity(
    scenario_settings: &Value,
    sampling: bool,
    workload: Option<&str>,
) -> Value {
    let mut map = match canonical(scenario_settings) {
        Value::Object(m) => m,
        other => {
            let mut m = Map::new();
            m.insert("settings".into(), other.clone());
            m
        }
    };
    for key in NOT_SETTINGS {
        map.remove(key);
    }
    map.insert("sampling".into(), Value::Bool(sampling));
    if let Some(w) = workload {
        map.insert("workload".into(), Value::String(w.to_string()));
    }
    Value::Object(map)
}

/// `v` with every number in one form per value: a whole number as an integer (`5.0` → `5`),
/// any other as its float. Two identities are then equal exactly when their values are.
fn canonical(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, x)| (k.clone(), canonical(x))).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(canonical).collect()),
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            let whole = f.fract() == 0.0 && f.abs() < 9.0e15;
            if whole && f >= 0.0 {
                Value::from(f as u64)
            } else if whole {
                Value::from(f as i64)
            } else {
                v.clone()
            }
        }
        other => other.clone(),
    }
}

/// Stable 16-hex-digit hash of an identity (FNV-1a 64 of its canonical JSON: keys sorted).
pub fn settings_hash(identity: &Value) -> String {
    let text = serde_json::to_string(identity).expect("JSON value serialises");
    format!("{:016x}", crate::scenario::fnv1a64(text.as_bytes()))
}

/// One setting that differs between two identities.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SettingDifference {
    /// Dotted key, e.g. `budget.duration_ms` or `mix.download`.
    pub key: String,
    /// Value on side A (`—` when absent).
    pub a: String,
    /// Value on side B (`—` when absent).
    pub b: String,
}

impl std::fmt::Display for SettingDifference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}→{}", self.key, self.a, self.b)
    }
}

/// Every leaf key whose value differs between `a` and `b`, sorted by key.
pub fn differences(a: &Value, b: &Value) -> Vec<SettingDifference> {
    let (mut fa, mut fb) = (Vec::new(), Vec::new());
    flatten("", a, &mut fa);
    flatten("", b, &mut fb);
    let mut keys: Vec<&String> = fa.iter().chain(&fb).map(|(k, _)| k).collect();
    keys.sort();
    keys.dedup();
    let get = |v: &[(String, String)], k: &str| {
        v.iter()
            .find(|(key, _)| key == k)
            .map_or("—".to_string(), |(_, val)| val.clone())
    };
    keys.into_iter()
        .filter_map(|k| {
            let (va, vb) = (get(&fa, k), get(&fb, k));
            (va != vb).then(|| SettingDifference {
                key: k.clone(),
                a: va,
                b: vb,
            })
        })
        .collect()
}

fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, child, out);
            }
        }
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

/// Shows at most `max` differences, `a→b` each, with a count of the rest.
pub fn describe_differences(diffs: &[SettingDifference], max: usize) -> String {
    let mut shown: Vec<String> = diffs.iter().take(max).map(ToString::to_string).collect();
    if diffs.len() > max {
        shown.push(format!("and {} more", diffs.len() - max));
    }
    shown.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn settings(duration: u64, layout: &str, path: &str) -> Value {
        json!({
            "name": "default", "description": "x", "layout": layout,
            "budget": {"duration_ms": duration},
            "mix": {"download": 40.0},
            "source": {"hash": path, "path": path},
        })
    }

    #[test]
    fn identity_ignores_where_the_scenario_came_from() {
        let a = settings_identity(&settings(1000, "contiguous", "/tmp/a.toml"), true, None);
        let b = settings_identity(&settings(1000, "contiguous", "/home/b.toml"), true, None);
        assert_eq!(a, b);
        assert_eq!(settings_hash(&a), settings_hash(&b));
        assert!(differences(&a, &b).is_empty());
    }

    #[test]
    fn differences_name_every_changed_leaf() {
        let a = settings_identity(&settings(300, "sharded", "a"), true, None);
        let b = settings_identity(&settings(1000, "contiguous", "a"), false, None);
        let d = differences(&a, &b);
        let keys: Vec<&str> = d.iter().map(|x| x.key.as_str()).collect();
        assert_eq!(keys, ["budget.duration_ms", "layout", "sampling"]);
        assert_eq!(d[0].to_string(), "budget.duration_ms 300→1000");
        assert_eq!(d[1].to_string(), "layout sharded→contiguous");
        assert_ne!(settings_hash(&a), settings_hash(&b));
        assert_eq!(
            describe_differences(&d, 2),
            "budget.duration_ms 300→1000, layout sharded→contiguous, and 1 more"
        );
    }

    #[test]
    fn numbers_compare_by_value_not_by_text() {
        // `jq .` writes 5.0 as 5: the same setting, the same hash.
        let a = json!({"mix": {"choke": 5.0, "dht": 0.25}, "budget": {"duration_ms": 1000}});
        let b = json!({"mix": {"choke": 5, "dht": 0.25}, "budget": {"duration_ms": 1000.0}});
        let (ia, ib) = (
            settings_identity(&a, true, None),
            settings_identity(&b, true, None),
        );
        assert!(
            differences(&ia, &ib).is_empty(),
            "{:?}",
            differences(&ia, &ib)
        );
        assert_eq!(settings_hash(&ia), settings_hash(&ib));
        // A different value still differs.
        let c = json!({"mix": {"choke": 5.5, "dht": 0.25}, "budget": {"duration_ms": 1000}});
        let ic = settings_identity(&c, true, None);
        assert_eq!(differences(&ia, &ic)[0].to_string(), "mix.choke 5→5.5");
        assert_ne!(settings_hash(&ia), settings_hash(&ic));
    }

    #[test]
    fn the_workload_fingerprint_is_part_of_the_identity() {
        let s = json!({"seed": 1});
        let a = settings_identity(&s, true, Some("00000000000000aa"));
        let b = settings_identity(&s, true, Some("00000000000000bb"));
        assert_eq!(
            differences(&a, &b)[0].to_string(),
            "workload 00000000000000aa→00000000000000bb"
        );
        assert_ne!(settings_hash(&a), settings_hash(&b));
    }

    #[test]
    fn a_key_present_on_one_side_only_differs() {
        let a = json!({"budget": {"duration_ms": 1000}});
        let b = json!({"budget": {"operations": 5}});
        let d = differences(&a, &b);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].to_string(), "budget.duration_ms 1000→—");
    }
}
