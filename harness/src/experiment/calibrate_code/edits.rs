//! The code-neutral edits of `calibrate --real-code`: pure functions from a Rust file's text
//! to an edited text that compiles to the same behaviour with another code layout.
//!
//! The file is read line by line with a small lexer (comments, strings, raw strings, char
//! literals) that gives each line's bracket depth; items are the blank-line-separated chunks
//! rustfmt leaves at one depth. Only single items are touched: a `fn` or an `impl` block whose
//! chunk holds nothing else.

use serde::Serialize;
use statbench_stats::SplitMix64;

/// The files the edits choose from: the counter array (stats/src/) and the workload's hot path
/// (the lean library statbench-abi compiles). Leaf modules only, so a private item is used in
/// its own file alone.
pub const TARGET_FILES: [&str; 8] = [
    "stats/src/layout/contiguous.rs",
    "stats/src/layout/padded.rs",
    "stats/src/layout/sharded.rs",
    "stats/src/writer.rs",
    "stats/src/counters.rs",
    "harness/src/workload/swarm.rs",
    "harness/src/workload/sink.rs",
    "harness/src/workload/tape.rs",
];

/// One kind of refactoring-like edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EditKind {
    /// An exported, never-called `#[inline(never)]` function and a static of random size
    /// before an item: every address after it moves.
    Padding,
    /// Two functions or two impl blocks (or two methods of one impl) swap places.
    Reorder,
    /// A private function (or a private type without `Debug`) renamed everywhere in its file.
    Rename,
}

impl EditKind {
    /// Its name in the CSV and the summary.
    pub fn name(self) -> &'static str {
        match self {
            EditKind::Padding => "padding",
            EditKind::Reorder => "reorder",
            EditKind::Rename => "rename",
        }
    }
}

/// The kinds of successive variants: each alone, then the combinations.
const CYCLE: [&[EditKind]; 7] = [
    &[EditKind::Padding],
    &[EditKind::Reorder],
    &[EditKind::Rename],
    &[EditKind::Padding, EditKind::Reorder],
    &[EditKind::Padding, EditKind::Rename],
    &[EditKind::Reorder, EditKind::Rename],
    &[EditKind::Padding, EditKind::Reorder, EditKind::Rename],
];

/// The kinds of variant `v` (0-based), cycling through [`CYCLE`].
pub fn kinds_of(v: usize) -> &'static [EditKind] {
    CYCLE[v % CYCLE.len()]
}

/// `padding+rename`-style label of a set of kinds.
pub fn label(kinds: &[EditKind]) -> String {
    kinds.iter().map(|k| k.name()).collect::<Vec<_>>().join("+")
}

/// What one variant changed: the new text of each edited file and a line per edit.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// (path relative to the repository root, new text), in first-edited order.
    pub files: Vec<(String, String)>,
    /// `padding stats/src/writer.rs: 37 statements, 112 words before fn additive_mask`.
    pub edits: Vec<String>,
}

/// Variant `v` of seed `seed`: each of its kinds applied to a file drawn at random among
/// [`TARGET_FILES`] where it applies (`read` gives a file's current text). `None` when some
/// kind applies to no file.
pub fn make_variant(read: &dyn Fn(&str) -> Option<String>, v: usize, seed: u64) -> Option<Variant> {
    let mut rng = SplitMix64::for_item(seed, v as u64);
    let tag = format!("v{v}_{:06x}", rng.next_u64() & 0xff_ffff);
    let mut out = Variant {
        files: Vec::new(),
        edits: Vec::new(),
    };
    for &kind in kinds_of(v) {
        let mut order: Vec<&str> = TARGET_FILES.to_vec();
        shuffle(&mut order, &mut rng);
        let done = order.iter().find_map(|&path| {
            let text = match out.files.iter().find(|(p, _)| p == path) {
                Some((_, t)) => t.clone(),
                None => read(path)?,
            };
            apply(kind, &text, &mut rng, &tag).map(|(t, what)| (path, t, what))
        });
        let (path, text, what) = done?;
        out.edits.push(format!("{} {path}: {what}", kind.name()));
        match out.files.iter_mut().find(|(p, _)| p == path) {
            Some(slot) => slot.1 = text,
            None => out.files.push((path.to_string(), text)),
        }
    }
    Some(out)
}

