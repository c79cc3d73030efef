//! The slice ABI of statbench (see `statbench::slice::abi`): this revision's workload as a
//! C-callable library. Every function catches panics: none may unwind into the caller.

use statbench::scenario::{Overrides, Scenario};
use statbench::slice::{abi::ABI_VERSION, SliceRunner, SliceStats};
use std::ffi::{c_char, c_void, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

/// The ABI version this library implements.
#[no_mangle]
pub extern "C" fn statbench_slice_abi_version() -> u32 {
    ABI_VERSION
}

fn write_error(err: *mut c_char, err_len: usize, msg: &str) {
    if err.is_null() || err_len == 0 {
        return;
    }
    let n = msg.len().min(err_len - 1);
    // SAFETY: the caller gives `err_len` writable bytes at `err`.
    unsafe {
        std::ptr::copy_nonoverlapping(msg.as_ptr(), err.cast::<u8>(), n);
        *err.add(n) = 0;
    }
}

/// Opens a slice runner for the scenario file at `path` with `extra_work` injected; null on
/// error, with the message in `err`.
///
/// # Safety
/// `path` is a NUL-terminated string; `err` has `err_len` writable bytes (or is null).
#[no_mangle]
pub unsafe extern "C" fn statbench_slice_open(
    path: *const c_char,
    extra_work: u64,
    err: *mut c_char,
    err_len: usize,
) -> *mut c_void {
    let opened = catch_unwind(AssertUnwindSafe(|| -> Result<SliceRunner, String> {
        if path.is_null() {
            return Err("null scenario path".into());
        }
        // SAFETY: the caller passes a NUL-terminated string.
        let path = unsafe { CStr::from_ptr(path) }
            .to_str()
            .map_err(|_| "scenario path is not UTF-8".to_string())?;
        let overrides = Overrides {
            extra_work: (extra_work > 0).then_some(extra_work),
            ..Overrides::default()
        };
        let scenario =
            Scenario::load_with(Path::new(path), &overrides).map_err(|e| e.to_string())?;
        SliceRunner::new(&scenario).map_err(|e| e.to_string())
    }));
    match opened {
        Ok(Ok(runner)) => Box::into_raw(Box::new(runner)).cast(),
        Ok(Err(msg)) => {
            write_error(err, err_len, &msg);
            std::ptr::null_mut()
        }
        Err(_) => {
            write_error(err, err_len, "panicked while opening the scenario");
            std::ptr::null_mut()
        }
    }
}

/// Runs one slice of about `ms` milliseconds; 0 on success, -1 on a null argument or a panic.
///
/// # Safety
/// `runner` comes from `statbench_slice_open` and is not closed; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn statbench_slice_run(
    runner: *mut c_void,
    ms: u64,
    out: *mut SliceStats,
) -> i32 {
    if runner.is_null() || out.is_null() {
        return -1;
    }
    // SAFETY: per the contract above.
    let runner = unsafe { &*runner.cast::<SliceRunner>() };
    match catch_unwind(AssertUnwindSafe(|| runner.run(ms))) {
        Ok(stats) => {
            // SAFETY: `out` is writable.
            unsafe { out.write(stats) };
            0
        }
        Err(_) => -1,
    }
}

/// Closes a runner (its worker threads end).
///
/// # Safety
/// `runner` comes from `statbench_slice_open` and is closed once.
#[no_mangle]
pub unsafe extern "C" fn statbench_slice_close(runner: *mut c_void) {
    if !runner.is_null() {
        // SAFETY: per the contract above.
        drop(unsafe { Box::from_raw(runner.cast::<SliceRunner>()) });
    }
}
