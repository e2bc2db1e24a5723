//! FLP's runs: the machine adversary against the fixed coin and the fair one (golden runs,
//! measurements, tests).

use super::model::Coin;
use super::{FlpParams, Scheduler};
use crate::fault::{Fault, PlannedFault};
use crate::net::NetConfig;
use crate::scenario::{ProtocolSpec, Scenario};

/// Simulated time between two of the adversary's choices in these runs.
pub const GAP_US: u64 = 60_000;

/// `nodes` processes with `inputs` in the asynchronous model from the start, the adversary
/// choosing every move one `gap_us` apart.
fn adversary_scenario(
    inputs: &str,
    coin: Coin,
    gap_us: u64,
    nodes: u32,
    seed: u64,
    (duration_us, max_steps): (u64, u64),
) -> Scenario {
    Scenario {
        protocol: ProtocolSpec::Flp(FlpParams {
            inputs: inputs.into(),
            coin,
            scheduler: Scheduler::Adversary,
            gap_us,
        }),
        nodes,
        seed,
        network: NetConfig::default(),
        clocks: Vec::new(),
        faults: vec![PlannedFault {
            at_us: 0,
            fault: Fault::Asynchronous,
        }],
        duration_us,
        max_steps,
    }
}

/// Three processes with inputs 0, 1, 1 (a bivalent start) in the asynchronous model, the
/// machine adversary choosing every delivery, for about `deliveries` choices.
pub fn adversary_run(seed: u64, coin: Coin, deliveries: u64) -> Scenario {
    adversary_scenario("011", coin, GAP_US, 3, seed, limits_for(deliveries))
}

/// The duration and step limit of a run of about `deliveries` choices one [`GAP_US`] apart.
fn limits_for(deliveries: u64) -> (u64, u64) {
    (deliveries * GAP_US + GAP_US / 2, deliveries * 4 + 100)
}

/// The fixed coin against the machine adversary for about `deliveries` choices, from the
/// bivalent inputs 0, 1, 1; 1, 0, 1 and 1, 1, 0 in turn by seed ([`exercise_inputs`]).
pub fn fixed_coin_run(seed: u64, deliveries: u64) -> Scenario {
    let inputs = exercise_inputs(3, seed);
    adversary_scenario(inputs, Coin::Fixed, GAP_US, 3, seed, limits_for(deliveries))
}

/// The starting inputs of the exercise's runs with `n` processes, one per seed in turn. With 3,
/// the inputs with two 1s: they are bivalent (Lemma 2's configurations), where one 1 is already
/// 0-valent with the fixed coin and no choice of deliveries saves it. With 2, every input: a
/// protocol of 2 tolerates no crash, and one crash beats it whatever the inputs.
pub fn exercise_inputs(n: u32, seed: u64) -> &'static str {
    const THREE: [&str; 3] = ["011", "101", "110"];
    const TWO: [&str; 4] = ["01", "10", "00", "11"];
    if n >= 3 {
        THREE[(seed % 3) as usize]
    } else {
        TWO[(seed % 4) as usize]
    }
}

/// One seed of a simulation case of the FLP exercise: `case.nodes` processes (2 or 3) in the
/// asynchronous model, the fixed coin, inputs by seed ([`exercise_inputs`]), the adversary (the
/// learner's rule) choosing every move, a choice every [`EXERCISE_GAP_US`].
pub fn exercise_run(case: &crate::exercise::SimulationCase, seed: u64) -> Scenario {
    let n = case.nodes.clamp(2, super::MAX_NODES);
    let limits = (
        crate::schedules::EXERCISE_DURATION_US,
        crate::schedules::EXERCISE_MAX_STEPS,
    );
    adversary_scenario(
        exercise_inputs(n, seed),
        Coin::Fixed,
        EXERCISE_GAP_US,
        n,
        seed,
        limits,
    )
}

/// Simulated time between two of the exercise adversary's choices: the grader's run of
/// [`crate::schedules::EXERCISE_DURATION_US`] is then [`EXERCISE_CHOICES`] choices.
pub const EXERCISE_GAP_US: u64 = 62_500;

/// How many choices an exercise run lasts: "no decision for a long run".
pub const EXERCISE_CHOICES: u64 = crate::schedules::EXERCISE_DURATION_US / EXERCISE_GAP_US;
