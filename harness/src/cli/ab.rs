//! `statbench ab` and `statbench calibrate`.

use super::gate::GATE_RUNS;
use super::output::outln;
use super::verdict_args::{OutputArgs, VerdictArgs};
use super::RunArgs;
use crate::error::Result;
use crate::experiment::ab::{run_ab, AbPlan};
use crate::experiment::calibrate::{calibrate, CalibratePlan, CalibrationReport};
use crate::files::create_unique_dir;
use crate::runner::default_runs_dir;
use clap::Args;
use std::path::PathBuf;

/// Runs per side `ab` adds before failing on a suspected regression.
pub const AB_CONFIRM_ROUNDS: u64 = GATE_RUNS / 2;

/// Pairs of slices `ab --layouts` alternates by default: 2 × 200 × 50 ms = 20 s.
pub const LAYOUT_SLICE_PAIRS: u64 = 200;

/// Slice length of `ab --layouts`: long against the swarm's start and stop (a few hundred
/// microseconds), short against the machine's drift.
pub const LAYOUT_SLICE_MS: u64 = 50;

/// Options of `statbench ab`.
#[derive(Debug, Args, Clone)]
pub struct AbArgs {
    /// Command for side A (run by `sh -c`); it writes its run to $STATBENCH_OUT (or `{out}`).
    #[arg(
        long = "a",
        value_name = "CMD_A",
        required_unless_present = "layouts",
        requires = "command_b"
    )]
    pub command_a: Option<String>,
    /// Command for side B.
    #[arg(
        long = "b",
        value_name = "CMD_B",
        required_unless_present = "layouts",
        requires = "command_a"
    )]
    pub command_b: Option<String>,
    /// Instead of two commands: two counter layouts of this build (A,B, e.g.
    /// `contiguous,sharded`), alternated in this process in slices of --slice-ms, in randomised
    /// A B B A blocks, and judged on the paired ratios of adjacent slices.
    #[arg(long, value_delimiter = ',', value_parser = super::parse_layout, conflicts_with_all = ["command_a", "command_b"])]
    pub layouts: Vec<crate::scenario::SinkKind>,
    /// Scenario of the --layouts comparison.
    #[arg(long, default_value = "default", requires = "layouts")]
    pub scenario: String,
    /// Pairs of slices of the --layouts comparison (+ as many again to confirm a suspected
    /// regression, unless --confirm-rounds 0).
    #[arg(long, default_value_t = LAYOUT_SLICE_PAIRS, value_parser = clap::value_parser!(u64).range(8..=100_000), requires = "layouts")]
    pub slices: u64,
    /// Length of each slice of the --layouts comparison, in milliseconds.
    #[arg(long, default_value_t = LAYOUT_SLICE_MS, value_parser = clap::value_parser!(u64).range(5..=10_000), requires = "layouts")]
    pub slice_ms: u64,
    /// Runs per side, alternated A B B A ...
    #[arg(long, default_value_t = GATE_RUNS, value_parser = clap::value_parser!(u64).range(1..=200))]
    pub rounds: u64,
    /// Extra runs per side before a suspected regression fails (0: fail at once).
    #[arg(long, default_value_t = AB_CONFIRM_ROUNDS, value_parser = clap::value_parser!(u64).range(0..=200))]
    pub confirm_rounds: u64,
    /// Folder for the runs (default runs/ab-YYYYmmdd-HHMMSS).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write a report of A vs B (charts, index.html, summary.md) into this folder.
    #[arg(long, conflicts_with = "layouts")]
    pub report: Option<PathBuf>,
    /// Replace an existing --report folder.
    #[arg(long, requires = "report")]
    pub force: bool,
    #[command(flatten)]
    pub verdict: VerdictArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `statbench ab`.
pub fn ab_command(args: &AbArgs) -> Result<i32> {
    args.output.check()?;
    if !args.layouts.is_empty() {
        return layouts_command(args);
    }
    if let Some(dir) = &args.report {
        crate::report::check_target(dir, args.force)?;
    }
    let out = match &args.out {
        Some(o) => o.clone(),
        None => create_unique_dir(default_runs_dir(), "ab")?,
    };
    let plan = AbPlan {
        command_a: args.command_a.clone().unwrap_or_default(),
        command_b: args.command_b.clone().unwrap_or_default(),
        rounds: args.rounds as usize,
        confirm_rounds: args.confirm_rounds as usize,
        out,
    };
    let mut settings = args.verdict.settings()?;
    settings.strict = true; // same machine, same session: speed always gates
    let (outcome, a, b) = run_ab(&plan, &settings)?;
    if let Some(first) = outcome.first_verdict {
        crate::progress::say(&format!(
            "ab: first batch said {}; after confirmation: {}",
            first.label(),
            outcome
                .comparison
                .headline
                .as_ref()
                .map_or("n/a", |h| h.outcome.label())
        ));
    }
    if let Some(dir) = &args.report {
        super::report::write_comparison(&a, &b, &outcome.comparison, dir, args.force)?;
    }
    args.output.emit(&outcome.comparison)
}

