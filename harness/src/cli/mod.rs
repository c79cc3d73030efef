//! Command-line wiring: parses arguments, calls the stages, maps errors to exit codes.
//!
//! Nothing here computes anything; every command is a few calls into the stage modules.

use crate::error::{Result, EXIT_BAD_INPUT, EXIT_OK};
use crate::files::create_unique_dir;
use crate::progress::{Progress, Verbosity};
use crate::runner::{self, default_runs_dir, RunReport, RunRequest};
use crate::scenario::{bounds, Overrides, Scenario, SinkKind};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

mod ab;
mod baseline;
mod compare;
mod completions;
mod gate;
mod history;
pub(crate) mod output;
mod placement;
mod report;
mod trend;
mod verdict_args;

const EXIT_CODES_HELP: &str = "Exit codes: 0 pass, 1 regression or lost updates (totals did not \
match), 2 bad input or usage.";

/// Benchmark and regression harness for session-stats counter layouts.
#[derive(Debug, Parser)]
#[command(name = "statbench", version, about, after_help = EXIT_CODES_HELP, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    global: GlobalArgs,
}

/// Options every command takes, before or after its name.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct GlobalArgs {
    /// Say less: no progress line and no steps on stderr, only the result, warnings and errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Say more: a line per finished run or step on stderr (on a terminal or not), and the
    /// commands `ab` runs with their output.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Colour: auto (a terminal, unless NO_COLOR is set; CLICOLOR_FORCE forces it), always,
    /// never.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: ColorWhen,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, Default, clap::ValueEnum)]
pub(crate) enum ColorWhen {
    /// On a terminal, unless NO_COLOR is set (CLICOLOR_FORCE colours a pipe too).
    #[default]
    Auto,
    /// Always, even into a pipe.
    Always,
    /// Never.
    Never,
}

