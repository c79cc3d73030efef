//! Which side of a comparison something belongs to: one type for runs, findings and the paired
//! experiments' measurements, where a bare letter could be mistyped or mean a run folder.

use serde::Serialize;
use std::fmt;

/// A (the baseline) or B (the candidate). Shown and serialised as `A` / `B`; the run folders of
/// `ab` and paired experiments are named by the lower-case letter (`a01`, `b01`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Side {
    /// A: the baseline (or `ab`'s first command).
    #[serde(rename = "A")]
    Base,
    /// B: the candidate (or `ab`'s second command).
    #[serde(rename = "B")]
    Candidate,
}

impl Side {
    /// The letter messages and JSON show.
    pub fn letter(self) -> char {
        match self {
            Side::Base => 'A',
            Side::Candidate => 'B',
        }
    }

    /// The letter that starts the side's run folders (`a01`, `b01`).
    pub fn folder_letter(self) -> char {
        self.letter().to_ascii_lowercase()
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.letter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_side_shows_and_serialises_as_its_letter() {
        assert_eq!(Side::Base.to_string(), "A");
        assert_eq!(Side::Candidate.folder_letter(), 'b');
        assert_eq!(serde_json::to_value(Side::Candidate).unwrap(), "B");
        assert_eq!(
            serde_json::to_value(Side::Base).unwrap(),
            serde_json::to_value('A').unwrap()
        );
    }
}
