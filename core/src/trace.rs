//! One vocabulary of trace events for every protocol, its text form, and a digest.
//!
//! The same events drive the event log, the message animation, the space-time
//! diagram and counterexamples. The digest hashes the structure of every event
//! (and each message's content), never display text, so it is the same whether
//! or not labels were recorded, and the same natively and in wasm.

use crate::client::{Input, OpId, OpResult};
use crate::id::{MsgId, NodeId, TimerId};
use crate::time::SimTime;
use core::fmt::{self, Write as _};
use core::hash::{Hash, Hasher};
use serde::{Deserialize, Serialize};

/// Why a message never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DropReason {
    /// The network lost it (drop ratio).
    Lost,
    /// A partition or cut link blocked it.
    Partitioned,
    /// It arrived at a crashed node.
    NodeDown,
}

impl fmt::Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DropReason::Lost => "lost",
            DropReason::Partitioned => "partitioned",
            DropReason::NodeDown => "node down",
        })
    }
}

/// A logical or hybrid timestamp a protocol gave to the event its handler is processing.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Stamp {
    /// A Lamport clock value.
    Lamport(u64),
    /// A vector clock, one entry per node.
    Vector(Vec<u64>),
    /// A hybrid logical clock: physical part (µs on the node's clock) and logical counter.
    Hlc {
        /// The largest physical time seen, in microseconds.
        wall_us: i64,
        /// Counts events sharing that physical time.
        logical: u64,
    },
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stamp::Lamport(t) => write!(f, "L={t}"),
            Stamp::Vector(v) => {
                let parts: Vec<String> = v.iter().map(u64::to_string).collect();
                write!(f, "V=[{}]", parts.join(","))
            }
            Stamp::Hlc { wall_us, logical } => {
                write!(f, "HLC=({},{logical})", crate::time::LocalTime(*wall_us))
            }
        }
    }
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    /// A node sent a message; `copies` is 2 when the network will duplicate it, 0 when it was dropped at once.
    Sent {
        /// Sender.
        from: NodeId,
        /// Addressee.
        to: NodeId,
        /// Message identity.
        msg: MsgId,
        /// The message, for people.
        label: String,
        /// When it will arrive (the first copy), if it will.
        deliver_at: Option<SimTime>,
        /// How many copies are on the wire.
        copies: u8,
    },
    /// A message reached its addressee and was handled.
    Delivered {
        /// Sender.
        from: NodeId,
        /// Addressee.
        to: NodeId,
        /// Message identity.
        msg: MsgId,
        /// The message, for people.
        label: String,
        /// When it was sent.
        sent_at: SimTime,
    },
    /// A message was lost.
    Dropped {
        /// Sender.
        from: NodeId,
        /// Addressee.
        to: NodeId,
        /// Message identity.
        msg: MsgId,
        /// The message, for people.
        label: String,
        /// Why.
        reason: DropReason,
    },
    /// A timer fired at a node.
    TimerFired {
        /// Which node.
        node: NodeId,
        /// Which timer.
        timer: TimerId,
        /// What the timer means.
        label: String,
    },
    /// A node crashed.
    Crashed {
        /// Which node.
        node: NodeId,
    },
    /// A node restarted from its durable state (or started, at time zero).
    Restarted {
        /// Which node.
        node: NodeId,
    },
    /// Some links were blocked.
    Partitioned {
        /// Which fault, in words.
        description: String,
    },
    /// Links were restored.
    Healed {
        /// Which repair, in words.
        description: String,
    },
    /// Latency, loss or a clock was changed.
    Configured {
        /// What changed, in words.
        description: String,
    },
    /// A protocol's own remark.
    Note {
        /// Which node.
        node: NodeId,
        /// The remark.
        text: String,
    },
    /// The protocol stamped the event it is handling (a Lamport, vector or hybrid time).
    Stamped {
        /// Which node.
        node: NodeId,
        /// The stamp.
        stamp: Stamp,
    },
    /// Someone outside the cluster asked a node for something (a client write).
    Requested {
        /// Which node.
        node: NodeId,
        /// What, in words (`x=3`).
        request: String,
    },
    /// A client started an operation ([`crate::actor::Ctx::invoke`]). Kept out of the trace
    /// digest (it has its own, [`Trace::history_digest`]), so that adding a history to a
    /// protocol leaves its golden digests as they were.
    Invoked {
        /// The client node.
        client: NodeId,
        /// Which operation of the run.
        op: OpId,
        /// What it asked.
        input: Input,
    },
    /// A client learned the outcome of an operation ([`crate::actor::Ctx::complete`]); out of
    /// the trace digest as [`EventKind::Invoked`] is.
    Completed {
        /// The client node.
        client: NodeId,
        /// Which operation.
        op: OpId,
        /// What it learned.
        result: OpResult,
    },
    /// A safety property broke.
    Violation {
        /// Which property.
        invariant: String,
        /// How.
        detail: String,
    },
    /// A node stopped ([`crate::Fault::Pause`]): nothing happens on it until `until`.
    Paused {
        /// Which node.
        node: NodeId,
        /// When it goes on, in true time.
        until: SimTime,
    },
    /// A paused node went on; what came due meanwhile happens now, in order.
    Resumed {
        /// Which node.
        node: NodeId,
    },
}

