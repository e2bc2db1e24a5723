//! The consensus protocol the FLP lesson plays with, as pure functions of a process's state: the
//! simulator's handlers and the valence explorer ([`super::explore`]) run the same code.
//!
//! It is Ben-Or's protocol for crash faults (Ben-Or 1983), rounds of two phases, with `n`
//! processes of which `f = (n - 1) / 2` may crash, so each waits for `n - f` messages of a phase
//! (its own included):
//! - **report**: send your value; with `n - f` reports, if more than `n / 2` carry the same value
//!   `w`, propose `w`, otherwise propose nothing (⊥);
//! - **propose**: send the proposal; with `n - f` proposals, decide `w` if at least `f + 1` carry
//!   it, else adopt `w` if any does, else take the coin.
//!
//! Safety does not depend on the coin: two reports majorities intersect, so a round has at most
//! one proposed value, and a decision's `f + 1` proposals meet every other process's `n - f`, so
//! everyone leaves the round holding the decided value. With a **fixed coin** (adopt 0) the
//! protocol is deterministic, and FLP says an adversary that only chooses the order of
//! deliveries can keep it undecided forever; with a **fair coin** it decides with probability 1.
//! A process that decides tells the others ([`Msg::Decided`]) and stops.

use serde::{Deserialize, Serialize};

/// What a process collected: `(round, phase, from, value)`, sorted.
pub type Collected = Vec<(u32, Phase, u32, Option<u8>)>;

/// Where a process is in its round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phase {
    /// Collecting reports.
    Report,
    /// Collecting proposals.
    Propose,
    /// Decided and stopped.
    Done,
}

/// A message between processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Msg {
    /// "My value in round `round` is `value`."
    Report {
        /// The round.
        round: u32,
        /// The sender's value, 0 or 1.
        value: u8,
    },
    /// "In round `round` I propose `value`" (`None`: ⊥, no majority among my reports).
    Propose {
        /// The round.
        round: u32,
        /// The proposed value, or ⊥.
        value: Option<u8>,
    },
    /// "I decided `value`": the receiver decides it too.
    Decided {
        /// The decision.
        value: u8,
    },
}

/// What a process adopts when every proposal it collected was ⊥.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Coin {
    /// Always 0: the protocol is deterministic, which is the case FLP is about.
    #[default]
    Fixed,
    /// A fair coin, flipped with the node's seeded randomness: Ben-Or's protocol.
    Fair,
}

/// One process's state: all of it is memory (a crash in this model is forever).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Proc {
    /// Its input.
    pub input: u8,
    /// Its current value.
    pub value: u8,
    /// Its round, from 1.
    pub round: u32,
    /// Its phase in the round.
    pub phase: Phase,
    /// Its decision, once made.
    pub decided: Option<u8>,
    /// Messages collected for this phase and later ones, as `(round, phase, from, value)`, sorted
    /// (a set: the order they came in does not change what the process does).
    pub got: Collected,
}

/// The messages a step sends, as `(to, message)`.
pub type Sends = Vec<(u32, Msg)>;

/// The cluster's shape: `n` processes, `f` of which may crash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Shape {
    /// How many processes.
    pub n: u32,
    /// The coin rule.
    pub coin: Coin,
}

impl Shape {
    /// How many may crash: fewer than half.
    pub fn f(&self) -> u32 {
        (self.n - 1) / 2
    }

    /// How many messages of a phase a process waits for (its own included).
    pub fn quorum(&self) -> u32 {
        self.n - self.f()
    }

    /// Process `me` starts with `input`: it reports in round 1.
    pub fn start(&self, me: u32, input: u8) -> (Proc, Sends) {
        let mut p = Proc {
            input,
            value: input,
            round: 1,
            phase: Phase::Report,
            decided: None,
            got: Collected::new(),
        };
        let mut sends = Vec::new();
        self.enter(me, &mut p, &mut sends, 0);
        (p, sends)
    }

