//! The Hodges–Lehmann estimate (median of the Walsh averages) of the pairs' log-ratios, and of
//! the bootstrap's weighted resamples without re-sorting: by walking the sorted Walsh averages
//! up to [`WALSH_WALK_MAX_N`] pairs, by bisection on the value above.

/// Up to this many pairs the bootstrap walks the sorted Walsh averages (about n²/4 steps a
/// resample, 1.3 MB of them at 400); above, it bisects on the value with an O(n) count, which
/// is cheaper from a few hundred pairs on (at 200 pairs: 18 µs vs 49 µs a resample on the
/// 2-core VM).
const WALSH_WALK_MAX_N: usize = 400;

/// Hodges–Lehmann estimate of the centre of `d`: the median of the Walsh averages
/// `(d_i + d_j)/2`, `i ≤ j`; `None` if empty or a value is not finite.
pub fn hodges_lehmann(d: &[f64]) -> Option<f64> {
    if d.is_empty() || !d.iter().all(|x| x.is_finite()) {
        return None;
    }
    let hl = WalshHl::new(d);
    Some(hl.estimate(&vec![1; d.len()]))
}

/// Hodges–Lehmann estimates of `d` and of weighted copies of it (the bootstrap's resamples:
/// value `i` taken `w[i]` times) without re-sorting per resample.
pub(super) struct WalshHl {
    /// `d` sorted ascending.
    sorted: Vec<f64>,
    /// For each original index, its position in `sorted`.
    pub(super) position: Vec<usize>,
    /// All Walsh averages with their two positions (`i < j`; `i, n + i` for `d_i` itself),
    /// sorted; empty above [`WALSH_WALK_MAX_N`] values.
    walsh: Vec<(f64, u32, u32)>,
}

impl WalshHl {
    pub(super) fn new(d: &[f64]) -> WalshHl {
        let mut order: Vec<usize> = (0..d.len()).collect();
        order.sort_unstable_by(|&x, &y| d[x].total_cmp(&d[y]));
        let sorted: Vec<f64> = order.iter().map(|&i| d[i]).collect();
        let mut position = vec![0; d.len()];
        for (p, &i) in order.iter().enumerate() {
            position[i] = p;
        }
        let mut walsh = Vec::new();
        if d.len() <= WALSH_WALK_MAX_N {
            walsh.reserve(d.len() * (d.len() + 1) / 2);
            let n = sorted.len();
            for i in 0..n {
                walsh.push((sorted[i], i as u32, (n + i) as u32));
                for j in i + 1..n {
                    walsh.push(((sorted[i] + sorted[j]) / 2.0, i as u32, j as u32));
                }
            }
            walsh.sort_unstable_by(|x, y| x.0.total_cmp(&y.0));
        }
        WalshHl {
            sorted,
            position,
            walsh,
        }
    }

    /// HL of the multiset taking sorted value `p` `w[p]` times (`w` by sorted position, not
    /// all zero): the median of its `m(m+1)/2` Walsh averages, `m = Σw`.
    pub(super) fn estimate(&self, w: &[u32]) -> f64 {
        let m: u64 = w.iter().map(|&x| u64::from(x)).sum();
        let total = m * (m + 1) / 2;
        let k = total.div_ceil(2);
        let (lo, hi) = if self.walsh.is_empty() {
            self.kth_pair_by_bisection(w, k)
        } else {
            self.kth_pair_by_walk(w, k)
        };
        if total % 2 == 0 {
            (lo + hi) / 2.0
        } else {
            lo
        }
    }

