//! The property Lamport clocks promise, checked against the simulator's own happens-before.
//!
//! | property | source | function |
//! | --- | --- | --- |
//! | clock condition: a → b implies C(a) < C(b) | Lamport 1978, §2 | [`check_clock_condition`] |
//!
//! The check reads a run's [`CausalEvent`]s ([`crate::causality`]), which the simulator computes
//! from the trace independently of any clock a protocol or a learner implements.

use crate::causality::CausalEvent;
use crate::trace::Stamp;

/// Checks the clock condition (Lamport 1978): if a → b then C(a) < C(b).
///
/// Happens-before is the transitive closure of program order and send → receive,
/// so checking those edges checks every pair. Returns the index of the first
/// offending event and an explanation naming nodes, times and stamps.
pub fn check_clock_condition(events: &[CausalEvent]) -> Result<(), (usize, String)> {
    let stamp = |e: &CausalEvent| match e.stamp {
        Some(Stamp::Lamport(t)) => Some(t),
        _ => None,
    };
    for (i, e) in events.iter().enumerate() {
        let Some(t) = stamp(e) else { continue };
        let node = e.id.node;
        if let Some(p) = e.previous {
            if let Some(tp) = stamp(&events[p]) {
                if t <= tp {
                    return Err((i, format!(
                        "clock condition broken on {node}: its event at {} was stamped {tp}, and its next event, at {}, got {t}. Each event on a node must get a larger clock than the one before it",
                        events[p].at, e.at
                    )));
                }
            }
        }
        if let Some((msg, s)) = e.received {
            if let Some(ts) = stamp(&events[s]) {
                if t <= ts {
                    let sender = events[s].id.node;
                    return Err((i, format!(
                        "clock condition broken: {sender} sent {msg} with time {ts} (at {}), and {node} stamped its receipt {t} (at {}). A receive happens after its send, so it must be later than its send: more than {ts}",
                        events[s].at, e.at
                    )));
                }
            }
        }
    }
    Ok(())
}
