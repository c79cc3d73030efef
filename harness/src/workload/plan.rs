//! The plan of a run: the pool of pre-generated lives, which life runs which tape, and the
//! expected final value of every counter.

use super::housekeeping::{tick_updates, LIVES_PER_TICK};
use super::peer::{generate_life, EventPicker};
use super::tape::{Effect, OpCode, Update};
use crate::rng::{mix, SplitMix64};
use crate::scenario::{Budget, Scenario};
use session_stats::{DERIVED_SLOTS, NUM_METRICS};

/// Everything the swarm replays, generated before the clock starts.
#[derive(Debug)]
pub struct Plan {
    seed: u64,
    tapes: Vec<Box<[Update]>>,
    effects: Vec<Effect>,
    /// In operation-budget mode, exactly this many lives run (lives `0..n`).
    pub life_limit: Option<u64>,
}

impl Plan {
    /// Generates the pool of `distinct_lives` tapes from the scenario's seed.
    pub fn new(scenario: &Scenario) -> Plan {
        let picker = EventPicker::new(scenario.mix());
        let tapes: Vec<Box<[Update]>> = (0..scenario.distinct_lives() as u64)
            .map(|t| {
                let mut rng = SplitMix64::for_item(scenario.seed(), t);
                let mut out = Vec::new();
                generate_life(&mut rng, scenario.peer(), &picker, &mut out);
                out.into_boxed_slice()
            })
            .collect();
        let effects = tapes.iter().map(|t| Effect::of(t)).collect();
        let mut plan = Plan {
            seed: scenario.seed(),
            tapes,
            effects,
            life_limit: None,
        };
        if let Budget::Operations(ops) = scenario.budget() {
            plan.life_limit = Some(plan.lives_for_operations(ops));
        }
        plan
    }

    /// The workload fingerprint: 16 hex digits of a hash over what the swarm replays — every
    /// tape's updates in order, which tape each of the first lives runs, the housekeeping ticks
    /// and the expected totals at several points — so any change to what a scenario's runs do
    /// per unit of work changes it, without anyone having to remember to bump a number.
    pub fn fingerprint(&self) -> String {
        let mut h = crate::scenario::Fnv1a64::default();
        h.write_u64(self.tapes.len() as u64);
        for tape in &self.tapes {
            h.write_u64(tape.len() as u64);
            for u in tape.iter() {
                h.write(&[u.op as u8, u.idx]);
                h.write(&u.value.to_le_bytes());
            }
        }
        const LIVES: u64 = 4096;
        for life in 0..LIVES {
            h.write_u64(self.tape_index(life) as u64);
        }
        h.write_u64(LIVES_PER_TICK);
        let mut ticks = Vec::new();
        for k in 0..self.ticks_for(LIVES) {
            ticks.clear();
            self.tick(k, &mut ticks);
            for u in &ticks {
                h.write(&[u.op as u8, u.idx]);
                h.write(&u.value.to_le_bytes());
            }
        }
        for lives in [1, 100, LIVES] {
            for diagnostics in [false, true] {
                for v in self.expected(lives, diagnostics) {
                    h.write(&v.to_le_bytes());
                }
            }
        }
        format!("{:016x}", h.finish())
    }

    /// Which tape life `life` replays: a hash of (seed, life), so the sequence is fixed.
    #[inline]
    pub(crate) fn tape_index(&self, life: u64) -> usize {
        (mix(self.seed ^ mix(life)) % self.tapes.len() as u64) as usize
    }

    /// The updates of life `life`.
    #[inline]
    pub(crate) fn tape(&self, life: u64) -> &[Update] {
        &self.tapes[self.tape_index(life)]
    }

    /// Smallest number of lives whose updates reach `ops` (at least one life).
    fn lives_for_operations(&self, ops: u64) -> u64 {
        let mut total = 0u64;
        let mut lives = 0u64;
        while total < ops {
            total += self.tape(lives).len() as u64;
            lives += 1;
            total += ticks_due(lives) - ticks_due(lives - 1);
        }
        lives.max(1)
    }

