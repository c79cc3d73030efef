//! Slices: the scenario's workload run for a fixed time inside this process, on a thread pool
//! and a plan made once, into fresh counters each time, with the totals still verified. What
//! in-process pairing alternates (two layouts of this build, or two revisions loaded through
//! the slice ABI), tens of milliseconds at a time, so that both sides share every drift.

pub mod abi;

use crate::error::{Error, Result};
use crate::scenario::Scenario;
use crate::workload::plan::mismatches;
use crate::workload::sink::{with_counters, WithCounters};
use crate::workload::{Plan, Swarm};
use session_stats::{Counters, NUM_METRICS};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What one slice did; `#[repr(C)]` because the slice ABI returns it across a library boundary.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SliceStats {
    /// Counter updates applied.
    pub ops: u64,
    /// Wall time of the slice, start to the last update, in nanoseconds.
    pub elapsed_ns: u64,
    /// Metrics whose final value differs from the plan's expectation (0: no update lost).
    pub mismatched_metrics: u64,
}

impl SliceStats {
    /// Updates per second.
    pub fn rate(&self) -> f64 {
        self.ops as f64 / (self.elapsed_ns.max(1) as f64 / 1e9)
    }
}

/// A scenario ready to run slices: its plan generated and its worker pool started once.
pub struct SliceRunner {
    scenario: Scenario,
    plan: Plan,
    pool: rayon::ThreadPool,
}

impl std::fmt::Debug for SliceRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SliceRunner")
            .field("scenario", &self.scenario.name())
            .finish_non_exhaustive()
    }
}

impl SliceRunner {
    /// Generates the plan and starts the pool (threads pinned as the scenario says).
    pub fn new(scenario: &Scenario) -> Result<SliceRunner> {
        let pin = scenario.pin_threads();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(scenario.threads())
            .thread_name(|i| format!("slice-{i}"))
            .start_handler(move |i| {
                if pin {
                    crate::runner::pin_to_cpu(i);
                }
            })
            .build()
            .map_err(|e| {
                Error::input(format!(
                    "cannot start {} worker threads: {e}",
                    scenario.threads()
                ))
            })?;
        Ok(SliceRunner {
            plan: Plan::new(scenario),
            scenario: scenario.clone(),
            pool,
        })
    }

    /// Runs the workload for about `ms` milliseconds into fresh counters of the scenario's
    /// layout (fresh each slice, so where the counters land in memory is not fixed per side).
    pub fn run(&self, ms: u64) -> SliceStats {
        struct Slice<'r>(&'r SliceRunner, u64);
        impl WithCounters for Slice<'_> {
            type Output = SliceStats;
            fn call<C: Counters>(self, counters: &C, verify: bool) -> SliceStats {
                self.0.run_with(counters, self.1, verify)
            }
        }
        let s = &self.scenario;
        with_counters(s.layout(), s.diagnostics(), Slice(self, ms))
    }

    fn run_with<S: Counters>(&self, sink: &S, ms: u64, verify: bool) -> SliceStats {
        let s = &self.scenario;
        let swarm = Swarm::new(&self.plan, s.threads(), s.peers(), s.extra_work());
        let deadline = Duration::from_millis(ms);
        let done = AtomicBool::new(false);
        let me = std::thread::current();
        let start = Instant::now();
        let (outcome, elapsed) = std::thread::scope(|scope| {
            let worker = scope.spawn(|| {
                let outcome = swarm.run(&self.pool, sink);
                let elapsed = start.elapsed();
                done.store(true, Ordering::Release);
                me.unpark();
                (outcome, elapsed)
            });
            // Stop at the deadline, or earlier if an operation budget ends the swarm first.
            while !done.load(Ordering::Acquire) {
                let now = start.elapsed();
                if now >= deadline {
                    swarm.stop();
                    break;
                }
                std::thread::park_timeout(deadline - now);
            }
            worker.join().expect("swarm thread panicked")
        });
        let mut mismatched = 0;
        if verify {
            let mut values = vec![0i64; NUM_METRICS];
            sink.snapshot_into(&mut values);
            let expected = self.plan.expected(outcome.lives, s.diagnostics());
            mismatched = mismatches(&expected, &values).len() as u64;
        }
        SliceStats {
            ops: outcome.ops,
            elapsed_ns: elapsed.as_nanos() as u64,
            mismatched_metrics: mismatched,
        }
    }
}
