//! The slice ABI: a revision's workload as a C-callable library (`statbench-abi`, a cdylib
//! built beside each revision's statbench), so `gate --base REV` loads the base and this build
//! into one process and alternates their slices tens of milliseconds apart.
//!
//! Version 1, all functions `extern "C"`:
//! - `statbench_slice_abi_version() -> u32`: [`ABI_VERSION`];
//! - `statbench_slice_open(path: *const c_char, extra_work: u64, err: *mut c_char, err_len: usize) -> *mut c_void`:
//!   a runner for the scenario file at `path` (NUL-terminated), or null with a NUL-terminated
//!   message in `err`;
//! - `statbench_slice_run(runner, ms: u64, out: *mut SliceStats) -> i32`: one slice; 0 on
//!   success;
//! - `statbench_slice_close(runner)`.
//!
//! A revision that predates the ABI has no such library: the gate then pairs whole runs of
//! the two binaries (process-level A B B A) and says so.

use super::SliceStats;
use crate::error::{Error, Result};
use std::ffi::{c_char, c_void, CString};
use std::path::{Path, PathBuf};

/// The ABI version this build speaks; a library of another version is not loaded.
pub const ABI_VERSION: u32 = 1;

/// File name of the slice library cargo builds for the `statbench-abi` package.
pub const LIBRARY_FILE: &str = if cfg!(target_os = "macos") {
    "libstatbench_abi.dylib"
} else if cfg!(windows) {
    "statbench_abi.dll"
} else {
    "libstatbench_abi.so"
};

type VersionFn = unsafe extern "C" fn() -> u32;
type OpenFn = unsafe extern "C" fn(*const c_char, u64, *mut c_char, usize) -> *mut c_void;
type RunFn = unsafe extern "C" fn(*mut c_void, u64, *mut SliceStats) -> i32;
type CloseFn = unsafe extern "C" fn(*mut c_void);

/// A revision's slice library, loaded, with one runner open.
pub struct LoadedSlices {
    // Field order: the runner is closed (Drop) before the library is unloaded.
    runner: *mut c_void,
    run: RunFn,
    close: CloseFn,
    path: PathBuf,
    _library: libloading::Library,
}

impl std::fmt::Debug for LoadedSlices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedSlices")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl LoadedSlices {
    /// Loads `library` and opens a runner of the scenario file `scenario` with `extra_work`
    /// injected (0: none).
    pub fn open(library: &Path, scenario: &Path, extra_work: u64) -> Result<LoadedSlices> {
        let bad = |why: String| Error::input(format!("{}: {why}", library.display()));
        // SAFETY: loading runs the library's initialisers; the library is a statbench-abi
        // build (checked by its version symbol before any other call).
        let lib = unsafe { libloading::Library::new(library) }
            .map_err(|e| bad(format!("cannot load: {e}")))?;
        // SAFETY: the symbols' types are the ABI's, version-checked first.
        unsafe {
            let version: libloading::Symbol<VersionFn> = lib
                .get(b"statbench_slice_abi_version\0")
                .map_err(|e| bad(format!("not a slice library: {e}")))?;
            let v = version();
            if v != ABI_VERSION {
                return Err(bad(format!(
                    "slice ABI version {v}, this statbench speaks {ABI_VERSION}"
                )));
            }
            let open: OpenFn = *lib
                .get::<OpenFn>(b"statbench_slice_open\0")
                .map_err(|e| bad(e.to_string()))?;
            let run: RunFn = *lib
                .get::<RunFn>(b"statbench_slice_run\0")
                .map_err(|e| bad(e.to_string()))?;
            let close: CloseFn = *lib
                .get::<CloseFn>(b"statbench_slice_close\0")
                .map_err(|e| bad(e.to_string()))?;
            let path = CString::new(scenario.as_os_str().as_encoded_bytes())
                .map_err(|_| bad("scenario path holds a NUL byte".into()))?;
            let mut err = vec![0u8; 512];
            let runner = open(
                path.as_ptr(),
                extra_work,
                err.as_mut_ptr().cast(),
                err.len(),
            );
            if runner.is_null() {
                let end = err.iter().position(|&b| b == 0).unwrap_or(err.len());
                return Err(bad(String::from_utf8_lossy(&err[..end]).into_owned()));
            }
            Ok(LoadedSlices {
                runner,
                run,
                close,
                path: library.to_path_buf(),
                _library: lib,
            })
        }
    }

    /// Runs one slice of about `ms` milliseconds.
    pub fn run(&mut self, ms: u64) -> Result<SliceStats> {
        let mut out = SliceStats::default();
        // SAFETY: `runner` came from this library's open and is not closed yet.
        let code = unsafe { (self.run)(self.runner, ms, &mut out) };
        if code != 0 {
            return Err(Error::input(format!(
                "{}: slice failed (code {code})",
                self.path.display()
            )));
        }
        Ok(out)
    }
}

impl Drop for LoadedSlices {
    fn drop(&mut self) {
        // SAFETY: closed once, before the library is unloaded (field order).
        unsafe { (self.close)(self.runner) }
    }
}
