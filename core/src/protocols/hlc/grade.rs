//! Grading a learner's hybrid logical clock: `send(l, c, pt)` and `receive(l, c, ml, mc, pt)` run
//! on skewed, drifting clocks ([`super::random_clocks`]) under seeded fault schedules, and the run
//! must keep causality and stay within the clocks' spread of physical time
//! ([`super::invariants::check_hlc`]), read in the case's clock resolution.

use super::invariants::{check_hlc_read_in_steps, read_in_steps};
use super::{HlcKind, HlcRules, HlcTime};
use crate::clock::clocks_at_start;
use crate::exercise::{SimulationCase, Value};
use crate::grade::script::{from_script, Script, ScriptArgs};
use crate::grade::{counterexample, ScheduleFailure, ScheduleRun};
use crate::protocols::logical_clock::run_learner;
use std::rc::Rc;

/// The learner's rules, called by the reference cluster, and the resolution of the physical clock
/// they read (in µs).
struct LearnerRules(Rc<Script>, u64);

impl LearnerRules {
    /// Calls `name` and reads back `[l, c]`; after an error the clock stays `fallback`.
    fn time(&self, name: &str, args: impl ScriptArgs, fallback: HlcTime) -> HlcTime {
        let Some(v) = self.0.call(name, args) else {
            return fallback;
        };
        match from_script(&v) {
            Some(Value::List(items)) => match items.as_slice() {
                [Value::Int(l), Value::Int(c)] if *c >= 0 => HlcTime {
                    l: *l,
                    c: *c as u64,
                },
                [Value::Int(_), Value::Int(c)] => {
                    self.0.fail(format!(
                        "`{name}` returned c = {c}, but c counts events and is never negative"
                    ));
                    fallback
                }
                _ => {
                    self.0.fail(format!(
                        "`{name}` must return [l, c], a list of two integers, but returned {}",
                        Value::List(items.clone())
                    ));
                    fallback
                }
            },
            other => {
                let shown = other.map_or_else(|| v.type_name().to_string(), |x| x.to_string());
                self.0.fail(format!(
                    "`{name}` must return [l, c], a list of two integers, but returned {shown}"
                ));
                fallback
            }
        }
    }
}

impl HlcRules for LearnerRules {
    fn send(&self, now: HlcTime, pt: i64) -> HlcTime {
        let pt = read_in_steps(pt, self.1);
        self.time("send", (now.l, now.c, pt), now)
    }
    fn receive(&self, now: HlcTime, msg: HlcTime, pt: i64) -> HlcTime {
        let pt = read_in_steps(pt, self.1);
        self.time("receive", (now.l, now.c, msg.l, msg.c, pt), now)
    }
}

/// One schedule of the `hlc` rule set: causality, `l >= pt`, and `l` never ahead of every clock.
pub(super) fn schedule(
    run: &ScheduleRun<'_>,
    case: &SimulationCase,
    seed: u64,
) -> Result<(), ScheduleFailure> {
    let script = run.script();
    let resolution_us = case.clock_resolution_us.unwrap_or(1);
    let rules = Rc::new(LearnerRules(script.clone(), resolution_us));
    let (sim, scenario, events) = run_learner::<HlcKind>(case, seed, rules, &script)?;
    let clocks = clocks_at_start(scenario.nodes, &scenario.clocks);
    check_hlc_read_in_steps(&events, &clocks, resolution_us)
        .map_err(|(i, message)| (message, counterexample(&sim, &scenario, events[i].id.step)))
}

#[cfg(test)]
mod tests {
    use super::super::invariants::check_hlc;
    use super::super::{
        random_clocks, Hlc, HlcKind, HlcParams, HLC_MAX_DRIFT_PPM, HLC_MAX_SKEW_US,
    };
    use super::*;
    use crate::causality::causal_events;
    use crate::causality::CausalEvent;
    use crate::clock::Clock;
    use crate::protocols::logical_clock::ClockKind;
    use crate::scenario::Scenario;
    use crate::schedules::{EXERCISE_DURATION_US, EXERCISE_MAX_STEPS};
    use crate::sim::SimOptions;
    use crate::time::SimTime;
    use crate::trace::Stamp;
    use std::cell::RefCell;

