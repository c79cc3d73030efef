//! `statbench history add|list|show|export|synth`: the runs dataset.

use super::output::outln;
use crate::error::{Error, Result, EXIT_OK};
use crate::files::atomic_write;
use crate::history::interop::{export, ExportFormat};
use crate::history::query::{all_quantities, check_quantity};
use crate::history::render::date;
use crate::history::row::{col, parse_time_micros, Provenance};
use crate::history::synth::{synth, SynthSpec};
use crate::history::{
    add_runs, build_trend, run_medians, Added, Dataset, Query, Skipped, TrendSettings, DEFAULT_DIR,
};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// Where the history is.
#[derive(Debug, Args, Clone)]
pub struct HistoryDir {
    /// History dataset folder (hive-partitioned Parquet, one file per run).
    #[arg(long = "history", value_name = "DIR", default_value = DEFAULT_DIR)]
    pub dir: PathBuf,
}

/// Which runs a query reads; the scenario and time range also prune the partitions read.
#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// Only this scenario.
    #[arg(long)]
    pub scenario: Option<String>,
    /// Only runs started at or after this: a date (2026-01-31), an RFC 3339 time, or an age
    /// (90d, 12w, 1y).
    #[arg(long, value_parser = parse_when)]
    pub since: Option<i64>,
    /// Only runs started before this (same forms as --since).
    #[arg(long, value_parser = parse_when)]
    pub until: Option<i64>,
    /// Only runs of this branch.
    #[arg(long)]
    pub branch: Option<String>,
    /// Only runs of this runner type (`CPU × cores (OS)`, as `history list` shows) or machine name.
    #[arg(long)]
    pub host: Option<String>,
}

impl FilterArgs {
    /// The query these options describe.
    pub fn query(&self) -> Query {
        Query {
            scenario: self.scenario.clone(),
            since: self.since,
            until: self.until,
            branch: self.branch.clone(),
            host: self.host.clone(),
            run_id: None,
        }
    }
}

/// A time in µs since the epoch: a date, an RFC 3339 time, or an age before now.
pub fn parse_when(s: &str) -> std::result::Result<i64, String> {
    let s = s.trim();
    if s.len() == 10 && s.as_bytes()[4] == b'-' {
        if let Some(t) = parse_time_micros(&format!("{s}T00:00:00Z")) {
            return Ok(t);
        }
    }
    if let Some(t) = parse_time_micros(s) {
        return Ok(t);
    }
    if let Ok(age) = humantime::parse_duration(s) {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|e| e.to_string())?;
        return Ok(now.saturating_sub(age).as_micros() as i64);
    }
    Err(format!(
        "`{s}`: not a date (2026-01-31), an RFC 3339 time (2026-01-31T08:00:00Z) or an age (90d)"
    ))
}

/// History subcommands.
#[derive(Debug, Subcommand, Clone)]
pub enum HistoryCommand {
    /// Add runs to the history: one Parquet file per run, written atomically; a run already
    /// there is left alone.
    Add(AddArgs),
    /// List the runs in the history, newest last.
    List(ListArgs),
    /// Show one run (by id or id prefix) or the runs of a commit (by commit prefix).
    Show(ShowArgs),
    /// Export the latest results for another dashboard (Bencher's BMF JSON,
    /// github-action-benchmark's JSON).
    Export(ExportArgs),
    /// Write a synthetic history with known steps (to check step detection and query speed).
    Synth(SynthArgs),
    /// Merge each month's run files into one file (queries over thousands of runs get ~40×
    /// faster); safe while others add runs or query.
    Compact(CompactArgs),
}

/// `history compact`.
#[derive(Debug, Args, Clone)]
pub struct CompactArgs {
    #[command(flatten)]
    pub history: HistoryDir,
    /// Only this scenario.
    #[arg(long)]
    pub scenario: Option<String>,
    /// Only months from this time on (same forms as `trend --since`).
    #[arg(long, value_parser = parse_when)]
    pub since: Option<i64>,
    /// Only months before this time.
    #[arg(long, value_parser = parse_when)]
    pub until: Option<i64>,
}

/// `history add`.
#[derive(Debug, Args, Clone)]
pub struct AddArgs {
    /// Run folders, `--repeat` folders or snapshot CSVs.
    #[arg(required = true)]
    pub runs: Vec<PathBuf>,
    #[command(flatten)]
    pub history: HistoryDir,
    /// Commit measured (default: run.json's git_revision); needed for an engine's CSVs.
    #[arg(long)]
    pub commit: Option<String>,
    /// Branch (default: git's branch when the commit is its HEAD, or GitHub Actions').
    #[arg(long)]
    pub branch: Option<String>,
    /// The commit's date (default: from git, when it knows the commit), RFC 3339 or a date.
    #[arg(long, value_parser = parse_when)]
    pub commit_time: Option<i64>,
    /// When the run started (default: run.json's start_time); needed for an engine's CSVs.
    #[arg(long, value_parser = parse_when)]
    pub timestamp: Option<i64>,
    /// Scenario (partition) name (default: run.json's); needed for an engine's CSVs.
    #[arg(long)]
    pub scenario: Option<String>,
}

