//! `cargo run --release -p external-counters -- [SCENARIO] [--stripes N] [--out DIR]`: runs a
//! statbench scenario (default: `default`) against [`StripedCounters`], writes the run folder
//! like `statbench run` does, and exits 1 if any counter lost an update (2 on bad input).
//! Compare it with a built-in layout: `statbench compare runs/ref runs/striped
//! --allow-different-settings`.

use external_counters::StripedCounters;
use statbench::runner::{run_counters, RunRequest};
use statbench::scenario::Scenario;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    match try_main() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("external-counters: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn try_main() -> Result<bool, String> {
    let mut scenario = None;
    let mut stripes = 4usize;
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--stripes" => {
                let v = args.next().ok_or("--stripes needs a number")?;
                stripes = v
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or(format!("--stripes {v:?}: not a positive number"))?;
            }
            "--out" => out = Some(PathBuf::from(args.next().ok_or("--out needs a folder")?)),
            a if a.starts_with('-') => return Err(format!("unknown option {a:?}")),
            a => scenario = Some(a.to_string()),
        }
    }
    let path = Scenario::resolve(scenario.as_deref()).map_err(|e| e.to_string())?;
    let scenario = Scenario::load(&path).map_err(|e| e.to_string())?;
    let out_dir = out.unwrap_or_else(|| {
        PathBuf::from("runs").join(format!(
            "{}-striped-{}",
            scenario.name(),
            std::process::id()
        ))
    });
    let counters = StripedCounters::new(stripes, scenario.diagnostics());
    let request = RunRequest {
        scenario,
        out_dir,
        sampling: true,
        progress: false,
        repetition: None,
    };
    let report = run_counters(&request, &counters).map_err(|e| e.to_string())?;
    let m = &report.meta;
    println!(
        "{}: {} layout, {:.1} M updates/s, {} updates, totals {}",
        report.dir.display(),
        m.layout,
        m.ops_per_sec / 1e6,
        m.total_ops,
        if m.totals_verified == Some(true) {
            "exact"
        } else {
            "WRONG"
        }
    );
    Ok(report.check_totals().is_ok())
}