/// `statbench ab --layouts A,B`: two layouts of this build, paired slice by slice in one
/// process.
fn layouts_command(args: &AbArgs) -> Result<i32> {
    use crate::experiment::paired::{
        run_paired_slices, PairedDesign, PairedSide, SliceMeasure, SlicePlan,
    };
    use crate::recorder::settings::SettingDifference;
    use crate::slice::SliceRunner;
    let [a, b] = args.layouts[..] else {
        return Err(crate::error::Error::input(format!(
            "--layouts: give exactly two layouts (A,B), got {}",
            args.layouts.len()
        )));
    };
    let scenario_of = |layout| {
        RunArgs {
            scenario: args.scenario.clone(),
            layout: Some(layout),
            ..RunArgs::default()
        }
        .scenario()
    };
    let (ra, rb) = (
        SliceRunner::new(&scenario_of(a)?)?,
        SliceRunner::new(&scenario_of(b)?)?,
    );
    fn side(
        runner: &SliceRunner,
        layout: crate::scenario::SinkKind,
    ) -> PairedSide<SliceMeasure<'_>> {
        PairedSide {
            label: format!("layout {}", layout.name()),
            measure: Box::new(move |ms| Ok(runner.run(ms))),
        }
    }
    let mut plan = SlicePlan {
        a: side(&ra, a),
        b: side(&rb, b),
        design: PairedDesign {
            pairs: args.slices as usize,
            confirm_pairs: if args.confirm_rounds > 0 {
                args.slices as usize
            } else {
                0
            },
            seed: 1,
        },
        slice_ms: args.slice_ms,
        differences: vec![SettingDifference {
            key: "layout".into(),
            a: a.name().into(),
            b: b.name().into(),
        }],
    };
    let mut settings = args.verdict.settings()?;
    if args.verdict.min_effect.is_none() {
        settings.stats.min_effect = super::gate::PAIRED_MIN_EFFECT;
    }
    crate::progress::say(&format!(
        "ab: {} vs {}: {} pairs of {}-ms slices in randomised A B B A blocks, in this process",
        a.name(),
        b.name(),
        plan.design.pairs,
        plan.slice_ms
    ));
    let outcome = run_paired_slices(&mut plan, &settings)?;
    args.output.emit(&outcome.comparison)
}

/// Slices a side of `calibrate --paired`'s replayed `ab` and stored-baseline comparisons (and
/// as many again to confirm): 2 × 300 × 50 ms, the 30 s the in-process gate used to measure.
pub const CALIBRATE_SLICES: u64 = 300;

