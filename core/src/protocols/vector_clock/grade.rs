//! Grading a learner's vector clock: `tick(clock, me)` and `receive(clock, msg_clock, me)` run in
//! every node under seeded fault schedules and each stamp must equal the simulator's own vector
//! clock ([`super::invariants::check_vector_stamps`]); then `compare(a, b)` is asked about seeded
//! pairs of the run's events and must agree with happens-before.

use super::invariants::{check_vector_stamps, show_clock, true_order};
use super::{Order, VectorKind, VectorRules};
use crate::causality::CausalEvent;
use crate::exercise::{SimulationCase, Value};
use crate::grade::script::{from_script, shown, Script, ScriptArgs};
use crate::grade::{counterexample, ScheduleFailure, ScheduleRun};
use crate::protocols::logical_clock::run_learner;
use crate::rng::Rng;
use std::rc::Rc;

/// How many pairs of a run's events the grader asks `compare` about per schedule.
const COMPARE_PAIRS: u64 = 32;

/// The learner's rules, called by the reference cluster.
struct LearnerRules(Rc<Script>);

impl LearnerRules {
    /// Calls `name` and reads back a clock; after an error the clock stays `fallback`.
    fn clock(&self, name: &str, args: impl ScriptArgs, fallback: &[u64]) -> Vec<u64> {
        let Some(v) = self.0.call(name, args) else {
            return fallback.to_vec();
        };
        match parse_vector(&v, fallback.len()) {
            Ok(clock) => clock,
            Err(why) => {
                self.0.fail(format!("`{name}` {why}"));
                fallback.to_vec()
            }
        }
    }

    /// The learner's `compare(a, b)`, as a word; empty after an error.
    fn compare(&self, a: &[u64], b: &[u64]) -> String {
        let Some(v) = self.0.call("compare", (a, b)) else {
            return String::new();
        };
        if v.is_string() {
            return v.into_string().unwrap_or_default();
        }
        self.0.fail(format!(
            "`compare` must return one of \"before\", \"after\", \"concurrent\" or \"equal\", but returned {}",
            shown(&v)
        ));
        String::new()
    }
}

impl VectorRules for LearnerRules {
    fn tick(&self, clock: &[u64], me: usize) -> Vec<u64> {
        self.clock("tick", (clock, me), clock)
    }
    fn receive(&self, clock: &[u64], msg: &[u64], me: usize) -> Vec<u64> {
        self.clock("receive", (clock, msg, me), clock)
    }
}

/// Reads a learner's vector clock: a list of `nodes` non-negative integers.
fn parse_vector(v: &rhai::Dynamic, nodes: usize) -> Result<Vec<u64>, String> {
    let value = from_script(v);
    let Some(Value::List(items)) = &value else {
        return Err(format!(
            "must return the clock as a list of {nodes} numbers, but returned {}",
            shown(v)
        ));
    };
    if items.len() != nodes {
        return Err(format!(
            "returned {}, a list of {} numbers, but the cluster has {nodes} nodes: a vector clock has one entry per node",
            Value::List(items.clone()),
            items.len()
        ));
    }
    items
        .iter()
        .map(|x| match x {
            Value::Int(i) if *i >= 0 => Ok(*i as u64),
            _ => Err(format!(
                "returned {}: every entry must be a count of events, a number that is never negative",
                Value::List(items.clone())
            )),
        })
        .collect()
}

fn compare_message(a: &CausalEvent, b: &CausalEvent, got: &str, truth: Order) -> String {
    let (na, nb) = (a.id.node, b.id.node);
    let why = match truth {
        Order::Equal => format!(
            "both are {na}'s event at {}: the same clock, entry for entry",
            a.at
        ),
        Order::Before => format!(
            "{na}'s event at {} happens before {nb}'s event at {}: every entry of the first clock is <= the second's, and they differ",
            a.at, b.at
        ),
        Order::After => format!(
            "{na}'s event at {} happens after {nb}'s event at {}: every entry of the second clock is <= the first's, and they differ",
            a.at, b.at
        ),
        Order::Concurrent => format!(
            "{na}'s event at {} and {nb}'s event at {} are concurrent: no chain of messages links them, and neither clock is <= the other in every entry",
            a.at, b.at
        ),
    };
    format!(
        "compare({}, {}) returned {got:?}, but {why}, so the answer is {:?}",
        show_clock(&a.clock),
        show_clock(&b.clock),
        truth.as_str()
    )
}

