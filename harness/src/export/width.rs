//! Fitting text to a terminal: the default width, middle elision of long names, and word
//! wrapping with a hanging indent. Widths count characters (every character statbench prints
//! is one column wide: `µ`, `×`, `—` included).

/// Columns a rendering fits by default (`--wide` lifts it): what a terminal shows without
/// wrapping, and what pull-request logs show without scrolling.
pub const DEFAULT_WIDTH: usize = 100;

/// Columns of `s` on a terminal.
pub fn columns(s: &str) -> usize {
    s.chars().count()
}

/// `s` cut to at most `max` columns by replacing its middle with `…`, so both the start (the
/// category) and the end (the distinguishing part) of a name stay readable.
pub fn elide_middle(s: &str, max: usize) -> String {
    let n = columns(s);
    if n <= max {
        return s.to_string();
    }
    if max <= 1 {
        return "…".chars().take(max).collect();
    }
    let keep = max - 1;
    let head = keep.div_ceil(2);
    let tail = keep - head;
    let chars: Vec<char> = s.chars().collect();
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[n - tail..]);
    out
}

/// `text` word-wrapped to `width` columns; lines after the first start with `indent` spaces.
/// A word longer than a line stays whole on its own line (paths are not split).
pub fn wrap(text: &str, width: usize, indent: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if line.is_empty() {
            line.push_str(word);
        } else if columns(&line) + 1 + columns(word) > width {
            lines.push(std::mem::take(&mut line));
            line = format!("{}{word}", " ".repeat(indent));
        } else {
            line.push(' ');
            line.push_str(word);
        }
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_lose_their_middle() {
        assert_eq!(elide_middle("short", 10), "short");
        let e = elide_middle("peer.choke_rotation_evictions_total", 20);
        assert_eq!(columns(&e), 20);
        assert_eq!(e, "peer.choke…ons_total");
    }

    #[test]
    fn wrapping_keeps_every_word_and_the_width() {
        let text = "PASS: baseline default (20 runs) vs runs/g1 (5 runs), 66 quantities compared";
        let lines = wrap(text, 30, 6);
        assert!(lines.iter().all(|l| columns(l) <= 30), "{lines:?}");
        assert!(lines[1..].iter().all(|l| l.starts_with("      ")));
        let words: Vec<&str> = lines.iter().flat_map(|l| l.split_whitespace()).collect();
        assert_eq!(words.join(" "), text);
        assert_eq!(wrap("", 10, 2), vec![String::new()]);
        assert_eq!(
            wrap("a-very-long-path-indeed x", 8, 2)[0],
            "a-very-long-path-indeed"
        );
    }
}