/// Options of `statbench calibrate`.
#[derive(Debug, Args, Clone)]
pub struct CalibrateArgs {
    /// Scenario (and overrides) to calibrate; its duration sets the cost (≈ 3 × runs × duration).
    #[command(flatten)]
    pub run: RunArgs,
    /// Runs recorded per variant (unchanged, ≈5% slower, ≈10% slower).
    /// At least 2 × (group + confirm-rounds), so A/A replays can draw two disjoint sides.
    #[arg(long, default_value_t = 3 * GATE_RUNS, value_parser = clap::value_parser!(u64).range(4..=400))]
    pub runs: u64,
    /// Runs per side in each replayed comparison (the gate's --repeat, ab's --rounds).
    #[arg(long, default_value_t = GATE_RUNS, value_parser = clap::value_parser!(u64).range(1..=50))]
    pub group: u64,
    /// Runs per side the replayed `ab` comparisons add to confirm a suspected regression.
    #[arg(long, default_value_t = AB_CONFIRM_ROUNDS, value_parser = clap::value_parser!(u64).range(0..=200))]
    pub confirm_rounds: u64,
    /// Replayed comparisons per kind.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(10..=100_000))]
    pub comparisons: u64,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Re-analyse the runs of an earlier calibration (its --out folder) with the current
    /// verdict settings, without recording new runs.
    #[arg(long, value_name = "DIR", conflicts_with = "out")]
    pub reuse: Option<PathBuf>,
    /// Calibrate the paired gate (`gate --base`) beside `ab` and the stored-baseline gate, on
    /// one session of rounds (unchanged twice, ≈1%, ≈2%, ≈5% slower, in random order) with a
    /// busy neighbour switched on for a random half of the rounds.
    #[arg(long)]
    pub paired: bool,
    /// Rounds of the paired calibration (5 slices of --slice-ms each, in this process).
    #[arg(long, default_value_t = 1200, value_parser = clap::value_parser!(u64).range(8..=1_000_000), requires = "paired")]
    pub rounds: u64,
    /// Slices a side of the replayed `ab` and stored-baseline comparisons.
    #[arg(long, default_value_t = CALIBRATE_SLICES, value_parser = clap::value_parser!(u64).range(4..=100_000), requires = "paired")]
    pub pairs: u64,
    /// Slices a side the replayed `ab` and stored-baseline comparisons add to confirm a
    /// suspected regression.
    #[arg(long, default_value_t = CALIBRATE_SLICES, value_parser = clap::value_parser!(u64).range(0..=100_000), requires = "paired")]
    pub confirm_pairs: u64,
    /// Slice pairs per placement of the replayed paired gate (the gate's --slices).
    #[arg(long, default_value_t = super::gate::PAIRED_SLICES, value_parser = clap::value_parser!(u64).range(4..=100_000), requires = "paired")]
    pub slices: u64,
    /// Most placements of the replayed paired gate (the gate's --placements).
    #[arg(long, default_value_t = super::gate::PLACEMENTS, value_parser = clap::value_parser!(u64).range(3..=200), requires = "paired")]
    pub placements: u64,
    /// Placements before the replayed paired gate's first look (the gate's --first-look).
    #[arg(long, default_value_t = super::gate::FIRST_LOOK, value_parser = clap::value_parser!(u64).range(3..=200), requires = "paired")]
    pub first_look: u64,
    /// Length of each slice of the paired calibration, in milliseconds.
    #[arg(long, default_value_t = super::gate::PAIRED_SLICE_MS, value_parser = clap::value_parser!(u64).range(5..=10_000), requires = "paired")]
    pub slice_ms: u64,
    /// No injected drift (no busy neighbour).
    #[arg(long, requires = "paired")]
    pub no_drift: bool,
    /// Calibrate the revision-paired gate on N real, code-neutral commits (padding, reordered
    /// items, renamed private items of the counter array and the workload's hot path), each
    /// gated against HEAD in a temporary clone: every failing gate is a false alarm.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10_000), conflicts_with_all = ["paired", "reuse"])]
    pub real_code: Option<u64>,
    /// Gates (fresh processes) of the first variant against HEAD, repeated M times: how often
    /// one gate's interval covers another's estimate (goal ≥ 95 %).
    #[arg(long, value_name = "M", default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=1_000), requires = "real_code")]
    pub repeat_gates: u64,
    /// Seed of the --real-code edits (which files, items and sizes).
    #[arg(long, value_name = "S", default_value_t = 1, requires = "real_code")]
    pub edit_seed: u64,
    /// Extra arguments for every gate of --real-code, as one string (e.g. "--slices 100").
    #[arg(
        long,
        value_name = "ARGS",
        allow_hyphen_values = true,
        requires = "real_code"
    )]
    pub gate_args: Option<String>,
    #[command(flatten)]
    pub verdict: VerdictArgs,
}

