//! The swarm's behaviour knobs: per-peer probabilities and the event mix.

use crate::error::Error;
use serde::{Deserialize, Serialize};

/// Probabilities that shape one peer's life.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PeerProfile {
    /// Mean number of events while connected (lives are drawn around it).
    pub life_events: u32,
    /// Probability that a connection attempt fails.
    pub connect_failure: f64,
    /// Fraction of connections over uTP (the rest TCP).
    pub utp_fraction: f64,
    /// Fraction of connections the remote side opened.
    pub incoming: f64,
    /// Probability that a downloaded piece fails its hash check.
    pub hashfail: f64,
    /// Probability that an upload's disk read is served from cache.
    pub cache_hit: f64,
    /// Probability that a connection attempt is blocked by the IP filter.
    pub ip_filtered: f64,
}

impl Default for PeerProfile {
    fn default() -> Self {
        PeerProfile {
            life_events: 400,
            connect_failure: 0.1,
            utp_fraction: 0.3,
            incoming: 0.4,
            hashfail: 0.01,
            cache_hit: 0.7,
            ip_filtered: 0.01,
        }
    }
}

impl PeerProfile {
    pub(crate) fn validate(&self, err: &dyn Fn(&str, String) -> Error) -> Result<(), Error> {
        super::bounds::LIFE_EVENTS
            .check(i128::from(self.life_events))
            .map_err(|problem| err("life_events", problem))?;
        let probabilities = [
            ("connect_failure", self.connect_failure),
            ("utp_fraction", self.utp_fraction),
            ("incoming", self.incoming),
            ("hashfail", self.hashfail),
            ("cache_hit", self.cache_hit),
            ("ip_filtered", self.ip_filtered),
        ];
        for (key, p) in probabilities {
            // `contains` is false for NaN too; spelled out so no refactor can lose it.
            if p.is_nan() || !(0.0..=1.0).contains(&p) {
                return Err(err(
                    key,
                    format!("is a probability: must be between 0 and 1, got {p}"),
                ));
            }
        }
        if self.connect_failure + self.ip_filtered > 1.0 {
            return Err(err(
                "connect_failure",
                "plus ip_filtered must not exceed 1".into(),
            ));
        }
        Ok(())
    }
}

/// Relative weights of what a connected peer does next: finite, non-negative numbers with a
/// positive, finite sum (only their ratios matter).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EventMix {
    /// Request and receive a block (download side).
    pub download: f64,
    /// Serve a block the peer requested (upload side).
    pub upload: f64,
    /// Interested / not interested.
    pub interest: f64,
    /// Choke / unchoke.
    pub choke: f64,
    /// Peer exchange messages.
    pub pex: f64,
    /// DHT lookups and announces.
    pub dht: f64,
    /// Tracker announces.
    pub tracker: f64,
    /// Metadata (magnet) exchange.
    pub metadata: f64,
    /// Keep-alives and dispatcher wake-ups (mostly diagnostics).
    pub keepalive: f64,
}

impl Default for EventMix {
    fn default() -> Self {
        EventMix {
            download: 40.0,
            upload: 25.0,
            interest: 5.0,
            choke: 5.0,
            pex: 3.0,
            dht: 4.0,
            tracker: 1.0,
            metadata: 1.0,
            keepalive: 6.0,
        }
    }
}

impl EventMix {
    /// The weights in a fixed order (the order of the peer model's connected events, `workload/peer.rs`).
    pub fn weights(&self) -> [f64; 9] {
        [
            self.download,
            self.upload,
            self.interest,
            self.choke,
            self.pex,
            self.dht,
            self.tracker,
            self.metadata,
            self.keepalive,
        ]
    }

    const KEYS: [&'static str; 9] = [
        "download",
        "upload",
        "interest",
        "choke",
        "pex",
        "dht",
        "tracker",
        "metadata",
        "keepalive",
    ];

    pub(crate) fn validate(&self, err: &dyn Fn(&str, String) -> Error) -> Result<(), Error> {
        for (key, w) in EventMix::KEYS.iter().zip(self.weights()) {
            if !w.is_finite() || w < 0.0 {
                return Err(err(
                    key,
                    format!("is a weight: must be a finite number ≥ 0, got {w}"),
                ));
            }
        }
        let sum: f64 = self.weights().iter().sum();
        if !sum.is_finite() {
            // The picker divides by the sum: an infinite one turns every event into the last.
            // Named: the weight at which the running sum first stops being finite.
            let mut partial = 0.0;
            let key = EventMix::KEYS
                .iter()
                .zip(self.weights())
                .find(|(_, w)| {
                    partial += w;
                    !partial.is_finite()
                })
                .map_or("download", |(key, _)| key);
            return Err(err(
                key,
                format!(
                    "makes the [mix] weights add up to {sum} (not a finite number): only their \
                     ratios matter, use smaller numbers"
                ),
            ));
        }
        if sum <= 0.0 {
            return Err(err(
                "download",
                "all weights in [mix] are 0: at least one must be positive".into(),
            ));
        }
        Ok(())
    }
}
