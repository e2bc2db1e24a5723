//! The two generals: agreement over a lossy link is impossible with any fixed number of messages.
//!
//! General A (n0) proposes to attack at dawn and sends a messenger (round 1);
//! B answers (round 2), A answers that (round 3), and so on up to `rounds`.
//! Each general keeps re-sending its latest message until it hears the next
//! round, and at dawn (on its own clock) attacks only if it received every round
//! addressed to it. Whoever sends the last round can never know it arrived: if
//! every copy is lost, the sender attacks and the other holds. Adding rounds
//! only moves the doubt to the new last message (Gray 1978; Akkoyunlu et al. 1975).

pub mod invariants;
pub mod schedules;

use crate::actor::{Ctx, Field, NodeRef, Protocol, Violation};
use crate::controls::Control;
use crate::fault::PlannedFault;
use crate::id::{NodeId, TimerId};
use crate::lab::Lab;
use crate::scenario::Scenario;
use crate::time::SimDuration;
use serde::{Deserialize, Serialize};

/// Parameters of the two-generals exchange.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TwoGenerals {
    /// How many messages the exchange has (1: A's order only; 2: plus B's acknowledgement; ...).
    pub rounds: u32,
    /// How long a general waits before re-sending, on its own clock.
    pub retry_us: u64,
    /// When dawn comes, on each general's own clock.
    pub dawn_us: u64,
}

/// The most messages an exchange may take (more would only make the same point slower).
pub const MAX_ROUNDS: u32 = 20;

impl Default for TwoGenerals {
    fn default() -> Self {
        TwoGenerals {
            rounds: 2,
            retry_us: 40_000,
            dawn_us: 400_000,
        }
    }
}

/// A messenger carrying round `round` of the exchange.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// "I received round `round - 1`" (or, for round 1, "attack at dawn").
    Messenger {
        /// Which round this is.
        round: u32,
    },
}

/// What a general's timer means.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// Send the latest messenger again.
    Retry,
    /// Decide.
    Dawn,
}

/// What a general decided at dawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    /// March on the city.
    Attack,
    /// Stay in camp.
    Hold,
}

/// Written in the general's log book: survives a crash.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Durable {
    /// The decision, once dawn has come.
    pub decision: Option<Decision>,
}

/// What the general remembers while awake.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Volatile {
    /// The highest round received so far (0: none).
    pub highest_received: u32,
    /// The round this general is sending (0: none yet).
    pub sending: u32,
    retry: Option<TimerId>,
}

impl TwoGenerals {
    fn sender_of(round: u32) -> NodeId {
        if round % 2 == 1 {
            NodeId(0)
        } else {
            NodeId(1)
        }
    }

    /// The last round addressed to `me` (0 if none: A needs nothing to attack when rounds = 1).
    pub fn last_round_for(&self, me: NodeId) -> u32 {
        (1..=self.rounds)
            .rev()
            .find(|r| Self::sender_of(*r) != me)
            .unwrap_or(0)
    }

    fn send_round(&self, v: &mut Volatile, round: u32, ctx: &mut Ctx<'_, Self>) {
        v.sending = round;
        let other = NodeId(1 - ctx.id().0.min(1));
        ctx.send(other, Msg::Messenger { round });
        if let Some(t) = v.retry.take() {
            ctx.cancel_timer(t);
        }
        v.retry = Some(ctx.set_timer(SimDuration(self.retry_us), Timer::Retry));
    }

    /// Checks the parameters, naming the bad one.
    pub fn validate(&self, nodes: u32) -> Result<(), String> {
        if nodes != 2 {
            return Err(format!("two-generals needs exactly 2 nodes, not {nodes}"));
        }
        if !(1..=MAX_ROUNDS).contains(&self.rounds) {
            return Err(format!(
                "rounds must be 1..={MAX_ROUNDS}, not {}",
                self.rounds
            ));
        }
        if self.retry_us == 0 {
            return Err("retry_us must be more than 0".into());
        }
        Ok(())
    }
}

fn general(id: NodeId) -> &'static str {
    if id.0 == 0 {
        "A"
    } else {
        "B"
    }
}

impl Protocol for TwoGenerals {
    type Msg = Msg;
    type Timer = Timer;
    type Durable = Durable;
    type Volatile = Volatile;
    type Monitor = ();