/// `statbench calibrate --paired`.
fn calibrate_paired_command(args: &CalibrateArgs) -> Result<i32> {
    use crate::experiment::calibrate_paired::{
        calibrate_paired, PairedCalibratePlan, KNOBS, UNIFORM,
    };
    let scenario = args.run.scenario()?;
    let name = scenario.name().to_string();
    let plan = PairedCalibratePlan {
        scenario,
        rounds: args.rounds as usize,
        pairs: args.pairs as usize,
        confirm: args.confirm_pairs as usize,
        placements: crate::experiment::placements::PlacementDesign {
            first_look: args.first_look as usize,
            max_placements: args.placements as usize,
            seed: 1,
        },
        placement_pairs: args.slices as usize,
        comparisons: args.comparisons as usize,
        drift: !args.no_drift,
        slice_ms: args.slice_ms,
        rounds_file: Some(match (&args.reuse, &args.run.out) {
            (Some(dir), _) => dir.join("rounds.csv"),
            (None, Some(dir)) => {
                crate::files::create_fresh_dir(dir)?;
                dir.join("rounds.csv")
            }
            (None, None) => {
                create_unique_dir(default_runs_dir(), &format!("calibrate-paired-{name}"))?
                    .join("rounds.csv")
            }
        }),
        reuse: args.reuse.is_some(),
    };
    let unpaired = args.verdict.settings()?.stats;
    let mut paired = unpaired.clone();
    if args.verdict.min_effect.is_none() {
        paired.min_effect = super::gate::PAIRED_MIN_EFFECT;
    }
    let r = calibrate_paired(&plan, &paired, &unpaired)?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&r).expect("serialises"));
        return Ok(0);
    }
    let pct = |x: f64| format!("{:.1}%", x * 100.0);
    super::output::paragraph(
        &format!(
            "paired calibration of `{}`: {} rounds of 5 slices of {} ms ({} with a busy neighbour: {:+.1}% throughput)",
            plan.scenario.name(),
            r.rounds,
            args.slice_ms,
            r.loaded_rounds,
            r.drift_effect * 100.0
        ),
        2,
    );
    super::output::paragraph(
        &format!(
            "  each replay: paired gate: up to {} placements of {} consecutive slice pairs, a look after each from the {}th; one process (the paired gate before placements), ab and stored-baseline gate: {} slices a side (+{} to confirm); {} replays per cell",
            args.placements,
            args.slices,
            args.first_look,
            plan.pairs,
            plan.confirm,
            plan.comparisons
        ),
        4,
    );
    let cell = |c: &crate::experiment::calibrate_paired::Counts| {
        format!("{:>6} ({} inc.)", pct(c.rate()), c.inconclusive)
    };
    let procedures = [&r.paired, &r.one_process, &r.ab, &r.gate];
    let row = |label: String, cells: [String; 4]| {
        outln!(
            "  {:<27} {:<17} {:<17} {:<17} {:<17}",
            label,
            cells[0],
            cells[1],
            cells[2],
            cells[3]
        );
    };
    row(
        "regression verdicts".into(),
        [
            "paired (gate)",
            "one process",
            "ab (unpaired)",
            "stored baseline",
        ]
        .map(String::from),
    );
    row("false alarms (A/A)".into(), procedures.map(|p| cell(&p.aa)));
    for (k, (knob, name)) in KNOBS.iter().enumerate() {
        let label = format!("{name} (knob {knob}: {})", pct(-r.measured_slowdowns[k].1));
        row(
            format!("detects {label}"),
            procedures.map(|p| cell(&p.detect[k])),
        );
    }
    for (k, share) in UNIFORM.iter().enumerate() {
        row(
            format!("detects {} (uniform)", pct(*share)),
            procedures.map(|p| cell(&p.uniform[k])),
        );
    }
    let mean_placements =
        |c: &crate::experiment::calibrate_paired::Counts| format!("{:.1}", c.mean_placements());
    outln!(
        "  {:<28} {:<18}",
        "placements to a verdict",
        format!(
            "A/A {}, {}",
            mean_placements(&r.paired.aa),
            KNOBS
                .iter()
                .zip(&r.paired.detect)
                .map(|((_, name), c)| format!("{name} {}", mean_placements(c)))
                .chain(
                    UNIFORM
                        .iter()
                        .zip(&r.paired.uniform)
                        .map(|(share, c)| format!(
                            "{} uniform {}",
                            pct(*share),
                            mean_placements(c)
                        ))
                )
                .collect::<Vec<_>>()
                .join(", ")
        )
    );
    super::output::paragraph(
        &format!(
            "  A/A CI half-width: paired {}, one process {}, ab {}, stored baseline {}; min effect: paired and one process {}, others {}",
            pct(r.paired.ci_half_width),
            pct(r.one_process.ci_half_width),
            pct(r.ab.ci_half_width),
            pct(r.gate.ci_half_width),
            pct(paired.min_effect),
            pct(unpaired.min_effect)
        ),
        4,
    );
    Ok(0)
}

