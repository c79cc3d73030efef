//! Helpers shared by the integration tests: running the binary ([`bin`]), scratch folders
//! ([`scratch`]), synthetic run folders ([`runs`]) and the hostile-input contract ([`files`]).
#![allow(dead_code, unused_imports)] // each test binary uses a subset

pub mod bin;
pub mod docs;
pub mod files;
pub mod runs;
pub mod scratch;

pub use bin::{machine_alone, statbench, with_closed_stdout, Output, Statbench};
pub use docs::documents;
pub use files::{copy_dir, refused, refused_output, snapshot, Snapshot};
pub use runs::{edit_meta, meta_text, write_raw_run, write_run, write_side, RunSpec, FIXTURE};
pub use scratch::{scratch, Scratch};

use std::path::{Path, PathBuf};

/// The repository's root (the workspace above this crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}