impl GlobalArgs {
    /// Applies the options to this process: verbosity and colour choice.
    fn apply(&self) {
        crate::progress::set_verbosity(if self.quiet {
            Verbosity::Quiet
        } else if self.verbose {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        });
        let choice = match self.color {
            ColorWhen::Auto => anstream::ColorChoice::Auto,
            ColorWhen::Always => anstream::ColorChoice::Always,
            ColorWhen::Never => anstream::ColorChoice::Never,
        };
        choice.write_global();
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a scenario: replay a synthetic swarm into the counters and record snapshots.
    #[command(after_help = EXIT_CODES_HELP)]
    Run(RunArgs),
    /// The CI gate (also what `statbench` alone does): run a scenario K times, compare with its baseline.
    #[command(after_help = EXIT_CODES_HELP)]
    Gate(gate::GateArgs),
    /// Compare runs: `compare A B`, or `compare --baseline NAME [RUN...]`.
    #[command(after_help = EXIT_CODES_HELP)]
    Compare(compare::CompareArgs),
    /// Save, list and show baselines (kept in baselines/, in git).
    #[command(subcommand, after_help = EXIT_CODES_HELP)]
    Baseline(baseline::BaselineCommand),
    /// Interleaved A/B on this machine (ABBA order), with a confirmation round before failing.
    #[command(after_help = EXIT_CODES_HELP)]
    Ab(ab::AbArgs),
    /// Measure the gate on this machine: false-alarm and detection rates, minimum detectable effect.
    #[command(after_help = EXIT_CODES_HELP)]
    Calibrate(ab::CalibrateArgs),
    /// Scaling curves: a scenario across layouts × thread counts, repeated (sweep.csv + plots).
    #[command(after_help = EXIT_CODES_HELP)]
    Sweep(ab::SweepArgs),
    /// Charts and a self-contained HTML report of a run, a comparison or a sweep.
    #[command(after_help = EXIT_CODES_HELP)]
    Report(report::ReportArgs),
    /// The runs history: add runs to a Parquet dataset, list, show, export them.
    #[command(subcommand, after_help = EXIT_CODES_HELP)]
    History(history::HistoryCommand),
    /// Steps over commits in the history: where a quantity changed, by how much, whether it stayed.
    #[command(after_help = EXIT_CODES_HELP)]
    Trend(trend::TrendArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to stdout.
    Completions(completions::CompletionsArgs),
    /// Print the man page (roff) to stdout: `statbench man > statbench.1`.
    Man(completions::ManArgs),
    /// One placement of the paired gate, in a fresh process (run by `gate`, not by people).
    #[command(hide = true)]
    Placement(placement::PlacementArgs),
}

/// Options of `statbench run`; each overrides the scenario file's value, and the merged values
/// are checked once, against the same bounds as the file's (`crate::scenario::bounds`).
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct RunArgs {
    /// Scenario name or path to a .toml file (an argument with a `/` or ending in `.toml` is
    /// only a path). A name is `./NAME`, else `scenarios/NAME.toml` here or above, else the
    /// scenario of that name built into statbench (churn, default, dht-heavy, diagnostics,
    /// quick, seeding-heavy).
    #[arg(default_value = "default")]
    pub scenario: String,
    /// Worker threads.
    #[arg(long, allow_negative_numbers = true, value_parser = |s: &str| bounds::THREADS.parse_arg(s),
          help = format!("Worker threads ({})", bounds::THREADS.range_text()))]
    pub threads: Option<u64>,
    /// Concurrent peers.
    #[arg(long, allow_negative_numbers = true, value_parser = |s: &str| bounds::PEERS.parse_arg(s),
          help = format!("Concurrent peers ({})", bounds::PEERS.range_text()))]
    pub peers: Option<u64>,
    /// Counter layout (the list comes from the parser's: `SinkKind::help`).
    #[arg(long, value_parser = parse_layout, help = SinkKind::help())]
    pub layout: Option<SinkKind>,
    /// Seed of the peers' event streams.
    #[arg(long, allow_negative_numbers = true, value_parser = |s: &str| bounds::SEED.parse_arg(s))]
    pub seed: Option<u64>,
    /// Run length in milliseconds (replaces the scenario's budget).
    #[arg(long, allow_negative_numbers = true, value_parser = |s: &str| bounds::DURATION_MS.parse_arg(s),
          conflicts_with = "operations",
          help = format!("Run length in milliseconds, {} (replaces the scenario's budget)", bounds::DURATION_MS.range_text()))]
    pub duration_ms: Option<u64>,
    /// Run exactly this many counter updates (replaces the scenario's budget).
    #[arg(long, allow_negative_numbers = true, value_parser = |s: &str| bounds::OPERATIONS.parse_arg(s),
          help = format!("Run exactly this many counter updates, {} (replaces the scenario's budget)", bounds::OPERATIONS.range_text()))]
    pub operations: Option<u64>,
    /// Sampling interval in milliseconds.
    #[arg(long, allow_negative_numbers = true, value_parser = |s: &str| bounds::SAMPLE_INTERVAL_MS.parse_arg(s),
          help = format!("Sampling interval in milliseconds, {}, at most the run length", bounds::SAMPLE_INTERVAL_MS.range_text()))]
    pub interval_ms: Option<u64>,
    /// Record only the first and final snapshot (to measure the sampler's overhead).
    #[arg(long)]
    pub no_sampling: bool,
    /// Let the OS place worker threads freely (default: worker i pinned to CPU i).
    #[arg(long)]
    pub no_pin: bool,
    /// Enable diagnostic metrics (indices ≥ 70).
    #[arg(long, overrides_with = "no_diagnostics")]
    pub diagnostics: bool,
    /// Disable diagnostic metrics.
    #[arg(long)]
    pub no_diagnostics: bool,
    /// Extra cancelling update pairs (+v, -v) per 1000 updates: a known, injected slowdown
    /// that keeps totals exact (calibration).
    #[arg(long, allow_negative_numbers = true, value_parser = |s: &str| bounds::EXTRA_WORK.parse_arg(s),
          help = format!("Extra cancelling update pairs (+v, -v) per 1000 updates, {}: a known, injected slowdown that keeps totals exact (calibration)", bounds::EXTRA_WORK.range_text()))]
    pub extra_work: Option<u64>,
    /// Output folder (must not exist or be empty). Default: runs/SCENARIO-YYYYmmdd-HHMMSS.
    /// `statbench ab` sets it for its commands through STATBENCH_OUT.
    #[arg(long, env = "STATBENCH_OUT")]
    pub out: Option<PathBuf>,
    /// Run the scenario K times (folders r1..rK inside the output folder).
    #[arg(long, default_value_t = 1, allow_negative_numbers = true,
          value_parser = |s: &str| bounds::REPEAT.parse_arg(s).and_then(|v| bounds::REPEAT.check(v.into())))]
    pub repeat: u64,
    /// Also add each finished run to this history dataset (see `statbench history`).
    #[arg(long, value_name = "DIR")]
    pub history: Option<PathBuf>,
}

