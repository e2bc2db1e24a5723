//! Grading a learner's Raft rule: one of `grant_vote`, `append_entries` or `advance_commit` runs
//! in every server of the reference cluster (the paper's other two beside it) under seeded fault
//! schedules, or under the Figure 8 adversary, with the five safety checkers after every step and
//! liveness once the faults stop ([`super::invariants`], [`super::check_liveness`]).

use super::rules::{edit_from_terms, LogEdit, PaperRules, RaftRules, VoteQuery};
use super::{Entry, Raft};
use crate::adversary::figure8::{self, Figure8};
use crate::adversary::longer_log::{self, LongerLog};
use crate::adversary::Adversary;
use crate::exercise::SimulationCase;
use crate::grade::script::{counts, Script};
use crate::grade::{counterexample, ScheduleFailure, ScheduleRun};
use crate::protocols::raft::schedules as raft_kit;
use crate::scenario::ProtocolSpec;
use std::rc::Rc;

/// Which of the three rules is the learner's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Writes {
    /// `grant_vote` (§5.2, §5.4.1).
    Vote,
    /// `append_entries` on the follower (§5.3).
    Append,
    /// `advance_commit` on the leader (§5.3, §5.4.2).
    Commit,
}

/// The learner writes one of the three rules (whichever the exercise names); the other two are
/// the paper's.
struct LearnerRules {
    writes: Writes,
    script: Rc<Script>,
}

fn learner(writes: Writes, script: Rc<Script>) -> Rc<LearnerRules> {
    Rc::new(LearnerRules { writes, script })
}

impl RaftRules for LearnerRules {
    fn grant_vote(&self, q: &VoteQuery) -> bool {
        if self.writes != Writes::Vote {
            return PaperRules.grant_vote(q);
        }
        let args = (
            q.term,
            q.voted_for.map_or(-1, |n| i64::from(n.0)),
            q.last_log_index,
            q.last_log_term,
            i64::from(q.candidate.0),
            q.candidate_term,
            q.candidate_last_log_index,
            q.candidate_last_log_term,
        );
        let Some(v) = self.script.call("grant_vote", args) else {
            return false;
        };
        match v.as_bool() {
            Ok(b) => b,
            Err(t) => {
                self.script.fail(format!(
                    "`grant_vote` must return true or false, but returned a {t}"
                ));
                false
            }
        }
    }

    /// The learner returns `false` or the new log as terms; [`edit_from_terms`] reads that back
    /// into an edit, and anything else stops the schedule with a message. After a failure the
    /// message is rejected, which changes nothing.
    fn append_entries(
        &self,
        log: &[Entry],
        prev_log_index: u64,
        prev_log_term: u64,
        entries: &[Entry],
    ) -> Option<LogEdit> {
        if self.writes != Writes::Append {
            return PaperRules.append_entries(log, prev_log_index, prev_log_term, entries);
        }
        let mut key = Vec::with_capacity(3 + log.len() + entries.len());
        key.extend([log.len() as u64, prev_log_index, prev_log_term]);
        key.extend(log.iter().chain(entries).map(|e| e.term));
        let old = terms(log);
        let sent = terms(entries);
        let v = self.script.call_pure("append_entries", key, || {
            (&old, prev_log_index, prev_log_term, &sent)
        })?;
        if v.as_bool() == Ok(false) {
            return None;
        }
        // Written out only for a message: formatting every call's arguments cost a fifth of a grade.
        let shown =
            || format!("append_entries({old:?}, {prev_log_index}, {prev_log_term}, {sent:?})");
        let Some(new) = counts(&v) else {
            self.script.fail(format!(
                "{} returned a {}: return false to reject, or the new log as a list of terms",
                shown(),
                v.type_name()
            ));
            return None;
        };
        match edit_from_terms(&old, prev_log_index, &sent, &new) {
            Ok(edit) => Some(edit),
            Err(e) => {
                self.script.fail(format!("{}: {e}", shown()));
                None
            }
        }
    }

