//! Liveness at the end of a run: the safety properties ([`super::invariants`]) must hold at every
//! step, but progress can only be asked for once the faults stop.
//!
//! Raft promises no progress while the network misbehaves; it needs a quiet enough network, the
//! timing requirement `broadcastTime ≪ electionTimeout ≪ MTBF` of §5.6. Once the run has been
//! quiet for a stated bound, a leader should lead, no client should still wait for an answer, and
//! every live server should have applied every acknowledged command.

use super::log::Command;
use super::state::Role;
use super::Raft;
use crate::actor::{NodeRef, Violation};
use crate::time::SimTime;

/// Checks liveness at the end of a run whose faults stopped at `quiet_at`: a leader leads, no
/// client command is still waiting, and every acknowledged command is applied on every live server.
///
/// Call it once the run has had its stated bound after `quiet_at`; the message says what is missing.
pub fn check_liveness(
    nodes: &[NodeRef<'_, Raft>],
    servers: usize,
    now: SimTime,
    quiet_at: SimTime,
) -> Result<(), Violation> {
    let since = |what: String| Violation {
        invariant: "liveness".into(),
        detail: format!(
            "{what}, {} after the faults stopped",
            crate::time::LocalTime(now.since(quiet_at).as_us() as i64)
        ),
    };
    // Every server, crashed or not: a crashed one has no volatile state, which each test below
    // treats as "not leader" and "nothing to check".
    let (server_nodes, clients) = nodes.split_at(servers.min(nodes.len()));
    if !server_nodes
        .iter()
        .any(|n| n.volatile.is_some_and(|v| v.role == Role::Leader))
    {
        return Err(since("no server is leader".into()));
    }
    for c in clients {
        if let Some(p) = &c.durable.client.pending {
            return Err(since(format!(
                "{}'s command #{} ({}) is still not acknowledged",
                c.id, p.seq, p.request
            )));
        }
        for p in &c.durable.client.acked {
            for s in server_nodes {
                let Some(v) = s.volatile else { continue };
                let applied = s.durable.log[..(v.last_applied as usize).min(s.durable.log.len())]
                    .iter()
                    .any(|e| {
                        matches!(e.command, Command::Put { client, seq, .. } | Command::Get { client, seq, .. } if client == c.id && seq == p.seq)
                    });
                if !applied {
                    return Err(since(format!(
                        "{} has not applied {}'s acknowledged command #{} ({})",
                        s.id, c.id, p.seq, p.request
                    )));
                }
            }
        }
    }
    Ok(())
}
