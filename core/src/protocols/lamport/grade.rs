//! Grading a learner's Lamport rules: `tick(clock)` and `receive(clock, msg_time)` run in every
//! node of the reference cluster under seeded fault schedules, and every stamp is judged against
//! the simulator's happens-before ([`super::invariants::check_clock_condition`]).

use super::invariants::check_clock_condition;
use super::{LamportClock, LamportRules};
use crate::exercise::SimulationCase;
use crate::grade::script::Script;
use crate::grade::{counterexample, ScheduleFailure, ScheduleRun};
use crate::protocols::logical_clock::run_learner;
use std::rc::Rc;

/// The learner's rules, called by the reference cluster.
struct LearnerRules(Rc<Script>);

impl LearnerRules {
    /// Calls `name` and reads back a clock; after an error the clock stays `fallback`.
    fn clock(&self, name: &str, args: impl crate::grade::script::ScriptArgs, fallback: u64) -> u64 {
        let Some(v) = self.0.call(name, args) else {
            return fallback;
        };
        match v.as_int() {
            Ok(i) if i >= 0 => i as u64,
            Ok(i) => {
                self.0.fail(format!(
                    "`{name}` returned {i}, but a Lamport clock is never negative"
                ));
                fallback
            }
            Err(t) => {
                self.0.fail(format!(
                    "`{name}` must return an integer, but returned a {t}"
                ));
                fallback
            }
        }
    }
}

impl LamportRules for LearnerRules {
    fn tick(&self, clock: u64) -> u64 {
        self.clock("tick", (clock,), clock)
    }
    fn receive(&self, clock: u64, msg_time: u64) -> u64 {
        self.clock("receive", (clock, msg_time), clock)
    }
}

/// One schedule of the `lamport` rule set: the clock condition on every causal edge.
pub(super) fn schedule(
    run: &ScheduleRun<'_>,
    case: &SimulationCase,
    seed: u64,
) -> Result<(), ScheduleFailure> {
    let script = run.script();
    let rules = Rc::new(LearnerRules(script.clone()));
    let (sim, scenario, events) = run_learner::<LamportClock>(case, seed, rules, &script)?;
    check_clock_condition(&events)
        .map_err(|(i, message)| (message, counterexample(&sim, &scenario, events[i].id.step)))
}
