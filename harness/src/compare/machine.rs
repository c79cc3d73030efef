//! Speed verdicts only between machines that ran at one speed: each run records a machine
//! probe (`recorder/probe.rs`); a comparison whose sides may come from different machines or
//! hours (a stored baseline, `compare A B`) gives a throughput verdict only when the sides'
//! probes agree within [`PROBE_BOUND`]. Otherwise the verdict is withheld and the output says
//! so first; behaviour (lost updates, totals) still gates. `ab`, which alternates both sides
//! on one machine, judges speed always ([`SpeedJudgement::SameMachine`]).

use super::finding::Finding;
use super::outcome::{Outcome, QuantityReason, QuantityResult};
use super::side::Side;
pub use super::speed_withheld::{MachineMismatch, PAIR_ADVICE};
use crate::recorder::MachineProbe;
use crate::store::RunSet;
use serde::Serialize;

/// Largest relative difference between the sides' machine probes (each loop separately) at
/// which speed is still judged.
///
/// Measured on the 2-vCPU reference VM while other builds kept it at load 5–7: five sessions
/// of `statbench run default --repeat 30` within 10 minutes, two of them beside a CPU-bound
/// busy loop. Per run, the probe spreads like the throughput (robust CV: uncontended 5–14%,
/// contended 7–8%, throughput 11–20%), and the uncontended loop is bimodal (≈870 or ≈440 M/s
/// when the vCPU's sibling is busy, in 17–30% of runs). Per side (upper quartile over runs, 15
/// vs 15 disjoint runs of one session, 3,000 draws): 99th percentile of |B/A − 1| 4.6–8.0%
/// uncontended, 4.9–16.4% contended (16.4% beside the busy loop), against 12.5–23.2% for the
/// throughput's ratio of medians. Between the five sessions the side probes moved at most
/// 4.3% (uncontended) and 9.2% (contended) while throughput moved −31% to +39%; the busy loop
/// cut throughput 24–31% and moved the probe by less than 7%. So ±15% keeps the recording
/// machine judging speed, and catches the machine differences seen across VMs and hours
/// (+30% to +140%); a smaller drift is left to `--min-effect`, and judged soundly only by the
/// paired gate.
pub const PROBE_BOUND: f64 = 0.15;

/// The largest speed ratio between two machines (or hours) that statbench attributes to the
/// machine when it cannot measure it (a side without a probe): unchanged code measured up to
/// +140% (×2.4) faster across VMs and hours. A throughput interval wholly below a third of the
/// baseline is a regression whatever the machines.
pub const MAX_MACHINE_FACTOR: f64 = 3.0;

/// The statistic of a side's per-run probes: its upper quartile. A run whose probe met a
/// transiently shared core (the slow mode above) is a minority a median can still flip to;
/// the upper quartile stays with the machine's usual speed, and moves when all runs do.
const SIDE_QUANTILE: f64 = 0.75;

/// How a comparison treats speed when its sides may have run on different machines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpeedJudgement {
    /// The sides may come from different machines or hours (a stored baseline, `compare A
    /// B`): judge speed only when both sides' machine probes agree within [`PROBE_BOUND`].
    #[default]
    WhenProbesAgree,
    /// Both sides were measured alternately on one machine in one session (`ab`): speed is
    /// always judged; the probes are shown for information.
    SameMachine,
}

/// One side's machine speed: each loop's upper quartile over the side's runs that carry a
/// probe ([`SIDE_QUANTILE`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SideProbe {
    /// Probe version (runs of another version on the side are not counted).
    pub version: u32,
    /// Uncontended loop, M updates/s.
    pub uncontended_mops: f64,
    /// Contended loop, M updates/s.
    pub contended_mops: f64,
    /// Runs that carried a probe of this version.
    pub runs: usize,
    /// Whether any of them was scaled by the test hook (`STATBENCH_PROBE_SCALE`).
    pub scaled: bool,
}

/// B's probe over A's, per loop.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ProbeRatio {
    /// Uncontended loop, B/A.
    pub uncontended: f64,
    /// Contended loop, B/A.
    pub contended: f64,
}

impl ProbeRatio {
    /// The loop furthest from agreement (on the log scale, so ×2 and ×½ weigh alike) and its
    /// ratio.
    pub fn worst(&self) -> (&'static str, f64) {
        if self.contended.ln().abs() > self.uncontended.ln().abs() {
            ("contended", self.contended)
        } else {
            ("uncontended", self.uncontended)
        }
    }
}