/// One line of the trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceEvent {
    /// Which simulator step produced it (steps count queue events, from 1).
    pub step: u64,
    /// When, in true simulated time.
    pub at: SimTime,
    /// What.
    pub kind: EventKind,
}

/// 64-bit FNV-1a, with `usize`/`isize` always hashed as 64 bits.
///
/// `derive(Hash)` writes enum discriminants as `isize` and lengths as `usize`,
/// which are 32 bits on wasm32; widening them keeps digests equal across targets.
#[derive(Clone, Debug)]
pub struct StableHasher(u64);

impl Default for StableHasher {
    fn default() -> Self {
        StableHasher(0xCBF2_9CE4_8422_2325)
    }
}

impl Hasher for StableHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01B3);
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.write(&i.to_le_bytes());
    }
    fn write_u32(&mut self, i: u32) {
        self.write(&i.to_le_bytes());
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn write_isize(&mut self, i: isize) {
        self.write_u64(i as i64 as u64);
    }
}

/// A digest of any hashable value, the same on every platform.
pub fn stable_hash<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = StableHasher::default();
    value.hash(&mut h);
    h.finish()
}

/// The recorded events of a run plus a running digest of all of them.
#[derive(Clone, Debug)]
pub struct Trace {
    events: Vec<TraceEvent>,
    /// Keep at most this many events (the digest still covers all of them).
    cap: usize,
    recorded: u64,
    digest: StableHasher,
    /// The current step's records, kept (whatever the cap) for checkers of the run's history.
    step_events: Option<Vec<TraceEvent>>,
    /// How many invoke and complete events were recorded (they are not in `recorded`).
    history_recorded: u64,
    /// The digest of the invoke and complete events alone.
    history_digest: StableHasher,
    /// False once [`Trace::stop_digesting`] was called: [`Trace::digest`] then means nothing.
    digesting: bool,
}

impl Trace {
    /// An empty trace that keeps up to `cap` events (0 keeps none: digest only).
    pub fn new(cap: usize) -> Self {
        Trace {
            events: Vec::new(),
            cap,
            recorded: 0,
            digest: StableHasher::default(),
            step_events: None,
            history_recorded: 0,
            history_digest: StableHasher::default(),
            digesting: true,
        }
    }

    /// Stops computing the digest of what follows: a run judged only by its checkers (a graded
    /// schedule) does not need it, and hashing every message was a sixth of such a run's time.
    /// [`Trace::digest`] then covers only what came before.
    pub(crate) fn stop_digesting(&mut self) {
        self.digesting = false;
    }

    /// True unless [`Trace::stop_digesting`] was called (so contents are worth hashing).
    pub fn digests(&self) -> bool {
        self.digesting
    }

    /// Keeps each step's records until [`Trace::take_step_events`], for history checkers.
    pub(crate) fn observe_steps(&mut self) {
        self.step_events = Some(Vec::new());
    }

