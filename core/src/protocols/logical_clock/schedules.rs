//! The logical clocks' seeded schedule: their golden runs and sweeps.

use crate::net::NetConfig;
use crate::rng::Ratio;
use crate::scenario::{ProtocolSpec, Scenario};
use crate::schedules::{ClockSpread, NetworkDraw, ScheduleConfig};

/// Four nodes with every clock skewed by up to ±50 ms and drifting by up to ±200 ppm, over a
/// lossy, duplicating network, under eight random faults in the first 0.5 s.
const UNDER_NEMESIS: ScheduleConfig = ScheduleConfig {
    stream: 0xC10C,
    clocks: Some(ClockSpread {
        skew_us_max: 50_000,
        drift_ppm_max: 200,
        stream: None,
    }),
    network: NetworkDraw::Fixed(NetConfig {
        latency_us_min: 1_000,
        latency_us_max: 40_000,
        drop: Ratio { num: 10, den: 100 },
        duplicate: Ratio { num: 10, den: 100 },
    }),
    nemesis: Some((500_000, 8, Ratio { num: 30, den: 100 })),
    duration_us: 2_000_000,
    max_steps: 20_000,
};

/// A 4-node cluster running `protocol` (a logical clock) over a lossy, duplicating network under a
/// random nemesis, with every clock skewed by up to ±50 ms and drifting by up to ±200 ppm.
pub fn clocks_under_nemesis(protocol: ProtocolSpec, seed: u64) -> Scenario {
    UNDER_NEMESIS.draw(protocol, 4, seed)
}
