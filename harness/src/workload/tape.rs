//! Tapes: pre-generated, compact sequences of counter updates, replayed in the hot loop.

// The open update interface, named `Updater` here because `Update` is a tape entry.
use session_stats::Update as Updater;
use session_stats::NUM_METRICS;

/// Which counter API call an update makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum OpCode {
    /// `inc(idx, value)`.
    Inc,
    /// `inc_diag(idx, value)`.
    IncDiag,
    /// `set(idx, value)`.
    Set,
    /// `set_max(idx, value)`.
    SetMax,
    /// `set_max_diag(idx, value)`.
    SetMaxDiag,
}

/// One counter update, 8 bytes, so a tape streams through the cache cheaply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Update {
    /// The call to make.
    pub op: OpCode,
    /// Metric index (< 99).
    pub idx: u8,
    /// Delta or value.
    pub value: i32,
}

impl Update {
    /// Builds an update; panics on an index outside the registry (a generator bug).
    pub fn new(op: OpCode, idx: usize, value: i64) -> Update {
        assert!(idx < NUM_METRICS, "metric index {idx} out of range");
        Update {
            op,
            idx: idx as u8,
            value: i32::try_from(value).expect("update value fits in i32"),
        }
    }

    /// Sends the update to a worker's updater.
    #[inline(always)]
    pub fn apply<U: Updater>(self, sink: &U) {
        let (idx, v) = (self.idx as usize, i64::from(self.value));
        match self.op {
            OpCode::Inc => sink.inc(idx, v),
            OpCode::IncDiag => sink.inc_diag(idx, v),
            OpCode::Set => sink.set(idx, v),
            OpCode::SetMax => sink.set_max(idx, v),
            OpCode::SetMaxDiag => sink.set_max_diag(idx, v),
        }
    }
}

impl Update {
    /// Applies `+value` then `-value` on the same counter (nothing for gauges): extra counter
    /// work whose net effect is zero, used to inject a known slowdown.
    #[inline(always)]
    pub fn apply_cancelling_pair<U: Updater>(self, sink: &U) {
        let (idx, v) = (self.idx as usize, i64::from(self.value));
        match self.op {
            OpCode::Inc => {
                sink.inc(idx, v);
                sink.inc(idx, -v);
            }
            OpCode::IncDiag => {
                sink.inc_diag(idx, v);
                sink.inc_diag(idx, -v);
            }
            _ => {}
        }
    }
}

/// The net effect of replaying a sequence of updates from zero, split by whether the update is
/// diagnostic, so expected totals follow from counts of tapes alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effect {
    /// Sum of `inc` deltas per slot.
    pub inc: Vec<i64>,
    /// Sum of `inc_diag` deltas per slot.
    pub inc_diag: Vec<i64>,
    /// Largest `set_max` value per slot (`i64::MIN` if none).
    pub max: Vec<i64>,
    /// Largest `set_max_diag` value per slot (`i64::MIN` if none).
    pub max_diag: Vec<i64>,
}

impl Effect {
    /// Net effect of `updates`; `set` is not allowed on tapes (its result would depend on
    /// which peer ran last) and panics.
    pub fn of(updates: &[Update]) -> Effect {
        let mut e = Effect {
            inc: vec![0; NUM_METRICS],
            inc_diag: vec![0; NUM_METRICS],
            max: vec![i64::MIN; NUM_METRICS],
            max_diag: vec![i64::MIN; NUM_METRICS],
        };
        for u in updates {
            let (i, v) = (u.idx as usize, i64::from(u.value));
            match u.op {
                OpCode::Inc => e.inc[i] += v,
                OpCode::IncDiag => e.inc_diag[i] += v,
                OpCode::SetMax => e.max[i] = e.max[i].max(v),
                OpCode::SetMaxDiag => e.max_diag[i] = e.max_diag[i].max(v),
                OpCode::Set => panic!("set() on a peer tape: final value would be order-dependent"),
            }
        }
        e
    }
}
