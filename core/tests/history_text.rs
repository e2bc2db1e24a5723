//! "Check your own history": a history given as text is recognised, checked and reported, for
//! every one of Porcupine's 108 test histories with its known verdict, for Porcupine's JSON of
//! each model, and with an error naming the line for text that is not a history.

use netsplit_core::check::linearizability::{Verdict, DEFAULT_BUDGET_STEPS};
use netsplit_core::check::models::{
    CasInput, CasOutput, KvInput, KvOutput, RegisterInput, RegisterOutput,
};
use netsplit_core::check::text::{check_text, recognise, HistoryForm, HistoryReport};
use netsplit_core::history::{json, HistoryError, Operation};
use std::path::Path;

fn read(path: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/porcupine");
    std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn check(text: &str) -> HistoryReport {
    check_text(text, DEFAULT_BUDGET_STEPS).unwrap_or_else(|e| panic!("{e}"))
}

/// True if each partition's places are 0, 1, 2, … with no gap and no repeat.
fn places_are_an_order(r: &HistoryReport) -> bool {
    let mut by_key: std::collections::BTreeMap<Option<&str>, Vec<u64>> = Default::default();
    for op in &r.ops {
        if let Some(p) = op.place {
            by_key.entry(op.key.as_deref()).or_default().push(p);
        }
    }
    by_key.values_mut().all(|places| {
        places.sort_unstable();
        places.iter().enumerate().all(|(i, p)| *p == i as u64)
    })
}

#[test]
fn every_porcupine_history_read_as_text_gets_its_known_verdict_and_form() {
    let mut checked = 0;
    let mut wrong = Vec::new();
    for line in read("EXPECTED_VERDICTS.tsv").lines() {
        let Some((path, verdict)) = line.split_once('\t') else {
            continue;
        };
        let want = match verdict {
            "linearizable" => Verdict::Ok,
            "NOT_linearizable" => Verdict::Illegal,
            _ => continue, // etcd_095 is empty: the etcd cluster failed to start
        };
        let r = check(&read(path));
        let form = if path.starts_with("kv/") {
            HistoryForm::JepsenKvEdn
        } else {
            HistoryForm::JepsenEtcdLog
        };
        if r.form != form || r.verdict != want {
            wrong.push(format!("{path}: {:?} {:?}", r.form, r.verdict));
        }
        // A legal history places every operation that returned; an illegal one names the
        // operation that cannot be placed, which has no place of its own.
        let returned_unplaced = r
            .ops
            .iter()
            .any(|op| op.ret.is_some() && op.place.is_none());
        match want {
            Verdict::Ok if returned_unplaced || r.blocked.is_some() => {
                wrong.push(format!("{path}: legal, yet an operation has no place"))
            }
            Verdict::Illegal => {
                let blocked = r.blocked.and_then(|b| r.ops.get(b as usize));
                if blocked.is_none_or(|op| op.place.is_some()) || r.explanation.is_none() {
                    wrong.push(format!(
                        "{path}: illegal without a blocked operation and why"
                    ));
                }
            }
            _ => {}
        }
        if !places_are_an_order(&r) {
            wrong.push(format!("{path}: places are not an order"));
        }
        checked += 1;
    }
    assert_eq!(checked, 108);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn porcupine_json_is_read_as_the_simplest_model_that_explains_it() {
    // A write of 1, then a read of 1 and a stale read of 0 after it: illegal.
    let register = json::write(&[
        Operation::returned(0, RegisterInput::Write(1), 0, RegisterOutput::Write, 10),
        Operation::returned(1, RegisterInput::Read, 20, RegisterOutput::Read(1), 30),
        Operation::returned(2, RegisterInput::Read, 40, RegisterOutput::Read(0), 50),
    ]);
    let r = check(&register);
    assert_eq!(r.form, HistoryForm::RegisterJson);
    assert_eq!(r.verdict, Verdict::Illegal);
    assert_eq!(r.blocked, Some(2));
    assert_eq!(r.ops[2].label, "read → 0");
    assert_eq!(
        r.ops.iter().map(|o| o.place).collect::<Vec<_>>(),
        [Some(0), Some(1), None]
    );
    // The same without the stale read is legal, in real-time order.
    let legal = json::write(&[
        Operation::returned(0, RegisterInput::Write(1), 0, RegisterOutput::Write, 10),
        Operation::returned(1, RegisterInput::Read, 20, RegisterOutput::Read(1), 30),
    ]);
    let r = check(&legal);
    assert_eq!(
        (r.form, r.verdict, r.partitions),
        (HistoryForm::RegisterJson, Verdict::Ok, 1)
    );
    // A compare-and-set is not a register's operation (etcd's register starts as nil, so the
    // value is written first).
    let cas = json::write(&[
        Operation::returned(0, CasInput::Write(0), 0, CasOutput::Write, 10),
        Operation::returned(
            0,
            CasInput::Cas { from: 0, to: 5 },
            20,
            CasOutput::Cas(true),
            30,
        ),
    ]);
    assert_eq!(recognise(&cas).unwrap(), HistoryForm::CasRegisterJson);
    assert_eq!(check(&cas).verdict, Verdict::Ok);
    // A key-value store's history, split by key.
    let kv = json::write(&[
        Operation::returned(
            0,
            KvInput::Put {
                key: "x".into(),
                value: "a".into(),
            },
            0,
            KvOutput::Put,
            10,
        ),
        Operation::returned(
            1,
            KvInput::Get { key: "y".into() },
            20,
            KvOutput::Get(String::new()),
            30,
        ),
    ]);
    let r = check(&kv);
    assert_eq!(
        (r.form, r.verdict, r.partitions),
        (HistoryForm::KeyValueJson, Verdict::Ok, 2)
    );
    assert_eq!(r.ops[0].key.as_deref(), Some("x"));
}

#[test]
fn text_that_is_not_a_history_gets_an_error_naming_its_line() {
    let line_of = |text: &str| match check_text(text, DEFAULT_BUDGET_STEPS) {
        Err(HistoryError::Line { line, message }) => (line, message),
        other => panic!("{other:?}"),
    };
    assert_eq!(line_of("").1, "the history is empty");
    assert_eq!(line_of("\n  \n").1, "the history is empty");
    // Broken JSON: the line where it breaks.
    let (line, message) = line_of("[\n{\"ClientId\":0,\"Input\":\"Read\",\n\"Call\":0,,\n]");
    assert_eq!(
        (line, message.as_str()),
        (3, "column 10: key must be a string")
    );
    // Good JSON, not a history of any model.
    let (line, message) = line_of("\n[{\"ClientId\":0,\"Input\":{\"Jump\":1},\"Call\":0}]");
    assert_eq!(line, 2);
    assert!(
        message.starts_with("this JSON is not a history of a register"),
        "{message}"
    );
    // An operation that returns before its call: named as an operation.
    let e = check_text(
        "[{\"ClientId\":0,\"Input\":\"Read\",\"Call\":5,\"Output\":{\"Read\":0},\"Return\":4}]",
        DEFAULT_BUDGET_STEPS,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "operation 0: returns at 4, before its call at 5"
    );
    // Jepsen's forms: the bad line.
    let (line, _) = line_of(
        "INFO  jepsen.util - 0\t:invoke\t:write\t4\nINFO  jepsen.util - 0\t:ok\t:write\tfour\n",
    );
    assert_eq!(line, 2);
    let (line, message) =
        line_of("{:process 1, :type :invoke, :f :get, :key \"9\", :value nil}\n{:process 1");
    assert_eq!(
        (line, message.as_str()),
        (2, "the map is not closed with `}`")
    );
    // Something else entirely.
    let (line, message) = line_of("# my history\nread 1\n");
    assert_eq!(line, 1);
    assert!(
        message.starts_with("not a form Netsplit reads"),
        "{message}"
    );
}

#[test]
fn a_tiny_budget_gives_unknown_rather_than_a_wrong_verdict() {
    let r = check_text(&read("jepsen/etcd_002.log"), 1_000).unwrap();
    assert_eq!(r.verdict, Verdict::Unknown);
    assert!(r.blocked.is_none() && r.explanation.is_none());
}
