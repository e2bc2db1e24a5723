//! Raft's safety properties (Figure 3 of the paper), one checker each, as values.
//!
//! A [`RaftMonitor`] watches the cluster after every step and remembers what the properties need
//! of the past: who led each term, which (index, term) pairs have been seen with which history,
//! and which entries were committed. Each checker returns the violations it finds and never
//! panics; the detail names the nodes, indexes and entries involved, so a learner can find the
//! moment in the trace.
//!
//! The checks are incremental, so they cost little per step even with long logs: a log only grows
//! at its end or is cut back ([`super::Log`] counts the cuts), so only new entries, and logs that
//! were cut, need looking at. Each log's history is kept as a fingerprint per index (a hash of
//! every entry up to it).

use super::{Entry, Raft, Role};
use crate::actor::{NodeRef, Violation};
use crate::id::NodeId;
use crate::trace::stable_hash;

/// Election Safety (§5.2): at most one leader can be elected in a given term.
pub const ELECTION_SAFETY: &str = "election safety (Raft §5.2)";
/// Leader Append-Only (§5.3): a leader never overwrites or deletes entries in its log.
pub const LEADER_APPEND_ONLY: &str = "leader append-only (Raft §5.3)";
/// Log Matching (§5.3): logs with an entry of the same index and term are identical up to it.
pub const LOG_MATCHING: &str = "log matching (Raft §5.3)";
/// Leader Completeness (§5.4): a committed entry is in the log of every later term's leader.
pub const LEADER_COMPLETENESS: &str = "leader completeness (Raft §5.4)";
/// State Machine Safety (§5.4.3): no two servers apply different entries at one index.
pub const STATE_MACHINE_SAFETY: &str = "state machine safety (Raft §5.4.3)";

/// An entry known committed, and the term of the server that first showed it committed.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Committed {
    entry: Entry,
    term: u64,
    by: NodeId,
}

/// What the monitor knows of one server's log and role.
#[derive(Clone, Debug, Default)]
struct Seen {
    /// The log's cut count when last seen.
    truncations: u64,
    /// `history[i]`: fingerprint of entries 1..=i+1.
    history: Vec<u64>,
    /// Indexes from here on (0-based) were fingerprinted this step.
    fresh_from: usize,
    /// The log was cut since the last step.
    cut: bool,
    /// How far its committed prefix has been checked.
    commit_checked: u64,
    /// The term it leads and its log length, as last seen.
    leading: Option<(u64, u64)>,
    /// It began leading (this term) this step.
    new_leader: bool,
}

/// What the checkers remember between steps.
#[derive(Clone, Debug, Default)]
pub struct RaftMonitor {
    /// Who led each term (by term number).
    leaders: Vec<Option<NodeId>>,
    /// Per server.
    seen: Vec<Seen>,
    /// For each index (0-based), every term ever seen there: the fingerprint of its history and
    /// who had it first. Few terms reach any one index, so a short list each is enough.
    histories: Vec<Vec<(u64, u64, NodeId)>>,
    /// Committed entries by index (index 1 first).
    committed: Vec<Committed>,
    /// Committed entries from this index (0-based) on were first seen this step.
    fresh_commits_from: usize,
}

type Servers<'a, 'b> = &'a [NodeRef<'b, Raft>];

fn is_leader(n: &NodeRef<'_, Raft>) -> bool {
    n.volatile.is_some_and(|v| v.role == Role::Leader)
}

fn violation(invariant: &str, detail: String) -> Violation {
    Violation {
        invariant: invariant.to_string(),
        detail,
    }
}

impl RaftMonitor {
    /// Runs every checker over the servers (clients excluded) as they are after a step.
    pub fn check(&mut self, servers: Servers<'_, '_>) -> Vec<Violation> {
        self.observe(servers);
        let mut found = Vec::new();
        found.extend(self.election_safety(servers));
        found.extend(self.leader_append_only(servers));
        found.extend(self.log_matching(servers));
        found.extend(self.state_machine_safety(servers));
        found.extend(self.leader_completeness(servers));
        found
    }

