//! Vector clocks (Fidge 1988, "Timestamps in Message-Passing Systems That Preserve
//! the Partial Ordering"; Mattern 1989, "Virtual Time and Global States of
//! Distributed Systems", §4): one counter *per node*, so a timestamp says how many
//! events of each node lie in an event's causal past.
//!
//! A Lamport clock only promises a → b ⇒ C(a) < C(b); from two Lamport times you
//! cannot tell whether the events are causally related. A vector clock keeps
//! enough to tell: V(a) ≤ V(b) in every entry (and differs somewhere) exactly when
//! a → b, and if neither is ≤ the other the events are concurrent (Mattern §4,
//! "Theorem"). The rules:
//!
//! - before every local event or send, node `i` increments its own entry `V[i]`;
//!   a message carries the sender's vector;
//! - on receipt, node `i` takes the element-wise maximum of its vector and the
//!   message's, then increments `V[i]` (the receipt is an event too).
//!
//! Booting and restarting are events as well (the simulator counts them in its own
//! happens-before), so a node ticks when it starts. The clock is durable, like a
//! Lamport clock: a restart must not forget what the node already knew.
//!
//! The rules are pluggable, as in [`crate::protocols::lamport`], so an exercise can
//! run a learner's rules and the grader can compare every stamp with the vector
//! clock the simulator computes itself ([`crate::causality`]).

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
pub use rules::{ReferenceRules, VectorRules};
use std::fmt;
use std::rc::Rc;

/// How two vector timestamps relate: the partial order of happens-before.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Order {
    /// Every entry ≤ and some entry <: the first event happens before the second.
    Before,
    /// The reverse: the second happens before the first.
    After,
    /// Neither is ≤ the other: no message chain links the events.
    Concurrent,
    /// Same vector: the same event.
    Equal,
}

impl Order {
    /// The word a learner's `compare` returns for this order.
    pub fn as_str(self) -> &'static str {
        match self {
            Order::Before => "before",
            Order::After => "after",
            Order::Concurrent => "concurrent",
            Order::Equal => "equal",
        }
    }
}

impl fmt::Display for Order {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Compares two vector timestamps entry by entry (a missing entry counts as 0).
pub fn compare(a: &[u64], b: &[u64]) -> Order {
    let mut a_le_b = true;
    let mut b_le_a = true;
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        a_le_b &= x <= y;
        b_le_a &= y <= x;
    }
    match (a_le_b, b_le_a) {
        (true, true) => Order::Equal,
        (true, false) => Order::Before,
        (false, true) => Order::After,
        (false, false) => Order::Concurrent,
    }
}

/// The workload: the same random send/local actions as the Lamport protocol, so the
/// same scenario and seed give the same run under either clock and only the stamps differ.
pub type VectorParams = LogicalClockParams;

/// Fidge's and Mattern's clock as a [`ClockKind`]: one counter per node, at every node.
pub struct VectorKind;

/// A vector-clock cluster with some set of rules.
pub type VectorClock = LogicalClock<VectorKind>;

/// Keeps a clock one entry per node whatever the rules returned, so a bad rule cannot index out of range.
fn fit(mut clock: Vec<u64>, nodes: u32) -> Vec<u64> {
    clock.resize(nodes as usize, 0);
    clock
}

fn show(clock: &[u64]) -> String {
    let parts: Vec<String> = clock.iter().map(u64::to_string).collect();
    format!("[{}]", parts.join(","))
}

