//! The protocol trait and the context through which handlers emit effects.
//!
//! Like stateright's `Actor` and raft-rs's `Ready`, a handler never touches the
//! queue, the network or a clock: it reads its state, and asks [`Ctx`] to send,
//! set timers and note things. The simulator applies those effects afterwards,
//! which is what makes every run replayable from its seed.
//!
//! State is split in two. `Durable` is what the protocol has persisted to disk
//! (Raft's term, vote and log): it survives a crash. `Volatile` is memory: a
//! crash loses it and a restart rebuilds it with [`Protocol::boot`].

use crate::client::{Input, OpId, OpResult};
use crate::clock::Clock;
use crate::controls::NodeAction;
use crate::id::{NodeId, TimerId};
use crate::panels::Panel;
use crate::rng::Rng;
use crate::time::{LocalTime, SimDuration};
use crate::trace::{Stamp, TraceEvent};
use core::fmt::Debug;
use core::hash::Hash;

/// One named value shown in the node inspector.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Field {
    /// What the value is, e.g. `"term"`.
    pub name: String,
    /// The value as text.
    pub value: String,
}

impl Field {
    /// A field from anything printable.
    pub fn new(name: &str, value: impl ToString) -> Self {
        Field {
            name: name.to_string(),
            value: value.to_string(),
        }
    }
}

/// A node's replicated log as the UI draws it: one cell per entry, coloured by term.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LogView {
    /// The entries, index 1 first.
    pub entries: Vec<LogCell>,
    /// Entries up to this index are known committed.
    pub commit_index: u64,
}

/// One log entry for drawing.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LogCell {
    /// The term it was created in.
    pub term: u64,
    /// What it holds, e.g. `x=3`.
    pub label: String,
}

/// A broken invariant: data, never a panic, so the UI can show it.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Violation {
    /// The property broken, e.g. `"agreement"`.
    pub invariant: String,
    /// What exactly went wrong, naming nodes.
    pub detail: String,
}

/// A read-only view of one node for cluster-wide invariant checks.
pub struct NodeRef<'a, P: Protocol> {
    /// Which node.
    pub id: NodeId,
    /// What it persisted.
    pub durable: &'a P::Durable,
    /// Its memory, or `None` while it is crashed.
    pub volatile: Option<&'a P::Volatile>,
}

/// A message in transit, with what it says, for a protocol's own scheduler
/// ([`Protocol::schedule`]) and the panels that need the whole configuration.
pub struct Waiting<'a, M> {
    /// Which message.
    pub msg: crate::id::MsgId,
    /// Its sender.
    pub from: NodeId,
    /// Its addressee.
    pub to: NodeId,
    /// The message.
    pub payload: &'a M,
    /// True if it is held and can be chosen now; false if it is still on the wire (it will be
    /// held when it comes due).
    pub held: bool,
}

/// What a protocol's scheduler does next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    /// Delivers this held message.
    Deliver(crate::id::MsgId),
    /// Crashes this node (FLP's adversary may spend one crash).
    Crash(NodeId),
}

