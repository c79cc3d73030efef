//! One run, start to end: plan the swarm, start the sampler, replay, verify, write run.json.
//!
//! This is the only place where the workload and the recorder meet; it is generic over the
//! sink so each layout gets its own monomorphised hot loop.

use crate::error::{Error, Result};
use crate::files::create_fresh_dir;
use crate::recorder::meta::RUN_META_FORMAT;
use crate::recorder::{Host, Mismatch, RunMeta, Sampler, SamplerConfig, SNAPSHOTS_FILE};
use crate::scenario::{Budget, Scenario};
use crate::workload::plan::mismatches;
use crate::workload::sink::{with_counters, WithCounters};
use crate::workload::{Plan, Swarm};
use indicatif::{ProgressBar, ProgressStyle};
use session_stats::{metric, Counters, NUM_METRICS};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

/// How to run a scenario (overrides already applied to `scenario`).
#[derive(Debug, Clone)]
pub struct RunRequest {
    /// What to run.
    pub scenario: Scenario,
    /// Folder for `snapshots.csv` and `run.json` (created; must not hold files).
    pub out_dir: PathBuf,
    /// Sample every `scenario.sample_interval_ms()`; when false only the first and final rows.
    pub sampling: bool,
    /// Show a progress bar on stderr.
    pub progress: bool,
    /// Repetition number (1-based) and count.
    pub repetition: Option<(usize, usize)>,
}

/// What a finished run produced.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// The run folder.
    pub dir: PathBuf,
    /// The final `run.json` contents.
    pub meta: RunMeta,
}

impl RunReport {
    /// `Err(Failed)` naming the metrics when the totals did not match the plan.
    pub fn check_totals(&self) -> Result<()> {
        if self.meta.totals_verified == Some(false) {
            let list: Vec<String> = self
                .meta
                .mismatches
                .iter()
                .take(8)
                .map(|m| {
                    format!(
                        "{} [{}] expected {} got {}",
                        m.name, m.index, m.expected, m.actual
                    )
                })
                .collect();
            let more = self.meta.mismatches.len().saturating_sub(8);
            let tail = if more > 0 {
                format!(" (+{more} more)")
            } else {
                String::new()
            };
            return Err(Error::Failed(format!(
                "{}: lost or wrong updates in {} metric(s): {}{tail}",
                self.dir.display(),
                self.meta.mismatches.len(),
                list.join("; ")
            )));
        }
        Ok(())
    }
}

/// Runs `req` to the end and writes its files, into counters of the scenario's layout.
pub fn run(req: &RunRequest) -> Result<RunReport> {
    struct Record<'r>(&'r RunRequest);
    impl WithCounters for Record<'_> {
        type Output = Result<RunReport>;
        fn call<C: Counters>(self, counters: &C, verify: bool) -> Result<RunReport> {
            record(self.0, counters, verify)
        }
    }
    with_counters(
        req.scenario.layout(),
        req.scenario.diagnostics(),
        Record(req),
    )
}

/// Runs `req` into `counters`, any implementation of the open interface (an engine's own
/// counter array, say), and checks their final values against the plan exactly like a
/// built-in layout's. The run is recorded with `counters.name()` as its layout, so it never
/// compares as a run of the scenario's built-in layout by accident.
///
/// `counters` must start at zero and must hold the registry's 99 slots (`width() == 99`).
pub fn run_counters<C: Counters>(req: &RunRequest, counters: &C) -> Result<RunReport> {
    if counters.width() != NUM_METRICS {
        return Err(Error::input(format!(
            "counters {:?}: {} slots; the swarm updates the registry's {NUM_METRICS}",
            counters.name(),
            counters.width()
        )));
    }
    record(req, counters, true)
}

fn initial_meta(req: &RunRequest, layout: &str) -> RunMeta {
    let s = &req.scenario;
    let mut scenario_settings = serde_json::to_value(s).expect("scenario serialises");
    // The layout that ran, which for an external implementation is not the scenario's.
    scenario_settings["layout"] = serde_json::Value::from(layout);
    RunMeta {
        format: RUN_META_FORMAT,
        statbench_version: env!("CARGO_PKG_VERSION").to_string(),
        git_revision: Some(env!("STATBENCH_GIT_REVISION").to_string()).filter(|r| !r.is_empty()),
        scenario: s.name().to_string(),
        scenario_path: s.source().path.clone(),
        scenario_hash: s.source().hash.clone(),
        scenario_settings,
        settings_hash: None,
        workload: None,
        seed: s.seed(),
        layout: layout.to_string(),
        threads: s.threads(),
        peers: s.peers(),
        diagnostics: s.diagnostics(),
        sample_interval_ms: if req.sampling {
            s.sample_interval_ms()
        } else {
            0
        },
        extra_work: s.extra_work(),
        repetition: req.repetition,
        host: Host::current(),
        start_time: humantime::format_rfc3339_millis(SystemTime::now()).to_string(),
        complete: false,
        totals_verified: None,
        mismatches: Vec::new(),
        samples: 0,
        lives: 0,
        total_ops: 0,
        elapsed_ns: 0,
        ops_per_sec: 0.0,
        intervals: Vec::new(),
        machine_probe: None,
    }
}

