//! The simulator: a seeded, single-threaded discrete-event loop.
//!
//! Each [`Sim::step`] pops the earliest event (a delivery, a timer, a fault),
//! runs the protocol's handler, then applies the effects it emitted. Everything
//! random comes from streams of the one seed, so a seed and a fault plan fix the
//! whole run: replaying to step N is how the UI moves back in time.

use crate::actor::{Ctx, Effect, Field, LogView, NodeRef, Protocol, Violation};
use crate::client::{Input, OpId, OpResult};
use crate::clock::{Clock, ClockSetting};
use crate::controls::NodeAction;
use crate::fault::{Fault, PlannedFault};
use crate::history::Operation;
use crate::id::{MsgId, NodeId, TimerId};
use crate::net::{NetConfig, Network};
use crate::queue::{Class, EventQueue};
use crate::rng::Rng;
use crate::time::{LocalTime, SimDuration, SimTime};
use crate::trace::{stable_hash, DropReason, EventKind, Trace};
use std::collections::BTreeSet;

/// How the simulator records and checks a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SimOptions {
    /// Keep at most this many trace events (0: digest only, fastest).
    pub trace_cap: usize,
    /// Run the protocol's invariant checks after every step.
    pub check_invariants: bool,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            trace_cap: 100_000,
            check_invariants: true,
        }
    }
}

/// What waits in the queue. Not generic, so the queue's code exists once in the binary rather
/// than once per protocol; the message or timer itself waits in the simulator's [`Slots`].
enum Pending {
    Deliver {
        from: NodeId,
        to: NodeId,
        id: MsgId,
        slot: u32,
        sent_at: SimTime,
    },
    Timer {
        node: NodeId,
        id: TimerId,
        incarnation: u32,
        slot: u32,
    },
    Fault(Fault),
    /// A paused node goes on (if this is still the end of its pause).
    Resume {
        node: NodeId,
        until: SimTime,
    },
}

/// What a fault plan holds back ([`Fault::Hold`], [`Fault::Asynchronous`]) and the events
/// waiting because of it, in the order they came due.
#[derive(Default)]
struct Holds {
    /// The asynchronous model: every delivery and timer waits to be chosen.
    all: bool,
    /// Links whose messages wait.
    links: BTreeSet<(NodeId, NodeId)>,
    /// Events that came due while held, with the time they were due.
    waiting: Vec<(SimTime, Pending)>,
}

impl Holds {
    /// True if this event must wait instead of happening (checked before every step, so the
    /// common case, nothing held, answers first).
    fn holds(&self, item: &Pending) -> bool {
        if !self.all && self.links.is_empty() {
            return false;
        }
        match item {
            Pending::Deliver { from, to, .. } => self.all || self.links.contains(&(*from, *to)),
            Pending::Timer { .. } => self.all,
            Pending::Fault(_) | Pending::Resume { .. } => false,
        }
    }
}

/// Something waiting to be chosen by the scheduler: a held message or timer.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Held {
    /// A message that came due while held ([`InFlight::held`] is true).
    Message(InFlight),
    /// A timer that came due in the asynchronous model.
    Timer {
        /// Whose.
        node: NodeId,
        /// Which ([`Fault::Fire`] names it).
        timer: TimerId,
        /// When it was due.
        due_at: SimTime,
        /// What it means, for people.
        label: String,
    },
}

/// Values parked until their queue entry comes up, reusing freed places.
struct Slots<T> {
    items: Vec<Option<T>>,
    free: Vec<u32>,
}

impl<T> Slots<T> {
    fn new() -> Self {
        Slots {
            items: Vec::new(),
            free: Vec::new(),
        }
    }

    fn put(&mut self, value: T) -> u32 {
        match self.free.pop() {
            Some(slot) => {
                self.items[slot as usize] = Some(value);
                slot
            }
            None => {
                self.items.push(Some(value));
                (self.items.len() - 1) as u32
            }
        }
    }

    fn take(&mut self, slot: u32) -> Option<T> {
        let value = self.items.get_mut(slot as usize)?.take();
        if value.is_some() {
            self.free.push(slot);
        }
        value
    }

    fn get(&self, slot: u32) -> Option<&T> {
        self.items.get(slot as usize)?.as_ref()
    }
}

struct Node<P: Protocol> {
    durable: P::Durable,
    volatile: Option<P::Volatile>,
    incarnation: u32,
    rng: Rng,
    clock: Clock,
    timers: Vec<TimerId>,
    /// While paused ([`Fault::Pause`]): when it goes on. What comes due before then waits.
    paused_until: Option<SimTime>,
}

/// A message on the wire, for drawing.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InFlight {
    /// Message identity.
    pub msg: MsgId,
    /// Sender.
    pub from: NodeId,
    /// Addressee.
    pub to: NodeId,
    /// When it left.
    pub sent_at: SimTime,
    /// When it will arrive (it may still be dropped then).
    pub deliver_at: SimTime,
    /// The message, for people.
    pub label: String,
    /// True if it is held back ([`Fault::Hold`], [`Fault::Asynchronous`]): it came due and waits
    /// to be released or delivered.
    pub held: bool,
}

/// One node as the UI sees it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NodeView {
    /// Which node.
    pub id: NodeId,
    /// False while crashed.
    pub up: bool,
    /// While paused ([`crate::Fault::Pause`]): when it goes on.
    pub paused_until: Option<SimTime>,
    /// What its own clock reads now.
    pub local_time: LocalTime,
    /// Offset of its clock from true time, in microseconds.
    pub skew_us: i64,
    /// Its clock's rate error.
    pub drift_ppm: i64,
    /// A short badge (role, name).
    pub badge: String,
    /// Inspector fields.
    pub fields: Vec<Field>,
    /// Its replicated log, if the protocol keeps one.
    pub log: Option<LogView>,
    /// The buttons its inspector shows.
    pub actions: Vec<NodeAction>,
}

