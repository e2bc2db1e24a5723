//! Hybrid logical clocks (Kulkarni, Demirbas, Madappa, Avva, Leone 2014, "Logical
//! Physical Clocks", §3, Fig. 5): a Lamport clock that stays close to physical time.
//!
//! Each node keeps a pair `(l, c)`. `l` is the largest physical clock reading the
//! node has heard of, its own or one carried on a message; `c` counts events that
//! share that `l`. Timestamps are compared lexicographically, so, like Lamport
//! time, e → f implies (l, c)(e) < (l, c)(f). Unlike Lamport time, `l` reads like a
//! wall clock (in microseconds here), so it can stamp database versions and answer
//! "give me a snapshot as of 10:03" while still respecting causality.
//!
//! With `pt` the node's physical clock at the event (`ctx.now()`), the rules are:
//!
//! ```text
//! send or local event:             receive of (ml, mc):
//!   l' = max(l, pt)                  l' = max(l, ml, pt)
//!   c' = c + 1  if l' == l           c' = max(c, mc) + 1  if l' == l == ml
//!        0      otherwise                 c + 1           if l' == l only
//!                                         mc + 1          if l' == ml only
//!                                         0               otherwise (pt won)
//! ```
//!
//! Two properties follow (§3.2): `l ≥ pt` always, and `l` is some physical reading
//! from the event's causal past, so it is never ahead of the fastest clock in the
//! cluster: `l - pt` is at most the offset between clocks, ε. And `c` stays small,
//! because it resets whenever physical time moves past `l`.
//!
//! The pair is persisted, like a Lamport clock, so a restart does not run it
//! backwards. The rules are pluggable, as in [`crate::protocols::lamport`], so an
//! exercise can run a learner's rules and check them against the simulator's
//! happens-before and against the physical clocks of the run.

#[cfg(feature = "grader")]
mod grade;
pub mod invariants;

use crate::clock::ClockSetting;
use crate::exercise::{no_case_options, RuleSetInfo, SimulationCase};
use crate::lab::Lab;
use crate::protocols::spec::ProtocolSpec;
use crate::rng::Rng;
use crate::scenario::Scenario;
use crate::actor::{Ctx, Field, Protocol};
use crate::id::NodeId;
use crate::protocols::lamport::LamportParams;
use crate::protocols::{action_target, arm_action};
use crate::time::LocalTime;
use crate::trace::Stamp;
use std::fmt;
use std::rc::Rc;

/// A hybrid timestamp. The derived order compares `l` first, then `c`: the lexicographic order of the paper.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HlcTime {
    /// The largest physical time heard of, in microseconds.
    pub l: i64,
    /// Counts events that share that `l`.
    pub c: u64,
}

impl HlcTime {
    /// The stamp recorded in the trace.
    pub fn stamp(self) -> Stamp {
        Stamp::Hlc {
            wall_us: self.l,
            logical: self.c,
        }
    }
}

impl fmt::Display for HlcTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({}, {})", self.l, self.c)
    }
}

/// The rules a hybrid logical clock follows. The reference implements them; an exercise runs a learner's.
pub trait HlcRules {
    /// The clock after a local event or a send, given the physical clock reading `pt` (µs).
    fn send(&self, now: HlcTime, pt: i64) -> HlcTime;
    /// The clock after receiving a message stamped `msg`, given the physical clock reading `pt`.
    fn receive(&self, now: HlcTime, msg: HlcTime, pt: i64) -> HlcTime;
}

/// The paper's algorithm (Kulkarni et al. 2014, Fig. 5).
pub struct ReferenceRules;

impl HlcRules for ReferenceRules {
    fn send(&self, now: HlcTime, pt: i64) -> HlcTime {
        let l = now.l.max(pt);
        let c = if l == now.l {
            now.c.saturating_add(1)
        } else {
            0
        };
        HlcTime { l, c }
    }