    /// Brings each log's fingerprints and each server's leadership up to date.
    fn observe(&mut self, servers: Servers<'_, '_>) {
        if self.seen.len() < servers.len() {
            self.seen.resize(servers.len(), Seen::default());
        }
        for (n, seen) in servers.iter().zip(&mut self.seen) {
            let log = &n.durable.log;
            seen.cut = log.truncations() != seen.truncations || log.len() < seen.history.len();
            if seen.cut {
                seen.truncations = log.truncations();
                seen.history.clear();
            }
            seen.fresh_from = seen.history.len();
            for e in &log[seen.history.len()..] {
                let before = seen.history.last().copied().unwrap_or(0);
                seen.history.push(stable_hash(&(before, e)));
            }
            let leads = is_leader(n).then_some(n.durable.term);
            seen.new_leader = leads.is_some() && seen.leading.map(|(t, _)| t) != leads;
            if leads.is_none() {
                seen.leading = None;
            }
        }
    }

    /// Election Safety: records the leader of each term and reports a second one.
    pub fn election_safety(&mut self, servers: Servers<'_, '_>) -> Vec<Violation> {
        let mut found = Vec::new();
        for n in servers.iter().filter(|n| is_leader(n)) {
            let term = n.durable.term as usize;
            if self.leaders.len() <= term {
                self.leaders.resize(term + 1, None);
            }
            let first = *self.leaders[term].get_or_insert(n.id);
            if first != n.id {
                found.push(violation(
                    ELECTION_SAFETY,
                    format!(
                        "{} and {} were both leader in term {}",
                        first, n.id, n.durable.term
                    ),
                ));
            }
        }
        found
    }

    /// Leader Append-Only: while a server leads a term, its log is never cut back.
    pub fn leader_append_only(&mut self, servers: Servers<'_, '_>) -> Vec<Violation> {
        let mut found = Vec::new();
        for (n, seen) in servers.iter().zip(&mut self.seen) {
            if !is_leader(n) {
                continue;
            }
            let (term, len) = (n.durable.term, n.durable.log.len() as u64);
            if let Some((t, had)) = seen.leading {
                if t == term && (seen.cut || len < had) {
                    found.push(violation(
                        LEADER_APPEND_ONLY,
                        format!(
                            "{}, leader of term {term}, removed entries from its log (it had {had}, now {len})",
                            n.id
                        ),
                    ));
                }
            }
            seen.leading = Some((term, len));
        }
        found
    }

    /// Log Matching: an (index, term) pair always comes with the same history, in every log and
    /// at every time (the leader of a term creates one entry per index, and the consistency
    /// check copies its history along with it).
    pub fn log_matching(&mut self, servers: Servers<'_, '_>) -> Vec<Violation> {
        let mut found = Vec::new();
        for (n, seen) in servers.iter().zip(&self.seen) {
            let log = &n.durable.log;
            for i in seen.fresh_from..seen.history.len() {
                let key = (i as u64 + 1, log[i].term);
                if self.histories.len() <= i {
                    self.histories.resize(i + 1, Vec::new());
                }
                let at = &mut self.histories[i];
                let (history, first) = match at.iter().find(|h| h.0 == key.1) {
                    Some(h) => (h.1, h.2),
                    None => {
                        at.push((key.1, seen.history[i], n.id));
                        (seen.history[i], n.id)
                    }
                };
                if history == seen.history[i] {
                    continue;
                }
                let other = servers
                    .iter()
                    .zip(&self.seen)
                    .find(|(m, s)| m.id == first && s.history.get(i) == Some(&history));
                let differ = match other {
                    Some((m, s)) => {
                        let d = (0..=i)
                            .find(|j| s.history[*j] != seen.history[*j])
                            .unwrap_or(i);
                        format!(
                            "differ at index {} ({} on {first}, {} on {})",
                            d + 1,
                            m.durable.log[d],
                            log[d],
                            n.id
                        )
                    }
                    None => "had a different history before it".to_string(),
                };
                found.push(violation(
                    LOG_MATCHING,
                    format!(
                        "{} and {first} both have term {} at index {}, but their logs {differ}",
                        n.id, key.1, key.0
                    ),
                ));
                break;
            }
        }
        found
    }

