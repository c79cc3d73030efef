//! The hot loop: worker threads of a rayon pool replay peer-life tapes into a sink.
//!
//! Each worker keeps `peers / threads` lives in flight and advances them round-robin in small
//! chunks, so updates from many peers interleave as in an engine. Claiming a life is one shared
//! `fetch_add` per life (thousands of updates), and progress is published to a per-worker,
//! cache-padded slot: the harness adds no contention of its own to what it measures.

use super::plan::Plan;
use super::tape::Update;
use crossbeam_utils::CachePadded;
use rayon::ThreadPool;
use session_stats::{Counters, Update as Updater};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

/// Updates replayed from one life before moving on to the next life in flight.
const CHUNK: usize = 16;

/// A swarm bound to a plan; shared by the workers and the sampler.
#[derive(Debug)]
pub struct Swarm<'p> {
    plan: &'p Plan,
    threads: usize,
    peers: usize,
    extra_work: u32,
    stop: AtomicBool,
    next_life: AtomicU64,
    ticks_done: AtomicU64,
    progress: Box<[CachePadded<AtomicU64>]>,
}

/// What a finished swarm did: enough to recompute the expected totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SwarmOutcome {
    /// Lives replayed completely (lives `0..lives`).
    pub lives: u64,
    /// Counter updates applied.
    pub ops: u64,
}

impl<'p> Swarm<'p> {
    /// A swarm of `peers` concurrent peers on `threads` workers; `extra_work` cancelling update
    /// pairs per 1000 updates are added (the injected slowdown, see [`ExtraWork`]).
    pub fn new(plan: &'p Plan, threads: usize, peers: usize, extra_work: u32) -> Swarm<'p> {
        Swarm {
            plan,
            threads,
            peers: peers.max(threads),
            extra_work,
            stop: AtomicBool::new(false),
            next_life: AtomicU64::new(0),
            ticks_done: AtomicU64::new(0),
            progress: (0..threads)
                .map(|_| CachePadded::new(AtomicU64::new(0)))
                .collect(),
        }
    }

    /// Asks workers to start no new lives; lives in flight still finish, so totals stay exact.
    pub fn stop(&self) {
        self.stop.store(true, Relaxed);
    }

    /// Updates applied so far (approximate while running: each worker publishes per round).
    pub fn ops_so_far(&self) -> u64 {
        self.progress.iter().map(|p| p.load(Relaxed)).sum()
    }

    /// Runs every worker on `pool` until the budget is spent or [`stop`](Self::stop) is called,
    /// then applies the housekeeping ticks still due.
    pub fn run<S: Counters>(&self, pool: &ThreadPool, sink: &S) -> SwarmOutcome {
        pool.broadcast(|ctx| {
            if ctx.index() < self.threads {
                self.worker(ctx.index(), &sink.writer());
            }
        });
        let lives = self.lives_claimed();
        // Ticks still due run here, after every worker has joined: still one writer at a time.
        let mut buf = Vec::new();
        let mut extra_ops = 0;
        let writer = sink.writer();
        for k in self.ticks_done.load(Relaxed)..self.plan.ticks_for(lives) {
            buf.clear();
            self.plan.tick(k, &mut buf);
            replay(&writer, &buf, &mut ExtraWork::new(self.extra_work));
            extra_ops += buf.len() as u64;
        }
        drop(writer);
        self.ticks_done.store(self.plan.ticks_for(lives), Relaxed);
        self.progress[0].fetch_add(extra_ops, Relaxed);
        SwarmOutcome {
            lives,
            ops: self.ops_so_far(),
        }
    }

    fn lives_claimed(&self) -> u64 {
        let claimed = self.next_life.load(Relaxed);
        self.plan
            .life_limit
            .map_or(claimed, |limit| claimed.min(limit))
    }

    /// Every claimed life is replayed to its end; only claiming stops. A worker's first claim
    /// ignores the stop, so a run always does some work: on an overloaded machine the time
    /// budget can pass before a worker is first scheduled, and a run of no updates has no
    /// throughput to record.
    fn claim(&self, first: bool) -> Option<u64> {
        if self.stop.load(Relaxed) && !first {
            return None;
        }
        let life = self.next_life.fetch_add(1, Relaxed);
        match self.plan.life_limit {
            Some(limit) if life >= limit => None,
            _ => Some(life),
        }
    }

    fn worker<U: Updater>(&self, w: usize, sink: &U) {
        let in_flight = self.peers / self.threads + usize::from(w < self.peers % self.threads);
        let mut active: Vec<(&[Update], usize)> = Vec::with_capacity(in_flight);
        let mut ops = 0u64;
        let mut tick_buf = Vec::new();
        let mut extra = ExtraWork::new(self.extra_work);
        let mut exhausted = false;
        let mut first_claim = true;
        loop {
            while !exhausted && active.len() < in_flight {
                match self.claim(first_claim) {
                    Some(life) => {
                        first_claim = false;
                        active.push((self.plan.tape(life), 0));
                    }
                    None => exhausted = true,
                }
            }
            if active.is_empty() {
                break;
            }
            let mut i = 0;
            while i < active.len() {
                let (tape, pos) = active[i];
                let end = (pos + CHUNK).min(tape.len());
                replay(sink, &tape[pos..end], &mut extra);
                ops += (end - pos) as u64;
                if end == tape.len() {
                    active.swap_remove(i);
                } else {
                    active[i].1 = end;
                    i += 1;
                }
            }
            if w == 0 {
                ops += self.tick_if_due(sink, &mut tick_buf);
            }
            self.progress[w].store(ops, Relaxed);
        }
    }

    /// Worker 0 applies the housekeeping ticks that the lives claimed so far make due.
    fn tick_if_due<U: Updater>(&self, sink: &U, buf: &mut Vec<Update>) -> u64 {
        let due = self.plan.ticks_for(self.lives_claimed());
        let done = self.ticks_done.load(Relaxed);
        if done >= due {
            return 0;
        }
        buf.clear();
        self.plan.tick(done, buf);
        replay(sink, buf, &mut ExtraWork::new(self.extra_work));
        self.ticks_done.store(done + 1, Relaxed);
        buf.len() as u64
    }
}

/// The injected slowdown: extra pairs of updates (`+v` then `-v` on the same counter, so totals
/// stay exact) per 1000 scheduled updates. It adds real counter work, contention included,
/// unlike idle spinning, which would *relieve* contention and hide the slowdown.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExtraWork {
    per_mille: u32,
    acc: u32,
}

