//! Reads snapshot CSVs written by statbench or by an engine in the same format.
//!
//! The header is `sample,elapsed_ns,` then metric indices in ascending order; older engines
//! wrote 70 metrics, newer ones 118; every width is accepted and aligned later by index. A
//! final line without a newline (a run killed mid-write) is ignored; anything else malformed is
//! an error naming the file and line.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// A snapshot series, column-wise: one `Vec<i64>` per metric present in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotTable {
    /// Where it was read from.
    pub path: PathBuf,
    /// Stable metric index of each column, ascending.
    pub indices: Vec<usize>,
    /// `sample` column.
    pub samples: Vec<u64>,
    /// `elapsed_ns` column.
    pub elapsed_ns: Vec<u64>,
    /// One column per metric, in the order of `indices`.
    pub columns: Vec<Vec<i64>>,
    /// True when an incomplete last line was dropped (the run was killed while writing).
    pub truncated: bool,
}

impl SnapshotTable {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.samples.len()
    }

    /// The column of metric `index`, if the file has it.
    pub fn column(&self, index: usize) -> Option<&[i64]> {
        self.indices
            .binary_search(&index)
            .ok()
            .map(|pos| self.columns[pos].as_slice())
    }

    /// Reads and validates a snapshot CSV.
    pub fn read(path: &Path) -> Result<SnapshotTable> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        SnapshotTable::parse(&bytes, path)
    }

    /// Parses CSV bytes; `path` is used in messages.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<SnapshotTable> {
        let shown = path.display();
        let mut data = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut truncated = false;
        if !data.is_empty() && !data.ends_with(b"\n") {
            match data.iter().rposition(|&b| b == b'\n') {
                Some(last) if header_end(data) <= last => {
                    data = &data[..=last];
                    truncated = true;
                }
                _ => {} // only a header line without newline: parse as is
            }
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(data);
        let mut record = csv::ByteRecord::new();
        let csv_error = |e: csv::Error| {
            let line = e
                .position()
                .map(|p| format!(":{}", p.line()))
                .unwrap_or_default();
            Error::input(format!("{shown}{line}: malformed CSV: {e}"))
        };
        if !reader.read_byte_record(&mut record).map_err(csv_error)? {
            return Err(Error::input(format!(
                "{shown}: empty file (expected a header `sample,elapsed_ns,0,1,...`)"
            )));
        }
        let line_no = 1;
        let fields: Vec<&[u8]> = record.iter().collect();
        if fields.len() < 3 || fields[0] != b"sample" || fields[1] != b"elapsed_ns" {
            return Err(Error::input(format!(
                "{shown}:{line_no}: header must start with `sample,elapsed_ns,` followed by metric indices"
            )));
        }
        let mut indices: Vec<usize> = Vec::with_capacity(fields.len() - 2);
        for (col, f) in fields[2..].iter().enumerate() {
            let idx = parse_u64(f).ok_or_else(|| {
                Error::input(format!(
                    "{shown}:{line_no}: column {}: header `{}` is not a metric index",
                    col + 3,
                    String::from_utf8_lossy(f)
                ))
            })? as usize;
            if let Some(&prev) = indices.last() {
                if idx <= prev {
                    return Err(Error::input(format!(
                        "{shown}:{line_no}: column {}: metric indices must be ascending and unique (got {idx} after {prev})",
                        col + 3
                    )));
                }
            }
            indices.push(idx);
        }
        let width = indices.len();
        let estimate = data.len() / (width * 4 + 16).max(1);
        let mut table = SnapshotTable {
            path: path.to_path_buf(),
            indices,
            samples: Vec::with_capacity(estimate),
            elapsed_ns: Vec::with_capacity(estimate),
            columns: (0..width).map(|_| Vec::with_capacity(estimate)).collect(),
            truncated,
        };
        while reader.read_byte_record(&mut record).map_err(csv_error)? {
            let line_no = record.position().map_or(0, |p| p.line());
            if record.len() == 1 && record[0].is_empty() {
                continue; // blank line
            }
            if record.len() != width + 2 {
                return Err(Error::input(format!(
                    "{shown}:{line_no}: expected {} fields like the header, found {}",
                    width + 2,
                    record.len()
                )));
            }
            for (n, field) in record.iter().enumerate() {
                let bad = || {
                    Error::input(format!(
                        "{shown}:{line_no}: column {}: `{}` is not an integer",
                        n + 1,
                        String::from_utf8_lossy(field)
                    ))
                };
                match n {
                    0 => table.samples.push(parse_u64(field).ok_or_else(bad)?),
                    1 => table.elapsed_ns.push(parse_u64(field).ok_or_else(bad)?),
                    c => table.columns[c - 2].push(parse_i64(field).ok_or_else(bad)?),
                }
            }
            if let [.., a, b] = table.elapsed_ns[..] {
                if b < a {
                    return Err(Error::input(format!(
                        "{shown}:{line_no}: elapsed_ns goes backwards ({b} after {a})"
                    )));
                }
            }
        }
        Ok(table)
    }
}

