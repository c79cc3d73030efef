//! File-system rules every stage shares: atomic writes and run folders that never overwrite.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically: a temp file in the same folder, fsync, then rename, so a
/// reader (or a crash) sees the old file or the new one, never half of either.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        unique_suffix()
    ));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
}

/// A process-wide counter plus the time, so two writers in one process never share a temp name.
pub fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{nanos:x}{}", N.fetch_add(1, Ordering::Relaxed))
}

/// Creates `dir` for new output; an existing non-empty folder is refused (nothing is
/// overwritten silently).
pub fn create_fresh_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .next()
            .is_none();
        if !empty {
            return Err(Error::input(format!(
                "{}: already exists and is not empty; choose another --out or remove it",
                dir.display()
            )));
        }
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))
}

/// Creates a new folder `<parent>/<stem>-<UTC timestamp>` (with `-2`, `-3`, ... if taken);
/// `create_dir` fails on an existing folder, so two concurrent runs never share one.
pub fn create_unique_dir(parent: &Path, stem: &str) -> Result<PathBuf> {
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let stamp = timestamp_for_names(std::time::SystemTime::now());
    for n in 1..10_000 {
        let name = if n == 1 {
            format!("{stem}-{stamp}")
        } else {
            format!("{stem}-{stamp}-{n}")
        };
        let dir = parent.join(name);
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io(&dir, e)),
        }
    }
    Err(Error::input(format!(
        "{}: too many runs named {stem}-{stamp}",
        parent.display()
    )))
}

/// `YYYYmmdd-HHMMSS` in UTC: sorts by time and is safe in file names.
pub fn timestamp_for_names(t: std::time::SystemTime) -> String {
    let s = humantime::format_rfc3339_seconds(t).to_string(); // 2026-11-25T08:44:09Z
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    format!("{}-{}", &digits[..8], &digits[8..14])
}

/// The nearest `name` folder from the current directory upwards (the project's `baselines/`
/// or `scenarios/`, wherever in the repository a command runs).
pub fn find_upward(name: &str) -> Option<PathBuf> {
    let mut dir = std::env::current_dir().ok();
    while let Some(d) = dir {
        let candidate = d.join(name);
        if candidate.is_dir() {
            return Some(candidate);
        }
        dir = d.parent().map(Path::to_path_buf);
    }
    None
}