/// One edit of `kind` on `text`, or `None` where the file offers no place for it.
pub fn apply(
    kind: EditKind,
    text: &str,
    rng: &mut SplitMix64,
    tag: &str,
) -> Option<(String, String)> {
    match kind {
        EditKind::Padding => pad(text, rng, tag),
        EditKind::Reorder => reorder(text, rng),
        EditKind::Rename => rename(text, rng, tag),
    }
}

fn shuffle<T>(xs: &mut [T], rng: &mut SplitMix64) {
    for i in (1..xs.len()).rev() {
        xs.swap(i, rng.below(i + 1));
    }
}

/// What a byte of the source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Code,
    Comment,
    Str,
}

/// The class of every byte of `text`.
fn classify(text: &str) -> Vec<Class> {
    let b = text.as_bytes();
    let mut out = vec![Class::Code; b.len()];
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let class = if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            Class::Comment
        } else if b[i..].starts_with(b"/*") {
            let mut depth = 0;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            Class::Comment
        } else if b[i] == b'r' && (i == 0 || !ident(b[i - 1])) && raw_hashes(&b[i + 1..]).is_some()
        {
            let hashes = raw_hashes(&b[i + 1..]).unwrap_or(0);
            i += 2 + hashes;
            let mut close = vec![b'"'];
            close.extend(std::iter::repeat(b'#').take(hashes));
            while i < b.len() && !b[i..].starts_with(&close) {
                i += 1;
            }
            i = (i + close.len()).min(b.len());
            Class::Str
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(b.len());
            Class::Str
        } else if b[i] == b'\'' {
            // A char literal ('x', '\n', '\u{..}', 'é'), or a lifetime ('a), which is code.
            let len = if b.get(i + 1) == Some(&b'\\') {
                b[i + 2..].iter().position(|&c| c == b'\'').map(|p| p + 3)
            } else {
                let ch = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                (b.get(i + 1 + ch) == Some(&b'\'')).then_some(ch + 2)
            };
            match len {
                Some(n) => {
                    i += n;
                    Class::Str
                }
                None => {
                    i += 1;
                    Class::Code
                }
            }
        } else {
            i += 1;
            Class::Code
        };
        let end = i.min(b.len());
        for c in &mut out[start..end] {
            *c = class;
        }
    }
    out
}

/// `Some(hashes)` when `rest` (after an `r`) opens a raw string: `#`* then `"`.
fn raw_hashes(rest: &[u8]) -> Option<usize> {
    let n = rest.iter().take_while(|&&c| c == b'#').count();
    (rest.get(n) == Some(&b'"')).then_some(n)
}

/// A file as lines, with each line's bracket depth at its start and whether it starts outside
/// strings and block comments.
struct Source<'a> {
    lines: Vec<&'a str>,
    depth: Vec<i64>,
    code: Vec<bool>,
    classes: Vec<Class>,
    /// Byte offset of each line (the tests' balance check reads it).
    #[cfg_attr(not(test), allow(dead_code))]
    offsets: Vec<usize>,
}