impl ClockKind for VectorKind {
    const NAME: &'static str = "VectorClock";
    const LAB_NAME: &'static str = "vector-clock";
    const RULE_SETS: &'static [RuleSetInfo] = &[RuleSetInfo {
        id: "vector-clock",
        // The learner writes `tick(clock, me)`, `receive(clock, msg_clock, me)` and `compare(a, b)`.
        functions: &[
            ("tick", &["clock", "me"]),
            ("receive", &["clock", "msg_clock", "me"]),
            ("compare", &["a", "b"]),
        ],
        adversaries: &[],
        #[cfg(feature = "authoring")]
        scenario: <VectorKind as ClockKind>::exercise_scenario,
        #[cfg(feature = "authoring")]
        check_case: no_case_options,
        #[cfg(feature = "grader")]
        schedule: grade::schedule,
    }];
    type Time = Vec<u64>;
    type Rules = dyn VectorRules;
    type Monitor = ();

    fn reference_rules() -> Rc<dyn VectorRules> {
        Rc::new(ReferenceRules)
    }

    fn spec(params: LogicalClockParams) -> ProtocolSpec {
        ProtocolSpec::VectorClock(params)
    }

    /// Booting is an event: the simulator's happens-before counts it, so the clock ticks.
    fn boot(rules: &dyn VectorRules, time: &Vec<u64>, at: &EventAt) -> Option<Vec<u64>> {
        let start = fit(time.clone(), at.nodes);
        Some(fit(rules.tick(&start, at.node.index()), at.nodes))
    }

    fn local(rules: &dyn VectorRules, time: &Vec<u64>, at: &EventAt) -> Vec<u64> {
        fit(rules.tick(time, at.node.index()), at.nodes)
    }

    fn receive(rules: &dyn VectorRules, time: &Vec<u64>, msg: &Vec<u64>, at: &EventAt) -> Vec<u64> {
        fit(rules.receive(time, msg, at.node.index()), at.nodes)
    }

    fn stamp(time: &Vec<u64>) -> Stamp {
        Stamp::Vector(time.clone())
    }

    fn inspect(time: &Vec<u64>, _last_pt: Option<LocalTime>) -> Vec<Field> {
        vec![Field::new("vector clock (durable)", show(time))]
    }

    fn badge(time: &Vec<u64>) -> String {
        format!("V={}", show(time))
    }

    fn check(_: &mut (), events: &[CausalEvent], i: usize, _: &[Clock]) -> Option<Violation> {
        invariants::vector_stamp_at(events, i).map(|detail| Violation {
            invariant: "vector clock (Mattern 1989, §4)".into(),
            detail,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::causality::causal_events;
    use crate::rng::Ratio;
    use crate::scenario::{ProtocolSpec, Scenario};
    use crate::{NetConfig, SimOptions};

    fn scenario(seed: u64) -> Scenario {
        Scenario {
            protocol: ProtocolSpec::VectorClock(VectorParams::default()),
            nodes: 4,
            seed,
            network: NetConfig {
                latency_us_min: 1_000,
                latency_us_max: 60_000,
                drop: Ratio::percent(10),
                duplicate: Ratio::percent(10),
            },
            clocks: Vec::new(),
            faults: vec![
                crate::PlannedFault {
                    at_us: 150_000,
                    fault: crate::Fault::Crash {
                        node: crate::NodeId(2),
                    },
                },
                crate::PlannedFault {
                    at_us: 300_000,
                    fault: crate::Fault::Restart {
                        node: crate::NodeId(2),
                    },
                },
            ],
            duration_us: 2_000_000,
            max_steps: 20_000,
        }
    }

    #[test]
    fn receive_takes_the_elementwise_max_then_counts_the_receipt() {
        assert_eq!(ReferenceRules.receive(&[2, 0, 5], &[1, 3, 0], 1), [2, 4, 5]);
        assert_eq!(ReferenceRules.tick(&[2, 0, 5], 2), [2, 0, 6]);
    }

    #[test]
    fn compare_tells_before_after_concurrent_and_equal_apart() {
        assert_eq!(compare(&[1, 0, 0], &[1, 1, 0]), Order::Before);
        assert_eq!(compare(&[2, 1, 0], &[1, 1, 0]), Order::After);
        assert_eq!(compare(&[1, 0, 0], &[0, 1, 0]), Order::Concurrent);
        assert_eq!(compare(&[3, 1, 4], &[3, 1, 4]), Order::Equal);
    }

    #[test]
    fn reference_stamps_equal_the_simulators_own_vector_clocks() {
        for seed in 0..30 {
            let s = scenario(seed);
            let (_, r) = s.run(SimOptions::default()).unwrap();
            let events = causal_events(r.trace().events(), s.nodes);
            assert!(events.len() > 20, "seed {seed}: a real workload");
            for e in &events {
                assert_eq!(
                    e.stamp,
                    Some(Stamp::Vector(e.clock.clone())),
                    "seed {seed}, {} at {}",
                    e.id.node,
                    e.at
                );
            }
        }
    }

    #[test]
    fn compare_on_stamps_agrees_with_happens_before() {
        let s = scenario(7);
        let (_, r) = s.run(SimOptions::default()).unwrap();
        let events = causal_events(r.trace().events(), s.nodes);
        let mut seen = [false; 3];
        for a in &events {
            for b in &events {
                let (Some(Stamp::Vector(va)), Some(Stamp::Vector(vb))) = (&a.stamp, &b.stamp)
                else {
                    panic!("every event is stamped");
                };
                let truth = if a.id == b.id {
                    Order::Equal
                } else if a.happens_before(b) {
                    seen[0] = true;
                    Order::Before
                } else if b.happens_before(a) {
                    Order::After
                } else {
                    seen[if a.concurrent_with(b) { 1 } else { 2 }] = true;
                    Order::Concurrent
                };
                assert_eq!(compare(va, vb), truth);
            }
        }
        assert_eq!(seen, [true, true, false], "both relations occur");
    }

    #[test]
    fn vector_and_lamport_runs_of_one_scenario_send_the_same_messages() {
        let v = scenario(3);
        let l = Scenario {
            protocol: ProtocolSpec::Lamport(VectorParams::default()),
            ..v.clone()
        };
        let sends = |s: &Scenario| {
            let (_, r) = s.run(SimOptions::default()).unwrap();
            r.trace()
                .events()
                .iter()
                .filter_map(|e| match &e.kind {
                    crate::EventKind::Sent { from, to, .. } => Some((e.at, *from, *to)),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        let (a, b) = (sends(&v), sends(&l));
        assert!(!a.is_empty());
        assert_eq!(a, b);
    }
}
