//! Simulated time: integer microseconds, never the wall clock.
//!
//! Floats and the host clock would make runs differ between machines; an
//! integer count of microseconds since the run began is exact everywhere.

use core::fmt;
use serde::{Deserialize, Serialize};

/// A point in simulated (true, global) time, in microseconds since the run began.
///
/// Nodes never see this value: they read their own [`LocalTime`], which skew and
/// drift bend away from it. Only the simulator and the learner see true time.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SimTime(pub u64);

/// A span of simulated time, in microseconds.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SimDuration(pub u64);

/// A node's reading of its own clock, in microseconds; may be negative or run ahead.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct LocalTime(pub i64);

impl SimTime {
    /// The start of every run.
    pub const ZERO: SimTime = SimTime(0);

    /// Microseconds since the run began.
    pub fn as_us(self) -> u64 {
        self.0
    }

    /// This time moved forward by `d`, saturating rather than wrapping.
    pub fn plus(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }

    /// The span from `earlier` to this time (zero if `earlier` is later).
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    /// A duration of `us` microseconds.
    pub const fn from_us(us: u64) -> Self {
        SimDuration(us)
    }

    /// A duration of `ms` milliseconds.
    pub const fn from_ms(ms: u64) -> Self {
        SimDuration(ms * 1_000)
    }

    /// The duration in microseconds.
    pub fn as_us(self) -> u64 {
        self.0
    }
}

impl LocalTime {
    /// The reading in microseconds.
    pub fn as_us(self) -> i64 {
        self.0
    }
}

/// Formats microseconds as milliseconds with three decimals, e.g. `12.345ms`.
fn fmt_us(f: &mut fmt::Formatter<'_>, us: i128) -> fmt::Result {
    let sign = if us < 0 { "-" } else { "" };
    let us = us.unsigned_abs();
    write!(f, "{sign}{}.{:03}ms", us / 1_000, us % 1_000)
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_us(f, i128::from(self.0))
    }
}

impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_us(f, i128::from(self.0))
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_us(f, i128::from(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_print_as_milliseconds_with_microsecond_precision() {
        assert_eq!(SimTime(12_345).to_string(), "12.345ms");
        assert_eq!(LocalTime(-1_500).to_string(), "-1.500ms");
        assert_eq!(SimDuration::from_ms(3).to_string(), "3.000ms");
    }

    #[test]
    fn plus_saturates_instead_of_wrapping() {
        assert_eq!(SimTime(u64::MAX).plus(SimDuration(5)), SimTime(u64::MAX));
        assert_eq!(SimTime(5).since(SimTime(9)), SimDuration(0));
    }
}
