//! Histories of operations on a shared object, as a linearizability checker reads them.
//!
//! A history records, for each operation a client performed, what it asked for (the input),
//! when it asked (the call time), what it was told (the output) and when (the return time).
//! Two operations whose intervals overlap were concurrent, so either order is allowed; an
//! operation that returned before another was called must come first. Intervals are closed,
//! as in Porcupine: `[10, 20]` and `[20, 30]` overlap.
//!
//! A client that timed out does not know whether its operation took effect. Such an operation
//! has an *unknown outcome* (`output: None`); if it never returned at all (`return_time:
//! None`) it may take effect at any moment after its call, including after everything else,
//! which is the same as never. This is Porcupine's treatment of Jepsen's `:info` operations.
//!
//! Two forms: [`Operation`]s with times, and [`Event`]s (calls and returns in time order, as
//! Porcupine's `CheckEvents` takes), which [`events_to_operations`] turns into the first.
//! Readers and writers for Porcupine's JSON form and Jepsen's logs are in [`json`] and
//! [`jepsen`]. The simulator will later emit histories from its invoke and complete trace
//! events; this module knows nothing of the simulator.

pub mod jepsen;
pub mod json;

use std::collections::BTreeMap;
use std::fmt;

/// One operation of a history: a call, and the return that answered it (if any).
///
/// Times are in the history's own unit (nanoseconds, or an event's position in a log); only
/// their order matters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation<I, O> {
    /// The client (Jepsen's process) that performed it; shown in explanations.
    pub client_id: u64,
    /// What the client asked for, e.g. "write 3".
    pub input: I,
    /// When the client made the call.
    pub call_time: i64,
    /// What the client was told; `None` for an unknown outcome (a time-out), which the model
    /// must accept whatever the object did.
    pub output: Option<O>,
    /// When the answer arrived; `None` if it never did, so the operation may take effect at
    /// any time after its call (Porcupine puts its return after every other event).
    pub return_time: Option<i64>,
}

impl<I, O> Operation<I, O> {
    /// An operation that returned `output` at `return_time`.
    pub fn returned(client_id: u64, input: I, call_time: i64, output: O, return_time: i64) -> Self {
        Operation {
            client_id,
            input,
            call_time,
            output: Some(output),
            return_time: Some(return_time),
        }
    }

    /// An operation that was called and never answered (Jepsen's `:info`): it may or may not
    /// have taken effect, at any time after its call.
    pub fn pending(client_id: u64, input: I, call_time: i64) -> Self {
        Operation {
            client_id,
            input,
            call_time,
            output: None,
            return_time: None,
        }
    }
}

/// Whether an [`Event`] is a call or a return, with what it carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventKind<I, O> {
    /// A client called the object with this input.
    Call(I),
    /// The object answered: `Some(output)`, or `None` for an unknown outcome (a time-out).
    Return(Option<O>),
}

/// One call or return of a history in event form; events are listed in time order.
///
/// Porcupine's `Event`: the `id` pairs a return with its call, and a call without a return
/// is a pending operation (see [`Operation::pending`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event<I, O> {
    /// The client that performed the operation.
    pub client_id: u64,
    /// Call or return.
    pub kind: EventKind<I, O>,
    /// Pairs a return with its call; unique per operation within the history.
    pub id: u64,
}

/// What is wrong with a history or its text form; every reader returns one instead of
/// panicking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HistoryError {
    /// A line of a text form could not be read. Lines count from 1.
    Line {
        /// The 1-based line number.
        line: u64,
        /// What is wrong, in words.
        message: String,
    },
    /// An operation (counted from 0 in the input) is inconsistent, e.g. returns before its call.
    Operation {
        /// The operation's position in the input.
        index: u64,
        /// What is wrong, in words.
        message: String,
    },
}

impl fmt::Display for HistoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HistoryError::Line { line, message } => write!(f, "line {line}: {message}"),
            HistoryError::Operation { index, message } => write!(f, "operation {index}: {message}"),
        }
    }
}

impl std::error::Error for HistoryError {}

/// Turns a list of call and return events (in time order) into operations, with each event's
/// position as its time.
///
/// A call without a return becomes a pending operation. Errors: a return whose id has no
/// earlier call, or an id called or answered twice.
pub fn events_to_operations<I, O>(
    events: Vec<Event<I, O>>,
) -> Result<Vec<Operation<I, O>>, HistoryError> {
    let mut ops: Vec<Operation<I, O>> = Vec::new();
    // id -> (operation index, answered yet)
    let mut by_id: BTreeMap<u64, (usize, bool)> = BTreeMap::new();
    for (position, event) in events.into_iter().enumerate() {
        let time = position as i64;
        match event.kind {
            EventKind::Call(input) => {
                if by_id.contains_key(&event.id) {
                    return Err(HistoryError::Operation {
                        index: position as u64,
                        message: format!("event id {} is called twice", event.id),
                    });
                }
                by_id.insert(event.id, (ops.len(), false));
                ops.push(Operation::pending(event.client_id, input, time));
            }
            EventKind::Return(output) => match by_id.get_mut(&event.id) {
                Some((index, answered)) if !*answered => {
                    *answered = true;
                    let op = &mut ops[*index];
                    op.output = output;
                    op.return_time = Some(time);
                }
                Some(_) => {
                    return Err(HistoryError::Operation {
                        index: position as u64,
                        message: format!("event id {} returns twice", event.id),
                    })
                }
                None => {
                    return Err(HistoryError::Operation {
                        index: position as u64,
                        message: format!("event id {} returns without a call before it", event.id),
                    })
                }
            },
        }
    }
    Ok(ops)
}

/// Checks that every operation returns no earlier than its call.
///
/// The checker relies on it: an interval that ends before it starts has no place in any order.
pub fn validate<I, O>(ops: &[Operation<I, O>]) -> Result<(), HistoryError> {
    for (index, op) in ops.iter().enumerate() {
        if let Some(r) = op.return_time {
            if r < op.call_time {
                return Err(HistoryError::Operation {
                    index: index as u64,
                    message: format!("returns at {r}, before its call at {}", op.call_time),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(id: u64) -> Event<u8, u8> {
        Event {
            client_id: 0,
            kind: EventKind::Call(1),
            id,
        }
    }
    fn ret(id: u64) -> Event<u8, u8> {
        Event {
            client_id: 0,
            kind: EventKind::Return(Some(2)),
            id,
        }
    }

    #[test]
    fn events_become_operations_timed_by_position() {
        let ops = events_to_operations(vec![call(7), call(8), ret(7)]).unwrap();
        assert_eq!(ops[0], Operation::returned(0, 1, 0, 2, 2));
        assert_eq!(ops[1], Operation::pending(0, 1, 1));
    }

    #[test]
    fn return_without_call_is_an_error() {
        assert!(events_to_operations(vec![ret(1)]).is_err());
    }

    #[test]
    fn id_called_or_answered_twice_is_an_error() {
        assert!(events_to_operations(vec![call(1), call(1)]).is_err());
        assert!(events_to_operations(vec![call(1), ret(1), ret(1)]).is_err());
    }
}
