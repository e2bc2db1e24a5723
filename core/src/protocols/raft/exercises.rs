//! The Raft rule sets a learner can write, and the schedules their simulation cases run.

use crate::adversary::{figure8, longer_log};
use crate::exercise::RuleSetInfo;
#[cfg(any(feature = "authoring", feature = "grader"))]
use {
    super::RaftParams, crate::exercise::SimulationCase,
    crate::protocols::raft::schedules as raft_kit, crate::scenario::Scenario,
};

/// Commands each client sends in a graded Figure 8 schedule (the lesson's runs send 40). The
/// adversary plays within the first second, and the shorter logs that follow make the leader's
/// calls to the learner's `advance_commit` about twice as cheap; the adversary finishes about as
/// often (95 of 200 schedules with 16, 87 with 40).
#[cfg(any(feature = "authoring", feature = "grader"))]
const FIGURE8_GRADING_COMMANDS: u32 = 16;

/// Raft's three rule sets: the vote (§5.2, §5.4.1), the follower's `AppendEntries` (§5.3) and the
/// leader's commit rule (§5.3, §5.4.2).
pub(super) const RULE_SETS: &[RuleSetInfo] = &[
    RuleSetInfo {
        id: "raft-vote",
        // The learner writes `grant_vote(term, voted_for, last_index, last_term, candidate, cand_term, cand_last_index, cand_last_term)`, returning true or false (`voted_for` is -1 for nobody).
        functions: &[(
            "grant_vote",
            &[
                "term",
                "voted_for",
                "last_index",
                "last_term",
                "candidate",
                "cand_term",
                "cand_last_index",
                "cand_last_term",
            ],
        )],
        adversaries: &[figure8::NAME, longer_log::NAME],
        #[cfg(feature = "authoring")]
        scenario: exercise_scenario,
        #[cfg(feature = "authoring")]
        check_case,
        #[cfg(feature = "grader")]
        schedule: super::grade::vote_schedule,
    },
    RuleSetInfo {
        id: "raft-append",
        // The learner writes `append_entries(log, prev_index, prev_term, entries)` on the follower, logs and entries as lists of terms, returning false to reject or the new log.
        functions: &[(
            "append_entries",
            &["log", "prev_index", "prev_term", "entries"],
        )],
        adversaries: &[figure8::NAME],
        #[cfg(feature = "authoring")]
        scenario: exercise_scenario,
        #[cfg(feature = "authoring")]
        check_case,
        #[cfg(feature = "grader")]
        schedule: super::grade::append_schedule,
    },
    RuleSetInfo {
        id: "raft-commit",
        // The learner writes `advance_commit(commit_index, term, log, match_index)` on the leader, `log` as a list of terms and one `match_index` per server, returning the new commit index.
        functions: &[(
            "advance_commit",
            &["commit_index", "term", "log", "match_index"],
        )],
        adversaries: &[figure8::NAME],
        #[cfg(feature = "authoring")]
        scenario: exercise_scenario,
        #[cfg(feature = "authoring")]
        check_case,
        #[cfg(feature = "grader")]
        schedule: super::grade::commit_schedule,
    },
];

/// The schedule a graded Raft case runs for one seed: the property sweep's for `case.nodes`
/// servers and one client, or, with an adversary, its setting (the Figure 8 adversary's on five
/// servers, the longer-but-older adversary's on `case.nodes`; the adversary then adds its faults
/// as it plays).
#[cfg(any(feature = "authoring", feature = "grader"))]
pub(super) fn exercise_scenario(case: &SimulationCase, seed: u64) -> Scenario {
    match case.adversary.as_deref() {
        Some(figure8::NAME) => raft_kit::figure8_schedule(
            seed,
            RaftParams {
                commands: FIGURE8_GRADING_COMMANDS,
                ..raft_kit::figure8_params()
            },
        ),
        Some(longer_log::NAME) => raft_kit::longer_log_schedule(seed, case.nodes),
        _ => {
            let mut params = raft_kit::sweep_params();
            if let Some(n) = case.entries_per_append {
                params.max_entries_per_append = n;
            }
            raft_kit::raft_schedule(seed, case.nodes, params)
        }
    }
}

#[cfg(feature = "authoring")]
/// The options only Raft cases take: at least one entry per message, and the Figure 8 adversary
/// only on the five servers it plays on.
fn check_case(case: &SimulationCase) -> Result<(), String> {
    if case.entries_per_append == Some(0) {
        return Err(format!(
            "simulation case `{}`: `entries_per_append` must be at least 1",
            case.name
        ));
    }
    if case.clock_resolution_us.is_some() {
        return Err(format!(
            "simulation case `{}`: `clock_resolution_us` is for hybrid logical clock rules only",
            case.name
        ));
    }
    if case.adversary.as_deref() == Some(longer_log::NAME) && case.nodes < 3 {
        return Err(format!(
            "simulation case `{}`: the longer-but-older adversary needs at least 3 servers, not {}",
            case.name, case.nodes
        ));
    }
    if case.adversary.as_deref() == Some(figure8::NAME) && case.nodes != 5 {
        return Err(format!(
            "simulation case `{}`: the figure-8 adversary plays on 5 servers, not {}",
            case.name, case.nodes
        ));
    }
    Ok(())
}
