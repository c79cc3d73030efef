//! Reads snapshot CSVs written by statbench or by an engine in the same format.
//!
//! The header is `sample,elapsed_ns,` then metric indices in ascending order; older engines
//! wrote 70 metrics, newer ones 118; every width is accepted and aligned later by index. A UTF-8
//! BOM and CRLF line ends are accepted.
//!
//! The file is streamed, never read whole: memory is the kept columns (one `i64` per value)
//! plus a 64 KiB buffer. Anything that is not a snapshot series is refused with a one-line
//! `file:line: problem` error:
//! * a NUL byte or invalid UTF-8 anywhere (checked as the bytes arrive, so a binary file is
//!   refused within its first kilobytes), or a line longer than any row of the header's width;
//! * a field that is not a decimal integer, a row whose field count differs from the header's;
//! * `sample` numbers that do not strictly increase, `elapsed_ns` that goes backwards or
//!   exceeds [`MAX_ELAPSED_NS`];
//! * a counter (a metric the registry marks [`MetricKind::Counter`]) that falls to less than
//!   half its previous value: counters are cumulative, so that is the engine restarting or
//!   being reset inside one file; the error names the metric, its values and the line, and
//!   advises splitting the file there. A smaller dip is accepted: statbench's injected
//!   slowdown (`extra_work`) follows a real `+v` with a `+v`/`−v` pair on the same counter,
//!   which a concurrent snapshot can catch half done, so such a dip never exceeds the real
//!   value (measured: runs with `--extra-work` dip by one update's value). Gauges, including
//!   derived rates and uptime, may move freely; indices the registry does not know (newer
//!   engines, ≥ 99) are not checked.
//!
//! A final line without a newline is a run killed mid-write and is dropped only when it is a
//! plausible prefix of a row (digits, `-` and commas, no more fields than the header); any
//! other unterminated last line is an error naming its line. A header alone parses to an empty
//! table: whether there is enough data to compare is decided by the comparison.

use crate::error::{Error, Result};
use session_stats::{metric, MetricKind};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

mod fast;
mod header;
#[cfg(test)]
mod tests;
mod text_guard;

use header::{parse_header, plausible_prefix, unterminated};
use text_guard::TextGuard;

/// Largest `elapsed_ns` accepted: ten years. A run's clock never gets there; a value at the
/// type's limit is a corrupt or fabricated file.
pub const MAX_ELAPSED_NS: u64 = 10 * 36_525 * 86_400 * 10_000_000;

