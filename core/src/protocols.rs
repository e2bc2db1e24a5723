//! The protocols Netsplit can simulate, each in its own folder, and the one list that registers
//! them.
//!
//! # Adding a protocol
//! Write `protocols/<name>.rs` (and `protocols/<name>/` for its parts): the [`Protocol`] the nodes
//! run and its [`crate::lab::Lab`] (name, parameters, reference instance, golden runs). Then add
//! one line to [`for_each_protocol`]. Everything that lists protocols (the [`ProtocolSpec`] enum a
//! scenario holds and its two serde forms, [`any::AnyProtocol`] that the page's one simulator
//! runs, the playground's picker, the golden digests, the README check) is generated from that
//! list or iterates it.
//!
//! [`ProtocolSpec`]: spec::ProtocolSpec

/// The registry: every protocol once, as `module: Type`, in share-link order.
///
/// The position of an entry is its index in the compact form of a scenario (share links, the
/// embedded course): **append only**. Calls `$then!` with the list, so each consumer generates
/// its own code from the same entries (the module declarations below, [`spec::ProtocolSpec`],
/// [`any::AnyProtocol`]).
macro_rules! for_each_protocol {
    ($then:ident) => {
        $then! {
            two_generals: TwoGenerals,
            heartbeat: Heartbeat,
            lamport: Lamport,
            vector_clock: VectorClock,
            hlc: Hlc,
            clock_sync: ClockSync,
            raft: Raft,
        }
    };
}
pub(crate) use for_each_protocol;

macro_rules! declare_modules {
    ($($module:ident: $Type:ident),* $(,)?) => {
        $(pub mod $module;)*
    };
}
for_each_protocol!(declare_modules);

pub mod any;
pub mod spec;

use crate::actor::{Ctx, Protocol};
use crate::id::NodeId;
use crate::time::SimDuration;
use lamport::LamportParams;

/// Sets the timer for a node's next action of the logical-clock workload ([`LamportParams`]).
///
/// Vector clocks and hybrid logical clocks draw their randomness exactly as the Lamport protocol
/// does, so one scenario and seed give the same run under every clock and only the stamps differ.
pub(crate) fn arm_action<P: Protocol>(
    params: &LamportParams,
    timer: P::Timer,
    ctx: &mut Ctx<'_, P>,
) {
    let gap = ctx.rng().between(params.gap_us_min, params.gap_us_max);
    ctx.set_timer(SimDuration(gap), timer);
}

/// Decides what an action of the workload is: a send to the returned peer, or (`None`) a local event.
pub(crate) fn action_target<P: Protocol>(
    params: &LamportParams,
    ctx: &mut Ctx<'_, P>,
) -> Option<NodeId> {
    let peers: Vec<NodeId> = ctx.peers().collect();
    if ctx.rng().chance(params.send) {
        ctx.rng().pick(&peers).copied()
    } else {
        None
    }
}