impl<'a> Source<'a> {
    fn new(text: &'a str) -> Source<'a> {
        let classes = classify(text);
        let lines: Vec<&str> = text.split('\n').collect();
        let (mut depth, mut code, mut offsets) = (Vec::new(), Vec::new(), Vec::new());
        let (mut d, mut at) = (0i64, 0usize);
        for line in &lines {
            depth.push(d);
            offsets.push(at);
            // The newline before the line: code unless a string or block comment goes on.
            code.push(at == 0 || classes[at - 1] == Class::Code);
            for (k, c) in line.bytes().enumerate() {
                if classes[at + k] == Class::Code {
                    match c {
                        b'{' | b'(' | b'[' => d += 1,
                        b'}' | b')' | b']' => d -= 1,
                        _ => {}
                    }
                }
            }
            at += line.len() + 1;
        }
        Source {
            lines,
            depth,
            code,
            classes,
            offsets,
        }
    }

    /// The blank-line-separated chunks of lines `range` at bracket depth `level`.
    fn chunks(&self, range: std::ops::Range<usize>, level: i64) -> Vec<Chunk> {
        let mut out = Vec::new();
        let mut open: Option<usize> = None;
        let end = range.end;
        for i in range {
            let blank = self.lines[i].trim().is_empty() && self.depth[i] == level && self.code[i];
            if blank {
                if let Some(s) = open.take() {
                    out.extend(self.item(s..i, level));
                }
            } else if open.is_none() {
                open = Some(i);
            }
        }
        if let Some(s) = open {
            out.extend(self.item(s..end, level));
        }
        out
    }

    /// The chunk `lines` as one item, when it holds exactly one `fn` or `impl` (its doc
    /// comments and attributes included) and closes at `level`.
    fn item(&self, lines: std::ops::Range<usize>, level: i64) -> Option<Chunk> {
        let at_level = |i: usize| self.depth[i] == level && self.code[i];
        if !at_level(lines.start) || self.depth.get(lines.end).is_some_and(|&d| d != level) {
            return None;
        }
        let head = lines.clone().find(|&i| {
            let t = self.lines[i].trim_start();
            at_level(i) && !(t.starts_with("//") || t.starts_with("#[") || t.starts_with("#!"))
        })?;
        let (private, rest) = strip_visibility(self.lines[head].trim_start());
        let kind = if let Some(name) = fn_name(rest) {
            ItemKind::Fn(name.to_string())
        } else if rest.starts_with("impl ") || rest.starts_with("impl<") {
            ItemKind::Impl
        } else if let Some(name) = rest
            .strip_prefix("struct ")
            .or_else(|| rest.strip_prefix("enum "))
        {
            ItemKind::Type(ident_prefix(name).to_string())
        } else {
            return None;
        };
        // Nothing else starts at this level after the head: one item, not a group.
        let single = (head + 1..lines.end).all(|i| {
            let t = self.lines[i].trim_start();
            !at_level(i) || !starts_item(t)
        });
        single.then_some(Chunk {
            lines,
            head,
            kind,
            private,
        })
    }

    /// The method chunks of the impl block `c`.
    fn methods(&self, c: &Chunk, level: i64) -> Vec<Chunk> {
        let Some(open) =
            (c.head..c.lines.end).find(|&i| self.depth.get(i + 1) == Some(&(level + 1)))
        else {
            return Vec::new();
        };
        let close = c.lines.end - 1;
        if open + 1 >= close || self.lines[close].trim() != "}" {
            return Vec::new();
        }
        self.chunks(open + 1..close, level + 1)
            .into_iter()
            .filter(|m| matches!(m.kind, ItemKind::Fn(_)))
            .collect()
    }

    /// Whether the identifier `name` occurs inside a string literal.
    fn in_string(&self, text: &str, name: &str) -> bool {
        words(text, name).any(|at| self.classes[at] == Class::Str)
    }
}

/// One item of a file: its lines (docs and attributes included) and its head line.
#[derive(Debug, Clone)]
struct Chunk {
    lines: std::ops::Range<usize>,
    head: usize,
    kind: ItemKind,
    private: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum ItemKind {
    Fn(String),
    Impl,
    Type(String),
}

/// `(private, rest)`: the head without its `pub`, `pub(crate)` ... prefix.
fn strip_visibility(head: &str) -> (bool, &str) {
    if let Some(rest) = head.strip_prefix("pub(") {
        let after = rest.find(')').map_or(rest, |p| &rest[p + 1..]);
        return (false, after.trim_start());
    }
    match head.strip_prefix("pub ") {
        Some(rest) => (false, rest.trim_start()),
        None => (true, head),
    }
}

/// The name of a function head (`const`, `unsafe`, `extern "C"` qualifiers allowed).
fn fn_name(mut rest: &str) -> Option<&str> {
    for q in ["const ", "unsafe ", "async ", "extern \"C\" "] {
        rest = rest.strip_prefix(q).unwrap_or(rest);
    }
    rest.strip_prefix("fn ").map(ident_prefix)
}

fn ident_prefix(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// Whether a trimmed line at item level starts an item (or its docs and attributes).
fn starts_item(t: &str) -> bool {
    let (_, rest) = strip_visibility(t);
    t.starts_with("//")
        || t.starts_with("#[")
        || [
            "fn ",
            "impl",
            "struct ",
            "enum ",
            "type ",
            "const ",
            "static ",
            "mod ",
            "use ",
            "trait ",
            "macro_rules!",
            "unsafe ",
            "extern ",
            "async ",
        ]
        .iter()
        .any(|k| rest.starts_with(k))
}

/// Byte offsets of whole-word occurrences of `name` in `text`.
fn words<'t>(text: &'t str, name: &'t str) -> impl Iterator<Item = usize> + 't {
    let b = text.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    text.match_indices(name)
        .map(|(at, _)| at)
        .filter(move |&at| {
            let end = at + name.len();
            (at == 0 || !ident(b[at - 1])) && (end >= b.len() || !ident(b[end]))
        })
}

/// Padding: before a random `fn` or `impl` at the top level, an exported function of random
/// length (never called; `#[no_mangle]` keeps it in the library, where a dead private
/// function would be dropped) and an exported static of random size.
pub fn pad(text: &str, rng: &mut SplitMix64, tag: &str) -> Option<(String, String)> {
    let src = Source::new(text);
    let items: Vec<Chunk> = src
        .chunks(0..src.lines.len(), 0)
        .into_iter()
        .filter(|c| matches!(c.kind, ItemKind::Fn(_) | ItemKind::Impl))
        .collect();
    if items.is_empty() {
        return None;
    }
    let at = &items[rng.below(items.len())];
    let statements = 4 + rng.below(93);
    let words = 1 + rng.below(512);
    let mut block = format!(
        "/// Padding of `statbench calibrate --real-code`: moves the code after it; never called.\n\
         #[no_mangle]\n#[inline(never)]\npub extern \"C\" fn statbench_pad_{tag}(x: u64) -> u64 {{\n    let mut h = x;\n"
    );
    for _ in 0..statements {
        block.push_str(&format!(
            "    h = (h ^ {:#x}).wrapping_mul({:#x}).rotate_left({});\n",
            rng.next_u64(),
            rng.next_u64() | 1,
            1 + rng.below(63)
        ));
    }
    block.push_str(&format!(
        "    h\n}}\n\n/// Padding data of `statbench calibrate --real-code`.\n#[no_mangle]\n\
         pub static STATBENCH_PAD_{}: [u64; {words}] = [{:#x}; {words}];\n",
        tag.to_uppercase(),
        rng.next_u64()
    ));
    let mut lines: Vec<String> = src.lines.iter().map(|l| l.to_string()).collect();
    lines.insert(at.lines.start, block);
    let what = format!(
        "{statements} statements, {words} words before {}",
        describe(&src, at)
    );
    Some((lines.join("\n"), what))
}

fn describe(src: &Source, c: &Chunk) -> String {
    match &c.kind {
        ItemKind::Fn(name) => format!("fn {name}"),
        _ => format!("`{}`", src.lines[c.head].trim().trim_end_matches(" {")),
    }
}

/// Reorder: two top-level functions, two impl blocks, or two methods of one impl block swap.
pub fn reorder(text: &str, rng: &mut SplitMix64) -> Option<(String, String)> {
    let src = Source::new(text);
    let top = src.chunks(0..src.lines.len(), 0);
    let mut groups: Vec<Vec<Chunk>> = vec![
        top.iter()
            .filter(|c| matches!(c.kind, ItemKind::Fn(_)))
            .cloned()
            .collect(),
        top.iter()
            .filter(|c| c.kind == ItemKind::Impl)
            .cloned()
            .collect(),
    ];
    groups.extend(
        top.iter()
            .filter(|c| c.kind == ItemKind::Impl)
            .map(|c| src.methods(c, 0)),
    );
    let pairs: Vec<(&Chunk, &Chunk)> = groups
        .iter()
        .flat_map(|g| (0..g.len()).flat_map(move |i| (i + 1..g.len()).map(move |j| (&g[i], &g[j]))))
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let (a, b) = pairs[rng.below(pairs.len())];
    let l = &src.lines;
    let mut out: Vec<&str> = Vec::with_capacity(l.len());
    out.extend(&l[..a.lines.start]);
    out.extend(&l[b.lines.clone()]);
    out.extend(&l[a.lines.end..b.lines.start]);
    out.extend(&l[a.lines.clone()]);
    out.extend(&l[b.lines.end..]);
    let what = format!("{} ⇄ {}", describe(&src, a), describe(&src, b));
    Some((out.join("\n"), what))
}

/// Rename: a private top-level function (or a private struct or enum without `Debug`, whose
/// name could be printed) gets a new name everywhere in its file.
pub fn rename(text: &str, rng: &mut SplitMix64, tag: &str) -> Option<(String, String)> {
    let src = Source::new(text);
    // A file that declares submodules may be used by them: private is then not file-local.
    let has_children = src.lines.iter().any(|l| {
        let (_, rest) = strip_visibility(l.trim_start());
        rest.starts_with("mod ") && l.trim_end().ends_with(';')
    });
    if has_children {
        return None;
    }
    let candidates: Vec<(String, bool)> = src
        .chunks(0..src.lines.len(), 0)
        .into_iter()
        .filter(|c| c.private)
        .filter_map(|c| match &c.kind {
            ItemKind::Fn(name) => Some((name.clone(), true)),
            ItemKind::Type(name) => {
                let attrs = src.lines[c.lines.start..c.head].join("\n");
                (!attrs.contains("Debug") && !text.contains(&format!("Debug for {name}")))
                    .then(|| (name.clone(), false))
            }
            ItemKind::Impl => None,
        })
        .filter(|(name, is_fn)| {
            let b = text.as_bytes();
            let used_otherwise = words(text, name).any(|at| {
                let end = at + name.len();
                (at > 0 && b[at - 1] == b'.')
                    || (*is_fn && matches!(b.get(end), Some(b':') | Some(b'!')))
            });
            name.len() >= 4
                && !used_otherwise
                && words(text, &format!("fn {name}")).count() <= 1
                && !src.in_string(text, name)
        })
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let (old, is_fn) = &candidates[rng.below(candidates.len())];
    let suffix = tag.rsplit('_').next().unwrap_or(tag);
    let new = if *is_fn {
        format!("{old}_r{suffix}")
    } else {
        format!("{old}R{suffix}")
    };
    if words(text, &new).next().is_some() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut last = 0;
    let mut n = 0;
    for at in words(text, old).collect::<Vec<_>>() {
        out.push_str(&text[last..at]);
        out.push_str(&new);
        last = at + old.len();
        n += 1;
    }
    out.push_str(&text[last..]);
    let what = format!(
        "{} {old} → {new} ({n} occurrences)",
        if *is_fn { "fn" } else { "type" }
    );
    Some((out, what))
}

/// Bracket balance and top-level item count of `text`: what an edit must keep sane.
#[cfg(test)]
fn shape(text: &str) -> (i64, usize) {
    let src = Source::new(text);
    let last = src.lines.len() - 1;
    let end_depth = src.depth[last]
        + src.lines[last]
            .bytes()
            .enumerate()
            .filter(|&(k, _)| src.classes[src.offsets[last] + k] == Class::Code)
            .map(|(_, c)| match c {
                b'{' | b'(' | b'[' => 1,
                b'}' | b')' | b']' => -1,
                _ => 0,
            })
            .sum::<i64>();
    (end_depth, src.chunks(0..src.lines.len(), 0).len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The real target files, as this checkout has them.
    fn real(path: &str) -> String {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        std::fs::read_to_string(root.join(path)).unwrap()
    }

    const SAMPLE: &str = r#"//! A sample.
use std::fmt;

/// Doc of helper.
fn helper_one(x: u64) -> u64 {
    let s = "fn fake() { }";
    let c = '{';
    x + 1 // a } in a comment
}

fn helper_two<'a>(x: &'a str) -> &'a str {
    x
}

struct Plain {
    v: u64,
}

impl Plain {
    fn get(&self) -> u64 {
        helper_one(self.v)
    }

    fn twice(&self) -> u64 {
        2 * self.v
    }
}

impl fmt::Display for Plain
where
    Plain: Sized,
{
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", helper_two("x"))
    }
}
"#;

