//! The φ accrual detector's seeded schedules: its golden runs.

use super::PhiAccrualParams;
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
        protocol: ProtocolSpec::PhiAccrual(PhiAccrualParams::default()),
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

/// One seed of a simulation case of the failure-detectors exercise: `case.nodes` nodes on a calm
/// network (even seeds) or a jittery one (odd seeds), with the window, the minimum deviation and
/// the acceptable pause drawn from the seed so that each rule is exercised at several settings;
/// with `faults`, a node pauses for 250 ms at 700 ms and another crashes at 1.6 s.
pub fn exercise_run(case: &crate::exercise::SimulationCase, seed: u64) -> Scenario {
    let n = u64::from(case.nodes.max(2));
    let params = PhiAccrualParams {
        window: [3, 10, 100][(seed % 3) as usize],
        min_std_deviation_us: [10_000, 2_000][((seed / 3) % 2) as usize],
        acceptable_pause_us: [0, 30_000][((seed / 2) % 2) as usize],
        ..PhiAccrualParams::default()
    };
    let network = if seed.is_multiple_of(2) {
        NetConfig {
            latency_us_min: 5_000,
            latency_us_max: 15_000,
            drop: Ratio::ZERO,
            duplicate: Ratio::ZERO,
        }
    } else {
        NetConfig {
            latency_us_min: 1_000,
            latency_us_max: 90_000,
            drop: Ratio { num: 2, den: 100 },
            duplicate: Ratio::ZERO,
        }
    };
    let mut faults = Vec::new();
    if case.faults {
        faults.push(PlannedFault {
            at_us: 700_000,
            fault: Fault::Pause {
                node: NodeId(((seed + 1) % n) as u32),
                duration_us: 250_000,
            },
        });
        faults.push(PlannedFault {
            at_us: 1_600_000,
            fault: Fault::Crash {
                node: NodeId((seed % n) as u32),
            },
        });
    }
    Scenario {
        protocol: ProtocolSpec::PhiAccrual(params),
        nodes: case.nodes,
        seed,
        network,
        clocks: Vec::new(),
        faults,
        duration_us: crate::schedules::EXERCISE_DURATION_US,
        max_steps: crate::schedules::EXERCISE_MAX_STEPS,
    }
}

/// How many deviations past the mean the exercise's rule allows, for a seed: 2 to 5.
pub fn exercise_k(seed: u64) -> u64 {
    2 + (seed / 6) % 4
}
