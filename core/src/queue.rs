//! The event queue: ordered by time, then class, then insertion sequence.
//!
//! Equal times are common (two timers set for the same instant); the sequence
//! number makes their order FIFO and therefore deterministic. Faults sort before
//! other events at the same time, so a fault planned for time t has the same
//! effect whether it was in the plan from the start or injected live.

use crate::time::SimTime;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Which events go first when times are equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Class {
    Fault = 0,
    Normal = 1,
}

/// `key` packs `(time, class, sequence)` into one number that orders the same way (time in the
/// high 64 bits, the class in bit 63, the sequence below it), so that the heap compares one
/// integer instead of a tuple: popping was the simulator's largest single cost.
struct Entry<E> {
    key: u128,
    item: E,
}

impl<E> Entry<E> {
    fn at(&self) -> SimTime {
        SimTime((self.key >> 64) as u64)
    }
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap and we want the earliest first.
        other.key.cmp(&self.key)
    }
}

/// A min-queue of events keyed by `(time, class, sequence)`.
pub(crate) struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    next_seq: u64,
}

impl<E> EventQueue<E> {
    pub(crate) fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            next_seq: 0,
        }
    }

    pub(crate) fn push(&mut self, at: SimTime, class: Class, item: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        // A run never schedules 2^63 events (its step limit is far below), so the sequence never
        // reaches the class bit.
        debug_assert!(seq < 1 << 63);
        let key = (u128::from(at.0) << 64) | (u128::from(class as u8) << 63) | u128::from(seq);
        self.heap.push(Entry { key, item });
    }

    pub(crate) fn pop(&mut self) -> Option<(SimTime, E)> {
        self.heap.pop().map(|e| (e.at(), e.item))
    }

    pub(crate) fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(Entry::at)
    }

    /// Every pending item with its due time, in no particular order (callers sort).
    pub(crate) fn items_with_time(&self) -> impl Iterator<Item = (SimTime, &E)> {
        self.heap.iter().map(|e| (e.at(), &e.item))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_by_time_then_faults_first_then_fifo() {
        let mut q = EventQueue::new();
        q.push(SimTime(5), Class::Normal, "late");
        q.push(SimTime(1), Class::Normal, "first-normal");
        q.push(SimTime(1), Class::Normal, "second-normal");
        q.push(SimTime(1), Class::Fault, "fault");
        let order: Vec<_> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, ["fault", "first-normal", "second-normal", "late"]);
    }
}
