//! What the outside world asks of a cluster: client operations, and the answers they get.
//!
//! A fault plan delivers an [`Input`] to a node ([`crate::fault::Fault::Input`]); the simulator
//! hands it to [`crate::actor::Protocol::on_input`]. Most inputs are client operations (read,
//! write, compare-and-set, append, increment, acquire, release, or a protocol's own named
//! command); one is not: [`Input::TimeoutNow`], which makes the timeout that drives a protocol
//! expire by hand (RaftScope's button). A protocol takes the inputs it understands and notes the
//! rest.
//!
//! A client node that performs an operation says so through its context: [`crate::actor::Ctx::invoke`]
//! when it starts and [`crate::actor::Ctx::complete`] when it learns the outcome, an [`OpResult`].
//! The simulator keeps those as the run's history ([`crate::sim::Sim::history`]), in the shape the
//! linearizability checker reads ([`crate::history::Operation`]), so any run can be checked.

use std::fmt;

crate::forms::two_forms! {
    /// One input to a node. Written `{ op = "write", key = "x", value = 3 }` in lesson files.
    ///
    /// Values are integers; keys and lock names are short strings. A protocol whose keys are
    /// narrower (Raft's are one character) refuses the others with a note.
    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    pub enum Input tagged "op" {
        /// Read a key: the answer is [`OpResult::Value`] (or [`OpResult::Values`] for a key
        /// built by appends).
        Read {
            /// The key.
            key: String,
        },
        /// Set a key to a value.
        Write {
            /// The key.
            key: String,
            /// The new value.
            value: i64,
        },
        /// Set a key to `new` if it holds `expected` ([`OpResult::Failed`] if not).
        Cas {
            /// The key.
            key: String,
            /// The value it must hold.
            expected: i64,
            /// The value it gets.
            new: i64,
        },
        /// Append a value to a key's list.
        Append {
            /// The key.
            key: String,
            /// The value appended.
            value: i64,
        },
        /// Add `by` to a key (absent counts as 0).
        Increment {
            /// The key.
            key: String,
            /// How much to add (may be negative).
            by: i64,
        },
        /// Take a lock ([`OpResult::Failed`] if another holds it).
        Acquire {
            /// The lock's name.
            lock: String,
        },
        /// Give a lock back.
        Release {
            /// The lock's name.
            lock: String,
        },
        /// A protocol's own client operation (a saga's "order", a 2PC "transfer"), by name, with
        /// one integer argument.
        Command {
            /// What the protocol calls it.
            name: String,
            /// Its argument.
            arg: i64,
        },
        /// Not a client operation: the timeout that drives the protocol expires now (in Raft, a
        /// server stands for election at once). Protocols without one ignore it.
        TimeoutNow,
    }
}

impl Input {
    /// True for the inputs a client performs and a history records; false for
    /// [`Input::TimeoutNow`].
    pub fn is_client_op(&self) -> bool {
        !matches!(self, Input::TimeoutNow)
    }

    /// The key (or lock) the operation touches, if any.
    pub fn key(&self) -> Option<&str> {
        match self {
            Input::Read { key }
            | Input::Write { key, .. }
            | Input::Cas { key, .. }
            | Input::Append { key, .. }
            | Input::Increment { key, .. } => Some(key),
            Input::Acquire { lock } | Input::Release { lock } => Some(lock),
            Input::Command { .. } | Input::TimeoutNow => None,
        }
    }

    /// Checks what a simulator can check without the protocol: keys and names are 1 to 16
    /// characters.
    pub fn validate(&self) -> Result<(), String> {
        let name = match self {
            Input::Command { name, .. } => Some(name.as_str()),
            other => other.key(),
        };
        match name {
            Some(k) if k.is_empty() || k.chars().count() > 16 => Err(format!(
                "the key or name {k:?} must be 1 to 16 characters long"
            )),
            _ => Ok(()),
        }
    }