/// A cluster of nodes running protocol `P`.
pub struct Sim<P: Protocol> {
    protocol: P,
    seed: u64,
    opts: SimOptions,
    now: SimTime,
    /// When the last event happened (a step, or a held event coming due): where the protocol's
    /// scheduler counts its gap from. `now` may be further on, moved by [`Sim::run_until`]; counting
    /// from it would make a move's time depend on how a run is cut into frames.
    last_at: SimTime,
    steps: u64,
    queue: EventQueue<Pending>,
    msgs: Slots<P::Msg>,
    timer_values: Slots<P::Timer>,
    nodes: Vec<Node<P>>,
    net: Network,
    net_rng: Rng,
    trace: Trace,
    next_msg: u64,
    next_timer: u64,
    /// The run's client operations, indexed by [`OpId`] (ids count from 0).
    history: Vec<Operation<Input, OpResult>>,
    /// What is held back, and what waits because of it.
    holds: Holds,
    effects: Vec<Effect<P>>,
    violations_seen: BTreeSet<Violation>,
    monitor: P::Monitor,
    /// The latest suspicions nodes began, judged against the truth ([`Sim::suspicions`]).
    suspicions: std::collections::VecDeque<crate::panels::Suspicion>,
    /// True if the protocol remembers each step for its views ([`Protocol::mark_step`]):
    /// decided once, so that the step loop of every other protocol tests one flag.
    marks_steps: bool,
}

/// How many suspicions a run keeps for the plot (the latest).
const SUSPICIONS_KEPT: usize = 512;

impl<P: Protocol> Sim<P> {
    /// A cluster of `size` nodes, all booted at time zero. The seed is required: there is no default.
    pub fn new(protocol: P, size: u32, seed: u64, net: NetConfig, opts: SimOptions) -> Self {
        Sim::with_clocks(protocol, size, seed, net, &[], opts)
    }

    /// Like [`Sim::new`], with clocks set before the nodes boot (so a node's first reading is already skewed).
    pub fn with_clocks(
        protocol: P,
        size: u32,
        seed: u64,
        net: NetConfig,
        clocks: &[ClockSetting],
        opts: SimOptions,
    ) -> Self {
        let nodes = (0..size)
            .map(|i| Node {
                durable: P::Durable::default(),
                volatile: None,
                incarnation: 0,
                rng: Rng::stream(seed, 1 + u64::from(i)),
                clock: Clock::default(),
                timers: Vec::new(),
                paused_until: None,
            })
            .collect();
        let marks_steps = opts.check_invariants && protocol.draws_waiting_panels();
        let mut sim = Sim {
            protocol,
            seed,
            opts,
            now: SimTime::ZERO,
            last_at: SimTime::ZERO,
            steps: 0,
            queue: EventQueue::new(),
            msgs: Slots::new(),
            timer_values: Slots::new(),
            nodes,
            net: Network::new(size, net),
            net_rng: Rng::stream(seed, 0),
            trace: Trace::new(opts.trace_cap),
            next_msg: 1,
            next_timer: 1,
            history: Vec::new(),
            holds: Holds::default(),
            effects: Vec::new(),
            violations_seen: BTreeSet::new(),
            monitor: P::Monitor::default(),
            suspicions: std::collections::VecDeque::new(),
            marks_steps,
        };
        if opts.check_invariants && sim.protocol.observes_events() {
            sim.trace.observe_steps();
        }
        for c in clocks {
            if let Some(n) = sim.nodes.get_mut(c.node.index()) {
                n.clock.set_skew(SimTime::ZERO, c.skew_us);
                n.clock.set_drift(SimTime::ZERO, c.drift_ppm);
            }
        }
        for i in 0..size {
            sim.boot(NodeId(i));
        }
        if sim.marks_steps {
            sim.mark_step();
        }
        sim
    }

    /// Schedules faults at their planned times.
    pub fn schedule(&mut self, plan: &[PlannedFault]) {
        for p in plan {
            self.queue.push(
                SimTime(p.at_us),
                Class::Fault,
                Pending::Fault(p.fault.clone()),
            );
        }
    }

    /// The seed this run was built from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The protocol's configuration.
    pub fn protocol(&self) -> &P {
        &self.protocol
    }

    /// True simulated time of the latest step.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The trace so far.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// The network as it is now.
    pub fn network(&self) -> &Network {
        &self.net
    }

    /// Cluster size.
    pub fn size(&self) -> u32 {
        self.nodes.len() as u32
    }

    /// True if `node` is running.
    pub fn is_up(&self, node: NodeId) -> bool {
        self.nodes
            .get(node.index())
            .is_some_and(|n| n.volatile.is_some())
    }

    /// When the next event is due, if any.
    pub fn next_event_time(&self) -> Option<SimTime> {
        match (self.queue.peek_time(), self.scheduler_due()) {
            (Some(q), Some(s)) => Some(q.min(s)),
            (q, s) => q.or(s),
        }
    }