/// What a comparison knows of its sides' machines, and whether it judges speed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MachineCheck {
    /// The policy applied.
    pub policy: SpeedJudgement,
    /// Side A's probe, when its runs carry one.
    pub a: Option<SideProbe>,
    /// Side B's probe.
    pub b: Option<SideProbe>,
    /// B/A per loop, when both sides have probes of one version.
    pub ratio: Option<ProbeRatio>,
    /// The agreement bound (fraction).
    pub bound: f64,
    /// Whether throughput verdicts are given (false: withheld, the headline is inconclusive).
    pub speed_judged: bool,
    /// Why the machines cannot be shown to agree (`None`: they agree, the policy is
    /// `same_machine`, or there is no throughput to judge).
    pub mismatch: Option<MachineMismatch>,
}

/// Each probe loop's upper quartile over a side's runs, for the version of its first probed
/// run; `None` when no run carries a probe.
pub fn side_probe(set: &RunSet) -> Option<SideProbe> {
    let probes: Vec<&MachineProbe> = set.runs.iter().filter_map(|r| r.machine_probe()).collect();
    let version = probes.first()?.version;
    let same: Vec<&&MachineProbe> = probes.iter().filter(|p| p.version == version).collect();
    let quartile = |f: fn(&MachineProbe) -> f64| {
        let mut v: Vec<f64> = same.iter().map(|p| f(p)).collect();
        v.sort_by(f64::total_cmp);
        statbench_stats::quantile_sorted(&v, SIDE_QUANTILE)
    };
    Some(SideProbe {
        version,
        uncontended_mops: quartile(|p| p.uncontended_mops),
        contended_mops: quartile(|p| p.contended_mops),
        runs: same.len(),
        scaled: same.iter().any(|p| p.scaled_by.is_some()),
    })
}

/// The rule: compares the sides' probes and decides whether speed is judged. `has_throughput`:
/// whether there is a speed verdict to give at all (no note otherwise); `strict` judges speed
/// even across differing machines (the mismatch is still reported).
pub fn check(
    a: &RunSet,
    b: &RunSet,
    has_throughput: bool,
    policy: SpeedJudgement,
    strict: bool,
) -> MachineCheck {
    let (pa, pb) = (side_probe(a), side_probe(b));
    let ratio = match (pa, pb) {
        (Some(x), Some(y)) if x.version == y.version => Some(ProbeRatio {
            uncontended: y.uncontended_mops / x.uncontended_mops,
            contended: y.contended_mops / x.contended_mops,
        }),
        _ => None,
    };
    let mismatch = match (pa, pb, ratio) {
        _ if policy == SpeedJudgement::SameMachine || !has_throughput => None,
        (Some(x), Some(y), None) => Some(MachineMismatch::ProbeVersionsDiffer {
            a: x.version,
            b: y.version,
        }),
        (_, _, Some(r)) => {
            let (probe_loop, ratio) = r.worst();
            (ratio.ln().abs() > (1.0 + PROBE_BOUND).ln()).then(|| MachineMismatch::MachinesDiffer {
                probe_loop,
                ratio,
                bound: PROBE_BOUND,
                same_host: one_machine(a, b),
            })
        }
        _ => {
            let sides = [(Side::Base, &pa, a), (Side::Candidate, &pb, b)]
                .into_iter()
                .filter(|(_, p, _)| p.is_none())
                .map(|(side, _, set)| format!("{side} ({})", set.label))
                .collect();
            Some(MachineMismatch::NoProbe { sides })
        }
    };
    MachineCheck {
        policy,
        a: pa,
        b: pb,
        ratio,
        bound: PROBE_BOUND,
        speed_judged: mismatch.is_none() || strict,
        mismatch,
    }
}

/// Whether every run of both sides was recorded on one machine: the same host fingerprint (CPU
/// model, cores, OS) and the same host name (when the recorder noted one).
pub fn one_machine(a: &RunSet, b: &RunSet) -> bool {
    let host = |r: &crate::store::Run| match (&r.meta, &r.engine) {
        (Some(m), _) => Some((m.host.speed_fingerprint(), m.host.hostname.clone())),
        (None, Some(e)) => r
            .host_fingerprint()
            .map(|fingerprint| (fingerprint, e.host.hostname.clone())),
        (None, None) => None,
    };
    let mut hosts = a.runs.iter().chain(&b.runs).map(host);
    match hosts.next() {
        Some(Some(first)) => hosts.all(|h| h.as_ref() == Some(&first)),
        _ => false,
    }
}

