//! Session-wide housekeeping ticks: the engine's periodic `set` of torrent counts, DHT table
//! size and per-transport rates. Ticks run in order on one thread at a time, so the final
//! value of each `set` gauge is that of the last tick — computable from the tick count.

use super::tape::{OpCode, Update};
use crate::rng::mix;
use session_stats::*;

/// One housekeeping tick is due per this many completed peer lives.
pub const LIVES_PER_TICK: u64 = 16;

/// Torrents in the synthetic session.
const TORRENTS: i64 = 12;

/// Appends tick `k`'s updates (for seed `seed`) to `out`.
pub fn tick_updates(seed: u64, k: u64, out: &mut Vec<Update>) {
    let h = mix(seed ^ k.wrapping_mul(0xD6E8_FEB8_6659_FD93));
    let part = |shift: u32, modulo: u64| ((h >> shift) % modulo) as i64;
    let v4 = 150 + part(0, 100);
    let v6 = 20 + part(8, 30);
    let checking = i64::from(k % 5 == 0);
    let seeding = 4 + part(16, 3);
    let paused = part(20, 2);
    let downloading = TORRENTS - seeding - paused - checking;
    let set = |idx: usize, v: i64| Update::new(OpCode::Set, idx, v);
    out.extend([
        set(DHT_NODES_V4, v4),
        set(DHT_NODES_V6, v6),
        set(DHT_NODES, v4 + v6),
        set(SES_NUM_TORRENTS, TORRENTS),
        set(SES_ACTIVE_TORRENTS, TORRENTS - paused),
        set(PEER_NUM_SEEDING_TORRENTS, seeding),
        set(PEER_NUM_DOWNLOADING_TORRENTS, downloading),
        set(PEER_NUM_CHECKING_TORRENTS, checking),
        set(PEER_NUM_PAUSED_TORRENTS, paused),
        set(PEER_NUM_WEB_SEEDS, part(24, 3)),
        set(BW_UPLOAD_RATE_TCP, part(28, 5_000_000)),
        set(BW_DOWNLOAD_RATE_TCP, part(30, 20_000_000)),
        set(BW_UPLOAD_RATE_UTP, part(32, 2_000_000)),
        set(BW_DOWNLOAD_RATE_UTP, part(34, 8_000_000)),
        set(BW_PAYLOAD_UPLOAD_RATE, part(36, 6_000_000)),
        set(BW_PAYLOAD_DOWNLOAD_RATE, part(38, 25_000_000)),
        Update::new(OpCode::Inc, DHT_BYTES_OUT, 40 + part(40, 200)),
        Update::new(OpCode::Inc, DHT_BYTES_IN, 60 + part(44, 400)),
    ]);
    if k % 50 == 49 {
        out.push(Update::new(OpCode::Inc, SES_QUEUE_PAUSED_BY_AUTO, 1));
    }
}