    /// True if `msg` would change nothing at a process in state `p` (it decided, or the message
    /// is for a phase it has left): the explorer drops such messages.
    pub fn is_stale(&self, p: &Proc, msg: &Msg) -> bool {
        match (p.phase, msg) {
            (Phase::Done, _) => true,
            (_, Msg::Decided { .. }) => false,
            (_, Msg::Report { round, .. }) => (*round, Phase::Report) < (p.round, p.phase),
            (_, Msg::Propose { round, .. }) => (*round, Phase::Propose) < (p.round, p.phase),
        }
    }

    /// Process `me` in state `p` receives `msg` from `from`. `flip` is the coin's outcome, used
    /// only with a fair coin when every proposal was ⊥. Returns what it sends and whether the
    /// coin was used (the explorer then tries the other outcome too).
    pub fn receive(&self, me: u32, p: &mut Proc, from: u32, msg: Msg, flip: u8) -> (Sends, bool) {
        let mut sends = Vec::new();
        if self.is_stale(p, &msg) {
            return (sends, false);
        }
        let entry = match msg {
            Msg::Decided { value } => {
                p.decided = Some(value);
                p.value = value;
                p.phase = Phase::Done;
                p.got.clear();
                return (sends, false);
            }
            Msg::Report { round, value } => (round, Phase::Report, from, Some(value)),
            Msg::Propose { round, value } => (round, Phase::Propose, from, value),
        };
        if let Err(at) = p.got.binary_search(&entry) {
            p.got.insert(at, entry);
        }
        let used = self.advance(me, p, &mut sends, flip);
        (sends, used)
    }

    /// Sends this phase's message and counts it as received from itself, then acts if enough
    /// has already arrived. Returns whether the coin was used.
    fn enter(&self, me: u32, p: &mut Proc, sends: &mut Sends, flip: u8) -> bool {
        let (msg, own) = match p.phase {
            Phase::Report => (
                Msg::Report {
                    round: p.round,
                    value: p.value,
                },
                Some(p.value),
            ),
            Phase::Propose => {
                let proposal = self.proposal(p);
                (
                    Msg::Propose {
                        round: p.round,
                        value: proposal,
                    },
                    proposal,
                )
            }
            Phase::Done => return false,
        };
        for to in (0..self.n).filter(|to| *to != me) {
            sends.push((to, msg));
        }
        let entry = (p.round, p.phase, me, own);
        if let Err(at) = p.got.binary_search(&entry) {
            p.got.insert(at, entry);
        }
        self.advance(me, p, sends, flip)
    }

    /// How many values of the current phase were collected, and how many of them are `Some(0)`
    /// and `Some(1)`: counted in place, since the explorer calls this for every delivery.
    fn tally(&self, p: &Proc, phase: Phase) -> (u64, [u64; 2]) {
        let mut total = 0;
        let mut of = [0u64; 2];
        for (r, ph, _, v) in &p.got {
            if *r == p.round && *ph == phase {
                total += 1;
                if let Some(w) = v {
                    of[usize::from(*w & 1)] += 1;
                }
            }
        }
        (total, of)
    }

    /// What a process proposes from its reports: the value more than half of all processes
    /// reported, or ⊥.
    fn proposal(&self, p: &Proc) -> Option<u8> {
        let (_, of) = self.tally(p, Phase::Report);
        (0..=1u8).find(|w| 2 * of[usize::from(*w)] > u64::from(self.n))
    }

