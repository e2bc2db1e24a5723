//! Lamport clocks (Lamport 1978, "Time, Clocks, and the Ordering of Events"):
//! a counter per node, incremented before every event, carried on every message,
//! and pushed past the sender's value on receipt. Then a → b implies C(a) < C(b)
//! (the clock condition); the converse does not hold.
//!
//! The two rules are pluggable, so an exercise can run a learner's rules in the
//! same cluster and a checker can compare them with the simulator's own
//! happens-before ([`invariants`], checked live in every run). The workload is the
//! one every logical clock runs ([`crate::protocols::logical_clock`]).

#[cfg(feature = "grader")]
mod grade;
pub mod invariants;
pub mod rules;

use crate::actor::{Field, Violation};
use crate::causality::CausalEvent;
use crate::clock::Clock;
#[cfg(feature = "authoring")]
use crate::exercise::no_case_options;
use crate::exercise::RuleSetInfo;
use crate::protocols::logical_clock::{ClockKind, EventAt, LogicalClock, LogicalClockParams};
use crate::protocols::spec::ProtocolSpec;
use crate::time::LocalTime;
use crate::trace::Stamp;
pub use rules::{LamportRules, ReferenceRules};
use std::rc::Rc;

/// The workload, shared by every logical clock ([`LogicalClockParams`]).
pub type LamportParams = LogicalClockParams;

/// Lamport's clock as a [`ClockKind`]: one counter per node.
pub struct LamportClock;

/// A Lamport-clock cluster with some set of rules.
pub type Lamport = LogicalClock<LamportClock>;

impl ClockKind for LamportClock {
    const NAME: &'static str = "Lamport";
    const LAB_NAME: &'static str = "lamport";
    const RULE_SETS: &'static [RuleSetInfo] = &[RuleSetInfo {
        id: "lamport",
        // The learner writes `tick(clock)` and `receive(clock, msg_time)`, each returning the new clock.
        functions: &[("tick", &["clock"]), ("receive", &["clock", "msg_time"])],
        adversaries: &[],
        #[cfg(feature = "authoring")]
        scenario: <LamportClock as ClockKind>::exercise_scenario,
        #[cfg(feature = "authoring")]
        check_case: no_case_options,
        #[cfg(feature = "grader")]
        schedule: grade::schedule,
    }];
    type Time = u64;
    type Rules = dyn LamportRules;
    type Monitor = ();

    fn reference_rules() -> Rc<dyn LamportRules> {
        Rc::new(ReferenceRules)
    }

    fn spec(params: LogicalClockParams) -> ProtocolSpec {
        ProtocolSpec::Lamport(params)
    }

    fn local(rules: &dyn LamportRules, time: &u64, _at: &EventAt) -> u64 {
        rules.tick(*time)
    }

    fn receive(rules: &dyn LamportRules, time: &u64, msg: &u64, _at: &EventAt) -> u64 {
        rules.receive(*time, *msg)
    }

    fn stamp(time: &u64) -> Stamp {
        Stamp::Lamport(*time)
    }

    fn inspect(time: &u64, _last_pt: Option<LocalTime>) -> Vec<Field> {
        vec![Field::new("Lamport clock (durable)", time)]
    }

    fn badge(time: &u64) -> String {
        format!("L={time}")
    }

    fn check(_: &mut (), events: &[CausalEvent], i: usize, _: &[Clock]) -> Option<Violation> {
        invariants::clock_condition_at(events, i).map(|detail| Violation {
            invariant: "clock condition (Lamport 1978)".into(),
            detail,
        })
    }
}