fn header_end(data: &[u8]) -> usize {
    data.iter().position(|&b| b == b'\n').unwrap_or(data.len())
}

/// Decimal `u64` without sign or spaces; `None` on anything else (or overflow).
fn parse_u64(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    let mut v: u64 = 0;
    for &b in s {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(d))?;
    }
    Some(v)
}

/// Decimal `i64` with an optional leading `-`.
fn parse_i64(s: &[u8]) -> Option<i64> {
    match s.strip_prefix(b"-") {
        Some(digits) => {
            let v = parse_u64(digits)?;
            if v <= i64::MAX as u64 + 1 {
                Some((v as i64).wrapping_neg())
            } else {
                None
            }
        }
        None => i64::try_from(parse_u64(s)?).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(width: usize, rows: &[Vec<i64>]) -> String {
        let mut s = String::from("sample,elapsed_ns");
        for i in 0..width {
            s += &format!(",{i}");
        }
        s.push('\n');
        for (k, r) in rows.iter().enumerate() {
            s += &format!("{k},{}", k * 100);
            for v in r {
                s += &format!(",{v}");
            }
            s.push('\n');
        }
        s
    }

    fn parse(text: &str) -> Result<SnapshotTable> {
        SnapshotTable::parse(text.as_bytes(), Path::new("x.csv"))
    }

    #[test]
    fn reads_every_known_width() {
        for width in [70, 99, 118] {
            let rows = vec![vec![1; width], vec![2; width]];
            let t = parse(&csv(width, &rows)).unwrap();
            assert_eq!(t.indices, (0..width).collect::<Vec<_>>());
            assert_eq!(t.rows(), 2);
            assert_eq!(t.column(width - 1), Some(&[1, 2][..]));
            assert_eq!(t.column(width), None);
        }
    }

    #[test]
    fn accepts_bom_and_crlf() {
        let text = format!(
            "\u{FEFF}{}",
            csv(3, &[vec![5, -6, 7]]).replace('\n', "\r\n")
        );
        let t = parse(&text).unwrap();
        assert_eq!(t.columns, vec![vec![5], vec![-6], vec![7]]);
    }

    #[test]
    fn drops_an_incomplete_last_line() {
        let mut text = csv(3, &[vec![1, 2, 3], vec![4, 5, 6]]);
        text += "2,200,7,8"; // killed mid-write
        let t = parse(&text).unwrap();
        assert_eq!(t.rows(), 2);
        assert!(t.truncated);
    }

    #[test]
    fn errors_name_file_line_and_problem() {
        let good = csv(3, &[vec![1, 2, 3], vec![4, 5, 6]]);
        let cases = [
            (
                good.replace("4,5,6", "4,x,6"),
                "x.csv:3: column 4: `x` is not an integer",
            ),
            (
                good.replace("4,5,6", "4,5"),
                "x.csv:3: expected 5 fields like the header, found 4",
            ),
            (
                good.replace("sample,", "smple,"),
                "x.csv:1: header must start",
            ),
            (
                good.replace(",1,2\n", ",2,1\n"),
                "x.csv:1: column 5: metric indices must be ascending",
            ),
            (
                good.replace(",1,2\n", ",a,2\n"),
                "x.csv:1: column 4: header `a` is not a metric index",
            ),
            (
                good.replace("1,100,", "1,0,").replace("0,0,", "0,50,"),
                "x.csv:3: elapsed_ns goes backwards",
            ),
            (String::new(), "x.csv: empty file"),
        ];
        for (text, want) in cases {
            let e = parse(&text).unwrap_err().to_string();
            assert!(e.starts_with(want), "{e:?} does not start with {want:?}");
            assert!(!e.contains('\n'));
        }
    }

    #[test]
    fn integer_parsing_edges() {
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64(b"9223372036854775808"), None);
        assert_eq!(parse_i64(b"+1"), None);
        assert_eq!(parse_i64(b""), None);
        assert_eq!(parse_u64(b"18446744073709551616"), None);
    }
}