impl ExtraWork {
    /// `per_mille` extra update pairs per 1000 updates.
    pub fn new(per_mille: u32) -> ExtraWork {
        ExtraWork { per_mille, acc: 0 }
    }
}

#[inline(always)]
fn replay<U: Updater>(sink: &U, updates: &[Update], extra: &mut ExtraWork) {
    // Runs of plain updates up to the next one that earns a cancelling pair: the knob costs in
    // proportion to its pairs, with no per-update bookkeeping (which alone cost ≈2.5 % here).
    // One loop for every knob, 0 included: a loop of its own for 0 was laid out differently and,
    // where the updates ran uncontended (beside a busy thread), ran ≈8 % faster than the same
    // updates here, so knob 10 measured 0 % on a quiet machine and 9 % beside a busy thread.
    let mut rest = updates;
    while !rest.is_empty() {
        let need = if extra.per_mille == 0 {
            usize::MAX
        } else {
            (1000 - extra.acc).div_ceil(extra.per_mille) as usize
        };
        let (head, tail) = rest.split_at(need.min(rest.len()));
        for u in head {
            u.apply(sink);
        }
        extra.acc += extra.per_mille * head.len() as u32;
        if head.len() == need {
            let last = &head[need - 1];
            while extra.acc >= 1000 {
                extra.acc -= 1000;
                last.apply_cancelling_pair(sink);
            }
        }
        rest = tail;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::tape::OpCode;
    use std::cell::Cell;

    /// Counts calls: (plain updates seen at index 0, all calls).
    #[derive(Default)]
    struct Counting {
        calls: Cell<u64>,
    }

    impl Updater for Counting {
        fn inc(&self, _: usize, _: i64) {
            self.calls.set(self.calls.get() + 1);
        }
        fn diagnostics_enabled(&self) -> bool {
            true
        }
        fn inc_diag(&self, _: usize, _: i64) {
            self.calls.set(self.calls.get() + 1);
        }
        fn set(&self, _: usize, _: i64) {
            self.calls.set(self.calls.get() + 1);
        }
        fn set_max(&self, _: usize, _: i64) {
            self.calls.set(self.calls.get() + 1);
        }
        fn set_max_diag(&self, _: usize, _: i64) {
            self.calls.set(self.calls.get() + 1);
        }
    }

    /// The rule the run-wise replay must keep: after every update the accumulator gains the
    /// knob, and each full 1000 earns one cancelling pair (two calls) right after that update.
    fn reference(per_mille: u32, chunks: &[usize]) -> u64 {
        let (mut acc, mut calls) = (0u32, 0u64);
        for &len in chunks {
            for _ in 0..len {
                calls += 1;
                acc += per_mille;
                while acc >= 1000 {
                    acc -= 1000;
                    calls += 2;
                }
            }
        }
        calls
    }

    #[test]
    fn extra_work_earns_its_pairs_exactly_whatever_the_chunking() {
        let u = Update {
            op: OpCode::Inc,
            idx: 0,
            value: 1,
        };
        let tape = vec![u; 5000];
        for per_mille in [0, 1, 5, 7, 10, 26, 333, 999, 1000, 1001, 2500, 100_000] {
            for chunks in [
                vec![5000],
                vec![16; 300],
                vec![1, 2, 3, 999, 7, 13, 1000, 1],
            ] {
                let sink = Counting::default();
                let mut extra = ExtraWork::new(per_mille);
                for &len in &chunks {
                    replay(&sink, &tape[..len], &mut extra);
                }
                assert_eq!(
                    sink.calls.get(),
                    reference(per_mille, &chunks),
                    "per_mille {per_mille}, chunks {chunks:?}"
                );
            }
        }
    }
}
