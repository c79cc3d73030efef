//! The snapshot CSV contract: `sample,elapsed_ns,0..N-1`, integers only, one row per sample,
//! handed to the OS as it is taken, so a killed run leaves every complete line readable.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// File name of the snapshot series inside a run folder.
pub const SNAPSHOTS_FILE: &str = "snapshots.csv";

/// Streams snapshot rows to a new file (never an existing one). The one writer of the format:
/// statbench's runs and an engine's [`Recorder`](super::Recorder) both use it.
#[derive(Debug)]
pub struct SnapshotWriter {
    file: File,
    line: Vec<u8>,
    width: usize,
}

impl SnapshotWriter {
    /// Creates `path` (refusing an existing file) and writes the header for `width` metrics.
    pub fn create(path: &Path, width: usize) -> io::Result<SnapshotWriter> {
        let file = File::options().write(true).create_new(true).open(path)?;
        let mut w = SnapshotWriter {
            file,
            line: Vec::with_capacity(16 * (width + 2)),
            width,
        };
        w.line.extend_from_slice(b"sample,elapsed_ns");
        for i in 0..width {
            w.line.push(b',');
            push_int(&mut w.line, i as i64);
        }
        w.line.push(b'\n');
        w.flush_line()?;
        Ok(w)
    }

    /// Number of metric columns.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Appends one row; the whole line goes to the OS in one `write`, so a kill leaves at most
    /// one partial line at the end, which readers ignore. Panics if `values.len()` is not the
    /// header's width (a caller bug, not input).
    pub fn write_row(&mut self, sample: u64, elapsed_ns: u64, values: &[i64]) -> io::Result<()> {
        assert_eq!(values.len(), self.width, "snapshot width changed mid-run");
        push_uint(&mut self.line, sample);
        self.line.push(b',');
        push_uint(&mut self.line, elapsed_ns);
        for &v in values {
            self.line.push(b',');
            push_int(&mut self.line, v);
        }
        self.line.push(b'\n');
        self.flush_line()
    }

    fn flush_line(&mut self) -> io::Result<()> {
        let r = self.file.write_all(&self.line);
        self.line.clear();
        r
    }

    /// Forces the data to disk (end of run), so a power cut cannot lose a finished run.
    pub fn sync(&self) -> io::Result<()> {
        self.file.sync_data()
    }
}

/// Decimal digits of `v` (no allocation, no `fmt` machinery: a row is ~100 of these).
fn push_uint(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

fn push_int(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    push_uint(out, v.unsigned_abs());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_print_like_display() {
        for v in [0, 1, -1, 9, 10, 99, -100, 123_456_789, i64::MAX, i64::MIN] {
            let mut out = Vec::new();
            push_int(&mut out, v);
            assert_eq!(String::from_utf8(out).unwrap(), v.to_string());
        }
        let mut out = Vec::new();
        push_uint(&mut out, u64::MAX);
        assert_eq!(String::from_utf8(out).unwrap(), u64::MAX.to_string());
    }

    #[test]
    fn rows_follow_the_header_and_an_existing_file_is_refused() {
        let dir = std::env::temp_dir().join(format!("ss-csv-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(SNAPSHOTS_FILE);
        let _ = std::fs::remove_file(&path);
        let mut w = SnapshotWriter::create(&path, 3).unwrap();
        w.write_row(0, 0, &[0, 0, 0]).unwrap();
        w.write_row(1, 50_000_000, &[5, -2, 7]).unwrap();
        w.sync().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "sample,elapsed_ns,0,1,2\n0,0,0,0,0\n1,50000000,5,-2,7\n"
        );
        let e = SnapshotWriter::create(&path, 3).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