pub(crate) fn parse_layout(s: &str) -> std::result::Result<SinkKind, String> {
    SinkKind::from_name(s)
        .ok_or_else(|| format!("unknown layout (expected one of: {})", SinkKind::names()))
}

impl RunArgs {
    /// Loads the scenario with the command-line overrides merged in, validated once.
    pub fn scenario(&self) -> Result<Scenario> {
        let overrides = Overrides {
            threads: self.threads,
            peers: self.peers,
            layout: self.layout,
            seed: self.seed,
            duration_ms: self.duration_ms,
            operations: self.operations,
            sample_interval_ms: self.interval_ms,
            diagnostics: match (self.diagnostics, self.no_diagnostics) {
                (_, true) => Some(false),
                (true, false) => Some(true),
                (false, false) => None,
            },
            extra_work: self.extra_work,
            pin_threads: self.no_pin.then_some(false),
            no_sampling: self.no_sampling,
        };
        Scenario::find(&self.scenario, &overrides)
    }
}

/// Parses `std::env::args`, runs the command, prints errors as one line; returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_error(e),
    };
    cli.global.apply();
    let result = dispatch(cli);
    if let Some(p) = crate::progress::current() {
        p.finish(); // an error ends a command mid-way: clear the line before saying why
    }
    match result {
        Ok(code) => code,
        Err(e) => {
            output::error(&e.to_string());
            e.exit_code()
        }
    }
}

/// Help and version go to stdout with exit 0; usage errors become one line and exit 2.
fn clap_error(e: clap::Error) -> i32 {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            EXIT_OK
        }
        _ => {
            // clap's first paragraph, on one line: "required arguments were not provided:"
            // is followed by the arguments on the next lines.
            let text = e.to_string();
            let first: Vec<&str> = text
                .lines()
                .map(str::trim)
                .take_while(|l| !l.is_empty())
                .collect();
            let first = first.join(" ");
            let first = first.strip_prefix("error: ").unwrap_or(&first);
            let first = if first.is_empty() {
                "invalid arguments"
            } else {
                first
            };
            match clap_tip(&e) {
                Some(tip) => output::error(&format!("{first}; {tip} (see --help)")),
                None => output::error(&format!("{first} (see --help)")),
            }
            EXIT_BAD_INPUT
        }
    }
}

/// clap's suggestion for a mistyped subcommand, option or value (`did you mean 'compare'?`), or
/// its other tip (`to pass '-x' as a value, use '-- -x'`), on one line.
fn clap_tip(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue};
    // clap lists the likeliest last.
    let quoted = |names: &[String]| {
        names
            .iter()
            .rev()
            .map(|n| format!("'{n}'"))
            .collect::<Vec<_>>()
            .join(" or ")
    };
    for kind in [
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
        ContextKind::SuggestedCommand,
    ] {
        match e.get(kind) {
            Some(ContextValue::String(s)) if !s.is_empty() => {
                return Some(format!("did you mean {}?", quoted(std::slice::from_ref(s))))
            }
            Some(ContextValue::Strings(v)) if !v.is_empty() => {
                return Some(format!("did you mean {}?", quoted(v)))
            }
            _ => {}
        }
    }
    match e.get(ContextKind::Suggested) {
        Some(ContextValue::StyledStrs(tips)) => tips
            .iter()
            .map(|t| t.to_string().replace('\n', " "))
            .find(|t| !t.trim().is_empty()),
        _ => None,
    }
}

