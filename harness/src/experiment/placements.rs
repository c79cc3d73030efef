//! Placement-paired measurement: the gate's slice pairing split over several fresh processes,
//! judged after each one (group-sequential looks).
//!
//! One process draws one placement of the two libraries, the heap and the threads, and
//! pairing inside it cannot cancel that: the same two builds gated twice differed by more
//! than one process's interval allowed. So each placement is a fresh `statbench` process
//! (the hidden `placement` command) that loads both slice libraries, in an order drawn from the
//! seed, and alternates `slices` pairs of their slices in randomised A B B A blocks; the
//! placement is the unit of the analysis ([`statbench_stats::paired::placements`]), and looks
//! after the first `first_look` placements can stop as soon as the data decide.

use super::paired::{measure_slices, PairedDesign, PairedSide, SlicePlan, SlicesRecorded};
use crate::compare::{compare_placements, CompareSettings, Confirmed, Pair, Side};
use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::rng::SplitMix64;
use crate::slice::abi::LoadedSlices;
use statbench_stats::{nominal_alpha, Look};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What one placement measures: the two libraries, the scenario and the slices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacementWork {
    /// The base's slice library (A).
    pub base_library: PathBuf,
    /// The candidate's slice library (B).
    pub candidate_library: PathBuf,
    /// The scenario file both open.
    pub scenario: PathBuf,
    /// Injected slowdown of the candidate (extra cancelling update pairs per 1000; 0: none).
    pub candidate_extra_work: u64,
    /// Pairs of slices.
    pub slices: usize,
    /// Length of each slice in milliseconds.
    pub slice_ms: u64,
    /// Seed of this placement: the libraries' load order and the block orders.
    pub seed: u64,
}

/// Measures one placement in this process (the `placement` command's work): both libraries
/// loaded, in the order the seed draws (the first one loaded takes the lower addresses), a
/// warm-up, then the pairs.
pub fn measure_placement(work: &PlacementWork) -> Result<SlicesRecorded> {
    let base_first = SplitMix64::for_item(work.seed, 0).next_u64() & 1 == 0;
    let open_base = || LoadedSlices::open(&work.base_library, &work.scenario, 0);
    let open_candidate = || {
        LoadedSlices::open(
            &work.candidate_library,
            &work.scenario,
            work.candidate_extra_work,
        )
    };
    let (mut a, mut b) = if base_first {
        let a = open_base()?;
        (a, open_candidate()?)
    } else {
        let b = open_candidate()?;
        (open_base()?, b)
    };
    let mut plan = SlicePlan {
        a: PairedSide {
            label: "base".into(),
            measure: Box::new(|ms| a.run(ms)),
        },
        b: PairedSide {
            label: "candidate".into(),
            measure: Box::new(|ms| b.run(ms)),
        },
        design: PairedDesign {
            pairs: work.slices,
            confirm_pairs: 0,
            seed: work.seed,
        },
        slice_ms: work.slice_ms,
        differences: Vec::new(),
    };
    let mut rec = SlicesRecorded::default();
    measure_slices(&mut plan, &mut rec, work.slices, &Progress::hidden())?;
    Ok(rec)
}

/// The placement's result as the parent reads it: `pair BLOCK A B` a line (updates/s), then
/// `lost SIDE PAIR METRICS` for each slice that lost updates.
pub fn write_placement(rec: &SlicesRecorded) -> String {
    let mut out = String::new();
    for p in &rec.pairs {
        out.push_str(&format!("pair {} {} {}\n", p.block, p.a, p.b));
    }
    for (side, pair, metrics) in &rec.lost {
        out.push_str(&format!("lost {} {pair} {metrics}\n", side.letter()));
    }
    out
}

/// Reads what [`write_placement`] wrote; `what` names the placement in errors.
pub fn read_placement(text: &str, what: &str) -> Result<SlicesRecorded> {
    let mut rec = SlicesRecorded::default();
    for (n, line) in text.lines().enumerate() {
        let bad = || Error::input(format!("{what}: line {}: unreadable `{line}`", n + 1));
        let f: Vec<&str> = line.split_whitespace().collect();
        match f.as_slice() {
            ["pair", block, a, b] => {
                let rate = |x: &str| x.parse::<f64>().ok().filter(|v| v.is_finite() && *v > 0.0);
                rec.pairs.push(Pair {
                    block: block.parse().map_err(|_| bad())?,
                    a: rate(a).ok_or_else(bad)?,
                    b: rate(b).ok_or_else(bad)?,
                });
            }
            ["lost", side, pair, metrics] => {
                let side = match *side {
                    "A" => Side::Base,
                    "B" => Side::Candidate,
                    _ => return Err(bad()),
                };
                rec.lost.push((
                    side,
                    pair.parse().map_err(|_| bad())?,
                    metrics.parse().map_err(|_| bad())?,
                ));
            }
            _ => return Err(bad()),
        }
    }
    if rec.pairs.len() < 2 {
        return Err(Error::input(format!(
            "{what}: {} pair(s) measured; at least 2 are needed",
            rec.pairs.len()
        )));
    }
    Ok(rec)
}

