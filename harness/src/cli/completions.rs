//! `statbench completions SHELL` and `statbench man`: generated from the command-line
//! definition itself, so they never fall behind it.

use crate::error::Result;
use clap::{Args, CommandFactory};

/// Options of `statbench completions`.
#[derive(Debug, Args, Clone)]
pub struct CompletionsArgs {
    /// Shell to complete for, e.g. `statbench completions bash > ~/.local/share/bash-completion/completions/statbench`.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Options of `statbench man`.
#[derive(Debug, Args, Clone)]
pub struct ManArgs {}

/// Prints the completion script for `args.shell`.
pub fn completions_command(args: &CompletionsArgs) -> Result<i32> {
    let mut cmd = super::Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "statbench", &mut buf);
    super::output::print(&String::from_utf8_lossy(&buf));
    Ok(0)
}

/// Prints the man page (section 1), subcommands included.
pub fn man_command(_: &ManArgs) -> Result<i32> {
    let cmd = super::Cli::command();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .render(&mut buf)
        .map_err(|e| crate::error::Error::input(format!("man: {e}")))?;
    // One page holds every subcommand, each as a section, as `git help` pages do.
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub.get_name().to_uppercase();
        buf.extend_from_slice(format!(".SH \"STATBENCH {name}\"\n").as_bytes());
        let sub = sub
            .clone()
            .bin_name(format!("statbench {}", sub.get_name()));
        let man = clap_mangen::Man::new(sub);
        man.render_description_section(&mut buf)
            .and_then(|()| man.render_options_section(&mut buf))
            .map_err(|e| crate::error::Error::input(format!("man: {e}")))?;
    }
    super::output::print(&String::from_utf8_lossy(&buf));
    Ok(0)
}