/// A distributed protocol: the logic run by every node of a cluster.
///
/// The value itself holds only configuration (timeouts, parameters); per-node
/// state lives in `Durable` and `Volatile`, owned by the simulator.
pub trait Protocol: Clone + 'static {
    /// A message between nodes. `Hash` feeds the trace digest.
    type Msg: Clone + Debug + Hash;
    /// What a timer means when it fires.
    type Timer: Clone + Debug + Hash;
    /// State that survives a crash (written to disk before acting on it).
    type Durable: Clone + Debug + Default + Hash;
    /// State lost on a crash.
    type Volatile: Clone + Debug;
    /// What the protocol remembers of the run beside it, between steps: what the invariant
    /// checks need (which node led which term, what was committed: properties such as Raft's
    /// election safety are about the whole history, not one moment), and what a view shows of
    /// the run's past ([`Protocol::mark_step`]). `()` for protocols that look only at the present.
    type Monitor: Default;

    /// Starts (or restarts, after a crash) a node from what it persisted.
    fn boot(&self, durable: &mut Self::Durable, ctx: &mut Ctx<'_, Self>) -> Self::Volatile;

    /// Handles a message delivered from `from`.
    fn on_message(
        &self,
        durable: &mut Self::Durable,
        volatile: &mut Self::Volatile,
        from: NodeId,
        msg: Self::Msg,
        ctx: &mut Ctx<'_, Self>,
    );

    /// Handles a timer this node set earlier.
    fn on_timer(
        &self,
        durable: &mut Self::Durable,
        volatile: &mut Self::Volatile,
        timer: Self::Timer,
        ctx: &mut Ctx<'_, Self>,
    );

    /// Handles an input from outside the cluster ([`Fault::Input`](crate::fault::Fault::Input)):
    /// a client operation this node should perform, or "time out now". A client node that
    /// performs an operation reports it with [`Ctx::invoke`] and [`Ctx::complete`], which makes
    /// the run's history. Most protocols take none, and ignore it.
    fn on_input(
        &self,
        _durable: &mut Self::Durable,
        _volatile: &mut Self::Volatile,
        _input: &Input,
        _ctx: &mut Ctx<'_, Self>,
    ) {
    }

    /// The values the node inspector shows; `volatile` is `None` while crashed.
    fn inspect(
        &self,
        _id: NodeId,
        _durable: &Self::Durable,
        _volatile: Option<&Self::Volatile>,
    ) -> Vec<Field> {
        Vec::new()
    }

    /// The node's replicated log, for protocols that keep one (drawn as a grid under the ring).
    /// `volatile` is `None` while crashed (the log is durable; the commit index is not).
    fn log_view(
        &self,
        _id: NodeId,
        _durable: &Self::Durable,
        _volatile: Option<&Self::Volatile>,
    ) -> Option<LogView> {
        None
    }

    /// A short badge drawn on the node (a role, a name); empty for none.
    fn badge(
        &self,
        _id: NodeId,
        _durable: &Self::Durable,
        _volatile: Option<&Self::Volatile>,
    ) -> String {
        String::new()
    }

    /// The buttons the node's inspector shows (Raft's "time out now"); `volatile` is `None` while
    /// crashed (the page disables them then).
    fn actions(
        &self,
        _id: NodeId,
        _durable: &Self::Durable,
        _volatile: Option<&Self::Volatile>,
    ) -> Vec<NodeAction> {
        Vec::new()
    }

    /// The cluster-wide views drawn under the ring ([`Panel`]: a key-value table per replica, a
    /// hash ring, a value per node over time, a table of figures), built from every node's state
    /// now; `volatile` is `None` for a crashed node. Most protocols have none.
    fn panels(&self, _nodes: &[NodeRef<'_, Self>]) -> Vec<Panel> {
        Vec::new()
    }

    /// True if the protocol chooses deliveries itself ([`Protocol::schedule`]): a run in the
    /// asynchronous model then asks it whenever nothing else is due. Most protocols leave the
    /// choice to the learner.
    fn schedules(&self) -> bool {
        false
    }

    /// The protocol's own scheduler, for protocols that model one (FLP's adversary, which must
    /// know the protocol to compute valence): picks the held message to deliver next, or a node
    /// to crash. Asked only when [`Protocol::schedules`] is true, a message waits, and nothing
    /// else is due before its move ([`Protocol::schedule_gap`] from now); `None` leaves the run
    /// to whatever else is planned. It is a function of the state, so a replay of the scenario
    /// makes the same choices.
    fn schedule(
        &self,
        _nodes: &[NodeRef<'_, Self>],
        _waiting: &[Waiting<'_, Self::Msg>],
    ) -> Option<Pick> {
        None
    }

    /// Simulated time between two of the scheduler's moves ([`Protocol::schedule`]), so a run
    /// can be watched; a planned fault due sooner (a global stabilisation time) happens first.
    fn schedule_gap(&self) -> SimDuration {
        SimDuration(1)
    }

    /// True if [`Protocol::waiting_panels`] draws anything (so the page's frames skip listing
    /// the messages in transit for every other protocol).
    fn draws_waiting_panels(&self) -> bool {
        false
    }

    /// Cluster-wide views that need the messages waiting to be chosen as well as the nodes (a
    /// configuration's valence), and what [`Protocol::mark_step`] remembered of the run's past.
    /// Built only while something waits.
    fn waiting_panels(
        &self,
        _monitor: &Self::Monitor,
        _nodes: &[NodeRef<'_, Self>],
        _waiting: &[Waiting<'_, Self::Msg>],
    ) -> Vec<Panel> {
        Vec::new()
    }

    /// Remembers in `monitor` what [`Protocol::waiting_panels`] will show of the run's past (the
    /// configuration after each step and its valence). Called once the nodes have booted and
    /// after every step, for a protocol that [draws waiting panels](Protocol::draws_waiting_panels),
    /// when the invariants are checked (a view's run, not a grader's).
    fn mark_step(
        &self,
        _monitor: &mut Self::Monitor,
        _nodes: &[NodeRef<'_, Self>],
        _waiting: &[Waiting<'_, Self::Msg>],
    ) {
    }

    /// True if [`Protocol::check`] checks anything (so the simulator can skip building views).
    fn has_invariants(&self) -> bool {
        false
    }

    /// Cluster-wide safety properties, checked after every event when enabled.
    fn check(&self, _monitor: &mut Self::Monitor, _nodes: &[NodeRef<'_, Self>]) -> Vec<Violation> {
        Vec::new()
    }

    /// True if [`Protocol::check_events`] checks anything (so the simulator hands it each step's
    /// trace records only when it is wanted).
    fn observes_events(&self) -> bool {
        false
    }

    /// Properties of the run's history rather than of the nodes' states (a logical clock against
    /// happens-before, a hybrid clock against physical time), checked after every step when
    /// enabled: `events` are the step's trace records, `clocks` every node's physical clock now.
    fn check_events(
        &self,
        _monitor: &mut Self::Monitor,
        _events: &[TraceEvent],
        _clocks: &[Clock],
    ) -> Vec<Violation> {
        Vec::new()
    }
}

/// An effect a handler asked for; applied by the simulator after the handler returns.
#[derive(Debug)]
pub(crate) enum Effect<P: Protocol> {
    Send {
        to: NodeId,
        msg: P::Msg,
    },
    SetTimer {
        id: TimerId,
        after_local: SimDuration,
        timer: P::Timer,
    },
    CancelTimer {
        id: TimerId,
    },
    Note {
        text: String,
    },
    Suspect {
        about: NodeId,
    },
    Stamp {
        stamp: Stamp,
    },
    Invoke {
        op: OpId,
        input: Input,
    },
    Complete {
        op: OpId,
        result: OpResult,
    },
}

/// What a handler may do: read its clock and identity, draw randomness, and emit effects.
pub struct Ctx<'a, P: Protocol> {
    pub(crate) id: NodeId,
    pub(crate) cluster_size: u32,
    pub(crate) now: LocalTime,
    pub(crate) rng: &'a mut Rng,
    pub(crate) effects: &'a mut Vec<Effect<P>>,
    pub(crate) next_timer: &'a mut u64,
    pub(crate) next_op: &'a mut u64,
}

impl<P: Protocol> Ctx<'_, P> {
    /// This node's id.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// How many nodes the cluster has (ids `0..cluster_size`).
    pub fn cluster_size(&self) -> u32 {
        self.cluster_size
    }

    /// Every node but this one, in id order.
    pub fn peers(&self) -> impl Iterator<Item = NodeId> + '_ {
        let me = self.id;
        (0..self.cluster_size).map(NodeId).filter(move |n| *n != me)
    }

    /// This node's own clock: true time bent by its skew and drift. There is no global clock.
    pub fn now(&self) -> LocalTime {
        self.now
    }

    /// This node's seeded randomness (e.g. for election timeouts).
    pub fn rng(&mut self) -> &mut Rng {
        self.rng
    }

    /// Sends `msg` to `to` over the simulated network (it may be lost, delayed or duplicated).
    pub fn send(&mut self, to: NodeId, msg: P::Msg) {
        self.effects.push(Effect::Send { to, msg });
    }

    /// Sends `msg` to every other node.
    pub fn broadcast(&mut self, msg: P::Msg) {
        for to in (0..self.cluster_size).map(NodeId) {
            if to != self.id {
                self.effects.push(Effect::Send {
                    to,
                    msg: msg.clone(),
                });
            }
        }
    }

    /// Fires `timer` after `after` has passed on this node's clock (drift stretches it).
    pub fn set_timer(&mut self, after: SimDuration, timer: P::Timer) -> TimerId {
        let id = TimerId(*self.next_timer);
        *self.next_timer += 1;
        self.effects.push(Effect::SetTimer {
            id,
            after_local: after,
            timer,
        });
        id
    }

    /// Cancels a timer; cancelling one that already fired does nothing.
    pub fn cancel_timer(&mut self, id: TimerId) {
        self.effects.push(Effect::CancelTimer { id });
    }

    /// Adds a line to the trace, shown in the event log ("suspect n2", "attack at dawn").
    pub fn note(&mut self, text: impl Into<String>) {
        self.effects.push(Effect::Note { text: text.into() });
    }

    /// Records that this node has just begun to suspect `about` (a failure detector's verdict),
    /// for the plot, which marks each suspicion right or wrong against the truth only the
    /// simulator knows: was `about` crashed at that moment? Not part of the trace, so it changes
    /// no digest; say it in a [`Ctx::note`] too.
    pub fn suspect(&mut self, about: NodeId) {
        self.effects.push(Effect::Suspect { about });
    }

    /// Starts a client operation on this node's behalf: the run's history gets a call of `input`
    /// now, which [`Ctx::complete`] answers later with the returned id. An operation never
    /// completed stays pending: it may have taken effect at any time after its call.
    pub fn invoke(&mut self, input: Input) -> OpId {
        let op = OpId(*self.next_op);
        *self.next_op += 1;
        self.effects.push(Effect::Invoke { op, input });
        op
    }

    /// Ends a client operation started with [`Ctx::invoke`]: the client learned `result`.
    /// [`OpResult::Unknown`] (it gave up waiting) leaves the operation pending in the history,
    /// since it may still take effect.
    pub fn complete(&mut self, op: OpId, result: OpResult) {
        self.effects.push(Effect::Complete { op, result });
    }

    /// Records the logical time this node gives the event it is handling, for checkers and diagrams.
    pub fn stamp(&mut self, stamp: Stamp) {
        self.effects.push(Effect::Stamp { stamp });
    }
}
