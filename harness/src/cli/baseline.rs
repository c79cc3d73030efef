//! `statbench baseline save|list|show`.

use super::compare::latest_run;
use super::output::outln;
use crate::error::Result;
use crate::store::baseline::SaveOptions;
use crate::store::{Baseline, RunSet};
use clap::Subcommand;
use std::path::PathBuf;

/// Baseline subcommands.
#[derive(Debug, Subcommand, Clone)]
pub enum BaselineCommand {
    /// Store runs as baseline NAME (default: the newest run in runs/). Never overwrites without --force.
    Save {
        /// Baseline name (the gate uses the scenario's name).
        name: String,
        /// Run folders, `--repeat` folders or snapshot CSVs.
        runs: Vec<PathBuf>,
        /// Replace an existing baseline of that name.
        #[arg(long)]
        force: bool,
        /// Accept runs without run.json (an engine's CSVs): behaviour is kept, but such a
        /// baseline has no throughput, host or settings to judge speed or settings by.
        #[arg(long)]
        allow_bare_csv: bool,
    },
    /// List stored baselines.
    List,
    /// Show one baseline's metadata.
    Show {
        /// Baseline name.
        name: String,
    },
}

/// Runs a baseline subcommand.
pub fn baseline_command(cmd: &BaselineCommand) -> Result<i32> {
    let store = Baseline::discover();
    match cmd {
        BaselineCommand::Save {
            name,
            runs,
            force,
            allow_bare_csv,
        } => {
            let paths = if runs.is_empty() {
                vec![latest_run()?]
            } else {
                runs.clone()
            };
            let set = RunSet::load("runs", &paths)?;
            let info = store.save_with(
                name,
                &set,
                SaveOptions {
                    force: *force,
                    allow_bare_csv: *allow_bare_csv,
                },
            )?;
            outln!(
                "saved baseline `{}`: {} run(s), {} snapshot rows, median {} updates/s, in {}",
                info.name,
                info.runs,
                info.samples,
                info.median_ops_per_sec
                    .map_or("?".into(), |v| format!("{:.1} M", v / 1e6)),
                store.dir(name).display()
            );
        }
        BaselineCommand::List => {
            let list = store.list();
            if list.is_empty() {
                outln!("no baselines yet (statbench baseline save NAME RUN...)");
            }
            let mut damaged = 0;
            for (name, b) in list {
                let b = match b {
                    Ok(b) => b,
                    Err(e) => {
                        // The others are still listed; this one is named on stderr.
                        damaged += 1;
                        super::output::warn(&format!("baseline `{name}` skipped: {e}"));
                        continue;
                    }
                };
                let short = |r: &str| r.chars().take(12).collect::<String>();
                outln!(
                    "{:<20} {:>3} run(s)  {:>8} updates/s  {}  {}  commit {}  {}",
                    b.name,
                    b.runs,
                    b.median_ops_per_sec
                        .map_or("?".into(), |v| format!("{:.1}M", v / 1e6)),
                    b.created,
                    b.scenario.unwrap_or_default(),
                    b.revision.as_deref().map_or("?".into(), short),
                    b.host.map(|h| h.speed_fingerprint()).unwrap_or_default()
                );
            }
            if damaged > 0 {
                return Ok(crate::error::EXIT_BAD_INPUT);
            }
        }
        BaselineCommand::Show { name } => {
            let info = store.info(name)?;
            outln!(
                "{}",
                serde_json::to_string_pretty(&info).expect("serialises")
            );
        }
    }
    Ok(0)
}
