//! The heartbeat detector's seeded schedules: its golden runs and sweeps.

use super::Heartbeat;
use crate::fault::{Fault, PlannedFault};
use crate::id::NodeId;
use crate::net::NetConfig;
use crate::rng::Ratio;
use crate::scenario::{ProtocolSpec, Scenario};
use crate::schedules::{NetworkDraw, ScheduleConfig};

/// Five nodes pinging every 20 ms over a lossy, duplicating network, under twelve random faults
/// in the first 0.4 s: the heartbeat's golden runs.
const UNDER_NEMESIS: ScheduleConfig = ScheduleConfig {
    stream: 99,
    clocks: None,
    network: NetworkDraw::Fixed(NetConfig {
        latency_us_min: 1_000,
        latency_us_max: 20_000,
        drop: Ratio { num: 5, den: 100 },
        duplicate: Ratio { num: 5, den: 100 },
    }),
    nemesis: Some((400_000, 12, Ratio { num: 40, den: 100 })),
    duration_us: 600_000,
    max_steps: 50_000,
};

/// A 5-node heartbeat cluster under a random nemesis derived from `seed`, and one node's clock
/// drifting 5% fast from 100 ms.
pub fn heartbeat_under_nemesis(seed: u64) -> Scenario {
    let protocol = ProtocolSpec::Heartbeat(Heartbeat {
        interval_us: 20_000,
        timeout_us: 60_000,
    });
    let mut s = UNDER_NEMESIS.draw(protocol, 5, seed);
    s.faults.push(PlannedFault {
        at_us: 100_000,
        fault: Fault::ClockDrift {
            node: NodeId((seed % 5) as u32),
            drift_ppm: 50_000,
        },
    });
    s
}

/// [`heartbeat_under_nemesis`] with two nodes paused (a stop-the-world pause, not a crash): a
/// golden run of [`Fault::Pause`], so natively and in wasm the same pauses give the same digest.
pub fn heartbeat_with_pauses(seed: u64) -> Scenario {
    let mut s = heartbeat_under_nemesis(seed);
    s.faults.push(PlannedFault {
        at_us: 150_000 + (seed % 7) * 10_000,
        fault: Fault::Pause {
            node: NodeId(((seed + 2) % 5) as u32),
            duration_us: 120_000,
        },
    });
    s.faults.push(PlannedFault {
        at_us: 320_000,
        fault: Fault::Pause {
            node: NodeId(((seed + 3) % 5) as u32),
            duration_us: 40_000,
        },
    });
    s
}