    /// One input of every kind, for tests that must cover them all.
    pub fn examples() -> Vec<Input> {
        let key = || "x".to_string();
        let all = vec![
            Input::Read { key: key() },
            Input::Write {
                key: key(),
                value: 3,
            },
            Input::Cas {
                key: key(),
                expected: 3,
                new: 4,
            },
            Input::Append {
                key: key(),
                value: 5,
            },
            Input::Increment { key: key(), by: -2 },
            Input::Acquire { lock: key() },
            Input::Release { lock: key() },
            Input::Command {
                name: "order".into(),
                arg: 7,
            },
            Input::TimeoutNow,
        ];
        // An exhaustive match: a new kind must be added above.
        for i in &all {
            match i {
                Input::Read { .. }
                | Input::Write { .. }
                | Input::Cas { .. }
                | Input::Append { .. }
                | Input::Increment { .. }
                | Input::Acquire { .. }
                | Input::Release { .. }
                | Input::Command { .. }
                | Input::TimeoutNow => {}
            }
        }
        all
    }
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Input::Read { key } => write!(f, "read {key}"),
            Input::Write { key, value } => write!(f, "write {key}={value}"),
            Input::Cas { key, expected, new } => write!(f, "cas {key} {expected}->{new}"),
            Input::Append { key, value } => write!(f, "append {value} to {key}"),
            Input::Increment { key, by } => write!(f, "increment {key} by {by}"),
            Input::Acquire { lock } => write!(f, "acquire {lock}"),
            Input::Release { lock } => write!(f, "release {lock}"),
            Input::Command { name, arg } => write!(f, "{name}({arg})"),
            Input::TimeoutNow => f.write_str("timeout now"),
        }
    }
}

/// What a client learned of an operation it performed.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum OpResult {
    /// It took effect (a write, append, increment, release; a compare-and-set that matched; a
    /// lock granted; a command done).
    Ok,
    /// A read's answer: the key's value, `None` if it has none.
    Value(Option<i64>),
    /// A read's answer for a key built by appends: the list, oldest first.
    Values(Vec<i64>),
    /// It certainly did not take effect (a compare-and-set that did not match, a lock held by
    /// another, a request refused).
    Failed,
    /// The client gave up waiting: it may or may not have taken effect. A checker must accept
    /// either (Jepsen's `:info`).
    Unknown,
}

impl fmt::Display for OpResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpResult::Ok => f.write_str("ok"),
            OpResult::Value(Some(v)) => write!(f, "{v}"),
            OpResult::Value(None) => f.write_str("nil"),
            OpResult::Values(vs) => {
                let parts: Vec<String> = vs.iter().map(i64::to_string).collect();
                write!(f, "[{}]", parts.join(","))
            }
            OpResult::Failed => f.write_str("failed"),
            OpResult::Unknown => f.write_str("unknown"),
        }
    }
}

/// Which operation of a run: invocations are numbered from 0 in the order they happen.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct OpId(pub u64);

impl fmt::Display for OpId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "op{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_timeout_now_is_not_a_client_operation() {
        let ops: Vec<bool> = Input::examples().iter().map(Input::is_client_op).collect();
        assert_eq!(ops.iter().filter(|op| !**op).count(), 1);
        assert!(!Input::TimeoutNow.is_client_op());
    }

    #[test]
    fn an_empty_or_long_key_is_refused_with_its_limit() {
        let empty = Input::Read { key: String::new() }.validate().unwrap_err();
        assert!(empty.contains("1 to 16"), "{empty}");
        let long = Input::Acquire {
            lock: "a".repeat(17),
        };
        assert!(long.validate().is_err());
        assert!(Input::examples().iter().all(|i| i.validate().is_ok()));
    }

    #[test]
    fn every_input_survives_the_compact_form() {
        for input in Input::examples() {
            let bytes = postcard::to_allocvec(&input).unwrap();
            assert_eq!(postcard::from_bytes::<Input>(&bytes).unwrap(), input);
        }
    }
}