/// One schedule of the `vector-clock` rule set: every stamp against the true vector clock, then
/// `compare` on seeded pairs of events.
pub(super) fn schedule(
    run: &ScheduleRun<'_>,
    case: &SimulationCase,
    seed: u64,
) -> Result<(), ScheduleFailure> {
    let script = run.script();
    let rules = LearnerRules(script.clone());
    let learner = Rc::new(LearnerRules(script.clone()));
    let (sim, scenario, events) = run_learner::<VectorKind>(case, seed, learner, &script)?;
    let at_event = |i: usize| counterexample(&sim, &scenario, events[i].id.step);
    check_vector_stamps(&events).map_err(|(i, message)| (message, at_event(i)))?;
    // Compare the true clocks (equal to the learner's stamps once the check above passed), so
    // `compare` is judged on its own. The pairs are drawn from the whole run, seeded by the
    // schedule; the first pairs an event with itself, so "equal" is asked every time.
    let mut rng = Rng::stream(seed, 0xC0DE);
    let count = events.len() as u64;
    for k in 0..COMPARE_PAIRS.min(count * count) {
        let i = rng.below(count) as usize;
        let j = if k == 0 { i } else { rng.below(count) as usize };
        let (a, b) = (&events[i], &events[j]);
        let got = rules.compare(&a.clock, &b.clock);
        if let Some(e) = script.take_failure() {
            return Err((e.to_string(), at_event(i.max(j))));
        }
        let truth: Order = true_order(a, b);
        if got != truth.as_str() {
            return Err((compare_message(a, b, &got, truth), at_event(i.max(j))));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::exercise::{ExerciseSpec, RuleSet, SimulationCase, TableCase, Value};
    use crate::grade::Grader;

    fn spec() -> ExerciseSpec {
        ExerciseSpec {
            format_version: 1,
            title: "t".into(),
            prompt: "p".into(),
            rules: RuleSet::find("vector-clock").expect("registered"),
            hints: vec![],
            table: vec![],
            simulation: vec![],
            wrong: vec![],
            equivalent: vec![],
        }
    }

    fn vector_spec() -> ExerciseSpec {
        ExerciseSpec {
            table: vec![TableCase {
                name: "concurrent".into(),
                call: "compare".into(),
                args: vec![
                    Value::List(vec![Value::Int(1), Value::Int(0)]),
                    Value::List(vec![Value::Int(0), Value::Int(1)]),
                ],
                expect: Value::Str("concurrent".into()),
                message: "neither is <= the other".into(),
            }],
            simulation: vec![SimulationCase {
                name: "random runs".into(),
                schedules: 10,
                nodes: 3,
                seed: 1,
                faults: true,
                entries_per_append: None,
                adversary: None,
                clock_resolution_us: None,
            }],
            ..spec()
        }
    }

    const VECTOR_RIGHT: &str = r#"
fn tick(clock, me) { clock[me] += 1; clock }
fn receive(clock, msg_clock, me) {
    for i in 0..clock.len() { clock[i] = max(clock[i], msg_clock[i]); }
    clock[me] += 1;
    clock
}
fn compare(a, b) {
    let le = true; let ge = true;
    for i in 0..a.len() { if a[i] > b[i] { le = false; } if a[i] < b[i] { ge = false; } }
    if le && ge { "equal" } else if le { "before" } else if ge { "after" } else { "concurrent" }
}"#;

    #[test]
    fn vector_rules_that_match_the_simulators_clocks_pass() {
        let r = Grader::new().grade(&vector_spec(), VECTOR_RIGHT, &mut |_| {});
        assert!(r.passed(), "{}", r.to_text());
    }

    #[test]
    fn a_compare_that_answers_with_numbers_is_told_the_words() {
        let code = VECTOR_RIGHT.replace("\"concurrent\" }\n}", "0 }\n}");
        assert_ne!(code, VECTOR_RIGHT);
        let r = Grader::new().grade(&vector_spec(), &code, &mut |_| {});
        assert!(
            r.cases[0]
                .message
                .contains("returned 0; expected \"concurrent\""),
            "{}",
            r.to_text()
        );
        assert!(
            r.cases[1].message.contains("must return one of \"before\""),
            "{}",
            r.to_text()
        );
    }

    #[test]
    fn a_vector_of_the_wrong_length_is_explained() {
        let code = VECTOR_RIGHT.replace(
            "fn tick(clock, me) { clock[me] += 1; clock }",
            "fn tick(clock, me) { clock[me] += 1; clock.push(0); clock }",
        );
        let r = Grader::new().grade(&vector_spec(), &code, &mut |_| {});
        assert!(
            r.cases[1].message.contains("one entry per node"),
            "{}",
            r.to_text()
        );
    }
}
