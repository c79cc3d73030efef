//! Synthetic paired data for the tests of every part of the paired analysis.

use crate::rng::SplitMix64;
use crate::rule::Verdict;
use crate::verdict::Settings;

/// Standard normal by Box–Muller.
pub(super) fn std_normal(rng: &mut SplitMix64) -> f64 {
    rng.next_normal()
}

/// Synthetic paired measurements. `n_blocks` ABBA blocks of 4 measurements (2 pairs); each
/// block's order is A,B,B,A or B,A,A,B with probability ½ (the randomised design).
/// Measurement `t` (0..4·n_blocks) of side X is
/// `100 · drift(t) · (1 + shift if X = B) · exp(noise · z_t)`, `z_t ~ N(0, 1)` independent.
/// `drift(t) = exp(g(t))`: for even seeds `g` is a sine of amplitude `amp` over the whole
/// sequence (one period, random phase); for odd seeds a Gaussian random walk rescaled so
/// that its largest excursion is `amp`. Pairs are (first A, first B) and (second A,
/// second B) of each block.
pub(super) fn simulate(
    seed: u64,
    n_blocks: usize,
    shift: f64,
    noise: f64,
    amp: f64,
) -> Vec<Vec<(f64, f64)>> {
    let mut rng = SplitMix64::new(seed.wrapping_mul(0x9E37_79B9) ^ 0xA5A5);
    let len = 4 * n_blocks;
    let g: Vec<f64> = if seed % 2 == 0 {
        let phase = rng.next_f64() * 2.0 * std::f64::consts::PI;
        (0..len)
            .map(|t| amp * (2.0 * std::f64::consts::PI * t as f64 / len as f64 + phase).sin())
            .collect()
    } else {
        let mut x = 0.0;
        let walk: Vec<f64> = (0..len)
            .map(|_| {
                x += std_normal(&mut rng);
                x
            })
            .collect();
        let top = walk.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-12);
        walk.iter().map(|v| amp * v / top).collect()
    };
    let measure = |t: usize, is_b: bool, rng: &mut SplitMix64| {
        let level = 100.0 * g[t].exp() * if is_b { 1.0 + shift } else { 1.0 };
        level * (noise * std_normal(rng)).exp()
    };
    (0..n_blocks)
        .map(|k| {
            let t = 4 * k;
            if rng.chance(0.5) {
                // A B B A
                let (a1, b1) = (measure(t, false, &mut rng), measure(t + 1, true, &mut rng));
                let (b2, a2) = (
                    measure(t + 2, true, &mut rng),
                    measure(t + 3, false, &mut rng),
                );
                vec![(a1, b1), (a2, b2)]
            } else {
                // B A A B
                let (b1, a1) = (measure(t, true, &mut rng), measure(t + 1, false, &mut rng));
                let (a2, b2) = (
                    measure(t + 2, false, &mut rng),
                    measure(t + 3, true, &mut rng),
                );
                vec![(a1, b1), (a2, b2)]
            }
        })
        .collect()
}

pub(super) fn settings(min_effect: f64) -> Settings {
    Settings {
        min_effect,
        ..Settings::default()
    }
}

pub(super) fn is_change(v: Verdict) -> bool {
    matches!(v, Verdict::Regression | Verdict::Improvement)
}
