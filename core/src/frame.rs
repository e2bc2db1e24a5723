//! What a live cluster widget draws at one moment, as data that crosses from the lab worker to
//! the page.
//!
//! A [`Frame`] holds everything the widget shows: the nodes, the messages on the wire, the
//! network, the protocol's panels and controls, the playback figures, and the newest trace
//! events. The page draws it without knowing the protocol and without a simulator of its own.
//!
//! Events are sent as a delta: the page says which run of the trace it holds ([`EventsHeld`]),
//! and the frame carries only the events after those, or, when the trace was replaced (a replay,
//! a restart, a forking fault), the newest `keep` afresh. So a playing widget receives a
//! frame's few new events, not the 1,500 its diagram draws.

use crate::actor::Violation;
use crate::controls::Control;
use crate::id::NodeId;
use crate::live::LiveRun;
use crate::net::NetConfig;
use crate::panels::{history_bars, Bar, Panel};
use crate::sim::{Held, InFlight, NodeView};
use crate::time::SimTime;
use crate::trace::{EventKind, TraceEvent};
use serde::{Deserialize, Serialize};

/// Drops this recent (simulated µs) are drawn as a cross on their link.
pub const RECENT_DROP_US: u64 = 20_000;

/// The trace events the page holds, so a frame sends only what it lacks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventsHeld {
    /// The run's epoch the page's events came from ([`LiveRun::epoch`]); `None` if it holds
    /// none.
    pub epoch: Option<u64>,
    /// The index (in the run's recorded events) just after the last event the page holds.
    pub end: u64,
    /// How many of the newest events the page wants to hold (the log's lines, or the diagram's
    /// records when it is shown).
    pub keep: u64,
}

/// The newest events of the trace, as a delta on what the page holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventsDelta {
    /// The epoch these events belong to.
    pub epoch: u64,
    /// The index of `events[0]` in the run's recorded events.
    pub start: u64,
    /// The events, oldest first. If `start` is the end the page holds (in the same epoch), they
    /// extend its events; otherwise they replace them.
    pub events: Vec<TraceEvent>,
}

/// Everything the live widget draws at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frame {
    /// The seed of the run.
    pub seed: u64,
    /// Nodes in the cluster.
    pub size: u32,
    /// The instant drawn (at or after the latest step, so messages glide between steps).
    pub view_time: SimTime,
    /// Steps taken.
    pub step: u64,
    /// The furthest step reached, so the scrubber can move forward after moving back.
    pub furthest: u64,
    /// True if the run has used its event budget or has nothing left to do.
    pub finished: bool,
    /// Events recorded so far (the log says how many it does not show).
    pub recorded: u64,
    /// The trace digest: the same seed and plan always give the same one.
    pub digest: String,
    /// Each node as the ring, inspector and log grid show it.
    pub nodes: Vec<NodeView>,
    /// Messages on the wire.
    pub in_flight: Vec<InFlight>,
    /// Links cut, as (from, to).
    pub blocked: Vec<(NodeId, NodeId)>,
    /// Links that dropped a message in the last [`RECENT_DROP_US`].
    pub recent_drops: Vec<(NodeId, NodeId)>,
    /// Invariants broken so far.
    pub violations: Vec<Violation>,
    /// Events waiting to be chosen (held messages, timers in the asynchronous model).
    pub held: Vec<Held>,
    /// The protocol's cluster-wide panels.
    pub panels: Vec<Panel>,
    /// The history of client operations as bars.
    pub bars: Vec<Bar>,
    /// The network's setting for every link.
    pub net: NetConfig,
    /// The controls the protocol offers now (none for a recorded run, which is watched only).
    pub controls: Vec<Control>,
    /// Partition group (index into [`crate::live::GROUPS`]) of each node.
    pub groups: Vec<u8>,
    /// True if this protocol opens with the space-time diagram showing.
    pub opens_with_spacetime: bool,
    /// The newest trace events, as a delta on what the page said it holds.
    pub events: EventsDelta,
}