/// `history list`.
#[derive(Debug, Args, Clone)]
pub struct ListArgs {
    #[command(flatten)]
    pub history: HistoryDir,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Show at most the newest N runs (0: all).
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
}

/// `history show`.
#[derive(Debug, Args, Clone)]
pub struct ShowArgs {
    /// Run id (or a prefix of one), or a commit (or a prefix of one).
    pub id: String,
    #[command(flatten)]
    pub history: HistoryDir,
    #[command(flatten)]
    pub filter: FilterArgs,
}

/// `history export`.
#[derive(Debug, Args, Clone)]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Quantities (default: throughput; `--all`: every metric too).
    pub quantities: Vec<String>,
    /// Every quantity.
    #[arg(long)]
    pub all: bool,
    /// Write to this file (atomically; an existing file is refused) instead of stdout.
    #[arg(long)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub history: HistoryDir,
    #[command(flatten)]
    pub filter: FilterArgs,
}

/// `history synth`.
#[derive(Debug, Args, Clone)]
pub struct SynthArgs {
    /// Dataset folder to write (must not hold runs of another seed's history already).
    #[arg(long)]
    pub out: PathBuf,
    /// Runs in all.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub runs: u64,
    /// Commits the runs are spread over, one a day (default: a fifth of the runs).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub commits: Option<u64>,
    /// Sampling intervals per run.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(4..=100_000))]
    pub intervals: u64,
    /// Run-to-run coefficient of variation.
    #[arg(long, default_value_t = 0.02)]
    pub cv: f64,
    /// Fraction of runs disturbed (20% slower), as a busy neighbour does.
    #[arg(long, default_value_t = 0.01)]
    pub disturbed: f64,
    /// Injected steps as COMMIT:FACTOR,… (e.g. 500:0.95 for −5% from commit 500 on), or
    /// `none` for an A/A history. Default: −2% at a quarter, −5% at half, +10% at three
    /// quarters of the commits.
    #[arg(long)]
    pub steps: Option<String>,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Scenario (partition) name.
    #[arg(long, default_value = "synthetic")]
    pub scenario: String,
    /// Date of the first commit.
    #[arg(long, value_parser = parse_when, default_value = "2021-01-01")]
    pub start: i64,
}

/// Runs a history subcommand.
pub fn history_command(cmd: &HistoryCommand) -> Result<i32> {
    match cmd {
        HistoryCommand::Add(a) => add_command(a),
        HistoryCommand::List(a) => list_command(a),
        HistoryCommand::Show(a) => show_command(a),
        HistoryCommand::Export(a) => export_command(a),
        HistoryCommand::Synth(a) => synth_command(a),
        HistoryCommand::Compact(a) => compact_command(a),
    }
}

/// Prints the files a query skipped, one line each (at most 20, then a count), on stderr.
pub fn warn_skipped(skipped: &[Skipped]) {
    for s in skipped.iter().take(20) {
        eprintln!("statbench: warning: {s}");
    }
    if skipped.len() > 20 {
        eprintln!(
            "statbench: warning: {} more files skipped",
            skipped.len() - 20
        );
    }
}

fn add_command(a: &AddArgs) -> Result<i32> {
    let prov = Provenance {
        commit: a.commit.clone(),
        branch: a.branch.clone(),
        commit_time: a.commit_time,
        timestamp: a.timestamp,
        scenario: a.scenario.clone(),
    };
    let ds = Dataset::at(&a.history.dir);
    let outcomes = add_runs(&ds, &a.runs, &prov)?;
    report_added(&ds, &outcomes);
    Ok(EXIT_OK)
}

/// `--history DIR` of `run` and `gate`: adds a run that just finished (one that lost updates
/// is not added: its speed means nothing; the command fails on it anyway).
pub fn add_finished_run(dir: &std::path::Path, report: &crate::runner::RunReport) -> Result<()> {
    if report.meta.totals_verified == Some(false) {
        eprintln!(
            "statbench: warning: {}: lost updates; not added to the history",
            report.dir.display()
        );
        return Ok(());
    }
    let ds = Dataset::at(dir);
    for o in add_runs(
        &ds,
        std::slice::from_ref(&report.dir),
        &Provenance::default(),
    )? {
        match o.added {
            Added::New(p) => eprintln!("history: added {} as {}", o.source, p.display()),
            Added::Exists(p) => eprintln!("history: {} already in {}", o.source, p.display()),
        }
    }
    Ok(())
}

