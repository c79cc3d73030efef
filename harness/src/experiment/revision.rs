//! A base revision's statbench, built once per commit: REV is checked out in a temporary git
//! worktree and built in release mode in a target folder of its own ([`base_target_dir`]), and
//! the binary is kept under `target/statbench-base/<commit>/statbench`.
//! A second gate against the same commit starts measuring at once.

use crate::error::{Error, Result};
use crate::slice::abi::LIBRARY_FILE;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Folder under the target folder that holds one built statbench per base commit.
pub const CACHE_DIR: &str = "statbench-base";

/// What a paired gate needs of a revision's build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// Its slice library only (`statbench-abi`, built without the command line: fast), falling
    /// back to the binary for a revision without the slice ABI.
    Library,
    /// Its statbench binary (and the library, when the revision has one): process-level pairing.
    Binary,
}

/// A statbench build of a base revision, ready to run.
#[derive(Debug, Clone)]
pub struct BaseBinary {
    /// The full commit id REV resolved to.
    pub commit: String,
    /// The binary, when it was built (always for [`Wanted::Binary`] and for revisions without
    /// the slice ABI).
    pub path: Option<PathBuf>,
    /// Its slice library (`statbench-abi`), when the revision has the slice ABI.
    pub library: Option<PathBuf>,
    /// Whether it came from the cache (no build this time).
    pub cached: bool,
}

impl BaseBinary {
    /// First 10 hex digits of the commit, for labels.
    pub fn short(&self) -> &str {
        &self.commit[..self.commit.len().min(10)]
    }
}

/// Runs git in `dir` and returns its trimmed stdout, or `None` when git fails or is missing.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The top folder of the git checkout that holds `dir`.
pub fn repository_root(dir: &Path) -> Result<PathBuf> {
    git(dir, &["rev-parse", "--show-toplevel"])
        .map(PathBuf::from)
        .ok_or_else(|| {
            Error::input(format!(
                "--base: {} is not inside a git checkout (or git is not installed); run the gate \
                 from the engine's repository, or pass --base-binary PATH",
                dir.display()
            ))
        })
}

/// The full commit id of `rev` in the repository at `root`.
pub fn resolve_commit(root: &Path, rev: &str) -> Result<String> {
    let bad = |why: &str| Error::input(format!("--base {rev}: {why} in {}", root.display()));
    if rev.is_empty() || rev.starts_with('-') {
        return Err(bad("not a revision"));
    }
    git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .filter(|c| c.len() >= 40 && c.bytes().all(|b| b.is_ascii_hexdigit()))
    .ok_or_else(|| bad("no such commit"))
}

/// The cargo target folder of the checkout at `root` (`CARGO_TARGET_DIR` when set).
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(t) if !t.is_empty() => root.join(t),
        _ => root.join("target"),
    }
}

/// Where the built binary of `commit` is kept.
pub fn cached_binary(target: &Path, commit: &str) -> PathBuf {
    target.join(CACHE_DIR).join(commit).join("statbench")
}

/// Resolves `rev` in the git checkout around the current folder and returns its build, making
/// it on first use (build output on stderr; `quiet` keeps only errors). A library-only request
/// builds `statbench-abi` alone, which a revision with the lean library compiles without
/// polars and plotters.
pub fn base_build(rev: &str, quiet: bool, wanted: Wanted) -> Result<BaseBinary> {
    let cwd = std::env::current_dir().map_err(|e| Error::io(Path::new("."), e))?;
    let root = repository_root(&cwd)?;
    let commit = resolve_commit(&root, rev)?;
    let target = target_dir(&root);
    let path = cached_binary(&target, &commit);
    // A build keeps the library before the binary: a slot with the binary is complete (with a
    // library exactly when the revision has the slice ABI); one with the library serves slices.
    let cached = match wanted {
        Wanted::Library => path.with_file_name(LIBRARY_FILE).is_file() || path.is_file(),
        Wanted::Binary => path.is_file(),
    };
    if !cached {
        build(&root, &target, &commit, &path, wanted, quiet)?;
    }
    Ok(BaseBinary {
        library: library_beside(&path),
        path: path.is_file().then_some(path),
        commit,
        cached,
    })
}

