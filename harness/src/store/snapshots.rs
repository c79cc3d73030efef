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
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Largest `elapsed_ns` accepted: ten years. A run's clock never gets there; a value at the
/// type's limit is a corrupt or fabricated file.
pub const MAX_ELAPSED_NS: u64 = 10 * 36_525 * 86_400 * 10_000_000;

const BOM: &[u8] = b"\xEF\xBB\xBF";
/// Bytes sniffed before the CSV parser starts: the "first kilobytes" a binary file is caught in.
const SNIFF_BYTES: usize = 8 * 1024;
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
    pub fn read(path: &Path) -> Result<SnapshotTable> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let meta = file.metadata().map_err(|e| Error::io(path, e))?;
        if meta.is_dir() {
            return Err(Error::input(format!(
                "{}: is a folder, not a snapshot CSV",
                path.display()
            )));
        }
        if let Some(table) = fast::read(file, meta.len(), path)? {
            return Ok(table);
        }
        // Anything the fast reader does not vouch for is read again by the checking reader,
        // which gives the exact one-line error (or accepts what the fast reader declined).
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        SnapshotTable::parse_reader(file, meta.len(), path)
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
        let mut head = BufReader::with_capacity(SNIFF_BYTES, source);
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

/// The metric indices of a header record (line 1).
fn parse_header(record: &csv::ByteRecord, path: &Path) -> Result<Vec<usize>> {
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
fn unterminated(record: &csv::ByteRecord, path: &Path) -> Error {
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
fn plausible_prefix(record: &csv::ByteRecord, width: usize) -> bool {
    let n = record.len();
    n > 0
        && n <= width + 2
        && record.iter().enumerate().all(|(i, f)| {
            let digits = f.strip_prefix(b"-").unwrap_or(f);
            digits.iter().all(u8::is_ascii_digit) && (i + 1 == n || !digits.is_empty())
        })
}

/// Checks bytes as the CSV parser pulls them: refuses NUL bytes, invalid UTF-8 and overlong
/// lines at once, so a binary or garbage file costs one read, not its whole size.
struct TextGuard<R> {
    inner: R,
    /// File offset of the next byte.
    offset: u64,
    /// Line number (1-based) of the next byte.
    line: u64,
    /// File offset where the current line began.
    line_start: u64,
    /// Longest line accepted; set from the header's width once it is known.
    max_line: u64,
    /// Start of a UTF-8 sequence cut by the end of the previous read.
    carry: Vec<u8>,
    /// Last byte read, to tell a terminated last line from one cut by a kill.
    last: Option<u8>,
    /// Why reading stopped: line and message.
    problem: Option<(u64, String)>,
}

impl<R: Read> TextGuard<R> {
    fn new(inner: R, offset: u64) -> TextGuard<R> {
        TextGuard {
            inner,
            offset,
            line: 1,
            line_start: offset,
            max_line: MAX_HEADER_BYTES,
            carry: Vec::new(),
            last: None,
            problem: None,
        }
    }

    /// True when the input so far is empty or ends with a line break.
    fn ends_with_newline(&self) -> bool {
        matches!(self.last, None | Some(b'\n' | b'\r'))
    }

    fn refuse(&mut self, line: u64, what: String) -> io::Error {
        let err = io::Error::new(io::ErrorKind::InvalidData, what.clone());
        self.problem = Some((line, what));
        err
    }

    fn inspect(&mut self, chunk: &[u8]) -> io::Result<()> {
        // The first offending byte: a NUL, or the start of invalid UTF-8 (which may lie in the
        // bytes carried over from the previous chunk: a negative position).
        let nul = if chunk.contains(&0) {
            // `contains` is the word-at-a-time search; the position only on the error path.
            let p = chunk.iter().position(|&b| b == 0).unwrap_or(0);
            Some((p as i64, "NUL byte".to_string()))
        } else {
            None
        };
        let utf8 = if !self.carry.is_empty() || !chunk.is_ascii() {
            self.check_utf8(chunk)
        } else {
            None
        };
        let first = match (nul, utf8) {
            (Some(n), Some(u)) => Some(if u.0 < n.0 { u } else { n }),
            (n, u) => n.or(u),
        };
        if let Some((p, what)) = first {
            let before = usize::try_from(p).unwrap_or(0);
            let line = self.line + newlines(&chunk[..before]);
            let at = self.offset.saturating_add_signed(p);
            return Err(self.refuse(
                line,
                format!("not a text snapshot CSV ({what} at byte {at})"),
            ));
        }
        let n = newlines(chunk);
        if n > 0 {
            let last = chunk.iter().rposition(|&b| b == b'\n').unwrap_or(0);
            self.line += n;
            self.line_start = self.offset + last as u64 + 1;
        }
        self.offset += chunk.len() as u64;
        if let Some(&b) = chunk.last() {
            self.last = Some(b);
        }
        if self.offset - self.line_start > self.max_line {
            let (line, max) = (self.line, self.max_line);
            return Err(self.refuse(
                line,
                format!("not a snapshot CSV (a line longer than {max} bytes, more than any row of the header's width)"),
            ));
        }
        Ok(())
    }

    /// Validates `chunk` as the continuation of the UTF-8 text read so far; the first invalid
    /// byte's position relative to the chunk's start, and what it is.
    fn check_utf8(&mut self, chunk: &[u8]) -> Option<(i64, String)> {
        let carried = self.carry.len() as i64;
        let mut data = std::mem::take(&mut self.carry);
        data.extend_from_slice(chunk);
        match std::str::from_utf8(&data) {
            Ok(_) => None,
            Err(e) if e.error_len().is_none() => {
                self.carry = data[e.valid_up_to()..].to_vec();
                None
            }
            Err(e) => {
                let bad = e.valid_up_to();
                Some((
                    bad as i64 - carried,
                    format!("invalid UTF-8 byte 0x{:02X}", data[bad]),
                ))
            }
        }
    }
}

impl<R: Read> Read for TextGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some((_, what)) = &self.problem {
            return Err(io::Error::new(io::ErrorKind::InvalidData, what.clone()));
        }
        let n = loop {
            match self.inner.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        if n == 0 && !buf.is_empty() && !self.carry.is_empty() {
            let (line, at) = (self.line, self.offset - self.carry.len() as u64);
            return Err(self.refuse(
                line,
                format!("not a text snapshot CSV (UTF-8 sequence cut off at byte {at})"),
            ));
        }
        self.inspect(&buf[..n])?;
        Ok(n)
    }
}

/// The reader for plain, valid files, about five times faster than the checking reader: ASCII
/// digits, `-` and commas, `\n` or `\r\n` line ends, every line terminated, no blank line, every
/// row passing every check of [`SnapshotTable::push_row`]. It reads the file in blocks (memory:
/// the columns plus one block) and parses the integers straight off the bytes. It never words an
/// error: on anything else it answers `None` and the checking reader reads the file again and
/// decides, so the accepted files, the values and every message stay those of the checking
/// reader.
mod fast {
    use super::{
        counter_columns, is_reset, parse_header, Error, Result, SnapshotTable, BOM, MAX_ELAPSED_NS,
    };
    use std::io::{self, Read};
    use std::path::Path;

    /// Bytes read at a time; also the longest line the fast reader handles.
    const BLOCK: usize = 4 << 20;
    /// Most digits parsed: 19 never overflow a `u64`; longer numbers go to the checking reader.
    const MAX_DIGITS: usize = 19;

    /// The table, or `None` when the checking reader must decide; `Err` only for I/O errors.
    pub(super) fn read<R: Read>(
        mut source: R,
        size: u64,
        path: &Path,
    ) -> Result<Option<SnapshotTable>> {
        let mut buf = vec![0u8; BLOCK];
        let (mut len, mut eof) = (0usize, false);
        let mut state: Option<State> = None;
        let mut consumed: u64 = 0;
        loop {
            while len < buf.len() && !eof {
                match source.read(&mut buf[len..]) {
                    Ok(0) => eof = true,
                    Ok(n) => len += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(Error::io(path, e)),
                }
            }
            if len == 0 && eof {
                break;
            }
            let Some(last) = buf[..len].iter().rposition(|&b| b == b'\n') else {
                return Ok(None); // unterminated last line, or a line longer than a block
            };
            let mut lines = &buf[..=last];
            if consumed == 0 && lines.starts_with(BOM) {
                lines = &lines[BOM.len()..];
            }
            if lines.contains(&0) || !lines.is_ascii() {
                return Ok(None);
            }
            let st = match state.as_mut() {
                Some(st) => st,
                None => {
                    let end = lines.iter().position(|&b| b == b'\n').unwrap_or(0);
                    let Some(st) = State::new(strip_cr(&lines[..end]), path) else {
                        return Ok(None);
                    };
                    lines = &lines[end + 1..];
                    state.insert(st)
                }
            };
            if !st.rows(lines, size) {
                return Ok(None);
            }
            consumed += last as u64 + 1;
            buf.copy_within(last + 1..len, 0);
            len -= last + 1;
        }
        let Some(st) = state else {
            return Ok(None); // empty file
        };
        let mut t = st.table;
        t.samples.shrink_to_fit();
        t.elapsed_ns.shrink_to_fit();
        t.columns.iter_mut().for_each(Vec::shrink_to_fit);
        Ok(Some(t))
    }

    fn strip_cr(line: &[u8]) -> &[u8] {
        line.strip_suffix(b"\r").unwrap_or(line)
    }

    /// The table being filled and what checking a row needs.
    struct State {
        table: SnapshotTable,
        /// Columns of the counters the registry knows.
        counters: Vec<usize>,
        /// One row's values: sample, elapsed_ns, then the metrics.
        row: Vec<i64>,
        reserved: bool,
    }

    impl State {
        fn new(header: &[u8], path: &Path) -> Option<State> {
            let record = csv::ByteRecord::from(header.split(|&b| b == b',').collect::<Vec<_>>());
            let indices = parse_header(&record, path).ok()?;
            let counters = counter_columns(&indices)
                .into_iter()
                .map(|(col, _)| col)
                .collect();
            let width = indices.len();
            Some(State {
                table: SnapshotTable::empty(path, indices),
                counters,
                row: vec![0; width + 2],
                reserved: false,
            })
        }

        /// Appends the rows of `lines` (whole lines); false at the first one it cannot vouch for.
        fn rows(&mut self, lines: &[u8], size: u64) -> bool {
            let mut rest = lines;
            while !rest.is_empty() {
                let Some(taken) = parse_row(rest, &mut self.row) else {
                    return false;
                };
                let line = &rest[..taken];
                rest = &rest[taken..];
                let (sample, elapsed) = (self.row[0] as u64, self.row[1] as u64);
                let t = &mut self.table;
                if t.samples.last().is_some_and(|&prev| sample <= prev)
                    || elapsed > MAX_ELAPSED_NS
                    || t.elapsed_ns.last().is_some_and(|&prev| elapsed < prev)
                {
                    return false;
                }
                if !self.reserved {
                    // Sized from the first row (later rows are longer as counters grow, so
                    // this errs on the side of too much: address space, given back at the end).
                    let min_row = 2 * (t.indices.len() as u64 + 2);
                    let rows = (size / (line.len() as u64).max(min_row)).saturating_add(1);
                    let rows = usize::try_from(rows)
                        .unwrap_or(usize::MAX)
                        .min(u32::MAX as usize);
                    t.samples.reserve(rows);
                    t.elapsed_ns.reserve(rows);
                    t.columns.iter_mut().for_each(|c| c.reserve(rows));
                    self.reserved = true;
                }
                for &c in &self.counters {
                    if let Some(&before) = t.columns[c].last() {
                        if is_reset(before, self.row[c + 2]) {
                            return false;
                        }
                    }
                }
                for (column, &v) in t.columns.iter_mut().zip(&self.row[2..]) {
                    column.push(v);
                }
                t.samples.push(sample);
                t.elapsed_ns.push(elapsed);
            }
            true
        }
    }

    /// Parses the line at the start of `bytes` into `out` (exactly `out.len()` fields, the
    /// first two not negative, ended by `\n` or `\r\n`); the bytes it took, or `None` on
    /// anything else. One pass: the line end is found by the same loop that reads the digits.
    fn parse_row(bytes: &[u8], out: &mut [i64]) -> Option<usize> {
        let (mut k, mut v, mut digits, mut negative) = (0usize, 0u64, 0usize, false);
        let mut finish = |k: usize, v: u64, digits: usize, negative: bool| -> bool {
            if digits == 0 || v > i64::MAX as u64 || (negative && k < 2) {
                return false;
            }
            match out.get_mut(k) {
                Some(slot) => {
                    *slot = if negative { -(v as i64) } else { v as i64 };
                    true
                }
                None => false,
            }
        };
        for (i, &b) in bytes.iter().enumerate() {
            let d = b.wrapping_sub(b'0');
            if d <= 9 {
                if digits == MAX_DIGITS {
                    return None;
                }
                v = v * 10 + u64::from(d);
                digits += 1;
            } else if b == b',' {
                if !finish(k, v, digits, negative) {
                    return None;
                }
                (k, v, digits, negative) = (k + 1, 0, 0, false);
            } else if b == b'-' && digits == 0 && !negative {
                negative = true;
            } else {
                let end = match (b, bytes.get(i + 1)) {
                    (b'\n', _) => i + 1,
                    (b'\r', Some(b'\n')) => i + 2,
                    _ => return None,
                };
                return (finish(k, v, digits, negative) && k + 1 == out.len()).then_some(end);
            }
        }
        None
    }
}

fn newlines(bytes: &[u8]) -> u64 {
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

    fn parse_bytes(bytes: &[u8]) -> Result<SnapshotTable> {
        SnapshotTable::parse(bytes, Path::new("x.csv"))
    }

    /// The error message, checked to be one line.
    fn error(r: Result<SnapshotTable>) -> String {
        let e = r.unwrap_err().to_string();
        assert!(!e.contains('\n'), "{e:?}");
        e
    }

    /// A reader that hands out one byte per call, like a slow pipe: every boundary is hit.
    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((&b, rest)), Some(slot)) => {
                    *slot = b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
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
        assert!(!t.truncated);
    }

    #[test]
    fn a_header_alone_is_an_empty_table_not_an_error() {
        for text in ["sample,elapsed_ns,0,1\n", "sample,elapsed_ns,0,1"] {
            let t = parse(text).unwrap();
            assert_eq!((t.rows(), t.indices.len()), (0, 2));
        }
    }

    #[test]
    fn streams_and_matches_parsing_in_memory() {
        let rows: Vec<Vec<i64>> = (0..500).map(|k| vec![k * 7, k, -k, 3]).collect();
        let text = csv(4, &rows);
        let whole = parse(&text).unwrap();
        let trickled =
            SnapshotTable::parse_reader(Trickle(text.as_bytes()), 0, Path::new("x.csv")).unwrap();
        assert_eq!(whole, trickled);
        assert_eq!(whole.rows(), 500);
        let dir = std::env::temp_dir().join(format!("statbench-snap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("s.csv");
        std::fs::write(&file, &text).unwrap();
        let read = SnapshotTable::read(&file).unwrap();
        assert_eq!(read.columns, whole.columns);
        let e = SnapshotTable::read(&dir).unwrap_err().to_string();
        assert!(e.ends_with("is a folder, not a snapshot CSV"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn drops_an_incomplete_last_line_only_when_it_could_be_a_cut_row() {
        let good = csv(3, &[vec![1, 2, 3], vec![4, 5, 6]]);
        for tail in ["2,200,7,8", "2,200,7,", "2", "2,200,-", "2,200,7,8,9"] {
            let t = parse(&format!("{good}{tail}")).unwrap();
            assert_eq!(t.rows(), 2, "{tail:?}");
            assert!(t.truncated, "{tail:?}");
        }
        for tail in ["2,200,x", "2,200,7,8,9,10", "hello", "2,,7", " ", "1\t2"] {
            let e = error(parse(&format!("{good}{tail}")));
            let want = "x.csv:4: the last line has no line break and is not a row cut short";
            assert!(e.starts_with(want), "{tail:?}: {e:?}");
        }
    }

    #[test]
    fn nul_bytes_are_refused_with_line_and_offset() {
        let header = "sample,elapsed_ns,0,1,2\n";
        let mut bytes = header.as_bytes().to_vec();
        bytes.extend(std::iter::repeat_n(0u8, 100_000));
        let e = error(parse_bytes(&bytes));
        assert_eq!(
            e,
            format!(
                "x.csv:2: not a text snapshot CSV (NUL byte at byte {})",
                header.len()
            )
        );
        let e = error(parse_bytes(b"sample,elap\0sed_ns,0\n0,0,1\n"));
        assert_eq!(e, "x.csv:1: not a text snapshot CSV (NUL byte at byte 11)");
        let mut late = csv(3, &(0..2000).map(|k| vec![k, k, 1]).collect::<Vec<_>>());
        let at = late.len();
        late.push_str("2000,200000,1,\0,1\n");
        let e = error(parse(&late));
        assert_eq!(
            e,
            format!(
                "x.csv:2002: not a text snapshot CSV (NUL byte at byte {})",
                at + 14
            )
        );
    }

    #[test]
    fn an_endless_binary_or_garbage_stream_stops_after_a_few_kilobytes() {
        // Infinite inputs: finishing at all proves nothing is slurped.
        let cases: [(Box<dyn Read>, &str); 3] = [
            (
                Box::new(b"sample,elapsed_ns,0\n".chain(io::repeat(0))),
                "x.csv:2: not a text snapshot CSV (NUL byte at byte 20)",
            ),
            (
                Box::new(io::repeat(0xFF)),
                "x.csv:1: not a text snapshot CSV (invalid UTF-8 byte 0xFF at byte 0)",
            ),
            (
                Box::new(b"sample,elapsed_ns,0\n".chain(io::repeat(b'7'))),
                "x.csv:2: not a snapshot CSV (a line longer than 74 bytes",
            ),
        ];
        for (source, want) in cases {
            let e = error(SnapshotTable::parse_reader(source, 0, Path::new("x.csv")));
            assert!(e.starts_with(want), "{e:?}");
        }
        let e = error(SnapshotTable::parse_reader(
            io::repeat(b'a'),
            0,
            Path::new("x.csv"),
        ));
        assert!(e.contains("line longer than 1048576 bytes"), "{e}");
    }

    #[test]
    fn invalid_utf8_is_refused_but_split_sequences_are_not() {
        let e = error(parse_bytes(b"sample,elapsed_ns,0\n0,0,1\n1,5,\xC3\x28\n"));
        assert_eq!(
            e,
            "x.csv:3: not a text snapshot CSV (invalid UTF-8 byte 0xC3 at byte 30)"
        );
        // Valid UTF-8 that is not a number, split over reads: an integer error, not "binary".
        let text = "sample,elapsed_ns,0\n0,0,1\n1,5,é\n";
        let e = error(SnapshotTable::parse_reader(
            Trickle(text.as_bytes()),
            0,
            Path::new("x.csv"),
        ));
        assert_eq!(e, "x.csv:3: column 3: `é` is not an integer");
        let e = error(SnapshotTable::parse_reader(
            Trickle(b"sample,elapsed_ns,0\n0,0,1\n1,5,\xC3"),
            0,
            Path::new("x.csv"),
        ));
        assert_eq!(
            e,
            "x.csv:3: not a text snapshot CSV (UTF-8 sequence cut off at byte 30)"
        );
    }

    #[test]
    fn samples_must_increase_and_time_must_stay_sane() {
        let good = csv(3, &[vec![1, 2, 3], vec![4, 5, 6], vec![7, 8, 9]]);
        let cases = [
            (
                good.replace("\n2,200,", "\n1,200,"),
                "x.csv:4: sample 1 after sample 1: sample numbers must strictly increase",
            ),
            (
                good.replace("\n2,200,", "\n0,200,"),
                "x.csv:4: sample 0 after sample 1",
            ),
            (
                good.replace("\n2,200,", &format!("\n2,{},", u64::MAX)),
                "x.csv:4: elapsed_ns 18446744073709551615 is more than ten years",
            ),
            (
                good.replace("\n2,200,", &format!("\n2,{},", MAX_ELAPSED_NS + 1)),
                "x.csv:4: elapsed_ns 315576000000000001 is more than ten years",
            ),
            (
                good.replace("\n2,200,", "\n2,50,"),
                "x.csv:4: elapsed_ns goes backwards (50 after 100)",
            ),
        ];
        for (text, want) in cases {
            let e = error(parse(&text));
            assert!(e.starts_with(want), "{e:?} does not start with {want:?}");
        }
        // Gaps in sample numbers, equal times and the bound itself are fine.
        let ok = good
            .replace("\n2,200,", &format!("\n9,{MAX_ELAPSED_NS},"))
            .replace("\n1,100,", "\n1,0,");
        assert_eq!(parse(&ok).unwrap().samples, vec![0, 1, 9]);
    }

    #[test]
    fn a_reset_counter_is_an_error_naming_metric_line_and_values() {
        // Index 0 is `net.bytes_sent`, a counter; index 2 `net.num_connections`, a gauge.
        let text = csv(3, &[vec![10, 2, 3], vec![500, 5, 6], vec![20, 8, 1]]);
        let e = error(parse(&text));
        assert_eq!(
            e,
            "x.csv:4: counter net.bytes_sent (index 0) fell from 500 to 20, less than half: a \
             counter only grows, so the engine restarted or was reset inside this file: split \
             the file before line 4 and compare the parts separately"
        );
        for (before, now, reset) in [
            (500, 249, true),
            (500, 250, false),
            (1, 0, true),
            (0, -1, true),
            (i64::MAX, i64::MAX / 2, true),
            (i64::MAX, i64::MAX / 2 + 1, false),
            (7, 7, false),
        ] {
            assert_eq!(is_reset(before, now), reset, "{before} → {now}");
        }
        // A dip by one update's value, as a snapshot taken inside an `extra_work` pair shows
        // (a real +16384, then +16384/−16384 caught half done), is not a reset.
        let t = parse(&csv(
            3,
            &[vec![0, 0, 0], vec![32768, 0, 0], vec![16384, 0, 0]],
        ))
        .unwrap();
        assert_eq!(t.column(0), Some(&[0, 32768, 16384][..]));
        // Gauges move both ways.
        let t = parse(&csv(3, &[vec![1, 2, 9], vec![4, 5, 1]])).unwrap();
        assert_eq!(t.column(2), Some(&[9, 1][..]));
    }

    #[test]
    fn counters_are_told_from_gauges_by_the_registry() {
        // Every registry counter is checked, no gauge is (derived rates and uptime included),
        // and indices the registry does not know are left alone.
        let width = 118;
        let first: Vec<i64> = vec![5; width];
        for index in 0..width {
            let mut second = first.clone();
            second[index] = 1;
            let text = csv(width, &[first.clone(), second]);
            let kind = metric(index).map(|m| m.kind);
            match parse(&text) {
                Ok(_) => assert_ne!(kind, Some(MetricKind::Counter), "index {index}"),
                Err(e) => {
                    assert_eq!(kind, Some(MetricKind::Counter), "index {index}: {e}");
                    let name = metric(index).unwrap().name;
                    assert!(e
                        .to_string()
                        .contains(&format!("counter {name} (index {index})")));
                }
            }
        }
        for gauge in [
            session_stats::BW_UPLOAD_RATE,
            session_stats::SES_UPTIME_SECS,
            session_stats::EVENT_TX_HIGH_WATER,
        ] {
            assert_eq!(metric(gauge).unwrap().kind, MetricKind::Gauge);
        }
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
                good.replace("4,5,6", "4,5,6,7"),
                "x.csv:3: expected 5 fields like the header, found 6",
            ),
            (
                good.replace("4,5,6", "4,5.5,6"),
                "x.csv:3: column 4: `5.5` is not an integer",
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
            ("\n\n".to_string(), "x.csv: empty file"),
        ];
        for (text, want) in cases {
            let e = error(parse(&text));
            assert!(e.starts_with(want), "{e:?} does not start with {want:?}");
        }
    }

    #[test]
    fn the_fast_reader_agrees_with_the_checking_reader_or_declines() {
        let slow = |b: &[u8]| SnapshotTable::parse_reader(b, 0, Path::new("x.csv"));
        let fast = |b: &[u8]| fast::read(b, b.len() as u64, Path::new("x.csv")).unwrap();
        // Index 2 is a gauge: negative values and the type's limit are plain.
        let rows: Vec<Vec<i64>> = (0..300)
            .map(|k| vec![k * 7, k, if k % 2 == 0 { -k } else { i64::MAX - k }])
            .collect();
        let good = csv(3, &rows);
        let plain = [
            good.clone(),
            format!("\u{FEFF}{}", good.replace('\n', "\r\n")),
            "sample,elapsed_ns,0\n".to_string(),
        ];
        for text in &plain {
            let f = fast(text.as_bytes()).expect("a plain file is read by the fast reader");
            assert_eq!(f, slow(text.as_bytes()).unwrap());
        }
        // Everything else is left to the checking reader (which accepts or words the error).
        let declined = [
            good.replace("\n5,500,", "\n\n5,500,"),
            good.replace("\n5,500,", "\n\"5\",500,"),
            good.replace("\n5,500,", "\n5,500,+"),
            good.replace("\n5,500,", "\n5,-500,"),
            good.replace("\n5,500,", "\n5,500,,"),
            good.replace("\n5,500,35,", "\n5,500,35,1,"),
            good.replace("\n5,500,35,", "\n5,399,35,"),
            good.replace("\n5,500,35,", "\n4,500,35,"),
            good.replace("\n5,500,35,", "\n5,500,1,"),
            good.replace("\n5,500,35,", "\n5,500\r35,"),
            good.replace("\n5,500,35,", &format!("\n5,500,{},", i64::MIN)),
            good.replace("\n5,500,35,", &format!("\n5,{},35,", MAX_ELAPSED_NS + 1)),
            good.replace("\n5,500,35,", "\n5,500,35é,"),
            good.replace("\n5,500,35,", "\n5,500,3\x005,"),
            good.replace("\n5,500,35,", "\n5,500,99999999999999999999,"),
            good.replace("sample,", "smple,"),
            good.trim_end().to_string(),
            String::new(),
        ];
        for (case, text) in declined.iter().enumerate() {
            assert!(fast(text.as_bytes()).is_none(), "case {case}");
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
