//! Experiments made of many runs: interleaved A/B comparisons ([`ab`]) and the gate's
//! calibration on this machine ([`calibrate`]).

pub mod ab;
pub mod calibrate;
pub mod calibrate_code;
pub mod calibrate_paired;
pub mod paired;
pub mod placements;
pub mod revision;
pub mod sweep;
