//! The two generals' runs: its golden runs and sweeps.

use super::TwoGenerals;
use crate::net::NetConfig;
use crate::rng::Ratio;
use crate::scenario::{ProtocolSpec, Scenario};

/// Two generals over a link that loses half its messages.
pub fn lossy_generals(seed: u64) -> Scenario {
    Scenario {
        protocol: ProtocolSpec::TwoGenerals(TwoGenerals {
            rounds: 3,
            retry_us: 30_000,
            dawn_us: 300_000,
        }),
        nodes: 2,
        seed,
        network: NetConfig {
            drop: Ratio::new(1, 2).unwrap_or(Ratio::ZERO),
            ..NetConfig::default()
        },
        clocks: Vec::new(),
        faults: Vec::new(),
        duration_us: 400_000,
        max_steps: 10_000,
    }
}
