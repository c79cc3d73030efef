//! The checking reader's byte guard: every byte of a snapshot CSV passes it as the CSV parser
//! pulls it (the first kilobytes already passed [`crate::files::open_text`]).

use super::{newlines, MAX_HEADER_BYTES};
use crate::files::not_text_reason;
use std::io::{self, Read};

/// What the guard calls the file in messages.
const CSV: &str = "snapshot CSV";

/// Checks bytes as the CSV parser pulls them: refuses NUL bytes, invalid UTF-8 and overlong
/// lines at once, so a binary or garbage file costs one read, not its whole size.
pub(super) struct TextGuard<R> {
    inner: R,
    /// File offset of the next byte.
    offset: u64,
    /// Line number (1-based) of the next byte.
    line: u64,
    /// File offset where the current line began.
    line_start: u64,
    /// Longest line accepted; set from the header's width once it is known.
    pub(super) max_line: u64,
    /// Start of a UTF-8 sequence cut by the end of the previous read.
    carry: Vec<u8>,
    /// Last byte read, to tell a terminated last line from one cut by a kill.
    last: Option<u8>,
    /// Why reading stopped: line and message.
    pub(super) problem: Option<(u64, String)>,
}

impl<R: Read> TextGuard<R> {
    pub(super) fn new(inner: R, offset: u64) -> TextGuard<R> {
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
    pub(super) fn ends_with_newline(&self) -> bool {
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
            return Err(self.refuse(line, not_text_reason(CSV, &what, at)));
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
            return Err(self.refuse(line, not_text_reason(CSV, "UTF-8 sequence cut off", at)));
        }
        self.inspect(&buf[..n])?;
        Ok(n)
    }
}