    fn boot(&self, durable: &mut Durable, ctx: &mut Ctx<'_, Self>) -> Volatile {
        let mut v = Volatile::default();
        if durable.decision.is_some() {
            return v;
        }
        let until_dawn = (self.dawn_us as i64)
            .saturating_sub(ctx.now().as_us())
            .max(0) as u64;
        ctx.set_timer(SimDuration(until_dawn), Timer::Dawn);
        if ctx.id() == NodeId(0) {
            self.send_round(&mut v, 1, ctx);
        }
        v
    }

    fn on_message(
        &self,
        durable: &mut Durable,
        v: &mut Volatile,
        _from: NodeId,
        msg: Msg,
        ctx: &mut Ctx<'_, Self>,
    ) {
        let Msg::Messenger { round } = msg;
        if durable.decision.is_some() {
            return;
        }
        v.highest_received = v.highest_received.max(round);
        let next = round + 1;
        if next <= self.rounds && Self::sender_of(next) == ctx.id() && next > v.sending {
            self.send_round(v, next, ctx);
        }
    }

    fn on_timer(
        &self,
        durable: &mut Durable,
        v: &mut Volatile,
        timer: Timer,
        ctx: &mut Ctx<'_, Self>,
    ) {
        if durable.decision.is_some() {
            return;
        }
        match timer {
            Timer::Retry => {
                v.retry = None;
                // Stop once the reply to our round arrived; the last round is re-sent until dawn.
                if v.sending > 0 && v.highest_received < v.sending + 1 {
                    self.send_round(v, v.sending, ctx);
                }
            }
            Timer::Dawn => {
                let needed = self.last_round_for(ctx.id());
                let decision = if v.highest_received >= needed {
                    Decision::Attack
                } else {
                    Decision::Hold
                };
                durable.decision = Some(decision);
                if let Some(t) = v.retry.take() {
                    ctx.cancel_timer(t);
                }
                match decision {
                    Decision::Attack => {
                        ctx.note(format!("dawn: general {} ATTACKS", general(ctx.id())))
                    }
                    Decision::Hold => ctx.note(format!(
                        "dawn: general {} HOLDS (never heard round {needed})",
                        general(ctx.id())
                    )),
                }
            }
        }
    }

    fn inspect(&self, id: NodeId, durable: &Durable, volatile: Option<&Volatile>) -> Vec<Field> {
        let mut f = vec![Field::new("general", general(id))];
        if let Some(v) = volatile {
            f.push(Field::new("highest round received", v.highest_received));
            f.push(Field::new("sending round", v.sending));
        }
        f.push(Field::new("needs round", self.last_round_for(id)));
        let decided = match durable.decision {
            None => "not yet (waiting for dawn)",
            Some(Decision::Attack) => "attack",
            Some(Decision::Hold) => "hold",
        };
        f.push(Field::new("decision", decided));
        f
    }

    fn badge(&self, id: NodeId, durable: &Durable, _volatile: Option<&Volatile>) -> String {
        match durable.decision {
            None => general(id).to_string(),
            Some(Decision::Attack) => format!("{}: attack", general(id)),
            Some(Decision::Hold) => format!("{}: hold", general(id)),
        }
    }

    fn has_invariants(&self) -> bool {
        true
    }

    /// Agreement ([`invariants::agreement`]): both generals decide the same.
    fn check(&self, _monitor: &mut (), nodes: &[NodeRef<'_, Self>]) -> Vec<Violation> {
        let [a, b] = nodes else { return Vec::new() };
        invariants::agreement(a.durable.decision, b.durable.decision)
            .into_iter()
            .collect()
    }
}

impl Lab for TwoGenerals {
    const NAME: &'static str = "two-generals";
    type Params = TwoGenerals;

    fn reference(params: &TwoGenerals) -> Self {
        params.clone()
    }

    fn controls(params: &TwoGenerals, _nodes: u32, _live: &[PlannedFault]) -> Vec<Control> {
        vec![Control::Number {
            id: "rounds".into(),
            label: "Rounds (messages in the exchange)".into(),
            min: 1,
            max: MAX_ROUNDS,
            value: params.rounds,
        }]
    }

    fn set_control(params: &mut TwoGenerals, id: &str, value: u32) -> bool {
        match id {
            "rounds" => params.rounds = value,
            _ => return false,
        }
        true
    }

    fn node_range(_: &TwoGenerals) -> (u32, u32) {
        (2, 2)
    }

    fn validate(params: &TwoGenerals, nodes: u32) -> Result<(), String> {
        params.validate(nodes)
    }

    const GOLDEN_SEEDS: u64 = 64;

    fn golden_runs(seed: u64) -> Vec<Scenario> {
        vec![crate::protocols::two_generals::schedules::lossy_generals(
            seed,
        )]
    }
}