    /// The learner returns the new commit index; one that goes back or past the log stops the
    /// schedule with a message.
    fn advance_commit(
        &self,
        commit_index: u64,
        term: u64,
        log: &[Entry],
        match_index: &[u64],
    ) -> u64 {
        if self.writes != Writes::Commit {
            return PaperRules.advance_commit(commit_index, term, log, match_index);
        }
        // One allocation for the key; the call's list of terms is made only on a miss.
        let mut key = Vec::with_capacity(3 + log.len() + match_index.len());
        key.extend([commit_index, term, log.len() as u64]);
        key.extend(log.iter().map(|e| e.term));
        key.extend(match_index);
        let v = self.script.call_pure("advance_commit", key, || {
            (commit_index, term, terms(log), match_index)
        });
        let Some(v) = v else {
            return commit_index;
        };
        let shown = || {
            let log_terms = terms(log);
            format!("advance_commit({commit_index}, {term}, {log_terms:?}, {match_index:?})")
        };
        match v.as_int() {
            Err(t) => self
                .script
                .fail(format!("{} returned a {t}, not an index", shown())),
            Ok(n) if n < commit_index as i64 => self.script.fail(format!(
                "{} returned {n}, below the commit index {commit_index}: a committed entry stays committed",
                shown()
            )),
            Ok(n) if n > log.len() as i64 => self.script.fail(format!(
                "{} returned {n}, past the end of the leader's log (index {})",
                shown(),
                log.len()
            )),
            Ok(n) => return n as u64,
        }
        commit_index
    }
}

/// A log (or a message's entries) as the list of terms the Raft exercises see.
fn terms(entries: &[Entry]) -> Vec<u64> {
    entries.iter().map(|e| e.term).collect()
}

/// The case's adversary, fresh: one that Raft's rule sets list (`exercises::RULE_SETS`);
/// validation refuses others.
fn adversary_of(case: &SimulationCase) -> Option<Box<dyn Adversary<Raft>>> {
    match case.adversary.as_deref() {
        Some(figure8::NAME) => Some(Box::new(Figure8::default())),
        Some(longer_log::NAME) => Some(Box::new(LongerLog::default())),
        _ => None,
    }
}

fn schedule_with(
    writes: Writes,
    run: &ScheduleRun<'_>,
    case: &SimulationCase,
    seed: u64,
) -> Result<(), ScheduleFailure> {
    let scenario = super::exercises::exercise_scenario(case, seed);
    let mut adversary = adversary_of(case);
    let ProtocolSpec::Raft(params) = &scenario.protocol else {
        unreachable!("Raft schedules are Raft scenarios")
    };
    let script = run.script();
    let protocol = Raft::with_rules(params.clone(), learner(writes, script.clone()));
    // Judged without keeping the trace (formatting every message's label was a third of a
    // grade's time); a failing run is played again from the scenario it played (adversary faults
    // included), with the same rules and the same budget, to record its trace and what each
    // server held, so the replay shows roles and logs too. What the script prints then is not
    // kept twice.
    let (sim, verdict, played) = raft_kit::run_raft_schedule(
        &scenario,
        protocol,
        0,
        adversary
            .as_mut()
            .map(|a| a.as_mut() as &mut dyn Adversary<Raft>),
    );
    let at = |step: u64| {
        run.quietly(|| {
            let rules = Raft::with_rules(params.clone(), learner(writes, run.script()));
            let (traced, views) = raft_kit::raft_replay(&played, rules, step);
            let mut cx = counterexample(&traced, &played, step);
            cx.views = views;
            cx
        })
    };
    if let Some(e) = script.take_failure() {
        return Err((e.to_string(), at(sim.steps())));
    }
    if let Some((step, v)) = verdict.violation {
        return Err((format!("{} broken: {}", v.invariant, v.detail), at(step)));
    }
    verdict
        .liveness
        .map_err(|v| (format!("no progress: {}", v.detail), at(sim.steps())))
}

/// One schedule of the `raft-vote` rule set.
pub(super) fn vote_schedule(
    run: &ScheduleRun<'_>,
    case: &SimulationCase,
    seed: u64,
) -> Result<(), ScheduleFailure> {
    schedule_with(Writes::Vote, run, case, seed)
}

/// One schedule of the `raft-append` rule set.
pub(super) fn append_schedule(
    run: &ScheduleRun<'_>,
    case: &SimulationCase,
    seed: u64,
) -> Result<(), ScheduleFailure> {
    schedule_with(Writes::Append, run, case, seed)
}

