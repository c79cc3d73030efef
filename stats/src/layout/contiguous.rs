use super::{AlignedSlots, CounterLayout};
use crate::MetricKind;
use std::sync::atomic::Ordering::Relaxed;

/// The reference layout: one contiguous array of `AtomicI64`, Relaxed `fetch_add`.
///
/// This is what the engine ships, so it is the baseline of every comparison. Eight slots share a
/// 64-byte cache line, so unrelated metrics updated from different threads contend. The array
/// starts on a 128-byte boundary, so the same slots share a line in every run.
#[derive(Debug)]
pub struct Contiguous {
    slots: AlignedSlots,
}

impl CounterLayout for Contiguous {
    const NAME: &'static str = "contiguous";

    fn with_kinds(kinds: &[MetricKind]) -> Self {
        Contiguous {
            slots: AlignedSlots::zeroed(kinds.len()),
        }
    }

    #[inline]
    fn add(&self, idx: usize, delta: i64) {
        self.slots.as_slice()[idx].fetch_add(delta, Relaxed);
    }

    #[inline]
    fn store(&self, idx: usize, value: i64) {
        self.slots.as_slice()[idx].store(value, Relaxed);
    }

    #[inline]
    fn fetch_max(&self, idx: usize, value: i64) {
        self.slots.as_slice()[idx].fetch_max(value, Relaxed);
    }

    #[inline]
    fn load(&self, idx: usize) -> i64 {
        self.slots.as_slice()[idx].load(Relaxed)
    }

    fn len(&self) -> usize {
        self.slots.as_slice().len()
    }
}