    /// Runs an HLC cluster with `rules` on a seeded skewed schedule; returns the causal events and clocks.
    fn hlc_run(seed: u64, rules: Rc<dyn HlcRules>) -> (Vec<CausalEvent>, Vec<Clock>, Scenario) {
        let case = SimulationCase {
            name: "hlc".into(),
            schedules: 1,
            nodes: 4,
            seed,
            faults: true,
            entries_per_append: None,
            adversary: None,
            clock_resolution_us: None,
        };
        let scenario = HlcKind::exercise_scenario(&case, seed);
        let protocol = Hlc::with_rules(HlcParams::default(), rules);
        let mut sim = scenario.sim(protocol, SimOptions::default());
        sim.run_until(SimTime(EXERCISE_DURATION_US), EXERCISE_MAX_STEPS);
        let events = causal_events(sim.trace().events(), scenario.nodes);
        (
            events,
            clocks_at_start(scenario.nodes, &scenario.clocks),
            scenario,
        )
    }

    /// The paper's rules, remembering every physical reading they were handed.
    #[derive(Default)]
    struct Recording(RefCell<Vec<i64>>);

    impl HlcRules for Recording {
        fn send(&self, now: HlcTime, pt: i64) -> HlcTime {
            self.0.borrow_mut().push(pt);
            crate::protocols::hlc::ReferenceRules.send(now, pt)
        }
        fn receive(&self, now: HlcTime, msg: HlcTime, pt: i64) -> HlcTime {
            self.0.borrow_mut().push(pt);
            crate::protocols::hlc::ReferenceRules.receive(now, msg, pt)
        }
    }

    #[test]
    fn the_graders_physical_clocks_read_what_the_handlers_saw() {
        for seed in 0..20 {
            let rules = Rc::new(Recording::default());
            let (events, clocks, _) = hlc_run(seed, rules.clone());
            let expected: Vec<i64> = events
                .iter()
                .filter(|e| e.stamp.is_some())
                .map(|e| clocks[e.id.node.index()].read(e.at).0)
                .collect();
            assert!(!expected.is_empty());
            assert_eq!(*rules.0.borrow(), expected, "seed {seed}");
        }
    }

    #[test]
    fn the_papers_rules_keep_causality_and_closeness_on_skewed_drifting_clocks() {
        let mut ahead = 0;
        for seed in 0..300 {
            let (events, clocks, s) = hlc_run(seed, Rc::new(crate::protocols::hlc::ReferenceRules));
            assert_eq!(check_hlc(&events, &clocks), Ok(()), "seed {seed}: {s:?}");
            ahead += events
                .iter()
                .filter(|e| matches!(e.stamp, Some(Stamp::Hlc { logical, .. }) if logical > 0))
                .count();
        }
        assert!(
            ahead > 100,
            "skew makes c count up often enough to matter ({ahead})"
        );
    }

    /// l pushed 100 ms past the physical clock: causal and never behind pt, but far from real time.
    struct RunsAhead;

    impl HlcRules for RunsAhead {
        fn send(&self, now: HlcTime, pt: i64) -> HlcTime {
            crate::protocols::hlc::ReferenceRules.send(now, pt + 100_000)
        }
        fn receive(&self, now: HlcTime, msg: HlcTime, pt: i64) -> HlcTime {
            crate::protocols::hlc::ReferenceRules.receive(now, msg, pt + 100_000)
        }
    }

    #[test]
    fn an_l_ahead_of_every_physical_clock_is_caught() {
        let (events, clocks, _) = hlc_run(3, Rc::new(RunsAhead));
        let (_, message) = check_hlc(&events, &clocks).unwrap_err();
        assert!(
            message.contains("ran ahead of every physical clock"),
            "{message}"
        );
    }

    #[test]
    fn hlc_schedules_skew_and_drift_every_clock_within_the_stated_bounds() {
        let clocks = random_clocks(9, 16);
        assert_eq!(clocks, random_clocks(9, 16));
        assert!(clocks
            .iter()
            .all(|c| c.skew_us.abs() <= HLC_MAX_SKEW_US && c.drift_ppm.abs() <= HLC_MAX_DRIFT_PPM));
        assert!(clocks.iter().any(|c| c.skew_us < 0) && clocks.iter().any(|c| c.skew_us > 0));
    }
}
