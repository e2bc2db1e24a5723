//! A scheduler that starves one node: in the asynchronous model it lets every held event happen,
//! oldest first, except the messages addressed to its victim and the victim's timers, which wait
//! for as long as it plays.
//!
//! This is the asynchronous model's one freedom made visible: a message may take any finite time,
//! so nothing a node sees distinguishes a starved peer from a crashed one (Fischer, Lynch and
//! Paterson 1985, and Chandra and Toueg 1996 for what it means for failure detectors). A starved
//! node is correct; it is only slow.

use super::Adversary;
use crate::actor::Protocol;
use crate::fault::Fault;
use crate::id::NodeId;
use crate::sim::{Held, Sim};

/// Starves `victim` for `rounds` choices, then releases everything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Starve {
    /// The node whose messages and timers wait.
    pub victim: NodeId,
    /// How many events it lets happen before releasing everything.
    pub rounds: u32,
    played: u32,
    done: bool,
}

impl Starve {
    /// Starves `victim` for `rounds` choices.
    pub fn new(victim: NodeId, rounds: u32) -> Self {
        Starve {
            victim,
            rounds,
            played: 0,
            done: false,
        }
    }
}

impl<P: Protocol> Adversary<P> for Starve {
    fn act(&mut self, sim: &Sim<P>) -> Vec<Fault> {
        if self.done {
            return Vec::new();
        }
        if self.played >= self.rounds {
            self.done = true;
            return vec![Fault::ReleaseAll];
        }
        // Only when nothing else is due: the adversary chooses between steps, not during them.
        if sim.next_event_time().is_some() {
            return Vec::new();
        }
        let next = sim.held().into_iter().find_map(|h| match h {
            Held::Message(m) if m.to != self.victim => Some(Fault::Deliver { msg: m.msg }),
            Held::Timer { node, timer, .. } if node != self.victim => Some(Fault::Fire { timer }),
            _ => None,
        });
        match next {
            Some(f) => {
                self.played += 1;
                vec![f]
            }
            None => {
                self.done = true;
                vec![Fault::ReleaseAll]
            }
        }
    }

    fn finished(&self) -> bool {
        self.done
    }
}
