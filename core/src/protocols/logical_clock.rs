//! The workload every logical clock runs, written once: each node acts at random intervals,
//! sending to a random peer or doing a local event, and stamps every event with its clock.
//!
//! Lamport clocks, vector clocks and hybrid logical clocks differ only in what a node keeps and
//! how an event moves it: the [`ClockKind`]. The workload draws its randomness the same way for
//! every kind, so one scenario and seed give the same run under each clock and only the stamps
//! differ; comparing the clocks on one run is the point of the lessons. A new clock (version
//! vectors, dotted version vectors) is one more [`ClockKind`].
//!
//! The clock is durable, so a restart does not run it backwards or forget what the node knew.
//! Every stamp is also checked live against the simulator's own happens-before
//! ([`ClockKind::check`]), so a broken rule shows in the widget as it does in the grader.

pub mod schedules;

use crate::actor::{Ctx, Field, Protocol, Violation};
use crate::causality::{CausalEvent, CausalTracker};
use crate::clock::Clock;
use crate::exercise::RuleSetInfo;
#[cfg(any(feature = "authoring", feature = "grader"))]
use crate::exercise::SimulationCase;
use crate::id::NodeId;
use crate::lab::Lab;
use crate::protocols::spec::ProtocolSpec;
use crate::rng::Ratio;
use crate::scenario::Scenario;
use crate::time::{LocalTime, SimDuration};
use crate::trace::{Stamp, TraceEvent};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::hash::Hash;
use std::rc::Rc;

/// The workload: each node acts at random intervals, sending to a random peer or doing a local
/// event.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogicalClockParams {
    /// Shortest gap between a node's own actions, on its clock.
    pub gap_us_min: u64,
    /// Longest gap between a node's own actions.
    pub gap_us_max: u64,
    /// Chance that an action is a send rather than a local event.
    pub send: Ratio,
    /// Actions per node before it falls quiet.
    pub actions: u32,
}

impl Default for LogicalClockParams {
    fn default() -> Self {
        LogicalClockParams {
            gap_us_min: 20_000,
            gap_us_max: 80_000,
            send: Ratio { num: 2, den: 3 },
            actions: 8,
        }
    }
}

impl LogicalClockParams {
    /// Checks the parameters for `nodes` nodes, naming the bad one; `name` is the clock's.
    pub fn validate_for(&self, name: &str, nodes: u32) -> Result<(), String> {
        if !(1..=16).contains(&nodes) {
            return Err(format!("{name} needs 1..=16 nodes, not {nodes}"));
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

/// Where and when an event happens, as a clock's rules see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventAt {
    /// The node whose event it is.
    pub node: NodeId,
    /// How many nodes the cluster has.
    pub nodes: u32,
    /// The node's physical clock at the event (skewed and drifting).
    pub pt: LocalTime,
}

/// A value a clock keeps and carries on messages.
pub trait ClockTime: Clone + fmt::Debug + Default + PartialEq + Eq + Hash + 'static {
    /// How a message's field is named in the event log (`Event { time: 3 }`).
    const FIELD: &'static str;
}

impl ClockTime for u64 {
    const FIELD: &'static str = "time";
}

impl ClockTime for Vec<u64> {
    const FIELD: &'static str = "clock";
}

/// One kind of logical clock: what a node keeps, how each event moves it, and what it promises.
pub trait ClockKind: 'static {
    /// The protocol's name in `Debug` output.
    const NAME: &'static str;
    /// The protocol's one name in the registry ([`Lab::NAME`]).
    const LAB_NAME: &'static str;
    /// The rule sets a learner can write for this clock ([`Lab::RULE_SETS`]).
    const RULE_SETS: &'static [RuleSetInfo];
    /// What a node keeps (and what a message carries).
    type Time: ClockTime;
    /// The pluggable rules (a trait object), so an exercise can run a learner's.
    type Rules: ?Sized + 'static;
    /// The checkers' memory between steps.
    type Monitor: Default;

