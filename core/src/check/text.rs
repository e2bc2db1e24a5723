//! A history as a learner brings it ("check your own history"): text in one of the forms
//! Netsplit reads, its form recognised from the text itself, read and checked against the model
//! that form implies, and reported as the history view draws it: each operation as a bar on
//! its client's row, with its place in the linearization (or in the longest partial one), and
//! for an illegal history the operation that cannot be placed and a sentence saying why.
//!
//! The forms: Porcupine's JSON ([`crate::history::json`]) of a register, a compare-and-set
//! register or a key-value store (tried in that order: a register's history also reads as a
//! compare-and-set register's, and the simpler model explains it in simpler words); a Jepsen
//! etcd log (a compare-and-set register, [`crate::history::jepsen::parse_etcd_log`]); and a
//! Jepsen EDN history of a key-value store ([`crate::history::jepsen::parse_kv_log`]). A
//! malformed text gets an error naming its line, never a panic.

use crate::check::linearizability::{check_operations, CheckResult, Verdict};
use crate::check::model::Model;
use crate::check::models::{
    CasInput, CasOutput, CasRegister, KeyValue, KvInput, KvOutput, Register, RegisterInput,
    RegisterOutput,
};
use crate::history::{events_to_operations, jepsen, json, HistoryError, Operation};
use serde::{Deserialize, Serialize};

/// The forms a history can take, each with the model it is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HistoryForm {
    /// Porcupine's JSON of a register of one integer (`"Read"`, `{"Write":3}`).
    RegisterJson,
    /// Porcupine's JSON of a compare-and-set register (`{"Cas":{"from":1,"to":2}}`).
    CasRegisterJson,
    /// Porcupine's JSON of a key-value store (`{"Get":{"key":"x"}}`).
    KeyValueJson,
    /// A Jepsen etcd log: a compare-and-set register (`INFO  jepsen.util - 3 :invoke :read nil`).
    JepsenEtcdLog,
    /// A Jepsen EDN history of a key-value store, one map per line
    /// (`{:process 0, :type :invoke, :f :append, :key "0", :value "x"}`).
    JepsenKvEdn,
}

impl HistoryForm {
    /// The form and its model, for people: "Porcupine JSON, a register".
    pub fn describe(self) -> &'static str {
        match self {
            HistoryForm::RegisterJson => "Porcupine JSON, a register",
            HistoryForm::CasRegisterJson => "Porcupine JSON, a compare-and-set register",
            HistoryForm::KeyValueJson => "Porcupine JSON, a key-value store",
            HistoryForm::JepsenEtcdLog => "a Jepsen etcd log, a compare-and-set register",
            HistoryForm::JepsenKvEdn => "Jepsen EDN, a key-value store",
        }
    }
}

/// One operation as the history view draws it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportedOp {
    /// Its client's row.
    pub client: u64,
    /// The operation and its outcome, in the model's words ("write 3", "read → 1").
    pub label: String,
    /// When it was called, in the history's own unit.
    pub call: i64,
    /// When it returned; `None` if it never did.
    pub ret: Option<i64>,
    /// Its partition's key (a key-value store's key); `None` for a one-object model.
    pub key: Option<String>,
    /// Its place, from 0, in its partition's linearization (or in the longest partial one the
    /// checker found, for an illegal partition); `None` if it has no place there.
    pub place: Option<u64>,
}

/// What checking a history found, ready to draw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryReport {
    /// The form the text was read as.
    pub form: HistoryForm,
    /// The verdict on the whole history.
    pub verdict: Verdict,
    /// Every operation, in the order the text gives them.
    pub ops: Vec<ReportedOp>,
    /// For an illegal history: the operation (an index into `ops`) that cannot be placed after
    /// the longest partial linearization.
    pub blocked: Option<u64>,
    /// For an illegal history: why, in a sentence for learners.
    pub explanation: Option<String>,
    /// How many partitions (keys) the history was split into.
    pub partitions: u64,
    /// Search steps taken.
    pub steps: u64,
}

