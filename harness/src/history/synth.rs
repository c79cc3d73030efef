//! Synthetic histories with known answers: `statbench history synth` writes runs the way
//! `history add` does, with run-to-run noise, disturbed runs and steps injected at chosen
//! commits, so step detection, queries and their speed can be checked against the truth.
//!
//! Each commit gets `runs / commits` runs (one commit a day, its runs twenty minutes apart).
//! A run's level is the base throughput × every step at or before its commit × a log-normal
//! factor with the run-to-run `cv` (× 0.8 for a disturbed run); its intervals vary around it
//! by `interval_cv`, with a slower first (warm-up) and last (wind-down) interval that, as in
//! real runs, are not steady. Counters are rates that scale with the run's throughput, gauges
//! integer levels with their own noise; diagnostic metrics are 0 (diagnostics off).

use super::dataset::{Added, Dataset};
use super::row::{run_id, stamp_of_micros, HistoryRun, RunRecord};
use crate::error::{Error, Result};
use session_stats::{session_stats_metrics, MetricKind};
use statbench_stats::SplitMix64;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthSpec {
    /// Scenario (partition) name.
    pub scenario: String,
    /// Runs in all.
    pub runs: usize,
    /// Commits they are spread over.
    pub commits: usize,
    /// Sampling intervals per run.
    pub intervals: usize,
    /// Run-to-run coefficient of variation of the throughput.
    pub cv: f64,
    /// Interval-to-interval variation within a run.
    pub interval_cv: f64,
    /// Fraction of runs disturbed (20% slower).
    pub disturbed: f64,
    /// Steps: (commit index, factor from that commit on).
    pub steps: Vec<(usize, f64)>,
    pub seed: u64,
    /// First commit's time, µs since the epoch.
    pub start: i64,
    /// Branch recorded.
    pub branch: String,
}