    /// The reference rules.
    fn reference_rules() -> Rc<Self::Rules>;
    /// Parameters of this clock as a scenario's protocol.
    fn spec(params: LogicalClockParams) -> ProtocolSpec;
    /// The schedule a graded exercise of this clock runs for one seed.
    #[cfg(any(feature = "authoring", feature = "grader"))]
    fn exercise_scenario(case: &SimulationCase, seed: u64) -> Scenario {
        crate::schedules::exercise_schedule(Self::spec(LogicalClockParams::default()), case, seed)
    }
    /// The time after booting, if booting is an event for this clock (vector clocks count it).
    fn boot(_rules: &Self::Rules, _time: &Self::Time, _at: &EventAt) -> Option<Self::Time> {
        None
    }
    /// The time after a local event or a send.
    fn local(rules: &Self::Rules, time: &Self::Time, at: &EventAt) -> Self::Time;
    /// The time after receiving a message stamped `msg`.
    fn receive(
        rules: &Self::Rules,
        time: &Self::Time,
        msg: &Self::Time,
        at: &EventAt,
    ) -> Self::Time;
    /// The stamp the trace records for an event with this time.
    fn stamp(time: &Self::Time) -> Stamp;
    /// The inspector's fields for the clock (the workload adds its own after them).
    fn inspect(time: &Self::Time, last_pt: Option<LocalTime>) -> Vec<Field>;
    /// The badge drawn on the node.
    fn badge(time: &Self::Time) -> String;
    /// Checks the event `events[i]`, just completed, against what the clock promises; `clocks`
    /// are every node's physical clock now. A message naming nodes and times, or `None`.
    fn check(
        monitor: &mut Self::Monitor,
        events: &[CausalEvent],
        i: usize,
        clocks: &[Clock],
    ) -> Option<Violation>;
}

/// A cluster of nodes running the workload with clock kind `C` and some set of its rules.
pub struct LogicalClock<C: ClockKind> {
    /// The workload.
    pub params: LogicalClockParams,
    rules: Rc<C::Rules>,
}

impl<C: ClockKind> Clone for LogicalClock<C> {
    fn clone(&self) -> Self {
        LogicalClock {
            params: self.params.clone(),
            rules: self.rules.clone(),
        }
    }
}

impl<C: ClockKind> fmt::Debug for LogicalClock<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(C::NAME)
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl<C: ClockKind> LogicalClock<C> {
    /// With the reference rules.
    pub fn reference(params: LogicalClockParams) -> Self {
        LogicalClock {
            params,
            rules: C::reference_rules(),
        }
    }

    /// With other rules (a learner's).
    pub fn with_rules(params: LogicalClockParams, rules: Rc<C::Rules>) -> Self {
        LogicalClock { params, rules }
    }

    fn at(ctx: &Ctx<'_, Self>) -> EventAt {
        EventAt {
            node: ctx.id(),
            nodes: ctx.cluster_size(),
            pt: ctx.now(),
        }
    }

    /// Sets the timer for the node's next action.
    fn arm(&self, ctx: &mut Ctx<'_, Self>) {
        let gap = ctx
            .rng()
            .between(self.params.gap_us_min, self.params.gap_us_max);
        ctx.set_timer(SimDuration(gap), Timer::Act);
    }
}

/// A message carrying its sender's clock.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Msg<T> {
    /// "Here is something; my clock said `time` when I sent it."
    Event {
        /// The sender's clock for the send.
        time: T,
    },
}

impl<T: ClockTime> fmt::Debug for Msg<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Msg::Event { time } = self;
        f.debug_struct("Event").field(T::FIELD, time).finish()
    }
}

/// The only timer: time to act.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// Do the next action.
    Act,
}

/// The clock is persisted, so a restart does not run it backwards.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Durable<T> {
    /// The clock.
    pub time: T,
    /// Actions taken so far.
    pub actions: u32,
}

/// What the inspector shows beside the clock: the physical reading of the latest event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Volatile {
    /// The physical clock at this node's latest event since boot, if any.
    pub last_pt: Option<LocalTime>,
}

/// The live checkers' memory: the run's happens-before so far, and the clock kind's own.
pub struct Monitor<C: ClockKind> {
    causal: CausalTracker,
    checked: usize,
    own: C::Monitor,
}

impl<C: ClockKind> Default for Monitor<C> {
    fn default() -> Self {
        Monitor {
            causal: CausalTracker::default(),
            checked: 0,
            own: C::Monitor::default(),
        }
    }
}

impl<C: ClockKind> Protocol for LogicalClock<C> {
    type Msg = Msg<C::Time>;
    type Timer = Timer;
    type Durable = Durable<C::Time>;
    type Volatile = Volatile;
    type Monitor = Monitor<C>;

    fn boot(&self, d: &mut Self::Durable, ctx: &mut Ctx<'_, Self>) -> Volatile {
        if let Some(time) = C::boot(&self.rules, &d.time, &Self::at(ctx)) {
            d.time = time;
            ctx.stamp(C::stamp(&d.time));
        }
        if d.actions < self.params.actions {
            self.arm(ctx);
        }
        Volatile::default()
    }