    /// The records since the last take (empty unless [`Trace::observe_steps`] was called).
    pub(crate) fn take_step_events(&mut self) -> Vec<TraceEvent> {
        self.step_events
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// True if events are kept (so labels are worth formatting).
    pub fn keeps_events(&self) -> bool {
        self.cap > 0
    }

    /// Adds an event. `content` is the hash of the message or timer behind it, if any.
    pub(crate) fn record(&mut self, step: u64, at: SimTime, kind: EventKind, content: u64) {
        if let EventKind::Invoked { .. } | EventKind::Completed { .. } = kind {
            self.record_history(step, at, kind);
            return;
        }
        self.recorded += 1;
        if self.digesting {
            self.digest_event(step, at, &kind, content);
        }
        self.keep(step, at, kind);
    }

    /// Adds one event (not an invoke or complete) to the digest.
    fn digest_event(&mut self, step: u64, at: SimTime, kind: &EventKind, content: u64) {
        let d = &mut self.digest;
        d.write_u64(step);
        d.write_u64(at.0);
        d.write_u64(content);
        match kind {
            EventKind::Sent {
                from,
                to,
                msg,
                deliver_at,
                copies,
                ..
            } => {
                d.write_u32(1);
                d.write_u32(from.0);
                d.write_u32(to.0);
                d.write_u64(msg.0);
                d.write_u64(deliver_at.map_or(u64::MAX, |t| t.0));
                d.write(&[*copies]);
            }
            EventKind::Delivered {
                from,
                to,
                msg,
                sent_at,
                ..
            } => {
                d.write_u32(2);
                d.write_u32(from.0);
                d.write_u32(to.0);
                d.write_u64(msg.0);
                d.write_u64(sent_at.0);
            }
            EventKind::Dropped {
                from,
                to,
                msg,
                reason,
                ..
            } => {
                d.write_u32(3);
                d.write_u32(from.0);
                d.write_u32(to.0);
                d.write_u64(msg.0);
                reason.hash(d);
            }
            EventKind::TimerFired { node, timer, .. } => {
                d.write_u32(4);
                d.write_u32(node.0);
                d.write_u64(timer.0);
            }
            EventKind::Crashed { node } => {
                d.write_u32(5);
                d.write_u32(node.0);
            }
            EventKind::Restarted { node } => {
                d.write_u32(6);
                d.write_u32(node.0);
            }
            EventKind::Partitioned { description } => {
                d.write_u32(7);
                d.write(description.as_bytes());
            }
            EventKind::Healed { description } => {
                d.write_u32(8);
                d.write(description.as_bytes());
            }
            EventKind::Configured { description } => {
                d.write_u32(9);
                d.write(description.as_bytes());
            }
            EventKind::Note { node, text } => {
                d.write_u32(10);
                d.write_u32(node.0);
                d.write(text.as_bytes());
            }
            EventKind::Stamped { node, stamp } => {
                d.write_u32(12);
                d.write_u32(node.0);
                stamp.hash(d);
            }
            EventKind::Requested { node, request } => {
                d.write_u32(13);
                d.write_u32(node.0);
                d.write(request.as_bytes());
            }
            EventKind::Violation { invariant, detail } => {
                d.write_u32(11);
                d.write(invariant.as_bytes());
                d.write(detail.as_bytes());
            }
            EventKind::Paused { node, until } => {
                d.write_u32(14);
                d.write_u32(node.0);
                d.write_u64(until.0);
            }
            EventKind::Resumed { node } => {
                d.write_u32(15);
                d.write_u32(node.0);
            }
            // Recorded by `record_history`, above.
            EventKind::Invoked { .. } | EventKind::Completed { .. } => {}
        }
    }

    /// Adds an invoke or complete event: its own digest and count, the same kept list.
    fn record_history(&mut self, step: u64, at: SimTime, kind: EventKind) {
        self.history_recorded += 1;
        let d = &mut self.history_digest;
        d.write_u64(step);
        d.write_u64(at.0);
        match &kind {
            EventKind::Invoked { client, op, input } => {
                d.write_u32(1);
                d.write_u32(client.0);
                d.write_u64(op.0);
                input.hash(d);
            }
            EventKind::Completed { client, op, result } => {
                d.write_u32(2);
                d.write_u32(client.0);
                d.write_u64(op.0);
                result.hash(d);
            }
            _ => {}
        }
        self.keep(step, at, kind);
    }

    /// Keeps an event for the step's checkers and, within the cap, for people.
    fn keep(&mut self, step: u64, at: SimTime, kind: EventKind) {
        if let Some(buffer) = &mut self.step_events {
            buffer.push(TraceEvent {
                step,
                at,
                kind: kind.clone(),
            });
        }
        if self.events.len() < self.cap {
            self.events.push(TraceEvent { step, at, kind });
        }
    }

    /// The kept events, oldest first.
    pub fn events(&self) -> &[TraceEvent] {
        &self.events
    }

    /// How many events were recorded in all (kept or not), not counting invoke and complete
    /// events (see [`Trace::history_recorded`]).
    pub fn recorded(&self) -> u64 {
        self.recorded
    }

    /// How many invoke and complete events were recorded.
    pub fn history_recorded(&self) -> u64 {
        self.history_recorded
    }

    /// True if events were recorded beyond the cap and are missing from [`Trace::events`].
    pub fn truncated(&self) -> bool {
        self.recorded + self.history_recorded > self.events.len() as u64
    }

    /// The digest of every event so far but invokes and completes, as 16 hex digits.
    pub fn digest(&self) -> String {
        format!("{:016x}", self.digest.finish())
    }

    /// The digest of the client history alone (every invoke and complete event), as 16 hex
    /// digits: pinned beside [`Trace::digest`] so a change to what clients see is caught too.
    pub fn history_digest(&self) -> String {
        format!("{:016x}", self.history_digest.finish())
    }
}

/// The legend printed above a trace's text form.
pub const LEGEND: &str = "\
# legend: STEP TIME(ms, true simulated time) WHAT
#   SEND  a -> b  mN label [copies, arrival]  a message left a (x0: dropped at once)
#   RECV  a -> b  mN label                    it arrived and b handled it
#   DROP  a -> b  mN label (reason)           it never arrived: lost, partitioned or node down
#   TIMER n  tN label                         a timer n set earlier fired
#   CRASH n / RESTART n                       n lost its memory / came back from its durable state
#   PART / HEAL / CONF                        links blocked / restored / network or clock changed
#   NOTE  n text                              the protocol's own remark
#   STAMP n L=.. / V=[..] / HLC=(..)           the logical time n gave the event it is handling
#   REQ   n input                             someone outside gave n an input (write y=10, read y)
#   CALL  n opN input / DONE n opN result     a client n started an operation / learned its outcome
#   VIOL  invariant: detail                   a safety property broke";

impl fmt::Display for TraceEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:>6} {:>12}  ", self.step, self.at.to_string())?;
        match &self.kind {
            EventKind::Sent {
                from,
                to,
                msg,
                label,
                deliver_at,
                copies,
            } => {
                write!(f, "SEND  {from} -> {to}  {msg} {label} [x{copies}")?;
                if let Some(t) = deliver_at {
                    write!(f, ", arrives {t}")?;
                }
                f.write_char(']')
            }
            EventKind::Delivered {
                from,
                to,
                msg,
                label,
                ..
            } => write!(f, "RECV  {from} -> {to}  {msg} {label}"),
            EventKind::Dropped {
                from,
                to,
                msg,
                label,
                reason,
            } => {
                write!(f, "DROP  {from} -> {to}  {msg} {label} ({reason})")
            }
            EventKind::TimerFired { node, timer, label } => {
                write!(f, "TIMER {node}  {timer} {label}")
            }
            EventKind::Crashed { node } => write!(f, "CRASH {node}"),
            EventKind::Restarted { node } => write!(f, "RESTART {node}"),
            EventKind::Partitioned { description } => write!(f, "PART  {description}"),
            EventKind::Healed { description } => write!(f, "HEAL  {description}"),
            EventKind::Configured { description } => write!(f, "CONF  {description}"),
            EventKind::Note { node, text } => write!(f, "NOTE  {node} {text}"),
            EventKind::Stamped { node, stamp } => write!(f, "STAMP {node} {stamp}"),
            EventKind::Requested { node, request } => write!(f, "REQ   {node} {request}"),
            EventKind::Invoked { client, op, input } => write!(f, "CALL  {client} {op} {input}"),
            EventKind::Completed { client, op, result } => {
                write!(f, "DONE  {client} {op} {result}")
            }
            EventKind::Violation { invariant, detail } => write!(f, "VIOL  {invariant}: {detail}"),
            EventKind::Paused { node, until } => write!(f, "PAUSE {node} until {until}"),
            EventKind::Resumed { node } => write!(f, "RESUME {node}"),
        }
    }
}

