//! One peer's life as a state machine: connect (or fail), handshake, interest and choking,
//! block transfers with disk I/O and hashing, DHT/tracker/PEX traffic, disconnect. Each event
//! records the counter updates an engine would make.

use super::tape::{OpCode, Update};
use crate::rng::SplitMix64;
use crate::scenario::{EventMix, PeerProfile};
use session_stats::*;

/// BitTorrent block size: the unit of every request and transfer.
pub const BLOCK: i64 = 16_384;
/// Blocks per piece in the synthetic torrent (256 KiB pieces).
pub const BLOCKS_PER_PIECE: u32 = 16;
const MSG_HEADER: i64 = 13;
const HANDSHAKE: i64 = 68;

/// What a connected peer does next, chosen by the scenario's [`EventMix`] weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Request and receive one block, write it to disk, maybe complete a piece.
    Download,
    /// Serve one block: disk read (cache hit or miss) and send.
    Upload,
    /// Toggle our interest.
    Interest,
    /// The remote toggles its choke.
    Choke,
    /// Peer-exchange message.
    Pex,
    /// DHT lookup, sometimes an announce.
    Dht,
    /// Tracker announce, sometimes failing.
    Tracker,
    /// Metadata (magnet link) request.
    Metadata,
    /// Keep-alive and dispatcher wake-up bookkeeping.
    Keepalive,
}

impl Event {
    /// In the order of [`EventMix::weights`].
    pub const ALL: [Event; 9] = [
        Event::Download,
        Event::Upload,
        Event::Interest,
        Event::Choke,
        Event::Pex,
        Event::Dht,
        Event::Tracker,
        Event::Metadata,
        Event::Keepalive,
    ];
}

/// Picks events by weight with one uniform draw.
#[derive(Debug, Clone)]
pub struct EventPicker {
    cumulative: [f64; 9],
}

impl EventPicker {
    /// Normalises the mix's weights.
    pub fn new(mix: &EventMix) -> EventPicker {
        let weights = mix.weights();
        let total: f64 = weights.iter().sum();
        let mut cumulative = [0.0; 9];
        let mut acc = 0.0;
        for (c, w) in cumulative.iter_mut().zip(weights) {
            acc += w / total;
            *c = acc;
        }
        // Rounding must never select a zero-weight event past the last positive one.
        if let Some(last) = weights.iter().rposition(|&w| w > 0.0) {
            cumulative[last] = f64::INFINITY;
        }
        EventPicker { cumulative }
    }

    fn pick(&self, rng: &mut SplitMix64) -> Event {
        let u = rng.next_f64();
        let i = self.cumulative.iter().position(|&c| u < c).unwrap_or(8);
        Event::ALL[i]
    }
}

/// The updates of one life, appended to a tape.
struct Recorder<'a> {
    out: &'a mut Vec<Update>,
    utp: bool,
}

impl Recorder<'_> {
    fn inc(&mut self, idx: usize, v: i64) {
        self.out.push(Update::new(OpCode::Inc, idx, v));
    }
    fn diag(&mut self, idx: usize, v: i64) {
        self.out.push(Update::new(OpCode::IncDiag, idx, v));
    }
    fn max_diag(&mut self, idx: usize, v: i64) {
        self.out.push(Update::new(OpCode::SetMaxDiag, idx, v));
    }
    fn sent(&mut self, bytes: i64) {
        self.inc(NET_BYTES_SENT, bytes);
        self.inc(
            if self.utp {
                NET_UTP_BYTES_SENT
            } else {
                NET_TCP_BYTES_SENT
            },
            bytes,
        );
    }
    fn recv(&mut self, bytes: i64) {
        self.inc(NET_BYTES_RECV, bytes);
        self.inc(
            if self.utp {
                NET_UTP_BYTES_RECV
            } else {
                NET_TCP_BYTES_RECV
            },
            bytes,
        );
    }
}

