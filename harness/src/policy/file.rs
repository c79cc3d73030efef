//! Reading `statbench.toml`: TOML into [`Policy`], every name checked against the registry,
//! every problem one line `file:line: key … problem` (exit 2), like scenario files.
//!
//! ```toml
//! headline = "net.bytes_recv"     # runs without statbench's run.json: this metric's rate
//! work = "net.bytes_recv"         # their unit of work (default: run.json's, else the headline)
//! normalise = "per_work"          # counters per unit of work (default) or "per_second"
//!
//! [default]                       # every metric
//! threshold = 0.03                # fraction, or "3%"
//!
//! [category.disk]
//! direction = "lower_is_better"   # higher_is_better | lower_is_better | either
//!
//! [metric."proto.waste_bytes"]
//! direction = "lower_is_better"
//! threshold = "5%"
//! gate = true                     # default: true when a direction is given
//! ```

use super::{category_names, Direction, Normalise, Policy, RuleSpec, POLICY_FILE};
use crate::error::{Error, Result};
use serde::Deserialize;
use session_stats::{find_metric_idx, MetricCategory};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    headline: Option<Spanned<String>>,
    work: Option<Spanned<String>>,
    normalise: Option<Spanned<String>>,
    default: Option<RuleFile>,
    #[serde(default)]
    category: BTreeMap<Spanned<String>, RuleFile>,
    #[serde(default)]
    metric: BTreeMap<Spanned<String>, RuleFile>,
}

/// One entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    direction: Option<Spanned<String>>,
    threshold: Option<Spanned<Threshold>>,
    gate: Option<bool>,
}

/// `0.03` or `"3%"`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Threshold {
    Fraction(f64),
    Text(String),
}

/// Largest threshold a policy may give: a 10× change (anything above gates nothing real).
const MAX_THRESHOLD: f64 = 10.0;

/// The policy to apply: `explicit` (`--policy FILE`, which must exist), else `statbench.toml`
/// in the current folder or the nearest one above it, else the built-in defaults.
pub fn discover(explicit: Option<&Path>) -> Result<Policy> {
    match explicit {
        Some(path) => load(path),
        None => match crate::files::find_upward(POLICY_FILE, Path::is_file) {
            Some(path) => load(&path),
            None => Ok(Policy::default()),
        },
    }
}

