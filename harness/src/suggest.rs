//! "Did you mean": the nearest valid name to a mistyped one, and TOML errors (scenario files,
//! the policy file) told as `key `peer`: problem; did you mean `peers`?` rather than serde's
//! `invalid type: integer `16`, expected struct PeerProfile`.

use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// Levenshtein distance (names are short: one row, one loop). Written here rather than taken
/// from `strsim` (which clap brings) because scenario files are read by the lean library too,
/// which builds without clap.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The candidate closest to `word` (other than `word` itself), when it is close enough to be
/// what was meant: at most `max_edits` edits, and fewer edits than either name has characters.
/// Ties go to the first candidate.
pub(crate) fn nearest_within<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    max_edits: usize,
) -> Option<&'a str> {
    let len = word.chars().count();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c == word {
            continue;
        }
        let d = edit_distance(word, c);
        let better = match best {
            None => true,
            Some((b, _)) => d < b,
        };
        if better && d <= max_edits && d < len && d < c.chars().count() {
            best = Some((d, c));
        }
    }
    best.map(|b| b.1)
}

/// [`nearest_within`] with the allowance for a key: one edit per three characters, at least
/// one and at most three (`peer` → `peers`, `thraeds` → `threads`, not `seed` → `peer`).
pub(crate) fn nearest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let max = (word.chars().count() / 3).clamp(1, 3);
    nearest_within(word, candidates, max)
}