impl Frame {
    /// The frame of `run` now, with the events the page lacks given what it `held`.
    pub fn of(run: &LiveRun, held: EventsHeld) -> Frame {
        let session = run.session();
        let sim = session.runner();
        let view_time = session.view_time();
        let trace = sim.trace();
        let events = trace.events();
        let recent_drops = events
            .iter()
            .rev()
            .take_while(|e| e.at.0 + RECENT_DROP_US >= view_time.0)
            .filter_map(|e| match &e.kind {
                EventKind::Dropped { from, to, .. } => Some((*from, *to)),
                _ => None,
            })
            .collect();
        let scenario = session.scenario();
        let controls = if session.is_recording() {
            Vec::new()
        } else {
            scenario
                .protocol
                .controls(scenario.nodes, session.live_faults())
        };
        let step = sim.steps();
        Frame {
            seed: scenario.seed,
            size: sim.size(),
            view_time,
            step,
            furthest: session.furthest_step().max(step),
            finished: session.finished(),
            recorded: trace.recorded(),
            digest: trace.digest(),
            nodes: sim.node_views(),
            in_flight: sim.in_flight(),
            blocked: sim.network().blocked().collect(),
            recent_drops,
            violations: sim.violations(),
            held: sim.held(),
            panels: sim.panels(),
            bars: history_bars(sim.history()),
            net: *sim.network().default_config(),
            controls,
            groups: run.groups().to_vec(),
            opens_with_spacetime: scenario.protocol.opens_with_spacetime(),
            events: delta(events, run.epoch(), held),
        }
    }
}

/// The events after those the page holds, or the newest `keep` if it holds another epoch's.
fn delta(events: &[TraceEvent], epoch: u64, held: EventsHeld) -> EventsDelta {
    let len = events.len() as u64;
    let newest = len.saturating_sub(held.keep);
    let start = match held.epoch {
        Some(e) if e == epoch && held.end <= len => held.end.max(newest),
        _ => newest,
    };
    EventsDelta {
        epoch,
        start,
        events: events[start as usize..].to_vec(),
    }
}

/// The events a page holds, oldest first, kept up to date from each frame's delta.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeldEvents {
    epoch: Option<u64>,
    start: u64,
    events: Vec<TraceEvent>,
    keep: u64,
}

impl HeldEvents {
    /// Holds at most the newest `keep` events.
    pub fn new(keep: u64) -> Self {
        HeldEvents {
            keep,
            ..HeldEvents::default()
        }
    }

    /// What to tell the lab, so its next frame sends only what is missing.
    pub fn held(&self) -> EventsHeld {
        EventsHeld {
            epoch: self.epoch,
            end: self.start + self.events.len() as u64,
            keep: self.keep,
        }
    }

    /// Holds the newest `keep` events from now on; holding more than before forgets what is
    /// held, so the next frame sends the newest `keep` afresh.
    pub fn set_keep(&mut self, keep: u64) {
        if keep > self.keep {
            self.epoch = None;
        }
        self.keep = keep;
        self.trim();
    }

    /// Takes a frame's events: they extend those held, or replace them. In one epoch the run's
    /// events never change, so a delta that starts inside what is held (its request was sent
    /// before an earlier frame arrived, with a stale [`EventsHeld`]) extends by what is new in
    /// it: replacing would keep only that delta's few events. One that starts at or before the
    /// first event held covers all of it and replaces it.
    pub fn take(&mut self, delta: EventsDelta) {
        let end = self.start + self.events.len() as u64;
        if self.epoch == Some(delta.epoch) && self.start < delta.start && delta.start <= end {
            let seen = (end - delta.start).min(delta.events.len() as u64) as usize;
            self.events.extend(delta.events.into_iter().skip(seen));
        } else {
            self.epoch = Some(delta.epoch);
            self.start = delta.start;
            self.events = delta.events;
        }
        self.trim();
    }

    fn trim(&mut self) {
        let extra = (self.events.len() as u64).saturating_sub(self.keep);
        if extra > 0 {
            self.events.drain(..extra as usize);
            self.start += extra;
        }
    }

