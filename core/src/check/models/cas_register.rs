//! etcd's compare-and-set register, initially nil (Porcupine's `etcdModel`).

use crate::check::model::{Model, Step};
use serde::{Deserialize, Serialize};

/// A register with read, write and compare-and-set, initially nil: the object of Jepsen's
/// 2015 etcd test, whose histories Porcupine checks.
///
/// The semantics are Porcupine's `etcdModel`: a read returns the value (nil before any
/// write); a write sets it; `cas(from, to)` succeeds and sets `to` iff the value is `from`,
/// and fails otherwise. An unknown outcome is always legal, and a timed-out cas still takes
/// effect when `from` matches (it may have happened).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CasRegister;

/// What a CAS-register client asks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CasInput {
    /// Read the value.
    Read,
    /// Write this value.
    Write(i64),
    /// Set `to` if the value is `from`.
    Cas {
        /// The value expected.
        from: i64,
        /// The value to set.
        to: i64,
    },
}

/// What a CAS-register client is told.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CasOutput {
    /// The read returned this value, or nil.
    Read(Option<i64>),
    /// The write was acknowledged.
    Write,
    /// The cas succeeded (`true`) or failed.
    Cas(bool),
}

fn show(v: Option<i64>) -> String {
    v.map_or_else(|| "nil".to_string(), |v| v.to_string())
}

impl Model for CasRegister {
    type State = Option<i64>;
    type Input = CasInput;
    type Output = CasOutput;

    fn init(&self) -> Option<i64> {
        None
    }

    fn step(
        &self,
        state: &Option<i64>,
        input: &CasInput,
        output: Option<&CasOutput>,
    ) -> Step<Option<i64>> {
        match (input, output) {
            (CasInput::Read, None) => Step::Unchanged,
            (CasInput::Read, Some(CasOutput::Read(v))) if v == state => Step::Unchanged,
            (CasInput::Write(v), None | Some(CasOutput::Write)) => Step::Changed(Some(*v)),
            (CasInput::Cas { from, to }, out) => {
                let matches = *state == Some(*from);
                let legal = match out {
                    None => true,
                    Some(CasOutput::Cas(ok)) => *ok == matches,
                    Some(_) => false,
                };
                match (legal, matches) {
                    (false, _) => Step::Illegal,
                    (true, true) => Step::Changed(Some(*to)),
                    (true, false) => Step::Unchanged,
                }
            }
            _ => Step::Illegal,
        }
    }

    fn describe_operation(&self, input: &CasInput, output: Option<&CasOutput>) -> String {
        match (input, output) {
            (CasInput::Read, Some(CasOutput::Read(v))) => format!("read → {}", show(*v)),
            (CasInput::Read, _) => "read → unknown".to_string(),
            (CasInput::Write(v), None) => format!("write {v} (outcome unknown)"),
            (CasInput::Write(v), _) => format!("write {v}"),
            (CasInput::Cas { from, to }, Some(CasOutput::Cas(true))) => {
                format!("cas({from}, {to}) → ok")
            }
            (CasInput::Cas { from, to }, Some(_)) => format!("cas({from}, {to}) → fail"),
            (CasInput::Cas { from, to }, None) => format!("cas({from}, {to}) → unknown"),
        }
    }

    fn describe_state(&self, state: &Option<i64>) -> String {
        show(*state)
    }

    fn why_illegal(
        &self,
        state: &Option<i64>,
        input: &CasInput,
        output: Option<&CasOutput>,
    ) -> String {
        let s = show(*state);
        match (input, output) {
            (CasInput::Read, Some(CasOutput::Read(v))) => format!(
                "no order of the operations before it leaves the register at {}; the longest valid order leaves it at {s}",
                show(*v)
            ),
            (CasInput::Cas { from, .. }, Some(CasOutput::Cas(true))) => format!(
                "it succeeded, so the register held {from}, but no order of the operations before it leaves {from}; the longest valid order leaves {s}"
            ),
            (CasInput::Cas { from, .. }, Some(CasOutput::Cas(false))) => format!(
                "it failed, so the register did not hold {from}, but every order of the operations before it that could be found leaves {from}"
            ),
            _ => format!("its output does not match its input (the register holds {s})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_of_nil_is_legal_before_any_write() {
        assert_eq!(
            CasRegister.step(&None, &CasInput::Read, Some(&CasOutput::Read(None))),
            Step::Unchanged
        );
    }

    #[test]
    fn failed_cas_is_legal_only_when_the_value_differs() {
        let cas = CasInput::Cas { from: 1, to: 2 };
        assert_eq!(
            CasRegister.step(&Some(3), &cas, Some(&CasOutput::Cas(false))),
            Step::Unchanged
        );
        assert_eq!(
            CasRegister.step(&Some(1), &cas, Some(&CasOutput::Cas(false))),
            Step::Illegal
        );
    }

    #[test]
    fn timed_out_cas_takes_effect_when_from_matches() {
        let cas = CasInput::Cas { from: 1, to: 2 };
        assert_eq!(
            CasRegister.step(&Some(1), &cas, None),
            Step::Changed(Some(2))
        );
        assert_eq!(CasRegister.step(&Some(3), &cas, None), Step::Unchanged);
    }
}
