//! The three decisions the Raft exercises hand to the learner, with the paper's answers.
//!
//! Everything else in [`super::Raft`] is fixed: terms, timers, messages, the client and the state
//! machine. These three are where the classic mistakes live, so the reference cluster can run a
//! learner's version of each one (or a known-flawed one, for a lesson) and the safety checkers can
//! judge the result.

use super::Entry;
use crate::id::NodeId;
use serde::{Deserialize, Serialize};

/// What a server knows when a `RequestVote` arrives (Raft §5.2, §5.4.1).
///
/// The protocol has already adopted the candidate's term if it was newer (and so forgotten its
/// vote), so `term >= candidate_term` here; a candidate with an older term must be refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VoteQuery {
    /// The server's current term.
    pub term: u64,
    /// Whom it voted for in `term`, if anyone.
    pub voted_for: Option<NodeId>,
    /// Index of its last log entry (0 for an empty log).
    pub last_log_index: u64,
    /// Term of its last log entry (0 for an empty log).
    pub last_log_term: u64,
    /// Who asks.
    pub candidate: NodeId,
    /// The candidate's term.
    pub candidate_term: u64,
    /// Index of the candidate's last log entry.
    pub candidate_last_log_index: u64,
    /// Term of the candidate's last log entry.
    pub candidate_last_log_term: u64,
}

/// How a follower changes its log for an accepted `AppendEntries`: keep the first `keep` entries,
/// then append the leader's entries from position `append_from` on.
///
/// The entries appended land right after the kept ones, so when any are appended
/// `keep == prev_log_index + append_from` (each entry sits at the index the leader sent it for).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogEdit {
    /// How many of the follower's entries stay.
    pub keep: u64,
    /// The first of the leader's entries to append (0-based into the message's entries).
    pub append_from: u64,
}

/// The three rules. [`PaperRules`] implements them as Figure 2 says; exercises run a learner's.
pub trait RaftRules {
    /// Should this server grant its vote? (Raft §5.2: one vote per term; §5.4.1: only to a
    /// candidate whose log is at least as up-to-date as its own.)
    fn grant_vote(&self, q: &VoteQuery) -> bool;

    /// The follower's side of `AppendEntries` (Raft §5.3): `None` to reject because the log has
    /// no entry at `prev_log_index` with term `prev_log_term`; otherwise how to change the log.
    fn append_entries(
        &self,
        log: &[Entry],
        prev_log_index: u64,
        prev_log_term: u64,
        entries: &[Entry],
    ) -> Option<LogEdit>;

    /// The leader's new commit index (Raft §5.3, §5.4.2): `match_index[i]` is the highest index
    /// known to be replicated on server `i` (the leader's own entry is its log length).
    fn advance_commit(
        &self,
        commit_index: u64,
        term: u64,
        log: &[Entry],
        match_index: &[u64],
    ) -> u64;
}

/// Raft as the paper has it (Figure 2).
#[derive(Clone, Copy, Debug, Default)]
pub struct PaperRules;

/// Term of the entry at 1-based `index` (0 for index 0 or past the end).
pub(crate) fn term_at(log: &[Entry], index: u64) -> u64 {
    match index {
        0 => 0,
        i => log.get((i - 1) as usize).map_or(0, |e| e.term),
    }
}

/// True if a majority of the servers (`match_index` has one entry each) store index `n`.
fn on_majority(match_index: &[u64], n: u64) -> bool {
    match_index.iter().filter(|m| **m >= n).count() > match_index.len() / 2
}

/// Raft §5.4.1: compare last terms first, then lengths.
pub fn log_up_to_date(q: &VoteQuery) -> bool {
    (q.candidate_last_log_term, q.candidate_last_log_index) >= (q.last_log_term, q.last_log_index)
}

impl RaftRules for PaperRules {
    fn grant_vote(&self, q: &VoteQuery) -> bool {
        q.candidate_term == q.term
            && q.voted_for.is_none_or(|v| v == q.candidate)
            && log_up_to_date(q)
    }

