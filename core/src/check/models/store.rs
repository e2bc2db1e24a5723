//! The object behind the simulator's own client vocabulary: a store of integer keys, locks and
//! lists, checked one key at a time. This is the model a run's history is checked against
//! ([`crate::sim::Sim::history`]), so any protocol whose clients use [`Input`] gets a
//! linearizability check for free.

use crate::check::model::{Model, Step};
use crate::client::{Input, OpResult};

/// A key-value store of integers, with compare-and-set, increment, per-key lists built by
/// append, and locks, partitioned by key.
///
/// The semantics, per key (each key is its own object, so a history is checked key by key):
/// - `read` returns the value (`nil` before any write), or the list for a key built by
///   appends; `write` sets it; `cas(expected, new)` sets `new` iff the value is `expected`
///   (answered `ok`) and otherwise changes nothing (answered `failed`); `increment(by)` adds to
///   the value (nil counts as 0);
/// - `append(v)` adds `v` to the key's list; a read of such a key answers the list;
/// - `acquire` takes a free lock (`ok`) or finds it held (`failed`); `release` frees it.
///
/// An unknown outcome is always legal and takes effect (it may have happened; the search also
/// tries placing it after everything, which is the same as never). A `failed` answer changes
/// nothing. A protocol's named commands have no meaning here: they are legal and change nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Store;

/// One key's state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum KeyState {
    /// Never written.
    #[default]
    Absent,
    /// An integer value.
    Value(i64),
    /// A list built by appends.
    List(Vec<i64>),
    /// A lock that is held.
    Held,
}

fn value_of(state: &KeyState) -> Option<i64> {
    match state {
        KeyState::Value(v) => Some(*v),
        _ => None,
    }
}

impl Model for Store {
    type State = KeyState;
    type Input = Input;
    type Output = OpResult;

    fn init(&self) -> KeyState {
        KeyState::Absent
    }

    fn step(&self, state: &KeyState, input: &Input, output: Option<&OpResult>) -> Step<KeyState> {
        use KeyState as K;
        use OpResult as R;
        // A failed answer says the operation had no effect, whatever it was; it is legal only
        // where the operation could have failed.
        match (input, output) {
            (Input::Read { .. }, None) => Step::Unchanged,
            (Input::Read { .. }, Some(R::Value(v))) if *v == value_of(state) => {
                if matches!(state, K::Absent | K::Value(_)) {
                    Step::Unchanged
                } else {
                    Step::Illegal
                }
            }
            (Input::Read { .. }, Some(R::Values(vs))) => match state {
                K::List(l) if l == vs => Step::Unchanged,
                K::Absent if vs.is_empty() => Step::Unchanged,
                _ => Step::Illegal,
            },
            (Input::Write { value, .. }, None | Some(R::Ok)) => Step::Changed(K::Value(*value)),
            (Input::Cas { expected, new, .. }, None | Some(R::Ok)) => {
                if value_of(state) == Some(*expected) {
                    Step::Changed(K::Value(*new))
                } else if output.is_none() {
                    Step::Unchanged
                } else {
                    Step::Illegal
                }
            }
            (Input::Cas { expected, .. }, Some(R::Failed)) => {
                if value_of(state) == Some(*expected) {
                    Step::Illegal
                } else {
                    Step::Unchanged
                }
            }
            (Input::Increment { by, .. }, None | Some(R::Ok)) => match state {
                K::Absent | K::Value(_) => {
                    Step::Changed(K::Value(value_of(state).unwrap_or(0).wrapping_add(*by)))
                }
                _ => Step::Illegal,
            },
            (Input::Append { value, .. }, None | Some(R::Ok)) => match state {
                K::Absent => Step::Changed(K::List(vec![*value])),
                K::List(l) => {
                    let mut l = l.clone();
                    l.push(*value);
                    Step::Changed(K::List(l))
                }
                _ => Step::Illegal,
            },
            (Input::Acquire { .. }, None | Some(R::Ok)) => match state {
                K::Absent => Step::Changed(K::Held),
                K::Held if output.is_none() => Step::Unchanged,
                _ => Step::Illegal,
            },
            (Input::Acquire { .. }, Some(R::Failed)) => match state {
                K::Held => Step::Unchanged,
                _ => Step::Illegal,
            },
            (Input::Release { .. }, None | Some(R::Ok)) => match state {
                K::Held | K::Absent => Step::Changed(K::Absent),
                _ => Step::Illegal,
            },
            (Input::Command { .. } | Input::TimeoutNow, _) => Step::Unchanged,
            // Any operation refused outright had no effect.
            (
                Input::Write { .. } | Input::Increment { .. } | Input::Append { .. },
                Some(R::Failed),
            )
            | (Input::Release { .. }, Some(R::Failed)) => Step::Unchanged,
            _ => Step::Illegal,
        }
    }

    fn partition_key(&self, input: &Input) -> Option<String> {
        input.key().map(str::to_string)
    }

