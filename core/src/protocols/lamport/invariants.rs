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

/// Checks the clock condition (Lamport 1978) at event `events[i]`: its stamp must be larger than
/// its node's previous event's and, for a receipt, than the send's.
///
/// Happens-before is the transitive closure of program order and send → receive, so checking
/// those edges at every event checks every pair. Returns an explanation naming nodes, times and
/// stamps.
pub fn clock_condition_at(events: &[CausalEvent], i: usize) -> Option<String> {
    let stamp = |e: &CausalEvent| match e.stamp {
        Some(Stamp::Lamport(t)) => Some(t),
        _ => None,
    };
    let e = &events[i];
    let t = stamp(e)?;
    let node = e.id.node;
    if let Some(p) = e.previous {
        if let Some(tp) = stamp(&events[p]) {
            if t <= tp {
                return Some(format!(
                    "clock condition broken on {node}: its event at {} was stamped {tp}, and its next event, at {}, got {t}. Each event on a node must get a larger clock than the one before it",
                    events[p].at, e.at
                ));
            }
        }
    }
    if let Some((msg, s)) = e.received {
        if let Some(ts) = stamp(&events[s]) {
            if t <= ts {
                let sender = events[s].id.node;
                return Some(format!(
                    "clock condition broken: {sender} sent {msg} with time {ts} (at {}), and {node} stamped its receipt {t} (at {}). A receive happens after its send, so it must be later than its send: more than {ts}",
                    events[s].at, e.at
                ));
            }
        }
    }
    None
}

/// Checks the clock condition over a whole run: the index of the first offending event and why.
pub fn check_clock_condition(events: &[CausalEvent]) -> Result<(), (usize, String)> {
    first_failure(events, clock_condition_at)
}

/// The first event at which `check` fails, and its message.
pub(crate) fn first_failure(
    events: &[CausalEvent],
    check: impl Fn(&[CausalEvent], usize) -> Option<String>,
) -> Result<(), (usize, String)> {
    match (0..events.len()).find_map(|i| check(events, i).map(|m| (i, m))) {
        Some(failure) => Err(failure),
        None => Ok(()),
    }
}