    /// State Machine Safety: every server's committed prefix agrees with every other's.
    ///
    /// A server's committed prefix is what it may apply; two different entries at one index in
    /// committed prefixes mean two state machines will diverge. A committed entry that has
    /// vanished from a server's log is reported too: the server has applied (or will re-apply
    /// after a restart) something its log no longer holds.
    pub fn state_machine_safety(&mut self, servers: Servers<'_, '_>) -> Vec<Violation> {
        let mut found = Vec::new();
        self.fresh_commits_from = self.committed.len();
        for (n, seen) in servers.iter().zip(&mut self.seen) {
            let Some(v) = n.volatile else {
                seen.commit_checked = 0;
                continue;
            };
            let log = &n.durable.log;
            let from = if seen.cut || v.commit_index < seen.commit_checked {
                1
            } else {
                seen.commit_checked + 1
            };
            seen.commit_checked = v.commit_index;
            for index in from..=v.commit_index {
                let Some(entry) = log.get((index - 1) as usize) else {
                    found.push(violation(
                        STATE_MACHINE_SAFETY,
                        format!(
                            "{} counts index {index} as committed, but its log ends at index {}",
                            n.id,
                            log.len()
                        ),
                    ));
                    break;
                };
                match self.committed.get((index - 1) as usize) {
                    Some(c) if c.entry != *entry => {
                        found.push(violation(
                            STATE_MACHINE_SAFETY,
                            format!(
                                "index {index} was committed as {} (on {} in term {}), but {} has committed {} there",
                                c.entry, c.by, c.term, n.id, entry
                            ),
                        ));
                        break;
                    }
                    Some(_) => {}
                    None => self.committed.push(Committed {
                        entry: entry.clone(),
                        term: n.durable.term,
                        by: n.id,
                    }),
                }
            }
        }
        found
    }