    /// When the protocol's own scheduler ([`Protocol::schedule`]) will move, if it will: while a
    /// message waits, [`Protocol::schedule_gap`] from now.
    fn scheduler_due(&self) -> Option<SimTime> {
        // Asked before every event: the protocol's answer first, so that protocols without a
        // scheduler never scan what waits.
        let waits = self.protocol.schedules()
            && self
                .holds
                .waiting
                .iter()
                .any(|(_, p)| matches!(p, Pending::Deliver { .. }));
        waits.then(|| {
            SimTime((self.last_at.0 + self.protocol.schedule_gap().0.max(1)).max(self.now.0 + 1))
        })
    }

    /// Every message in transit with what it says: the held ones first, oldest first (what a
    /// protocol's own scheduler chooses from), then those still on the wire, soonest first.
    pub fn waiting(&self) -> Vec<crate::actor::Waiting<'_, P::Msg>> {
        let as_waiting = |p: &Pending, held: bool| match p {
            Pending::Deliver {
                from, to, id, slot, ..
            } => Some(crate::actor::Waiting {
                msg: *id,
                from: *from,
                to: *to,
                payload: self.msgs.get(*slot)?,
                held,
            }),
            _ => None,
        };
        let mut on_wire: Vec<(SimTime, crate::actor::Waiting<'_, P::Msg>)> = self
            .queue
            .items_with_time()
            .filter_map(|(at, p)| Some((at, as_waiting(p, false)?)))
            .collect();
        on_wire.sort_unstable_by_key(|(at, w)| (*at, w.msg));
        self.holds
            .waiting
            .iter()
            .filter_map(|(_, p)| as_waiting(p, true))
            .chain(on_wire.into_iter().map(|(_, w)| w))
            .collect()
    }

    /// Lets the protocol's own scheduler choose a held message (or a node to crash) and makes it
    /// happen at `due`, as one step. False if it chose nothing.
    fn scheduler_step(&mut self, due: SimTime) -> bool {
        let choice = {
            let waiting = self.waiting();
            self.protocol.schedule(&refs(&self.nodes), &waiting)
        };
        let Some(choice) = choice else {
            return false;
        };
        let item = match choice {
            crate::actor::Pick::Deliver(msg) => {
                let Some(item) =
                    self.take_waiting(|p| matches!(p, Pending::Deliver { id, .. } if *id == msg))
                else {
                    return false;
                };
                item
            }
            crate::actor::Pick::Crash(node) if node.index() < self.nodes.len() => {
                Pending::Fault(Fault::Crash { node })
            }
            crate::actor::Pick::Crash(_) => return false,
        };
        self.take_step(due, item);
        true
    }

    /// Makes `item` happen at `at` as one step, then runs the checks.
    #[inline]
    fn take_step(&mut self, at: SimTime, item: Pending) {
        self.now = at;
        self.last_at = at;
        self.steps += 1;
        self.happen(item);
        if self.opts.check_invariants && self.protocol.has_invariants() {
            self.check();
        }
        if self.opts.check_invariants && self.protocol.observes_events() {
            self.check_events();
        }
        if self.marks_steps {
            self.mark_step();
        }
    }

    /// Lets the protocol remember this step for its views ([`Protocol::mark_step`]).
    #[inline(never)]
    fn mark_step(&mut self) {
        // The monitor is set aside while the protocol reads the run, which borrows all of it.
        let mut monitor = std::mem::take(&mut self.monitor);
        self.protocol
            .mark_step(&mut monitor, &self.node_refs(), &self.waiting());
        self.monitor = monitor;
    }

    /// What the protocol remembers beside the run ([`Protocol::Monitor`]).
    pub fn monitor(&self) -> &P::Monitor {
        &self.monitor
    }

