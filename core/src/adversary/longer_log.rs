//! A vote from a voter whose log is shorter than the candidate's but newer: the run that shows why
//! Raft compares the last entries' terms before the logs' lengths (§5.4.1).

use super::{raft_leader as leader, Adversary};
use crate::actor::NodeRef;
use crate::fault::Fault;
use crate::id::NodeId;
use crate::protocols::raft::Raft;
use crate::sim::Sim;
use crate::time::SimTime;

/// The name a graded simulation case gives this adversary (`adversary = "longer-but-older"`).
pub const NAME: &str = "longer-but-older";

/// When the adversary stops waiting for its moment (the schedule heals and restarts everything at
/// [`crate::protocols::raft::schedules::LONGER_LOG_GIVE_UP_US`]).
const WAIT_US: u64 = 1_500_000;
/// How long the servers it crashed stay down, so that the survivors must elect one of their own.
const DOWN_US: u64 = 1_000_000;

/// Builds the run in which a server with a longer log from an older term asks for votes from
/// servers whose logs end in a newer, committed entry, and strikes at the right moments (each
/// fault lands 1 µs after the step that triggered it, so the run replays from its plan):
///
/// 1. When leader A holds an entry no other server has yet, hold back every message between A and
///    the other servers. Clients still reach A, so A's log grows with their commands, uncommitted;
///    the other servers hear nothing from A and elect a leader L in a later term.
/// 2. When L has committed an entry of its own term, and a majority but one of the servers that
///    hold it (L aside) have logs shorter than A's, crash L and every server but A and those
///    voters, and release what A and the voters sent each other: A learns of the newer term and
///    steps down.
/// 3. A and the voters now make a majority, and an election follows. A's log is the longest, but
///    its last entry's term is older than the voters': a voter that compares lengths first votes
///    for A, and A, lacking the committed entry, leads. Comparing last terms first, the voters
///    refuse A and elect one of themselves. The crashed servers restart 1 s later.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LongerLog {
    stage: Stage,
    played: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum Stage {
    #[default]
    Ahead,
    Outgrow {
        a: NodeId,
        term: u64,
        until: SimTime,
    },
    Down {
        crashed: Vec<NodeId>,
        until: SimTime,
    },
    Done,
}

impl Adversary<Raft> for LongerLog {
    fn act(&mut self, sim: &Sim<Raft>) -> Vec<Fault> {
        let servers = sim.protocol().servers(sim.size()) as usize;
        self.watch(&sim.node_refs(), servers, sim.now())
    }

    fn finished(&self) -> bool {
        self.played
    }
}

