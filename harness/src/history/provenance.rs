//! Commit, branch and commit date for runs whose run.json does not say them: asked of git in
//! the current directory at add time, or of the CI's environment. Options always win; these
//! only fill gaps, and a failing git (not a repository, an unknown commit) fills nothing.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// The commit date (µs since the epoch) of `commit`, if git knows it.
pub fn commit_time(commit: &str) -> Option<i64> {
    if commit.is_empty() || commit.starts_with('-') {
        return None;
    }
    let secs: i64 = git(&[
        "show",
        "-s",
        "--format=%ct",
        &format!("{commit}^{{commit}}"),
        "--",
    ])?
    .lines()
    .next()?
    .parse()
    .ok()?;
    Some(secs * 1_000_000)
}

/// The branch `commit` was measured on, when that can be told: git's current branch if
/// `commit` is its HEAD, else GitHub Actions' branch (`GITHUB_HEAD_REF` for pull requests,
/// `GITHUB_REF_NAME` for pushes) if `commit` is `GITHUB_SHA`.
pub fn branch_of(commit: &str) -> Option<String> {
    if commit.len() < 7 {
        return None;
    }
    let is = |full: &str| full.starts_with(commit) || commit.starts_with(full);
    if let Ok(sha) = std::env::var("GITHUB_SHA") {
        if is(&sha) {
            let head_ref = std::env::var("GITHUB_HEAD_REF").unwrap_or_default();
            let name = if head_ref.is_empty() {
                std::env::var("GITHUB_REF_NAME").unwrap_or_default()
            } else {
                head_ref
            };
            if !name.is_empty() {
                return Some(name);
            }
        }
    }
    let head = git(&["rev-parse", "HEAD"])?;
    if !is(&head) {
        return None;
    }
    git(&["rev-parse", "--abbrev-ref", "HEAD"]).filter(|b| b != "HEAD")
}
