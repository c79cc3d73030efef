use super::{CacheLine, CounterLayout};
use crate::MetricKind;
use std::sync::atomic::{AtomicI64, Ordering::Relaxed};

/// Every slot on its own 128-byte line: no false sharing between metrics, at 128 bytes per slot.
///
/// Threads hitting the *same* metric still contend on its line; this layout only removes the
/// contention between *different* metrics.
#[derive(Debug)]
pub struct Padded {
    slots: Box<[CacheLine<AtomicI64>]>,
}

impl CounterLayout for Padded {
    const NAME: &'static str = "padded";

    fn with_kinds(kinds: &[MetricKind]) -> Self {
        Padded {
            slots: kinds.iter().map(|_| CacheLine(AtomicI64::new(0))).collect(),
        }
    }

    #[inline]
    fn add(&self, idx: usize, delta: i64) {
        self.slots[idx].0.fetch_add(delta, Relaxed);
    }

    #[inline]
    fn store(&self, idx: usize, value: i64) {
        self.slots[idx].0.store(value, Relaxed);
    }

    #[inline]
    fn fetch_max(&self, idx: usize, value: i64) {
        // Read first: a high-water mark rarely rises, and a plain load keeps the line shared
        // between cores instead of taking it exclusive on every call.
        let slot = &self.slots[idx].0;
        if slot.load(Relaxed) < value {
            slot.fetch_max(value, Relaxed);
        }
    }

    #[inline]
    fn load(&self, idx: usize) -> i64 {
        self.slots[idx].0.load(Relaxed)
    }

    fn len(&self) -> usize {
        self.slots.len()
    }
}