/// One schedule of the `raft-commit` rule set.
pub(super) fn commit_schedule(
    run: &ScheduleRun<'_>,
    case: &SimulationCase,
    seed: u64,
) -> Result<(), ScheduleFailure> {
    schedule_with(Writes::Commit, run, case, seed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercise::{ExerciseSpec, RuleSet};
    use crate::grade::{Grader, Sandbox};
    use crate::replay::TraceReplay;
    use crate::scenario::ProtocolSpec;
    use crate::scenario::Runner;
    use crate::sim::NodeView;

    const TRUNCATE_ON_MATCH: &str = "fn append_entries(log, prev_index, prev_term, entries) {
        if prev_index > log.len() || (prev_index > 0 && log[prev_index - 1] != prev_term) { return false; }
        log.truncate(prev_index);
        log + entries
    }";

    fn append_spec() -> ExerciseSpec {
        ExerciseSpec {
            format_version: 1,
            title: "append".into(),
            prompt: String::new(),
            rules: RuleSet::find("raft-append").expect("registered"),
            hints: vec![],
            table: vec![],
            simulation: vec![SimulationCase {
                name: "raft".into(),
                schedules: 5,
                nodes: 5,
                seed: 1,
                faults: true,
                entries_per_append: Some(1),
                adversary: None,
                clock_resolution_us: None,
            }],
            wrong: vec![],
            equivalent: vec![],
        }
    }

    /// The replayed counterexample shows what the servers held: at the failing step, its log
    /// grid is the one a direct run of the learner's rules has when the checkers stop it.
    #[test]
    fn a_replayed_raft_counterexample_shows_every_servers_log() {
        let grader = Grader::new();
        let r = grader.grade(&append_spec(), TRUNCATE_ON_MATCH, &mut |_| {});
        let cx = r.cases[0].counterexample.as_ref().expect("caught");
        assert!(!cx.views.is_empty());
        let mut replay =
            TraceReplay::new(cx.events.clone(), cx.scenario.nodes).with_views(&cx.views);
        while replay.steps() < cx.failed_at_step && replay.step() {}

        let ProtocolSpec::Raft(params) = &cx.scenario.protocol else {
            panic!("a Raft run")
        };
        let functions = RuleSet::find("raft-append")
            .expect("registered")
            .functions();
        let sandbox = Rc::new(Sandbox::new());
        let ast = Rc::new(sandbox.compile(TRUNCATE_ON_MATCH, functions).unwrap());
        let script = Rc::new(Script::new(sandbox, ast));
        let raft = Raft::with_rules(params.clone(), learner(Writes::Append, script));
        let (direct, verdict, _) =
            raft_kit::run_raft_schedule(&cx.scenario, raft, usize::MAX, None);
        assert!(direct.trace().events() == &cx.events[..], "the same run");
        assert_eq!(verdict.violation.map(|v| v.0), Some(cx.failed_at_step));
        let logs = |views: Vec<NodeView>| views.into_iter().map(|v| v.log).collect::<Vec<_>>();
        let shown = logs(replay.node_views());
        assert!(shown.iter().flatten().any(|l| !l.entries.is_empty()));
        assert_eq!(shown, logs(direct.node_views()));
    }

    #[test]
    fn a_commit_index_that_goes_back_is_explained() {
        let spec = ExerciseSpec {
            rules: RuleSet::find("raft-commit").expect("registered"),
            ..append_spec()
        };
        let r = Grader::new().grade(
            &spec,
            "fn advance_commit(commit_index, term, log, match_index) { if commit_index > 0 { 0 } else { log.len() } }",
            &mut |_| {},
        );
        assert!(!r.passed());
        let text = r.to_text();
        assert!(
            text.contains("a committed entry stays committed") || text.contains("broken"),
            "{text}"
        );
    }

    #[test]
    fn an_append_that_returns_a_misplaced_log_is_explained() {
        let r = Grader::new().grade(
            &append_spec(),
            "fn append_entries(log, prev_index, prev_term, entries) { [99] }",
            &mut |_| {},
        );
        let text = r.to_text();
        assert!(
            text.contains("is not the start of the follower's log"),
            "{text}"
        );
    }
}