const BOM: &[u8] = b"\xEF\xBB\xBF";
/// The CSV parser's read size.
const READ_BYTES: usize = 64 * 1024;
/// Longest header line accepted (about 100,000 metric columns).
const MAX_HEADER_BYTES: u64 = 1 << 20;
/// Longest field of a row: 20 digits, a sign, optional quotes and the separator.
const MAX_FIELD_BYTES: u64 = 24;

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
    /// A table with these columns and no rows yet.
    fn empty(path: &Path, indices: Vec<usize>) -> SnapshotTable {
        let width = indices.len();
        SnapshotTable {
            path: path.to_path_buf(),
            indices,
            samples: Vec::new(),
            elapsed_ns: Vec::new(),
            columns: vec![Vec::new(); width],
            truncated: false,
        }
    }

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

    /// Reads and validates a snapshot CSV, streaming it from disk.
    /// The text guard ([`crate::files::open_text`]) inspects its first kilobytes before either
    /// reader starts; the checking reader goes on checking every byte with the same wording.
    pub fn read(path: &Path) -> Result<SnapshotTable> {
        let (file, len) = crate::files::open_text(path, "snapshot CSV")?;
        if let Some(table) = fast::read(file, len, path)? {
            return Ok(table);
        }
        // Anything the fast reader does not vouch for is read again by the checking reader,
        // which gives the exact one-line error (or accepts what the fast reader declined).
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        SnapshotTable::parse_reader(file, len, path)
    }

    /// Parses CSV bytes already in memory; `path` is used in messages.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<SnapshotTable> {
        if let Some(table) = fast::read(bytes, bytes.len() as u64, path)? {
            return Ok(table);
        }
        SnapshotTable::parse_reader(bytes, bytes.len() as u64, path)
    }

    /// Parses a snapshot CSV from any reader; `size` (the file's length, 0 when unknown) only
    /// pre-sizes the columns so they are not reallocated while growing.
    pub fn parse_reader<R: Read>(source: R, size: u64, path: &Path) -> Result<SnapshotTable> {
        let shown = path.display();
        let mut head = BufReader::with_capacity(crate::files::SNIFF_BYTES, source);
        let start = head.fill_buf().map_err(|e| Error::io(path, e))?;
        let bom = if start.starts_with(BOM) { BOM.len() } else { 0 };
        head.consume(bom);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(READ_BYTES)
            .from_reader(TextGuard::new(head, bom as u64));

        let mut record = csv::ByteRecord::new();
        if !next_record(&mut reader, &mut record, path)? {
            return Err(Error::input(format!(
                "{shown}: empty file (expected a header `sample,elapsed_ns,0,1,...`)"
            )));
        }
        let indices = parse_header(&record, path)?;
        let width = indices.len();
        reader.get_mut().max_line = (width as u64 + 2) * MAX_FIELD_BYTES + 2;
        let counters = counter_columns(&indices);
        let mut table = SnapshotTable::empty(path, indices);

        // One record of look-ahead: only the last record can be a line cut by a kill.
        let mut next = csv::ByteRecord::new();
        let mut have = next_record(&mut reader, &mut record, path)?;
        let mut reserved = false;
        while have {
            let more = next_record(&mut reader, &mut next, path)?;
            if !more && !reader.get_ref().ends_with_newline() {
                if plausible_prefix(&record, width) {
                    table.truncated = true;
                    break;
                }
                return Err(unterminated(&record, path));
            }
            table.push_row(&record, &counters)?;
            if !reserved && !table.samples.is_empty() {
                // Sized only after a valid row, so a hostile header cannot reserve memory.
                table.reserve(size, &record, more.then_some(&next));
                reserved = true;
            }
            std::mem::swap(&mut record, &mut next);
            have = more;
        }
        table.samples.shrink_to_fit();
        table.elapsed_ns.shrink_to_fit();
        table.columns.iter_mut().for_each(Vec::shrink_to_fit);
        Ok(table)
    }

    /// Reserves room for the rows a file of `size` bytes holds, judged by its first data row
    /// (later rows are longer as counters grow, so this errs on the side of too much; unused
    /// room is never touched, so it costs address space, not memory, and is given back).
    fn reserve(&mut self, size: u64, first: &csv::ByteRecord, second: Option<&csv::ByteRecord>) {
        let start = |r: &csv::ByteRecord| r.position().map_or(0, |p| p.byte());
        let min_row = 2 * (self.indices.len() as u64 + 2);
        let row = second.map_or(min_row, |s| start(s).saturating_sub(start(first)));
        let rows = (size.saturating_sub(start(first)) / row.max(min_row)).saturating_add(1);
        let rows = usize::try_from(rows)
            .unwrap_or(usize::MAX)
            .min(u32::MAX as usize);
        self.samples.reserve(rows);
        self.elapsed_ns.reserve(rows);
        for c in &mut self.columns {
            c.reserve(rows);
        }
    }

    /// Appends one data row after checking it against the header and the previous row.
    fn push_row(
        &mut self,
        record: &csv::ByteRecord,
        counters: &[(usize, &'static str)],
    ) -> Result<()> {
        let shown = self.path.display();
        let line_no = record.position().map_or(0, |p| p.line());
        if record.len() == 1 && record[0].is_empty() {
            return Ok(()); // blank line
        }
        let width = self.indices.len();
        if record.len() != width + 2 {
            return Err(Error::input(format!(
                "{shown}:{line_no}: expected {} fields like the header, found {}",
                width + 2,
                record.len()
            )));
        }
        let bad = |n: usize, field: &[u8]| {
            Error::input(format!(
                "{shown}:{line_no}: column {}: `{}` is not an integer",
                n + 1,
                String::from_utf8_lossy(field)
            ))
        };
        let sample = parse_u64(&record[0]).ok_or_else(|| bad(0, &record[0]))?;
        let elapsed = parse_u64(&record[1]).ok_or_else(|| bad(1, &record[1]))?;
        if let Some(&prev) = self.samples.last() {
            if sample <= prev {
                return Err(Error::input(format!(
                    "{shown}:{line_no}: sample {sample} after sample {prev}: sample numbers must strictly increase (rows repeated or out of order)"
                )));
            }
        }
        if elapsed > MAX_ELAPSED_NS {
            return Err(Error::input(format!(
                "{shown}:{line_no}: elapsed_ns {elapsed} is more than ten years; not the clock of a run"
            )));
        }
        if let Some(&prev) = self.elapsed_ns.last() {
            if elapsed < prev {
                return Err(Error::input(format!(
                    "{shown}:{line_no}: elapsed_ns goes backwards ({elapsed} after {prev})"
                )));
            }
        }
        for (c, field) in record.iter().skip(2).enumerate() {
            let v = parse_i64(field).ok_or_else(|| bad(c + 2, field))?;
            self.columns[c].push(v);
        }
        self.samples.push(sample);
        self.elapsed_ns.push(elapsed);
        for &(c, name) in counters {
            if let [.., before, now] = self.columns[c][..] {
                if is_reset(before, now) {
                    return Err(Error::input(format!(
                        "{shown}:{line_no}: counter {name} (index {}) fell from {before} to {now}, less than half: a counter only grows, so the engine restarted or was reset inside this file: split the file before line {line_no} and compare the parts separately",
                        self.indices[c]
                    )));
                }
            }
        }
        Ok(())
    }
}

/// Columns (position, dotted name) of the metrics the registry knows as counters: the ones
/// checked for resets. Indices it does not know (a newer engine's) are not checked.
fn counter_columns(indices: &[usize]) -> Vec<(usize, &'static str)> {
    indices
        .iter()
        .enumerate()
        .filter_map(|(col, &index)| {
            metric(index)
                .filter(|m| m.kind == MetricKind::Counter)
                .map(|m| (col, m.name))
        })
        .collect()
}

/// Whether a counter going from `before` to `now` was reset: it fell to less than half (see the
/// module doc for why a smaller dip is not a reset).
fn is_reset(before: i64, now: i64) -> bool {
    now < before && 2 * i128::from(now) < i128::from(before)
}

/// Reads the next record; maps a refusal of the [`TextGuard`] to its one-line message.
fn next_record<R: Read>(
    reader: &mut csv::Reader<TextGuard<R>>,
    record: &mut csv::ByteRecord,
    path: &Path,
) -> Result<bool> {
    reader.read_byte_record(record).map_err(|e| {
        if let Some((line, what)) = &reader.get_ref().problem {
            return Error::input(format!("{}:{line}: {what}", path.display()));
        }
        let line = e
            .position()
            .map(|p| format!(":{}", p.line()))
            .unwrap_or_default();
        let message = e.to_string();
        match e.into_kind() {
            csv::ErrorKind::Io(io) => Error::io(path, io),
            _ => Error::input(format!(
                "{}{line}: malformed CSV: {message}",
                path.display()
            )),
        }
    })
}

pub(super) fn newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
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