fn progress_bar(req: &RunRequest) -> Option<ProgressBar> {
    if !req.progress {
        return None;
    }
    let (len, template) = match req.scenario.budget() {
        Budget::DurationMs(ms) => (ms, "{spinner} {prefix} [{bar:30}] {elapsed_precise} {msg}"),
        Budget::Operations(ops) => (ops, "{spinner} {prefix} [{bar:30}] {percent}% {msg}"),
    };
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template(template)
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_prefix(req.scenario.name().to_string());
    Some(bar)
}

/// Records one run of `req` into `sink`; `verify`: check the final values against the plan.
fn record<S: Counters>(req: &RunRequest, sink: &S, verify: bool) -> Result<RunReport> {
    let s = &req.scenario;
    let probe_scale = crate::recorder::probe::scale_from_env()?;
    create_fresh_dir(&req.out_dir)?;
    claim(&req.out_dir)?;
    // Everything the hot loop replays is generated before the clock starts; its fingerprint
    // is part of the run's settings identity.
    let plan = Plan::new(s);
    let mut meta = initial_meta(req, sink.name());
    meta.workload = Some(plan.fingerprint());
    // The machine's speed, before the clock starts and before the worker threads exist.
    let pin = |i| {
        if s.pin_threads() {
            pin_to_cpu(i)
        }
    };
    meta.machine_probe = Some(crate::recorder::probe::measure(&pin, probe_scale));
    meta.settings_hash = Some(meta.settings_key());
    meta.write(&req.out_dir)?;
    let mut sampler = Sampler::create(&req.out_dir.join(SNAPSHOTS_FILE), NUM_METRICS)?;
    let config = SamplerConfig {
        interval: req
            .sampling
            .then(|| Duration::from_millis(s.sample_interval_ms())),
    };

    let pin = s.pin_threads();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(s.threads())
        .thread_name(|i| format!("swarm-{i}"))
        .start_handler(move |i| {
            if pin {
                pin_to_cpu(i);
            }
        })
        .build()
        .map_err(|e| Error::input(format!("cannot start {} worker threads: {e}", s.threads())))?;
    let swarm = Swarm::new(&plan, s.threads(), s.peers(), s.extra_work());
    let run_for = match s.budget() {
        Budget::DurationMs(ms) => Some(Duration::from_millis(ms)),
        Budget::Operations(_) => None,
    };
    let bar = progress_bar(req);
    // A command's overall line (`crate::progress`), moved by this run's share of its budget.
    let overall = crate::progress::current().filter(|_| bar.is_none());
    let mut values = vec![0i64; NUM_METRICS];
    let done = AtomicBool::new(false);

    sink.snapshot_into(&mut values);
    let start = Instant::now();
    sampler.record(Duration::ZERO, 0, &values)?;
    let main_thread = std::thread::current();
    let (outcome, elapsed) = std::thread::scope(|scope| -> Result<_> {
        let worker = scope.spawn(|| {
            let outcome = swarm.run(&pool, sink);
            let elapsed = start.elapsed();
            done.store(true, Ordering::Release);
            main_thread.unpark();
            (outcome, elapsed)
        });
        let mut stopped = false;
        let mut sample_result = Ok(());
        while !done.load(Ordering::Acquire) {
            let now = start.elapsed();
            if let Some(limit) = run_for {
                if !stopped && now >= limit {
                    swarm.stop();
                    stopped = true;
                }
            }
            if let Some(due) = config.deadline(sampler.next_sample()) {
                if now >= due && sample_result.is_ok() {
                    sink.snapshot_into(&mut values);
                    sample_result = sampler.record(start.elapsed(), swarm.ops_so_far(), &values);
                    if sample_result.is_err() {
                        swarm.stop(); // disk full or similar: stop early, report below
                    }
                    continue;
                }
            }
            if let Some(bar) = &bar {
                match s.budget() {
                    Budget::DurationMs(_) => bar.set_position(now.as_millis() as u64),
                    Budget::Operations(_) => bar.set_position(swarm.ops_so_far()),
                }
            }
            if let Some(p) = &overall {
                p.partial(match s.budget() {
                    Budget::DurationMs(ms) => now.as_millis() as f64 / ms.max(1) as f64,
                    Budget::Operations(ops) => swarm.ops_so_far() as f64 / ops.max(1) as f64,
                });
            }
            // Sleep until the next event: a sample, the stop deadline, or a progress tick.
            let ticking = bar.is_some() || overall.is_some();
            let mut wake = Duration::from_millis(if ticking { 100 } else { 1000 });
            let now = start.elapsed();
            if let Some(due) = config.deadline(sampler.next_sample()) {
                wake = wake.min(due.saturating_sub(now));
            }
            if let Some(limit) = run_for.filter(|_| !stopped) {
                wake = wake.min(limit.saturating_sub(now));
            }
            std::thread::park_timeout(wake);
        }
        let joined = worker.join().expect("swarm thread panicked");
        sample_result.map(|()| joined)
    })?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    // The final row is stamped now, not when the workers finished: a periodic sample may have
    // been taken between the two, and a row's time must never go backwards.
    let final_at = start.elapsed();
    sink.snapshot_into(&mut values);
    sampler.record(final_at, outcome.ops, &values)?;
    let samples = sampler.next_sample();
    meta.intervals = sampler.finish()?;

    if verify {
        let expected = plan.expected(outcome.lives, s.diagnostics());
        meta.mismatches = mismatches(&expected, &values)
            .into_iter()
            .map(|(index, expected, actual)| Mismatch {
                index,
                name: metric(index)
                    .map(|m| m.name.to_string())
                    .unwrap_or_default(),
                expected,
                actual,
            })
            .collect();
        meta.totals_verified = Some(meta.mismatches.is_empty());
    }
    meta.complete = true;
    meta.samples = samples;
    meta.lives = outcome.lives;
    meta.total_ops = outcome.ops;
    meta.elapsed_ns = elapsed.as_nanos() as u64;
    meta.ops_per_sec = outcome.ops as f64 / elapsed.as_secs_f64().max(1e-9);
    meta.write(&req.out_dir)?;
    Ok(RunReport {
        dir: req.out_dir.clone(),
        meta,
    })
}

