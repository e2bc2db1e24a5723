//! The Raft paper's Figure 8, played by an adversary: the run that shows why a leader must not
//! commit an entry of an older term by counting its replicas (§5.4.2).

use super::{raft_leader as leader, Adversary};
use crate::actor::NodeRef;
use crate::fault::Fault;
use crate::id::NodeId;
use crate::protocols::raft::schedules::FIGURE8_GIVE_UP_US;
use crate::protocols::raft::{Entry, Raft, Role};
use crate::sim::Sim;
use crate::time::SimTime;

/// The name a graded simulation case gives this adversary (`adversary = "figure-8"`).
pub const NAME: &str = "figure-8";

/// The paper's Figure 8 as an adversary that watches the cluster and strikes at the right moments
/// (each fault lands 1 µs after the step that triggered it, so the run replays from its plan):
///
/// 1. When leader A's newest entry (index i, term T) has reached exactly one follower B, cut
///    {A, B} off and crash both: the copies still on the wire are lost.
/// 2. When a new leader L has put an entry of its own term, with another command, at index i,
///    isolate and crash L. (If L puts A's command there, retried by its client, the run is
///    left alone: the adversary only plays the figure with two different writes.)
/// 3. 100 ms later (the wire is empty), heal and restart A: only A can win, and it sends index i
///    to the two servers left.
/// 4. When A knows both of them hold index i, crash A and restart L. L's last term is newer, so
///    it wins and overwrites index i. That is safe only if A did not count index i as committed:
///    entries of an older term must not be committed by counting replicas (§5.4.2).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figure8 {
    stage: Stage,
    played: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum Stage {
    #[default]
    ReachOne,
    NewLeader {
        a: NodeId,
        term: u64,
        index: u64,
        entry: Entry,
    },
    Drain {
        a: NodeId,
        l: NodeId,
        index: u64,
        until: SimTime,
    },
    Replicated {
        a: NodeId,
        l: NodeId,
        index: u64,
    },
    Done,
}

impl Adversary<Raft> for Figure8 {
    fn act(&mut self, sim: &Sim<Raft>) -> Vec<Fault> {
        let servers = sim.protocol().servers(sim.size()) as usize;
        self.watch(&sim.node_refs(), servers, sim.now())
    }

    fn finished(&self) -> bool {
        self.played
    }
}

impl Figure8 {
    /// Looks at the cluster after a step: `servers` of `nodes` are servers.
    fn watch(&mut self, nodes: &[NodeRef<'_, Raft>], servers: usize, now: SimTime) -> Vec<Fault> {
        if now.0 >= FIGURE8_GIVE_UP_US {
            self.stage = Stage::Done;
        }
        match self.stage.clone() {
            Stage::ReachOne => {
                let Some(a) = leader(nodes, servers) else {
                    return Vec::new();
                };
                let (log, term) = (&a.durable.log, a.durable.term);
                let index = log.len() as u64;
                let Some(newest) = log.last().filter(|e| e.term == term) else {
                    return Vec::new();
                };
                let holders: Vec<NodeId> = nodes[..servers]
                    .iter()
                    .filter(|n| n.id != a.id && n.durable.log.get(log.len() - 1) == Some(newest))
                    .map(|n| n.id)
                    .collect();
                let [b] = holders[..] else { return Vec::new() };
                let rest: Vec<NodeId> = (0..nodes.len() as u32)
                    .map(NodeId)
                    .filter(|n| *n != a.id && *n != b)
                    .collect();
                self.stage = Stage::NewLeader {
                    a: a.id,
                    term,
                    index,
                    entry: newest.clone(),
                };
                vec![
                    Fault::Partition {
                        groups: vec![vec![a.id, b], rest],
                    },
                    Fault::Crash { node: a.id },
                    Fault::Crash { node: b },
                ]
            }
            Stage::NewLeader {
                a,
                term,
                index,
                entry,
            } => {
                let Some(l) = leader(nodes, servers).filter(|l| l.durable.term > term) else {
                    return Vec::new();
                };
                let Some(own) = l.durable.log.get(index as usize - 1) else {
                    return Vec::new();
                };
                // The figure needs a different command at index i; a retry of A's own command
                // there would be the same write, so give up on this run instead.
                if own.term != l.durable.term || own.command == entry.command {
                    self.stage = Stage::Done;
                    return Vec::new();
                }
                self.stage = Stage::Drain {
                    a,
                    l: l.id,
                    index,
                    until: SimTime(now.0 + 100_000),
                };
                vec![Fault::Isolate { node: l.id }, Fault::Crash { node: l.id }]
            }
            Stage::Drain { a, l, index, until } => {
                if now < until {
                    return Vec::new();
                }
                self.stage = Stage::Replicated { a, l, index };
                vec![Fault::Heal, Fault::Restart { node: a }]
            }
            Stage::Replicated { a, l, index } => {
                let Some(v) = nodes[a.index()].volatile.filter(|v| v.role == Role::Leader) else {
                    return Vec::new();
                };
                let others = nodes[..servers]
                    .iter()
                    .filter(|n| n.id != a && n.volatile.is_some())
                    .count();
                let reached = v
                    .match_index
                    .iter()
                    .enumerate()
                    .filter(|(i, m)| {
                        *i != a.index() && **m >= index && nodes[*i].volatile.is_some()
                    })
                    .count();
                if others == 0 || reached < others {
                    return Vec::new();
                }
                self.stage = Stage::Done;
                self.played = true;
                vec![Fault::Crash { node: a }, Fault::Restart { node: l }]
            }
            Stage::Done => Vec::new(),
        }
    }
}
