//! Scratch folders that clean up after a passing test.

use std::path::{Path, PathBuf};

/// A fresh, empty scratch folder unique to this test process and `name`,
/// removed when the test passes (kept when it panics, to look at). Paired-gate
/// tests build revisions in theirs (over a GB each), so leaving them behind
/// fills a CI disk.
pub fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("statbench-it-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}

/// A scratch folder that removes itself on drop unless the thread is panicking.
pub struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<std::ffi::OsStr> for Scratch {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.as_os_str()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
