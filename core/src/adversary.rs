//! Adversaries: opponents that watch a run and decide faults at chosen moments.
//!
//! A random nemesis rarely finds the schedules that break a protocol in an interesting way (the
//! Raft paper's Figure 8 never showed up in 2,000 random schedules). An adversary looks at the
//! cluster after every step (node state, messages in flight, the time) and strikes: crashes,
//! partitions, restarts. Its faults land 1 µs after the step that triggered them and are added to
//! the run's plan, so the run replays exactly from its scenario without the adversary, and a
//! counterexample it found can be shared like any other.

pub mod figure8;

use crate::actor::Protocol;
use crate::fault::{Fault, PlannedFault};
use crate::scenario::Scenario;
use crate::sim::Sim;

/// An opponent that watches a run of protocol `P` and decides faults.
pub trait Adversary<P: Protocol> {
    /// Looks at the cluster after a step (`sim.node_refs()`, `sim.in_flight()`, `sim.now()`);
    /// returns the faults to apply next.
    fn act(&mut self, sim: &Sim<P>) -> Vec<Fault>;

    /// True once it has played everything it meant to.
    fn finished(&self) -> bool;
}

/// Asks `adversary` about the step just taken, schedules its faults 1 µs later and adds them to
/// `played`, the scenario that replays the run.
pub fn strike<P: Protocol>(
    sim: &mut Sim<P>,
    adversary: &mut dyn Adversary<P>,
    played: &mut Scenario,
) {
    let at_us = sim.now().0 + 1;
    let faults: Vec<PlannedFault> = adversary
        .act(sim)
        .into_iter()
        .map(|fault| PlannedFault { at_us, fault })
        .collect();
    if !faults.is_empty() {
        sim.schedule(&faults);
        played.faults.extend(faults);
    }
}