/// Claims `dir` for this run by creating its run.json exclusively: of two runs started into
/// one empty folder, the second finds it taken and stops before writing anything, instead of
/// overwriting the first one's files (the emptiness check alone cannot tell them apart).
fn claim(dir: &std::path::Path) -> Result<()> {
    let path = dir.join(crate::recorder::RUN_META_FILE);
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(Error::input(format!(
            "{}: another run is writing into this folder; choose another --out",
            dir.display()
        ))),
        Err(e) => Err(Error::io(&path, e)),
    }
}

/// Default parent folder of run folders.
#[cfg(feature = "cli")]
pub(crate) fn default_runs_dir() -> &'static std::path::Path {
    std::path::Path::new("runs")
}

/// Pins the calling thread to CPU `i` modulo the CPUs this process may use (Linux only), so
/// worker threads never share a core or migrate mid-run.
pub(crate) fn pin_to_cpu(i: usize) {
    #[cfg(target_os = "linux")]
    // SAFETY: plain libc calls on a zeroed, stack-owned cpu_set_t.
    unsafe {
        let mut allowed: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut allowed) != 0 {
            return;
        }
        let cpus: Vec<usize> = (0..libc::CPU_SETSIZE as usize)
            .filter(|&c| libc::CPU_ISSET(c, &allowed))
            .collect();
        if cpus.is_empty() {
            return;
        }
        let mut one: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpus[i % cpus.len()], &mut one);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &one);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = i;
}

#[cfg(test)]
mod tests {
    use super::claim;

    #[test]
    fn a_folder_is_claimed_once() {
        let d = std::env::temp_dir().join(format!("statbench-claim-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        claim(&d).unwrap();
        // A second run that also found the folder empty stops here, before writing anything.
        let e = claim(&d).unwrap_err().to_string();
        assert!(e.contains("another run is writing into this folder"), "{e}");
        let _ = std::fs::remove_dir_all(&d);
    }
}
