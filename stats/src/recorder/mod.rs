//! Recording an engine's own runs in statbench's format (feature `recorder`): a background
//! thread snapshots any [`Counters`] at fixed deadlines and streams `snapshots.csv`
//! (`sample,elapsed_ns,0..N`), beside a minimal `run.json` ([`RunInfo`]) that says what a
//! comparison needs. `statbench compare` / `gate` read such a folder like one of its own runs.
//!
//! Crash-safe like statbench's recorder: every row reaches the OS as one `write` when it is
//! taken, `run.json` says `"complete": false` until [`Recorder::stop`] rewrites it atomically,
//! so a killed engine leaves a readable prefix that is never compared as a finished run.
//!
//! The engine's hot path pays nothing: the recorder only reads (`snapshot_into`), from its own
//! thread, at the interval asked for.
//!
//! ```
//! use session_stats::recorder::{Recorder, RecorderOptions};
//! use session_stats::{SessionCounters, Sharded, NET_BYTES_RECV};
//! use std::sync::Arc;
//! use std::time::Duration;
//!
//! let dir = std::env::temp_dir().join(format!("engine-run-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&dir);
//! let counters = Arc::new(SessionCounters::<Sharded>::with_layout(false));
//! let options = RecorderOptions::new(Duration::from_millis(50))
//!     .label("my-engine 2.1")
//!     .work_metric("net.bytes_recv") // the headline and unit of work of comparisons
//!     .machine_probe(false); // on by default: ≈0.1 s of two busy threads inside start
//! let recorder = Recorder::start_with(&counters, &dir, options)?;
//! let writer = counters.writer(); // the engine works as usual
//! for _ in 0..1000 {
//!     writer.inc(NET_BYTES_RECV, 16_384);
//! }
//! drop(writer);
//! let summary = recorder.stop()?; // final row, fsync, run.json `"complete": true`
//! assert!(summary.samples >= 2);
//! let csv = std::fs::read_to_string(dir.join("snapshots.csv"))?;
//! assert!(csv.starts_with("sample,elapsed_ns,0,1,2,"));
//! assert!(csv.lines().last().unwrap().contains(",16384000,"));
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), std::io::Error>(())
//! ```

mod csv;
mod host;
pub mod probe;
mod run_info;

pub use csv::{SnapshotWriter, SNAPSHOTS_FILE};
pub use host::MachineInfo;
pub use probe::MachineProbe;
pub use run_info::{atomic_write, rfc3339_millis, RunInfo, RUN_INFO_FILE, RUN_INFO_FORMAT};

use crate::{find_metric_idx, Counters};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

/// How a [`Recorder`] records.
#[derive(Debug, Clone)]
pub struct RecorderOptions {
    interval: Duration,
    label: String,
    work_metric: Option<String>,
    machine_probe: bool,
}

impl RecorderOptions {
    /// A row every `interval` (statbench's scenarios use 50 ms, i.e. 20 Hz), label `engine`, no
    /// work metric, machine probe on.
    pub fn new(interval: Duration) -> RecorderOptions {
        RecorderOptions {
            interval,
            label: "engine".into(),
            work_metric: None,
            machine_probe: true,
        }
    }

    /// What is being recorded (a build, a test case); shown by comparisons.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// The registry metric that counts the engine's work (`net.bytes_recv`, say): comparisons
    /// take its rate as the headline and judge every other counter per unit of it, so a run
    /// that is merely faster shows no behaviour change.
    pub fn work_metric(mut self, dotted_name: impl Into<String>) -> Self {
        self.work_metric = Some(dotted_name.into());
        self
    }

    /// Whether to measure the machine's speed (≈0.1 s of two busy threads, inside
    /// [`Recorder::start_with`], before the first row) so that a comparison with another
    /// recording can tell whether the machines agree.
    pub fn machine_probe(mut self, on: bool) -> Self {
        self.machine_probe = on;
        self
    }
}

/// What a finished recording wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordSummary {
    /// The run folder.
    pub dir: PathBuf,
    /// Snapshot rows written (the first, one per interval, and the final one).
    pub samples: u64,
    /// Time from the first row to the last, ns.
    pub elapsed_ns: u64,
}

/// Stop flag and its wake-up, shared with the sampling thread.
type StopSignal = Arc<(Mutex<bool>, Condvar)>;

/// A running recording; [`stop`](Self::stop) it to finish the files (dropping it stops too,
/// ignoring errors).
#[derive(Debug)]
pub struct Recorder {
    dir: PathBuf,
    stop: StopSignal,
    thread: Option<JoinHandle<io::Result<RecordSummary>>>,
}

impl Recorder {
    /// Starts recording `counters` into `dir` (created; it must not hold files) every
    /// `interval`, with the default [`RecorderOptions`].
    pub fn start<C>(
        counters: &Arc<C>,
        dir: impl AsRef<Path>,
        interval: Duration,
    ) -> io::Result<Recorder>
    where
        C: Counters + Send + Sync + 'static,
    {
        Recorder::start_with(counters, dir, RecorderOptions::new(interval))
    }