/// The sequential design of a placement-paired gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacementDesign {
    /// Placements before the first look (at least 3).
    pub first_look: usize,
    /// Most placements (the last look).
    pub max_placements: usize,
    /// Seed of the placements (each placement's own seed is drawn from it).
    pub seed: u64,
}

impl PlacementDesign {
    /// Placements at each look: one look after every placement from the first look on.
    pub fn looks(&self) -> Vec<usize> {
        (self.first_look..=self.max_placements).collect()
    }
}

/// A placement-paired gate: what each placement measures, how many, and the labels.
pub struct PlacementPlan {
    /// How the base is called in output.
    pub base_label: String,
    /// How the candidate is called in output.
    pub candidate_label: String,
    /// The statbench binary whose `placement` command measures (this one).
    pub program: PathBuf,
    /// What each placement measures (its seed is replaced by the placement's own).
    pub work: PlacementWork,
    /// How many placements, and when to look.
    pub design: PlacementDesign,
}

/// Runs one placement as a fresh process of `program`.
fn spawn_placement(program: &Path, work: &PlacementWork, what: &str) -> Result<SlicesRecorded> {
    let out = Command::new(program)
        .arg("placement")
        .arg("--base-library")
        .arg(&work.base_library)
        .arg("--candidate-library")
        .arg(&work.candidate_library)
        .arg("--scenario")
        .arg(&work.scenario)
        .args([
            "--candidate-extra-work",
            &work.candidate_extra_work.to_string(),
        ])
        .args(["--slices", &work.slices.to_string()])
        .args(["--slice-ms", &work.slice_ms.to_string()])
        .args(["--seed", &work.seed.to_string()])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::input(format!("{}: cannot start: {e}", program.display())))?;
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr);
        let why = why
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        return Err(Error::input(format!(
            "{what}: {} placement exited {}: {why}",
            program.display(),
            out.status
                .code()
                .map_or("by signal".into(), |c| c.to_string())
        )));
    }
    read_placement(&String::from_utf8_lossy(&out.stdout), what)
}

