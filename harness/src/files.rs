//! File-system rules every stage shares: atomic writes, run folders that never overwrite, and
//! the one guard a text file (run.json, snapshot CSV, scenario TOML) passes before it is parsed.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Bytes of a text file inspected before anything reads further: a binary file (a file of NUL
/// bytes, whatever its size) is refused after one read of at most this many.
pub const SNIFF_BYTES: usize = 8 * 1024;

/// The first byte of `bytes` no text file holds: its offset and what it is (a NUL byte, an
/// invalid UTF-8 byte; with `complete`, also a UTF-8 sequence cut off by the end).
pub fn first_non_text(bytes: &[u8], complete: bool) -> Option<(usize, String)> {
    let nul = bytes.iter().position(|&b| b == 0);
    let utf8 = match std::str::from_utf8(bytes) {
        Ok(_) => None,
        Err(e) if e.error_len().is_none() && !complete => None,
        Err(e) if e.error_len().is_none() => {
            Some((e.valid_up_to(), "UTF-8 sequence cut off".to_string()))
        }
        Err(e) => Some((
            e.valid_up_to(),
            format!("invalid UTF-8 byte 0x{:02X}", bytes[e.valid_up_to()]),
        )),
    };
    match (nul, utf8) {
        (Some(n), Some((u, what))) if u < n => Some((u, what)),
        (Some(n), _) => Some((n, "NUL byte".to_string())),
        (None, u) => u,
    }
}

/// The guard's one wording: `file:line: not a text WHAT (WHY at byte N)`.
pub fn not_text(path: &Path, line: u64, what: &str, why: &str, at: u64) -> Error {
    Error::input(format!(
        "{}:{line}: {}",
        path.display(),
        not_text_reason(what, why, at)
    ))
}

/// [`not_text`] after `file:line: `, for a streaming reader that adds those itself.
pub fn not_text_reason(what: &str, why: &str, at: u64) -> String {
    format!("not a text {what} ({why} at byte {at})")
}

/// Opens `path`, a `what` (`run.json`, `snapshot CSV`...), for reading as text: a folder or
/// other non-file is refused, and so is a file whose first [`SNIFF_BYTES`] are not text, before
/// any caller reads further. Returns the reader at the file's start, and the file's length.
pub fn open_text(path: &Path, what: &str) -> Result<(BufReader<File>, u64)> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let meta = file.metadata().map_err(|e| Error::io(path, e))?;
    if meta.is_dir() {
        return Err(Error::input(format!(
            "{}: is a folder, not a {what}",
            path.display()
        )));
    }
    Ok((sniff(file, path, what)?, meta.len()))
}

/// [`open_text`]'s inspection of any reader: one read of at most [`SNIFF_BYTES`], nothing
/// consumed.
pub fn sniff<R: Read>(source: R, path: &Path, what: &str) -> Result<BufReader<R>> {
    let mut reader = BufReader::with_capacity(SNIFF_BYTES, source);
    let head = reader.fill_buf().map_err(|e| Error::io(path, e))?;
    if let Some((at, why)) = first_non_text(head, false) {
        let line = head[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        return Err(not_text(path, line, what, &why, at as u64));
    }
    Ok(reader)
}

/// The text of `path`, a `what` of at most `max` bytes: inspected by [`open_text`] first, then
/// read whole (never more than `max` + 1 bytes, whatever the file claims) and checked whole.
pub fn read_text(path: &Path, what: &str, max: u64) -> Result<String> {
    let (reader, len) = open_text(path, what)?;
    let too_large = |len: u64| {
        Error::input(format!(
            "{}: {len} bytes is too large for a {what} (at most {max})",
            path.display()
        ))
    };
    if len > max {
        return Err(too_large(len));
    }
    let mut bytes = Vec::new();
    reader
        .take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64));
    }
    if let Some((at, why)) = first_non_text(&bytes, true) {
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        return Err(not_text(path, line, what, &why, at as u64));
    }
    String::from_utf8(bytes).map_err(|e| Error::input(format!("{}: {e}", path.display())))
}

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

#[cfg(test)]
mod tests {
    use super::*;

    /// An endless stream of NUL bytes that counts what was read from it.
    #[derive(Debug)]
    struct Zeros(std::rc::Rc<std::cell::Cell<usize>>);

    impl Read for Zeros {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            buf.fill(0);
            self.0.set(self.0.get() + buf.len());
            Ok(buf.len())
        }
    }

    #[test]
    fn a_binary_file_costs_one_bounded_read() {
        let read = std::rc::Rc::new(std::cell::Cell::new(0));
        let e = sniff(Zeros(read.clone()), Path::new("x/run.json"), "run.json")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "x/run.json:1: not a text run.json (NUL byte at byte 0)");
        assert!(read.get() <= SNIFF_BYTES, "{} bytes read", read.get());
    }

    #[test]
    fn text_problems_are_found_where_they_are() {
        assert_eq!(first_non_text(b"ab\ncd", true), None);
        assert_eq!(
            first_non_text(b"ab\0c\xFF", true),
            Some((2, "NUL byte".into()))
        );
        assert_eq!(
            first_non_text(b"a\xFFb\0", true),
            Some((1, "invalid UTF-8 byte 0xFF".into()))
        );
        // A sequence cut by the end of a prefix may go on in the next bytes.
        assert_eq!(first_non_text(b"a\xC3", false), None);
        assert_eq!(
            first_non_text(b"a\xC3", true),
            Some((1, "UTF-8 sequence cut off".into()))
        );
        let text = "line 1\nline 2 é\n".repeat(1000);
        let r = sniff(text.as_bytes(), Path::new("t"), "file").unwrap();
        assert_eq!(
            std::io::read_to_string(r).unwrap(),
            text,
            "nothing consumed"
        );
        let e = sniff(&b"ok\nok\n\0"[..], Path::new("t"), "file").unwrap_err();
        assert_eq!(e.to_string(), "t:3: not a text file (NUL byte at byte 6)");
    }
}
