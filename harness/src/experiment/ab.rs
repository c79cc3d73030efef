//! Interleaved A/B: runs two commands alternately on one machine (ABBA order), so slow drifts
//! of the machine (thermal state, neighbours, frequency) hit both sides alike, then compares
//! them with the gate's statistics. A suspected regression is confirmed by a second batch of
//! rounds before it fails.

use crate::compare::{compare, confirm, CompareSettings, Confirmed};
use crate::error::{Error, Result};
use crate::store::RunSet;
use std::os::fd::AsFd;
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

/// Side letter of run `k` (0-based) in ABBA order: A B B A A B B A ...
pub fn abba(k: usize) -> char {
    if matches!(k % 4, 0 | 3) {
        'a'
    } else {
        'b'
    }
}

fn run_command(command: &str, out: &Path, quiet: bool) -> Result<()> {
    let shown = command.replace("{out}", &out.display().to_string());
    if !quiet {
        eprintln!("ab: {shown}");
    }
    // The command's own stdout goes to our stderr: stdout carries only the comparison.
    let to_stderr = std::io::stderr()
        .as_fd()
        .try_clone_to_owned()
        .map(Stdio::from)
        .unwrap_or_else(|_| Stdio::null());
    let status = Command::new("sh")
        .arg("-c")
        .arg(&shown)
        .env("STATBENCH_OUT", out)
        .stdout(to_stderr)
        .status()
        .map_err(|e| Error::input(format!("ab: cannot start `{shown}`: {e}")))?;
    match status.code() {
        Some(0) => {}
        Some(1) => {
            return Err(Error::Failed(format!(
                "ab: `{shown}` failed with exit 1 (lost updates or a failed check)"
            )))
        }
        code => {
            return Err(Error::input(format!(
                "ab: `{shown}` failed (exit {})",
                code.map_or("by signal".into(), |c| c.to_string())
            )))
        }
    }
    if !out.join(crate::recorder::SNAPSHOTS_FILE).is_file() {
        return Err(Error::input(format!(
            "ab: `{shown}` wrote no snapshots.csv into {} (write your run to $STATBENCH_OUT)",
            out.display()
        )));
    }
    Ok(())
}

/// Runs `count` more rounds per side, continuing the ABBA sequence after `done` runs.
fn batch(plan: &AbPlan, done: usize, count: usize, quiet: bool) -> Result<()> {
    for k in done..done + 2 * count {
        let side = abba(k);
        let n = k / 2 + 1;
        let dir = plan.out.join(format!("{side}{n:02}"));
        let cmd = if side == 'a' {
            &plan.command_a
        } else {
            &plan.command_b
        };
        run_command(cmd, &dir, quiet)?;
    }
    Ok(())
}

fn sides(plan: &AbPlan) -> Result<(RunSet, RunSet)> {
    let pick = |side: char| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&plan.out)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(side))
            })
            .collect();
        v.sort();
        v
    };
    Ok((
        RunSet::load(format!("A ({})", plan.command_a), &pick('a'))?,
        RunSet::load(format!("B ({})", plan.command_b), &pick('b'))?,
    ))
}

/// Runs the experiment: `rounds` per side in ABBA order, then, on a suspected regression,
/// `confirm_rounds` more per side, all compared again.
pub fn run_ab(plan: &AbPlan, settings: &CompareSettings, quiet: bool) -> Result<Confirmed> {
    let settings = &CompareSettings {
        speed_judgement: crate::compare::SpeedJudgement::SameMachine,
        ..settings.clone()
    }; // one machine, interleaved: speed always judged
    crate::files::create_fresh_dir(&plan.out)?;
    batch(plan, 0, plan.rounds, quiet)?;
    let (a, b) = sides(plan)?;
    confirm(compare(&a, &b, settings)?, plan.confirm_rounds > 0, || {
        if !quiet {
            eprintln!(
                "ab: suspected regression; confirming with {} more round(s) per side",
                plan.confirm_rounds
            );
        }
        batch(plan, 2 * plan.rounds, plan.confirm_rounds, quiet)?;
        let (a, b) = sides(plan)?;
        compare(&a, &b, settings)
    })
}

#[cfg(test)]
mod tests {
    use super::abba;

    #[test]
    fn abba_order_balances_position() {
        let s: String = (0..8).map(abba).collect();
        assert_eq!(s, "abbaabba");
    }
}