    #[test]
    fn the_lexer_ignores_brackets_in_strings_chars_and_comments() {
        let (depth, items) = shape(SAMPLE);
        assert_eq!(depth, 0);
        // helper_one, helper_two, Plain, impl Plain, impl Display (use/doc chunk is no item).
        assert_eq!(items, 5);
    }

    #[test]
    fn each_kind_changes_the_sample_and_keeps_it_balanced() {
        for kind in [EditKind::Padding, EditKind::Reorder, EditKind::Rename] {
            let (text, what) = apply(kind, SAMPLE, &mut SplitMix64::new(7), "v0_abc123")
                .unwrap_or_else(|| panic!("{kind:?} applies"));
            assert_ne!(text, SAMPLE, "{kind:?}");
            assert!(!what.is_empty());
            let (depth, items) = shape(&text);
            assert_eq!(depth, 0, "{kind:?}:\n{text}");
            // Padding adds a function (its static is no fn, impl or type item).
            let expected = if kind == EditKind::Padding { 6 } else { 5 };
            assert_eq!(items, expected, "{kind:?}:\n{text}");
        }
    }

    #[test]
    fn reorder_keeps_every_line() {
        for seed in 0..20 {
            let (text, _) = reorder(SAMPLE, &mut SplitMix64::new(seed)).unwrap();
            let mut a: Vec<&str> = SAMPLE.lines().collect();
            let mut b: Vec<&str> = text.lines().collect();
            a.sort_unstable();
            b.sort_unstable();
            assert_eq!(a, b, "seed {seed}");
        }
    }