impl Trace {
    /// The whole trace as text: a header, the legend, one line per event, the digest.
    pub fn to_text(&self, header: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# {header}");
        let _ = writeln!(out, "{LEGEND}");
        for e in &self.events {
            let _ = writeln!(out, "{e}");
        }
        if self.truncated() {
            let _ = writeln!(
                out,
                "# ... {} more events not kept",
                self.recorded + self.history_recorded - self.events.len() as u64
            );
        }
        let _ = writeln!(out, "# events {} digest {}", self.recorded, self.digest());
        if self.history_recorded > 0 {
            let _ = writeln!(
                out,
                "# history events {} digest {}",
                self.history_recorded,
                self.history_digest()
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usize_hashes_like_u64_so_wasm_agrees() {
        let mut a = StableHasher::default();
        a.write_usize(7);
        let mut b = StableHasher::default();
        b.write_u64(7);
        assert_eq!(a.finish(), b.finish());
    }

    #[test]
    fn digest_ignores_labels_but_not_structure() {
        let mut with = Trace::new(10);
        let mut without = Trace::new(0);
        let ev = |label: &str| EventKind::Delivered {
            from: NodeId(0),
            to: NodeId(1),
            msg: MsgId(3),
            label: label.into(),
            sent_at: SimTime(1),
        };
        with.record(1, SimTime(4), ev("Ping"), 9);
        without.record(1, SimTime(4), ev(""), 9);
        assert_eq!(with.digest(), without.digest());
        without.record(2, SimTime(5), EventKind::Crashed { node: NodeId(1) }, 0);
        assert_ne!(with.digest(), without.digest());
    }
}
