//! The gate's speed verdict: the base revision's slice library (or binary) and this build's,
//! measured alternately on this machine, judged on their paired ratios.

use super::args::{GateArgs, PAIRED_MIN_EFFECT};
use crate::compare::Confirmed;
use crate::error::{Error, Result};
use crate::experiment::paired::{run_paired, PairedDesign, PairedPlan, PairedSide};
use crate::experiment::revision::{base_build, checkout_library, library_beside, Wanted};
use crate::files::create_unique_dir;
use crate::runner::default_runs_dir;
use crate::slice::abi::LIBRARY_FILE;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// One run of `program run SCENARIO` into `dir`: the child's output is kept and shown only when
/// it fails.
fn run_process(
    program: &Path,
    scenario: &Path,
    run_ms: u64,
    extra: &[String],
    dir: &Path,
) -> Result<()> {
    let mut cmd = Command::new(program);
    cmd.arg("run")
        .arg(scenario)
        .arg("--out")
        .arg(dir)
        .arg("--quiet")
        .arg("--duration-ms")
        .arg(run_ms.to_string())
        .args(extra)
        .env_remove("STATBENCH_OUT")
        .stdin(Stdio::null());
    let out = cmd
        .output()
        .map_err(|e| Error::input(format!("{}: cannot start: {e}", program.display())))?;
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr);
        let why = why
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        let msg = format!(
            "{} run {}: exit {}: {why}",
            program.display(),
            scenario.display(),
            out.status
                .code()
                .map_or("by signal".into(), |c| c.to_string())
        );
        return Err(if out.status.code() == Some(1) {
            Error::Failed(msg)
        } else {
            Error::input(msg)
        });
    }
    Ok(())
}

/// Slice pairing over placements: fresh processes that each load both revisions' slice
/// libraries and alternate their slices in randomised A B B A blocks, judged after each
/// placement from the first look on.
fn slice_gate(
    args: &GateArgs,
    scenario: &Path,
    (base_label, base_library): (&str, &Path),
    candidate_library: &Path,
    program: &Path,
    settings: &crate::compare::CompareSettings,
) -> Result<Confirmed> {
    use crate::experiment::placements::{
        run_placements, PlacementDesign, PlacementPlan, PlacementWork,
    };
    if args.first_look > args.placements {
        return Err(Error::input(format!(
            "--first-look {} is more than --placements {}",
            args.first_look, args.placements
        )));
    }
    crate::progress::note(&format!(
        "gate: speed: {base_label} vs this build, up to {} placements (fresh processes, slice ABI v{}) of {} pairs of {}-ms slices in randomised ABBA blocks; a look after each from the {}th",
        args.placements,
        crate::slice::abi::ABI_VERSION,
        args.slices,
        args.slice_ms,
        args.first_look
    ));
    let plan = PlacementPlan {
        base_label: base_label.to_string(),
        candidate_label: "this build".into(),
        program: program.to_path_buf(),
        work: PlacementWork {
            base_library: base_library.to_path_buf(),
            candidate_library: candidate_library.to_path_buf(),
            scenario: scenario.to_path_buf(),
            candidate_extra_work: args.candidate_extra_work.unwrap_or(0),
            slices: args.slices as usize,
            slice_ms: args.slice_ms,
            seed: args.pairing_seed,
        },
        design: PlacementDesign {
            first_look: args.first_look as usize,
            max_placements: args.placements as usize,
            seed: args.pairing_seed,
        },
    };
    run_placements(&plan, settings)
}

/// Where the base side of a paired gate comes from.
#[derive(Debug, Clone)]
pub(super) enum BaseSource {
    /// A prebuilt statbench (`--base-binary`), with its label.
    Binary(PathBuf, String),
    /// A git revision, built once and cached.
    Revision(String),
}

/// Where "this build" of a paired gate comes from.
#[derive(Debug, Clone, Copy)]
pub(super) enum CandidateSource<'a> {
    /// The code in the checkout at this folder: its slice library is (re)built first, so a
    /// library left from an older build is never measured as this build.
    Checkout(&'a Path),
    /// This process's binary and the slice library beside it (`--base-binary`, tests).
    ThisBinary,
}

/// The paired gate's settings: one machine, one session, so speed gates; the paired minimum
/// effect unless `--min-effect` says otherwise.
pub(super) fn paired_settings(args: &GateArgs) -> Result<crate::compare::CompareSettings> {
    let mut settings = args.verdict.settings()?;
    settings.strict = true;
    if args.verdict.min_effect.is_none() {
        settings.stats.min_effect = PAIRED_MIN_EFFECT;
    }
    if args.candidate_extra_work.is_some() {
        settings.allow_different_settings = true;
    }
    Ok(settings)
}

