//! Replaying a recorded trace as a [`Runner`], so a run that cannot be re-simulated
//! here (one driven by a learner's code, graded in a worker) can still be stepped,
//! scrubbed and drawn like a live one. Faults cannot be added to a recording.
//!
//! A trace holds what happened between nodes, not what they held; a recording may carry
//! [`RecordedView`]s as well (roles, terms, logs), taken from a re-run of the same scenario with
//! the same rules, so a replayed Raft run shows its log grid and inspector like a live one.

use crate::actor::{Field, LogView, Protocol, Violation};
use crate::client::{Input, OpResult};
use crate::fault::PlannedFault;
use crate::history::Operation;
use crate::id::{MsgId, NodeId};
use crate::net::{NetConfig, Network};
use crate::scenario::Runner;
use crate::sim::{InFlight, NodeView, Sim};
use crate::time::{LocalTime, SimTime};
use crate::trace::{EventKind, Trace, TraceEvent};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What one node showed after a step: kept only when it changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedView {
    /// The step after which the node showed this (0: after boot).
    pub step: u64,
    /// Which node.
    pub node: NodeId,
    /// Its badge (role, name).
    pub badge: String,
    /// Its inspector fields.
    pub fields: Vec<Field>,
    /// Its log, if the protocol keeps one.
    pub log: Option<LogView>,
}

/// Steps `sim` until `until_step` (or its queue runs dry), keeping each node's view whenever it
/// changes. `sim` must be a fresh run of the recording's scenario with the same rules, so its
/// steps are the recording's.
pub fn record_views<P: Protocol>(sim: &mut Sim<P>, until_step: u64) -> Vec<RecordedView> {
    let mut out: Vec<RecordedView> = Vec::new();
    let mut last: Vec<Option<usize>> = vec![None; sim.size() as usize];
    loop {
        let step = sim.steps();
        for v in sim.node_views() {
            let i = v.id.index();
            let same = last[i].is_some_and(|k| {
                let r = &out[k];
                r.badge == v.badge && r.fields == v.fields && r.log == v.log
            });
            if !same {
                last[i] = Some(out.len());
                out.push(RecordedView {
                    step,
                    node: v.id,
                    badge: v.badge,
                    fields: v.fields,
                    log: v.log,
                });
            }
        }
        if step >= until_step || !sim.step() {
            return out;
        }
    }
}

/// A run recorded elsewhere (a graded counterexample): its events and, if recorded, what each
/// node showed as it went.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recording {
    /// Every event, oldest first (shared: the page draws them in its diagram as well).
    pub events: std::rc::Rc<Vec<TraceEvent>>,
    /// Node views from [`record_views`] (empty if none were recorded).
    pub views: Vec<RecordedView>,
}

/// A recorded run played back step by step.
pub struct TraceReplay {
    events: Vec<TraceEvent>,
    /// Each node's recorded views, oldest first (empty when none were recorded).
    views: Vec<Vec<RecordedView>>,
    /// The step of the last event consumed.
    at_step: u64,
    next: usize,
    steps: u64,
    now: SimTime,
    trace: Trace,
    nodes: Vec<ReplayNode>,
    wire: BTreeMap<MsgId, InFlight>,
    network: Network,
    violations: Vec<Violation>,
    /// The client operations of the invoke and complete events replayed so far.
    history: Vec<Operation<Input, OpResult>>,
}

#[derive(Clone, Default)]
struct ReplayNode {
    down: bool,
    paused_until: Option<SimTime>,
    stamp: Option<String>,
    handled: u64,
}

impl TraceReplay {
    /// A replay of `events` (a complete trace, oldest first) on a cluster of `nodes`.
    pub fn new(events: Vec<TraceEvent>, nodes: u32) -> Self {
        let mut r = TraceReplay {
            events,
            views: vec![Vec::new(); nodes as usize],
            at_step: 0,
            next: 0,
            steps: 0,
            now: SimTime::ZERO,
            trace: Trace::new(usize::MAX),
            nodes: vec![ReplayNode::default(); nodes as usize],
            wire: BTreeMap::new(),
            network: Network::new(nodes, NetConfig::default()),
            violations: Vec::new(),
            history: Vec::new(),
        };
        // The boot (step 0) is part of the starting state, as in a live run.
        while r.events.get(r.next).is_some_and(|e| e.step == 0) {
            r.consume();
        }
        r
    }

    /// The same replay, showing `views` (from [`record_views`]) for each node as it goes.
    pub fn with_views(mut self, views: &[RecordedView]) -> Self {
        for v in views {
            if let Some(node) = self.views.get_mut(v.node.index()) {
                node.push(v.clone());
            }
        }
        self
    }

    /// The view recorded for node `i` at or before the current step.
    fn recorded(&self, i: usize) -> Option<&RecordedView> {
        let views = self.views.get(i)?;
        let k = views.partition_point(|v| v.step <= self.at_step);
        k.checked_sub(1).map(|k| &views[k])
    }

