//! Per-node clocks: a reading is a function of true time, bent by skew and drift.
//!
//! A clock is a line through `(base_sim, base_local)` with slope `1 + drift_ppm/10^6`.
//! Changing skew jumps the reading; changing drift re-bases the line at the
//! current instant so the reading stays continuous. Timers are durations on the
//! node's own (drifting) clock, like a monotonic clock, so a clock jump does not
//! fire or delay them but drift stretches or shrinks them.

use crate::id::NodeId;
use crate::time::{LocalTime, SimDuration, SimTime};
use serde::{Deserialize, Serialize};

/// A node's clock at the start of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockSetting {
    /// Which node.
    pub node: NodeId,
    /// Offset from true time, in microseconds (positive: ahead).
    #[serde(default)]
    pub skew_us: i64,
    /// Rate error in parts per million (positive: fast).
    #[serde(default)]
    pub drift_ppm: i64,
}

const PPM: i128 = 1_000_000;

/// Every node's clock as a run with `settings` starts (skew, then drift, at time zero).
///
/// A node's reading at an event is `clocks[node].read(event.at)`: exactly what `ctx.now()`
/// returned to the handler, because the handler ran at that true time. This is only so while no
/// fault changes a clock during the run; the graded clock schedules never plan one (the nemesis
/// does not touch clocks).
pub fn clocks_at_start(nodes: u32, settings: &[ClockSetting]) -> Vec<Clock> {
    let mut clocks = vec![Clock::default(); nodes as usize];
    for c in settings {
        if let Some(clock) = clocks.get_mut(c.node.index()) {
            clock.set_skew(SimTime::ZERO, c.skew_us);
            clock.set_drift(SimTime::ZERO, c.drift_ppm);
        }
    }
    clocks
}

/// One node's clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    base_sim_us: u64,
    base_local_us: i64,
    drift_ppm: i64,
}

impl Clock {
    /// What the clock reads at true time `t`.
    pub fn read(&self, t: SimTime) -> LocalTime {
        let elapsed = i128::from(t.0) - i128::from(self.base_sim_us);
        let local =
            i128::from(self.base_local_us) + elapsed * (PPM + i128::from(self.drift_ppm)) / PPM;
        LocalTime(local.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
    }

    /// Sets the reading at true time `t` to be `skew_us` ahead of true time.
    pub fn set_skew(&mut self, t: SimTime, skew_us: i64) {
        self.base_sim_us = t.0;
        self.base_local_us = (t.0 as i64).saturating_add(skew_us);
    }

    /// Changes the rate from true time `t` on, keeping the reading continuous.
    pub fn set_drift(&mut self, t: SimTime, drift_ppm: i64) {
        self.base_local_us = self.read(t).0;
        self.base_sim_us = t.0;
        self.drift_ppm = drift_ppm;
    }

    /// The current offset from true time at `t`, in microseconds.
    pub fn skew_us(&self, t: SimTime) -> i64 {
        self.read(t).0 - t.0 as i64
    }

    /// The rate error in parts per million.
    pub fn drift_ppm(&self) -> i64 {
        self.drift_ppm
    }

    /// How much true time passes while this clock advances by `local` (rounded up).
    pub fn to_sim(&self, local: SimDuration) -> SimDuration {
        let rate = PPM + i128::from(self.drift_ppm);
        let sim = (i128::from(local.0) * PPM + rate - 1) / rate.max(1);
        SimDuration(sim.clamp(0, i128::from(u64::MAX)) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skew_shifts_and_drift_bends_the_reading() {
        let mut c = Clock::default();
        assert_eq!(c.read(SimTime(1_000)), LocalTime(1_000));
        c.set_skew(SimTime(1_000), 500);
        assert_eq!(c.read(SimTime(2_000)), LocalTime(2_500));
        c.set_drift(SimTime(2_000), 100_000); // 10% fast
        assert_eq!(c.read(SimTime(2_000)), LocalTime(2_500));
        assert_eq!(c.read(SimTime(12_000)), LocalTime(13_500));
    }

    #[test]
    fn a_fast_clock_fires_timers_early_in_true_time() {
        let mut c = Clock::default();
        c.set_drift(SimTime(0), 250_000); // 25% fast
        assert_eq!(c.to_sim(SimDuration(1_000)), SimDuration(800));
    }
}
