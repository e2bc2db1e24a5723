//! Lamport clocks (Lamport 1978, "Time, Clocks, and the Ordering of Events"):
//! a counter per node, incremented before every event, carried on every message,
//! and pushed past the sender's value on receipt. Then a → b implies C(a) < C(b)
//! (the clock condition); the converse does not hold.
//!
//! The two rules are pluggable, so an exercise can run a learner's rules in the
//! same cluster and a checker can compare them with the simulator's own
//! happens-before.

#[cfg(feature = "grader")]
mod grade;
pub mod invariants;

use crate::exercise::{no_case_options, RuleSetInfo, SimulationCase};
use crate::lab::Lab;
use crate::protocols::spec::ProtocolSpec;
use crate::scenario::Scenario;
use crate::actor::{Ctx, Field, Protocol};
use crate::id::NodeId;
use crate::rng::Ratio;
use crate::time::SimDuration;
use crate::trace::Stamp;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::rc::Rc;

/// The rules a Lamport clock follows. The reference implements them; an exercise runs a learner's.
pub trait LamportRules {
    /// The clock after a local event or a send (its value stamps the event and the message).
    fn tick(&self, clock: u64) -> u64;
    /// The clock after receiving a message stamped `msg_time`.
    fn receive(&self, clock: u64, msg_time: u64) -> u64;
}

/// Lamport's own rules: increment; on receipt, max then increment.
pub struct ReferenceRules;

impl LamportRules for ReferenceRules {
    fn tick(&self, clock: u64) -> u64 {
        clock + 1
    }
    fn receive(&self, clock: u64, msg_time: u64) -> u64 {
        clock.max(msg_time) + 1
    }
}

/// The workload: each node acts at random intervals, sending to a random peer or doing a local event.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LamportParams {
    /// Shortest gap between a node's own actions, on its clock.
    pub gap_us_min: u64,
    /// Longest gap between a node's own actions.
    pub gap_us_max: u64,
    /// Chance that an action is a send rather than a local event.
    pub send: Ratio,
    /// Actions per node before it falls quiet.
    pub actions: u32,
}

impl Default for LamportParams {
    fn default() -> Self {
        LamportParams {
            gap_us_min: 20_000,
            gap_us_max: 80_000,
            send: Ratio { num: 2, den: 3 },
            actions: 8,
        }
    }
}

impl LamportParams {
    /// Checks the parameters, naming the bad one.
    pub fn validate(&self, nodes: u32) -> Result<(), String> {
        if !(1..=16).contains(&nodes) {
            return Err(format!("lamport needs 1..=16 nodes, not {nodes}"));
        }
        if self.gap_us_min == 0 || self.gap_us_min > self.gap_us_max {
            return Err("need 0 < gap_us_min <= gap_us_max".into());
        }
        if self.actions > 10_000 {
            return Err(format!(
                "actions must be at most 10000, not {}",
                self.actions
            ));
        }
        Ok(())
    }
}

/// A Lamport-clock cluster with some set of rules.
#[derive(Clone)]
pub struct Lamport {
    /// The workload.
    pub params: LamportParams,
    rules: Rc<dyn LamportRules>,
}

impl fmt::Debug for Lamport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lamport")
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl Lamport {
    /// With Lamport's own rules.
    pub fn reference(params: LamportParams) -> Self {
        Lamport {
            params,
            rules: Rc::new(ReferenceRules),
        }
    }

    /// With other rules (a learner's).
    pub fn with_rules(params: LamportParams, rules: Rc<dyn LamportRules>) -> Self {
        Lamport { params, rules }
    }

    fn arm(&self, ctx: &mut Ctx<'_, Self>) {
        let gap = ctx
            .rng()
            .between(self.params.gap_us_min, self.params.gap_us_max);
        ctx.set_timer(SimDuration(gap), Timer::Act);
    }
}

/// A message carrying its sender's clock.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// "Here is something; my clock said `time` when I sent it."
    Event {
        /// The sender's Lamport time for the send.
        time: u64,
    },
}

/// The only timer: time to act.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// Do the next action.
    Act,
}

/// The clock is persisted, so a restart does not run it backwards.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Durable {
    /// The Lamport clock.
    pub clock: u64,
    /// Actions taken so far.
    pub actions: u32,
}

/// Nothing needs to live only in memory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Volatile;

impl Protocol for Lamport {
    type Msg = Msg;
    type Timer = Timer;
    type Durable = Durable;
    type Volatile = Volatile;
    type Monitor = ();


    fn boot(&self, durable: &mut Durable, ctx: &mut Ctx<'_, Self>) -> Volatile {
        if durable.actions < self.params.actions {
            self.arm(ctx);
        }
        Volatile
    }

    fn on_message(
        &self,
        d: &mut Durable,
        _v: &mut Volatile,
        _from: NodeId,
        msg: Msg,
        ctx: &mut Ctx<'_, Self>,
    ) {
        let Msg::Event { time } = msg;
        d.clock = self.rules.receive(d.clock, time);
        ctx.stamp(Stamp::Lamport(d.clock));
    }

    fn on_timer(&self, d: &mut Durable, _v: &mut Volatile, _timer: Timer, ctx: &mut Ctx<'_, Self>) {
        d.actions += 1;
        d.clock = self.rules.tick(d.clock);
        ctx.stamp(Stamp::Lamport(d.clock));
        let peers: Vec<NodeId> = ctx.peers().collect();
        let send = ctx.rng().chance(self.params.send);
        if send {
            if let Some(&to) = ctx.rng().pick(&peers) {
                ctx.send(to, Msg::Event { time: d.clock });
            }
        }
        if d.actions < self.params.actions {
            self.arm(ctx);
        }
    }

    fn inspect(&self, _id: NodeId, d: &Durable, _v: Option<&Volatile>) -> Vec<Field> {
        vec![
            Field::new("Lamport clock (durable)", d.clock),
            Field::new("actions taken", d.actions),
        ]
    }

    fn badge(&self, _id: NodeId, d: &Durable, _v: Option<&Volatile>) -> String {
        format!("L={}", d.clock)
    }
}

impl Lab for Lamport {
    const NAME: &'static str = "lamport";
    type Params = LamportParams;
    const OPENS_WITH_SPACETIME: bool = true;

    const RULE_SETS: &'static [RuleSetInfo] = &[RuleSetInfo {
        id: "lamport",
        summary: "`tick(clock)` and `receive(clock, msg_time)`, each returning the new clock",
        functions: &[("tick", &["clock"]), ("receive", &["clock", "msg_time"])],
        scenario: exercise_scenario,
        check_case: no_case_options,
        #[cfg(feature = "grader")]
        schedule: grade::schedule,
    }];

    fn reference(params: &LamportParams) -> Self {
        Lamport::reference(params.clone())
    }

    fn validate(params: &LamportParams, nodes: u32) -> Result<(), String> {
        params.validate(nodes)
    }

    fn golden_runs(seed: u64) -> Vec<Scenario> {
        vec![crate::testkit::clocks_under_nemesis(ProtocolSpec::of::<Lamport>(LamportParams::default()), seed)]
    }
}

/// The schedule a graded Lamport exercise runs for one seed: the default workload under
/// [`crate::schedules::exercise_schedule`].
fn exercise_scenario(case: &SimulationCase, seed: u64) -> Scenario {
    crate::schedules::exercise_schedule(
        ProtocolSpec::of::<Lamport>(LamportParams::default()),
        case,
        seed,
    )
}
