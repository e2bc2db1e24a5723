//! FLP's runs: the machine adversary against the fixed coin and the fair one (golden runs,
//! measurements, tests).

use super::model::Coin;
use super::{FlpParams, Scheduler};
use crate::fault::{Fault, PlannedFault};
use crate::net::NetConfig;
use crate::scenario::{ProtocolSpec, Scenario};

/// Simulated time between two of the adversary's choices in these runs.
pub const GAP_US: u64 = 60_000;

/// Three processes with inputs 0, 1, 1 (a bivalent start) in the asynchronous model, the
/// machine adversary choosing every delivery, for about `deliveries` choices.
pub fn adversary_run(seed: u64, coin: Coin, deliveries: u64) -> Scenario {
    Scenario {
        protocol: ProtocolSpec::Flp(FlpParams {
            inputs: "011".into(),
            coin,
            scheduler: Scheduler::Adversary,
            gap_us: GAP_US,
        }),
        nodes: 3,
        seed,
        network: NetConfig::default(),
        clocks: Vec::new(),
        faults: vec![PlannedFault {
            at_us: 0,
            fault: Fault::Asynchronous,
        }],
        duration_us: deliveries * GAP_US + GAP_US / 2,
        max_steps: deliveries * 4 + 100,
    }
}
