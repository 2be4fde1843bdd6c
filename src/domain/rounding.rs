//! How figures are rounded for output.

/// Rounds a figure for output: 4 decimals keep hours true to the second.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}
