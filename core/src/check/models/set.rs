//! A grow-only set of integers with add and read.

use crate::check::model::{Model, Step};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A set of integers, initially empty: add an element, read them all.
///
/// A read must return exactly the elements added before it in the chosen order, so a lost or
/// phantom element is a violation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Set;

/// What a set client asks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SetInput {
    /// Add this element.
    Add(i64),
    /// Read every element.
    Read,
}

/// What a set client is told.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SetOutput {
    /// The add was acknowledged.
    Add,
    /// The read returned these elements (in any order; duplicates count once).
    Read(Vec<i64>),
}

fn show(items: &BTreeSet<i64>) -> String {
    let parts: Vec<String> = items.iter().map(|v| v.to_string()).collect();
    format!("{{{}}}", parts.join(", "))
}

impl Model for Set {
    type State = BTreeSet<i64>;
    type Input = SetInput;
    type Output = SetOutput;

    fn init(&self) -> BTreeSet<i64> {
        BTreeSet::new()
    }

    fn step(
        &self,
        state: &BTreeSet<i64>,
        input: &SetInput,
        output: Option<&SetOutput>,
    ) -> Step<BTreeSet<i64>> {
        match (input, output) {
            (SetInput::Add(v), None | Some(SetOutput::Add)) => {
                if state.contains(v) {
                    Step::Unchanged
                } else {
                    let mut s = state.clone();
                    s.insert(*v);
                    Step::Changed(s)
                }
            }
            (SetInput::Read, None) => Step::Unchanged,
            (SetInput::Read, Some(SetOutput::Read(items))) => {
                let read: BTreeSet<i64> = items.iter().copied().collect();
                if read == *state {
                    Step::Unchanged
                } else {
                    Step::Illegal
                }
            }
            _ => Step::Illegal,
        }
    }

    fn describe_operation(&self, input: &SetInput, output: Option<&SetOutput>) -> String {
        match (input, output) {
            (SetInput::Add(v), _) => format!("add {v}"),
            (SetInput::Read, Some(SetOutput::Read(items))) => {
                format!("read → {}", show(&items.iter().copied().collect()))
            }
            (SetInput::Read, _) => "read → unknown".to_string(),
        }
    }

    fn describe_state(&self, state: &BTreeSet<i64>) -> String {
        show(state)
    }

    fn why_illegal(
        &self,
        state: &BTreeSet<i64>,
        input: &SetInput,
        output: Option<&SetOutput>,
    ) -> String {
        match (input, output) {
            (SetInput::Read, Some(SetOutput::Read(items))) => format!(
                "no order of the operations before it leaves the set {}; the longest valid order leaves {}",
                show(&items.iter().copied().collect()),
                show(state)
            ),
            _ => format!("its output does not match its input (the set is {})", show(state)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_ignores_order_and_duplicates() {
        let state: BTreeSet<i64> = [1, 3].into_iter().collect();
        let out = SetOutput::Read(vec![3, 1, 3]);
        assert_eq!(
            Set.step(&state, &SetInput::Read, Some(&out)),
            Step::Unchanged
        );
    }
}