impl LongerLog {
    /// Looks at the cluster after a step: `servers` of `nodes` are servers.
    fn watch(&mut self, nodes: &[NodeRef<'_, Raft>], servers: usize, now: SimTime) -> Vec<Fault> {
        match self.stage.clone() {
            Stage::Ahead => {
                let Some(a) = leader(nodes, servers) else {
                    return Vec::new();
                };
                let len = a.durable.log.len();
                let ahead = len > 0
                    && nodes[..servers]
                        .iter()
                        .filter(|n| n.id != a.id)
                        .all(|n| n.durable.log.len() < len);
                if !ahead {
                    return Vec::new();
                }
                self.stage = Stage::Outgrow {
                    a: a.id,
                    term: a.durable.term,
                    until: SimTime(now.0 + WAIT_US),
                };
                (0..servers as u32)
                    .map(NodeId)
                    .filter(|n| *n != a.id)
                    .flat_map(|s| {
                        [
                            Fault::Hold { from: a.id, to: s },
                            Fault::Hold { from: s, to: a.id },
                        ]
                    })
                    .collect()
            }
            Stage::Outgrow { a, term, until } => {
                if now >= until {
                    self.stage = Stage::Done;
                    return vec![Fault::ReleaseAll];
                }
                let Some(l) = leader(nodes, servers).filter(|l| l.durable.term > term) else {
                    return Vec::new();
                };
                let (Some(v), log) = (l.volatile, &l.durable.log) else {
                    return Vec::new();
                };
                let committed = v.commit_index as usize;
                let Some(entry) = committed
                    .checked_sub(1)
                    .and_then(|i| log.get(i))
                    .filter(|e| e.term == l.durable.term)
                else {
                    return Vec::new();
                };
                let a_len = nodes[a.index()].durable.log.len();
                let voters: Vec<NodeId> = nodes[..servers]
                    .iter()
                    .filter(|n| n.id != a && n.id != l.id && n.volatile.is_some())
                    .filter(|n| n.durable.log.get(committed - 1) == Some(entry))
                    .filter(|n| n.durable.log.len() < a_len)
                    .map(|n| n.id)
                    .collect();
                let majority = servers / 2 + 1;
                let Some(voters) = voters.get(..majority - 1) else {
                    return Vec::new();
                };
                let crashed: Vec<NodeId> = (0..servers as u32)
                    .map(NodeId)
                    .filter(|n| *n != a && !voters.contains(n))
                    .collect();
                self.stage = Stage::Down {
                    crashed: crashed.clone(),
                    until: SimTime(now.0 + DOWN_US),
                };
                self.played = true;
                // What L and the others sent A stays held (until the schedule heals everything):
                // it would bring A's log up to date and spoil the election that follows.
                let mut faults: Vec<Fault> =
                    crashed.iter().map(|&node| Fault::Crash { node }).collect();
                faults.extend(voters.iter().flat_map(|&s| {
                    [
                        Fault::Release { from: a, to: s },
                        Fault::Release { from: s, to: a },
                    ]
                }));
                faults
            }
            Stage::Down { crashed, until } => {
                if now < until {
                    return Vec::new();
                }
                self.stage = Stage::Done;
                crashed
                    .into_iter()
                    .map(|node| Fault::Restart { node })
                    .collect()
            }
            Stage::Done => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::raft::rules::{LogEdit, PaperRules, RaftRules, VoteQuery};
    use crate::protocols::raft::schedules::{
        longer_log_params, longer_log_schedule, run_raft_schedule,
    };
    use crate::protocols::raft::Entry;
    use std::rc::Rc;

    /// The paper's rules, but a vote compares the logs' lengths before their last terms.
    struct LongerLogWins;

    impl RaftRules for LongerLogWins {
        fn grant_vote(&self, q: &VoteQuery) -> bool {
            let free = q.voted_for.is_none_or(|v| v == q.candidate);
            let longer_first = if q.candidate_last_log_index != q.last_log_index {
                q.candidate_last_log_index > q.last_log_index
            } else {
                q.candidate_last_log_term >= q.last_log_term
            };
            q.candidate_term >= q.term && free && longer_first
        }
        fn append_entries(
            &self,
            log: &[Entry],
            prev_log_index: u64,
            prev_log_term: u64,
            entries: &[Entry],
        ) -> Option<LogEdit> {
            PaperRules.append_entries(log, prev_log_index, prev_log_term, entries)
        }
        fn advance_commit(&self, c: u64, t: u64, log: &[Entry], m: &[u64]) -> u64 {
            PaperRules.advance_commit(c, t, log, m)
        }
    }

    /// (schedules played, schedules the run failed) over `n` seeds on `servers` servers.
    fn sweep(servers: u32, n: u64, rules: fn() -> Rc<dyn RaftRules>) -> (u32, u32) {
        let (mut played, mut failed) = (0, 0);
        for seed in 1..=n {
            let scenario = longer_log_schedule(seed, servers);
            let mut adversary = LongerLog::default();
            let raft = Raft::with_rules(longer_log_params(), rules());
            let (_, verdict, _) = run_raft_schedule(&scenario, raft, 0, Some(&mut adversary));
            played += u32::from(adversary.finished());
            failed += u32::from(verdict.violation.is_some() || verdict.liveness.is_err());
        }
        (played, failed)
    }

    #[test]
    fn the_paper_survives_the_adversary_and_comparing_lengths_first_does_not() {
        for servers in [3, 4, 5] {
            let (played, failed) = sweep(servers, 40, || Rc::new(PaperRules));
            eprintln!("{servers} servers, paper's rules: played {played} of 40, failed {failed}");
            assert_eq!(failed, 0);
            let (played_wrong, failed_wrong) = sweep(servers, 40, || Rc::new(LongerLogWins));
            eprintln!(
                "{servers} servers, longer log wins: played {played_wrong} of 40, failed {failed_wrong}"
            );
            assert!(played >= 8, "the adversary played {played} of 40 runs");
            assert!(failed_wrong >= 8, "caught {failed_wrong} of 40");
        }
    }
}