    /// Read-only views of every node for checkers.
    pub fn node_refs(&self) -> Vec<NodeRef<'_, P>> {
        refs(&self.nodes)
    }

    /// What the UI shows of each node.
    pub fn node_views(&self) -> Vec<NodeView> {
        self.nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let id = NodeId(i as u32);
                NodeView {
                    id,
                    up: n.volatile.is_some(),
                    paused_until: n.paused_until,
                    local_time: n.clock.read(self.now),
                    skew_us: n.clock.skew_us(self.now),
                    drift_ppm: n.clock.drift_ppm(),
                    badge: self.protocol.badge(id, &n.durable, n.volatile.as_ref()),
                    fields: self.protocol.inspect(id, &n.durable, n.volatile.as_ref()),
                    log: self.protocol.log_view(id, &n.durable, n.volatile.as_ref()),
                    actions: self.protocol.actions(id, &n.durable, n.volatile.as_ref()),
                }
            })
            .collect()
    }

    /// A queued or held delivery as the page draws it; `None` for anything else.
    fn message_of(&self, p: &Pending, deliver_at: SimTime, held: bool) -> Option<InFlight> {
        let Pending::Deliver {
            from,
            to,
            id,
            slot,
            sent_at,
        } = p
        else {
            return None;
        };
        Some(InFlight {
            msg: *id,
            from: *from,
            to: *to,
            sent_at: *sent_at,
            deliver_at,
            label: self
                .msgs
                .get(*slot)
                .map_or_else(String::new, |m| format!("{m:?}")),
            held,
        })
    }

    /// Messages on the wire, oldest first.
    pub fn in_flight(&self) -> Vec<InFlight> {
        let mut v: Vec<InFlight> = self
            .queue
            .items_with_time()
            .filter_map(|(deliver_at, p)| self.message_of(p, deliver_at, false))
            .collect();
        v.extend(
            self.holds
                .waiting
                .iter()
                .filter_map(|(due, p)| self.message_of(p, *due, true)),
        );
        // Keys are unique (one entry per message), so an unstable sort gives the one order there is.
        v.sort_unstable_by_key(|f| (f.sent_at, f.msg, f.deliver_at));
        v
    }

    /// The latest suspicions the nodes began ([`crate::Ctx::suspect`]), oldest first, each
    /// judged right if the suspected node had crashed at that moment.
    pub fn suspicions(&self) -> impl Iterator<Item = &crate::panels::Suspicion> {
        self.suspicions.iter()
    }

    /// Runs one event. Returns false when nothing is left to do.
    ///
    /// An event that comes due while held ([`Fault::Hold`], [`Fault::Asynchronous`]) is put aside
    /// to wait instead: that moves the clock to when it came due but is not a step (nothing
    /// happened to any node), and still returns true.
    pub fn step(&mut self) -> bool {
        loop {
            // The protocol's scheduler moves when nothing else is due before its move; a planned
            // fault due sooner (a global stabilisation time) happens first.
            if let Some(due) = self.scheduler_due() {
                if self.queue.peek_time().is_none_or(|t| t > due) && self.scheduler_step(due) {
                    return true;
                }
            }
            let Some((at, item)) = self.queue.pop() else {
                return false;
            };
            if !self.is_live(&item) {
                continue;
            }
            // An event for a paused node waits for it to go on, behind what already waits: not a
            // step, nothing happened yet.
            if let Some(until) = self.paused_for(&item).filter(|until| at < *until) {
                self.queue.push(until, Class::Normal, item);
                continue;
            }
            // A held event waits without being a step: nothing happened yet. The clock moves on
            // to it all the same, so a scheduler choosing later sees it waiting, and a replay of
            // its choices (planned faults) finds the same events waiting at the same times.
            if self.holds.holds(&item) {
                self.now = at;
                self.last_at = at;
                self.holds.waiting.push((at, item));
                return true;
            }
            self.take_step(at, item);
            return true;
        }
    }

    /// False for a timer of a crashed incarnation or a cancelled one, which is not an event at
    /// all (its value is dropped); true for anything else.
    fn is_live(&mut self, item: &Pending) -> bool {
        if let Pending::Resume { node, until } = item {
            // A crash, or a longer pause asked for meanwhile, ended or replaced this pause.
            return self.nodes[node.index()].paused_until == Some(*until);
        }
        if let Pending::Timer {
            node,
            id,
            incarnation,
            slot,
        } = item
        {
            let n = &self.nodes[node.index()];
            if n.incarnation != *incarnation || n.volatile.is_none() || !n.timers.contains(id) {
                self.timer_values.take(*slot);
                return false;
            }
        }
        true
    }

    /// Makes a due (or chosen) event happen: a delivery, a timer firing, a fault.
    fn happen(&mut self, item: Pending) {
        match item {
            Pending::Deliver {
                from,
                to,
                id,
                slot,
                sent_at,
            } => {
                if let Some(msg) = self.msgs.take(slot) {
                    self.deliver(from, to, id, msg, sent_at);
                }
            }
            Pending::Timer { node, id, slot, .. } => {
                if let Some(timer) = self.timer_values.take(slot) {
                    self.fire(node, id, timer);
                }
            }
            Pending::Fault(f) => self.apply_fault(&f),
            Pending::Resume { node, .. } => {
                self.nodes[node.index()].paused_until = None;
                self.record(EventKind::Resumed { node }, 0);
            }
        }
    }

    /// When the node an event happens to is paused until, if it is paused: deliveries, timers
    /// and inputs wait; faults happen to a paused node as to any other.
    fn paused_for(&self, item: &Pending) -> Option<SimTime> {
        let node = match item {
            Pending::Deliver { to, .. } => *to,
            Pending::Timer { node, .. } => *node,
            Pending::Fault(f) => f.as_input()?.0,
            Pending::Resume { .. } => return None,
        };
        self.nodes.get(node.index())?.paused_until
    }

    /// Runs until `until` or until `max_steps` steps were taken, whichever comes first.
    /// Leaves the clock at `until` if it got there, so in-flight messages can be drawn.
    pub fn run_until(&mut self, until: SimTime, max_steps: u64) -> u64 {
        let start = self.steps;
        while self.steps - start < max_steps && self.next_event_time().is_some_and(|t| t <= until) {
            if !self.step() {
                break;
            }
        }
        let taken = self.steps - start;
        if taken < max_steps && self.now < until {
            self.now = until;
        }
        taken
    }

    /// Applies a fault now, outside the plan. Only for tools; the UI schedules faults so runs replay.
    pub fn apply_now(&mut self, fault: &Fault) {
        self.apply_fault(fault);
    }

    /// Records an event of the current step at the current time.
    fn record(&mut self, kind: EventKind, content: u64) {
        self.trace.record(self.steps, self.now, kind, content);
    }

    fn label<T: core::fmt::Debug>(&self, value: &T) -> String {
        if self.trace.keeps_events() {
            format!("{value:?}")
        } else {
            String::new()
        }
    }

    /// The hash of `value` for the digest, or 0 once the trace stopped digesting.
    fn content<T: std::hash::Hash>(&self, value: &T) -> u64 {
        if self.trace.digests() {
            stable_hash(value)
        } else {
            0
        }
    }

    /// Stops computing the trace's digest: for a run judged only by its checkers (a graded
    /// schedule), which [`Trace::digest`] would not serve. Everything else is unchanged.
    pub fn stop_digesting(&mut self) {
        self.trace.stop_digesting();
    }

    fn deliver(&mut self, from: NodeId, to: NodeId, id: MsgId, msg: P::Msg, sent_at: SimTime) {
        let content = self.content(&msg);
        let reason = if self.nodes[to.index()].volatile.is_none() {
            Some(DropReason::NodeDown)
        } else if self.net.is_blocked(from, to) {
            // The partition began while the message was on the wire.
            Some(DropReason::Partitioned)
        } else {
            None
        };
        let label = self.label(&msg);
        if let Some(reason) = reason {
            self.record(
                EventKind::Dropped {
                    from,
                    to,
                    msg: id,
                    label,
                    reason,
                },
                content,
            );
            return;
        }
        self.record(
            EventKind::Delivered {
                from,
                to,
                msg: id,
                label,
                sent_at,
            },
            content,
        );
        self.with_node(to, |p, d, v, ctx| p.on_message(d, v, from, msg, ctx));
    }

    fn fire(&mut self, node: NodeId, id: TimerId, timer: P::Timer) {
        self.nodes[node.index()].timers.retain(|t| *t != id);
        let label = self.label(&timer);
        self.record(
            EventKind::TimerFired {
                node,
                timer: id,
                label,
            },
            self.content(&timer),
        );
        self.with_node(node, |p, d, v, ctx| p.on_timer(d, v, timer, ctx));
    }

    /// Runs a handler on a live node, then applies its effects.
    fn with_node(
        &mut self,
        node: NodeId,
        f: impl FnOnce(&P, &mut P::Durable, &mut P::Volatile, &mut Ctx<'_, P>),
    ) {
        let mut effects = std::mem::take(&mut self.effects);
        let size = self.nodes.len() as u32;
        // Ids follow the history's length: an effect applied below adds each operation there.
        let mut next_op = self.history.len() as u64;
        let n = &mut self.nodes[node.index()];
        let Some(volatile) = n.volatile.as_mut() else {
            return;
        };
        let mut ctx = Ctx {
            id: node,
            cluster_size: size,
            now: n.clock.read(self.now),
            rng: &mut n.rng,
            effects: &mut effects,
            next_timer: &mut self.next_timer,
            next_op: &mut next_op,
        };
        f(&self.protocol, &mut n.durable, volatile, &mut ctx);
        self.apply_effects(node, &mut effects);
        self.effects = effects;
    }

    fn boot(&mut self, node: NodeId) {
        let mut effects = std::mem::take(&mut self.effects);
        let size = self.nodes.len() as u32;
        let mut next_op = self.history.len() as u64;
        let n = &mut self.nodes[node.index()];
        let mut ctx = Ctx {
            id: node,
            cluster_size: size,
            now: n.clock.read(self.now),
            rng: &mut n.rng,
            effects: &mut effects,
            next_timer: &mut self.next_timer,
            next_op: &mut next_op,
        };
        let volatile = self.protocol.boot(&mut n.durable, &mut ctx);
        n.volatile = Some(volatile);
        self.apply_effects(node, &mut effects);
        self.effects = effects;
    }

    fn apply_effects(&mut self, node: NodeId, effects: &mut Vec<Effect<P>>) {
        for effect in effects.drain(..) {
            match effect {
                Effect::Send { to, msg } => self.send(node, to, msg),
                Effect::SetTimer {
                    id,
                    after_local,
                    timer,
                } => {
                    let n = &mut self.nodes[node.index()];
                    n.timers.push(id);
                    let at = self.now.plus(n.clock.to_sim(after_local));
                    let incarnation = n.incarnation;
                    let slot = self.timer_values.put(timer);
                    self.queue.push(
                        at,
                        Class::Normal,
                        Pending::Timer {
                            node,
                            id,
                            incarnation,
                            slot,
                        },
                    );
                }
                Effect::CancelTimer { id } => self.nodes[node.index()].timers.retain(|t| *t != id),
                Effect::Stamp { stamp } => {
                    let content = stable_hash(&stamp);
                    self.record(EventKind::Stamped { node, stamp }, content);
                }
                Effect::Note { text } => {
                    let content = stable_hash(&text);
                    self.record(EventKind::Note { node, text }, content);
                }
                Effect::Suspect { about } => {
                    let right = self
                        .nodes
                        .get(about.index())
                        .is_some_and(|n| n.volatile.is_none());
                    let at = self.nodes[node.index()].clock.read(self.now).as_us();
                    if self.suspicions.len() >= SUSPICIONS_KEPT {
                        self.suspicions.pop_front();
                    }
                    self.suspicions.push_back(crate::panels::Suspicion {
                        at_us: at.max(0) as u64,
                        node,
                        about,
                        right,
                    });
                }
                Effect::Invoke { op, input } => self.invoke(node, op, input),
                Effect::Complete { op, result } => self.complete(node, op, result),
            }
        }
    }

    /// A client's operation begins: the history gets a pending call.
    #[inline(never)]
    fn invoke(&mut self, client: NodeId, op: OpId, input: Input) {
        let call_time = self.now.0 as i64;
        self.history.push(Operation::pending(
            u64::from(client.0),
            input.clone(),
            call_time,
        ));
        debug_assert_eq!(self.history.len() as u64, op.0 + 1);
        self.record(EventKind::Invoked { client, op, input }, 0);
    }

    /// A client's operation ends. A protocol that completes an operation twice, or one it did
    /// not invoke, or another client's, gets a note rather than a panic, and the history keeps
    /// the first answer.
    #[inline(never)]
    fn complete(&mut self, client: NodeId, op: OpId, result: OpResult) {
        let now = self.now.0 as i64;
        let problem = match self.history.get_mut(op.0 as usize) {
            None => Some(format!("completed {op}, which was never invoked")),
            Some(o) if o.client_id != u64::from(client.0) => {
                Some(format!("completed {op}, which n{} invoked", o.client_id))
            }
            Some(o) if o.return_time.is_some() => Some(format!("completed {op} twice")),
            Some(o) => {
                // An unknown outcome stays pending: the operation may still take effect.
                if result != OpResult::Unknown {
                    o.output = Some(result.clone());
                    o.return_time = Some(now);
                }
                None
            }
        };
        match problem {
            Some(text) => self.record(EventKind::Note { node: client, text }, 0),
            None => self.record(EventKind::Completed { client, op, result }, 0),
        }
    }

    /// The run's client operations so far, in the order they were invoked, timed in
    /// microseconds of true simulated time: what the linearizability checker reads
    /// ([`crate::check::linearizability::check_operations`]). An operation not (yet) answered,
    /// or answered [`OpResult::Unknown`], is pending.
    pub fn history(&self) -> &[Operation<Input, OpResult>] {
        &self.history
    }

    fn send(&mut self, from: NodeId, to: NodeId, msg: P::Msg) {
        let id = MsgId(self.next_msg);
        self.next_msg += 1;
        let content = self.content(&msg);
        if to.index() >= self.nodes.len() {
            // A protocol bug, reported rather than panicking so a learner's rule cannot crash the page.
            let text = format!("sent {id} to {to}, which does not exist");
            self.record(EventKind::Note { node: from, text }, content);
            return;
        }
        let label = self.label(&msg);
        let route = route(&self.net, &mut self.net_rng, self.now, from, to);
        record_send(
            &mut self.trace,
            self.steps,
            self.now,
            (from, to, id),
            label,
            content,
            &route,
        );
        let Route::Deliver { at, duplicate_at } = route else {
            return;
        };
        let sent_at = self.now;
        if let Some(at2) = duplicate_at {
            let slot = self.msgs.put(msg.clone());
            self.queue.push(
                at2,
                Class::Normal,
                Pending::Deliver {
                    from,
                    to,
                    id,
                    slot,
                    sent_at,
                },
            );
        }
        let slot = self.msgs.put(msg);
        self.queue.push(
            at,
            Class::Normal,
            Pending::Deliver {
                from,
                to,
                id,
                slot,
                sent_at,
            },
        );
    }

    // Faults are rare; kept out of line so `step` stays small in every protocol's copy.
    #[inline(never)]
    fn apply_fault(&mut self, fault: &Fault) {
        let step = self.steps;
        let now = self.now;
        let size = self.nodes.len() as u32;
        if fault.validate(size).is_err() {
            let description = format!("ignored invalid fault {fault:?}");
            self.trace
                .record(step, now, EventKind::Configured { description }, 0);
            return;
        }
        let content = stable_hash(fault);
        match fault {
            Fault::Crash { node } => {
                let n = &mut self.nodes[node.index()];
                // A crash ends a pause: the node is down, and comes back unpaused.
                n.paused_until = None;
                if n.volatile.take().is_some() {
                    n.incarnation += 1;
                    n.timers.clear();
                    self.trace
                        .record(step, now, EventKind::Crashed { node: *node }, content);
                }
            }
            Fault::Restart { node } => {
                if self.nodes[node.index()].volatile.is_none() {
                    self.trace
                        .record(step, now, EventKind::Restarted { node: *node }, content);
                    self.boot(*node);
                }
            }
            Fault::Timeout { .. } | Fault::Request { .. } | Fault::Input { .. } => {
                let Some((node, input)) = fault.as_input() else {
                    return;
                };
                let up = self.nodes[node.index()].volatile.is_some();
                self.record(input_event(fault, up), content);
                if up {
                    self.with_node(node, |p, d, v, ctx| p.on_input(d, v, &input, ctx));
                }
            }
            Fault::Pause { node, duration_us } => self.pause(*node, *duration_us, content),
            Fault::ClockSkew { node, .. } | Fault::ClockDrift { node, .. } => {
                let kind = clock_fault(&mut self.nodes[node.index()].clock, now, fault);
                self.record(kind, content);
            }
            Fault::Hold { .. }
            | Fault::Release { .. }
            | Fault::Asynchronous
            | Fault::ReleaseAll
            | Fault::Deliver { .. }
            | Fault::Fire { .. } => self.hold_fault(fault, content),
            other => {
                let kind = network_fault(&mut self.net, other);
                self.record(kind, content);
            }
        }
    }

    /// Pauses `node` for `duration_us` from now; a pause asked for while one lasts ends at the
    /// later of the two. A crashed node has nothing to pause.
    #[inline(never)]
    fn pause(&mut self, node: NodeId, duration_us: u64, content: u64) {
        let n = &mut self.nodes[node.index()];
        if n.volatile.is_none() {
            let description = format!("ignored: {node} is down, so it cannot pause");
            self.record(EventKind::Configured { description }, content);
            return;
        }
        let until = self
            .now
            .plus(SimDuration(duration_us))
            .max(n.paused_until.unwrap_or(SimTime::ZERO));
        n.paused_until = Some(until);
        self.queue
            .push(until, Class::Normal, Pending::Resume { node, until });
        self.record(EventKind::Paused { node, until }, content);
    }

    /// Holds, releases and the scheduler's choices. A release puts what it frees back in the
    /// queue at the current time, oldest first, so each is a step of its own; a choice happens
    /// in this step.
    #[inline(never)]
    fn hold_fault(&mut self, fault: &Fault, content: u64) {
        let kind = match fault {
            Fault::Hold { from, to } => {
                self.holds.links.insert((*from, *to));
                EventKind::Partitioned {
                    description: format!("{from} -> {to} held"),
                }
            }
            Fault::Asynchronous => {
                self.holds.all = true;
                EventKind::Configured {
                    description: "asynchronous: events wait to be chosen".into(),
                }
            }
            Fault::Release { from, to } => {
                self.holds.links.remove(&(*from, *to));
                let freed = self.requeue(|p| {
                    matches!(p, Pending::Deliver { from: f, to: t, .. } if f == from && t == to)
                });
                EventKind::Healed {
                    description: format!("{from} -> {to} released ({freed} held)"),
                }
            }
            Fault::ReleaseAll => {
                self.holds.all = false;
                self.holds.links.clear();
                let freed = self.requeue(|_| true);
                EventKind::Healed {
                    description: format!("all released ({freed} held)"),
                }
            }
            Fault::Deliver { msg } => {
                let found =
                    self.take_waiting(|p| matches!(p, Pending::Deliver { id, .. } if id == msg));
                if let Some(item) = found {
                    self.happen(item);
                    return;
                }
                EventKind::Configured {
                    description: format!("ignored: {msg} is not held"),
                }
            }
            Fault::Fire { timer } => {
                let found =
                    self.take_waiting(|p| matches!(p, Pending::Timer { id, .. } if id == timer));
                if let Some(item) = found.filter(|item| self.is_live(item)) {
                    self.happen(item);
                    return;
                }
                EventKind::Configured {
                    description: format!(
                        "ignored: {timer} is not held (or its node crashed or cancelled it)"
                    ),
                }
            }
            other => EventKind::Configured {
                description: format!("ignored {other:?}: not a hold"),
            },
        };
        self.record(kind, content);
    }

    /// Puts the waiting events `which` selects back in the queue now, oldest first; returns
    /// how many.
    fn requeue(&mut self, which: impl Fn(&Pending) -> bool) -> u64 {
        let waiting = std::mem::take(&mut self.holds.waiting);
        let mut freed = 0;
        for (due, item) in waiting {
            if which(&item) {
                self.queue.push(self.now, Class::Normal, item);
                freed += 1;
            } else {
                self.holds.waiting.push((due, item));
            }
        }
        freed
    }

    /// Removes and returns the first waiting event `which` selects.
    fn take_waiting(&mut self, which: impl Fn(&Pending) -> bool) -> Option<Pending> {
        let i = self.holds.waiting.iter().position(|(_, p)| which(p))?;
        Some(self.holds.waiting.remove(i).1)
    }

    /// When the held event a scheduler's choice names ([`Fault::Deliver`], [`Fault::Fire`]) came
    /// due; `None` if it names none that waits (or is another fault).
    pub fn held_due(&self, fault: &Fault) -> Option<SimTime> {
        self.holds
            .waiting
            .iter()
            .find_map(|(due, p)| match (p, fault) {
                (Pending::Deliver { id, .. }, Fault::Deliver { msg }) if id == msg => Some(*due),
                (Pending::Timer { id, .. }, Fault::Fire { timer }) if id == timer => Some(*due),
                _ => None,
            })
    }

    /// What waits to be chosen (held messages and, in the asynchronous model, timers), in the
    /// order it came due: what a scheduler picks from with [`Fault::Deliver`] and [`Fault::Fire`].
    pub fn held(&self) -> Vec<Held> {
        self.holds
            .waiting
            .iter()
            .filter_map(|(due, p)| match p {
                Pending::Deliver { .. } => self.message_of(p, *due, true).map(Held::Message),
                Pending::Timer { node, id, slot, .. } => Some(Held::Timer {
                    node: *node,
                    timer: *id,
                    due_at: *due,
                    label: self
                        .timer_values
                        .get(*slot)
                        .map_or_else(String::new, |t| format!("{t:?}")),
                }),
                Pending::Fault(_) | Pending::Resume { .. } => None,
            })
            .collect()
    }

    #[inline(never)]
    fn check(&mut self) {
        // Borrows the nodes and the monitor separately, so `node_refs(&self)` will not do.
        let found = self.protocol.check(&mut self.monitor, &refs(&self.nodes));
        self.record_violations(found);
    }

    #[inline(never)]
    fn check_events(&mut self) {
        let events = self.trace.take_step_events();
        let clocks: Vec<Clock> = self.nodes.iter().map(|n| n.clock).collect();
        let found = self
            .protocol
            .check_events(&mut self.monitor, &events, &clocks);
        self.record_violations(found);
    }

    /// Records each violation the first time it is seen.
    fn record_violations(&mut self, found: Vec<Violation>) {
        for v in found {
            if self.violations_seen.insert(v.clone()) {
                let kind = EventKind::Violation {
                    invariant: v.invariant,
                    detail: v.detail,
                };
                self.record(kind, 0);
            }
        }
    }

    /// Every distinct violation seen so far.
    pub fn violations(&self) -> impl Iterator<Item = &Violation> {
        self.violations_seen.iter()
    }
}