/// Per-connection state, so gauges go back down exactly as far as they went up.
#[derive(Default)]
struct Connection {
    interested: bool,
    unchoked: bool,
    downloading: bool,
    uploading: bool,
    blocks_down: u32,
    blocks_up: u32,
    got_first_block: bool,
}

/// Appends one complete peer life to `out`. Gauges raised during the life are lowered at its
/// end, so a finished swarm leaves every connection gauge at zero.
pub fn generate_life(
    rng: &mut SplitMix64,
    profile: &PeerProfile,
    picker: &EventPicker,
    out: &mut Vec<Update>,
) {
    let mut r = Recorder { out, utp: false };
    if rng.chance(profile.ip_filtered) {
        r.inc(SES_IP_FILTER_BLOCKED, 1);
        return;
    }
    r.utp = rng.chance(profile.utp_fraction);
    let incoming = rng.chance(profile.incoming);
    if !incoming {
        // An outgoing attempt takes its address off the list of candidates...
        r.inc(PEER_PEERS_AVAILABLE, -1);
    }
    r.inc(NET_NUM_HALF_OPEN, 1);
    if rng.chance(profile.connect_failure / (1.0 - profile.ip_filtered).max(f64::MIN_POSITIVE)) {
        r.inc(NET_NUM_HALF_OPEN, -1);
        r.diag(CONNECT_FAILURES_TOTAL, 1);
        if !incoming {
            // ...and puts it back when the attempt fails (it may be retried later).
            r.inc(PEER_PEERS_AVAILABLE, 1);
        }
        return;
    }
    // Connected: handshake and the population gauges.
    r.inc(NET_NUM_HALF_OPEN, -1);
    let (peers_gauge, conns_gauge) = if r.utp {
        (NET_NUM_UTP_PEERS, NET_NUM_UTP_CONNECTIONS)
    } else {
        (NET_NUM_TCP_PEERS, NET_NUM_TCP_CONNECTIONS)
    };
    for gauge in [
        NET_NUM_CONNECTIONS,
        peers_gauge,
        conns_gauge,
        PEER_PEERS_CONNECTED,
    ] {
        r.inc(gauge, 1);
    }
    r.inc(
        if incoming {
            PROTO_HANDSHAKES_IN
        } else {
            PROTO_HANDSHAKES_OUT
        },
        1,
    );
    r.sent(HANDSHAKE);
    r.recv(HANDSHAKE);
    r.diag(DISPATCH_PEER_CONNECT_TOTAL, 1);

    let mut c = Connection::default();
    let mean = f64::from(profile.life_events);
    let events = (mean * (0.5 + rng.next_f64())).round().max(1.0) as u32;
    for _ in 0..events {
        match picker.pick(rng) {
            Event::Download => download(&mut r, &mut c, rng, profile),
            Event::Upload => upload(&mut r, &mut c, rng, profile),
            Event::Interest => {
                c.interested = !c.interested;
                r.inc(PEER_NUM_INTERESTED, if c.interested { 1 } else { -1 });
                r.sent(5);
            }
            Event::Choke => {
                if c.unchoked {
                    choke(&mut r, &mut c, rng);
                } else {
                    unchoke(&mut r, &mut c);
                }
            }
            Event::Pex => {
                if rng.chance(0.5) {
                    // A received PEX message adds the peers it names to our candidates.
                    r.inc(PROTO_PEX_MESSAGES_IN, 1);
                    r.recv(rng.range(60, 600));
                    r.inc(PEER_PEERS_AVAILABLE, rng.range(0, 10));
                } else {
                    r.inc(PROTO_PEX_MESSAGES_OUT, 1);
                    r.sent(rng.range(60, 600));
                }
            }
            Event::Dht => {
                r.inc(DHT_LOOKUPS, 1);
                r.inc(DHT_BYTES_OUT, rng.range(100, 400));
                r.inc(DHT_BYTES_IN, rng.range(200, 1_500));
                if rng.chance(0.3) {
                    r.inc(DHT_ANNOUNCE_COUNT, 1);
                }
            }
            Event::Tracker => {
                r.inc(PROTO_TRACKER_ANNOUNCES, 1);
                if rng.chance(0.05) {
                    r.inc(PROTO_TRACKER_ERRORS, 1);
                }
            }
            Event::Metadata => {
                r.inc(PROTO_METADATA_REQUESTS, 1);
                r.sent(MSG_HEADER + 30);
                if rng.chance(0.8) {
                    r.inc(PROTO_METADATA_RECEIVES, 1);
                    r.recv(BLOCK + MSG_HEADER);
                }
            }
            Event::Keepalive => keepalive(&mut r, rng),
        }
    }
    disconnect(
        &mut r,
        &c,
        rng,
        [
            NET_NUM_CONNECTIONS,
            peers_gauge,
            conns_gauge,
            PEER_PEERS_CONNECTED,
        ],
    );
    if !incoming {
        // A peer we dialled goes back on the candidate list when the connection ends.
        r.inc(PEER_PEERS_AVAILABLE, 1);
    }
}

