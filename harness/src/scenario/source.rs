//! Where a scenario came from, and how to point at a line in it.

use crate::error::Error;
use serde::Serialize;
use std::path::Path;

/// The scenario's file and a stable hash of its text, recorded in run.json so two runs can be
/// checked to have used the same scenario.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioSource {
    /// Path as given.
    pub path: String,
    /// FNV-1a 64 of the file's bytes, hex.
    pub hash: String,
    #[serde(skip)]
    text: String,
}

impl ScenarioSource {
    /// Remembers the text so later errors can name lines.
    pub fn new(path: &Path, text: &str) -> ScenarioSource {
        ScenarioSource {
            path: path.display().to_string(),
            hash: format!("{:016x}", fnv1a64(text.as_bytes())),
            text: text.to_string(),
        }
    }

    /// The file's text, as read.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// A TOML syntax or type error, as `file:line: message` (`file:line: key `x`: …` when it
    /// is about a key).
    pub fn toml_error(&self, e: &toml::de::Error) -> Error {
        self.toml_error_with(e, &|_| Vec::new())
    }

    /// [`ScenarioSource::toml_error`], suggesting the nearest of the keys `keys_at(table path)`
    /// for a key that is unknown or given the wrong kind of value.
    pub(crate) fn toml_error_with(
        &self,
        e: &toml::de::Error,
        keys_at: &dyn Fn(&[String]) -> Vec<String>,
    ) -> Error {
        let (line, message) = crate::suggest::toml_problem(&self.text, e, keys_at);
        match line {
            Some(line) => Error::input(format!("{}:{line}: {message}", self.path)),
            None => Error::input(format!("{}: {message}", self.path)),
        }
    }

    /// A semantic error on `key` (in `[table]` if given), pointing at the key's line.
    pub fn key_error(&self, table: Option<&str>, key: &str, problem: &str) -> Error {
        let dotted = match table {
            Some(t) => format!("{t}.{key}"),
            None => key.to_string(),
        };
        match find_key_line(&self.text, table, key) {
            Some(line) => Error::input(format!("{}:{line}: key `{dotted}` {problem}", self.path)),
            None => Error::input(format!("{}: key `{dotted}` {problem}", self.path)),
        }
    }

    /// An error about the file as a whole (e.g. a missing key).
    pub fn whole_file_error(&self, problem: &str) -> Error {
        Error::input(format!("{}: {problem}", self.path))
    }
}

/// 64-bit FNV-1a: tiny, stable across platforms and versions.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h = Fnv1a64::default();
    h.write(bytes);
    h.finish()
}

/// FNV-1a 64, fed piece by piece (the workload fingerprint hashes megabytes of tapes without
/// collecting them first). Written here because it is six lines and must never change: stored
/// hashes depend on it, where a crate's hasher may change between versions.
#[derive(Debug, Clone, Copy)]
pub struct Fnv1a64(u64);

impl Default for Fnv1a64 {
    fn default() -> Self {
        Fnv1a64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a64 {
    /// Feeds `bytes`.
    pub fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// Feeds a `u64`, little-endian.
    pub fn write_u64(&mut self, v: u64) {
        self.write(&v.to_le_bytes());
    }

    /// The hash of everything fed so far.
    pub fn finish(&self) -> u64 {
        self.0
    }
}

/// Line (1-based) where `key = ...` is written, inside `[table]` when given.
fn find_key_line(text: &str, table: Option<&str>, key: &str) -> Option<usize> {
    let mut current: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if let Some(header) = line.strip_prefix('[') {
            current = Some(header.trim_end_matches(']').trim().to_string());
            continue;
        }
        let in_table = match table {
            None => current.is_none(),
            Some(t) => current.as_deref() == Some(t),
        };
        if !in_table {
            continue;
        }
        if let Some(rest) = line.strip_prefix(key) {
            if rest.trim_start().starts_with('=') {
                return Some(i + 1);
            }
        }
    }
    None
}