    fn consume(&mut self) {
        let e = self.events[self.next].clone();
        self.next += 1;
        self.at_step = e.step;
        self.now = self.now.max(e.at);
        let node = |n: &NodeId| n.index();
        match &e.kind {
            EventKind::Sent {
                from,
                to,
                msg,
                label,
                deliver_at: Some(at),
                ..
            } => {
                let f = InFlight {
                    msg: *msg,
                    from: *from,
                    to: *to,
                    sent_at: e.at,
                    deliver_at: *at,
                    label: label.clone(),
                    held: false,
                };
                self.wire.insert(*msg, f);
            }
            EventKind::Delivered { msg, to, .. } => {
                self.wire.remove(msg);
                if let Some(n) = self.nodes.get_mut(node(to)) {
                    n.handled += 1;
                }
            }
            EventKind::Dropped { msg, .. } => {
                self.wire.remove(msg);
            }
            EventKind::TimerFired { node: n, .. } => {
                if let Some(n) = self.nodes.get_mut(node(n)) {
                    n.handled += 1;
                }
            }
            EventKind::Crashed { node: n } => {
                if let Some(n) = self.nodes.get_mut(node(n)) {
                    n.down = true;
                    n.paused_until = None;
                }
            }
            EventKind::Restarted { node: n } => {
                if let Some(n) = self.nodes.get_mut(node(n)) {
                    n.down = false;
                }
            }
            EventKind::Paused { node: n, until } => {
                if let Some(n) = self.nodes.get_mut(node(n)) {
                    n.paused_until = Some(*until);
                }
            }
            EventKind::Resumed { node: n } => {
                if let Some(n) = self.nodes.get_mut(node(n)) {
                    n.paused_until = None;
                }
            }
            EventKind::Stamped { node: n, stamp } => {
                if let Some(n) = self.nodes.get_mut(node(n)) {
                    n.stamp = Some(stamp.to_string());
                }
            }
            EventKind::Violation { invariant, detail } => {
                self.violations.push(Violation {
                    invariant: invariant.clone(),
                    detail: detail.clone(),
                });
            }
            // Operations are numbered in invocation order, so a trace that kept them all
            // rebuilds the history exactly; one that lost some keeps those it can place.
            EventKind::Invoked { client, op, input } if op.0 == self.history.len() as u64 => {
                let call = e.at.0 as i64;
                let client = u64::from(client.0);
                self.history
                    .push(Operation::pending(client, input.clone(), call));
            }
            EventKind::Completed { op, result, .. } if *result != OpResult::Unknown => {
                if let Some(o) = self.history.get_mut(op.0 as usize) {
                    o.output = Some(result.clone());
                    o.return_time = Some(e.at.0 as i64);
                }
            }
            _ => {}
        }
        self.trace.record(e.step, e.at, e.kind, 0);
    }
}

impl Runner for TraceReplay {
    fn step(&mut self) -> bool {
        let Some(step) = self.events.get(self.next).map(|e| e.step) else {
            return false;
        };
        while self.events.get(self.next).is_some_and(|e| e.step == step) {
            self.consume();
        }
        self.steps += 1;
        true
    }

    fn run_until(&mut self, until: SimTime, max_steps: u64) -> u64 {
        let mut taken = 0;
        while taken < max_steps && self.events.get(self.next).is_some_and(|e| e.at <= until) {
            self.step();
            taken += 1;
        }
        if taken < max_steps && self.now < until {
            self.now = until;
        }
        taken
    }

    fn now(&self) -> SimTime {
        self.now
    }

    fn steps(&self) -> u64 {
        self.steps
    }

    fn size(&self) -> u32 {
        self.nodes.len() as u32
    }

    fn trace(&self) -> &Trace {
        &self.trace
    }

    fn history(&self) -> &[Operation<Input, OpResult>] {
        &self.history
    }

    fn node_views(&self) -> Vec<NodeView> {
        self.nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let recorded = self.recorded(i);
                let mut fields = match recorded {
                    Some(v) => v.fields.clone(),
                    None => vec![
                        Field::new(
                            "latest stamp",
                            n.stamp.clone().unwrap_or_else(|| "none yet".into()),
                        ),
                        Field::new("events handled", n.handled),
                    ],
                };
                fields.push(Field::new("note", "recorded run: clocks show true time"));
                NodeView {
                    id: NodeId(i as u32),
                    up: !n.down,
                    paused_until: n.paused_until,
                    local_time: LocalTime(self.now.0 as i64),
                    skew_us: 0,
                    drift_ppm: 0,
                    badge: recorded
                        .map_or_else(|| n.stamp.clone().unwrap_or_default(), |v| v.badge.clone()),
                    log: recorded.and_then(|v| v.log.clone()),
                    fields,
                    // A recorded run is watched, not acted on.
                    actions: Vec::new(),
                }
            })
            .collect()
    }

    fn in_flight(&self) -> Vec<InFlight> {
        self.wire
            .values()
            .filter(|f| f.deliver_at > self.now)
            .cloned()
            .collect()
    }

    fn network(&self) -> &Network {
        &self.network
    }

    fn schedule(&mut self, _plan: &[PlannedFault]) {
        // A recording cannot change: its future is fixed.
    }

    fn next_event_time(&self) -> Option<SimTime> {
        self.events.get(self.next).map(|e| e.at)
    }

    fn violations(&self) -> Vec<Violation> {
        self.violations.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::two_generals::schedules::lossy_generals;
    use crate::SimOptions;

    #[test]
    fn replaying_a_trace_step_by_step_reproduces_it() {
        let s = lossy_generals(2);
        let (_, live) = s.run(SimOptions::default()).unwrap();
        let mut replay = TraceReplay::new(live.trace().events().to_vec(), s.nodes);
        while replay.step() {}
        assert_eq!(replay.trace().events(), live.trace().events());
        assert_eq!(replay.steps(), live.steps());
        assert_eq!(replay.violations(), live.violations());
    }

    #[test]
    fn messages_are_in_flight_between_send_and_delivery() {
        let s = lossy_generals(2);
        let (_, live) = s.run(SimOptions::default()).unwrap();
        let replay = TraceReplay::new(live.trace().events().to_vec(), s.nodes);
        let wire = replay.in_flight();
        assert_eq!(wire.len(), 1, "A's first order is on the wire after boot");
        assert_eq!(wire[0].from, NodeId(0));
    }
}