fn unchoke(r: &mut Recorder, c: &mut Connection) {
    c.unchoked = true;
    r.inc(PEER_NUM_UNCHOKED, 1);
    r.diag(REMOTE_UNCHOKE_TOTAL, 1);
    r.recv(5);
}

fn choke(r: &mut Recorder, c: &mut Connection, rng: &mut SplitMix64) {
    c.unchoked = false;
    r.inc(PEER_NUM_UNCHOKED, -1);
    r.diag(REMOTE_RECHOKE_TOTAL, 1);
    r.diag(REMOTE_UNCHOKE_DURATION_SUM_MS, rng.range(100, 30_000));
    r.recv(5);
    if c.downloading {
        c.downloading = false;
        r.inc(PEER_NUM_DOWNLOADING, -1);
    }
}

fn download(r: &mut Recorder, c: &mut Connection, rng: &mut SplitMix64, profile: &PeerProfile) {
    if !c.interested {
        c.interested = true;
        r.inc(PEER_NUM_INTERESTED, 1);
        r.sent(5);
    }
    if !c.unchoked {
        unchoke(r, c);
    }
    if !c.downloading {
        c.downloading = true;
        r.inc(PEER_NUM_DOWNLOADING, 1);
    }
    r.inc(PROTO_PIECE_REQUESTS, 1);
    r.sent(MSG_HEADER + 4);
    r.diag(DISPATCH_ACQUIRE_TOTAL, 1);
    r.diag(DISPATCH_ACQUIRE_US, rng.range(1, 50));
    r.recv(BLOCK + MSG_HEADER);
    r.inc(BW_TOTAL_DOWNLOADED, BLOCK);
    if !c.got_first_block {
        c.got_first_block = true;
        r.diag(FIRST_BLOCK_LATENCY_SUM_US, rng.range(500, 200_000));
        r.diag(FIRST_BLOCK_LATENCY_COUNT, 1);
    }
    // The block goes through the write buffer and the disk queue.
    r.inc(DISK_QUEUE_DEPTH, 1);
    r.inc(DISK_WRITE_BUFFER_BYTES, BLOCK);
    r.max_diag(EVENT_TX_HIGH_WATER, rng.range(1, 64));
    r.inc(DISK_WRITE_COUNT, 1);
    r.inc(DISK_WRITE_BYTES, BLOCK);
    r.inc(DISK_JOB_TIME_US, rng.range(20, 400));
    r.inc(DISK_WRITE_BUFFER_BYTES, -BLOCK);
    r.inc(DISK_QUEUE_DEPTH, -1);
    c.blocks_down += 1;
    if c.blocks_down == BLOCKS_PER_PIECE {
        c.blocks_down = 0;
        r.inc(DISK_HASH_COUNT, 1);
        if rng.chance(profile.hashfail) {
            r.inc(PROTO_HASHFAILS, 1);
            r.inc(PROTO_WASTE_BYTES, BLOCK * i64::from(BLOCKS_PER_PIECE));
            if rng.chance(0.1) {
                r.inc(PEER_NUM_BANNED, 1);
            }
        } else {
            r.inc(PROTO_PIECES_DOWNLOADED, 1);
        }
        if rng.chance(0.05) {
            r.diag(PIECE_STEALS_TOTAL, 1);
        }
    }
}

