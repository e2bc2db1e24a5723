//! Porcupine's JSON form of a history: an array of operations as Go's `json.Marshal` writes a
//! `[]porcupine.Operation`.
//!
//! ```text
//! [{"ClientId":0,"Input":{"Write":3},"Call":0,"Output":"Write","Return":10},
//!  {"ClientId":1,"Input":"Read","Call":5,"Output":{"Read":3},"Return":12}]
//! ```
//!
//! `Input` and `Output` take the model's own shapes (see [`crate::check::models`]). An
//! `Output` that is `null` or absent is an unknown outcome; a `Return` that is `null` or
//! absent means the operation never returned (pending). Go's `Metadata` field is accepted
//! and ignored; any other field is an error, so a misspelt `"Ouput"` cannot silently turn
//! every outcome unknown.

use super::{validate, HistoryError, Operation};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOp<I, O> {
    #[serde(rename = "ClientId", default)]
    client_id: u64,
    #[serde(rename = "Input")]
    input: I,
    #[serde(rename = "Call")]
    call: i64,
    #[serde(rename = "Output", default = "none")]
    output: Option<O>,
    #[serde(rename = "Return", default)]
    ret: Option<i64>,
    #[serde(rename = "Metadata", default, skip_serializing)]
    _metadata: Option<serde_json::Value>,
}

fn none<O>() -> Option<O> {
    None
}

/// A JSON reader's error as a history error: its line, then its column and what is wrong
/// (serde_json's message without the place it appends, which the line and column already give).
pub(crate) fn syntax_error(e: serde_json::Error) -> HistoryError {
    let place = format!(" at line {} column {}", e.line(), e.column());
    let text = e.to_string();
    HistoryError::Line {
        line: e.line() as u64,
        message: format!(
            "column {}: {}",
            e.column(),
            text.strip_suffix(&place).unwrap_or(&text)
        ),
    }
}

/// Reads a history from Porcupine's JSON form; errors name the line and column.
pub fn parse<I: DeserializeOwned, O: DeserializeOwned>(
    text: &str,
) -> Result<Vec<Operation<I, O>>, HistoryError> {
    let raw: Vec<RawOp<I, O>> = serde_json::from_str(text).map_err(syntax_error)?;
    let ops: Vec<Operation<I, O>> = raw
        .into_iter()
        .map(|r| Operation {
            client_id: r.client_id,
            input: r.input,
            call_time: r.call,
            output: r.output,
            return_time: r.ret,
        })
        .collect();
    validate(&ops)?;
    Ok(ops)
}

/// Writes a history in Porcupine's JSON form, one operation per line.
pub fn write<I: Serialize + Clone, O: Serialize + Clone>(ops: &[Operation<I, O>]) -> String {
    let lines: Vec<String> = ops
        .iter()
        .map(|op| {
            let raw = RawOp {
                client_id: op.client_id,
                input: op.input.clone(),
                call: op.call_time,
                output: op.output.clone(),
                ret: op.return_time,
                _metadata: None,
            };
            serde_json::to_string(&raw).unwrap_or_default()
        })
        .collect();
    format!("[{}]\n", lines.join(",\n "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::models::{CasInput, CasOutput};

    #[test]
    fn written_history_reads_back_the_same() {
        let ops = vec![
            Operation::returned(0, CasInput::Write(3), 0, CasOutput::Write, 10),
            Operation::returned(1, CasInput::Read, 5, CasOutput::Read(None), 12),
            Operation::pending(2, CasInput::Cas { from: 3, to: 4 }, 6),
        ];
        let text = write(&ops);
        assert_eq!(parse::<CasInput, CasOutput>(&text), Ok(ops));
    }

    #[test]
    fn misspelt_field_is_an_error_naming_the_line() {
        let text = "[\n{\"ClientId\":0,\"Input\":\"Read\",\"Call\":0,\"Ouput\":{\"Read\":null},\"Return\":1}]";
        let err = parse::<CasInput, CasOutput>(text).unwrap_err();
        assert!(matches!(err, HistoryError::Line { line: 2, .. }), "{err}");
    }
}