fn dispatch(cli: Cli) -> Result<i32> {
    match cli.command {
        None => gate::gate_command(&gate::GateArgs::default()),
        Some(Command::Run(args)) => run_command(&args),
        Some(Command::Gate(args)) => gate::gate_command(&args),
        Some(Command::Compare(args)) => compare::compare_command(&args),
        Some(Command::Baseline(cmd)) => baseline::baseline_command(&cmd),
        Some(Command::Ab(args)) => ab::ab_command(&args),
        Some(Command::Calibrate(args)) => ab::calibrate_command(&args),
        Some(Command::Report(args)) => report::report_command(&args),
        Some(Command::Sweep(args)) => ab::sweep_command(&args),
        Some(Command::History(cmd)) => history::history_command(&cmd),
        Some(Command::Trend(args)) => trend::trend_command(&args),
        Some(Command::Completions(args)) => completions::completions_command(&args),
        Some(Command::Man(args)) => completions::man_command(&args),
        Some(Command::Placement(args)) => placement::placement_command(&args),
    }
}

/// `statbench run`: one or more repetitions, a summary paragraph, exit 1 on wrong totals.
fn run_command(args: &RunArgs) -> Result<i32> {
    let progress = Progress::start("run", args.repeat, "runs");
    let reports = run_repeated(args, &progress)?;
    progress.finish();
    print_summary(&reports);
    for r in &reports {
        r.check_totals()?;
    }
    Ok(EXIT_OK)
}

/// Runs the scenario `args.repeat` times into fresh folders, each a step of `progress`;
/// returns every run's report.
pub(crate) fn run_repeated(args: &RunArgs, progress: &Progress) -> Result<Vec<RunReport>> {
    let scenario = args.scenario()?;
    let base = match &args.out {
        Some(out) => {
            crate::files::create_fresh_dir(out)?;
            out.clone()
        }
        None => create_unique_dir(default_runs_dir(), scenario.name())?,
    };
    let k = args.repeat as usize;
    let mut reports = Vec::with_capacity(k);
    for rep in 1..=k {
        let out_dir = if k == 1 {
            base.clone()
        } else {
            base.join(format!("r{rep}"))
        };
        let report = runner::run(&RunRequest {
            scenario: scenario.clone(),
            out_dir,
            sampling: !args.no_sampling,
            progress: false, // the overall line moves instead
            repetition: (k > 1).then_some((rep, k)),
        })?;
        progress.step(
            &report.dir.display().to_string(),
            &crate::progress::rate(report.meta.ops_per_sec),
        );
        if let Some(dir) = &args.history {
            history::add_finished_run(dir, &report)?;
        }
        reports.push(report);
    }
    Ok(reports)
}

fn print_summary(reports: &[RunReport]) {
    let Some(first) = reports.first() else { return };
    let m = &first.meta;
    let runs = crate::recorder::summary::ThroughputSummary::of(reports.iter().map(|r| &r.meta))
        .map_or_else(|| "no throughput".into(), |s| s.to_string());
    let ops: u64 = reports.iter().map(|r| r.meta.total_ops).sum();
    let samples: u64 = reports.iter().map(|r| r.meta.samples).sum();
    let verified = match (
        reports.iter().all(|r| r.meta.totals_verified == Some(true)),
        reports
            .iter()
            .any(|r| r.meta.totals_verified == Some(false)),
    ) {
        (true, _) => "every counter matched the seed's expectation exactly".to_string(),
        (_, true) => "TOTALS DID NOT MATCH (lost or wrong updates)".to_string(),
        _ => "totals not checked (noop sink)".to_string(),
    };
    let where_ = if reports.len() == 1 {
        format!("{}/{{snapshots.csv,run.json}}", first.dir.display())
    } else {
        let base = first.dir.parent().unwrap_or(&first.dir);
        format!(
            "{}/r1..r{}/{{snapshots.csv,run.json}}",
            base.display(),
            reports.len()
        )
    };
    use crate::export::unit::thousands;
    output::paragraph(
        &format!(
            "{}: {runs}; {} updates in {} lives on {} threads × {} peers ({} layout{}); {} snapshot rows; {verified}. Files: {where_}",
            m.scenario,
            thousands(ops as i64),
            thousands(reports.iter().map(|r| r.meta.lives).sum::<u64>() as i64),
            m.threads,
            m.peers,
            m.layout,
            if m.diagnostics { ", diagnostics on" } else { "" },
            thousands(samples as i64),
        ),
        2,
    );
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
