//! Every flag the README or a page of the guide (`docs/*.md`) shows with a subcommand is one
//! that subcommand's `--help` documents: a renamed or removed flag breaks the examples users
//! paste.

mod common;

use common::documents;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const SUBCOMMANDS: [&str; 17] = [
    "baseline save",
    "baseline list",
    "baseline show",
    "history add",
    "history list",
    "history show",
    "history export",
    "history synth",
    "history compact",
    "trend",
    "run",
    "gate",
    "compare",
    "ab",
    "calibrate",
    "sweep",
    "report",
];

/// README lines with `\` continuations joined.
fn logical_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in text.lines() {
        match line.trim_end().strip_suffix('\\') {
            Some(head) => {
                cur.push_str(head);
                cur.push(' ');
            }
            None => {
                cur.push_str(line);
                out.push(std::mem::take(&mut cur));
            }
        }
    }
    out
}

/// Removes `"..."` strings (a nested command's flags are not this command's).
fn without_quotes(s: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in s.chars() {
        if c == '"' {
            inside = !inside;
        } else if !inside {
            out.push(c);
        }
    }
    out
}

/// (subcommand, flag) pairs a document shows.
fn readme_flags(text: &str) -> BTreeSet<(String, String)> {
    let mut pairs = BTreeSet::new();
    for line in logical_lines(text) {
        let mut rest = line.as_str();
        while let Some(pos) = rest.find("statbench ") {
            rest = &rest[pos + "statbench ".len()..];
            let Some(sub) = SUBCOMMANDS.iter().find(|s| {
                rest.starts_with(*s)
                    && rest[s.len()..]
                        .chars()
                        .next()
                        .map_or(true, |c| !c.is_ascii_alphanumeric() && c != '-')
            }) else {
                continue;
            };
            // The command ends at the end of a code span, a pipe, `&&` or `;`.
            let tail = &rest[sub.len()..];
            let end = tail.find(['`', '|', '&', ';', ')']).unwrap_or(tail.len());
            let args = without_quotes(&tail[..end]);
            for word in args.split_whitespace() {
                if let Some(flag) = word.strip_prefix("--") {
                    let flag: String = flag
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                        .collect();
                    if !flag.is_empty() {
                        pairs.insert((sub.to_string(), format!("--{flag}")));
                    }
                }
            }
        }
    }
    pairs
}

#[test]
fn every_flag_in_the_readme_and_docs_is_in_its_subcommands_help() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let docs = documents(&root);
    assert!(
        docs.iter().any(|(path, _)| path == "docs/gate.md"),
        "the guide's pages are missing: {:?}",
        docs.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    // (subcommand, flag) -> the documents that show it.
    let mut shown: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
    for (path, text) in &docs {
        for pair in readme_flags(text) {
            shown.entry(pair).or_default().push(path);
        }
    }
    assert!(
        shown.len() >= 15,
        "the README and docs show few flags; is the parser broken? {shown:?}"
    );
    let mut missing = Vec::new();
    for sub in SUBCOMMANDS {
        let flags: Vec<(&String, &Vec<&str>)> = shown
            .iter()
            .filter(|((s, _), _)| s == sub)
            .map(|((_, f), paths)| (f, paths))
            .collect();
        if flags.is_empty() {
            continue;
        }
        let mut args: Vec<&str> = sub.split(' ').collect();
        args.push("--help");
        let (code, help, stderr) = common::statbench(&args, &root);
        assert_eq!(code, 0, "{sub} --help: {stderr}");
        for (f, paths) in flags {
            if !help.contains(f.as_str()) {
                missing.push(format!("{sub} {f} (in {})", paths.join(", ")));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "flags shown in README.md or docs/ but not in --help: {missing:?}"
    );
}

#[test]
fn the_readme_parser_finds_flags_and_skips_nested_commands() {
    let text = "```sh\n./statbench ab --a \"statbench run x --quiet\" \\\n   --rounds 5\n```\n\
                and `statbench compare A B --format markdown` | `statbench baseline save x --force`";
    let pairs = readme_flags(text);
    let want: BTreeSet<(String, String)> = [
        ("ab", "--a"),
        ("ab", "--rounds"),
        ("run", "--quiet"),
        ("compare", "--format"),
        ("baseline save", "--force"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(pairs, want);
}