    /// The `k`-th and `k+1`-th smallest (1-based) weighted Walsh averages, by one walk.
    /// Counts are doubled so that every entry's multiplicity is one product `left[i]·right[j]`:
    /// `2·w_i·w_j` off the diagonal (`right[j] = 2·w_j`), `w_i·(w_i + 1)` on it (stored with
    /// `j = n + i`, `right[n + i] = w_i + 1`).
    fn kth_pair_by_walk(&self, w: &[u32], k: u64) -> (f64, f64) {
        let n = w.len();
        let left: Vec<u64> = w.iter().map(|&x| u64::from(x)).collect();
        let mut right = vec![0u64; 2 * n];
        for (i, &x) in left.iter().enumerate() {
            right[i] = 2 * x;
            right[n + i] = x + 1;
        }
        let (first_at, second_at) = (2 * k, 2 * k + 1);
        let mut seen = 0u64;
        let mut entries = self.walsh.iter();
        let mut first = self.walsh.last().map_or(0.0, |x| x.0);
        for &(v, i, j) in entries.by_ref() {
            seen += left[i as usize] * right[j as usize];
            if seen >= first_at {
                first = v;
                if seen >= second_at {
                    return (v, v);
                }
                break;
            }
        }
        for &(v, i, j) in entries {
            seen += left[i as usize] * right[j as usize];
            if seen >= second_at {
                return (first, v);
            }
        }
        (first, first)
    }

    /// Twice the weighted count of Walsh averages `≤ v` (the walk's doubled units): `S + D`,
    /// where `S` counts ordered pairs of taken values with `d_i + d_j ≤ 2v` (one two-pointer
    /// pass) and `D` the diagonal. `prefix[p]` is `Σ w[..p]`.
    fn count2_at_most(&self, w: &[u32], prefix: &[u64], v: f64) -> u64 {
        let two_v = 2.0 * v;
        // `j_end`: number of positions j with sorted[i] + sorted[j] ≤ 2v, shrinking with i.
        let mut j_end = self.sorted.len();
        let (mut ordered, mut diagonal) = (0u64, 0u64);
        for (&di, &wi) in self.sorted.iter().zip(w) {
            let wi = u64::from(wi);
            while j_end > 0 && di + self.sorted[j_end - 1] > two_v {
                j_end -= 1;
            }
            ordered += wi * prefix[j_end];
            diagonal += wi * u64::from(di <= v);
        }
        ordered + diagonal
    }

    /// The `k`-th and `k+1`-th smallest weighted Walsh averages without listing all n²/2:
    /// bisection on the value ([`Self::count2_at_most`], O(n) a step) until the bracket holds
    /// about 4n of them, then those are listed, sorted and walked. Exact; ~log₂(n/8) passes
    /// plus one listing a resample, so thousands of slices stay cheap.
    fn kth_pair_by_bisection(&self, w: &[u32], k: u64) -> (f64, f64) {
        let n = self.sorted.len();
        let mut prefix = vec![0u64; n + 1];
        for (p, &x) in w.iter().enumerate() {
            prefix[p + 1] = prefix[p] + u64::from(x);
        }
        let taken: Vec<usize> = (0..n).filter(|&i| w[i] > 0).collect();
        let (Some(&first), Some(&last)) = (taken.first(), taken.last()) else {
            return (0.0, 0.0);
        };
        let m = prefix[n];
        if m * (m + 1) / 2 < k + 1 {
            // One value taken once: its Walsh average is itself.
            return (self.sorted[first], self.sorted[first]);
        }
        // Doubled ranks of the two order statistics (doubled counts are even).
        let (want1, want2) = (2 * k, 2 * k + 2);
        // Invariant: count2(lo) < want1 and count2(hi) ≥ want2.
        let (mut lo, mut hi) = (self.sorted[first] - 1.0, self.sorted[last]);
        let (mut c_lo, mut c_hi) = (0, self.count2_at_most(w, &prefix, hi));
        let budget = 8 * taken.len() as u64;
        while c_hi - c_lo > budget {
            let mid = lo + (hi - lo) / 2.0;
            if !(mid > lo && mid < hi) {
                // No float strictly between: every Walsh average in (lo, hi] equals hi.
                return (hi, hi);
            }
            let c = self.count2_at_most(w, &prefix, mid);
            if c >= want2 {
                (hi, c_hi) = (mid, c);
            } else if c < want1 {
                (lo, c_lo) = (mid, c);
            } else {
                // Exactly k averages ≤ mid: the k-th is the largest, the k+1-th the next.
                return (
                    self.largest_at_most(w, &taken, mid),
                    self.smallest_above(w, &taken, mid),
                );
            }
        }
        // List the Walsh averages in (lo, hi] with their doubled multiplicities, as ordered
        // pairs (i, j): w_i·w_j each, plus w_i on the diagonal.
        let (two_lo, two_hi) = (2.0 * lo, 2.0 * hi);
        let mut listed: Vec<(f64, u64)> = Vec::with_capacity((c_hi - c_lo) as usize);
        let (mut start, mut end) = (n, n);
        for &i in &taken {
            let di = self.sorted[i];
            while start > 0 && di + self.sorted[start - 1] > two_lo {
                start -= 1;
            }
            while end > 0 && di + self.sorted[end - 1] > two_hi {
                end -= 1;
            }
            let wi = u64::from(w[i]);
            let range = self.sorted[start..end].iter().zip(&w[start..end]);
            for (j, (&dj, &wj)) in (start..end).zip(range) {
                if wj > 0 {
                    let mult = wi * u64::from(wj) + if i == j { wi } else { 0 };
                    listed.push(((di + dj) / 2.0, mult));
                }
            }
        }
        listed.sort_unstable_by(|x, y| x.0.total_cmp(&y.0));
        let mut seen = c_lo;
        let mut kth = hi;
        let mut found = false;
        for &(v, mult) in &listed {
            seen += mult;
            if !found && seen >= want1 {
                (kth, found) = (v, true);
            }
            if seen >= want2 {
                return (kth, v);
            }
        }
        (kth, hi)
    }