/// One line per run added (or found already there).
pub fn report_added(ds: &Dataset, outcomes: &[crate::history::AddOutcome]) {
    let new = outcomes
        .iter()
        .filter(|o| matches!(o.added, Added::New(_)))
        .count();
    for o in outcomes {
        match &o.added {
            Added::New(p) => outln!("history: added {} as {}", o.source, p.display()),
            Added::Exists(p) => outln!(
                "history: {} is already in the history ({}); left as it is",
                o.source,
                p.display()
            ),
        }
    }
    outln!(
        "history: {new} run(s) added to {}, {} already there",
        ds.root().display(),
        outcomes.len() - new
    );
}

fn list_command(a: &ListArgs) -> Result<i32> {
    let ds = Dataset::at(&a.history.dir);
    let table = run_medians(&ds, &a.filter.query(), &[col::THROUGHPUT.to_string()])?;
    warn_skipped(&table.skipped);
    let runs = &table.runs;
    let commits: std::collections::BTreeSet<_> =
        runs.iter().filter_map(|r| r.commit.as_deref()).collect();
    outln!(
        "{}: {} run(s) of {} commit(s) in {} file(s){}",
        ds.root().display(),
        runs.len(),
        commits.len(),
        table.files,
        if table.skipped.is_empty() {
            String::new()
        } else {
            format!(", {} skipped", table.skipped.len())
        }
    );
    let shown = if a.limit == 0 || runs.len() <= a.limit {
        &runs[..]
    } else {
        outln!("(the newest {} shown; --limit 0 shows all)", a.limit);
        &runs[runs.len() - a.limit..]
    };
    for r in shown {
        outln!(
            "{}  {}  {:<12}  {:<10}  {}  {}  {}",
            r.run_id,
            r.scenario,
            r.commit.as_deref().unwrap_or("-"),
            r.branch.as_deref().unwrap_or("-"),
            r.values[0].map_or("-".into(), |v| format!(
                "{:.1} M/s (median interval)",
                v / 1e6
            )),
            match (&r.layout, r.threads) {
                (Some(l), Some(t)) => format!("{l}×{t}"),
                _ => "-".into(),
            },
            r.host
        );
    }
    Ok(EXIT_OK)
}

fn show_command(a: &ShowArgs) -> Result<i32> {
    let ds = Dataset::at(&a.history.dir);
    let table = run_medians(&ds, &a.filter.query(), &[col::THROUGHPUT.to_string()])?;
    warn_skipped(&table.skipped);
    let matches: Vec<_> = table
        .runs
        .iter()
        .filter(|r| {
            r.run_id.starts_with(&a.id) || r.commit.as_deref().is_some_and(|c| c.starts_with(&a.id))
        })
        .collect();
    if matches.is_empty() {
        return Err(Error::input(format!(
            "history show: no run or commit `{}` in {}",
            a.id,
            ds.root().display()
        )));
    }
    let quantities = all_quantities();
    for r in matches.iter().take(20) {
        let query = Query {
            run_id: Some(r.run_id.clone()),
            scenario: Some(r.scenario.clone()),
            since: Some(r.timestamp),
            until: Some(r.timestamp + 1),
            ..Query::default()
        };
        let one = run_medians(&ds, &query, &quantities)?;
        let Some(run) = one.runs.first() else {
            continue;
        };
        outln!("run {}", run.run_id);
        outln!("  scenario   {}", run.scenario);
        outln!(
            "  commit     {}{}",
            run.commit.as_deref().unwrap_or("-"),
            if run.dirty { " (local changes)" } else { "" }
        );
        outln!("  committed  {}", run.commit_time.map_or("-".into(), date));
        outln!("  branch     {}", run.branch.as_deref().unwrap_or("-"));
        outln!(
            "  started    {}",
            humantime::format_rfc3339_seconds(
                std::time::UNIX_EPOCH
                    + std::time::Duration::from_micros(run.timestamp.max(0) as u64)
            )
        );
        outln!(
            "  host       {} ({})",
            run.host,
            run.hostname.as_deref().unwrap_or("-")
        );
        outln!(
            "  settings   {} · {} · {} threads",
            run.settings_hash.as_deref().unwrap_or("-"),
            run.layout.as_deref().unwrap_or("-"),
            run.threads.map_or("-".into(), |t| t.to_string())
        );
        outln!("  steady intervals {}", run.intervals);
        outln!("  medians over the steady intervals:");
        for (q, v) in quantities.iter().zip(&run.values) {
            if let Some(v) = v {
                if *v != 0.0 {
                    outln!("    {q:<40} {}", crate::history::figure(q, *v));
                }
            }
        }
    }
    if matches.len() > 20 {
        outln!("… and {} more runs", matches.len() - 20);
    }
    Ok(EXIT_OK)
}

