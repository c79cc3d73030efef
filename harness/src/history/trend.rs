//! From runs to trends: the runs of one scenario, settings and runner type form a series; its
//! runs are grouped by commit, commits put in order, and each quantity's per-commit medians get
//! a step fit ([`statbench_stats::steps`]). What a trend found is data ([`Trend`]); the CLI and the
//! report word it.
//!
//! Commits are ordered by their commit date when the history has it (git at add time,
//! `--commit-time`), else by their first run; runs of no known commit are each their own
//! point, in time order.

use super::query::{RunSummary, RunTable};
use super::row::col;
use rayon::prelude::*;
use statbench_stats::median;
use statbench_stats::steps::{detect_steps, Step, StepFit, StepSettings};
use std::collections::BTreeMap;

/// What makes runs comparable enough to share one line: same scenario, same settings, same
/// runner type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct SeriesKey {
    pub scenario: String,
    /// Comparable-settings hash.
    pub settings_hash: Option<String>,
    /// Runner type (CPU × cores (OS)).
    pub host: String,
    /// Layout, for the label.
    pub layout: Option<String>,
    /// Threads, for the label.
    pub threads: Option<u32>,
}

impl SeriesKey {
    /// `default · sharded, 2 threads · CPU × 2 (linux-x86_64)`.
    pub fn label(&self) -> String {
        let mut parts = vec![self.scenario.clone()];
        match (&self.layout, self.threads) {
            (Some(l), Some(t)) => parts.push(format!("{l}, {t} threads")),
            (Some(l), None) => parts.push(l.clone()),
            _ => {}
        }
        parts.push(self.host.clone());
        parts.join(" · ")
    }
}

/// One commit of a series.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CommitPoint {
    /// Commit (with `-dirty` for a build with local changes), or `run <id>` without one.
    pub commit: Option<String>,
    /// Order key: commit date, else the first run's start (µs).
    pub time: i64,
    /// First run's start (µs).
    pub first_run: i64,
    /// Branches its runs were on.
    pub branches: Vec<String>,
    /// Per-run medians of the quantity.
    pub runs: Vec<f64>,
    /// Their median: the value the fit sees.
    pub value: f64,
}

impl CommitPoint {
    /// Twelve characters of the commit, or the run's date.
    pub fn short(&self) -> String {
        match &self.commit {
            Some(c) => c.chars().take(12).collect(),
            None => super::row::stamp_of_micros(self.first_run),
        }
    }
}

/// A quantity's trend in one series.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SeriesTrend {
    /// Which runs.
    pub key: SeriesKey,
    /// `throughput` or a metric name.
    pub quantity: String,
    /// Commits in order.
    pub commits: Vec<CommitPoint>,
    /// The step fit of the commits' values.
    pub fit: StepFit,
    /// Runs behind it.
    pub runs: usize,
}

impl SeriesTrend {
    /// Whether a decrease is bad (throughput) or the quantity has no direction (metrics).
    pub fn higher_is_better(&self) -> bool {
        self.quantity == col::THROUGHPUT
    }

    /// Whether `step` is new (first commit among the last `within`), persists, is at least
    /// `min_step` in size and goes the bad way (any way for a metric).
    pub fn is_new_regression(&self, step: &Step, within: usize, min_step: f64) -> bool {
        let n = self.commits.len();
        let recent = step.at + within >= n;
        let size = step.change().unwrap_or(f64::INFINITY);
        let bad = !self.higher_is_better() || size < 0.0;
        recent && step.persists && size.abs() >= min_step && bad
    }
}

/// How trends are built and judged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrendSettings {
    /// The step fit's settings.
    pub steps: StepSettings,
    /// A step is new when its first commit is among the last this many of its series.
    pub new_within: usize,
    /// Smallest step (relative) `--fail-on-new-step` fails on.
    pub min_step: f64,
}

impl Default for TrendSettings {
    fn default() -> Self {
        TrendSettings {
            steps: StepSettings::default(),
            new_within: 10,
            min_step: 0.0,
        }
    }
}

/// Everything a trend query found.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Trend {
    /// One entry per series and quantity, series in key order, quantities as asked.
    pub series: Vec<SeriesTrend>,
    /// Runs read.
    pub runs: usize,
    /// Files scanned.
    pub files: usize,
    /// Files left out.
    pub skipped: Vec<super::dataset::Skipped>,
    /// The settings used.
    #[serde(skip)]
    pub settings: TrendSettings,
}

impl Trend {
    /// The new persisting regressions (see [`SeriesTrend::is_new_regression`]).
    pub fn new_regressions(&self) -> Vec<(&SeriesTrend, &Step)> {
        self.series
            .iter()
            .flat_map(|s| {
                s.fit
                    .steps
                    .iter()
                    .filter(|st| {
                        s.is_new_regression(st, self.settings.new_within, self.settings.min_step)
                    })
                    .map(move |st| (s, st))
            })
            .collect()
    }
}

