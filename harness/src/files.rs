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

/// Moves the finished folder `tmp` to `target`. With `replace`, an existing `target` is first
/// moved aside and deleted only once the new folder is in place, so a failure never leaves
/// neither; without, the rename fails when `target` exists and is not empty, so a folder a
/// concurrent writer put there is never replaced.
pub fn install_dir(tmp: &Path, target: &Path, replace: bool) -> std::io::Result<()> {
    let mut old = None;
    if replace && target.exists() {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let aside = parent.join(format!(
            ".{name}.old-{}-{}",
            std::process::id(),
            unique_suffix()
        ));
        std::fs::rename(target, &aside)?;
        old = Some(aside);
    }
    std::fs::rename(tmp, target)?;
    if let Some(old) = old {
        let _ = std::fs::remove_dir_all(old);
    }
    Ok(())
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

/// The nearest `rel` (a path relative to a folder) from the current directory upwards that
/// passes `wanted` (e.g. `Path::is_dir`): the project's `baselines/`, `reports/` or
/// `scenarios/NAME.toml`, wherever in the repository a command runs.
pub fn find_upward(rel: impl AsRef<Path>, wanted: fn(&Path) -> bool) -> Option<PathBuf> {
    let mut dir = std::env::current_dir().ok();
    while let Some(d) = dir {
        let candidate = d.join(rel.as_ref());
        if wanted(&candidate) {
            return Some(candidate);
        }
        dir = d.parent().map(Path::to_path_buf);
    }
    None
}