/// Quantities named on the command line, or throughput, or (with `all`) every one.
pub fn chosen_quantities(names: &[String], all: bool) -> Result<Vec<String>> {
    if all {
        return Ok(all_quantities());
    }
    if names.is_empty() {
        return Ok(vec![col::THROUGHPUT.to_string()]);
    }
    for n in names {
        check_quantity(n)?;
    }
    Ok(names.to_vec())
}

fn export_command(a: &ExportArgs) -> Result<i32> {
    if let Some(p) = &a.output {
        if p.exists() {
            return Err(Error::input(format!(
                "--output {}: already exists; not overwritten (choose another file or remove it)",
                p.display()
            )));
        }
    }
    let quantities = chosen_quantities(&a.quantities, a.all)?;
    let ds = Dataset::at(&a.history.dir);
    let table = run_medians(&ds, &a.filter.query(), &quantities)?;
    warn_skipped(&table.skipped);
    if table.runs.is_empty() {
        return Err(Error::input(format!(
            "{}: no runs match; nothing to export",
            ds.root().display()
        )));
    }
    let trend = build_trend(&table, &TrendSettings::default());
    let text = export(&trend, a.format);
    match &a.output {
        Some(p) => atomic_write(p, text.as_bytes())?,
        None => crate::cli::output::print(&text),
    }
    Ok(EXIT_OK)
}

fn parse_steps(text: Option<&str>, commits: usize) -> Result<Vec<(usize, f64)>> {
    let Some(text) = text else {
        return Ok(SynthSpec::default_steps(commits));
    };
    if text == "none" {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(|part| {
            let bad = || {
                Error::input(format!(
                    "--steps: `{part}` is not COMMIT:FACTOR (e.g. 500:0.95)"
                ))
            };
            let (c, f) = part.trim().split_once(':').ok_or_else(bad)?;
            let c: usize = c.parse().map_err(|_| bad())?;
            let f: f64 = f.parse().map_err(|_| bad())?;
            if !(f.is_finite() && f > 0.0) {
                return Err(bad());
            }
            Ok((c, f))
        })
        .collect()
}

fn synth_command(a: &SynthArgs) -> Result<i32> {
    for (name, v) in [("--cv", a.cv), ("--disturbed", a.disturbed)] {
        if !(0.0..1.0).contains(&v) {
            return Err(Error::input(format!(
                "{name} {v}: must be at least 0 and below 1"
            )));
        }
    }
    let commits = a.commits.unwrap_or((a.runs / 5).max(1)) as usize;
    let spec = SynthSpec {
        scenario: a.scenario.clone(),
        runs: a.runs as usize,
        commits,
        intervals: a.intervals as usize,
        cv: a.cv,
        interval_cv: 0.01,
        disturbed: a.disturbed,
        steps: parse_steps(a.steps.as_deref(), commits)?,
        seed: a.seed,
        start: a.start,
        branch: "main".into(),
    };
    let started = std::time::Instant::now();
    let summary = synth(&Dataset::at(&a.out), &spec)?;
    outln!(
        "history synth: {} run(s) of {commits} commits × {} intervals written to {} ({} already there) in {:.1} s",
        summary.written,
        a.intervals,
        a.out.display(),
        summary.existing,
        started.elapsed().as_secs_f64()
    );
    for (at, commit, f) in &summary.steps {
        outln!(
            "  injected step: {} from commit #{at} ({commit})",
            crate::compare::quantity::percent(f - 1.0)
        );
    }
    Ok(EXIT_OK)
}

fn compact_command(a: &CompactArgs) -> Result<i32> {
    let ds = Dataset::at(&a.history.dir);
    let which = Query {
        scenario: a.scenario.clone(),
        since: a.since,
        until: a.until,
        ..Query::default()
    }
    .partitions();
    let started = std::time::Instant::now();
    let done = crate::history::compact::compact(&ds, &which)?;
    warn_skipped(&done.skipped);
    outln!(
        "history compact: {} file(s) of {} run(s) merged into {} file(s), one per month, in {:.1} s",
        done.files,
        done.runs,
        done.written.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(EXIT_OK)
}