    fn append_entries(
        &self,
        log: &[Entry],
        prev_log_index: u64,
        prev_log_term: u64,
        entries: &[Entry],
    ) -> Option<LogEdit> {
        if prev_log_index > log.len() as u64 || term_at(log, prev_log_index) != prev_log_term {
            return None;
        }
        // "If an existing entry conflicts with a new one (same index but different terms), delete
        // the existing entry and all that follow it. Append any new entries not already in the log."
        for (k, e) in entries.iter().enumerate() {
            let index = prev_log_index + 1 + k as u64;
            if index > log.len() as u64 || term_at(log, index) != e.term {
                return Some(LogEdit {
                    keep: index - 1,
                    append_from: k as u64,
                });
            }
        }
        Some(LogEdit {
            keep: log.len() as u64,
            append_from: entries.len() as u64,
        })
    }

    fn advance_commit(
        &self,
        commit_index: u64,
        term: u64,
        log: &[Entry],
        match_index: &[u64],
    ) -> u64 {
        let mut n = log.len() as u64;
        // Terms never decrease along a log, so once an older term shows up, none further back is ours.
        while n > commit_index && term_at(log, n) == term {
            if on_majority(match_index, n) {
                return n;
            }
            n -= 1;
        }
        commit_index
    }
}

/// A classic mistake, built into the reference so a lesson can show what it breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flaw {
    /// Grants votes without the log up-to-date check of §5.4.1.
    NoUpToDateCheck,
    /// Commits any entry stored on a majority, whatever its term (what Figure 8 warns against).
    CommitOldTerms,
    /// On `AppendEntries`, cuts the log after `prev_log_index` even where the entries already match.
    TruncateOnMatch,
}

/// The paper's rules with one [`Flaw`].
#[derive(Clone, Copy, Debug)]
pub struct FlawedRules(pub Flaw);

impl RaftRules for FlawedRules {
    fn grant_vote(&self, q: &VoteQuery) -> bool {
        match self.0 {
            Flaw::NoUpToDateCheck => {
                q.candidate_term == q.term && q.voted_for.is_none_or(|v| v == q.candidate)
            }
            _ => PaperRules.grant_vote(q),
        }
    }

    fn append_entries(
        &self,
        log: &[Entry],
        prev_log_index: u64,
        prev_log_term: u64,
        entries: &[Entry],
    ) -> Option<LogEdit> {
        let edit = PaperRules.append_entries(log, prev_log_index, prev_log_term, entries)?;
        Some(match self.0 {
            Flaw::TruncateOnMatch => LogEdit {
                keep: prev_log_index,
                append_from: 0,
            },
            _ => edit,
        })
    }

    fn advance_commit(
        &self,
        commit_index: u64,
        term: u64,
        log: &[Entry],
        match_index: &[u64],
    ) -> u64 {
        if self.0 != Flaw::CommitOldTerms {
            return PaperRules.advance_commit(commit_index, term, log, match_index);
        }
        (commit_index + 1..=log.len() as u64)
            .rev()
            .find(|n| on_majority(match_index, *n))
            .unwrap_or(commit_index)
    }
}