fn refs<P: Protocol>(nodes: &[Node<P>]) -> Vec<NodeRef<'_, P>> {
    nodes
        .iter()
        .enumerate()
        .map(|(i, n)| NodeRef {
            id: NodeId(i as u32),
            durable: &n.durable,
            volatile: n.volatile.as_ref(),
        })
        .collect()
}

/// Where a sent message goes: lost (and why), or delivered at a time (twice if duplicated).
enum Route {
    Dropped(DropReason),
    Deliver {
        at: SimTime,
        duplicate_at: Option<SimTime>,
    },
}

/// Decides a message's fate. Not generic over the protocol, so it exists once in the binary.
fn route(net: &Network, rng: &mut Rng, now: SimTime, from: NodeId, to: NodeId) -> Route {
    let cfg = *net.config(from, to);
    let blocked = net.is_blocked(from, to);
    // Draw every die even when blocked, so cutting one link does not reshuffle the rest of the run.
    let lost = rng.chance(cfg.drop);
    let latency = rng.between(cfg.latency_us_min, cfg.latency_us_max);
    let dup = rng.chance(cfg.duplicate);
    let dup_latency = rng.between(cfg.latency_us_min, cfg.latency_us_max);
    if blocked {
        Route::Dropped(DropReason::Partitioned)
    } else if lost {
        Route::Dropped(DropReason::Lost)
    } else {
        Route::Deliver {
            at: now.plus(SimDuration(latency)),
            duplicate_at: dup.then(|| now.plus(SimDuration(dup_latency))),
        }
    }
}

