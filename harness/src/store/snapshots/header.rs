//! The header line: `sample,elapsed_ns,` then metric indices in ascending order; and the
//! judgement of an unterminated last line against it.

use super::parse_u64;
use crate::error::{Error, Result};
use std::path::Path;

/// The metric indices of a header record (line 1).
pub(super) fn parse_header(record: &csv::ByteRecord, path: &Path) -> Result<Vec<usize>> {
    let shown = path.display();
    let fields: Vec<&[u8]> = record.iter().collect();
    if fields.len() < 3 || fields[0] != b"sample" || fields[1] != b"elapsed_ns" {
        return Err(Error::input(format!(
            "{shown}:1: header must start with `sample,elapsed_ns,` followed by metric indices"
        )));
    }
    let mut indices: Vec<usize> = Vec::with_capacity(fields.len() - 2);
    for (col, f) in fields[2..].iter().enumerate() {
        let idx = parse_u64(f)
            .and_then(|i| usize::try_from(i).ok())
            .ok_or_else(|| {
                Error::input(format!(
                    "{shown}:1: column {}: header `{}` is not a metric index",
                    col + 3,
                    String::from_utf8_lossy(f)
                ))
            })?;
        if let Some(&prev) = indices.last() {
            if idx <= prev {
                return Err(Error::input(format!(
                    "{shown}:1: column {}: metric indices must be ascending and unique (got {idx} after {prev})",
                    col + 3
                )));
            }
        }
        indices.push(idx);
    }
    Ok(indices)
}

/// The error for a last line without a line break that no kill could have left.
pub(super) fn unterminated(record: &csv::ByteRecord, path: &Path) -> Error {
    let line = record.position().map_or(0, |p| p.line());
    let fields: Vec<String> = record
        .iter()
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    let mut text = fields.join(",");
    if text.chars().count() > 40 {
        text = text.chars().take(40).collect::<String>() + "…";
    }
    Error::input(format!(
        "{}:{line}: the last line has no line break and is not a row cut short by a kill (only digits, `-` and commas could be): `{}`",
        path.display(),
        text.escape_debug()
    ))
}

/// Whether an unterminated last record could be a row cut short by a kill: digits (with an
/// optional leading `-`) and commas only, every field but the last non-empty, and no more
/// fields than the header.
pub(super) fn plausible_prefix(record: &csv::ByteRecord, width: usize) -> bool {
    let n = record.len();
    n > 0
        && n <= width + 2
        && record.iter().enumerate().all(|(i, f)| {
            let digits = f.strip_prefix(b"-").unwrap_or(f);
            digits.iter().all(u8::is_ascii_digit) && (i + 1 == n || !digits.is_empty())
        })
}
