//! `statbench gate` (and `statbench` with no arguments): speed paired against the commit the
//! baseline was recorded from, on this machine, and behaviour against the baseline's stored runs.
//!
//! Where pairing is impossible (no git checkout, the commit missing from a shallow clone, a
//! baseline recorded from uncommitted code, no cargo), the first line says why and speed is
//! judged against the stored runs as well, by the machine-probe rule; a suspected speed
//! regression is then confirmed with a second batch of runs before the gate fails.

mod args;
mod paired;

pub use args::{
    GateArgs, FIRST_LOOK, GATE_RUNS, PAIRED_MIN_EFFECT, PAIRED_SLICES, PAIRED_SLICE_MS, PLACEMENTS,
};
use paired::{paired_settings, paired_speed, BaseSource, CandidateSource};

use super::verdict_args::VerdictArgs;
use super::{run_repeated, RunArgs};
use crate::compare::{compare, confirm, with_paired_speed};
use crate::error::{Error, Result};
use crate::experiment::revision;
use crate::progress::Progress;
use crate::store::baseline::BaselineInfo;
use crate::store::{Baseline, RunSet};

/// Runs the gate.
pub fn gate_command(args: &GateArgs) -> Result<i32> {
    args.output.check()?;
    let scenario = RunArgs {
        scenario: args.scenario.clone(),
        ..RunArgs::default()
    }
    .scenario()?;
    let name = args
        .baseline
        .clone()
        .unwrap_or_else(|| scenario.name().to_string());
    let store = Baseline::discover();
    let explicit_base = args.base.is_some() || args.base_binary.is_some();
    if !store.exists(&name) {
        if explicit_base {
            // Speed alone: a paired gate needs no stored runs.
            crate::progress::say(&format!(
                "gate: no baseline `{name}` in {}: speed only, behaviour not judged",
                store.dir("").display()
            ));
            let root = candidate(args);
            let speed = paired_speed(
                args,
                &scenario,
                &explicit_source(args),
                candidate_source(&root),
                args.out.clone(),
            )?;
            return finish(args, speed);
        }
        return Err(Error::input(format!(
            "no baseline `{name}` in {}; record one: statbench run {} --repeat {GATE_RUNS} && statbench baseline save {name}",
            store.dir("").display(),
            args.scenario,
        )));
    }
    let (info, baseline) = store.load_with_info(&name)?;
    refuse_other_settings(&baseline, &scenario, &args.scenario, &args.verdict)?;
    let base = if explicit_base {
        Ok(explicit_source(args))
    } else {
        pairing_base(args, &info)
    };
    match base {
        Ok(base) => paired_gate(args, &scenario, &baseline, &base),
        Err(why) => {
            crate::progress::say_always(&format!(
                "gate: speed not paired: {why}; speed is judged against the stored runs (only where the machine probes agree)"
            ));
            stored_gate(args, &baseline)
        }
    }
}

/// The base named on the command line.
fn explicit_source(args: &GateArgs) -> BaseSource {
    match (&args.base_binary, &args.base) {
        (Some(bin), rev) => BaseSource::Binary(
            bin.clone(),
            rev.clone().unwrap_or_else(|| bin.display().to_string()),
        ),
        (None, Some(rev)) => BaseSource::Revision(rev.clone()),
        (None, None) => unreachable!("called with --base or --base-binary"),
    }
}

/// "This build": the code of the statbench checkout around the current folder (its slice
/// library rebuilt when stale); this binary and its own library with `--base-binary`, or
/// outside a statbench checkout.
fn candidate(args: &GateArgs) -> Option<std::path::PathBuf> {
    if args.base_binary.is_some() {
        return None;
    }
    let cwd = std::env::current_dir().ok()?;
    let root = revision::repository_root(&cwd).ok()?;
    root.join("harness/abi/Cargo.toml")
        .is_file()
        .then_some(root)
}

fn candidate_source(root: &Option<std::path::PathBuf>) -> CandidateSource<'_> {
    match root {
        Some(root) => CandidateSource::Checkout(root),
        None => CandidateSource::ThisBinary,
    }
}

/// Refuses to judge this binary as "this build" when it was built from another commit than the
/// checkout holds: its runs (behaviour) would be of other code than the slices (speed). Local
/// changes are not compared: the build script's dirty mark is only refreshed when git's index
/// moves, so it cannot tell a stale build of an edited tree from a fresh one.
fn refuse_stale_binary(root: &std::path::Path) -> Result<()> {
    let built = env!("STATBENCH_GIT_REVISION");
    let built = built.strip_suffix("-dirty").unwrap_or(built);
    let Some((head, _)) = revision::checkout_state(root) else {
        return Ok(());
    };
    if built.is_empty() || head.starts_with(built) || revision::same_code(root, built, &head) {
        return Ok(()); // commits that differ only outside the code (a baseline, the docs)
    }
    Err(Error::input(format!(
        "this statbench was built from commit {built} but the checkout at {} is at {}; rebuild it \
         (cargo run --release -p statbench) so the gate judges the code in the checkout",
        root.display(),
        &head[..head.len().min(12)]
    )))
}

