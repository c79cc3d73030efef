//! A counter implementation that is *not* one of session-stats' layouts, to show how an engine
//! benchmarks its own: **striped counters**. Each writer is given one of a few stripes (its own
//! copy of every counter slot, updated with an atomic `fetch_add`, so stripes may be shared by
//! several writers); gauges live in one shared array; a snapshot sums the stripes.
//!
//! All it needs to run through statbench's scenarios is [`session_stats::Counters`] (what the
//! swarm drives: one writer per worker thread, a snapshot) and [`session_stats::Update`] (what
//! a writer does). `statbench::runner::run_counters` then records it exactly like a built-in
//! layout — same CSV, same run.json, final values checked against the scenario's seed.

use session_stats::{metric_kinds, Counters, MetricKind, Update, NUM_METRICS};
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering::Relaxed};

/// One stripe's copy of every slot, on its own 128-byte lines.
#[repr(align(128))]
struct Stripe([AtomicI64; NUM_METRICS]);

/// Counters striped over a fixed number of copies; see the crate docs.
pub struct StripedCounters {
    stripes: Box<[Stripe]>,
    gauges: Box<[AtomicI64; NUM_METRICS]>,
    is_counter: [bool; NUM_METRICS],
    next_stripe: AtomicUsize,
    diagnostics: bool,
}

impl StripedCounters {
    /// `stripes` copies of the counter slots (at least 1).
    pub fn new(stripes: usize, diagnostics: bool) -> StripedCounters {
        let kinds = metric_kinds();
        StripedCounters {
            stripes: (0..stripes.max(1))
                .map(|_| Stripe(std::array::from_fn(|_| AtomicI64::new(0))))
                .collect(),
            gauges: Box::new(std::array::from_fn(|_| AtomicI64::new(0))),
            is_counter: std::array::from_fn(|i| kinds[i] == MetricKind::Counter),
            next_stripe: AtomicUsize::new(0),
            diagnostics,
        }
    }
}

/// One writer's handle: the stripe it was given.
pub struct StripeWriter<'a> {
    counters: &'a StripedCounters,
    stripe: &'a Stripe,
}

impl Update for StripeWriter<'_> {
    #[inline]
    fn inc(&self, idx: usize, delta: i64) {
        if self.counters.is_counter[idx] {
            self.stripe.0[idx].fetch_add(delta, Relaxed);
        } else {
            self.counters.gauges[idx].fetch_add(delta, Relaxed);
        }
    }
    #[inline]
    fn set(&self, idx: usize, value: i64) {
        self.counters.gauges[idx].store(value, Relaxed);
    }
    #[inline]
    fn set_max(&self, idx: usize, value: i64) {
        self.counters.gauges[idx].fetch_max(value, Relaxed);
    }
    #[inline]
    fn diagnostics_enabled(&self) -> bool {
        self.counters.diagnostics
    }
}

impl Counters for StripedCounters {
    type Writer<'a> = StripeWriter<'a>;

    fn writer(&self) -> StripeWriter<'_> {
        let n = self.next_stripe.fetch_add(1, Relaxed) % self.stripes.len();
        StripeWriter {
            counters: self,
            stripe: &self.stripes[n],
        }
    }

    fn snapshot_into(&self, out: &mut [i64]) {
        for (i, o) in out.iter_mut().enumerate() {
            *o = if self.is_counter[i] {
                self.stripes.iter().map(|s| s.0[i].load(Relaxed)).sum()
            } else {
                self.gauges[i].load(Relaxed)
            };
        }
    }

    fn diagnostics_enabled(&self) -> bool {
        self.diagnostics
    }

    fn name(&self) -> &str {
        "striped"
    }
}

/// docs/engine.md's Rust examples (the library, open counters, the recorder), compiled as
/// doctests of this crate, the one that depends on everything they use.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/engine.md")]
pub struct EngineDocDoctests;