/// `statbench calibrate --real-code N`.
fn calibrate_code_command(args: &CalibrateArgs, variants: u64) -> Result<i32> {
    use crate::experiment::calibrate_code::{calibrate_code, check_plan, checkout_root, CodePlan};
    let mut plan = CodePlan {
        variants: variants as usize,
        repeat_gates: args.repeat_gates as usize,
        seed: args.edit_seed,
        out: PathBuf::new(),
        scenario: args.run.scenario.clone(),
        gate_args: args
            .gate_args
            .as_deref()
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_string)
            .collect(),
    };
    check_plan(&plan)?;
    checkout_root()?; // before the out folder is made
    plan.out = match &args.run.out {
        Some(dir) => {
            crate::files::create_fresh_dir(dir)?;
            dir.clone()
        }
        None => create_unique_dir(default_runs_dir(), "calibrate-code")?,
    };
    let r = calibrate_code(&plan)?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&r).expect("serialises"));
        return Ok(0);
    }
    let s = &r.summary;
    let pct = |x: f64| format!("{:+.2}%", (x - 1.0) * 100.0);
    let opt = |x: Option<f64>, f: &dyn Fn(f64) -> String| x.map_or("n/a".to_string(), f);
    let secs = |x: f64| format!("{x:.1} s");
    outln!(
        "real-code calibration of `gate --base {}` (seed {}): {} code-neutral variants",
        &r.base[..10],
        r.seed,
        s.variants
    );
    outln!(
        "  false alarms (gate failed): {} of {} (95% upper bound {:.1}%); improvements flagged: {}; inconclusive: {}",
        s.false_alarms,
        s.variants,
        s.false_alarm_upper95 * 100.0,
        s.improvements,
        s.inconclusive
    );
    outln!(
        "  estimates (this build / base): median {}, sd {}",
        opt(s.ratio_median, &pct),
        opt(s.ratio_sd, &|x| format!("{:.2}%", x * 100.0))
    );
    if s.repeats > 0 {
        outln!(
            "  {} repeated gates of variant 1: interval covers another's estimate in {} of {} pairs ({}; goal ≥ 95%), sd of estimates {}, {} failed",
            s.repeats,
            s.covered_pairs,
            s.pairs,
            opt(s.coverage, &|x| format!("{:.0}%", x * 100.0)),
            opt(s.repeat_sd, &|x| format!("{:.2}%", x * 100.0)),
            s.repeat_false_alarms
        );
    }
    outln!(
        "  time to verdict: median {}, max {}; variant rebuild: median {}, max {} (base build {})",
        opt(s.gate_s_median, &secs),
        opt(s.gate_s_max, &secs),
        opt(s.build_s_median, &secs),
        opt(s.build_s_max, &secs),
        secs(r.base_build_s)
    );
    outln!(
        "  rows: {}, summary: {}",
        plan.out.join("gates.csv").display(),
        plan.out.join("summary.json").display()
    );
    Ok(0)
}

/// Runs `statbench calibrate`.
pub fn calibrate_command(args: &CalibrateArgs) -> Result<i32> {
    if let Some(n) = args.real_code {
        return calibrate_code_command(args, n);
    }
    if args.paired {
        return calibrate_paired_command(args);
    }
    let scenario = args.run.scenario()?;
    let out = match (&args.reuse, &args.run.out) {
        (Some(dir), _) => dir.clone(),
        (None, Some(o)) => o.clone(),
        (None, None) => create_unique_dir(
            default_runs_dir(),
            &format!("calibrate-{}", scenario.name()),
        )?,
    };
    let plan = CalibratePlan {
        reuse: args.reuse.is_some(),
        scenario,
        runs: args.runs as usize,
        group: args.group as usize,
        confirm: args.confirm_rounds as usize,
        comparisons: args.comparisons as usize,
        out,
    };
    let settings = crate::compare::CompareSettings {
        // Every replayed comparison draws runs of this one session on this machine.
        speed_judgement: crate::compare::SpeedJudgement::SameMachine,
        ..args.verdict.settings()?
    };
    let report = calibrate(&plan, &settings)?;
    if args.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&report).expect("serialises")
        );
    } else {
        print_report(&report, &plan);
    }
    Ok(0)
}

