//! Seeded schedules: the scenarios that graders and sweeps run, drawn from a seed.
//!
//! A graded simulation case runs its protocol under one schedule per seed: a lossy, duplicating,
//! reordering network and, if the case asks, a nemesis of crashes, restarts and partitions. The
//! schedule is data (a [`Scenario`]), so a failing one is a counterexample that replays exactly
//! and can be shared.

use crate::exercise::SimulationCase;
use crate::fault::{random_plan, NemesisConfig};
use crate::net::NetConfig;
use crate::rng::{Ratio, Rng};
use crate::scenario::{ProtocolSpec, Scenario};

/// Simulated time one graded schedule covers.
pub const EXERCISE_DURATION_US: u64 = 3_000_000;
/// Steps one graded schedule may take.
pub const EXERCISE_MAX_STEPS: u64 = 20_000;

/// The schedule of a simulation case for one seed: a lossy, duplicating, reordering network
/// (latency 0.5 ms to up to 80 ms, up to 24% loss and duplication) and, if `case.faults`, six
/// random faults in the first 0.6 s, then everything healed and restarted.
pub fn exercise_schedule(protocol: ProtocolSpec, case: &SimulationCase, seed: u64) -> Scenario {
    let mut rng = Rng::stream(seed, 0x5C4E);
    let network = NetConfig {
        latency_us_min: 500,
        latency_us_max: rng.between(5_000, 80_000),
        drop: Ratio::percent(rng.below(25) as u32),
        duplicate: Ratio::percent(rng.below(25) as u32),
    };
    let faults = if case.faults {
        let cfg = NemesisConfig {
            nodes: case.nodes,
            horizon_us: 600_000,
            faults: 6,
            max_drop: Ratio::percent(40),
        };
        random_plan(&mut rng, &cfg)
    } else {
        Vec::new()
    };
    Scenario {
        protocol,
        nodes: case.nodes,
        seed,
        network,
        clocks: Vec::new(),
        faults,
        duration_us: EXERCISE_DURATION_US,
        max_steps: EXERCISE_MAX_STEPS,
    }
}