    /// Housekeeping ticks that follow from `lives` completed lives.
    pub(crate) fn ticks_for(&self, lives: u64) -> u64 {
        ticks_due(lives)
    }

    /// Appends the updates of tick `k`.
    pub(crate) fn tick(&self, k: u64, out: &mut Vec<Update>) {
        tick_updates(self.seed, k, out);
    }

    /// Expected final counters after lives `0..lives` and their housekeeping ticks.
    ///
    /// Peer tapes only `inc` (counters and delta gauges) and `set_max_diag` (high-water gauges);
    /// ticks `set` level gauges no tape touches, in order, so the result does not depend on
    /// thread interleaving.
    pub fn expected(&self, lives: u64, diagnostics: bool) -> Vec<i64> {
        let mut counts = vec![0u64; self.tapes.len()];
        for life in 0..lives {
            counts[self.tape_index(life)] += 1;
        }
        let mut want = vec![0i64; NUM_METRICS];
        let mut max = vec![i64::MIN; NUM_METRICS];
        for (effect, &n) in self.effects.iter().zip(&counts) {
            if n == 0 {
                continue;
            }
            for i in 0..NUM_METRICS {
                want[i] += effect.inc[i] * n as i64;
                if diagnostics {
                    want[i] += effect.inc_diag[i] * n as i64;
                    max[i] = max[i].max(effect.max_diag[i]);
                }
            }
        }
        for i in 0..NUM_METRICS {
            if max[i] != i64::MIN {
                want[i] = want[i].max(max[i]);
            }
        }
        let mut updates = Vec::new();
        for k in 0..self.ticks_for(lives) {
            updates.clear();
            self.tick(k, &mut updates);
            for u in &updates {
                let (i, v) = (u.idx as usize, i64::from(u.value));
                match u.op {
                    OpCode::Inc => want[i] += v,
                    OpCode::IncDiag if diagnostics => want[i] += v,
                    OpCode::Set => want[i] = v,
                    OpCode::SetMaxDiag if diagnostics => want[i] = want[i].max(v),
                    _ => {}
                }
            }
        }
        want
    }
}

fn ticks_due(lives: u64) -> u64 {
    lives / LIVES_PER_TICK
}