impl MachineCheck {
    /// The check of a comparison whose sides ran alternately in one session on this machine:
    /// nothing to compare, speed judged.
    pub fn same_machine() -> MachineCheck {
        MachineCheck {
            policy: SpeedJudgement::SameMachine,
            a: None,
            b: None,
            ratio: None,
            bound: PROBE_BOUND,
            speed_judged: true,
            mismatch: None,
        }
    }

    /// The slowest B/A speed ratio the machines' difference can explain: the probes' lower
    /// loop ratio less the bound, or `1 / MAX_MACHINE_FACTOR` when a side has no (comparable)
    /// probe.
    pub fn slowest_explained(&self) -> f64 {
        match self.ratio {
            Some(r) => r.uncontended.min(r.contended).min(1.0) * (1.0 - self.bound),
            None => 1.0 / MAX_MACHINE_FACTOR,
        }
    }

    /// The headline with its verdict withheld when speed is not judged: inconclusive, the
    /// reason naming the mismatch (ratio and interval stay visible, as figures) — unless it is
    /// a regression whose whole interval lies beyond what the machines' difference can explain
    /// (by more than `min_effect`): that is the code, and it is judged.
    pub fn withhold(
        &self,
        headline: Option<QuantityResult>,
        min_effect: f64,
    ) -> Option<QuantityResult> {
        let mut h = headline?;
        if let (false, Some(m)) = (self.speed_judged, &self.mismatch) {
            let explained = self.slowest_explained();
            let beyond = h.outcome == Outcome::Regression
                && h.ci
                    .is_some_and(|(_, hi)| hi < explained * (1.0 - min_effect));
            if beyond {
                h.reason = QuantityReason::BeyondMachine {
                    mismatch: m.clone(),
                    explained,
                };
                return Some(h);
            }
            h.outcome = Outcome::Inconclusive;
            h.reason = QuantityReason::SpeedNotJudged(m.clone());
            h.needed_runs = None;
            h.needed_samples = None;
        }
        Some(h)
    }

    /// The finding the gate lists (a warning), when the machines cannot be shown to agree.
    pub fn finding(&self) -> Option<Finding> {
        self.mismatch
            .clone()
            .map(|mismatch| Finding::MachineMismatch {
                mismatch,
                speed_judged: self.speed_judged,
            })
    }