/// Records a send (and, if the network dropped it at once, the drop).
fn record_send(
    trace: &mut Trace,
    step: u64,
    now: SimTime,
    (from, to, msg): (NodeId, NodeId, MsgId),
    label: String,
    content: u64,
    route: &Route,
) {
    match route {
        Route::Dropped(reason) => {
            let sent = EventKind::Sent {
                from,
                to,
                msg,
                label: label.clone(),
                deliver_at: None,
                copies: 0,
            };
            trace.record(step, now, sent, content);
            trace.record(
                step,
                now,
                EventKind::Dropped {
                    from,
                    to,
                    msg,
                    label,
                    reason: *reason,
                },
                content,
            );
        }
        Route::Deliver { at, duplicate_at } => {
            let copies = if duplicate_at.is_some() { 2 } else { 1 };
            // The first copy to arrive: a duplicate can overtake the original.
            let at = &duplicate_at.map_or(*at, |d| d.min(*at));
            trace.record(
                step,
                now,
                EventKind::Sent {
                    from,
                    to,
                    msg,
                    label,
                    deliver_at: Some(*at),
                    copies,
                },
                content,
            );
        }
    }
}

/// Applies a network fault and says what happened, for the trace.
fn network_fault(net: &mut Network, fault: &Fault) -> EventKind {
    let shape = NetConfig::describe;
    match fault {
        Fault::Partition { groups } => {
            net.partition(groups);
            let sides: Vec<String> = groups
                .iter()
                .map(|g| {
                    g.iter()
                        .map(|n| n.to_string())
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .collect();
            EventKind::Partitioned {
                description: format!("groups {{{}}}", sides.join("} | {")),
            }
        }
        Fault::OneWay { from, to } => {
            net.block_one_way(*from, *to);
            EventKind::Partitioned {
                description: format!("{from} -/-> {to} (one way)"),
            }
        }
        Fault::Cut { a, b } => {
            net.cut(*a, *b);
            EventKind::Partitioned {
                description: format!("link {a} -- {b} cut"),
            }
        }
        Fault::Isolate { node } => {
            net.isolate(*node);
            EventKind::Partitioned {
                description: format!("{node} isolated"),
            }
        }
        Fault::Repair { a, b } => {
            net.repair(*a, *b);
            EventKind::Healed {
                description: format!("link {a} -- {b} repaired"),
            }
        }
        Fault::Heal => {
            net.heal();
            EventKind::Healed {
                description: "all links restored".to_string(),
            }
        }
        Fault::Network { config } => {
            net.set_default(*config);
            EventKind::Configured {
                description: format!("network {}", shape(config)),
            }
        }
        Fault::Link { a, b, config } => {
            net.set_link(*a, *b, *config);
            net.set_link(*b, *a, *config);
            EventKind::Configured {
                description: format!("link {a} -- {b} {}", shape(config)),
            }
        }
        other => EventKind::Configured {
            description: format!("ignored {other:?}: not a network fault"),
        },
    }
}

/// What the trace says of an input to a node (a timeout expired by hand, a client request),
/// delivered if the node is `up` and lost otherwise.
fn input_event(fault: &Fault, up: bool) -> EventKind {
    match (fault, up) {
        (Fault::Request { node, key, value }, true) => EventKind::Requested {
            node: *node,
            request: format!("{key}={value}"),
        },
        (Fault::Request { node, key, value }, false) => EventKind::Configured {
            description: format!("request {key}={value} to {node} lost: it is down"),
        },
        (Fault::Timeout { node }, true)
        | (
            Fault::Input {
                node,
                input: Input::TimeoutNow,
            },
            true,
        ) => EventKind::Configured {
            description: format!("{node}: timeout expires now"),
        },
        (Fault::Input { node, input }, true) => EventKind::Requested {
            node: *node,
            request: input.to_string(),
        },
        (Fault::Input { node, input }, false) => EventKind::Configured {
            description: format!("{input} to {node} lost: it is down"),
        },
        (other, _) => EventKind::Configured {
            description: format!("ignored {other:?}: the node is down or it is not an input"),
        },
    }
}

/// Applies a clock fault to one node's clock and says what happened.
fn clock_fault(clock: &mut Clock, now: SimTime, fault: &Fault) -> EventKind {
    let description = match fault {
        Fault::ClockSkew { node, skew_us } => {
            clock.set_skew(now, *skew_us);
            format!("{node} clock skew {skew_us}us")
        }
        Fault::ClockDrift { node, drift_ppm } => {
            clock.set_drift(now, *drift_ppm);
            format!("{node} clock drift {drift_ppm}ppm")
        }
        other => format!("ignored {other:?}: not a clock fault"),
    };
    EventKind::Configured { description }
}
