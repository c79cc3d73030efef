//! The reader for plain, valid files, about five times faster than the checking reader: ASCII
//! digits, `-` and commas, `\n` or `\r\n` line ends, every line terminated, no blank line, every
//! row passing every check of [`SnapshotTable::push_row`]. It reads the file in blocks (memory:
//! the columns plus one block) and parses the integers straight off the bytes. It never words an
//! error: on anything else it answers `None` and the checking reader reads the file again and
//! decides, so the accepted files, the values and every message stay those of the checking
//! reader.

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
