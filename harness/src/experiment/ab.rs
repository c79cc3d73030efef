//! Interleaved A/B: runs two commands alternately on one machine (ABBA order), so slow drifts
//! of the machine (thermal state, neighbours, frequency) hit both sides alike, then compares
//! them with the gate's statistics. A suspected regression is confirmed by a second batch of
//! rounds before it fails.

use crate::compare::{compare, confirm, CompareSettings, Confirmed, Side};
use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::store::RunSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What to alternate and how often.
#[derive(Debug, Clone)]
pub struct AbPlan {
    /// Shell command of side A; it must write a run (snapshots.csv, run.json) into
    /// `$STATBENCH_OUT` (or `{out}` in the command, which is replaced by that folder).
    pub command_a: String,
    /// Shell command of side B.
    pub command_b: String,
    /// Runs per side in the first batch.
    pub rounds: usize,
    /// Extra runs per side when the first batch suggests a regression (0: no confirmation).
    pub confirm_rounds: usize,
    /// Folder for every run (`a01`, `b01`, ...).
    pub out: PathBuf,
}

/// Side of run `k` (0-based) in ABBA order: A B B A A B B A ...
pub fn abba(k: usize) -> Side {
    if matches!(k % 4, 0 | 3) {
        Side::Base
    } else {
        Side::Candidate
    }
}

/// `command` as `sh` will run it: a leading `statbench` (the word alone) names this very
/// binary, so `ab --a "statbench run default"` works without statbench on the PATH; `{out}`
/// becomes the run's folder.
pub fn resolve_command(command: &str, out: &Path) -> String {
    let command = command.replace("{out}", &shell_quote(&out.display().to_string()));
    let trimmed = command.trim_start();
    match trimmed.strip_prefix("statbench") {
        Some(rest) if rest.is_empty() || rest.starts_with(char::is_whitespace) => {
            match std::env::current_exe() {
                Ok(exe) => format!("{}{rest}", shell_quote(&exe.display().to_string())),
                Err(_) => command,
            }
        }
        _ => command,
    }
}

/// `s` as one word for `sh`: as is when it is plainly safe, else in single quotes.
fn shell_quote(s: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "/._-+=:,@%".contains(c);
    if !s.is_empty() && s.chars().all(safe) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Runs one side's command into `out`; returns the run's throughput (updates/s) when it wrote
/// a run.json. The command's output is kept, and shown only with `-v` or when it fails: stdout
/// carries only the comparison, and a progress line on stderr stays whole.
fn run_command(command: &str, out: &Path) -> Result<Option<f64>> {
    let shown = resolve_command(command, out);
    crate::progress::detail(&format!("ab: {shown}"));
    let output = Command::new("sh")
        .arg("-c")
        .arg(&shown)
        .env("STATBENCH_OUT", out)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::input(format!("ab: cannot start `{shown}`: {e}")))?;
    let echo = || {
        for stream in [&output.stdout, &output.stderr] {
            let text = String::from_utf8_lossy(stream);
            let text = text.trim_end();
            if !text.is_empty() {
                crate::progress::say_always(text);
            }
        }
    };
    match output.status.code() {
        Some(0) => {
            if crate::progress::verbosity() >= crate::progress::Verbosity::Verbose {
                echo();
            }
        }
        Some(1) => {
            echo();
            return Err(Error::Failed(format!(
                "ab: `{shown}` failed with exit 1 (lost updates or a failed check)"
            )));
        }
        code => {
            echo();
            return Err(Error::input(format!(
                "ab: `{shown}` failed (exit {})",
                code.map_or("by signal".into(), |c| c.to_string())
            )));
        }
    }
    if !out.join(crate::recorder::SNAPSHOTS_FILE).is_file() {
        return Err(Error::input(format!(
            "ab: `{shown}` wrote no snapshots.csv into {} (write your run to $STATBENCH_OUT)",
            out.display()
        )));
    }
    let meta = out.join(crate::recorder::meta::RUN_META_FILE);
    Ok(crate::recorder::RunMeta::read(&meta)
        .ok()
        .map(|m| m.ops_per_sec))
}

/// Runs `count` more rounds per side, continuing the ABBA sequence after `done` runs.
fn batch(plan: &AbPlan, done: usize, count: usize, progress: &Progress) -> Result<()> {
    for k in done..done + 2 * count {
        let side = abba(k);
        let n = k / 2 + 1;
        let dir = plan.out.join(format!("{}{n:02}", side.folder_letter()));
        let cmd = if side == Side::Base {
            &plan.command_a
        } else {
            &plan.command_b
        };
        let rate = run_command(cmd, &dir)?;
        let latest = match rate {
            Some(r) => format!("{}: {}", side.letter(), crate::progress::rate(r)),
            None => format!("{}: done", side.letter()),
        };
        progress.step(&format!("{side}{n:02}"), &latest);
    }
    Ok(())
}

