// Records the compiler version and the git revision so run.json can say what built the harness.
use std::path::Path;
use std::process::Command;

fn run(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8(out.stdout)
        .ok()
        .map(|s| s.trim().to_string())
}

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = run(&rustc, &["--version"]).unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=STATBENCH_RUSTC_VERSION={version}");
    println!("cargo:rerun-if-env-changed=RUSTC");

    let rev = run("git", &["rev-parse", "--short=12", "HEAD"]).map(|rev| {
        // Dirty means the code differs from the commit: the crates, the scenarios built into
        // the binary and the lock file; an edited README does not make a build unpairable.
        let dirty = run(
            "git",
            &[
                "status",
                "--porcelain",
                "--untracked-files=no",
                "--",
                ":/stats",
                ":/harness",
                ":/scenarios",
                ":/Cargo.toml",
                ":/Cargo.lock",
            ],
        )
        .is_some_and(|s| !s.is_empty());
        if dirty {
            format!("{rev}-dirty")
        } else {
            rev
        }
    });
    println!(
        "cargo:rustc-env=STATBENCH_GIT_REVISION={}",
        rev.unwrap_or_default()
    );
    // Re-run when HEAD moves or the index changes; only paths that exist (a missing path would
    // make Cargo re-run this script on every build).
    if let Some(git_dir) = run("git", &["rev-parse", "--git-dir"]) {
        for p in ["HEAD", "index", "refs"] {
            let path = Path::new(&git_dir).join(p);
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