/// Runs the placements one after another, judging after each from the first look on, and
/// returns the comparison of the look that stopped.
pub fn run_placements(plan: &PlacementPlan, settings: &CompareSettings) -> Result<Confirmed> {
    let design = &plan.design;
    let looks = design.looks();
    let level = nominal_alpha(
        settings.stats.alpha,
        &looks,
        statbench_stats::sequential::SEQUENTIAL_DRAWS,
        design.seed,
    )
    .ok_or_else(|| {
        Error::input(format!(
            "placements: first look {} and at most {} placements: need 3 ≤ first look ≤ placements",
            design.first_look, design.max_placements
        ))
    })?;
    let progress = Progress::start("gate", design.max_placements as u64, "placements");
    let mut placements: Vec<Vec<Pair>> = Vec::new();
    let mut lost: Vec<(Side, usize, u64)> = Vec::new();
    let started = std::time::Instant::now();
    for p in 0..design.max_placements {
        let work = PlacementWork {
            seed: SplitMix64::for_item(design.seed, p as u64 + 1).next_u64(),
            ..plan.work.clone()
        };
        let rec = spawn_placement(&plan.program, &work, &format!("placement {}", p + 1))?;
        let done = placements.iter().map(Vec::len).sum::<usize>();
        lost.extend(
            rec.lost
                .iter()
                .map(|&(side, pair, metrics)| (side, done + pair, metrics)),
        );
        let ratio = {
            let d: Vec<f64> = rec.pairs.iter().map(|q| (q.b / q.a).ln()).collect();
            statbench_stats::paired::hodges_lehmann(&d).map_or(f64::NAN, f64::exp)
        };
        placements.push(rec.pairs);
        progress.steps(
            1,
            &format!("placement {}", p + 1),
            &format!("B/A {ratio:.4}"),
        );
        let Some(number) = looks.iter().position(|&n| n == placements.len()) else {
            continue;
        };
        let look = Look {
            number: number + 1,
            of: looks.len(),
            nominal_alpha: level,
        };
        let (comparison, stop) = compare_placements(
            &plan.base_label,
            &plan.candidate_label,
            &placements,
            &lost,
            look,
            started.elapsed().as_secs_f64(),
            settings,
        )?;
        if stop || !lost.is_empty() {
            progress.finish();
            return Ok(Confirmed {
                comparison,
                first_verdict: None,
            });
        }
    }
    unreachable!("the last look always stops")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_placement_reads_back_what_it_wrote() {
        let rec = SlicesRecorded {
            pairs: vec![
                Pair {
                    block: 0,
                    a: 1.5e8,
                    b: 1.25e8,
                },
                Pair {
                    block: 0,
                    a: 1.0e8,
                    b: 0.75e8,
                },
            ],
            lost: vec![(Side::Candidate, 2, 3)],
        };
        let back = read_placement(&write_placement(&rec), "p1").unwrap();
        assert_eq!(back.pairs, rec.pairs);
        assert_eq!(back.lost, rec.lost);
    }

    #[test]
    fn an_unreadable_placement_is_one_line_naming_it() {
        let e = read_placement("pair 0 1 x\n", "placement 3").unwrap_err();
        assert_eq!(
            e.to_string(),
            "placement 3: line 1: unreadable `pair 0 1 x`"
        );
        let e = read_placement("pair 0 1 2\n", "placement 3").unwrap_err();
        assert!(e.to_string().contains("1 pair(s)"), "{e}");
        assert!(read_placement("pair 0 1 -2\npair 0 1 2\n", "p").is_err());
    }

    #[cfg(unix)]
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "statbench-ut-placements-{name}-{}",
            crate::files::unique_suffix()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A stand-in for `statbench placement`: a script printing `pairs` pairs of B/A `ratio`
    /// with noise drawn by awk from the placement's seed (the last argument), or `body` itself.
    #[cfg(unix)]
    fn fake_placement(dir: &Path, name: &str, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    #[cfg(unix)]
    fn noisy_pairs(ratio: f64, pairs: usize) -> String {
        format!(
            "eval seed=\\${{$#}}; awk -v s=\"$seed\" 'BEGIN {{ srand(s % 100000); \
             for (i = 0; i < {pairs}; i++) {{ a = 1e8 * (1 + 0.01 * (rand() - 0.5)); \
             printf \"pair %d %f %f\\n\", int(i / 2), a, a * {ratio} * (1 + 0.004 * (rand() - 0.5)) }} }}'"
        )
    }

    #[cfg(unix)]
    fn plan(program: PathBuf, first_look: usize, max_placements: usize) -> PlacementPlan {
        PlacementPlan {
            base_label: "base".into(),
            candidate_label: "this build".into(),
            program,
            work: PlacementWork {
                base_library: "a.so".into(),
                candidate_library: "b.so".into(),
                scenario: "s.toml".into(),
                candidate_extra_work: 0,
                slices: 8,
                slice_ms: 5,
                seed: 1,
            },
            design: PlacementDesign {
                first_look,
                max_placements,
                seed: 1,
            },
        }
    }

    #[cfg(unix)]
    fn settings() -> CompareSettings {
        let mut s = CompareSettings::default();
        s.stats.min_effect = 0.005;
        s
    }

    #[cfg(unix)]
    #[test]
    fn a_large_change_stops_at_the_first_look_and_a_clear_a_a_before_the_last() {
        use statbench_stats::paired::placements::Stop;
        let dir = scratch("looks");
        let slow = fake_placement(&dir, "slow", &noisy_pairs(0.8, 16));
        let got = run_placements(&plan(slow, 4, 12), &settings()).unwrap();
        let c = &got.comparison;
        let p = c.placements.as_ref().unwrap();
        assert_eq!((p.placements, p.look, p.looks), (4, 1, 9));
        assert_eq!(p.per_placement.len(), 4);
        assert!(c.throughput_regressed());
        assert!((c.headline.as_ref().unwrap().ratio.unwrap() - 0.8).abs() < 0.01);
        assert!(!c.gate.pass);
        assert_eq!(p.stopped_by, Some(Stop::Verdict));

        let same = fake_placement(&dir, "same", &noisy_pairs(1.0, 16));
        let got = run_placements(&plan(same, 4, 12), &settings()).unwrap();
        let p = got.comparison.placements.clone().unwrap();
        assert!(p.placements < 12, "stopped at {}", p.placements);
        assert!(
            matches!(p.stopped_by, Some(Stop::Verdict | Stop::Futility)),
            "{p:?}"
        );
        assert!(got.comparison.gate.pass);
        assert_eq!(got.comparison.runs, (16 * p.placements, 16 * p.placements));
    }

    #[cfg(unix)]
    #[test]
    fn a_failed_or_unreadable_placement_is_an_error_naming_it() {
        let dir = scratch("errors");
        let fails = fake_placement(&dir, "fails", "echo 'cannot load b.so' >&2; exit 2");
        let e = run_placements(&plan(fails, 3, 4), &settings()).unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with("placement 1: "), "{msg}");
        assert!(msg.ends_with("exited 2: cannot load b.so"), "{msg}");
        assert_eq!(e.exit_code(), crate::error::EXIT_BAD_INPUT);
        let garbage = fake_placement(&dir, "garbage", "echo 'pair 0 1e8'");
        let e = run_placements(&plan(garbage, 3, 4), &settings()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "placement 1: line 1: unreadable `pair 0 1e8`"
        );
        let e = run_placements(
            &plan(PathBuf::from("/nonexistent/statbench"), 3, 4),
            &settings(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("cannot start"), "{e}");
        // A first look after the last placement is refused before anything runs.
        assert!(run_placements(&plan(PathBuf::from("/nonexistent"), 5, 4), &settings()).is_err());
    }

    #[test]
    fn looks_follow_every_placement_from_the_first_look() {
        let d = PlacementDesign {
            first_look: 4,
            max_placements: 7,
            seed: 1,
        };
        assert_eq!(d.looks(), vec![4, 5, 6, 7]);
    }
}