/// Reads and validates the policy file at `path`.
pub fn load(path: &Path) -> Result<Policy> {
    let text = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8(text).map_err(|e| {
        Error::input(format!(
            "{}: not UTF-8 text (invalid byte at {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })?;
    parse(&text, path)
}

/// Parses and validates policy text; `path` names the file in messages.
pub fn parse(text: &str, path: &Path) -> Result<Policy> {
    let at = |span: std::ops::Range<usize>, what: String| -> Error {
        let line = crate::suggest::line_of_offset(text, span.start);
        Error::input(format!("{}:{line}: {what}", path.display()))
    };
    let file: PolicyFile =
        toml::from_str(text).map_err(|e| {
            match crate::suggest::toml_problem(text, &e, &keys_at) {
                (Some(line), message) => {
                    Error::input(format!("{}:{line}: {message}", path.display()))
                }
                (None, message) => Error::input(format!("{}: {message}", path.display())),
            }
        })?;
    let metric_name = |key: &str, value: &Spanned<String>| -> Result<usize> {
        metric_index(value.get_ref()).ok_or_else(|| {
            at(
                value.span(),
                format!("key `{key}`: {}", unknown_metric(value.get_ref())),
            )
        })
    };
    let headline = file
        .headline
        .as_ref()
        .map(|v| metric_name("headline", v))
        .transpose()?;
    let work = file
        .work
        .as_ref()
        .map(|v| metric_name("work", v))
        .transpose()?;
    let normalise = match &file.normalise {
        None => Normalise::default(),
        Some(v) => [Normalise::PerWork, Normalise::PerSecond]
            .into_iter()
            .find(|n| n.key() == v.get_ref())
            .ok_or_else(|| {
                at(
                    v.span(),
                    format!(
                        "key `normalise`: {:?} is not one of \"per_work\", \"per_second\"",
                        v.get_ref()
                    ),
                )
            })?,
    };
    let rule = |table: &str, r: &RuleFile| -> Result<RuleSpec> {
        let direction = r
            .direction
            .as_ref()
            .map(|d| {
                Direction::ALL
                    .into_iter()
                    .find(|x| x.key() == d.get_ref())
                    .ok_or_else(|| {
                        at(
                            d.span(),
                            format!(
                                "key `{table}.direction`: {:?} is not one of \"higher_is_better\", \"lower_is_better\", \"either\"",
                                d.get_ref()
                            ),
                        )
                    })
            })
            .transpose()?;
        let threshold = r
            .threshold
            .as_ref()
            .map(|t| {
                threshold_value(t.get_ref())
                    .map_err(|why| at(t.span(), format!("key `{table}.threshold`: {why}")))
            })
            .transpose()?;
        Ok(RuleSpec {
            direction,
            threshold,
            gate: r.gate,
        })
    };
    let default = file
        .default
        .as_ref()
        .map(|r| rule("default", r))
        .transpose()?
        .unwrap_or_default();
    let mut categories = BTreeMap::new();
    for (name, r) in &file.category {
        if MetricCategory::from_name(name.get_ref()).is_none() {
            let known = category_names();
            let why = match crate::suggest::nearest(name.get_ref(), known.iter().copied()) {
                Some(near) => format!("no such category; did you mean `{near}`?"),
                None => format!("no such category (one of: {})", known.join(", ")),
            };
            return Err(at(
                name.span(),
                format!("key `category.{}`: {why}", name.get_ref()),
            ));
        }
        let key = format!("category.{}", name.get_ref());
        categories.insert(name.get_ref().clone(), rule(&key, r)?);
    }
    let mut metrics = BTreeMap::new();
    for (name, r) in &file.metric {
        let key = format!("metric.\"{}\"", name.get_ref());
        let index = metric_index(name.get_ref()).ok_or_else(|| {
            at(
                name.span(),
                format!("key `{key}`: {}", unknown_metric(name.get_ref())),
            )
        })?;
        if metrics.insert(index, rule(&key, r)?).is_some() {
            return Err(at(
                name.span(),
                format!("key `{key}`: metric [{index}] has another entry already"),
            ));
        }
    }
    Ok(Policy {
        source: Some(PathBuf::from(path)),
        headline,
        work,
        normalise,
        default,
        categories,
        metrics,
    })
}

/// A dotted registry name, or `#N` for a slot this registry does not name (a newer engine's).
fn metric_index(name: &str) -> Option<usize> {
    if let Some(n) = name.strip_prefix('#') {
        return n.parse::<usize>().ok().filter(|&i| i < 4096);
    }
    find_metric_idx(name)
}

/// The keys valid in the policy file's table at `path`, for "did you mean".
fn keys_at(path: &[String]) -> Vec<String> {
    use crate::suggest::keys_of;
    match path {
        [] => keys_of::<PolicyFile>(),
        [t] if t == "default" => keys_of::<RuleFile>(),
        [t, _] if t == "category" || t == "metric" => keys_of::<RuleFile>(),
        _ => Vec::new(),
    }
}

/// Why `name` is not a metric, with the closest registry name when one is close.
fn unknown_metric(name: &str) -> String {
    let names = session_stats::session_stats_metrics()
        .iter()
        .map(|m| m.name);
    match crate::suggest::nearest_within(name, names, 3) {
        Some(m) => format!("no such metric {name:?} (did you mean {m:?}?)"),
        None => format!(
            "no such metric {name:?} (a dotted registry name like \"net.bytes_recv\", or \"#N\" for slot N)"
        ),
    }
}

/// A share written as a fraction (`0.03`) or a percentage (`3%`, `3 %`, `2.5%`), as a fraction:
/// the one reading of thresholds and effects, in this file and on the command line
/// (`--min-effect 3%`). The caller checks the range.
pub(crate) fn parse_share(s: &str) -> std::result::Result<f64, String> {
    let t = s.trim();
    let v = match t.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map(|p| p / 100.0),
        None => t.parse::<f64>(),
    };
    match v {
        Ok(v) if !v.is_nan() => Ok(v),
        _ => Err(format!(
            "{s:?} is not a fraction (0.03) or a percentage (\"3%\")"
        )),
    }
}

/// A threshold as a fraction in (0, [`MAX_THRESHOLD`]].
fn threshold_value(t: &Threshold) -> std::result::Result<f64, String> {
    let v = match t {
        Threshold::Fraction(v) => *v,
        Threshold::Text(s) => parse_share(s)?,
    };
    if !v.is_finite() || v <= 0.0 || v > MAX_THRESHOLD {
        return Err(format!(
            "{v} is not a threshold between 0 (exclusive) and {MAX_THRESHOLD} (a fraction: 0.03 = 3%)"
        ));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use session_stats::{DISK_READ_BYTES, NET_BYTES_RECV, PROTO_WASTE_BYTES};

    fn parsed(text: &str) -> Result<Policy> {
        parse(text, Path::new("statbench.toml"))
    }

    fn refused(text: &str) -> String {
        let e = parsed(text).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let e = e.to_string();
        assert!(!e.contains('\n'), "{e:?}");
        assert!(e.starts_with("statbench.toml:"), "{e:?}");
        e
    }

    #[test]
    fn the_documented_example_reads_as_written() {
        let p = parsed(
            r#"
headline = "net.bytes_recv"
work = "net.bytes_recv"
normalise = "per_work"

[default]
threshold = 0.03

[category.disk]
direction = "lower_is_better"

[metric."proto.waste_bytes"]
direction = "lower_is_better"
threshold = "5%"
gate = true
"#,
        )
        .unwrap();
        assert_eq!(p.headline, Some(NET_BYTES_RECV));
        assert_eq!(p.work, Some(NET_BYTES_RECV));
        assert_eq!(p.normalise, Normalise::PerWork);
        let waste = p.rule(PROTO_WASTE_BYTES, 0.01, false);
        assert_eq!(
            (waste.direction, waste.threshold, waste.gate),
            (Some(Direction::LowerIsBetter), 0.05, true)
        );
        let disk = p.rule(DISK_READ_BYTES, 0.01, false);
        assert_eq!(
            (disk.direction, disk.threshold, disk.gate),
            (Some(Direction::LowerIsBetter), 0.03, true)
        );
        assert!(p.has_rules());
        assert_eq!(parsed("").unwrap().normalise, Normalise::PerWork);
        assert!(!parsed("").unwrap().has_rules());
        assert_eq!(parsed("headline = \"#105\"").unwrap().headline, Some(105));
    }

    #[test]
    fn bad_policies_name_the_line_and_key() {
        let cases = [
            (
                "headline = \"net.bytes_recvd\"\n",
                "statbench.toml:1: key `headline`: no such metric \"net.bytes_recvd\" (did you mean \"net.bytes_recv\"?)",
            ),
            (
                "\n[metric.\"net.bogus_metric_name\"]\ndirection = \"either\"\n",
                "statbench.toml:2: key `metric.\"net.bogus_metric_name\"`: no such metric",
            ),
            (
                "[category.network]\ndirection = \"up\"\n",
                "statbench.toml:2: key `category.network.direction`: \"up\" is not one of",
            ),
            (
                "[category.wire]\ngate = true\n",
                "statbench.toml:1: key `category.wire`: no such category",
            ),
            (
                "[default]\nthreshold = -0.1\n",
                "statbench.toml:2: key `default.threshold`: -0.1 is not a threshold",
            ),
            (
                "[default]\nthreshold = \"3 percent\"\n",
                "statbench.toml:2: key `default.threshold`: \"3 percent\" is not a fraction",
            ),
            ("normalise = \"per_hour\"\n", "statbench.toml:1: key `normalise`"),
            (
                "headlines = \"x\"\n",
                "statbench.toml:1: key `headlines`: unknown key; did you mean `headline`?",
            ),
            (
                "[metric.\"net.bytes_recv\"]\ndirecton = \"either\"\n",
                "statbench.toml:2: key `metric.\"net.bytes_recv\".directon`: unknown key; did you mean `direction`?",
            ),
            (
                "[defualt]\nthreshold = 0.03\n",
                "statbench.toml:1: key `defualt`: unknown key; did you mean `default`?",
            ),
            (
                "[category.netwrk]\ngate = true\n",
                "statbench.toml:1: key `category.netwrk`: no such category; did you mean `network`?",
            ),
            (
                "[default]\ngate = \"yes\"\n",
                "statbench.toml:2: key `default.gate`: invalid type: string \"yes\", expected a boolean",
            ),
            ("headline = [1\n", "statbench.toml:1:"),
        ];
        for (text, want) in cases {
            let e = refused(text);
            assert!(
                e.starts_with(want),
                "{text:?}: {e:?} does not start with {want:?}"
            );
        }
    }

    #[test]
    fn shares_read_alike_as_fractions_and_percentages() {
        for (text, want) in [
            ("0.03", 0.03),
            ("3%", 0.03),
            (" 2.5 % ", 0.025),
            ("5e-3", 0.005),
        ] {
            let got = parse_share(text).unwrap();
            assert!((got - want).abs() < 1e-12, "{text}: {got}");
        }
        for bad in ["3 percent", "%", "x%", "NaN", ""] {
            assert!(
                parse_share(bad)
                    .unwrap_err()
                    .contains("is not a fraction (0.03) or a percentage"),
                "{bad}"
            );
        }
        let p = parsed("[default]\nthreshold = \"2.5%\"\n").unwrap();
        assert!((p.default.threshold.unwrap() - 0.025).abs() < 1e-12);
    }

    #[test]
    fn the_shipped_example_policy_is_valid() {
        let text = include_str!("../../../examples/statbench.toml");
        let p = parse(text, Path::new("examples/statbench.toml")).unwrap();
        assert_eq!(p.work, Some(session_stats::PROTO_PIECES_DOWNLOADED));
        let disk = p.rule(DISK_READ_BYTES, 0.03, false);
        assert_eq!(
            (disk.direction, disk.gate),
            (Some(Direction::LowerIsBetter), false)
        );
        let hashfails = p.rule(session_stats::PROTO_HASHFAILS, 0.03, false);
        assert_eq!(
            (hashfails.direction, hashfails.threshold, hashfails.gate),
            (Some(Direction::Either), 0.02, true)
        );
    }
}