/// The run folders of side `side` (`a01`, `a02`...) in an `ab` folder, in order.
fn side_dirs(dir: &Path, side: Side) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().is_some_and(|n| {
                let n = n.to_string_lossy();
                n.starts_with(side.folder_letter())
                    && n.len() > 1
                    && n[1..].chars().all(|c| c.is_ascii_digit())
            }) && p.join(crate::recorder::SNAPSHOTS_FILE).is_file()
        })
        .collect();
    v.sort();
    v
}

/// The file in an `ab` folder that names its two commands, so a later report labels the sides
/// as `ab` did.
pub const COMMANDS_FILE: &str = "ab.json";

/// The two sides of a folder `ab` (or the process-level paired gate) wrote: `a01`, `b01`...,
/// labelled `A (command)` from its [`COMMANDS_FILE`], else with `label_a` / `label_b`. `None`
/// when `dir` is not such a folder.
pub fn ab_folder_sides(
    dir: &Path,
    label_a: &str,
    label_b: &str,
) -> Result<Option<(RunSet, RunSet)>> {
    let (a, b) = (side_dirs(dir, Side::Base), side_dirs(dir, Side::Candidate));
    if a.is_empty() || b.is_empty() {
        return Ok(None);
    }
    let commands: Option<serde_json::Value> = std::fs::read(dir.join(COMMANDS_FILE))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let label = |side: &str, fallback: &str| match commands.as_ref().and_then(|c| c[side].as_str())
    {
        Some(cmd) => format!("{} ({cmd})", side.to_uppercase()),
        None => fallback.to_string(),
    };
    Ok(Some((
        RunSet::load(label("a", label_a), &a)?,
        RunSet::load(label("b", label_b), &b)?,
    )))
}

fn sides(plan: &AbPlan) -> Result<(RunSet, RunSet)> {
    ab_folder_sides(&plan.out, "A", "B")?
        .ok_or_else(|| Error::input(format!("{}: no runs of A and B", plan.out.display())))
}

/// Runs the experiment: `rounds` per side in ABBA order, then, on a suspected regression,
/// `confirm_rounds` more per side, all compared again.
pub fn run_ab(plan: &AbPlan, settings: &CompareSettings) -> Result<(Confirmed, RunSet, RunSet)> {
    let settings = &CompareSettings {
        speed_judgement: crate::compare::SpeedJudgement::SameMachine,
        ..settings.clone()
    }; // one machine, interleaved: speed always judged
    crate::files::create_fresh_dir(&plan.out)?;
    let commands = serde_json::json!({ "a": plan.command_a, "b": plan.command_b });
    crate::files::atomic_write(
        &plan.out.join(COMMANDS_FILE),
        format!("{commands:#}\n").as_bytes(),
    )?;
    let progress = Progress::start("ab", 2 * plan.rounds as u64, "runs");
    batch(plan, 0, plan.rounds, &progress)?;
    let (a, b) = sides(plan)?;
    let mut last = None;
    let confirmed = confirm(compare(&a, &b, settings)?, plan.confirm_rounds > 0, || {
        progress.add(2 * plan.confirm_rounds as u64);
        crate::progress::say(&format!(
            "ab: suspected regression; confirming with {} more {} per side",
            plan.confirm_rounds,
            if plan.confirm_rounds == 1 {
                "run"
            } else {
                "runs"
            }
        ));
        batch(plan, 2 * plan.rounds, plan.confirm_rounds, &progress)?;
        let (a, b) = sides(plan)?;
        let c = compare(&a, &b, settings);
        last = Some((a, b));
        c
    });
    progress.finish();
    let (a, b) = last.unwrap_or((a, b));
    Ok((confirmed?, a, b))
}

#[cfg(test)]
mod tests {
    use super::{abba, resolve_command};
    use std::path::Path;

    #[test]
    fn a_leading_statbench_is_this_binary_and_out_is_quoted() {
        let exe = std::env::current_exe().unwrap().display().to_string();
        let out = Path::new("/tmp/a b");
        let r = resolve_command("statbench run default --out {out}", out);
        assert!(r.ends_with(" run default --out '/tmp/a b'"), "{r}");
        assert!(r.contains(&exe), "{r}");
        assert_eq!(resolve_command("statbenchx run", out), "statbenchx run");
        assert_eq!(resolve_command("./statbench run", out), "./statbench run");
    }

    #[test]
    fn abba_order_balances_position() {
        let s: String = (0..8).map(|k| abba(k).folder_letter()).collect();
        assert_eq!(s, "abbaabba");
    }
}
