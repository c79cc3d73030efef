//! File-system rules every stage shares: atomic writes and run folders that never overwrite.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically (temp file in the same folder, fsync, rename: a reader
/// or a crash sees the old file or the new one); the one implementation is session-stats',
/// which an engine's recorder uses too.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<()> {
    session_stats::recorder::atomic_write(path, bytes).map_err(|e| Error::io(path, e))
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

/// Moves the finished folder `tmp` to `target`. With `replace`, an existing `target` is swapped
/// with `tmp` in one step where the OS can (Linux `renameat2(RENAME_EXCHANGE)`: a reader never
/// finds `target` missing), else moved aside first; the old folder is deleted only once the new
/// one is in place, so a failure never leaves neither. Without `replace`, the rename fails when
/// `target` exists and is not empty, so a folder a concurrent writer put there is never replaced.
pub fn install_dir(tmp: &Path, target: &Path, replace: bool) -> std::io::Result<()> {
    if !replace {
        return std::fs::rename(tmp, target);
    }
    if target.exists() && exchange(tmp, target).is_ok() {
        // `tmp` now holds the old folder.
        let _ = std::fs::remove_dir_all(tmp);
        return Ok(());
    }
    let mut old = None;
    if target.exists() {
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

/// Swaps two existing paths atomically (Linux); an error (old kernel, a file system without
/// support, a path gone) makes the caller fall back to two renames.
#[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
    };
    let (ca, cb) = (c(a)?, c(b)?);
    // SAFETY: both are valid NUL-terminated paths that outlive the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Elsewhere there is no atomic swap: [`install_dir`] moves the old folder aside first.
#[cfg(not(all(target_os = "linux", any(target_env = "gnu", target_env = "musl"))))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Whether a temporary folder that process `pid` left (`.NAME.tmp-PID-…`) may be removed: that
/// process has ended (Linux: no `/proc/PID`), or, where that cannot be told, the folder has not
/// changed for an hour. A live writer's folder, this process's included, is never stale.
pub fn leftover_is_stale(pid: u32, path: &Path) -> bool {
    if pid == std::process::id() {
        return false;
    }
    if Path::new("/proc/self").is_dir() {
        return !Path::new("/proc").join(pid.to_string()).exists();
    }
    path.symlink_metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age > std::time::Duration::from_secs(3600))
}

/// Creates a new folder `<parent>/<stem>-<UTC timestamp>` (with `-2`, `-3`, ... if taken);
/// `create_dir` fails on an existing folder, so two concurrent runs never share one.
#[cfg(feature = "cli")]
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
