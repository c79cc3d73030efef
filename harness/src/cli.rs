//! Command-line wiring.
pub fn main() -> i32 {
    0
}
