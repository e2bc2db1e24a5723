//! A sequential model: what an object would do if operations ran one at a time.
//!
//! A history is linearizable when its operations can be put in one order that respects real
//! time and that the model accepts step by step. The model is Porcupine's `Model`: an initial
//! state, a step function, optional partitioning, and descriptions for people.

use std::hash::Hash;

/// What a model says about one operation applied to one state.
///
/// `Unchanged` lets a read say "legal, same state" without building a copy of the state: the
/// checker then reuses the state it already holds, which matters for a key-value store whose
/// state is a string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step<S> {
    /// The operation cannot have produced this output from this state.
    Illegal,
    /// Legal, and the state is unchanged (a read).
    Unchanged,
    /// Legal, and this is the new state.
    Changed(S),
}

/// A sequential specification of an object, on Porcupine's `Model` shape.
///
/// Models must be pure: `step` returns a new state and never mutates its arguments. States
/// compare with `Eq` and hash with `Hash` for the checker's cache (Porcupine's `Equal` and
/// `Hash`); the hash decides speed only, never a verdict.
pub trait Model {
    /// The object's state, e.g. the register's value.
    type State: Clone + Eq + Hash;
    /// What a client asks, e.g. "write 3".
    type Input;
    /// What a client is told, e.g. "read returned 3".
    type Output;

    /// The state before any operation.
    fn init(&self) -> Self::State;

    /// Applies one operation; `output` is `None` for an unknown outcome (a time-out), which
    /// must be accepted whatever the object returned.
    fn step(
        &self,
        state: &Self::State,
        input: &Self::Input,
        output: Option<&Self::Output>,
    ) -> Step<Self::State>;

    /// The partition an operation belongs to, or `None` to check the history whole.
    ///
    /// Linearizability is local (Herlihy and Wing's P-compositionality): a history of
    /// independent objects (the keys of a store) is linearizable iff each object's
    /// sub-history is, and checking ten small histories is far cheaper than one big one. If a
    /// model partitions, its state is the state of one partition.
    fn partition_key(&self, _input: &Self::Input) -> Option<String> {
        None
    }

    /// An operation in a few words for people, e.g. "read → 3" or "cas(1, 2) → fail".
    fn describe_operation(&self, input: &Self::Input, output: Option<&Self::Output>) -> String;

    /// A state in a few words for people, e.g. "3" or "nil".
    fn describe_state(&self, state: &Self::State) -> String;

    /// Why an operation cannot come next, given the state that the longest valid order of
    /// the operations before it leaves; finishes the sentence "... cannot be placed: ".
    ///
    /// Models override it to speak their own language (Elle's style: "no order of the
    /// operations before it leaves the register at 5; the longest leaves it at 4").
    fn why_illegal(
        &self,
        state: &Self::State,
        _input: &Self::Input,
        _output: Option<&Self::Output>,
    ) -> String {
        format!(
            "it is not possible after the longest valid order of the operations before it, \
             which leaves the state {}",
            self.describe_state(state)
        )
    }
}