    fn on_message(
        &self,
        d: &mut Self::Durable,
        v: &mut Volatile,
        _from: NodeId,
        msg: Self::Msg,
        ctx: &mut Ctx<'_, Self>,
    ) {
        let Msg::Event { time } = msg;
        let at = Self::at(ctx);
        d.time = C::receive(&self.rules, &d.time, &time, &at);
        v.last_pt = Some(at.pt);
        ctx.stamp(C::stamp(&d.time));
    }

    fn on_timer(&self, d: &mut Self::Durable, v: &mut Volatile, _: Timer, ctx: &mut Ctx<'_, Self>) {
        d.actions += 1;
        let at = Self::at(ctx);
        d.time = C::local(&self.rules, &d.time, &at);
        v.last_pt = Some(at.pt);
        ctx.stamp(C::stamp(&d.time));
        let peers: Vec<NodeId> = ctx.peers().collect();
        if ctx.rng().chance(self.params.send) {
            if let Some(&to) = ctx.rng().pick(&peers) {
                ctx.send(
                    to,
                    Msg::Event {
                        time: d.time.clone(),
                    },
                );
            }
        }
        if d.actions < self.params.actions {
            self.arm(ctx);
        }
    }

    fn inspect(&self, _id: NodeId, d: &Self::Durable, v: Option<&Volatile>) -> Vec<Field> {
        let mut fields = C::inspect(&d.time, v.and_then(|v| v.last_pt));
        fields.push(Field::new("actions taken", d.actions));
        fields
    }

    fn badge(&self, _id: NodeId, d: &Self::Durable, _v: Option<&Volatile>) -> String {
        C::badge(&d.time)
    }

    fn observes_events(&self) -> bool {
        true
    }

    fn check_events(
        &self,
        monitor: &mut Self::Monitor,
        events: &[TraceEvent],
        clocks: &[Clock],
    ) -> Vec<Violation> {
        for e in events {
            monitor.causal.push(e, clocks.len() as u32);
        }
        let all = monitor.causal.events();
        let mut found = Vec::new();
        while monitor.checked < all.len() {
            let i = monitor.checked;
            monitor.checked += 1;
            found.extend(C::check(&mut monitor.own, all, i, clocks));
        }
        found
    }
}

/// Every logical clock is registered the same way: the shared workload's parameters, the clock's
/// own name and rule sets, and the logical clocks' golden schedule.
impl<C: ClockKind> Lab for LogicalClock<C> {
    const NAME: &'static str = C::LAB_NAME;
    type Params = LogicalClockParams;
    const OPENS_WITH_SPACETIME: bool = true;
    const RULE_SETS: &'static [RuleSetInfo] = C::RULE_SETS;

    fn reference(params: &LogicalClockParams) -> Self {
        LogicalClock::reference(params.clone())
    }

    fn validate(params: &LogicalClockParams, nodes: u32) -> Result<(), String> {
        params.validate_for(C::LAB_NAME, nodes)
    }

    fn golden_runs(seed: u64) -> Vec<Scenario> {
        vec![schedules::clocks_under_nemesis(
            C::spec(LogicalClockParams::default()),
            seed,
        )]
    }
}

/// A graded run of clock `C`: the simulator after the run, the scenario it ran, and the run's
/// causal events.
#[cfg(feature = "grader")]
pub(crate) type LearnerRun<C> = (crate::sim::Sim<LogicalClock<C>>, Scenario, Vec<CausalEvent>);

/// Runs one graded schedule of clock `C` with the learner's `rules` (over `script`); the run and
/// its causal events, for the clock's own checker to judge.
#[cfg(feature = "grader")]
pub(crate) fn run_learner<C: ClockKind>(
    case: &SimulationCase,
    seed: u64,
    rules: Rc<C::Rules>,
    script: &crate::grade::script::Script,
) -> Result<LearnerRun<C>, crate::grade::ScheduleFailure> {
    let scenario = C::exercise_scenario(case, seed);
    let protocol = LogicalClock::<C>::with_rules(LogicalClockParams::default(), rules);
    let sim = crate::grade::run_schedule(protocol, &scenario, script)?;
    let events = crate::causality::causal_events(sim.trace().events(), scenario.nodes);
    Ok((sim, scenario, events))
}

#[cfg(test)]
mod tests {
    use crate::fault::{Fault, PlannedFault};
    use crate::id::NodeId;
    use crate::protocols::hlc::{Hlc, HlcParams, HlcRules, HlcTime};
    use crate::protocols::lamport::{Lamport, LamportParams, LamportRules};
    use crate::protocols::spec::ProtocolSpec;
    use crate::protocols::vector_clock::{VectorClock, VectorParams, VectorRules};
    use crate::scenario::Scenario;
    use crate::sim::SimOptions;
    use crate::time::SimTime;
    use std::rc::Rc;

