//! Raft's safety properties (Figure 3 of the paper), one checker each, as values.
//!
//! A [`RaftMonitor`] watches the cluster after every step and remembers what the properties need
//! of the past: who led each term, what each leader's log held, and which entries were committed.
//! Each checker returns the violations it finds and never panics; the detail names the nodes,
//! indexes and entries involved, so a learner can find the moment in the trace.

use super::{Entry, Raft, Role};
use crate::actor::{NodeRef, Violation};
use crate::id::NodeId;
use std::collections::BTreeMap;

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

/// What the checkers remember between steps.
#[derive(Clone, Debug, Default)]
pub struct RaftMonitor {
    /// Who led each term.
    leaders: BTreeMap<u64, NodeId>,
    /// Each current leader's term and log as last seen.
    leader_logs: BTreeMap<NodeId, (u64, Vec<Entry>)>,
    /// Committed entries by index (index 1 first).
    committed: Vec<Committed>,
}

type Servers<'a, 'b> = &'a [NodeRef<'b, Raft>];

fn leaders<'a, 'b>(nodes: Servers<'a, 'b>) -> impl Iterator<Item = &'a NodeRef<'b, Raft>> {
    nodes
        .iter()
        .filter(|n| n.volatile.is_some_and(|v| v.role == Role::Leader))
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
        let mut found = Vec::new();
        found.extend(self.election_safety(servers));
        found.extend(self.leader_append_only(servers));
        found.extend(log_matching(servers));
        found.extend(self.state_machine_safety(servers));
        found.extend(self.leader_completeness(servers));
        found
    }

    /// Election Safety: records the leader of each term and reports a second one.
    pub fn election_safety(&mut self, servers: Servers<'_, '_>) -> Vec<Violation> {
        let mut found = Vec::new();
        for n in leaders(servers) {
            let first = *self.leaders.entry(n.durable.term).or_insert(n.id);
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

    /// Leader Append-Only: while a server leads a term, what its log held stays a prefix of it.
    pub fn leader_append_only(&mut self, servers: Servers<'_, '_>) -> Vec<Violation> {
        let mut found = Vec::new();
        let mut now = BTreeMap::new();
        for n in leaders(servers) {
            let log = &n.durable.log;
            let term = n.durable.term;
            let mut seen = match self.leader_logs.remove(&n.id) {
                Some((t, seen)) if t == term => seen,
                _ => log.clone(),
            };
            let kept = seen.iter().zip(log).take_while(|(a, b)| a == b).count();
            if kept < seen.len() {
                let what = match log.get(kept) {
                    Some(e) => format!("replaced it with {e}"),
                    None => format!("its log now ends at index {}", log.len()),
                };
                found.push(violation(
                    LEADER_APPEND_ONLY,
                    format!(
                        "{}, leader of term {term}, had {} at index {} and {what}",
                        n.id,
                        seen[kept],
                        kept + 1
                    ),
                ));
                seen.truncate(kept);
            }
            seen.extend_from_slice(&log[seen.len().min(log.len())..]);
            now.insert(n.id, (term, seen));
        }
        self.leader_logs = now;
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
        for n in servers {
            let Some(v) = n.volatile else { continue };
            let log = &n.durable.log;
            for index in 1..=v.commit_index {
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
    pub fn leader_completeness(&self, servers: Servers<'_, '_>) -> Vec<Violation> {
        let mut found = Vec::new();
        for n in leaders(servers) {
            let term = n.durable.term;
            for (i, c) in self.committed.iter().enumerate() {
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

/// Log Matching: if two logs have an entry with the same index and term, they are identical
/// in all entries up to that index.
pub fn log_matching(servers: Servers<'_, '_>) -> Vec<Violation> {
    let mut found = Vec::new();
    for (i, a) in servers.iter().enumerate() {
        for b in &servers[i + 1..] {
            let (la, lb) = (&a.durable.log, &b.durable.log);
            let Some(first_diff) = la.iter().zip(lb).position(|(x, y)| x != y) else {
                continue;
            };
            let same_term_later = la
                .iter()
                .zip(lb)
                .enumerate()
                .skip(first_diff)
                .find(|(_, (x, y))| x.term == y.term);
            if let Some((j, (x, _))) = same_term_later {
                found.push(violation(
                    LOG_MATCHING,
                    format!(
                        "{} and {} both have term {} at index {} but differ at index {} ({} vs {})",
                        a.id,
                        b.id,
                        x.term,
                        j + 1,
                        first_diff + 1,
                        la[first_diff],
                        lb[first_diff]
                    ),
                ));
            }
        }
    }
    found
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
            log,
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
    fn a_leader_that_rewrites_its_log_breaks_append_only() {
        let mut m = RaftMonitor::default();
        let before = [server(3, vec![entry(1, 1), entry(3, 2)], Role::Leader, 0)];
        assert!(m.check(&refs(&before)).is_empty());
        let after = [server(3, vec![entry(1, 1), entry(3, 7)], Role::Leader, 0)];
        let found = m.check(&refs(&after));
        assert_eq!(invariants(&found), [LEADER_APPEND_ONLY]);
        assert!(found[0].detail.contains("index 2"), "{}", found[0].detail);
    }

    #[test]
    fn same_index_and_term_with_different_history_breaks_log_matching() {
        let nodes = [
            server(2, vec![entry(1, 1), entry(2, 2)], Role::Follower, 0),
            server(2, vec![entry(2, 5), entry(2, 2)], Role::Follower, 0),
        ];
        let found = log_matching(&refs(&nodes));
        assert_eq!(invariants(&found), [LOG_MATCHING]);
        assert!(found[0]
            .detail
            .contains("term 2 at index 2 but differ at index 1"));
    }

    #[test]
    fn different_committed_entries_break_state_machine_safety() {
        let mut m = RaftMonitor::default();
        let nodes = [
            server(2, vec![entry(1, 1), entry(2, 2)], Role::Follower, 2),
            server(3, vec![entry(1, 1), entry(3, 3)], Role::Follower, 2),
        ];
        let found = m.state_machine_safety(&refs(&nodes));
        assert_eq!(invariants(&found), [STATE_MACHINE_SAFETY]);
        // A committed entry that vanished from a log is reported too.
        let shrunk = [server(2, vec![entry(1, 1)], Role::Follower, 2)];
        let found = m.state_machine_safety(&refs(&shrunk));
        assert!(found[0].detail.contains("its log ends at index 1"));
    }

    #[test]
    fn a_later_leader_without_a_committed_entry_breaks_leader_completeness() {
        let mut m = RaftMonitor::default();
        let committed = [server(2, vec![entry(1, 1), entry(2, 2)], Role::Leader, 2)];
        assert!(m.check(&refs(&committed)).is_empty());
        let later = [
            server(3, vec![entry(1, 1), entry(2, 2)], Role::Follower, 0),
            server(3, vec![entry(1, 1)], Role::Leader, 0),
        ];
        let found = m.leader_completeness(&refs(&later));
        assert_eq!(invariants(&found), [LEADER_COMPLETENESS]);
        assert!(found[0]
            .detail
            .contains("leader of term 3, has nothing there"));
        // A leader of the same term as the commit is not bound by it.
        let same = [server(2, vec![entry(1, 1)], Role::Leader, 0)];
        assert!(m.leader_completeness(&refs(&same)).is_empty());
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
