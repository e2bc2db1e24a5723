//! A counter with increment and read.

use crate::check::model::{Model, Step};
use serde::{Deserialize, Serialize};

/// A counter, initially 0: increment by an amount, read the total.
///
/// Increments commute, so many orders give the same state and the checker's cache of
/// (linearized set, state) pays off.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counter;

/// What a counter client asks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CounterInput {
    /// Add this amount (wrapping, so no input can overflow the checker).
    Increment(i64),
    /// Read the total.
    Read,
}

/// What a counter client is told.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CounterOutput {
    /// The increment was acknowledged.
    Increment,
    /// The read returned this total.
    Read(i64),
}

impl Model for Counter {
    type State = i64;
    type Input = CounterInput;
    type Output = CounterOutput;

    fn init(&self) -> i64 {
        0
    }

    fn step(&self, state: &i64, input: &CounterInput, output: Option<&CounterOutput>) -> Step<i64> {
        match (input, output) {
            (CounterInput::Increment(d), None | Some(CounterOutput::Increment)) => {
                Step::Changed(state.wrapping_add(*d))
            }
            (CounterInput::Read, None) => Step::Unchanged,
            (CounterInput::Read, Some(CounterOutput::Read(v))) if v == state => Step::Unchanged,
            _ => Step::Illegal,
        }
    }

    fn describe_operation(&self, input: &CounterInput, output: Option<&CounterOutput>) -> String {
        match (input, output) {
            (CounterInput::Increment(d), _) => format!("increment by {d}"),
            (CounterInput::Read, Some(CounterOutput::Read(v))) => format!("read → {v}"),
            (CounterInput::Read, _) => "read → unknown".to_string(),
        }
    }

    fn describe_state(&self, state: &i64) -> String {
        state.to_string()
    }

    fn why_illegal(
        &self,
        state: &i64,
        input: &CounterInput,
        output: Option<&CounterOutput>,
    ) -> String {
        match (input, output) {
            (CounterInput::Read, Some(CounterOutput::Read(v))) => format!(
                "no order of the operations before it leaves the counter at {v}; the longest valid order leaves it at {state}"
            ),
            _ => format!("its output does not match its input (the counter is at {state})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn increment_wraps_instead_of_overflowing() {
        assert_eq!(
            Counter.step(&i64::MAX, &CounterInput::Increment(1), None),
            Step::Changed(i64::MIN)
        );
    }
}