    /// The line every human-readable rendering starts with when the machines differ.
    pub fn note(&self) -> Option<String> {
        self.finding().map(|f| format!("NOTE: {f}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recorder::{IntervalThroughput, RunMeta};

    /// A side of `runs` runs whose probes are `(uncontended, contended)`, `None`: no probe.
    fn side(label: &str, probes: &[Option<(f64, f64)>]) -> RunSet {
        let template: RunMeta =
            serde_json::from_str(include_str!("../../tests/fixtures/run.json")).unwrap();
        let runs = probes
            .iter()
            .enumerate()
            .map(|(k, probe)| {
                let mut meta = template.clone();
                meta.intervals = vec![IntervalThroughput {
                    sample: 1,
                    duration_ns: 1,
                    ops: 1,
                    ops_per_sec: 1.0,
                }];
                meta.machine_probe = probe.map(|(u, c)| MachineProbe {
                    version: 1,
                    uncontended_mops: u,
                    contended_mops: c,
                    scaled_by: None,
                });
                let mut run = super::super::fixtures::run(&format!("{label}/r{}", k + 1), &[]);
                run.meta = Some(meta);
                run
            })
            .collect();
        RunSet {
            label: label.into(),
            runs,
        }
    }

    fn same(n: usize, u: f64, c: f64) -> Vec<Option<(f64, f64)>> {
        vec![Some((u, c)); n]
    }

    #[test]
    fn the_side_probe_is_the_upper_quartile_over_runs_with_a_probe() {
        let s = side(
            "a",
            &[
                Some((100.0, 10.0)),
                Some((300.0, 30.0)),
                None,
                Some((200.0, 90.0)),
            ],
        );
        let p = side_probe(&s).unwrap();
        assert_eq!(
            (p.uncontended_mops, p.contended_mops, p.runs),
            (250.0, 60.0, 3)
        );
        // A minority of runs in a slow state does not move it; all runs slower do.
        let mostly = [Some((870.0, 280.0)); 3]
            .into_iter()
            .chain([Some((440.0, 280.0)); 2]);
        let p = side_probe(&side("m", &mostly.collect::<Vec<_>>())).unwrap();
        assert_eq!(p.uncontended_mops, 870.0);
        assert!(side_probe(&side("bare", &[None, None])).is_none());
    }

    #[test]
    fn agreeing_probes_judge_speed_and_differing_ones_withhold_it() {
        let a = side("a", &same(5, 800.0, 100.0));
        let within = 1.0 + PROBE_BOUND * 0.9;
        let b = side("b", &same(5, 800.0 * within, 100.0 / within));
        let c = check(&a, &b, true, SpeedJudgement::WhenProbesAgree, false);
        assert!(c.speed_judged && c.mismatch.is_none(), "{c:?}");
        let r = c.ratio.unwrap();
        assert!((r.uncontended - within).abs() < 1e-12);

        // Faster (B 1.5×) and slower (B 0.6×) machines: not judged, the worst loop named.
        for (factor, shown) in [(1.5, "+50.0%"), (0.6, "-40.0%")] {
            let b = side("b", &same(5, 800.0, 100.0 * factor));
            let c = check(&a, &b, true, SpeedJudgement::WhenProbesAgree, false);
            assert!(!c.speed_judged);
            match &c.mismatch {
                Some(MachineMismatch::MachinesDiffer {
                    probe_loop, ratio, ..
                }) => {
                    assert_eq!(*probe_loop, "contended");
                    assert!((ratio - factor).abs() < 1e-12);
                }
                other => panic!("{other:?}"),
            }
            // Both sides' runs name one host: it is that machine's speed that moved.
            let note = c.note().unwrap();
            assert!(
                note.starts_with(&format!(
                    "NOTE: this machine's speed moved by {shown} between these runs (machine probe"
                )) && note.ends_with(
                    "speed not judged (behaviour still gates): pair the builds instead \
                     (statbench gate, or gate --base REV)"
                ),
                "{note}"
            );
            // --strict judges anyway and says so; ab's policy does not even ask.
            let strict = check(&a, &b, true, SpeedJudgement::WhenProbesAgree, true);
            assert!(strict.speed_judged);
            assert!(strict
                .note()
                .unwrap()
                .ends_with("speed judged anyway (--strict)"));
            let ab = check(&a, &b, true, SpeedJudgement::SameMachine, false);
            assert!(ab.speed_judged && ab.note().is_none() && ab.ratio.is_some());
        }
    }

    #[test]
    fn the_note_says_whether_one_machine_moved_or_two_machines_differ() {
        let a = side("a", &same(3, 800.0, 100.0));
        let b = side("b", &same(3, 800.0, 157.0));
        let one = check(&a, &b, true, SpeedJudgement::WhenProbesAgree, false);
        assert!(one_machine(&a, &b));
        assert_eq!(
            one.note().unwrap(),
            "NOTE: this machine's speed moved by +57.0% between these runs (machine probe, \
             contended loop, B vs A; bound ±15%); speed not judged (behaviour still gates): pair \
             the builds instead (statbench gate, or gate --base REV)"
        );
        // Another host name, or another CPU: two machines.
        for change in [
            (|h: &mut crate::recorder::Host| h.hostname = "other-runner".into())
                as fn(&mut crate::recorder::Host),
            |h| h.cpu_model = "Other CPU".into(),
        ] {
            let mut other = b.clone();
            for r in &mut other.runs {
                change(&mut r.meta.as_mut().unwrap().host);
            }
            assert!(!one_machine(&a, &other));
            let two = check(&a, &other, true, SpeedJudgement::WhenProbesAgree, false);
            assert_eq!(
                two.note().unwrap(),
                "NOTE: the machines differ by +57.0% (machine probe, contended loop, B vs A; \
                 bound ±15%); speed not judged (behaviour still gates): pair the builds instead \
                 (statbench gate, or gate --base REV)"
            );
        }
        // A side without run.json names no machine.
        let mut bare = b.clone();
        bare.runs[0].meta = None;
        assert!(!one_machine(&a, &bare));
    }

    #[test]
    fn a_side_without_probe_or_of_another_version_withholds_speed() {
        let a = side("baseline default", &[None, None]);
        let b = side("runs/x", &same(3, 800.0, 100.0));
        let c = check(&a, &b, true, SpeedJudgement::WhenProbesAgree, false);
        assert!(!c.speed_judged);
        assert_eq!(
            c.mismatch,
            Some(MachineMismatch::NoProbe {
                sides: vec!["A (baseline default)".into()]
            })
        );
        assert!(c
            .note()
            .unwrap()
            .starts_with("NOTE: no machine probe in A (baseline default)"));
        // Without throughput there is no speed verdict to withhold: no note.
        let c = check(&a, &b, false, SpeedJudgement::WhenProbesAgree, false);
        assert!(c.note().is_none());

        let mut v2 = side("b", &same(3, 800.0, 100.0));
        for r in &mut v2.runs {
            r.meta
                .as_mut()
                .unwrap()
                .machine_probe
                .as_mut()
                .unwrap()
                .version = 2;
        }
        let c = check(&b, &v2, true, SpeedJudgement::WhenProbesAgree, false);
        assert_eq!(
            c.mismatch,
            Some(MachineMismatch::ProbeVersionsDiffer { a: 1, b: 2 })
        );
    }

    #[test]
    fn a_withheld_headline_is_inconclusive_and_says_why() {
        let a = side("a", &same(3, 800.0, 100.0));
        let b = side("b", &same(3, 800.0, 200.0));
        let c = check(&a, &b, true, SpeedJudgement::WhenProbesAgree, false);
        let h = QuantityResult {
            name: "throughput".into(),
            index: None,
            quantity: super::super::quantity::Quantity::Throughput,
            deprecated: false,
            a: statbench_stats::Describe {
                n: 1,
                median: 1.0,
                mean: 1.0,
                p95: 1.0,
                std_dev: 0.0,
            },
            b: statbench_stats::Describe {
                n: 1,
                median: 2.0,
                mean: 2.0,
                p95: 2.0,
                std_dev: 0.0,
            },
            ratio: Some(2.0),
            ci: Some((1.9, 2.1)),
            p_value: Some(1e-6),
            p_values: None,
            method: None,
            p_adjusted: Some(1e-6),
            outcome: Outcome::Improvement,
            reason: QuantityReason::ZeroBaseline,
            needed_samples: None,
            needed_runs: Some(4),
            samples_a: Vec::new(),
            samples_b: Vec::new(),
            rule: None,
            analysis: None,
        };
        let w = c.withhold(Some(h.clone()), 0.03).unwrap();
        assert_eq!(w.outcome, Outcome::Inconclusive);
        assert!(matches!(
            w.reason,
            QuantityReason::SpeedNotJudged(MachineMismatch::MachinesDiffer { ratio, .. }) if (ratio - 2.0).abs() < 1e-9
        ));
        assert!(w
            .reason
            .to_string()
            .starts_with("speed not judged: this machine's speed moved by +100.0%"));
        assert_eq!((w.ratio, w.needed_runs), (Some(2.0), None));
        // Judged: untouched.
        let ok = check(&a, &a, true, SpeedJudgement::WhenProbesAgree, false);
        assert_eq!(
            ok.withhold(Some(h.clone()), 0.03).unwrap().outcome,
            Outcome::Improvement
        );
        // B's contended loop runs twice as fast, its uncontended one alike: the machines explain
        // a slowdown to at most 1.0 × (1 − 0.15) = 0.85 of A. A regression to 0.5 lies beyond
        // that and is judged; one to 0.84 (its interval reaching 0.86) is not.
        assert!(
            (c.slowest_explained() - 0.85).abs() < 1e-9,
            "{}",
            c.slowest_explained()
        );
        let slower = |ratio: f64| QuantityResult {
            ratio: Some(ratio),
            ci: Some((ratio - 0.02, ratio + 0.02)),
            outcome: Outcome::Regression,
            ..h.clone()
        };
        let judged = c.withhold(Some(slower(0.5)), 0.03).unwrap();
        assert_eq!(judged.outcome, Outcome::Regression);
        assert!(matches!(
            judged.reason,
            QuantityReason::BeyondMachine { .. }
        ));
        let withheld = c.withhold(Some(slower(0.84)), 0.03).unwrap();
        assert_eq!(withheld.outcome, Outcome::Inconclusive);
        // Without probes a third of the speed is what the machine may explain.
        let bare = side("x", &[None, None, None]);
        let none = check(&bare, &bare, true, SpeedJudgement::WhenProbesAgree, false);
        assert!((none.slowest_explained() - 1.0 / MAX_MACHINE_FACTOR).abs() < 1e-12);
        let w = none.withhold(Some(slower(1.0 / 13.0)), 0.03).unwrap();
        assert_eq!(w.outcome, Outcome::Regression, "13× slower is judged");
        let w = none.withhold(Some(slower(0.5)), 0.03).unwrap();
        assert_eq!(w.outcome, Outcome::Inconclusive);
    }
}