/// Builds the trend of every series and quantity of `table`.
pub fn build_trend(table: &RunTable, settings: &TrendSettings) -> Trend {
    let mut groups: BTreeMap<SeriesKey, Vec<&RunSummary>> = BTreeMap::new();
    for r in &table.runs {
        let key = SeriesKey {
            scenario: r.scenario.clone(),
            settings_hash: r.settings_hash.clone(),
            host: r.host.clone(),
            layout: r.layout.clone(),
            threads: r.threads,
        };
        groups.entry(key).or_default().push(r);
    }
    let jobs: Vec<(&SeriesKey, &Vec<&RunSummary>, usize)> = groups
        .iter()
        .flat_map(|(k, runs)| (0..table.quantities.len()).map(move |q| (k, runs, q)))
        .collect();
    let series = jobs
        .par_iter()
        .filter_map(|&(key, runs, q)| {
            let commits = commit_points(runs, q);
            if commits.is_empty() {
                return None;
            }
            let values: Vec<f64> = commits.iter().map(|c| c.value).collect();
            let fit = detect_steps(&values, &settings.steps);
            Some(SeriesTrend {
                key: key.clone(),
                quantity: table.quantities[q].clone(),
                runs: commits.iter().map(|c| c.runs.len()).sum(),
                commits,
                fit,
            })
        })
        .collect();
    Trend {
        series,
        runs: table.runs.len(),
        files: table.files,
        skipped: table.skipped.clone(),
        settings: *settings,
    }
}

/// The runs grouped by commit, in commit order, with quantity `q`'s values.
fn commit_points(runs: &[&RunSummary], q: usize) -> Vec<CommitPoint> {
    let mut by_commit: BTreeMap<String, Vec<&RunSummary>> = BTreeMap::new();
    for r in runs {
        let key = match &r.commit {
            Some(c) if r.dirty => format!("{c}-dirty"),
            Some(c) => c.clone(),
            None => format!("\u{0}run {}", r.run_id),
        };
        by_commit.entry(key).or_default().push(r);
    }
    let mut points: Vec<CommitPoint> = by_commit
        .into_iter()
        .filter_map(|(key, rs)| {
            let values: Vec<f64> = rs.iter().filter_map(|r| r.values[q]).collect();
            let value = median(&values)?;
            let first_run = rs.iter().map(|r| r.timestamp).min()?;
            let mut branches: Vec<String> = rs.iter().filter_map(|r| r.branch.clone()).collect();
            branches.sort();
            branches.dedup();
            Some(CommitPoint {
                commit: (!key.starts_with('\u{0}')).then_some(key),
                time: rs.iter().find_map(|r| r.commit_time).unwrap_or(first_run),
                first_run,
                branches,
                runs: values,
                value,
            })
        })
        .collect();
    points.sort_by(|a, b| (a.time, a.first_run, &a.commit).cmp(&(b.time, b.first_run, &b.commit)));
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(id: &str, commit: &str, ts: i64, ct: Option<i64>, v: f64) -> RunSummary {
        RunSummary {
            run_id: id.into(),
            scenario: "default".into(),
            commit: Some(commit.into()),
            dirty: false,
            commit_time: ct,
            branch: Some("main".into()),
            timestamp: ts,
            host: "cpu × 2 (linux)".into(),
            hostname: None,
            settings_hash: Some("h".into()),
            layout: Some("sharded".into()),
            threads: Some(2),
            intervals: 18,
            values: vec![Some(v)],
        }
    }

    #[test]
    fn commits_are_ordered_by_commit_date_and_runs_pooled() {
        // c2 was measured first but committed after c1.
        let table = RunTable {
            quantities: vec!["throughput".into()],
            runs: vec![
                run("a", "c2", 10, Some(200), 5.0),
                run("b", "c1", 20, Some(100), 1.0),
                run("c", "c1", 30, Some(100), 3.0),
            ],
            ..RunTable::default()
        };
        let t = build_trend(&table, &TrendSettings::default());
        assert_eq!(t.series.len(), 1);
        let s = &t.series[0];
        let order: Vec<_> = s
            .commits
            .iter()
            .map(|c| c.commit.clone().unwrap())
            .collect();
        assert_eq!(order, ["c1", "c2"]);
        assert_eq!(s.commits[0].value, 2.0);
        assert_eq!(s.commits[0].runs.len(), 2);
        assert_eq!(s.runs, 3);
    }

    #[test]
    fn new_regressions_are_recent_persisting_and_the_bad_way() {
        let mut rng = statbench_stats::SplitMix64::new(9);
        let mut runs = Vec::new();
        for i in 0..60 {
            let level = if i >= 55 { 0.9 } else { 1.0 };
            let noise = (0.01 * crate::history::synth::normal(&mut rng)).exp();
            runs.push(run(
                &format!("r{i}"),
                &format!("c{i:03}"),
                i,
                None,
                1e7 * level * noise,
            ));
        }
        let table = RunTable {
            quantities: vec!["throughput".into()],
            runs,
            ..RunTable::default()
        };
        let t = build_trend(&table, &TrendSettings::default());
        let new = t.new_regressions();
        assert_eq!(new.len(), 1, "{:?}", t.series[0].fit.steps);
        assert!(new[0].1.at.abs_diff(55) <= 1);
        // Outside the window it is no longer new.
        let old = Trend {
            settings: TrendSettings {
                new_within: 3,
                ..TrendSettings::default()
            },
            ..t.clone()
        };
        assert!(old.new_regressions().is_empty());
        // Throughput going up is not a regression.
        let s = &t.series[0];
        let mut up = s.fit.steps[0].clone();
        up.ratio = Some(1.1);
        assert!(!s.is_new_regression(&up, 10, 0.0));
    }
}
