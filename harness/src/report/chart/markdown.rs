//! GitHub-flavoured Markdown summary (summary.md) of the same report sections.

use std::fmt::Write as _;

use super::page::{encode_link, file_name, Section, Table};

/// Renders the sections as Markdown: headings, intro text, PNG images by
/// relative file name, and tables as GitHub pipe tables.
pub fn render_markdown(title: &str, sections: &[Section]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", escape_md(title));
    for s in sections {
        let _ = writeln!(out, "## {}\n", escape_md(&s.title));
        let intro = html_to_text(&s.intro_html);
        if !intro.is_empty() {
            let _ = writeln!(out, "{}\n", escape_md(&intro));
        }
        for chart in &s.charts {
            let png = file_name(&chart.png);
            let alt = png.strip_suffix(".png").unwrap_or(&png);
            let _ = writeln!(out, "![{}]({})\n", escape_md(alt), encode_link(&png));
        }
        if let Some(table) = &s.table {
            render_table(&mut out, table);
        }
    }
    out
}

fn render_table(out: &mut String, table: &Table) {
    let columns = table
        .rows
        .iter()
        .map(Vec::len)
        .chain([table.headers.len()])
        .max()
        .unwrap_or(0);
    if columns == 0 {
        return;
    }
    let cell = |row: &[String], i: usize| escape_md(row.get(i).map(String::as_str).unwrap_or(""));
    let line = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
    out.push_str(&line(
        (0..columns).map(|i| cell(&table.headers, i)).collect(),
    ));
    out.push_str(&line(vec!["---".to_string(); columns]));
    for row in &table.rows {
        out.push_str(&line((0..columns).map(|i| cell(row, i)).collect()));
    }
    out.push('\n');
}

/// Escapes Markdown/HTML-significant characters and flattens newlines, so a
/// label can sit in a heading or table cell without changing the structure.
fn escape_md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Crude HTML-to-text: drops tags, decodes the basic entities, collapses spaces.
fn html_to_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_table_breakers() {
        assert_eq!(escape_md("a|b\nc"), "a\\|b c");
        assert_eq!(escape_md("<script>"), "&lt;script&gt;");
        assert_eq!(escape_md("p99_ms"), "p99\\_ms");
    }

    #[test]
    fn strips_html() {
        assert_eq!(
            html_to_text("<p>A &amp; B<br>  <b>bold</b></p>"),
            "A & B bold"
        );
    }

    #[test]
    fn ragged_tables_are_padded() {
        let mut out = String::new();
        render_table(
            &mut out,
            &Table {
                headers: vec!["a".into(), "b".into()],
                rows: vec![vec!["1".into()], vec!["1".into(), "2".into(), "3".into()]],
                row_classes: vec![],
            },
        );
        assert_eq!(
            out,
            "| a | b |  |\n| --- | --- | --- |\n| 1 |  |  |\n| 1 | 2 | 3 |\n\n"
        );
    }
}
