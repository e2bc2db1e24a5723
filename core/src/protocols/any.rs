//! Every protocol behind one type, so the page carries one copy of the simulator, not one per
//! protocol.
//!
//! [`crate::Sim`] is generic over its protocol, and the compiler makes a copy of the whole event
//! loop for each one: about 14 KB of WebAssembly each. [`AnyProtocol`] wraps each protocol, its
//! messages, timers and state in an enum and forwards every handler call to the protocol inside;
//! [`crate::Scenario::runner`] runs every scenario as a `Sim<AnyProtocol>`. The wrapping is
//! invisible in a run: a wrapped message hashes and prints exactly as the protocol's own, so a
//! scenario has the same trace and digest either way (the golden digests check it).
//!
//! Code that wants one protocol's typed state (tests, the grader, the benchmark) still uses
//! `Sim<P>` directly.

use crate::actor::{Ctx, Effect, Field, LogView, NodeRef, Pick, Protocol, Violation, Waiting};
use crate::client::Input;
use crate::clock::Clock;
use crate::controls::NodeAction;
use crate::id::NodeId;
use crate::panels::Panel;
use crate::trace::TraceEvent;
use core::fmt;
use core::hash::{Hash, Hasher};

/// Runs a handler of protocol `P` with a context of its own, then hands its effects, wrapped, to
/// the outer context.
fn forward<P: Protocol, R>(
    ctx: &mut Ctx<'_, AnyProtocol>,
    msg: fn(P::Msg) -> AnyMsg,
    timer: fn(P::Timer) -> AnyTimer,
    f: impl FnOnce(&mut Ctx<'_, P>) -> R,
) -> R {
    let mut effects: Vec<Effect<P>> = Vec::new();
    let result = {
        let mut inner = Ctx {
            id: ctx.id,
            cluster_size: ctx.cluster_size,
            now: ctx.now,
            rng: &mut *ctx.rng,
            effects: &mut effects,
            next_timer: &mut *ctx.next_timer,
            next_op: &mut *ctx.next_op,
        };
        f(&mut inner)
    };
    ctx.effects.extend(effects.into_iter().map(|e| match e {
        Effect::Send { to, msg: m } => Effect::Send { to, msg: msg(m) },
        Effect::SetTimer {
            id,
            after_local,
            timer: t,
        } => Effect::SetTimer {
            id,
            after_local,
            timer: timer(t),
        },
        Effect::CancelTimer { id } => Effect::CancelTimer { id },
        Effect::Note { text } => Effect::Note { text },
        Effect::Suspect { about } => Effect::Suspect { about },
        Effect::Stamp { stamp } => Effect::Stamp { stamp },
        Effect::Invoke { op, input } => Effect::Invoke { op, input },
        Effect::Complete { op, result } => Effect::Complete { op, result },
    }));
    result
}

/// A protocol's typed views of the wrapped nodes, for the cluster-wide hooks (checks, panels).
trait Unwrapped: Protocol {
    fn refs<'a>(nodes: &[NodeRef<'a, AnyProtocol>]) -> Vec<NodeRef<'a, Self>>;
    fn waiting<'a>(waiting: &[Waiting<'a, AnyMsg>]) -> Vec<Waiting<'a, Self::Msg>>;
}

