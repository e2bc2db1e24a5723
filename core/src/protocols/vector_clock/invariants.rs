//! What vector clocks promise, checked against the simulator's own happens-before.
//!
//! | property | source | function |
//! | --- | --- | --- |
//! | every stamp is the event's true vector clock: entry `i` counts node `i`'s events in its causal past | Mattern 1989, §4 | [`check_vector_stamps`] |
//! | comparing two stamps gives happens-before | Mattern 1989, §4, Theorem | [`true_order`] |
//!
//! The simulator computes each event's vector clock itself ([`crate::causality`]), independently
//! of the protocol's, so a learner's clock is judged against the truth.

use super::Order;
use crate::causality::CausalEvent;
use crate::trace::Stamp;

/// What happened at an event, for messages: "its receipt of m4 from n1" or "a local event".
pub(crate) fn describe(events: &[CausalEvent], e: &CausalEvent) -> String {
    match e.received {
        Some((msg, s)) => format!(
            "{}'s receipt of {msg} from {} at {}",
            e.id.node, events[s].id.node, e.at
        ),
        None => format!(
            "{}'s local event (start, timer or send) at {}",
            e.id.node, e.at
        ),
    }
}

/// A vector clock as the learner writes it: `[1, 0, 2]`.
pub(crate) fn show_clock(clock: &[u64]) -> String {
    let parts: Vec<String> = clock.iter().map(u64::to_string).collect();
    format!("[{}]", parts.join(", "))
}

/// Checks that the stamp of event `events[i]` is its true vector clock, the simulator's own
/// (Mattern 1989, §4): if not, says what the clock was before, what the rules made of it, and the
/// right answer.
pub fn vector_stamp_at(events: &[CausalEvent], i: usize) -> Option<String> {
    let e = &events[i];
    let Some(Stamp::Vector(got)) = &e.stamp else {
        return None;
    };
    if *got == e.clock {
        return None;
    }
    let before = e
        .previous
        .map_or_else(|| vec![0; e.clock.len()], |p| events[p].clock.clone());
    let what = describe(events, e);
    let rule = match e.received {
        Some((_, s)) => format!(
            "receive got clock {} and message clock {}. A receipt knows everything the sender knew: take the element-wise max of both clocks, then add one to the node's own entry",
            show_clock(&before),
            show_clock(&events[s].clock)
        ),
        None => format!(
            "tick got clock {}. A local event adds one to the node's own entry and leaves the others alone",
            show_clock(&before)
        ),
    };
    Some(format!(
        "wrong vector clock after {what}: your rules made it {}, but the true vector clock is {} ({rule})",
        show_clock(got),
        show_clock(&e.clock)
    ))
}

/// Checks every vector stamp of a run over the whole run: the first event whose stamp differs,
/// and why. Every earlier stamp was right, so the clock before it is the true one.
pub fn check_vector_stamps(events: &[CausalEvent]) -> Result<(), (usize, String)> {
    crate::protocols::lamport::invariants::first_failure(events, vector_stamp_at)
}

/// The true order of two events, from the simulator's happens-before.
pub fn true_order(a: &CausalEvent, b: &CausalEvent) -> Order {
    if a.id == b.id {
        Order::Equal
    } else if a.happens_before(b) {
        Order::Before
    } else if b.happens_before(a) {
        Order::After
    } else {
        Order::Concurrent
    }
}