fn print_report(r: &CalibrationReport, plan: &CalibratePlan) {
    use super::output::paragraph;
    let pct = |x: f64| format!("{:.1}%", x * 100.0);
    let mut few = Vec::new();
    let mut cell = |what: &str, x: &crate::experiment::calibrate::Rates| {
        if x.distinct < 50 {
            few.push(format!("{what}: only {} distinct comparisons", x.distinct));
        }
        format!(
            "{} of {} ({} inconclusive)",
            pct(x.regression_rate),
            x.comparisons,
            x.inconclusive
        )
    };
    outln!(
        "calibration of `{}` ({} runs per variant, this host):",
        plan.scenario.name(),
        plan.runs
    );
    paragraph(
        &format!(
            "  throughput {:.1} M updates/s, run-to-run CV {} ({} of {} runs disturbed), drift {:+.1}% from the first half of the session to the second",
            r.median_ops_per_sec / 1e6,
            pct(r.run_cv),
            r.disturbed_runs,
            plan.runs,
            r.drift * 100.0
        ),
        4,
    );
    outln!(
        "  injected slowdowns: extra_work {} → {}, {} → {}",
        r.knobs.0,
        pct(r.measured_slowdowns.0),
        r.knobs.1,
        pct(r.measured_slowdowns.1)
    );
    let gate = format!("gate: {} runs vs earlier baseline", plan.group);
    let ab = format!("ab: {} (+{}) runs a side", plan.group, plan.confirm);
    outln!("  {:<22} {gate:<36} {ab}", "regression verdicts");
    let rows = [
        ("false alarms (A/A)".to_string(), &r.aa_baseline, &r.aa_ab),
        (
            format!("detects {}", pct(r.measured_slowdowns.0)),
            &r.detect5_baseline,
            &r.detect5_ab,
        ),
        (
            format!("detects {}", pct(r.measured_slowdowns.1)),
            &r.detect10_baseline,
            &r.detect10_ab,
        ),
    ];
    for (name, g, a) in rows {
        let (g, a) = (
            cell(&format!("gate, {name}"), g),
            cell(&format!("ab, {name}"), a),
        );
        outln!("  {name:<22} {g:<36} {a}");
    }
    if !few.is_empty() {
        paragraph(&format!("  (record more runs: {})", few.join("; ")), 4);
    }
    outln!(
        "  gate CI half-width {}; minimum detectable effect ≈ {}",
        pct(r.ci_half_width),
        pct(r.min_detectable_effect)
    );
    paragraph(&format!("  advice: {}", r.recommendation), 4);
}

/// Options of `statbench sweep`.
#[derive(Debug, Args, Clone)]
pub struct SweepArgs {
    /// Scenario name or file (its threads and layout are overridden per point).
    #[arg(default_value = "default")]
    pub scenario: String,
    /// Layouts to measure, comma-separated (`ceiling` = plain non-atomic per-thread arrays).
    #[arg(long, value_delimiter = ',', default_value = "contiguous,padded,sharded,ceiling", value_parser = super::parse_layout)]
    pub layouts: Vec<crate::scenario::SinkKind>,
    /// Thread counts, comma-separated (default 1,2,4,8,16,32,64); each within the scenario's
    /// bounds (`--threads` of `statbench run`).
    #[arg(long, value_delimiter = ',', value_parser = clap::value_parser!(u64).range(1..))]
    pub threads: Vec<u64>,
    /// Repetitions of every point.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=100))]
    pub repeat: u64,
    /// Length of every run in ms.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    pub duration_ms: u64,
    /// Output folder (default runs/sweep-SCENARIO-YYYYmmdd-HHMMSS).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write a report (index.html) of the sweep into this folder.
    #[arg(long)]
    pub report: Option<PathBuf>,
}

/// Runs `statbench sweep`.
pub fn sweep_command(args: &SweepArgs) -> Result<i32> {
    use crate::experiment::sweep::{default_threads, summary_table, sweep, SweepPlan};
    // `--duration-ms` replaces the file's run length (timed or counted) in the one validated
    // path, so every point runs for that long.
    let scenario = RunArgs {
        scenario: args.scenario.clone(),
        duration_ms: Some(args.duration_ms),
        interval_ms: Some(args.duration_ms.min(100)),
        repeat: 1,
        ..RunArgs::default()
    }
    .scenario()?;
    let out = match &args.out {
        Some(o) => o.clone(),
        None => create_unique_dir(default_runs_dir(), &format!("sweep-{}", scenario.name()))?,
    };
    let threads = if args.threads.is_empty() {
        default_threads()
    } else {
        args.threads.iter().map(|&t| t as usize).collect()
    };
    let plan = SweepPlan {
        scenario,
        layouts: args.layouts.clone(),
        threads,
        repeat: args.repeat as usize,
        out: out.clone(),
    };
    let points = sweep(&plan)?;
    super::output::print(&summary_table(&points));
    outln!("sweep: {}/sweep.csv and scaling-*.png/svg", out.display());
    if let Some(dir) = &args.report {
        crate::report::sweep_report(&out.join("sweep.csv"), dir, false)?;
        super::report::said_report(dir);
    }
    Ok(0)
}