/// Turns the log a learner returned (as terms) back into an edit of the real log.
///
/// The result must be the start of the old log followed by the leader's entries, each at the
/// index the leader sent it for. Where both would fit, the follower's own entry is preferred: an
/// entry with the same index and term is the same entry (Log Matching), and the paper keeps it.
pub fn edit_from_terms(
    old: &[u64],
    prev_log_index: u64,
    entries: &[u64],
    new: &[u64],
) -> Result<LogEdit, String> {
    let common = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    for keep in (0..=common).rev() {
        let rest = &new[keep..];
        if rest.is_empty() {
            return Ok(LogEdit {
                keep: keep as u64,
                append_from: entries.len() as u64,
            });
        }
        let Some(from) = (keep as u64).checked_sub(prev_log_index) else {
            continue;
        };
        if entries.get(from as usize..) == Some(rest) {
            return Ok(LogEdit {
                keep: keep as u64,
                append_from: from,
            });
        }
    }
    Err(format!(
        "the log you returned, {new:?}, is not the start of the follower's log {old:?} followed by the leader's entries {entries:?} placed from index {}",
        prev_log_index + 1
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::raft::Command;

    fn log(terms: &[u64]) -> Vec<Entry> {
        terms
            .iter()
            .map(|t| Entry {
                term: *t,
                command: Command::Noop,
            })
            .collect()
    }

    fn query(term: u64, voted_for: Option<u32>, mine: (u64, u64), theirs: (u64, u64)) -> VoteQuery {
        VoteQuery {
            term,
            voted_for: voted_for.map(NodeId),
            last_log_index: mine.0,
            last_log_term: mine.1,
            candidate: NodeId(1),
            candidate_term: term,
            candidate_last_log_index: theirs.0,
            candidate_last_log_term: theirs.1,
        }
    }

    #[test]
    fn a_vote_goes_once_per_term_and_only_to_an_up_to_date_log() {
        assert!(PaperRules.grant_vote(&query(3, None, (4, 2), (4, 2))));
        assert!(PaperRules.grant_vote(&query(3, Some(1), (4, 2), (4, 2))));
        assert!(!PaperRules.grant_vote(&query(3, Some(2), (4, 2), (4, 2))));
        // A later last term wins even with a shorter log; the same last term needs the length.
        assert!(PaperRules.grant_vote(&query(3, None, (9, 1), (2, 2))));
        assert!(!PaperRules.grant_vote(&query(3, None, (4, 2), (3, 2))));
        assert!(FlawedRules(Flaw::NoUpToDateCheck).grant_vote(&query(3, None, (4, 2), (3, 2))));
        let mut stale = query(3, None, (0, 0), (0, 0));
        stale.candidate_term = 2;
        assert!(!PaperRules.grant_vote(&stale));
    }

    #[test]
    fn append_entries_rejects_a_gap_and_truncates_only_on_conflict() {
        let follower = log(&[1, 1, 2, 2]);
        assert_eq!(PaperRules.append_entries(&follower, 5, 2, &[]), None);
        assert_eq!(PaperRules.append_entries(&follower, 3, 1, &[]), None);
        // A stale, shorter AppendEntries whose entries all match changes nothing.
        assert_eq!(
            PaperRules.append_entries(&follower, 1, 1, &log(&[1])),
            Some(LogEdit {
                keep: 4,
                append_from: 1
            })
        );
        // A conflict at index 3 cuts from there.
        assert_eq!(
            PaperRules.append_entries(&follower, 2, 1, &log(&[3])),
            Some(LogEdit {
                keep: 2,
                append_from: 0
            })
        );
        assert_eq!(
            FlawedRules(Flaw::TruncateOnMatch).append_entries(&follower, 1, 1, &log(&[1])),
            Some(LogEdit {
                keep: 1,
                append_from: 0
            })
        );
    }

    #[test]
    fn only_an_entry_of_the_current_term_is_committed_by_counting() {
        // Figure 8 (c): the leader of term 4 has index 2 (term 2) on a majority, but not index 3.
        let leader = log(&[1, 2, 4]);
        assert_eq!(
            PaperRules.advance_commit(1, 4, &leader, &[3, 2, 2, 1, 1]),
            1
        );
        assert_eq!(
            FlawedRules(Flaw::CommitOldTerms).advance_commit(1, 4, &leader, &[3, 2, 2, 1, 1]),
            2
        );
        assert_eq!(
            PaperRules.advance_commit(1, 4, &leader, &[3, 3, 3, 1, 1]),
            3
        );
    }

    #[test]
    fn a_learners_log_of_terms_is_read_back_as_an_edit() {
        let old = [1, 1, 2, 2];
        assert_eq!(
            edit_from_terms(&old, 1, &[1], &[1, 1, 2, 2]),
            Ok(LogEdit {
                keep: 4,
                append_from: 1
            })
        );
        // Truncation after a matching entry: the follower's own copy of index 2 is kept.
        assert_eq!(
            edit_from_terms(&old, 1, &[1], &[1, 1]),
            Ok(LogEdit {
                keep: 2,
                append_from: 1
            })
        );
        assert_eq!(
            edit_from_terms(&old, 2, &[3, 3], &[1, 1, 3, 3]),
            Ok(LogEdit {
                keep: 2,
                append_from: 0
            })
        );
        let err = edit_from_terms(&old, 2, &[3], &[1, 3]).unwrap_err();
        assert!(err.contains("placed from index 3"), "{err}");
    }
}