macro_rules! any_protocol {
    ($($module:ident: $V:ident),* $(,)?) => {
        any_protocol!(@typed $($V(crate::protocols::$module::$V)),*);
    };
    (@typed $($V:ident($P:ty)),*) => {
        /// One of Netsplit's protocols.
        #[derive(Clone, Debug)]
        pub enum AnyProtocol {
            $(
                #[allow(missing_docs)]
                $V($P),
            )*
        }

        /// A message of the protocol inside.
        #[derive(Clone)]
        pub enum AnyMsg {
            $(
                #[allow(missing_docs)]
                $V(<$P as Protocol>::Msg),
            )*
        }

        /// A timer of the protocol inside.
        #[derive(Clone)]
        pub enum AnyTimer {
            $(
                #[allow(missing_docs)]
                $V(<$P as Protocol>::Timer),
            )*
        }

        /// Durable state of the protocol inside (`Unset` before the first boot).
        #[derive(Clone, Debug, Default, Hash)]
        pub enum AnyDurable {
            /// Not booted yet.
            #[default]
            Unset,
            $(
                #[allow(missing_docs)]
                $V(<$P as Protocol>::Durable),
            )*
        }

        /// Volatile state of the protocol inside.
        #[derive(Clone, Debug)]
        pub enum AnyVolatile {
            $(
                #[allow(missing_docs)]
                $V(<$P as Protocol>::Volatile),
            )*
        }

        /// The checkers' memory of the protocol inside (`Unset` until the first check).
        #[derive(Default)]
        pub enum AnyMonitor {
            /// Nothing checked yet.
            #[default]
            Unset,
            $(
                #[allow(missing_docs)]
                $V(<$P as Protocol>::Monitor),
            )*
        }

        $(
            impl Unwrapped for $P {
                fn refs<'a>(nodes: &[NodeRef<'a, AnyProtocol>]) -> Vec<NodeRef<'a, Self>> {
                    nodes
                        .iter()
                        .filter_map(|n| match n.durable {
                            AnyDurable::$V(d) => Some(NodeRef {
                                id: n.id,
                                durable: d,
                                volatile: match n.volatile { Some(AnyVolatile::$V(v)) => Some(v), _ => None },
                            }),
                            _ => None,
                        })
                        .collect()
                }

                fn waiting<'a>(waiting: &[Waiting<'a, AnyMsg>]) -> Vec<Waiting<'a, Self::Msg>> {
                    waiting
                        .iter()
                        .filter_map(|w| match w.payload {
                            AnyMsg::$V(m) => Some(Waiting { msg: w.msg, from: w.from, to: w.to, payload: m, held: w.held }),
                            #[allow(unreachable_patterns)]
                            _ => None,
                        })
                        .collect()
                }
            }
        )*

        // The digest and the labels must not see the wrapping.
        impl Hash for AnyMsg {
            fn hash<H: Hasher>(&self, h: &mut H) {
                match self { $(AnyMsg::$V(m) => m.hash(h),)* }
            }
        }
        impl fmt::Debug for AnyMsg {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self { $(AnyMsg::$V(m) => m.fmt(f),)* }
            }
        }
        impl Hash for AnyTimer {
            fn hash<H: Hasher>(&self, h: &mut H) {
                match self { $(AnyTimer::$V(t) => t.hash(h),)* }
            }
        }
        impl fmt::Debug for AnyTimer {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self { $(AnyTimer::$V(t) => t.fmt(f),)* }
            }
        }

        impl Protocol for AnyProtocol {
            type Msg = AnyMsg;
            type Timer = AnyTimer;
            type Durable = AnyDurable;
            type Volatile = AnyVolatile;
            type Monitor = AnyMonitor;

            fn boot(&self, durable: &mut AnyDurable, ctx: &mut Ctx<'_, Self>) -> AnyVolatile {
                match self {
                    $(AnyProtocol::$V(p) => {
                        if !matches!(durable, AnyDurable::$V(_)) {
                            *durable = AnyDurable::$V(Default::default());
                        }
                        let AnyDurable::$V(d) = durable else { unreachable!() };
                        AnyVolatile::$V(forward(ctx, AnyMsg::$V, AnyTimer::$V, |c| p.boot(d, c)))
                    })*
                }
            }

            fn on_message(&self, durable: &mut AnyDurable, volatile: &mut AnyVolatile, from: NodeId, msg: AnyMsg, ctx: &mut Ctx<'_, Self>) {
                match (self, durable, volatile, msg) {
                    $((AnyProtocol::$V(p), AnyDurable::$V(d), AnyVolatile::$V(v), AnyMsg::$V(m)) => {
                        forward(ctx, AnyMsg::$V, AnyTimer::$V, |c| p.on_message(d, v, from, m, c))
                    })*
                    _ => {}
                }
            }

            fn on_timer(&self, durable: &mut AnyDurable, volatile: &mut AnyVolatile, timer: AnyTimer, ctx: &mut Ctx<'_, Self>) {
                match (self, durable, volatile, timer) {
                    $((AnyProtocol::$V(p), AnyDurable::$V(d), AnyVolatile::$V(v), AnyTimer::$V(t)) => {
                        forward(ctx, AnyMsg::$V, AnyTimer::$V, |c| p.on_timer(d, v, t, c))
                    })*
                    _ => {}
                }
            }

            fn on_input(&self, durable: &mut AnyDurable, volatile: &mut AnyVolatile, input: &Input, ctx: &mut Ctx<'_, Self>) {
                match (self, durable, volatile) {
                    $((AnyProtocol::$V(p), AnyDurable::$V(d), AnyVolatile::$V(v)) => {
                        forward(ctx, AnyMsg::$V, AnyTimer::$V, |c| p.on_input(d, v, input, c))
                    })*
                    _ => {}
                }
            }

            fn inspect(&self, id: NodeId, durable: &AnyDurable, volatile: Option<&AnyVolatile>) -> Vec<Field> {
                match (self, durable) {
                    $((AnyProtocol::$V(p), AnyDurable::$V(d)) => {
                        let v = match volatile { Some(AnyVolatile::$V(v)) => Some(v), _ => None };
                        p.inspect(id, d, v)
                    })*
                    _ => Vec::new(),
                }
            }

            fn log_view(&self, id: NodeId, durable: &AnyDurable, volatile: Option<&AnyVolatile>) -> Option<LogView> {
                match (self, durable) {
                    $((AnyProtocol::$V(p), AnyDurable::$V(d)) => {
                        let v = match volatile { Some(AnyVolatile::$V(v)) => Some(v), _ => None };
                        p.log_view(id, d, v)
                    })*
                    _ => None,
                }
            }

            fn badge(&self, id: NodeId, durable: &AnyDurable, volatile: Option<&AnyVolatile>) -> String {
                match (self, durable) {
                    $((AnyProtocol::$V(p), AnyDurable::$V(d)) => {
                        let v = match volatile { Some(AnyVolatile::$V(v)) => Some(v), _ => None };
                        p.badge(id, d, v)
                    })*
                    _ => String::new(),
                }
            }

            fn actions(&self, id: NodeId, durable: &AnyDurable, volatile: Option<&AnyVolatile>) -> Vec<NodeAction> {
                match (self, durable) {
                    $((AnyProtocol::$V(p), AnyDurable::$V(d)) => {
                        let v = match volatile { Some(AnyVolatile::$V(v)) => Some(v), _ => None };
                        p.actions(id, d, v)
                    })*
                    _ => Vec::new(),
                }
            }

            fn has_invariants(&self) -> bool {
                match self { $(AnyProtocol::$V(p) => p.has_invariants(),)* }
            }

            fn observes_events(&self) -> bool {
                match self { $(AnyProtocol::$V(p) => p.observes_events(),)* }
            }

            fn check_events(&self, monitor: &mut AnyMonitor, events: &[TraceEvent], clocks: &[Clock]) -> Vec<Violation> {
                match self {
                    $(AnyProtocol::$V(p) => {
                        if !matches!(monitor, AnyMonitor::$V(_)) {
                            *monitor = AnyMonitor::$V(Default::default());
                        }
                        let AnyMonitor::$V(m) = monitor else { return Vec::new() };
                        p.check_events(m, events, clocks)
                    })*
                }
            }

            fn check(&self, monitor: &mut AnyMonitor, nodes: &[NodeRef<'_, Self>]) -> Vec<Violation> {
                match self {
                    $(AnyProtocol::$V(p) => {
                        if !matches!(monitor, AnyMonitor::$V(_)) {
                            *monitor = AnyMonitor::$V(Default::default());
                        }
                        let AnyMonitor::$V(m) = monitor else { return Vec::new() };
                        p.check(m, &<$P as Unwrapped>::refs(nodes))
                    })*
                }
            }

            fn panels(&self, nodes: &[NodeRef<'_, Self>]) -> Vec<Panel> {
                match self {
                    $(AnyProtocol::$V(p) => p.panels(&<$P as Unwrapped>::refs(nodes)),)*
                }
            }

            fn draws_waiting_panels(&self) -> bool {
                match self { $(AnyProtocol::$V(p) => p.draws_waiting_panels(),)* }
            }

            fn schedules(&self) -> bool {
                match self { $(AnyProtocol::$V(p) => p.schedules(),)* }
            }

            fn schedule_gap(&self) -> crate::time::SimDuration {
                match self { $(AnyProtocol::$V(p) => p.schedule_gap(),)* }
            }

            fn schedule(&self, nodes: &[NodeRef<'_, Self>], waiting: &[Waiting<'_, AnyMsg>]) -> Option<Pick> {
                match self {
                    $(AnyProtocol::$V(p) => p.schedule(&<$P as Unwrapped>::refs(nodes), &<$P as Unwrapped>::waiting(waiting)),)*
                }
            }

            fn waiting_panels(&self, monitor: &AnyMonitor, nodes: &[NodeRef<'_, Self>], waiting: &[Waiting<'_, AnyMsg>]) -> Vec<Panel> {
                match self {
                    $(AnyProtocol::$V(p) => {
                        let nodes = <$P as Unwrapped>::refs(nodes);
                        let waiting = <$P as Unwrapped>::waiting(waiting);
                        match monitor {
                            AnyMonitor::$V(m) => p.waiting_panels(m, &nodes, &waiting),
                            _ => p.waiting_panels(&Default::default(), &nodes, &waiting),
                        }
                    })*
                }
            }

            fn mark_step(&self, monitor: &mut AnyMonitor, nodes: &[NodeRef<'_, Self>], waiting: &[Waiting<'_, AnyMsg>]) {
                match self {
                    // Only a protocol with waiting panels marks its steps: the others' arms
                    // compile to nothing.
                    $(AnyProtocol::$V(p) if p.draws_waiting_panels() => {
                        if !matches!(monitor, AnyMonitor::$V(_)) {
                            *monitor = AnyMonitor::$V(Default::default());
                        }
                        if let AnyMonitor::$V(m) = monitor {
                            p.mark_step(m, &<$P as Unwrapped>::refs(nodes), &<$P as Unwrapped>::waiting(waiting));
                        }
                    })*
                    _ => {}
                }
            }
        }
    };
}

super::for_each_protocol!(any_protocol);