/// Builds this checkout's own slice library (`cargo build --release -p statbench-abi`, a no-op
/// when it is up to date) and returns it: the candidate side of the default gate is the code in
/// the checkout, never a library left from an older build.
pub fn checkout_library(root: &Path, quiet: bool) -> Result<PathBuf> {
    let target = target_dir(root);
    let status = cargo_build(root, &target, &["-p", "statbench-abi"], quiet);
    let lib = target.join("release").join(LIBRARY_FILE);
    match status {
        Ok(s) if s.success() && lib.is_file() => Ok(lib),
        Ok(s) => Err(Error::input(format!(
            "cargo build --release -p statbench-abi in {} failed ({s})",
            root.display()
        ))),
        Err(e) => Err(Error::input(format!("cannot run cargo: {e}"))),
    }
}

/// The commit checked out at `root` and whether the tracked files have local changes.
pub fn checkout_state(root: &Path) -> Option<(String, bool)> {
    let head = git(root, &["rev-parse", "HEAD"])?;
    let dirty = git(root, &["status", "--porcelain", "--untracked-files=no"])?;
    Some((head, !dirty.is_empty()))
}

/// The paths that make statbench's code (as `build.rs` reckons a build dirty): what two
/// commits must agree on to build the same statbench.
const CODE_PATHS: [&str; 5] = [
    ":/stats",
    ":/harness",
    ":/scenarios",
    ":/Cargo.toml",
    ":/Cargo.lock",
];

/// Whether commits `a` and `b` of the repository at `root` hold the same statbench code (they
/// may differ in baselines, docs or reports); `false` when git cannot tell.
pub fn same_code(root: &Path, a: &str, b: &str) -> bool {
    let status = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["diff", "--quiet", a, b, "--"])
        .args(CODE_PATHS)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    status.is_ok_and(|s| s.success())
}

/// Whether the checkout at `root` has local changes to statbench's code.
pub fn code_dirty(root: &Path) -> bool {
    let mut args = vec!["status", "--porcelain", "--untracked-files=no", "--"];
    args.extend(CODE_PATHS);
    git(root, &args).map_or(true, |s| !s.is_empty())
}

/// `cargo build --release PACKAGES` of the workspace at `root` into `target`: the one way
/// both sides of a paired gate are built. Output on stderr (terse off a terminal), none when
/// `quiet`.
fn cargo_build(
    root: &Path,
    target: &Path,
    packages: &[&str],
    quiet: bool,
) -> std::io::Result<std::process::ExitStatus> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    Command::new(cargo)
        .args(["build", "--release"])
        .args(terse_flag())
        .args(packages)
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .stdout(Stdio::null())
        .stderr(if quiet {
            Stdio::null()
        } else {
            Stdio::inherit()
        })
        .status()
}

/// `-q` for cargo off a terminal at normal verbosity: a CI log gets the gate's own line about
/// the build and cargo's errors, not a line per crate; a terminal keeps cargo's progress.
fn terse_flag() -> Option<&'static str> {
    use std::io::IsTerminal;
    let verbose = crate::progress::verbosity() >= crate::progress::Verbosity::Verbose;
    (!verbose && !std::io::stderr().is_terminal()).then_some("-q")
}

/// Whether cargo can be run (a machine with only an installed statbench cannot build a base).
pub fn cargo_available() -> bool {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    Command::new(cargo)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The slice library kept beside a statbench binary, if there is one.
pub fn library_beside(binary: &Path) -> Option<PathBuf> {
    let lib = binary.with_file_name(LIBRARY_FILE);
    lib.is_file().then_some(lib)
}

/// Checks `commit` out in a worktree under the cache folder, builds it with the shared target
/// folder, keeps the binary at `dest`, and removes the worktree.
fn build(
    root: &Path,
    target: &Path,
    commit: &str,
    dest: &Path,
    wanted: Wanted,
    quiet: bool,
) -> Result<()> {
    let slot = dest.parent().expect("cache path has a parent");
    std::fs::create_dir_all(slot).map_err(|e| Error::io(slot, e))?;
    let tree = slot.join(format!(
        "src-{}-{}",
        std::process::id(),
        crate::files::unique_suffix()
    ));
    let short = &commit[..10];
    if !quiet {
        eprintln!(
            "gate: building base {short} once (cached as {})",
            dest.display()
        );
    }
    let added = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["worktree", "add", "--detach", "--force"])
        .arg(&tree)
        .arg(commit)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| Error::input(format!("--base {short}: cannot run git: {e}")))?;
    if !added.success() {
        return Err(Error::input(format!(
            "--base {short}: git worktree add {} failed",
            tree.display()
        )));
    }
    let result = build_in(&tree, target, short, dest, wanted, quiet);
    let _ = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["worktree", "remove", "--force"])
        .arg(&tree)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let _ = std::fs::remove_dir_all(&tree);
    result
}

