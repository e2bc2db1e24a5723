//! The protocols Netsplit can simulate. Each file teaches one idea.

pub mod any;
pub mod clock_sync;
pub mod heartbeat;
pub mod hlc;
pub mod lamport;
pub mod raft;
pub mod two_generals;
pub mod vector_clock;

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