/// Metrics whose final value differs from the expectation: `(index, expected, actual)`.
pub(crate) fn mismatches(expected: &[i64], actual: &[i64]) -> Vec<(usize, i64, i64)> {
    expected
        .iter()
        .zip(actual)
        .enumerate()
        .filter(|(i, (e, a))| !DERIVED_SLOTS.contains(i) && e != a)
        .map(|(i, (e, a))| (i, *e, *a))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use session_stats::{metric, GaugeKind, SlotKind};
    use std::path::Path;

    /// Whether the swarm may make update `op` on a slot of kind `kind`, by the registry's rules:
    /// counters and delta gauges move by `inc`, levels are `set` by housekeeping, high-water
    /// gauges rise by `set_max`.
    fn allowed(op: OpCode, kind: SlotKind) -> bool {
        match op {
            OpCode::Inc | OpCode::IncDiag => kind.is_additive(),
            OpCode::Set => kind == SlotKind::Gauge(GaugeKind::Level),
            OpCode::SetMaxDiag => kind == SlotKind::Gauge(GaugeKind::HighWater),
        }
    }

    #[test]
    fn swarm_traffic_follows_the_registry_gauge_kinds_in_every_shipped_scenario() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
        let mut scenarios = 0;
        let mut seen = [false; NUM_METRICS];
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if !path.extension().is_some_and(|e| e == "toml") {
                continue;
            }
            let plan = Plan::new(&Scenario::load(&path).unwrap());
            let mut ticks = Vec::new();
            for k in 0..100 {
                plan.tick(k, &mut ticks);
            }
            for u in plan.tapes.iter().flat_map(|t| t.iter()).chain(&ticks) {
                let m = metric(u.idx as usize).unwrap();
                assert!(
                    allowed(u.op, m.slot_kind()),
                    "{}: {:?} on {} ({:?})",
                    path.display(),
                    u.op,
                    m.name,
                    m.slot_kind()
                );
                seen[m.index] = true;
            }
            scenarios += 1;
        }
        assert!(scenarios >= 5);
        // Every gauge is exercised by some scenario, except the three the snapshot derives.
        for m in session_stats::session_stats_metrics() {
            if m.gauge.is_some() && !DERIVED_SLOTS.contains(&m.index) {
                assert!(seen[m.index], "no scenario moves gauge {}", m.name);
            }
        }
    }

    /// The workload fingerprint of every shipped scenario, pinned: a change to what the swarm
    /// does per unit of work (tapes, life order, housekeeping, expected totals) fails here, so
    /// it is made knowingly — and the committed baselines re-recorded (see
    /// `cli::gate::tests::every_committed_baseline_is_of_this_builds_workload`).
    const PINNED_FINGERPRINTS: [(&str, &str); 6] = [
        ("churn", "3974387e2e71ba7f"),
        ("default", "4a00fcb4713d0632"),
        ("dht-heavy", "cdceb21ad2654069"),
        ("diagnostics", "4a00fcb4713d0632"),
        ("quick", "7b93b4a3e74af124"),
        ("seeding-heavy", "f6da80c35ce85079"),
    ];

    #[test]
    fn shipped_scenarios_keep_their_workload_fingerprints() {
        let mut now = Vec::new();
        for (name, _) in crate::scenario::builtin::BUILTIN {
            let s = Scenario::find(name, &crate::scenario::Overrides::default()).unwrap();
            now.push((name, Plan::new(&s).fingerprint()));
        }
        let pinned: Vec<(&str, String)> = PINNED_FINGERPRINTS
            .iter()
            .map(|(n, f)| (*n, f.to_string()))
            .collect();
        assert_eq!(
            now, pinned,
            "the swarm's workload changed: update PINNED_FINGERPRINTS and re-record baselines/"
        );
    }

    #[test]
    fn the_fingerprint_follows_the_workload_not_the_run_shape() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/default.toml");
        let base = Scenario::load(&path).unwrap();
        let f = |o: crate::scenario::Overrides| Plan::new(&base.with(&o).unwrap()).fingerprint();
        let same = f(Default::default());
        assert_eq!(same, Plan::new(&base).fingerprint(), "deterministic");
        assert_eq!(same.len(), 16);
        // Threads, peers, the run length and the layout do not change what a life does.
        for o in [
            crate::scenario::Overrides {
                threads: Some(1),
                peers: Some(8),
                duration_ms: Some(100),
                ..Default::default()
            },
            crate::scenario::Overrides {
                layout: crate::scenario::SinkKind::from_name("sharded"),
                ..Default::default()
            },
        ] {
            assert_eq!(f(o), same);
        }
        // Another seed replays other lives: another workload.
        let other = f(crate::scenario::Overrides {
            seed: Some(2),
            ..Default::default()
        });
        assert_ne!(other, same);
    }

    #[test]
    fn connection_gauges_return_to_zero_and_candidates_follow_pex() {
        // Every life lowers what it raised; only the candidate list keeps what PEX taught it.
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/default.toml");
        let plan = Plan::new(&Scenario::load(&path).unwrap());
        let lives = 4_096;
        let want = plan.expected(lives, true);
        for m in session_stats::session_stats_metrics() {
            if m.gauge == Some(GaugeKind::Delta) {
                let v = want[m.index];
                match m.index {
                    session_stats::PEER_PEERS_AVAILABLE => assert!(v > 0, "{}: {v}", m.name),
                    session_stats::PEER_NUM_BANNED => assert!(v >= 0, "{}: {v}", m.name),
                    _ => assert_eq!(v, 0, "{}", m.name),
                }
            }
        }
    }
}