/// The target folder base revisions build in: their own, under the cache. A base built in the
/// checkout's target folder from a fresh worktree leaves artifacts newer than the checkout's
/// files, and cargo then takes the checkout's crates for fresh with the base's code in them, so
/// "this build" would be measured with the base's code (cargo's freshness is by modification
/// time, and a workspace's crates have the same artifact names in every worktree).
pub fn base_target_dir(target: &Path) -> PathBuf {
    target.join(CACHE_DIR).join("target")
}

fn build_in(
    tree: &Path,
    target: &Path,
    short: &str,
    dest: &Path,
    wanted: Wanted,
    quiet: bool,
) -> Result<()> {
    let target = base_target_dir(target);
    let release = target.join("release");
    let shared = release.join("statbench");
    let shared_lib = release.join(LIBRARY_FILE);
    // Revisions with the slice ABI also get their slice library, for in-process pairing.
    let has_abi = tree.join("harness/abi/Cargo.toml").is_file();
    let library_only = has_abi && wanted == Wanted::Library;
    let mut packages = if library_only {
        vec![]
    } else {
        vec!["-p", "statbench"]
    };
    if has_abi {
        packages.extend(["-p", "statbench-abi"]);
    }
    let status = cargo_build(tree, &target, &packages, quiet);
    match status {
        Ok(s) if s.success() && library_only && shared_lib.is_file() => {
            let lib = dest.with_file_name(LIBRARY_FILE);
            let tmp = lib.with_file_name(format!(".keep-{}.tmp", std::process::id()));
            std::fs::copy(&shared_lib, &tmp)
                .and_then(|_| std::fs::rename(&tmp, &lib))
                .map_err(|e| Error::io(&lib, e))
        }
        Ok(s) if s.success() && shared.is_file() => {
            // The library first: a cached binary means the slot is complete.
            let keep = |from: &Path, to: &Path| {
                let tmp = to.with_file_name(format!(".keep-{}.tmp", std::process::id()));
                std::fs::copy(from, &tmp)
                    .and_then(|_| std::fs::rename(&tmp, to))
                    .map_err(|e| Error::io(to, e))
            };
            if has_abi && shared_lib.is_file() {
                keep(&shared_lib, &dest.with_file_name(LIBRARY_FILE))?;
            }
            keep(&shared, dest)
        }
        Ok(s) => Err(Error::input(format!(
            "--base {short}: cargo build of the base revision failed ({s}); see the build output above"
        ))),
        Err(e) => Err(Error::input(format!(
            "--base {short}: cannot run cargo: {e}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases_build_in_a_target_folder_of_their_own() {
        // Never the checkout's own: its crates would then look fresh with the base's code.
        let t = Path::new("/repo/target");
        let own = base_target_dir(t);
        assert_ne!(own, t);
        assert!(!own.starts_with(t.join("release")) && !own.starts_with(t.join("debug")));
        assert_eq!(own, Path::new("/repo/target/statbench-base/target"));
    }

    #[test]
    fn cache_path_is_keyed_by_commit() {
        let p = cached_binary(Path::new("/t"), "abc");
        assert_eq!(p, Path::new("/t/statbench-base/abc/statbench"));
    }

    #[test]
    fn options_are_not_revisions() {
        let root = std::env::current_dir().unwrap();
        for rev in ["", "--output=x", "-h"] {
            assert!(resolve_commit(&root, rev).is_err(), "{rev}");
        }
    }
}