    /// The largest Walsh average of taken values that is `≤ v` (one two-pointer pass).
    fn largest_at_most(&self, w: &[u32], taken: &[usize], v: f64) -> f64 {
        let two_v = 2.0 * v;
        let mut end = self.sorted.len();
        let mut best = f64::NEG_INFINITY;
        for &i in taken {
            let di = self.sorted[i];
            while end > 0 && di + self.sorted[end - 1] > two_v {
                end -= 1;
            }
            if let Some(j) = (0..end).rev().find(|&j| w[j] > 0) {
                best = best.max(di + self.sorted[j]);
            }
        }
        best / 2.0
    }

    /// The smallest Walsh average of taken values that is `> v` (one two-pointer pass).
    fn smallest_above(&self, w: &[u32], taken: &[usize], v: f64) -> f64 {
        let two_v = 2.0 * v;
        let n = self.sorted.len();
        let mut start = n;
        let mut best = f64::INFINITY;
        for &i in taken {
            let di = self.sorted[i];
            while start > 0 && di + self.sorted[start - 1] > two_v {
                start -= 1;
            }
            if let Some(j) = (start..n).find(|&j| w[j] > 0) {
                best = best.min(di + self.sorted[j]);
            }
        }
        best / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paired::simulate::std_normal;
    use crate::rng::SplitMix64;
    use crate::summary::median;

    #[test]
    fn hodges_lehmann_small_cases_and_both_algorithms_agree() {
        // (1, 2, 3): Walsh averages 1, 1.5, 2, 2, 2.5, 3 → median 2.
        assert_eq!(hodges_lehmann(&[3.0, 1.0, 2.0]), Some(2.0));
        // (0, 0, 10): 0, 0, 0, 5, 5, 10 → (0 + 5)/2.
        assert_eq!(hodges_lehmann(&[0.0, 10.0, 0.0]), Some(2.5));
        assert_eq!(hodges_lehmann(&[]), None);
        assert_eq!(hodges_lehmann(&[4.0]), Some(4.0));
        let mut long = vec![0.01; WALSH_WALK_MAX_N + 5];
        assert_eq!(hodges_lehmann(&long), Some(0.01));
        long[3] = f64::NAN;
        assert_eq!(hodges_lehmann(&long), None);
        assert_eq!(hodges_lehmann(&[1.0, f64::INFINITY]), None);
        // Robust: one wild value moves it little, the mean a lot.
        let mut d: Vec<f64> = (0..29).map(|i| f64::from(i % 7) * 0.01 - 0.03).collect();
        let before = hodges_lehmann(&d).unwrap();
        d.push(-0.36);
        let after = hodges_lehmann(&d).unwrap();
        assert!((after - before).abs() < 0.004, "{before} → {after}");
        // Walk over sorted Walsh averages vs bisection on the value, random weights.
        let mut rng = SplitMix64::new(3);
        for n in [5usize, 37, 120] {
            let d: Vec<f64> = (0..n).map(|_| 0.03 * std_normal(&mut rng)).collect();
            let hl = WalshHl::new(&d);
            assert!(!hl.walsh.is_empty());
            for _ in 0..20 {
                let w: Vec<u32> = (0..n).map(|_| rng.below(3) as u32).collect();
                if w.iter().all(|&x| x == 0) {
                    continue;
                }
                let m: u64 = w.iter().map(|&x| u64::from(x)).sum();
                let k = (m * (m + 1) / 2).div_ceil(2);
                let walk = hl.kth_pair_by_walk(&w, k);
                let bisect = hl.kth_pair_by_bisection(&w, k);
                assert_eq!(walk, bisect, "n {n}, {w:?}");
            }
        }
        // Above the walk's size the bisection path alone gives the same estimate as sorting
        // every Walsh average.
        let d: Vec<f64> = (0..WALSH_WALK_MAX_N + 11)
            .map(|_| 0.03 * std_normal(&mut rng))
            .collect();
        let mut all: Vec<f64> = Vec::new();
        for i in 0..d.len() {
            for j in i..d.len() {
                all.push((d[i] + d[j]) / 2.0);
            }
        }
        let want = median(&all).unwrap();
        let got = hodges_lehmann(&d).unwrap();
        assert!((got - want).abs() < 1e-11, "{got} vs {want}");
    }

    #[test]
    fn bisection_selects_exactly_like_sorting_every_walsh_average() {
        // 600 values (the bisection range), random block-bootstrap-like weights: the k-th and
        // k+1-th weighted Walsh averages against sorting all ordered pairs with their doubled
        // multiplicities (w_i·w_j, plus w_i on the diagonal).
        let mut rng = SplitMix64::new(21);
        let n = 600;
        let d: Vec<f64> = (0..n).map(|_| 0.03 * std_normal(&mut rng)).collect();
        let hl = WalshHl::new(&d);
        assert!(hl.walsh.is_empty());
        for round in 0..4 {
            let w: Vec<u32> = (0..n)
                .map(|_| rng.below(if round == 0 { 2 } else { 4 }) as u32)
                .collect();
            let mut all: Vec<(f64, u64)> = Vec::with_capacity(n * n);
            for i in 0..n {
                for j in 0..n {
                    let (wi, wj) = (u64::from(w[i]), u64::from(w[j]));
                    let mult = wi * wj + if i == j { wi } else { 0 };
                    if mult > 0 {
                        all.push(((hl.sorted[i] + hl.sorted[j]) / 2.0, mult));
                    }
                }
            }
            all.sort_unstable_by(|x, y| x.0.total_cmp(&y.0));
            let at = |rank2: u64| {
                let mut seen = 0;
                all.iter()
                    .find(|x| {
                        seen += x.1;
                        seen >= rank2
                    })
                    .unwrap()
                    .0
            };
            let m: u64 = w.iter().map(|&x| u64::from(x)).sum();
            let k = (m * (m + 1) / 2).div_ceil(2);
            assert_eq!(
                hl.kth_pair_by_bisection(&w, k),
                (at(2 * k), at(2 * k + 2)),
                "round {round}"
            );
            // The two one-pass helpers of the "exactly k below" case, at arbitrary values.
            let taken: Vec<usize> = (0..n).filter(|&i| w[i] > 0).collect();
            for v in [-0.05, -0.001, 0.0, 0.002, 0.04] {
                let below = all
                    .iter()
                    .filter(|x| x.0 <= v)
                    .map(|x| x.0)
                    .fold(f64::NEG_INFINITY, f64::max);
                let above = all
                    .iter()
                    .filter(|x| x.0 > v)
                    .map(|x| x.0)
                    .fold(f64::INFINITY, f64::min);
                assert_eq!(hl.largest_at_most(&w, &taken, v), below);
                assert_eq!(hl.smallest_above(&w, &taken, v), above);
            }
        }
    }
}