    #[test]
    fn rename_replaces_every_occurrence_and_only_private_items() {
        for seed in 0..20 {
            let (text, what) = rename(SAMPLE, &mut SplitMix64::new(seed), "v2_abc123").unwrap();
            let old = ["helper_one", "helper_two", "Plain"]
                .into_iter()
                .find(|n| what.contains(&format!(" {n} →")))
                .unwrap_or_else(|| panic!("{what}"));
            assert_eq!(words(&text, old).count(), 0, "{what}");
            // The string literal's `fn fake` and the method names are untouched.
            assert!(text.contains("\"fn fake() { }\""));
            assert!(text.contains("fn get(&self)"));
        }
    }

    #[test]
    fn rename_skips_files_with_submodules() {
        let text = format!("mod child;\n\n{SAMPLE}");
        assert!(rename(&text, &mut SplitMix64::new(1), "v2_abc").is_none());
    }

    #[test]
    fn variants_are_deterministic_by_seed_and_differ_across_seeds() {
        let read = |p: &str| Some(real(p));
        for v in 0..7 {
            let a = make_variant(&read, v, 42).unwrap_or_else(|| panic!("variant {v}"));
            let b = make_variant(&read, v, 42).unwrap();
            assert_eq!(a, b, "variant {v}");
            assert_eq!(
                a.edits.len(),
                kinds_of(v).len(),
                "variant {v}: {:?}",
                a.edits
            );
            let c = make_variant(&read, v, 43).unwrap();
            assert_ne!(a.files, c.files, "variant {v}: seeds 42 and 43 agree");
        }
    }

    #[test]
    fn every_kind_applies_to_the_real_files_and_keeps_them_balanced() {
        for kind in [EditKind::Padding, EditKind::Reorder, EditKind::Rename] {
            let mut applied = 0;
            for path in TARGET_FILES {
                let text = real(path);
                assert_eq!(shape(&text).0, 0, "{path} reads balanced");
                if let Some((new, _)) = apply(kind, &text, &mut SplitMix64::new(3), "v0_abc") {
                    applied += 1;
                    let (depth, items) = shape(&new);
                    assert_eq!(depth, 0, "{kind:?} {path}");
                    let before = shape(&text).1;
                    let added = usize::from(kind == EditKind::Padding);
                    assert_eq!(items, before + added, "{kind:?} {path}");
                }
            }
            assert!(applied > 0, "{kind:?} applies to no target file");
        }
    }

    #[test]
    fn kinds_cycle_through_singles_then_combinations() {
        assert_eq!(label(kinds_of(0)), "padding");
        assert_eq!(label(kinds_of(3)), "padding+reorder");
        assert_eq!(label(kinds_of(6)), "padding+reorder+rename");
        assert_eq!(label(kinds_of(7)), "padding");
    }
}