    fn receive(&self, now: HlcTime, msg: HlcTime, pt: i64) -> HlcTime {
        let l = now.l.max(msg.l).max(pt);
        let c = if l == now.l && l == msg.l {
            now.c.max(msg.c).saturating_add(1)
        } else if l == now.l {
            now.c.saturating_add(1)
        } else if l == msg.l {
            msg.c.saturating_add(1)
        } else {
            0
        };
        HlcTime { l, c }
    }
}

/// The workload: the same random send/local actions as the Lamport protocol, so one
/// scenario and seed give the same run under every logical clock.
pub type HlcParams = LamportParams;

/// A hybrid-logical-clock cluster with some set of rules.
#[derive(Clone)]
pub struct Hlc {
    /// The workload.
    pub params: HlcParams,
    rules: Rc<dyn HlcRules>,
}

impl fmt::Debug for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hlc")
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl Hlc {
    /// With the paper's rules.
    pub fn reference(params: HlcParams) -> Self {
        Hlc {
            params,
            rules: Rc::new(ReferenceRules),
        }
    }

    /// With other rules (a learner's).
    pub fn with_rules(params: HlcParams, rules: Rc<dyn HlcRules>) -> Self {
        Hlc { params, rules }
    }
}

/// A message carrying its sender's hybrid time.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// "Here is something; my HLC said `time` when I sent it."
    Event {
        /// The sender's HLC for the send.
        time: HlcTime,
    },
}

/// The only timer: time to act.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// Do the next action.
    Act,
}

/// The hybrid clock is persisted, so a restart does not run it backwards.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Durable {
    /// The hybrid clock; `(0, 0)` before the first event, as in the paper.
    pub time: HlcTime,
    /// Actions taken so far.
    pub actions: u32,
}

/// What the inspector shows beside the clock: the physical reading it was last set from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Volatile {
    /// The physical clock at this node's latest event since boot, if any.
    pub last_pt: Option<LocalTime>,
}

impl Protocol for Hlc {
    type Msg = Msg;
    type Timer = Timer;
    type Durable = Durable;
    type Volatile = Volatile;
    type Monitor = ();


    fn boot(&self, d: &mut Durable, ctx: &mut Ctx<'_, Self>) -> Volatile {
        if d.actions < self.params.actions {
            arm_action(&self.params, Timer::Act, ctx);
        }
        Volatile::default()
    }

    fn on_message(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        _from: NodeId,
        msg: Msg,
        ctx: &mut Ctx<'_, Self>,
    ) {
        let Msg::Event { time } = msg;
        let pt = ctx.now();
        d.time = self.rules.receive(d.time, time, pt.0);
        v.last_pt = Some(pt);
        ctx.stamp(d.time.stamp());
    }

    fn on_timer(&self, d: &mut Durable, v: &mut Volatile, _timer: Timer, ctx: &mut Ctx<'_, Self>) {
        d.actions += 1;
        let pt = ctx.now();
        d.time = self.rules.send(d.time, pt.0);
        v.last_pt = Some(pt);
        ctx.stamp(d.time.stamp());
        if let Some(to) = action_target(&self.params, ctx) {
            ctx.send(to, Msg::Event { time: d.time });
        }
        if d.actions < self.params.actions {
            arm_action(&self.params, Timer::Act, ctx);
        }
    }

    fn inspect(&self, _id: NodeId, d: &Durable, v: Option<&Volatile>) -> Vec<Field> {
        let mut fields = vec![
            Field::new("HLC l (durable)", LocalTime(d.time.l)),
            Field::new("HLC c (durable)", d.time.c),
        ];
        if let Some(pt) = v.and_then(|v| v.last_pt) {
            fields.push(Field::new("physical clock at last event", pt));
            fields.push(Field::new(
                "l ahead of it by",
                LocalTime(d.time.l.saturating_sub(pt.0)),
            ));
        }
        fields.push(Field::new("actions taken", d.actions));
        fields
    }

    fn badge(&self, _id: NodeId, d: &Durable, _v: Option<&Volatile>) -> String {
        d.time.stamp().to_string()
    }
}

impl Lab for Hlc {
    const NAME: &'static str = "hlc";
    type Params = HlcParams;
    const OPENS_WITH_SPACETIME: bool = true;

