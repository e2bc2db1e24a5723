//! Happens-before, computed by the simulator from a trace.
//!
//! An *event* is one handler run at one node: a boot or restart, a delivery, or a
//! timer, together with what it sent, noted and stamped. Within a node events are
//! ordered by time; a send happens before its delivery; happens-before is the
//! transitive closure of the two (Lamport 1978, §2). We compute it with vector
//! clocks kept by the simulator itself, independent of any clock a protocol (or a
//! learner) implements, so it can judge them.

use crate::id::{MsgId, NodeId};
use crate::time::SimTime;
use crate::trace::{EventKind, Stamp, TraceEvent};
use std::collections::BTreeMap;

/// Where an event happened: the simulator step and the node whose handler ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventId {
    /// The step (several nodes boot in step 0).
    pub step: u64,
    /// The node.
    pub node: NodeId,
}

/// One event with its true causal position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CausalEvent {
    /// Which event.
    pub id: EventId,
    /// When, in true time.
    pub at: SimTime,
    /// The simulator's vector clock of the event: entry `i` counts node `i`'s events in its causal past (itself included).
    pub clock: Vec<u64>,
    /// The stamp the protocol gave it, if any.
    pub stamp: Option<Stamp>,
    /// If the event delivered a message: the message and the index (in the returned list) of the event that sent it.
    pub received: Option<(MsgId, usize)>,
    /// Messages the event sent.
    pub sent: Vec<MsgId>,
    /// The index of the previous event on the same node, if any.
    pub previous: Option<usize>,
}

impl CausalEvent {
    /// True if `self` happens before `other` (self → other).
    pub fn happens_before(&self, other: &CausalEvent) -> bool {
        self.id != other.id && self.clock.iter().zip(&other.clock).all(|(a, b)| a <= b)
    }

    /// True if neither happens before the other.
    pub fn concurrent_with(&self, other: &CausalEvent) -> bool {
        self.id != other.id && !self.happens_before(other) && !other.happens_before(self)
    }
}

fn node_of(kind: &EventKind) -> Option<NodeId> {
    match kind {
        EventKind::Sent { from, .. } => Some(*from),
        EventKind::Delivered { to, .. } => Some(*to),
        EventKind::TimerFired { node, .. }
        | EventKind::Restarted { node }
        | EventKind::Note { node, .. }
        | EventKind::Stamped { node, .. }
        | EventKind::Requested { node, .. } => Some(*node),
        EventKind::Invoked { client, .. } | EventKind::Completed { client, .. } => Some(*client),
        // A drop at delivery time is the network's doing; at send time the Sent line owns the event.
        EventKind::Dropped { .. }
        | EventKind::Crashed { .. }
        | EventKind::Partitioned { .. }
        | EventKind::Healed { .. }
        | EventKind::Configured { .. }
        | EventKind::Violation { .. }
        | EventKind::Paused { .. }
        | EventKind::Resumed { .. } => None,
    }
}

/// Groups a complete trace into events and computes their vector clocks.
pub fn causal_events(trace: &[TraceEvent], nodes: u32) -> Vec<CausalEvent> {
    let mut tracker = CausalTracker::default();
    for rec in trace {
        tracker.push(rec, nodes);
    }
    tracker.events
}

/// Happens-before computed as a run goes: trace records in, [`CausalEvent`]s out.
///
/// The live checkers of the logical clocks feed it each step's records; [`causal_events`] feeds it
/// a whole trace. An event is complete once its step is over (a step runs one handler, whose
/// sends, notes and stamp are recorded in that step).
#[derive(Clone, Debug, Default)]
pub struct CausalTracker {
    events: Vec<CausalEvent>,
    current: Vec<Vec<u64>>,
    last_on_node: Vec<Option<usize>>,
    sender_of: BTreeMap<MsgId, usize>,
    open: Option<(EventId, usize)>,
}

impl CausalTracker {
    /// The events so far, in the order they happened.
    pub fn events(&self) -> &[CausalEvent] {
        &self.events
    }

    /// Takes one trace record of a cluster of `nodes` nodes.
    pub fn push(&mut self, rec: &TraceEvent, nodes: u32) {
        let n = nodes as usize;
        if self.current.len() < n {
            self.current.resize(n, vec![0; n]);
            self.last_on_node.resize(n, None);
        }
        let Some(node) = node_of(&rec.kind) else {
            return;
        };
        if node.index() >= n {
            return;
        }
        let id = EventId {
            step: rec.step,
            node,
        };
        let index = match self.open {
            Some((open_id, i)) if open_id == id => i,
            _ => {
                let mut received = None;
                if let EventKind::Delivered { msg, .. } = &rec.kind {
                    if let Some(&s) = self.sender_of.get(msg) {
                        let sent_clock = self.events[s].clock.clone();
                        for (c, m) in self.current[node.index()].iter_mut().zip(sent_clock) {
                            *c = (*c).max(m);
                        }
                        received = Some((*msg, s));
                    }
                }
                self.current[node.index()][node.index()] += 1;
                self.events.push(CausalEvent {
                    id,
                    at: rec.at,
                    clock: self.current[node.index()].clone(),
                    stamp: None,
                    received,
                    sent: Vec::new(),
                    previous: self.last_on_node[node.index()],
                });
                let i = self.events.len() - 1;
                self.last_on_node[node.index()] = Some(i);
                self.open = Some((id, i));
                i
            }
        };
        match &rec.kind {
            EventKind::Sent { msg, .. } => {
                self.events[index].sent.push(*msg);
                self.sender_of.insert(*msg, index);
            }
            EventKind::Stamped { stamp, .. } => self.events[index].stamp = Some(stamp.clone()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::two_generals::schedules::lossy_generals;
    use crate::SimOptions;

    #[test]
    fn a_send_happens_before_its_delivery_and_boots_are_concurrent() {
        let s = lossy_generals(2);
        let (_, r) = s.run(SimOptions::default()).unwrap();
        let ev = causal_events(r.trace().events(), 2);
        let recv = ev
            .iter()
            .find(|e| e.received.is_some())
            .expect("some delivery");
        let (_, sender) = recv.received.unwrap();
        assert!(ev[sender].happens_before(recv));
        assert!(!recv.happens_before(&ev[sender]));
        for e in &ev {
            if let Some(p) = e.previous {
                assert!(ev[p].happens_before(e), "program order is causal");
            }
        }
    }

    #[test]
    fn boots_of_different_nodes_are_concurrent() {
        let s = crate::protocols::heartbeat::schedules::heartbeat_under_nemesis(3);
        let (_, r) = s.run(SimOptions::default()).unwrap();
        let ev = causal_events(r.trace().events(), s.nodes);
        let boots: Vec<_> = ev.iter().filter(|e| e.id.step == 0).collect();
        assert_eq!(boots.len(), 5, "every heartbeat node broadcasts at boot");
        assert!(boots[0].concurrent_with(boots[1]) && boots[3].concurrent_with(boots[4]));
    }
}