    fn run<P: crate::Protocol>(protocol: P, scenario: &Scenario) -> Vec<String> {
        let mut sim = scenario.sim(protocol, SimOptions::default());
        sim.run_until(SimTime(scenario.duration_us), scenario.max_steps);
        sim.violations().map(|v| v.invariant.clone()).collect()
    }

    fn scenario(protocol: ProtocolSpec, seed: u64) -> Scenario {
        crate::protocols::logical_clock::schedules::clocks_under_nemesis(protocol, seed)
    }

    /// Forgets to count the receipt when the message is behind: the Lamport exercise's classic slip.
    struct NoTickWhenAhead;
    impl LamportRules for NoTickWhenAhead {
        fn tick(&self, clock: u64) -> u64 {
            clock + 1
        }
        fn receive(&self, clock: u64, msg: u64) -> u64 {
            if msg >= clock {
                msg + 1
            } else {
                clock
            }
        }
    }

    /// Takes the message's clock without merging the node's own.
    struct ForgetsOwn;
    impl VectorRules for ForgetsOwn {
        fn tick(&self, clock: &[u64], me: usize) -> Vec<u64> {
            crate::protocols::vector_clock::ReferenceRules.tick(clock, me)
        }
        fn receive(&self, _clock: &[u64], msg: &[u64], me: usize) -> Vec<u64> {
            self.tick(msg, me)
        }
    }

    /// Resets c to 0 whenever the physical clock ties with l: can stamp an event no later than the
    /// node's previous one.
    struct ResetsOnTie;
    impl HlcRules for ResetsOnTie {
        fn send(&self, now: HlcTime, pt: i64) -> HlcTime {
            HlcTime {
                l: now.l.max(pt),
                c: 0,
            }
        }
        fn receive(&self, now: HlcTime, msg: HlcTime, pt: i64) -> HlcTime {
            crate::protocols::hlc::ReferenceRules.receive(now, msg, pt)
        }
    }

    #[test]
    fn broken_clock_rules_show_as_live_violations_in_any_run() {
        let (mut lamport, mut vector, mut hlc) = (0, 0, 0);
        for seed in 0..20 {
            let s = scenario(ProtocolSpec::of::<Lamport>(LamportParams::default()), seed);
            let broken = Lamport::with_rules(LamportParams::default(), Rc::new(NoTickWhenAhead));
            lamport += run(broken, &s)
                .iter()
                .filter(|v| v.starts_with("clock condition"))
                .count();
            let s = scenario(
                ProtocolSpec::of::<VectorClock>(VectorParams::default()),
                seed,
            );
            let broken = VectorClock::with_rules(VectorParams::default(), Rc::new(ForgetsOwn));
            vector += run(broken, &s)
                .iter()
                .filter(|v| v.starts_with("vector clock"))
                .count();
            let s = scenario(ProtocolSpec::of::<Hlc>(HlcParams::default()), seed);
            let broken = Hlc::with_rules(HlcParams::default(), Rc::new(ResetsOnTie));
            hlc += run(broken, &s)
                .iter()
                .filter(|v| v.starts_with("hybrid logical clock"))
                .count();
        }
        assert!(
            lamport > 0 && vector > 0 && hlc > 0,
            "{lamport} {vector} {hlc}"
        );
    }

    #[test]
    fn the_reference_clocks_stay_clean_when_a_clock_is_set_back_mid_run() {
        for seed in 0..40 {
            let mut s = scenario(ProtocolSpec::of::<Hlc>(HlcParams::default()), seed);
            s.faults.push(PlannedFault {
                at_us: 250_000,
                fault: Fault::ClockSkew {
                    node: NodeId((seed % 4) as u32),
                    skew_us: -200_000,
                },
            });
            s.faults.sort_by_key(|f| f.at_us);
            let (outcome, _) = s.run(SimOptions::default()).expect("valid");
            assert_eq!(outcome.violations, Vec::new(), "seed {seed}");
            for protocol in [
                ProtocolSpec::of::<Lamport>(LamportParams::default()),
                ProtocolSpec::of::<VectorClock>(VectorParams::default()),
            ] {
                let s = Scenario {
                    protocol,
                    ..s.clone()
                };
                assert_eq!(
                    s.run(SimOptions::default()).expect("valid").0.violations,
                    Vec::new()
                );
            }
        }
    }
}