    const RULE_SETS: &'static [RuleSetInfo] = &[RuleSetInfo {
        id: "hlc",
        summary: "`send(l, c, pt)` and `receive(l, c, ml, mc, pt)`, each returning `[l, c]`",
        functions: &[
            ("send", &["l", "c", "pt"]),
            ("receive", &["l", "c", "ml", "mc", "pt"]),
        ],
        scenario: exercise_scenario,
        check_case: no_case_options,
        #[cfg(feature = "grader")]
        schedule: grade::schedule,
    }];

    fn reference(params: &HlcParams) -> Self {
        Hlc::reference(params.clone())
    }

    fn validate(params: &HlcParams, nodes: u32) -> Result<(), String> {
        params.validate(nodes)
    }

    fn golden_runs(seed: u64) -> Vec<Scenario> {
        vec![crate::testkit::clocks_under_nemesis(ProtocolSpec::of::<Hlc>(HlcParams::default()), seed)]
    }
}

/// The largest clock offset from true time a graded HLC schedule gives a node at the start, in µs.
pub const HLC_MAX_SKEW_US: i64 = 50_000;
/// The largest clock rate error a graded HLC schedule gives a node, in parts per million.
pub const HLC_MAX_DRIFT_PPM: i64 = 200;

/// Per-node clocks for a graded HLC schedule, drawn from the seed: offsets up to
/// ±[`HLC_MAX_SKEW_US`] and rate errors up to ±[`HLC_MAX_DRIFT_PPM`].
pub fn random_clocks(seed: u64, nodes: u32) -> Vec<ClockSetting> {
    let mut rng = Rng::stream(seed, 0xC10C);
    let skew_span = (2 * HLC_MAX_SKEW_US) as u64;
    let drift_span = (2 * HLC_MAX_DRIFT_PPM) as u64;
    (0..nodes)
        .map(|i| ClockSetting {
            node: NodeId(i),
            skew_us: rng.between(0, skew_span) as i64 - HLC_MAX_SKEW_US,
            drift_ppm: rng.between(0, drift_span) as i64 - HLC_MAX_DRIFT_PPM,
        })
        .collect()
}

/// The schedule a graded HLC exercise runs for one seed: the exercise schedule on skewed,
/// drifting clocks ([`random_clocks`]).
fn exercise_scenario(case: &SimulationCase, seed: u64) -> Scenario {
    let mut scenario = crate::schedules::exercise_schedule(
        ProtocolSpec::of::<Hlc>(HlcParams::default()),
        case,
        seed,
    );
    scenario.clocks = random_clocks(seed, case.nodes);
    scenario
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: ReferenceRules = ReferenceRules;

    fn t(l: i64, c: u64) -> HlcTime {
        HlcTime { l, c }
    }

    #[test]
    fn send_follows_the_physical_clock_when_it_is_ahead() {
        assert_eq!(R.send(t(100, 3), 250), t(250, 0));
    }

    #[test]
    fn send_counts_up_when_l_is_ahead_of_the_physical_clock() {
        assert_eq!(R.send(t(300, 2), 250), t(300, 3));
        assert_eq!(R.send(t(250, 1), 250), t(250, 2));
    }

    #[test]
    fn receive_covers_every_case_of_the_paper() {
        assert_eq!(R.receive(t(100, 2), t(200, 5), 300), t(300, 0), "pt ahead");
        assert_eq!(R.receive(t(400, 2), t(200, 5), 300), t(400, 3), "l ahead");
        assert_eq!(R.receive(t(100, 2), t(400, 5), 300), t(400, 6), "msg ahead");
        assert_eq!(R.receive(t(400, 2), t(400, 5), 300), t(400, 6), "tie");
        assert_eq!(R.receive(t(400, 7), t(400, 5), 300), t(400, 8), "tie");
    }

    #[test]
    fn timestamps_order_by_l_then_c() {
        assert!(t(5, 9) < t(6, 0));
        assert!(t(6, 0) < t(6, 1));
    }
}
