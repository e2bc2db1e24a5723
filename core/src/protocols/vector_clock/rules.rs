//! The rules a vector clock follows (Fidge 1988, Mattern 1989), pluggable so an exercise runs a
//! learner's in the same cluster, and theirs as the reference.

/// The rules a vector clock follows. The reference implements them; an exercise runs a learner's.
pub trait VectorRules {
    /// The clock after a local event or a send by node `me` (its value stamps the event and the message).
    fn tick(&self, clock: &[u64], me: usize) -> Vec<u64>;
    /// The clock of node `me` after receiving a message stamped `msg`.
    fn receive(&self, clock: &[u64], msg: &[u64], me: usize) -> Vec<u64>;
}

/// Fidge's and Mattern's rules: increment your own entry; on receipt, element-wise max, then increment.
pub struct ReferenceRules;

impl VectorRules for ReferenceRules {
    fn tick(&self, clock: &[u64], me: usize) -> Vec<u64> {
        let mut next = clock.to_vec();
        if let Some(own) = next.get_mut(me) {
            *own = own.saturating_add(1);
        }
        next
    }

    fn receive(&self, clock: &[u64], msg: &[u64], me: usize) -> Vec<u64> {
        let merged: Vec<u64> = (0..clock.len().max(msg.len()))
            .map(|i| {
                let a = clock.get(i).copied().unwrap_or(0);
                let b = msg.get(i).copied().unwrap_or(0);
                a.max(b)
            })
            .collect();
        self.tick(&merged, me)
    }
}
