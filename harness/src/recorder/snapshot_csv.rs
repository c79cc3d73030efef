//! The snapshot CSV contract: `sample,elapsed_ns,0..N-1`, integers only, one row per sample,
//! flushed to the OS as it is taken, so a killed run leaves every complete line readable.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// File name of the snapshot series inside a run folder.
pub const SNAPSHOTS_FILE: &str = "snapshots.csv";

/// Streams snapshot rows to a new file (never an existing one).
#[derive(Debug)]
pub struct SnapshotWriter {
    path: PathBuf,
    file: File,
    line: Vec<u8>,
    width: usize,
}

impl SnapshotWriter {
    /// Creates `path` (refusing an existing file) and writes the header for `width` metrics.
    pub fn create(path: &Path, width: usize) -> Result<SnapshotWriter> {
        let file = File::options()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| Error::io(path, e))?;
        let mut w = SnapshotWriter {
            path: path.to_path_buf(),
            file,
            line: Vec::with_capacity(16 * (width + 2)),
            width,
        };
        w.line.extend_from_slice(b"sample,elapsed_ns");
        for i in 0..width {
            write!(w.line, ",{i}").expect("write to Vec");
        }
        w.line.push(b'\n');
        w.flush_line()?;
        Ok(w)
    }

    /// Appends one row; the whole line goes to the OS in one `write`, so a kill leaves at most
    /// one partial line at the end, which readers ignore.
    pub fn write_row(&mut self, sample: u64, elapsed_ns: u64, values: &[i64]) -> Result<()> {
        assert_eq!(values.len(), self.width, "snapshot width changed mid-run");
        write!(self.line, "{sample},{elapsed_ns}").expect("write to Vec");
        for v in values {
            write!(self.line, ",{v}").expect("write to Vec");
        }
        self.line.push(b'\n');
        self.flush_line()
    }

    fn flush_line(&mut self) -> Result<()> {
        let r = self.file.write_all(&self.line);
        self.line.clear();
        r.map_err(|e| Error::io(&self.path, e))
    }

    /// Forces the data to disk (end of run), so a power cut cannot lose a finished run.
    pub fn sync(&self) -> Result<()> {
        self.file.sync_data().map_err(|e| Error::io(&self.path, e))
    }
}