/// The baseline's commit as the paired base, or why it cannot be one (said on the first line).
fn pairing_base(args: &GateArgs, info: &BaselineInfo) -> std::result::Result<BaseSource, String> {
    if args.stored_only {
        return Err("--stored-only".into());
    }
    let Some(rev) = info.revision.as_deref() else {
        return Err(format!(
            "baseline `{}` records no commit (saved by an older statbench; save it again)",
            info.name
        ));
    };
    if let Some(commit) = rev.strip_suffix("-dirty") {
        return Err(format!(
            "baseline `{}` was recorded from uncommitted changes on {commit} (no commit holds that code; record it from a clean tree)",
            info.name
        ));
    }
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let root = revision::repository_root(&cwd).map_err(|_| {
        format!(
            "{} is not inside a git checkout (or git is not installed), so commit {rev} cannot be built",
            cwd.display()
        )
    })?;
    if revision::resolve_commit(&root, rev).is_err() {
        return Err(format!(
            "commit {rev} of baseline `{}` is not in this clone (a shallow clone? `git fetch --unshallow`, or fetch-depth: 0 in CI)",
            info.name
        ));
    }
    let cached = revision::resolve_commit(&root, rev).ok().is_some_and(|c| {
        revision::cached_binary(&revision::target_dir(&root), &c)
            .with_file_name(crate::slice::abi::LIBRARY_FILE)
            .is_file()
    });
    if !cached && !revision::cargo_available() {
        return Err(format!(
            "cargo is not installed, so commit {rev} cannot be built"
        ));
    }
    Ok(BaseSource::Revision(rev.to_string()))
}

/// Speed paired against `base`, behaviour against the stored runs: one verdict of each.
fn paired_gate(
    args: &GateArgs,
    scenario: &crate::scenario::Scenario,
    baseline: &RunSet,
    base: &BaseSource,
) -> Result<i32> {
    let root = candidate(args);
    if let Some(root) = &root {
        refuse_stale_binary(root)?;
    }
    let progress = Progress::start("gate", args.behaviour_runs, "runs");
    crate::progress::note(&format!(
        "gate: behaviour: {} runs of this build vs the {} stored runs of {}",
        args.behaviour_runs,
        baseline.runs.len(),
        baseline.label
    ));
    let reports = run_repeated(
        &RunArgs {
            scenario: args.scenario.clone(),
            repeat: args.behaviour_runs,
            out: args.out.clone(),
            ..RunArgs::default()
        },
        &progress,
    )?;
    progress.finish();
    let dirs: Vec<_> = reports.iter().map(|r| r.dir.clone()).collect();
    let mut settings = args.verdict.settings()?;
    settings.metrics_only = true;
    let behaviour = compare(baseline, &RunSet::load("this build", &dirs)?, &settings)?;
    // Process-level pairs (a base without the slice ABI) beside the behaviour runs.
    let pairs_out = args.out.as_ref().map(|o| o.join("paired"));
    let speed = paired_speed(args, scenario, base, candidate_source(&root), pairs_out)?;
    let c = with_paired_speed(behaviour, speed.comparison, &paired_settings(args)?);
    args.output.emit(&c)
}

/// Prints the paired gate's verdict (and what the confirmation changed); the exit code.
fn finish(args: &GateArgs, outcome: crate::compare::Confirmed) -> Result<i32> {
    let c = outcome.comparison;
    if outcome.first_verdict.is_some() {
        crate::progress::say(&format!(
            "gate: after confirmation: {}",
            c.headline.as_ref().map_or("n/a", |h| h.outcome.label())
        ));
    }
    args.output.emit(&c)
}