/// A TOML document's error as `(line, message)`: the line of its span (`None`: the whole
/// file), the message on one line, naming the key it is about (`key `peer.hashfail`: …`) and,
/// for an unknown key or one given the wrong kind of value, the nearest valid key at its level
/// (`keys_at(path of the table)` lists them; an unknown key's own error lists them too).
pub(crate) fn toml_problem(
    text: &str,
    e: &toml::de::Error,
    keys_at: &dyn Fn(&[String]) -> Vec<String>,
) -> (Option<usize>, String) {
    let span = e.span();
    let line = span.clone().map(|s| line_of_offset(text, s.start));
    let message = e.message().trim().replace('\n', " ");
    // toml says only "duplicate key": name it (the span is the key).
    if message == "duplicate key" {
        if let Some(key) = span.and_then(|s| text.get(s)) {
            if !key.is_empty() && key.len() <= 100 && !key.contains('\n') {
                return (line, format!("duplicate key `{}`", key.trim()));
            }
        }
        return (line, message);
    }
    let Some(path) = span.clone().and_then(|s| key_path_at(text, s)) else {
        return (line, message);
    };
    let (key, table) = path.split_last().expect("a key path is never empty");
    let dotted = path
        .iter()
        .map(|k| {
            let bare = !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if bare {
                k.clone()
            } else {
                format!("{k:?}")
            }
        })
        .collect::<Vec<_>>()
        .join(".");
    if let Some(rest) = message.strip_prefix("unknown field `") {
        // serde: "unknown field `x`, expected one of `a`, `b`" (or "expected `a` or `b`").
        let listed = rest
            .split_once(", expected")
            .map_or(Vec::new(), |(_, l)| quoted(l));
        let mut valid = keys_at(table);
        if valid.is_empty() {
            valid = listed;
        }
        let problem = match nearest(key, valid.iter().map(String::as_str)) {
            Some(near) => format!("unknown key; did you mean `{near}`?"),
            None if valid.is_empty() => "unknown key".to_string(),
            None => format!(
                "unknown key (expected one of: {})",
                valid
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        return (line, format!("key `{dotted}`: {problem}"));
    }
    let problem = plain_types(&message);
    // A value of the wrong kind where a table goes, or a table where a value goes: most likely
    // the key of another setting, one letter off (`peer = 16` for `peers = 16`).
    let table_vs_value =
        message.contains("expected struct") || message.starts_with("invalid type: map");
    let hint = if table_vs_value {
        let valid = keys_at(table);
        nearest(key, valid.iter().map(String::as_str))
            .map(|near| format!("; did you mean `{near}`?"))
            .unwrap_or_default()
    } else {
        String::new()
    };
    (line, format!("key `{dotted}`: {problem}{hint}"))
}

/// The keys the derived deserializer of `T` (with `deny_unknown_fields`) accepts: what it
/// lists when it meets a key no field can have.
pub(crate) fn keys_of<T: serde::de::DeserializeOwned>() -> Vec<String> {
    match toml::from_str::<T>("\" \" = 0") {
        Err(e) => e
            .message()
            .split_once(", expected")
            .map_or(Vec::new(), |(_, listed)| quoted(listed)),
        Ok(_) => Vec::new(),
    }
}

/// serde's type names as a TOML file's reader knows them.
fn plain_types(message: &str) -> String {
    let mut m = message.to_string();
    if let Some(at) = m.find("expected struct ") {
        m.truncate(at);
        m.push_str("expected a table");
    }
    for (from, to) in [
        ("invalid type: map", "invalid type: table"),
        ("invalid type: sequence", "invalid type: array"),
        ("expected i64", "expected an integer"),
        ("expected u64", "expected a non-negative integer"),
        ("expected u32", "expected a non-negative integer"),
        ("expected f64", "expected a number"),
    ] {
        if let Some(rest) = m.strip_prefix(from) {
            m = format!("{to}{rest}");
        } else if let Some(head) = m.strip_suffix(from) {
            m = format!("{head}{to}");
        }
    }
    m
}

/// The names between backticks in `text`.
fn quoted(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// 1-based line of byte `offset`.
pub(crate) fn line_of_offset(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The keys from the document's root to the key whose name or value is at `span` exactly
/// (where toml points its errors), e.g. `["peer", "hashfail"]`.
fn key_path_at(text: &str, span: Range<usize>) -> Option<Vec<String>> {
    fn walk(table: &DeTable, span: &Range<usize>, path: &mut Vec<String>) -> bool {
        for (k, v) in table.iter() {
            path.push(k.get_ref().to_string());
            if k.span() == *span || v.span() == *span {
                return true;
            }
            if let DeValue::Table(inner) = v.get_ref() {
                if walk(inner, span, path) {
                    return true;
                }
            }
            path.pop();
        }
        false
    }
    if span.is_empty() {
        return None;
    }
    let doc = DeTable::parse(text).ok()?;
    let mut path = Vec::new();
    walk(doc.get_ref(), &span, &mut path).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(edit_distance("net.bytes_recv", "net.bytes_recv"), 0);
        assert_eq!(edit_distance("net.bytes_recvd", "net.bytes_recv"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn nearest_suggests_close_names_only() {
        let keys = ["name", "seed", "threads", "peers", "peer", "mix"];
        assert_eq!(nearest("peer", keys), Some("peers"));
        assert_eq!(nearest("thraeds", keys), Some("threads"));
        assert_eq!(nearest("mixx", keys), Some("mix"));
        assert_eq!(nearest("x", keys), None);
        assert_eq!(nearest("layout", keys), None);
        assert_eq!(nearest("zzzzzzzz", keys), None);
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        hashfail: f64,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        peers: i64,
        peer: Option<Inner>,
    }

    fn problem(text: &str) -> (Option<usize>, String) {
        let e = toml::from_str::<Outer>(text).unwrap_err();
        toml_problem(text, &e, &|path| match path {
            [] => vec!["peers".into(), "peer".into()],
            _ => vec!["hashfail".into()],
        })
    }

    #[test]
    fn keys_of_lists_a_structs_fields() {
        assert_eq!(keys_of::<Outer>(), ["peers", "peer"]);
        assert_eq!(keys_of::<Inner>(), ["hashfail"]);
    }

    #[test]
    fn toml_errors_name_the_key_and_the_nearest_valid_one() {
        assert_eq!(
            problem("peers = 1\npeer = 16\n"),
            (
                Some(2),
                "key `peer`: invalid type: integer `16`, expected a table; did you mean `peers`?"
                    .into()
            )
        );
        assert_eq!(
            problem("peers = \"4\"\n"),
            (
                Some(1),
                "key `peers`: invalid type: string \"4\", expected an integer".into()
            )
        );
        assert_eq!(
            problem("peers = 1\n[peer]\nhashfial = 0.1\n"),
            (
                Some(3),
                "key `peer.hashfial`: unknown key; did you mean `hashfail`?".into()
            )
        );
        assert_eq!(
            problem("peers = 1\n[peer]\nhashfail = true\n"),
            (
                Some(3),
                "key `peer.hashfail`: invalid type: boolean `true`, expected a number".into()
            )
        );
        assert_eq!(
            problem("peers = 1\nwhatever = 1\n"),
            (
                Some(2),
                "key `whatever`: unknown key (expected one of: `peers`, `peer`)".into()
            )
        );
    }
}
