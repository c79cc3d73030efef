//! A short calibrated probe of this machine's speed, recorded with every run (statbench's and an
//! engine's [`Recorder`](super::Recorder)): two fixed loops (one core alone, and two threads
//! fighting over one cache line) whose rates say whether two runs' machines (or one machine at
//! two hours) ran at the same speed, which a CPU model string cannot tell.
//!
//! It runs before a run's clock starts (never inside the measured time), costs ≈ 0.1 s, and
//! each rate comes from many short repetitions after a discarded warm-up (the fastest
//! quartile), so preempted repetitions do not move it. statbench's comparison decides with it
//! whether a speed verdict across two recordings can be given.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Version of the probe's loops and work amounts; probes of different versions are not
/// compared (a new loop measures something else).
pub const PROBE_VERSION: u32 = 1;

/// Highest believable probe rate, M operations/s (10^12 ops/s, like the throughput check):
/// above it a run.json is corrupt or fabricated.
pub const MAX_PROBE_MOPS: f64 = 1e6;

/// Timed repetitions per loop (after one discarded warm-up).
const REPETITIONS: usize = 15;
/// Updates per repetition of the uncontended loop (≈ 1.2 ms on the 2-vCPU reference VM):
/// short, so that most repetitions fit between two preemptions on a busy machine.
const UNCONTENDED_OPS: u64 = 1 << 20;
/// Size of the array the uncontended loop updates: fits in L1, so it measures the core.
const UNCONTENDED_SLOTS: usize = 256;
/// Threads of the contended loop: the default scenario's, and what every CI runner has.
pub const CONTENDED_THREADS: usize = 2;
/// `fetch_add`s per thread per repetition of the contended loop (≈ 2–3 ms on the reference VM).
const CONTENDED_OPS: u64 = 1 << 17;

/// The probe's result, as run.json stores it under `machine_probe`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MachineProbe {
    /// [`PROBE_VERSION`] of the loops that produced it.
    pub version: u32,
    /// One thread updating a small array (SplitMix64-driven), M updates/s.
    pub uncontended_mops: f64,
    /// [`CONTENDED_THREADS`] threads doing `fetch_add` on one shared counter, M updates/s.
    pub contended_mops: f64,
    /// A test hook's factor (statbench's `STATBENCH_PROBE_SCALE`) that multiplied both rates,
    /// to pose as a faster or slower machine; never set in a real run.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub scaled_by: Option<f64>,
}

impl MachineProbe {
    /// `Err(problem)` for a rate that no machine produces (not finite, ≤ 0, absurd) or a
    /// version 0; `key` is the JSON key the rates sit under, for the message.
    pub fn check(&self, key: &str) -> std::result::Result<(), String> {
        if self.version == 0 {
            return Err(format!("{key}.version is 0; probe versions start at 1"));
        }
        let rates = [
            ("uncontended_mops", self.uncontended_mops),
            ("contended_mops", self.contended_mops),
        ];
        for (field, v) in rates
            .into_iter()
            .chain(self.scaled_by.map(|s| ("scaled_by", s)))
        {
            if !v.is_finite() {
                return Err(format!("{key}.{field} is {v}, not a finite number"));
            }
            if v <= 0.0 {
                return Err(format!("{key}.{field} is {v}; it must be above 0"));
            }
            if v > MAX_PROBE_MOPS {
                return Err(format!(
                    "{key}.{field} is {v:e}, above the believable maximum of {MAX_PROBE_MOPS:e}"
                ));
            }
        }
        Ok(())
    }
}

/// Measures the probe; `pin(i)` places the calling probe thread `i` as the run places worker
/// `i` (so the contended loop crosses the cores the run's threads will use).
pub fn measure(pin: &(dyn Fn(usize) + Sync), scale: Option<f64>) -> MachineProbe {
    let uncontended = std::thread::scope(|s| {
        s.spawn(|| {
            pin(0);
            uncontended_rate()
        })
        .join()
        .expect("probe thread")
    });
    let contended = contended_rate(pin);
    let k = scale.unwrap_or(1.0);
    MachineProbe {
        version: PROBE_VERSION,
        uncontended_mops: uncontended * k,
        contended_mops: contended * k,
        scaled_by: scale,
    }
}

/// Rate, M ops/s, of the repetition at the fastest quartile of `times` (`ops` operations
/// each). Not the median: on a shared machine a neighbour preempts some repetitions, and the
/// share it hits changes from run to run; the fastest quarter is the machine's own speed
/// (frequency, cache-line transfer cost, vCPU placement), which is what must agree between
/// two sides for their throughput to be comparable.
fn fast_quartile_rate(mut times: Vec<Duration>, ops: u64) -> f64 {
    times.sort();
    let t = times[times.len() / 4].as_secs_f64().max(1e-9);
    ops as f64 / t / 1e6
}