impl SynthSpec {
    /// The default steps for `commits` commits: −2% at a quarter, −5% at half, +10% at three
    /// quarters of the history.
    pub fn default_steps(commits: usize) -> Vec<(usize, f64)> {
        vec![
            (commits / 4, 0.98),
            (commits / 2, 0.95),
            (3 * commits / 4, 1.10),
        ]
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthSummary {
    /// Files written.
    pub written: usize,
    /// Runs already there (same seed written before).
    pub existing: usize,
    /// The injected steps: (commit index, commit, factor).
    pub steps: Vec<(usize, String, f64)>,
}

const BASE_THROUGHPUT: f64 = 45e6;
const DAY_US: i64 = 86_400_000_000;
const RUN_GAP_US: i64 = 20 * 60 * 1_000_000;

/// A normal deviate (Box–Muller).
pub fn normal(rng: &mut SplitMix64) -> f64 {
    let u = rng.next_f64().max(1e-300);
    let v = rng.next_f64();
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

/// Commit `i`'s twelve-character id.
pub fn commit_id(seed: u64, i: usize) -> String {
    format!(
        "{:012x}",
        SplitMix64::for_item(seed, i as u64).next_u64() >> 16
    )
}

/// Writes the history of `spec` into `ds`.
pub fn synth(ds: &Dataset, spec: &SynthSpec) -> Result<SynthSummary> {
    if spec.commits == 0 || spec.runs < spec.commits || spec.intervals < 4 {
        return Err(Error::input(
            "history synth: needs at least one commit, a run per commit and 4 intervals a run",
        ));
    }
    if let Some((at, _)) = spec.steps.iter().find(|(at, _)| *at >= spec.commits) {
        return Err(Error::input(format!(
            "history synth: a step at commit {at}, but there are {} commits (0..{})",
            spec.commits,
            spec.commits - 1
        )));
    }
    let per_commit = spec.runs / spec.commits;
    let extra = spec.runs % spec.commits;
    let jobs: Vec<(usize, usize)> = (0..spec.commits)
        .flat_map(|c| (0..per_commit + usize::from(c < extra)).map(move |r| (c, r)))
        .collect();
    let outcomes = super::parallel_map(&jobs, |&(c, r)| {
        let run = synth_run(spec, c, r);
        ds.add(
            &spec.scenario,
            run.month(),
            &run.record.run_id,
            false,
            |f| run.write_parquet(f),
        )
    })
    .into_iter()
    .collect::<Result<Vec<Added>>>()?;
    let written = outcomes
        .iter()
        .filter(|a| matches!(a, Added::New(_)))
        .count();
    Ok(SynthSummary {
        written,
        existing: outcomes.len() - written,
        steps: spec
            .steps
            .iter()
            .map(|&(at, f)| (at, commit_id(spec.seed, at), f))
            .collect(),
    })
}

/// Run `r` of commit `c`.
pub fn synth_run(spec: &SynthSpec, c: usize, r: usize) -> HistoryRun {
    let mut rng = SplitMix64::for_item(spec.seed ^ 0x5157, ((c as u64) << 20) | r as u64);
    let step: f64 = spec
        .steps
        .iter()
        .filter(|(at, _)| c >= *at)
        .map(|(_, f)| f)
        .product();
    let disturbed = rng.chance(spec.disturbed);
    let level = BASE_THROUGHPUT
        * step
        * (spec.cv * normal(&mut rng)).exp()
        * if disturbed { 0.8 } else { 1.0 };
    let n = spec.intervals;
    let steady = crate::store::run_set::steady_intervals(n);
    let throughput: Vec<f64> = (0..n)
        .map(|i| {
            let edge = if i == 0 {
                0.9
            } else if i == n - 1 {
                0.7
            } else {
                1.0
            };
            level * edge * (spec.interval_cv * normal(&mut rng)).exp()
        })
        .collect();
    let metrics = session_stats_metrics()
        .iter()
        .map(|m| {
            let mut mrng = SplitMix64::for_item(spec.seed ^ 0x3e7, m.index as u64);
            let share = 10f64.powf(-3.0 * mrng.next_f64());
            let gauge_level = 1.0 + 1000.0 * mrng.next_f64();
            let values = (0..n)
                .map(|i| {
                    if m.is_diagnostic() || m.deprecated {
                        0.0
                    } else if m.kind == MetricKind::Counter {
                        throughput[i] * share * (0.01 * normal(&mut rng)).exp()
                    } else {
                        (gauge_level * (0.05 * normal(&mut rng)).exp()).round()
                    }
                })
                .collect();
            Some(values)
        })
        .collect();
    let commit_time = spec.start + c as i64 * DAY_US;
    let timestamp = commit_time + (r as i64 + 1) * RUN_GAP_US;
    let commit = commit_id(spec.seed, c);
    HistoryRun {
        record: RunRecord {
            run_id: run_id(timestamp, &format!("synth|{}|{c}|{r}", spec.seed)),
            scenario: spec.scenario.clone(),
            commit: Some(commit),
            dirty: false,
            commit_time: Some(commit_time),
            branch: Some(spec.branch.clone()),
            timestamp,
            host: "Synthetic CPU × 2 (linux-x86_64)".into(),
            hostname: format!("synth-runner-{}", r % 3),
            probe: Some((900.0 * (0.02 * normal(&mut rng)).exp(), 60.0)),
            settings_hash: Some("synthetic".into()),
            scenario_hash: Some("synthetic".into()),
            layout: Some("sharded".into()),
            threads: Some(2),
            peers: Some(64),
            seed: Some(spec.seed),
            statbench_version: Some(env!("CARGO_PKG_VERSION").into()),
            totals_verified: Some(true),
            source: format!("synth seed {} {}", spec.seed, stamp_of_micros(timestamp)),
        },
        duration_ns: vec![1_000_000_000 / n as i64; n],
        steady: (0..n).map(|i| steady.contains(&i)).collect(),
        throughput: throughput.into_iter().map(Some).collect(),
        metrics,
    }
}