fn upload(r: &mut Recorder, c: &mut Connection, rng: &mut SplitMix64, profile: &PeerProfile) {
    if !c.uploading {
        c.uploading = true;
        r.inc(PEER_NUM_UPLOADING, 1);
    }
    r.recv(MSG_HEADER + 4);
    if rng.chance(0.02) {
        r.inc(PROTO_PIECE_REJECTS, 1);
        r.sent(MSG_HEADER + 4);
        return;
    }
    r.inc(DISK_READ_COUNT, 1);
    r.inc(DISK_READ_BYTES, BLOCK);
    if rng.chance(profile.cache_hit) {
        r.inc(DISK_CACHE_HITS, 1);
        r.inc(DISK_JOB_TIME_US, rng.range(2, 10));
    } else {
        r.inc(DISK_CACHE_MISSES, 1);
        r.inc(DISK_JOB_TIME_US, rng.range(50, 500));
    }
    r.sent(BLOCK + MSG_HEADER);
    r.inc(BW_TOTAL_UPLOADED, BLOCK);
    r.max_diag(DISPATCH_TX_HIGH_WATER, rng.range(1, 128));
    c.blocks_up += 1;
    if c.blocks_up == BLOCKS_PER_PIECE {
        c.blocks_up = 0;
        r.inc(PROTO_PIECES_UPLOADED, 1);
    }
}

fn keepalive(r: &mut Recorder, rng: &mut SplitMix64) {
    r.sent(4);
    r.diag(PEER_WAKE_EVENTS_TOTAL, 1);
    r.diag(PEER_DRAIN_ITEMS_TOTAL, rng.range(1, 8));
    r.diag(DISPATCH_NOTIFY_WAKEUP_TOTAL, 1);
    r.diag(DISPATCH_NOTIFY_WAIT_US, rng.range(1, 200));
    r.diag(DISPATCH_ACQUIRE_RTT_US, rng.range(5, 500));
    if rng.chance(0.2) {
        r.diag(DISPATCH_ACQUIRE_NONE_TOTAL, 1);
    }
    for slot in [
        DISPATCH_TICK_WAKE_SKIPPED,
        DISPATCH_WALK_SKIPPED,
        DISPATCH_CURSOR_RESUMED,
    ] {
        if rng.chance(0.1) {
            r.diag(slot, 1);
        }
    }
}

fn disconnect(r: &mut Recorder, c: &Connection, rng: &mut SplitMix64, population: [usize; 4]) {
    for (up, gauge) in [
        (c.interested, PEER_NUM_INTERESTED),
        (c.unchoked, PEER_NUM_UNCHOKED),
        (c.downloading, PEER_NUM_DOWNLOADING),
        (c.uploading, PEER_NUM_UPLOADING),
    ] {
        if up {
            r.inc(gauge, -1);
        }
    }
    for gauge in population {
        r.inc(gauge, -1);
    }
    r.diag(DISPATCH_PEER_DISCONNECT_TOTAL, 1);
    r.diag(PEER_LIFETIME_SUM_MS, rng.range(1_000, 600_000));
    r.diag(PEER_LIFETIME_COUNT, 1);
    let reason = rng.next_f64();
    if reason < 0.05 {
        r.diag(DATA_TIMEOUT_EVICTIONS_TOTAL, 1);
    } else if reason < 0.10 {
        r.diag(CHOKE_ROTATION_EVICTIONS_TOTAL, 1);
    }
}