/// SplitMix64's step (Steele, Lea & Flood 2014), the same stream as statbench's generator, so
/// the loop stays probe version 1 (written here: this crate takes no dependencies).
#[inline(always)]
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Its own 128-byte line, so the two probe counters never share one.
#[repr(align(128))]
struct Line<T>(T);

/// One thread, no sharing: SplitMix64 picks a slot of a small array and adds to it.
fn uncontended_rate() -> f64 {
    let mut slots = [0u64; UNCONTENDED_SLOTS];
    let mut state = 0x5EEDu64;
    let mut times = Vec::with_capacity(REPETITIONS);
    for rep in 0..=REPETITIONS {
        let start = Instant::now();
        for _ in 0..UNCONTENDED_OPS {
            let x = splitmix64(&mut state);
            slots[(x as usize) % UNCONTENDED_SLOTS] += x >> 32;
        }
        black_box(&mut slots);
        if rep > 0 {
            times.push(start.elapsed());
        }
    }
    fast_quartile_rate(times, UNCONTENDED_OPS)
}

/// [`CONTENDED_THREADS`] pinned threads `fetch_add` on one shared counter: the cost of moving
/// one cache line between cores, which a contended run pays per update. Each repetition
/// starts when every thread has arrived (they spin on a shared count, so none runs alone
/// while another is still waking up) and lasts until the slowest thread is done.
fn contended_rate(pin: &(dyn Fn(usize) + Sync)) -> f64 {
    let counter = Line(AtomicU64::new(0));
    let arrived = Line(AtomicU64::new(0));
    let longest: Vec<AtomicU64> = (0..=REPETITIONS).map(|_| AtomicU64::new(0)).collect();
    std::thread::scope(|s| {
        for i in 0..CONTENDED_THREADS {
            let (counter, arrived, longest) = (&counter.0, &arrived.0, &longest);
            s.spawn(move || {
                pin(i);
                for (rep, slot) in longest.iter().enumerate() {
                    arrived.fetch_add(1, Ordering::AcqRel);
                    let all = ((rep + 1) * CONTENDED_THREADS) as u64;
                    while arrived.load(Ordering::Acquire) < all {
                        std::hint::spin_loop();
                    }
                    let start = Instant::now();
                    for _ in 0..CONTENDED_OPS {
                        counter.fetch_add(1, Ordering::Relaxed);
                    }
                    slot.fetch_max(start.elapsed().as_nanos() as u64, Ordering::Relaxed);
                }
            });
        }
    });
    black_box(counter.0.load(Ordering::Relaxed));
    let times = longest[1..]
        .iter()
        .map(|t| Duration::from_nanos(t.load(Ordering::Relaxed)))
        .collect();
    fast_quartile_rate(times, CONTENDED_OPS * CONTENDED_THREADS as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_probe_measures_positive_rates_and_the_scale_multiplies_them() {
        let p = measure(&|_| {}, None);
        assert_eq!(p.version, PROBE_VERSION);
        assert!(p.check("machine_probe").is_ok(), "{p:?}");
        assert!(p.scaled_by.is_none());
        let scaled = measure(&|_| {}, Some(1e-3));
        assert_eq!(scaled.scaled_by, Some(1e-3));
        // A thousandth of a real rate: far below any unscaled measurement.
        assert!(
            scaled.uncontended_mops < p.uncontended_mops / 10.0,
            "{scaled:?} vs {p:?}"
        );
    }

    #[test]
    fn impossible_probe_values_are_named_by_key() {
        let good = MachineProbe {
            version: 1,
            uncontended_mops: 300.0,
            contended_mops: 40.0,
            scaled_by: None,
        };
        assert!(good.check("p").is_ok());
        let cases = [
            (
                MachineProbe {
                    contended_mops: -1.0,
                    ..good
                },
                "p.contended_mops is -1; it must be above 0",
            ),
            (
                MachineProbe {
                    uncontended_mops: f64::NAN,
                    ..good
                },
                "p.uncontended_mops is NaN, not a finite number",
            ),
            (
                MachineProbe {
                    uncontended_mops: 0.0,
                    ..good
                },
                "p.uncontended_mops is 0; it must be above 0",
            ),
            (
                MachineProbe {
                    contended_mops: 1e9,
                    ..good
                },
                "p.contended_mops is 1e9, above the believable maximum",
            ),
            (
                MachineProbe {
                    scaled_by: Some(f64::INFINITY),
                    ..good
                },
                "p.scaled_by is inf",
            ),
            (MachineProbe { version: 0, ..good }, "p.version is 0"),
        ];
        for (p, want) in cases {
            let e = p.check("p").unwrap_err();
            assert!(e.contains(want), "{e:?} lacks {want:?}");
        }
    }
}
