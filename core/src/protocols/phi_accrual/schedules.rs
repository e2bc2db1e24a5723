//! The φ accrual detector's seeded schedules: its golden runs.

use super::PhiAccrual;
use crate::fault::{Fault, PlannedFault};
use crate::id::NodeId;
use crate::net::NetConfig;
use crate::rng::Ratio;
use crate::scenario::{ProtocolSpec, Scenario};

/// Five nodes pinging every 50 ms over a jittery link (1 to 40 ms, 2% loss): one node pauses
/// for 300 ms at 400 ms and another crashes at 900 ms, both named by the seed. The pause is
/// suspected as the crash is (φ cannot tell them apart), and heard again after it.
pub fn phi_crash_and_pause(seed: u64) -> Scenario {
    let paused = NodeId((seed % 5) as u32);
    let crashed = NodeId(((seed + 1 + seed % 3) % 5) as u32);
    Scenario {
        protocol: ProtocolSpec::PhiAccrual(PhiAccrual::default()),
        nodes: 5,
        seed,
        network: NetConfig {
            latency_us_min: 1_000,
            latency_us_max: 40_000,
            drop: Ratio { num: 2, den: 100 },
            duplicate: Ratio { num: 0, den: 100 },
        },
        clocks: Vec::new(),
        faults: vec![
            PlannedFault {
                at_us: 400_000,
                fault: Fault::Pause {
                    node: paused,
                    duration_us: 300_000,
                },
            },
            PlannedFault {
                at_us: 900_000,
                fault: Fault::Crash { node: crashed },
            },
        ],
        duration_us: 1_500_000,
        max_steps: 100_000,
    }
}