    /// The events held, oldest first.
    pub fn events(&self) -> &[TraceEvent] {
        &self.events
    }

    /// The index of the first event held in the run's recorded events.
    pub fn start(&self) -> u64 {
        self.start
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::Command;
    use crate::protocols::two_generals::schedules::lossy_generals;

    fn advanced(run: &mut LiveRun, held: &mut HeldEvents, frames: u32) -> Frame {
        let mut frame = Frame::default();
        for _ in 0..frames {
            run.apply(Command::Advance { by_us: 5_000 });
            frame = Frame::of(run, held.held());
            held.take(frame.events.clone());
        }
        frame
    }

    fn newest(run: &LiveRun, keep: usize) -> Vec<TraceEvent> {
        let all = run.session().runner().trace().events();
        all[all.len().saturating_sub(keep)..].to_vec()
    }

    #[test]
    fn deltas_rebuild_exactly_the_newest_events_the_page_keeps() {
        let mut run = LiveRun::new(lossy_generals(3), None);
        let mut held = HeldEvents::new(6);
        advanced(&mut run, &mut held, 30);
        assert!(run.session().runner().trace().events().len() > 6);
        assert_eq!(held.events(), newest(&run, 6).as_slice());
    }

    #[test]
    fn a_frame_sends_only_the_events_the_page_lacks() {
        let mut run = LiveRun::new(lossy_generals(3), None);
        let mut held = HeldEvents::new(1_000);
        advanced(&mut run, &mut held, 10);
        let before = held.held().end;
        run.apply(Command::Step);
        let frame = Frame::of(&run, held.held());
        assert_eq!(frame.events.start, before);
        let now = run.session().runner().trace().events().len() as u64;
        assert_eq!(frame.events.events.len() as u64, now - before);
    }

    #[test]
    fn after_a_replay_the_page_takes_the_events_afresh() {
        let mut run = LiveRun::new(lossy_generals(3), None);
        let mut held = HeldEvents::new(1_000);
        advanced(&mut run, &mut held, 20);
        run.apply(Command::Seek(3));
        let frame = Frame::of(&run, held.held());
        held.take(frame.events);
        assert_eq!(held.events(), newest(&run, 1_000).as_slice());
        assert_eq!(held.start(), 0);
    }

    #[test]
    fn wanting_more_events_gets_them_at_once() {
        let mut run = LiveRun::new(lossy_generals(3), None);
        let mut held = HeldEvents::new(5);
        advanced(&mut run, &mut held, 20);
        held.set_keep(1_000);
        held.take(Frame::of(&run, held.held()).events);
        assert_eq!(held.events(), newest(&run, 1_000).as_slice());
    }

    #[test]
    fn a_frame_crosses_to_the_page_and_back_unchanged() {
        let mut run = LiveRun::new(lossy_generals(3), None);
        let mut held = HeldEvents::new(100);
        let frame = advanced(&mut run, &mut held, 8);
        let bytes = postcard::to_allocvec(&frame).expect("encodes");
        let back: Frame = postcard::from_bytes(&bytes).expect("decodes");
        assert_eq!(back, frame);
        assert_eq!(back.digest, run.session().runner().trace().digest());
    }

    #[test]
    fn two_frames_answered_from_one_view_of_the_page_extend_it_in_order() {
        // A click sends a command while an animation frame's request is still unanswered: both
        // carry the same (soon stale) view of what the page holds.
        let mut run = LiveRun::new(lossy_generals(3), None);
        let mut held = HeldEvents::new(1_000);
        advanced(&mut run, &mut held, 10);
        let stale = held.held();
        run.apply(Command::Step);
        let first = Frame::of(&run, stale);
        run.apply(Command::Step);
        let second = Frame::of(&run, stale);
        // The second repeats the first's events before its own.
        assert!(!first.events.events.is_empty());
        assert_eq!(second.events.start, first.events.start);
        held.take(first.events);
        held.take(second.events);
        assert_eq!(held.events(), newest(&run, 1_000).as_slice());
    }
}