/// The stored-baseline gate: K runs of this build against the stored runs, speed judged only
/// where the machine probes agree; a suspected regression confirmed with more runs.
fn stored_gate(args: &GateArgs, baseline: &RunSet) -> Result<i32> {
    // This binary's runs are judged: in a statbench checkout they must be the checkout's code.
    if let Some(root) = candidate(args) {
        refuse_stale_binary(&root)?;
    }
    let run_args = RunArgs {
        scenario: args.scenario.clone(),
        repeat: args.repeat,
        out: args.out.clone(),
        history: args.history.clone(),
        ..RunArgs::default()
    };
    let progress = Progress::start("gate", args.repeat, "runs");
    let reports = run_repeated(&run_args, &progress)?;
    let dirs: Vec<_> = reports.iter().map(|r| r.dir.clone()).collect();
    let label = match dirs.first().and_then(|d| {
        if dirs.len() > 1 {
            d.parent()
        } else {
            Some(d.as_path())
        }
    }) {
        Some(p) => p.display().to_string(),
        None => "this run".into(),
    };
    let settings = args.verdict.settings()?;
    let first = compare(baseline, &RunSet::load(label.clone(), &dirs)?, &settings)?;
    let outcome = confirm(first, args.confirm_runs > 0, || {
        progress.add(args.confirm_runs);
        crate::progress::say(&format!(
            "gate: suspected regression; confirming with {} more {}",
            args.confirm_runs,
            if args.confirm_runs == 1 {
                "run"
            } else {
                "runs"
            }
        ));
        let more = run_repeated(
            &RunArgs {
                repeat: args.confirm_runs,
                out: run_args.out.as_ref().map(|o| o.join("confirm")),
                ..run_args.clone()
            },
            &progress,
        )?;
        let mut all = dirs.clone();
        all.extend(more.iter().map(|r| r.dir.clone()));
        compare(
            baseline,
            &RunSet::load(format!("{label} + confirmation"), &all)?,
            &settings,
        )
    })?;
    progress.finish();
    finish(args, outcome)
}

/// Refuses, before any run, a baseline recorded with other settings than the scenario as it is
/// now (an edited scenario file, a baseline of another scenario saved under this name...).
fn refuse_other_settings(
    baseline: &RunSet,
    scenario: &crate::scenario::Scenario,
    given: &str,
    verdict: &VerdictArgs,
) -> Result<()> {
    use crate::recorder::settings::{describe_differences, differences, settings_identity};
    if verdict.allow_different_settings {
        return Ok(());
    }
    let Some(meta) = baseline.runs.first().and_then(|r| r.meta.as_ref()) else {
        return Ok(()); // bare CSVs: compare() refuses the mix with a clear message
    };
    let now = serde_json::to_value(scenario).expect("scenario serialises");
    let workload = crate::workload::Plan::new(scenario).fingerprint();
    let diffs = differences(
        &meta.settings(),
        &settings_identity(&now, true, Some(&workload)),
    );
    if diffs.is_empty() {
        return Ok(());
    }
    if diffs.iter().all(|d| d.key == "workload") {
        // The scenario is the same; the swarm's code changed what it does per unit of work.
        return Err(Error::input(format!(
            "{}: recorded with another workload ({}): the swarm of this build does something \
             else per unit of work, so the stored behaviour no longer applies; re-record it: \
             statbench run {} --repeat {GATE_RUNS} --out runs/{}-new && statbench baseline save {} runs/{}-new --force",
            baseline.label,
            describe_differences(&diffs, 1),
            given,
            scenario.name(),
            baseline.label.trim_start_matches("baseline "),
            scenario.name(),
        )));
    }
    Err(Error::input(format!(
        "{}: recorded with other settings than {} has now: {}; re-record the baseline \
         (statbench run {} --repeat {GATE_RUNS} --out runs/{}-new && statbench baseline save {} runs/{}-new --force) or pass \
         --allow-different-settings",
        baseline.label,
        scenario.source().path,
        describe_differences(&diffs, 6),
        given,
        scenario.name(),
        baseline.label.trim_start_matches("baseline "),
        scenario.name(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// A shipped baseline must be of this build's workload and settings, and its baseline.json
    /// true to its runs: otherwise the default gate refuses it on every machine. A workload
    /// change without re-recording fails here, before it lands.
    #[test]
    fn every_committed_baseline_is_of_this_builds_workload() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../baselines");
        let store = Baseline::at(&root);
        let names = store.names();
        assert!(names.contains(&"default".to_string()), "{names:?}");
        for name in names {
            let (info, runs) = store.load_with_info(&name).unwrap();
            let scenario_name = info.scenario.clone().expect("a statbench baseline");
            let scenario = crate::scenario::Scenario::find(
                &scenario_name,
                &crate::scenario::Overrides::default(),
            )
            .unwrap();
            let fingerprint = crate::workload::Plan::new(&scenario).fingerprint();
            assert_eq!(
                info.workload.as_deref(),
                Some(fingerprint.as_str()),
                "baselines/{name} is of another workload: re-record it"
            );
            refuse_other_settings(&runs, &scenario, &scenario_name, &VerdictArgs::default())
                .unwrap_or_else(|e| panic!("baselines/{name}: {e}"));
            let rev = info
                .revision
                .as_deref()
                .expect("the commit it was built from");
            assert!(
                !rev.ends_with("-dirty"),
                "baselines/{name} was recorded from uncommitted code ({rev}): the gate cannot pair against it"
            );
        }
    }
}
