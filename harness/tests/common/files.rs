//! Files on disk: copying run folders, and proving a refused command left its inputs alone.

use super::{Output, Statbench};
use std::ffi::OsString;
use std::path::Path;
use std::time::SystemTime;

/// Copies folder `from` to `to`, recursively (a run set to edit into a known change).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// What a file or folder held, to prove it was not touched: contents of small files, length
/// and modification time of large ones (sparse floods of 50 MB), and every entry of a folder
/// (hidden ones and empty folders too, so a leftover temporary folder shows).
#[derive(Debug, PartialEq)]
pub enum Snapshot {
    Small(Vec<u8>),
    Large(u64, SystemTime),
    Folder(Vec<(OsString, Snapshot)>),
}

/// Files above this size are compared by length and modification time, not read.
const SMALL: u64 = 1 << 20;

/// Takes a [`Snapshot`] of `path`, which must exist.
pub fn snapshot(path: &Path) -> Snapshot {
    let meta = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if meta.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| (e.file_name(), snapshot(&e.path())))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Snapshot::Folder(entries)
    } else if meta.len() > SMALL {
        Snapshot::Large(meta.len(), meta.modified().unwrap())
    } else {
        Snapshot::Small(std::fs::read(path).unwrap())
    }
}

/// Runs statbench in `cwd` and asserts the hostile-input contract: exit `code`, exactly one
/// stderr line containing every needle, no panic, and every input (file or folder) untouched.
/// Returns that line.
pub fn refused(cwd: &Path, args: &[&str], inputs: &[&Path], code: i32, needles: &[&str]) -> String {
    refused_output(cwd, args, inputs, code, needles).stderr
}

/// [`refused`], returning all the command said (for checks of stdout).
pub fn refused_output(
    cwd: &Path,
    args: &[&str],
    inputs: &[&Path],
    code: i32,
    needles: &[&str],
) -> Output {
    let before: Vec<Snapshot> = inputs.iter().map(|p| snapshot(p)).collect();
    let out = Statbench::new().args(args).cwd(cwd).run();
    let Output {
        code: got,
        stdout,
        stderr,
    } = &out;
    assert_eq!(
        *got, code,
        "{args:?}: exit {got}\nstderr: {stderr}\nstdout: {stdout}"
    );
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    assert_eq!(
        stderr.lines().count(),
        1,
        "{args:?}: want one stderr line: {stderr}"
    );
    for n in needles {
        assert!(stderr.contains(n), "{args:?}: {stderr:?} lacks {n:?}");
    }
    for (path, before) in inputs.iter().zip(before) {
        assert!(
            snapshot(path) == before,
            "{args:?} changed its input {}",
            path.display()
        );
    }
    out
}
