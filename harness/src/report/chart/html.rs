//! Self-contained HTML report: inline SVG charts, embedded CSS, no network.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use super::error::ChartError;
use super::page::{encode_link, file_name, Section, Table};

const CSS: &str = r#"
:root { color-scheme: light; }
body { margin: 0; background: #f6f8fa; color: #1f2328; line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { margin: 0 0 4px; font-size: 1.9em; }
.subtitle { margin: 0 0 16px; color: #57606a; }
nav ul { margin: 0; padding-left: 20px; }
section { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 8px 24px 16px; margin: 20px 0; }
h2 { border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
figure { margin: 16px 0; }
figure svg { display: block; width: 100%; max-width: 1000px; height: auto; }
figcaption { font-size: .85em; color: #57606a; }
a { color: #0969da; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9em; margin: 12px 0; }
th, td { padding: 4px 10px; border-bottom: 1px solid #d0d7de; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.regression { background: #ffe2e0; }
tr.improvement { background: #dcf5e0; }
tr.inconclusive { background: #fff3cd; }
tr.increase { background: #e3effa; }
tr.decrease { background: #efe8f7; }
"#;

/// Escapes `& < > " '` so any text is safe inside HTML content or attributes.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Builds one HTML page with every chart's SVG inlined and PNG/SVG linked by
/// relative file name; fails (naming the file) if an SVG cannot be read.
pub fn render_html(
    title: &str,
    subtitle: &str,
    sections: &[Section],
) -> Result<String, ChartError> {
    let mut out = String::new();
    let t = escape_html(title);
    // `write!` into a String cannot fail.
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:\">\n\
         <title>{t}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n<header>\n<h1>{t}</h1>\n"
    );
    if !subtitle.is_empty() {
        let _ = writeln!(out, "<p class=\"subtitle\">{}</p>", escape_html(subtitle));
    }
    out.push_str("</header>\n");
    if sections.len() > 1 {
        out.push_str("<nav><ul>\n");
        for (i, s) in sections.iter().enumerate() {
            let _ = writeln!(
                out,
                "<li><a href=\"#section-{}\">{}</a></li>",
                i + 1,
                escape_html(&s.title)
            );
        }
        out.push_str("</ul></nav>\n");
    }
    for (i, s) in sections.iter().enumerate() {
        let _ = writeln!(
            out,
            "<section id=\"section-{}\">\n<h2>{}</h2>",
            i + 1,
            escape_html(&s.title)
        );
        if !s.intro_html.is_empty() {
            let _ = writeln!(out, "<div class=\"intro\">{}</div>", s.intro_html);
        }
        for chart in &s.charts {
            let svg = inline_svg(&chart.svg)?;
            let png = file_name(&chart.png);
            let svg_name = file_name(&chart.svg);
            let _ = writeln!(
                out,
                "<figure>\n{svg}\n<figcaption><a href=\"{}\">{}</a> · <a href=\"{}\">{}</a></figcaption>\n</figure>",
                escape_html(&encode_link(&png)),
                escape_html(&png),
                escape_html(&encode_link(&svg_name)),
                escape_html(&svg_name),
            );
        }
        if let Some(table) = &s.table {
            render_table(&mut out, table);
        }
        out.push_str("</section>\n");
    }
    out.push_str("</main>\n</body>\n</html>\n");
    Ok(out)
}

fn render_table(out: &mut String, table: &Table) {
    out.push_str("<div class=\"table-wrap\"><table>\n<thead><tr>");
    for h in &table.headers {
        let _ = write!(out, "<th>{}</th>", escape_html(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (i, row) in table.rows.iter().enumerate() {
        let class = table
            .row_classes
            .get(i)
            .map(|c| css_class(c))
            .unwrap_or_default();
        if class.is_empty() {
            out.push_str("<tr>");
        } else {
            let _ = write!(out, "<tr class=\"{class}\">");
        }
        for cell in row {
            let num = if looks_numeric(cell) {
                " class=\"num\""
            } else {
                ""
            };
            let _ = write!(out, "<td{num}>{}</td>", escape_html(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table></div>\n");
}

/// Keeps only characters valid in a class list, so a class can't break out of its attribute.
fn css_class(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .collect::<String>()
        .trim()
        .to_string()
}

fn looks_numeric(cell: &str) -> bool {
    let t = cell.trim().trim_start_matches(['+', '-', '−', '±']);
    t.starts_with(|c: char| c.is_ascii_digit())
        || (t.starts_with('.') && t[1..].starts_with(|c: char| c.is_ascii_digit()))
}

/// Reads a chart SVG and returns markup ready to inline: XML declaration,
/// doctype and comments before `<svg` dropped, `xmlns` removed (HTML5 implies it).
fn inline_svg(path: &Path) -> Result<String, ChartError> {
    let text = fs::read_to_string(path).map_err(|source| ChartError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let start = text.find("<svg").ok_or_else(|| ChartError::Render {
        path: path.to_path_buf(),
        message: "file holds no <svg> element".to_string(),
    })?;
    let svg = text[start..]
        .trim_end()
        .replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
        .replacen("<svg", "<svg role=\"img\"", 1);
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape_html("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }

    #[test]
    fn class_names_are_sanitised() {
        assert_eq!(css_class("regression"), "regression");
        assert_eq!(css_class("x\" onclick=\"y"), "x onclicky");
    }

    #[test]
    fn numeric_cells() {
        assert!(looks_numeric("1.23"));
        assert!(looks_numeric("+5.2%"));
        assert!(looks_numeric("-.5"));
        assert!(!looks_numeric("p99 latency"));
        assert!(!looks_numeric(""));
    }

    #[test]
    fn inline_svg_strips_prolog() {
        let dir = std::env::temp_dir().join(format!("charts-html-unit-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let p = dir.join("x.svg");
        fs::write(
            &p,
            "<?xml version=\"1.0\"?>\n<!-- c -->\n<svg width=\"1\" xmlns=\"http://www.w3.org/2000/svg\"><text>a</text></svg>\n",
        )
        .unwrap();
        let s = inline_svg(&p).unwrap();
        assert!(s.starts_with("<svg role=\"img\" width=\"1\">"));
        assert!(!s.contains("<?xml") && !s.contains("http"));
        fs::write(&p, "not svg").unwrap();
        assert!(matches!(inline_svg(&p), Err(ChartError::Render { .. })));
        let _ = fs::remove_dir_all(&dir);
    }
}
