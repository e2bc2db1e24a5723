//! A read/write register of one integer, initially 0 (Porcupine's `registerModel`).

use crate::check::model::{Model, Step};
use serde::{Deserialize, Serialize};

/// A register holding one integer, initially 0.
///
/// The first object of every linearizability lesson: a read must return the last write that
/// precedes it in the chosen order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Register;

/// What a register client asks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegisterInput {
    /// Read the value.
    Read,
    /// Write this value.
    Write(i64),
}

/// What a register client is told.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegisterOutput {
    /// The read returned this value.
    Read(i64),
    /// The write was acknowledged.
    Write,
}

impl Model for Register {
    type State = i64;
    type Input = RegisterInput;
    type Output = RegisterOutput;

    fn init(&self) -> i64 {
        0
    }

    fn step(
        &self,
        state: &i64,
        input: &RegisterInput,
        output: Option<&RegisterOutput>,
    ) -> Step<i64> {
        match (input, output) {
            (RegisterInput::Read, None) => Step::Unchanged,
            (RegisterInput::Read, Some(RegisterOutput::Read(v))) if v == state => Step::Unchanged,
            (RegisterInput::Write(v), None | Some(RegisterOutput::Write)) => Step::Changed(*v),
            _ => Step::Illegal,
        }
    }

    fn describe_operation(&self, input: &RegisterInput, output: Option<&RegisterOutput>) -> String {
        match (input, output) {
            (RegisterInput::Read, Some(RegisterOutput::Read(v))) => format!("read → {v}"),
            (RegisterInput::Read, _) => "read → unknown".to_string(),
            (RegisterInput::Write(v), None) => format!("write {v} (outcome unknown)"),
            (RegisterInput::Write(v), _) => format!("write {v}"),
        }
    }

    fn describe_state(&self, state: &i64) -> String {
        state.to_string()
    }

    fn why_illegal(
        &self,
        state: &i64,
        input: &RegisterInput,
        output: Option<&RegisterOutput>,
    ) -> String {
        match (input, output) {
            (RegisterInput::Read, Some(RegisterOutput::Read(v))) => format!(
                "no order of the operations before it leaves the register at {v}; the longest valid order leaves it at {state}"
            ),
            _ => format!("its output does not match its input (the register holds {state})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_of_the_current_value_is_legal_and_changes_nothing() {
        assert_eq!(
            Register.step(&4, &RegisterInput::Read, Some(&RegisterOutput::Read(4))),
            Step::Unchanged
        );
    }

    #[test]
    fn read_of_another_value_is_illegal() {
        assert_eq!(
            Register.step(&4, &RegisterInput::Read, Some(&RegisterOutput::Read(5))),
            Step::Illegal
        );
    }

    #[test]
    fn write_with_unknown_outcome_takes_effect() {
        assert_eq!(
            Register.step(&0, &RegisterInput::Write(7), None),
            Step::Changed(7)
        );
    }
}