    /// Leader Completeness: a leader of term T holds every entry committed in a term before T.
    ///
    /// Checked in full when a server begins to lead, and for entries newly committed while it
    /// leads; in between, Leader Append-Only keeps what it had.
    pub fn leader_completeness(&self, servers: Servers<'_, '_>) -> Vec<Violation> {
        let mut found = Vec::new();
        for (n, seen) in servers.iter().zip(&self.seen) {
            if !is_leader(n) {
                continue;
            }
            let term = n.durable.term;
            let from = if seen.new_leader {
                0
            } else {
                self.fresh_commits_from
            };
            for (i, c) in self.committed.iter().enumerate().skip(from) {
                if c.term >= term {
                    continue;
                }
                let has = n.durable.log.get(i);
                if has != Some(&c.entry) {
                    let what = has.map_or("nothing".to_string(), |e| e.to_string());
                    found.push(violation(
                        LEADER_COMPLETENESS,
                        format!(
                            "index {} ({}) was committed in term {}, but {}, leader of term {term}, has {what} there",
                            i + 1,
                            c.entry,
                            c.term,
                            n.id
                        ),
                    ));
                    break;
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::raft::{Command, Durable, Volatile};

    fn entry(term: u64, value: i64) -> Entry {
        Entry {
            term,
            command: Command::Put {
                key: 'x',
                value,
                client: NodeId(9),
                seq: value as u64,
            },
        }
    }

    fn server(term: u64, log: Vec<Entry>, role: Role, commit_index: u64) -> (Durable, Volatile) {
        let d = Durable {
            term,
            log: log.into(),
            ..Durable::default()
        };
        let mut v = Volatile::new(role, 3);
        v.commit_index = commit_index;
        (d, v)
    }

    fn refs(nodes: &[(Durable, Volatile)]) -> Vec<NodeRef<'_, Raft>> {
        nodes
            .iter()
            .enumerate()
            .map(|(i, (d, v))| NodeRef {
                id: NodeId(i as u32),
                durable: d,
                volatile: Some(v),
            })
            .collect()
    }

    fn invariants(found: &[Violation]) -> Vec<&str> {
        found.iter().map(|v| v.invariant.as_str()).collect()
    }

    #[test]
    fn two_leaders_in_one_term_break_election_safety() {
        let nodes = [
            server(2, vec![], Role::Leader, 0),
            server(2, vec![], Role::Leader, 0),
            server(2, vec![], Role::Follower, 0),
        ];
        let found = RaftMonitor::default().check(&refs(&nodes));
        assert_eq!(invariants(&found), [ELECTION_SAFETY]);
        assert!(found[0]
            .detail
            .contains("n0 and n1 were both leader in term 2"));
    }

    #[test]
    fn a_leader_that_cuts_its_log_breaks_append_only() {
        let mut m = RaftMonitor::default();
        let mut leader = server(3, vec![entry(1, 1), entry(3, 2)], Role::Leader, 0);
        assert!(m.check(&refs(std::slice::from_ref(&leader))).is_empty());
        leader.0.log.truncate(1);
        leader.0.log.push(entry(3, 7));
        let found = m.check(&refs(&[leader]));
        // Index 2 of term 3 now has another history too, which Log Matching reports as well.
        assert_eq!(invariants(&found), [LEADER_APPEND_ONLY, LOG_MATCHING]);
        assert!(
            found[0].detail.contains("removed entries"),
            "{}",
            found[0].detail
        );
    }

    #[test]
    fn same_index_and_term_with_different_history_breaks_log_matching() {
        let nodes = [
            server(2, vec![entry(1, 1), entry(2, 2)], Role::Follower, 0),
            server(2, vec![entry(2, 5), entry(2, 2)], Role::Follower, 0),
        ];
        let found = RaftMonitor::default().check(&refs(&nodes));
        assert_eq!(invariants(&found), [LOG_MATCHING]);
        assert!(
            found[0]
                .detail
                .contains("term 2 at index 2, but their logs differ at index 1"),
            "{}",
            found[0].detail
        );
    }

    #[test]
    fn different_committed_entries_break_state_machine_safety() {
        let mut m = RaftMonitor::default();
        let nodes = [
            server(2, vec![entry(1, 1), entry(2, 2)], Role::Follower, 2),
            server(3, vec![entry(1, 1), entry(3, 3)], Role::Follower, 2),
        ];
        let found = m.check(&refs(&nodes));
        assert_eq!(invariants(&found), [STATE_MACHINE_SAFETY]);
        // A committed entry that vanished from a log is reported too.
        let mut shrunk = nodes[0].clone();
        shrunk.0.log.truncate(1);
        let found = m.check(&refs(&[shrunk]));
        assert_eq!(invariants(&found), [STATE_MACHINE_SAFETY]);
        assert!(found[0].detail.contains("its log ends at index 1"));
    }

    #[test]
    fn a_later_leader_without_a_committed_entry_breaks_leader_completeness() {
        let committed = [server(2, vec![entry(1, 1), entry(2, 2)], Role::Leader, 2)];
        let mut m = RaftMonitor::default();
        assert!(m.check(&refs(&committed)).is_empty());
        let later = [server(3, vec![entry(1, 1)], Role::Leader, 0)];
        let found = m.check(&refs(&later));
        assert_eq!(invariants(&found), [LEADER_COMPLETENESS]);
        assert!(found[0]
            .detail
            .contains("leader of term 3, has nothing there"));
        // A leader of the same term as the commit is not bound by it.
        let mut m = RaftMonitor::default();
        assert!(m.check(&refs(&committed)).is_empty());
        let same = [server(2, vec![entry(1, 1)], Role::Follower, 0)];
        assert!(m.check(&refs(&same)).is_empty());
    }

    #[test]
    fn a_healthy_cluster_breaks_nothing() {
        let log = vec![entry(1, 1), entry(2, 2)];
        let nodes = [
            server(2, log.clone(), Role::Leader, 2),
            server(2, log.clone(), Role::Follower, 1),
            server(2, log[..1].to_vec(), Role::Follower, 1),
        ];
        assert!(RaftMonitor::default().check(&refs(&nodes)).is_empty());
    }
}
