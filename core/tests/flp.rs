//! FLP in the simulator: the machine adversary keeps the deterministic protocol undecided while
//! every message is delivered soon after it becomes the oldest, the fair coin decides against
//! the same adversary, and the learner's choices leave the run waiting.

mod common;

use common::opts;
use netsplit_core::protocols::flp::model::Coin;
use netsplit_core::protocols::flp::schedules::{adversary_run, GAP_US};
use netsplit_core::protocols::flp::{Flp, FlpParams};
use netsplit_core::{Lab, Scenario, Sim};

fn sim(s: &Scenario) -> Sim<Flp> {
    s.sim(Flp::reference(&flp_params(s)), opts())
}

fn flp_params(s: &Scenario) -> FlpParams {
    match &s.protocol {
        netsplit_core::ProtocolSpec::Flp(p) => p.clone(),
        other => panic!("not an FLP scenario: {other:?}"),
    }
}

fn decided(sim: &Sim<Flp>) -> Option<u8> {
    sim.node_refs()
        .iter()
        .find_map(|n| n.volatile.and_then(|p| p.decided))
}

#[test]
fn the_machine_adversary_keeps_three_processes_undecided_for_two_hundred_and_fifty_deliveries() {
    for seed in 0..4 {
        let s = adversary_run(seed, Coin::Fixed, 300);
        let mut sim = sim(&s);
        let mut longest_wait_us = 0;
        let end = netsplit_core::time::SimTime(s.duration_us);
        while sim.next_event_time().is_some_and(|t| t <= end) {
            sim.step();
            // Admissible: the oldest held message never waits long.
            if let Some(netsplit_core::sim::Held::Message(m)) = sim.held().first() {
                longest_wait_us = longest_wait_us.max(sim.now().0 - m.deliver_at.0);
            }
        }
        assert!(sim.steps() >= 250, "seed {seed}: {} steps", sim.steps());
        assert_eq!(decided(&sim), None, "seed {seed}");
        assert_eq!(sim.violations().count(), 0);
        assert!(
            longest_wait_us <= 40 * GAP_US,
            "seed {seed}: a message waited {longest_wait_us} µs"
        );
        let rounds = sim
            .node_refs()
            .iter()
            .filter_map(|n| n.volatile.map(|p| p.round))
            .min()
            .unwrap_or(0);
        assert!(
            rounds >= 10,
            "seed {seed}: every process only reached round {rounds}"
        );
    }
}

#[test]
fn the_fair_coin_decides_against_the_same_adversary() {
    let mut decided_runs = 0;
    for seed in 0..8 {
        let s = adversary_run(seed, Coin::Fair, 300);
        let (outcome, _) = s.run(opts()).expect("runs");
        assert!(outcome.violations.is_empty(), "seed {seed}");
        let mut sim = sim(&s);
        sim.run_until(netsplit_core::time::SimTime(s.duration_us), s.max_steps);
        if decided(&sim).is_some() {
            decided_runs += 1;
        }
    }
    assert_eq!(decided_runs, 8);
}

#[test]
fn with_you_as_the_scheduler_the_run_waits_for_your_choice() {
    let mut s = adversary_run(1, Coin::Fixed, 10);
    s.protocol = netsplit_core::ProtocolSpec::Flp(FlpParams::default());
    let mut sim = sim(&s);
    sim.run_until(netsplit_core::time::SimTime(s.duration_us), s.max_steps);
    assert_eq!(
        sim.steps(),
        1,
        "only the switch to asynchrony happened; every report waits"
    );
    assert_eq!(sim.held().len(), 6);
}