    fn describe_operation(&self, input: &Input, output: Option<&OpResult>) -> String {
        match output {
            Some(r) => format!("{input} → {r}"),
            None => format!("{input} → unknown"),
        }
    }

    fn describe_state(&self, state: &KeyState) -> String {
        match state {
            KeyState::Absent => "nil".into(),
            KeyState::Value(v) => v.to_string(),
            KeyState::List(l) => OpResult::Values(l.clone()).to_string(),
            KeyState::Held => "held".into(),
        }
    }

    fn why_illegal(&self, state: &KeyState, input: &Input, output: Option<&OpResult>) -> String {
        let now = self.describe_state(state);
        match (input, output) {
            (Input::Read { key }, Some(r)) => format!(
                "every order of the operations before it that real time allows leaves {key} at \
                 {now} (the longest such order is shown), yet the read answered {r}"
            ),
            (Input::Cas { key, .. }, Some(r)) => format!(
                "it answered {r}, but every order of the operations before it leaves {key} at {now}"
            ),
            (Input::Acquire { lock } | Input::Release { lock }, Some(r)) => format!(
                "it answered {r}, but every order of the operations before it leaves {lock} {now}"
            ),
            _ => format!(
                "it is not possible after the longest valid order of the operations before it, \
                 which leaves the state {now}"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::linearizability::{check_operations, Verdict};
    use crate::history::Operation;

    fn write(value: i64, call: i64, ret: i64) -> Operation<Input, OpResult> {
        let input = Input::Write {
            key: "x".into(),
            value,
        };
        Operation::returned(0, input, call, OpResult::Ok, ret)
    }
    fn read(value: Option<i64>, call: i64, ret: i64) -> Operation<Input, OpResult> {
        let input = Input::Read { key: "x".into() };
        Operation::returned(1, input, call, OpResult::Value(value), ret)
    }

    #[test]
    fn a_read_of_a_value_overwritten_before_it_began_is_illegal_and_explained() {
        let h = vec![write(1, 0, 10), write(2, 11, 20), read(Some(1), 21, 30)];
        let r = check_operations(&Store, &h, 10_000).unwrap();
        assert_eq!(r.verdict, Verdict::Illegal);
        let why = r.explanation().unwrap();
        assert!(why.contains("read x") && why.contains("at 2"), "{why}");
    }

    #[test]
    fn a_read_concurrent_with_a_write_may_see_either_value() {
        for seen in [Some(1), Some(2)] {
            let h = vec![write(1, 0, 10), write(2, 11, 30), read(seen, 12, 20)];
            let r = check_operations(&Store, &h, 10_000).unwrap();
            assert_eq!(r.verdict, Verdict::Ok, "{seen:?}");
        }
    }

    #[test]
    fn a_failed_cas_is_legal_only_when_the_value_differs() {
        let cas = |expected| Input::Cas {
            key: "x".into(),
            expected,
            new: 9,
        };
        let legal = vec![
            write(1, 0, 10),
            Operation::returned(2, cas(5), 11, OpResult::Failed, 20),
        ];
        assert_eq!(
            check_operations(&Store, &legal, 1000).unwrap().verdict,
            Verdict::Ok
        );
        let illegal = vec![
            write(1, 0, 10),
            Operation::returned(2, cas(1), 11, OpResult::Failed, 20),
        ];
        assert_eq!(
            check_operations(&Store, &illegal, 1000).unwrap().verdict,
            Verdict::Illegal
        );
    }

    #[test]
    fn two_clients_cannot_both_hold_a_lock() {
        let acquire = |client, call, ret| {
            let input = Input::Acquire { lock: "l".into() };
            Operation::returned(client, input, call, OpResult::Ok, ret)
        };
        let h = vec![acquire(0, 0, 10), acquire(1, 11, 20)];
        assert_eq!(
            check_operations(&Store, &h, 1000).unwrap().verdict,
            Verdict::Illegal
        );
    }

    #[test]
    fn appends_build_the_list_a_read_returns() {
        let append = |v, call, ret| {
            let input = Input::Append {
                key: "x".into(),
                value: v,
            };
            Operation::returned(0, input, call, OpResult::Ok, ret)
        };
        let list = |vs: Vec<i64>, call, ret| {
            Operation::returned(
                1,
                Input::Read { key: "x".into() },
                call,
                OpResult::Values(vs),
                ret,
            )
        };
        let ok = vec![append(1, 0, 5), append(2, 6, 10), list(vec![1, 2], 11, 12)];
        assert_eq!(
            check_operations(&Store, &ok, 1000).unwrap().verdict,
            Verdict::Ok
        );
        let bad = vec![append(1, 0, 5), append(2, 6, 10), list(vec![2, 1], 11, 12)];
        assert_eq!(
            check_operations(&Store, &bad, 1000).unwrap().verdict,
            Verdict::Illegal
        );
    }
}