/// Measures speed paired against `base` on this machine: slices of both libraries in this
/// process when both have the slice ABI, else whole runs of both binaries; the confirmed
/// comparison (throughput headline, and the slices' or runs' lost updates).
pub(super) fn paired_speed(
    args: &GateArgs,
    scenario: &crate::scenario::Scenario,
    base: &BaseSource,
    candidate: CandidateSource,
    out: Option<PathBuf>,
) -> Result<Confirmed> {
    let scenario_path = scenario_file(scenario)?;
    let quiet = crate::progress::verbosity() == crate::progress::Verbosity::Quiet;
    // Located before the base build: building REV replaces target/release/statbench (this
    // binary, when run from there) for a moment, and /proc/self/exe then names a deleted file.
    let candidate_exe = std::env::current_exe()
        .map_err(|e| Error::input(format!("cannot locate this statbench binary: {e}")))?;
    let (base_path, base_label, base_library) = match base {
        BaseSource::Binary(bin, label) => {
            if !bin.is_file() {
                return Err(Error::input(format!(
                    "--base-binary {}: no such file",
                    bin.display()
                )));
            }
            (
                Some(bin.clone()),
                format!("base {label}"),
                library_beside(bin),
            )
        }
        BaseSource::Revision(rev) => {
            let wanted = if args.process_level {
                Wanted::Binary
            } else {
                Wanted::Library
            };
            let base = base_build(rev, quiet, wanted)?;
            let how = if base.cached {
                "cached build"
            } else {
                "built now"
            };
            crate::progress::note(&if base.commit.starts_with(rev.as_str()) {
                format!("gate: base {} ({how})", base.short())
            } else {
                format!("gate: base {rev} = {} ({how})", base.short())
            });
            if let CandidateSource::Checkout(root) = candidate {
                use crate::experiment::revision::{checkout_state, code_dirty, same_code};
                let same = checkout_state(root).is_some_and(|(head, _)| {
                    same_code(root, &head, &base.commit) && !code_dirty(root)
                });
                if same {
                    crate::progress::say_always(&format!(
                        "gate: base {rev} ({}) holds the same code as this checkout: an A/A check of the gate, not a verdict on a change",
                        base.short()
                    ));
                }
            }
            let label = format!("base {}", base.short());
            (base.path, label, base.library)
        }
    };
    if cfg!(debug_assertions) && matches!(candidate, CandidateSource::ThisBinary) {
        crate::progress::note(
            "gate: note: this statbench is a debug build; the base is built in release mode",
        );
    }
    let settings = paired_settings(args)?;
    // This checkout's slice library, rebuilt when stale: only when slices can be paired.
    let candidate_library = match candidate {
        CandidateSource::Checkout(root) if base_library.is_some() && !args.process_level => {
            use crate::experiment::revision::{checkout_state, code_dirty};
            let what = match checkout_state(root) {
                Some((head, _)) if code_dirty(root) => {
                    format!("{} with uncommitted changes", &head[..10])
                }
                Some((head, _)) => head[..10].to_string(),
                None => "the checkout".into(),
            };
            crate::progress::note(&format!(
                "gate: this build: {what}, its slice library (cargo build --release -p statbench-abi)"
            ));
            Some(checkout_library(root, quiet)?)
        }
        CandidateSource::Checkout(_) => None,
        CandidateSource::ThisBinary => library_beside(&candidate_exe),
    };
    match (&base_library, &candidate_library, args.process_level) {
        (Some(lib_a), Some(lib_b), false) => {
            return slice_gate(
                args,
                &scenario_path,
                (&base_label, lib_a),
                lib_b,
                &candidate_exe,
                &settings,
            );
        }
        (None, _, false) => crate::progress::note(&format!(
            "gate: {base_label} predates the slice ABI (no {LIBRARY_FILE} beside it): pairing whole runs instead of slices"
        )),
        (Some(_), None, false) => crate::progress::note(&format!(
            "gate: this build has no {LIBRARY_FILE} beside it (cargo build --release -p statbench-abi): pairing whole runs instead of slices"
        )),
        _ => {}
    }
    let Some(base_path) = base_path else {
        return Err(Error::input(format!(
            "{base_label}: no statbench binary to pair whole runs with"
        )));
    };
    let run_ms = args.run_ms;
    let candidate_extra: Vec<String> = match args.candidate_extra_work {
        Some(n) => vec!["--extra-work".into(), n.to_string()],
        None => Vec::new(),
    };
    let out: PathBuf = match out {
        Some(o) => o,
        None => create_unique_dir(
            default_runs_dir(),
            &format!("gate-{}-paired", scenario.name()),
        )?,
    };
    let mut plan = PairedPlan {
        a: PairedSide {
            label: base_label,
            measure: Box::new(|dir: &Path| {
                run_process(&base_path, &scenario_path, run_ms, &[], dir)
            }),
        },
        b: PairedSide {
            label: "this build".into(),
            measure: Box::new(|dir: &Path| {
                run_process(
                    &candidate_exe,
                    &scenario_path,
                    run_ms,
                    &candidate_extra,
                    dir,
                )
            }),
        },
        design: PairedDesign {
            pairs: args.pairs as usize,
            confirm_pairs: args.confirm_pairs as usize,
            seed: args.pairing_seed,
        },
        out: out.clone(),
    };
    crate::progress::note(&format!(
        "gate: speed: {} pairs of {run_ms}-ms runs, base vs this build, in randomised ABBA blocks (process-level pairing) into {}",
        plan.design.pairs,
        out.display()
    ));
    run_paired(&mut plan, &settings)
}

/// The scenario as a file both binaries can open: its own, or for a built-in scenario its
/// text written once under `target/statbench-scenarios/`.
fn scenario_file(scenario: &crate::scenario::Scenario) -> Result<std::path::PathBuf> {
    let path = &scenario.source().path;
    if let Some(text) = crate::scenario::builtin::text_of_path(path) {
        let dir =
            std::env::temp_dir().join(format!("statbench-scenarios-{}", scenario.source().hash));
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let file = dir.join(format!("{}.toml", scenario.name()));
        crate::files::atomic_write(&file, text.as_bytes()).or_else(|e| {
            if file.is_file() {
                Ok(())
            } else {
                Err(e)
            }
        })?;
        return Ok(file);
    }
    std::fs::canonicalize(path).map_err(|e| Error::io(Path::new(path), e))
}
