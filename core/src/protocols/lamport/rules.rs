//! The rules a Lamport clock follows (Lamport 1978, "Logical Clocks": the implementation rules
//! IR1 and IR2), pluggable so an exercise runs a learner's in the same cluster, and the paper's
//! own as the reference.

/// The rules a Lamport clock follows. The reference implements them; an exercise runs a learner's.
pub trait LamportRules {
    /// The clock after a local event or a send (its value stamps the event and the message).
    fn tick(&self, clock: u64) -> u64;
    /// The clock after receiving a message stamped `msg_time`.
    fn receive(&self, clock: u64, msg_time: u64) -> u64;
}

/// Lamport's own rules: increment; on receipt, max then increment.
pub struct ReferenceRules;

impl LamportRules for ReferenceRules {
    fn tick(&self, clock: u64) -> u64 {
        clock + 1
    }
    fn receive(&self, clock: u64, msg_time: u64) -> u64 {
        clock.max(msg_time) + 1
    }
}
