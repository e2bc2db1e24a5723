//! Adversaries: opponents that watch a run and decide faults at chosen moments.
//!
//! A random nemesis rarely finds the schedules that break a protocol in an interesting way (the
//! Raft paper's Figure 8 never showed up in 2,000 random schedules). An adversary looks at the
//! cluster after every step (node state, messages in flight, the time) and strikes: crashes,
//! partitions, restarts. Its faults land 1 µs after the step that triggered them and are added to
//! the run's plan, so the run replays exactly from its scenario without the adversary, and a
//! counterexample it found can be shared like any other.
//!
//! An adversary can also be the scheduler. With messages held ([`Fault::Hold`]) or in the
//! asynchronous model ([`Fault::Asynchronous`], where nothing arrives and no timer fires on its
//! own), it sees what waits ([`Sim::held`]) and picks what happens next ([`Fault::Deliver`],
//! [`Fault::Fire`]); [`play`] runs such a game. [`figure8::Figure8`] crashes servers at the
//! moments the Raft paper's Figure 8 needs; [`longer_log::LongerLog`] builds a candidate whose log
//! is longer but older than its voters'; [`starve::Starve`] schedules everything but what
//! one node is owed, which is all an asynchronous system allows a slow node to be.

pub mod figure8;
pub mod longer_log;
pub mod starve;

use crate::actor::Protocol;
use crate::fault::{Fault, PlannedFault};
use crate::scenario::Scenario;
use crate::sim::Sim;

/// The Raft server that leads among the first `servers` of `nodes`, if one does (the Raft
/// adversaries watch for it).
pub(crate) fn raft_leader<'a>(
    nodes: &'a [crate::actor::NodeRef<'a, crate::protocols::raft::Raft>],
    servers: usize,
) -> Option<&'a crate::actor::NodeRef<'a, crate::protocols::raft::Raft>> {
    nodes[..servers].iter().find(|n| {
        n.volatile
            .is_some_and(|v| v.role == crate::protocols::raft::Role::Leader)
    })
}

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
///
/// A chosen held event ([`Fault::Deliver`], [`Fault::Fire`]) is scheduled 1 µs after it came
/// due at the soonest: holding only ever lengthens a delay, so a message never arrives sooner
/// than its network would have brought it and a timer never fires early, and a replay of the
/// played scenario finds the event already held when the choice comes.
pub fn strike<P: Protocol>(
    sim: &mut Sim<P>,
    adversary: &mut dyn Adversary<P>,
    played: &mut Scenario,
) {
    let soonest = sim.now().0 + 1;
    let faults: Vec<PlannedFault> = adversary
        .act(sim)
        .into_iter()
        .map(|fault| PlannedFault {
            at_us: sim
                .held_due(&fault)
                .map_or(soonest, |d| (d.0 + 1).max(soonest)),
            fault,
        })
        .collect();
    if !faults.is_empty() {
        sim.schedule(&faults);
        played.faults.extend(faults);
    }
}

/// Runs `sim` to `until` (at most `max_steps` steps) with `adversary` watching every step, and
/// also whenever nothing is due: in the asynchronous model ([`Fault::Asynchronous`]) or with
/// messages held, the run waits for the adversary to choose what happens next
/// ([`Fault::Deliver`], [`Fault::Fire`]). Stops when nothing is due and the adversary chooses
/// nothing. Returns the steps taken; `played` gets every fault it chose.
pub fn play<P: Protocol>(
    sim: &mut Sim<P>,
    adversary: &mut dyn Adversary<P>,
    played: &mut Scenario,
    until: crate::time::SimTime,
    max_steps: u64,
) -> u64 {
    let start = sim.steps();
    while sim.steps() - start < max_steps {
        if sim.next_event_time().is_some_and(|t| t <= until) {
            if sim.step() {
                strike(sim, adversary, played);
            }
            continue;
        }
        if adversary.finished() || sim.now() >= until {
            break;
        }
        let chosen = played.faults.len();
        strike(sim, adversary, played);
        if played.faults.len() == chosen {
            break;
        }
    }
    sim.steps() - start
}
