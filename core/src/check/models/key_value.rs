//! A key-value store of strings with get, put and append, partitioned by key (Porcupine's
//! `kvModel`).

use crate::check::model::{Model, Step};
use serde::{Deserialize, Serialize};

/// A store mapping string keys to string values (absent reads as ""), checked one key at a
/// time: its state is the value of one key.
///
/// Partitioning by key is what makes the 50-client histories tractable: each key's history
/// is checked alone (P-compositionality, see [`Model::partition_key`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KeyValue;

/// What a key-value client asks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KvInput {
    /// Read a key.
    Get {
        /// The key.
        key: String,
    },
    /// Replace a key's value.
    Put {
        /// The key.
        key: String,
        /// The new value.
        value: String,
    },
    /// Append to a key's value.
    Append {
        /// The key.
        key: String,
        /// What to append.
        value: String,
    },
}

impl KvInput {
    /// The key the operation touches.
    pub fn key(&self) -> &str {
        match self {
            KvInput::Get { key } | KvInput::Put { key, .. } | KvInput::Append { key, .. } => key,
        }
    }
}

/// What a key-value client is told.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KvOutput {
    /// The get returned this value ("" for an absent key).
    Get(String),
    /// The put was acknowledged.
    Put,
    /// The append was acknowledged.
    Append,
}

impl Model for KeyValue {
    type State = String;
    type Input = KvInput;
    type Output = KvOutput;

    fn init(&self) -> String {
        String::new()
    }

    fn step(&self, state: &String, input: &KvInput, output: Option<&KvOutput>) -> Step<String> {
        match (input, output) {
            (KvInput::Get { .. }, None) => Step::Unchanged,
            (KvInput::Get { .. }, Some(KvOutput::Get(v))) if v == state => Step::Unchanged,
            (KvInput::Put { value, .. }, None | Some(KvOutput::Put)) => {
                Step::Changed(value.clone())
            }
            (KvInput::Append { value, .. }, None | Some(KvOutput::Append)) => {
                let mut s = String::with_capacity(state.len() + value.len());
                s.push_str(state);
                s.push_str(value);
                Step::Changed(s)
            }
            _ => Step::Illegal,
        }
    }

    fn partition_key(&self, input: &KvInput) -> Option<String> {
        Some(input.key().to_string())
    }

    fn describe_operation(&self, input: &KvInput, output: Option<&KvOutput>) -> String {
        match (input, output) {
            (KvInput::Get { key }, Some(KvOutput::Get(v))) => format!("get('{key}') → '{v}'"),
            (KvInput::Get { key }, _) => format!("get('{key}') → unknown"),
            (KvInput::Put { key, value }, _) => format!("put('{key}', '{value}')"),
            (KvInput::Append { key, value }, _) => format!("append('{key}', '{value}')"),
        }
    }

    fn describe_state(&self, state: &String) -> String {
        format!("'{state}'")
    }

    fn why_illegal(&self, state: &String, input: &KvInput, output: Option<&KvOutput>) -> String {
        match (input, output) {
            (KvInput::Get { key }, Some(KvOutput::Get(v))) => format!(
                "no order of the operations before it leaves key '{key}' holding '{v}'; the longest valid order leaves '{state}'"
            ),
            _ => format!("its output does not match its input (the key holds '{state}')"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn append_concatenates_to_the_current_value() {
        let input = KvInput::Append {
            key: "x".into(),
            value: "b".into(),
        };
        assert_eq!(
            KeyValue.step(&"a".to_string(), &input, Some(&KvOutput::Append)),
            Step::Changed("ab".into())
        );
    }

    #[test]
    fn operations_partition_by_key() {
        assert_eq!(
            KeyValue.partition_key(&KvInput::Get { key: "k".into() }),
            Some("k".into())
        );
    }
}