    /// Starts recording with `options` (returns after the machine probe, if on, and the first
    /// files are written; the first row is taken at once on the recorder's thread). Errors
    /// (`InvalidInput`, one line naming the problem): a zero interval, a work metric the registry does not know, a folder that holds files;
    /// and the I/O errors of creating the files.
    pub fn start_with<C>(
        counters: &Arc<C>,
        dir: impl AsRef<Path>,
        options: RecorderOptions,
    ) -> io::Result<Recorder>
    where
        C: Counters + Send + Sync + 'static,
    {
        let dir = dir.as_ref().to_path_buf();
        let invalid = |msg: String| io::Error::new(io::ErrorKind::InvalidInput, msg);
        if options.interval.is_zero() {
            return Err(invalid(
                "recorder interval is 0; give one of at least 1 ms".into(),
            ));
        }
        if let Some(name) = &options.work_metric {
            if find_metric_idx(name).map_or(true, |i| i >= counters.width()) {
                return Err(invalid(format!(
                    "work metric {name:?} is not a metric of these counters (a dotted registry name, e.g. \"net.bytes_recv\")"
                )));
            }
        }
        create_empty_dir(&dir)?;
        // Measured here, before the first row: the engine's work would disturb the probe (and
        // the probe the engine's first interval).
        let machine_probe = options.machine_probe.then(|| probe::measure(&|_| {}, None));
        let info = RunInfo {
            format: RUN_INFO_FORMAT.into(),
            recorder: concat!("session-stats ", env!("CARGO_PKG_VERSION")).into(),
            label: options.label.clone(),
            layout: counters.name().to_string(),
            start_time: rfc3339_millis(SystemTime::now()),
            host: MachineInfo::current(),
            machine_probe,
            sample_interval_ms: options.interval.as_millis() as u64,
            width: counters.width(),
            diagnostics: counters.diagnostics_enabled(),
            work_metric: options.work_metric.clone(),
            complete: false,
            samples: 0,
            elapsed_ns: 0,
        };
        info.write(&dir)
            .map_err(|e| with_path(&dir, RUN_INFO_FILE, e))?;
        let mut csv = SnapshotWriter::create(&dir.join(SNAPSHOTS_FILE), counters.width())
            .map_err(|e| with_path(&dir, SNAPSHOTS_FILE, e))?;
        let stop: StopSignal = Arc::new((Mutex::new(false), Condvar::new()));
        let (counters, signal, folder) = (Arc::clone(counters), Arc::clone(&stop), dir.clone());
        let thread = std::thread::Builder::new()
            .name("stats-recorder".into())
            .spawn(move || {
                let mut info = info;
                let rows = sample_until_stopped(&*counters, &mut csv, options.interval, &signal)
                    .map_err(|e| with_path(&folder, SNAPSHOTS_FILE, e))?;
                info.complete = true;
                (info.samples, info.elapsed_ns) = rows;
                info.write(&folder)
                    .map_err(|e| with_path(&folder, RUN_INFO_FILE, e))?;
                Ok(RecordSummary {
                    dir: folder,
                    samples: rows.0,
                    elapsed_ns: rows.1,
                })
            })?;
        Ok(Recorder {
            dir,
            stop,
            thread: Some(thread),
        })
    }

    /// The run folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Takes the final row, syncs the CSV and marks run.json complete; returns what was written,
    /// or the first error the recording met (a full disk, say: rows stop, the run stays
    /// incomplete).
    pub fn stop(mut self) -> io::Result<RecordSummary> {
        self.finish()
    }

    fn finish(&mut self) -> io::Result<RecordSummary> {
        let (flag, wake) = &*self.stop;
        *flag.lock().unwrap_or_else(PoisonError::into_inner) = true;
        wake.notify_all();
        match self.thread.take() {
            Some(t) => t
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the recorder thread panicked"))),
            None => Err(io::Error::other("the recorder was already stopped")),
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        if self.thread.is_some() {
            let _ = self.finish();
        }
    }
}

/// Rows at absolute deadlines `k × interval` from the first (so sampling never drifts), then a
/// final row when stopped. Returns (rows, elapsed ns of the last row).
fn sample_until_stopped<C: Counters + ?Sized>(
    counters: &C,
    csv: &mut SnapshotWriter,
    interval: Duration,
    signal: &(Mutex<bool>, Condvar),
) -> io::Result<(u64, u64)> {
    let mut values = vec![0i64; counters.width()];
    let start = Instant::now();
    let mut row = |k: u64, values: &mut [i64]| -> io::Result<u64> {
        counters.snapshot_into(values);
        let at = start.elapsed().as_nanos() as u64;
        csv.write_row(k, at, values)?;
        Ok(at)
    };
    let mut last_at = row(0, &mut values)?;
    let mut k = 1u64;
    let (flag, wake) = signal;
    let mut stopped = flag.lock().unwrap_or_else(PoisonError::into_inner);
    loop {
        if *stopped {
            break;
        }
        let due = interval.saturating_mul(k as u32);
        let now = start.elapsed();
        if now < due {
            stopped = wake
                .wait_timeout(stopped, due - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
            continue;
        }
        drop(stopped);
        last_at = row(k, &mut values)?;
        k += 1;
        stopped = flag.lock().unwrap_or_else(PoisonError::into_inner);
    }
    drop(stopped);
    // The final row, unless a periodic one was taken this very moment.
    if start.elapsed().as_nanos() as u64 > last_at {
        last_at = row(k, &mut values)?;
        k += 1;
    }
    csv.sync()?;
    Ok((k, last_at))
}

/// `e` with the file it concerns, so the one line names it.
fn with_path(dir: &Path, file: &str, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", dir.join(file).display()))
}

/// Creates `dir`, or accepts it when it exists and is empty: a recording never mixes with or
/// overwrites another.
fn create_empty_dir(dir: &Path) -> io::Result<()> {
    if dir.exists() {
        if std::fs::read_dir(dir)?.next().is_some() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!(
                    "{}: already exists and is not empty; record into a new folder",
                    dir.display()
                ),
            ));
        }
        return Ok(());
    }
    std::fs::create_dir_all(dir)
}