/// Which form `text` is in, judged from its first line that is not blank. A JSON text is
/// tried against each model in turn; the error, if none reads it, is the register's.
pub fn recognise(text: &str) -> Result<HistoryForm, HistoryError> {
    let Some((line, first)) = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, l.trim()))
        .find(|(_, l)| !l.is_empty())
    else {
        return Err(HistoryError::Line {
            line: 1,
            message: "the history is empty".into(),
        });
    };
    if first.starts_with('[') {
        // Syntax first, so that a broken file is told where, whatever its model.
        if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
            return Err(json::syntax_error(e));
        }
        match json::parse::<RegisterInput, RegisterOutput>(text) {
            Ok(_) => return Ok(HistoryForm::RegisterJson),
            // Its shape was a register's, its times are not a history's.
            Err(e @ HistoryError::Operation { .. }) => return Err(e),
            Err(HistoryError::Line { .. }) => {}
        }
        if json::parse::<CasInput, CasOutput>(text).is_ok() {
            return Ok(HistoryForm::CasRegisterJson);
        }
        if json::parse::<KvInput, KvOutput>(text).is_ok() {
            return Ok(HistoryForm::KeyValueJson);
        }
        let why = match json::parse::<RegisterInput, RegisterOutput>(text) {
            Err(e) => e.to_string(),
            Ok(_) => String::new(),
        };
        return Err(HistoryError::Line {
            line,
            message: format!(
                "this JSON is not a history of a register, a compare-and-set register or a \
                 key-value store in Porcupine's form (read as a register: {why})"
            ),
        });
    }
    if first.starts_with("{:") {
        return Ok(HistoryForm::JepsenKvEdn);
    }
    if first.contains(":invoke") || first.contains("jepsen.util") {
        return Ok(HistoryForm::JepsenEtcdLog);
    }
    Err(HistoryError::Line {
        line,
        message: "not a form Netsplit reads: expected Porcupine's JSON (starting with `[`), \
                  Jepsen EDN (a `{:process …}` map per line) or a Jepsen etcd log \
                  (`INFO  jepsen.util - 0 :invoke :read nil`)"
            .into(),
    })
}

/// Reads `text` in the form it is in ([`recognise`]) and checks it within `budget_steps`.
pub fn check_text(text: &str, budget_steps: u64) -> Result<HistoryReport, HistoryError> {
    let form = recognise(text)?;
    match form {
        HistoryForm::RegisterJson => report(form, &Register, &json::parse(text)?, budget_steps),
        HistoryForm::CasRegisterJson => {
            report(form, &CasRegister, &json::parse(text)?, budget_steps)
        }
        HistoryForm::KeyValueJson => report(form, &KeyValue, &json::parse(text)?, budget_steps),
        HistoryForm::JepsenEtcdLog => {
            let ops = events_to_operations(jepsen::parse_etcd_log(text)?)?;
            report(form, &CasRegister, &ops, budget_steps)
        }
        HistoryForm::JepsenKvEdn => {
            let ops = events_to_operations(jepsen::parse_kv_log(text)?)?;
            report(form, &KeyValue, &ops, budget_steps)
        }
    }
}

fn report<M: Model>(
    form: HistoryForm,
    model: &M,
    ops: &[Operation<M::Input, M::Output>],
    budget_steps: u64,
) -> Result<HistoryReport, HistoryError> {
    let result: CheckResult = check_operations(model, ops, budget_steps)?;
    let mut reported: Vec<ReportedOp> = ops
        .iter()
        .map(|op| ReportedOp {
            client: op.client_id,
            label: model.describe_operation(&op.input, op.output.as_ref()),
            call: op.call_time,
            ret: op.return_time,
            key: model.partition_key(&op.input),
            place: None,
        })
        .collect();
    for partition in &result.partitions {
        for (place, i) in partition.longest.iter().enumerate() {
            if let Some(op) = usize::try_from(*i).ok().and_then(|i| reported.get_mut(i)) {
                op.place = Some(place as u64);
            }
        }
    }
    let illegal = result
        .partitions
        .iter()
        .find(|p| p.verdict == Verdict::Illegal);
    Ok(HistoryReport {
        form,
        verdict: result.verdict,
        ops: reported,
        blocked: illegal.and_then(|p| p.blocked),
        explanation: illegal.and_then(|p| p.explanation.clone()),
        partitions: result.partitions.len() as u64,
        steps: result.steps,
    })
}