    /// Moves to the next phase if a quorum of this one has arrived.
    fn advance(&self, me: u32, p: &mut Proc, sends: &mut Sends, flip: u8) -> bool {
        let (total, of) = self.tally(p, p.phase);
        if total < u64::from(self.quorum()) {
            return false;
        }
        match p.phase {
            Phase::Report => {
                p.phase = Phase::Propose;
                self.enter(me, p, sends, flip)
            }
            Phase::Propose => {
                let count = |w: u8| of[usize::from(w)];
                if let Some(w) = (0..=1u8).find(|w| count(*w) > u64::from(self.f())) {
                    p.decided = Some(w);
                    p.value = w;
                    p.phase = Phase::Done;
                    p.got.clear();
                    for to in (0..self.n).filter(|to| *to != me) {
                        sends.push((to, Msg::Decided { value: w }));
                    }
                    return false;
                }
                let mut used = false;
                p.value = match (0..=1u8).find(|w| count(*w) > 0) {
                    Some(w) => w,
                    None => match self.coin {
                        Coin::Fixed => 0,
                        Coin::Fair => {
                            used = true;
                            flip & 1
                        }
                    },
                };
                let round = p.round;
                p.got.retain(|(r, _, _, _)| *r > round);
                p.round += 1;
                p.phase = Phase::Report;
                self.enter(me, p, sends, flip) || used
            }
            Phase::Done => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape() -> Shape {
        Shape {
            n: 3,
            coin: Coin::Fixed,
        }
    }

    #[test]
    fn a_process_starts_by_reporting_its_input_to_every_other() {
        let (p, sends) = shape().start(1, 1);
        assert_eq!(p.round, 1);
        assert_eq!(p.phase, Phase::Report);
        assert_eq!(
            sends,
            vec![
                (0, Msg::Report { round: 1, value: 1 }),
                (2, Msg::Report { round: 1, value: 1 })
            ]
        );
    }

    #[test]
    fn two_equal_reports_of_three_make_a_proposal_and_two_equal_proposals_a_decision() {
        let s = shape();
        let (mut p, _) = s.start(0, 1);
        let (sends, _) = s.receive(0, &mut p, 1, Msg::Report { round: 1, value: 1 }, 0);
        assert_eq!(p.phase, Phase::Propose);
        assert!(sends.contains(&(
            2,
            Msg::Propose {
                round: 1,
                value: Some(1)
            }
        )));
        let (sends, _) = s.receive(
            0,
            &mut p,
            2,
            Msg::Propose {
                round: 1,
                value: Some(1),
            },
            0,
        );
        assert_eq!(p.decided, Some(1));
        assert!(sends.contains(&(1, Msg::Decided { value: 1 })));
    }

    #[test]
    fn split_reports_propose_nothing_and_all_nothing_adopts_the_fixed_coin() {
        let s = shape();
        let (mut p, _) = s.start(0, 1);
        s.receive(0, &mut p, 1, Msg::Report { round: 1, value: 0 }, 0);
        assert_eq!(p.phase, Phase::Propose);
        s.receive(
            0,
            &mut p,
            2,
            Msg::Propose {
                round: 1,
                value: None,
            },
            1,
        );
        assert_eq!((p.round, p.value, p.decided), (2, 0, None));
    }

    #[test]
    fn a_fair_coin_takes_the_flip_and_says_it_did() {
        let s = Shape {
            n: 3,
            coin: Coin::Fair,
        };
        let (mut p, _) = s.start(0, 0);
        s.receive(0, &mut p, 1, Msg::Report { round: 1, value: 1 }, 1);
        let (_, used) = s.receive(
            0,
            &mut p,
            2,
            Msg::Propose {
                round: 1,
                value: None,
            },
            1,
        );
        assert!(used);
        assert_eq!((p.round, p.value), (2, 1));
    }

    #[test]
    fn a_message_for_a_phase_already_left_changes_nothing() {
        let s = shape();
        let (mut p, _) = s.start(0, 1);
        s.receive(0, &mut p, 1, Msg::Report { round: 1, value: 1 }, 0);
        let before = p.clone();
        assert!(s.is_stale(&p, &Msg::Report { round: 1, value: 0 }));
        s.receive(0, &mut p, 2, Msg::Report { round: 1, value: 0 }, 0);
        assert_eq!(p, before);
    }
}
