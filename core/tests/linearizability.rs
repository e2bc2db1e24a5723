//! The linearizability checker against Porcupine's 108 test histories (their known verdicts),
//! against a brute-force checker on 10,000 seeded random histories, and on explanations,
//! budgets and garbage input.

use netsplit_core::check::linearizability::{
    check_events, check_operations, CheckResult, Verdict, DEFAULT_BUDGET_STEPS,
};
use netsplit_core::check::model::{Model, Step};
use netsplit_core::check::models::*;
use netsplit_core::history::jepsen::{parse_etcd_log, parse_kv_log, write_etcd_log};
use netsplit_core::history::{json, HistoryError, Operation};
use netsplit_core::Rng;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/porcupine")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(data_dir().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn check_file(path: &str) -> CheckResult {
    let text = read(path);
    let result = if path.starts_with("kv/") {
        check_events(
            &KeyValue,
            parse_kv_log(&text).unwrap(),
            DEFAULT_BUDGET_STEPS,
        )
    } else {
        check_events(
            &CasRegister,
            parse_etcd_log(&text).unwrap(),
            DEFAULT_BUDGET_STEPS,
        )
    };
    result.unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_porcupine_history_gets_its_known_verdict() {
    let expected = read("EXPECTED_VERDICTS.tsv");
    let mut checked = 0;
    let mut wrong = Vec::new();
    for line in expected.lines() {
        let Some((path, verdict)) = line.split_once('\t') else {
            continue;
        };
        let want = match verdict {
            "linearizable" => Verdict::Ok,
            "NOT_linearizable" => Verdict::Illegal,
            _ => continue, // etcd_095 is empty: the etcd cluster failed to start
        };
        let got = check_file(path);
        if got.verdict != want {
            wrong.push(format!("{path}: expected {want:?}, got {:?}", got.verdict));
        }
        if want == Verdict::Illegal && got.explanation().is_none() {
            wrong.push(format!("{path}: illegal without an explanation"));
        }
        checked += 1;
    }
    assert_eq!(checked, 108);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn empty_etcd_history_is_trivially_linearizable() {
    assert_eq!(check_file("jepsen/etcd_095.log").verdict, Verdict::Ok);
}

// ---------------------------------------------------------------------------------------
// Brute force: every order of the operations that respects real time, applied to a model of
// the whole object (for the key-value store, a map: no partitioning).

/// Real-time order: `a` must precede `b` if `a` returned before `b` was called (closed
/// intervals, so equal times overlap). A pending operation precedes nothing.
fn precedes<I, O>(a: &Operation<I, O>, b: &Operation<I, O>) -> bool {
    a.return_time.is_some_and(|r| r < b.call_time)
}

/// Applies one operation to a whole-object state: the next state, or `None` if illegal.
type BruteStep<'a, I, O, S> = &'a dyn Fn(&S, &Operation<I, O>) -> Option<S>;

fn brute<I, O, S: Clone>(
    ops: &[Operation<I, O>],
    state: &S,
    placed: &mut Vec<bool>,
    step: BruteStep<I, O, S>,
) -> bool {
    if placed.iter().all(|&p| p) {
        return true;
    }
    for c in 0..ops.len() {
        if placed[c] {
            continue;
        }
        let blocked = (0..ops.len()).any(|d| !placed[d] && d != c && precedes(&ops[d], &ops[c]));
        if blocked {
            continue;
        }
        if let Some(next) = step(state, &ops[c]) {
            placed[c] = true;
            let ok = brute(ops, &next, placed, step);
            placed[c] = false;
            if ok {
                return true;
            }
        }
    }
    false
}

fn brute_model<M: Model>(model: &M, ops: &[Operation<M::Input, M::Output>]) -> bool {
    let step = |s: &M::State, op: &Operation<M::Input, M::Output>| match model.step(
        s,
        &op.input,
        op.output.as_ref(),
    ) {
        Step::Illegal => None,
        Step::Unchanged => Some(s.clone()),
        Step::Changed(n) => Some(n),
    };
    brute(ops, &model.init(), &mut vec![false; ops.len()], &step)
}

fn brute_kv(ops: &[Operation<KvInput, KvOutput>]) -> bool {
    let step = |s: &BTreeMap<String, String>, op: &Operation<KvInput, KvOutput>| {
        let key = op.input.key().to_string();
        let current = s.get(&key).cloned().unwrap_or_default();
        match KeyValue.step(&current, &op.input, op.output.as_ref()) {
            Step::Illegal => None,
            Step::Unchanged => Some(s.clone()),
            Step::Changed(n) => {
                let mut m = s.clone();
                m.insert(key, n);
                Some(m)
            }
        }
    };
    brute(ops, &BTreeMap::new(), &mut vec![false; ops.len()], &step)
}

/// A random small history: 1-3 clients, each running up to 3 operations one after another,
/// with small integer times (so ties happen), some outcomes unknown and some never returned.
/// `make(rng, client)` picks an input and a plausible (often wrong) output.
fn random_history<I, O>(
    rng: &mut Rng,
    make: &mut dyn FnMut(&mut Rng) -> (I, O),
) -> Vec<Operation<I, O>> {
    let clients = rng.between(1, 3);
    let mut ops = Vec::new();
    for client in 0..clients {
        let mut t = rng.below(3) as i64;
        for _ in 0..rng.between(1, 3) {
            let (input, output) = make(rng);
            let call = t;
            let ret = call + rng.below(4) as i64;
            t = ret + rng.below(3) as i64;
            match rng.below(10) {
                0 => {
                    // Never returned: the client's last operation.
                    ops.push(Operation::pending(client, input, call));
                    break;
                }
                1 => ops.push(Operation {
                    client_id: client,
                    input,
                    call_time: call,
                    output: None,
                    return_time: Some(ret),
                }),
                _ => ops.push(Operation::returned(client, input, call, output, ret)),
            }
        }
    }
    // Interleave clients as a real history would list them.
    ops.sort_by_key(|o| o.call_time);
    ops
}

fn agree<M: Model>(
    model: &M,
    ops: &[Operation<M::Input, M::Output>],
    brute_says: bool,
    seed: u64,
) -> Verdict {
    let got = check_operations(model, ops, DEFAULT_BUDGET_STEPS).unwrap();
    let want = if brute_says {
        Verdict::Ok
    } else {
        Verdict::Illegal
    };
    assert_eq!(
        got.verdict, want,
        "seed {seed} disagrees; rerun this seed alone to see it"
    );
    // An Ok verdict's linearization must be a real one.
    if got.verdict == Verdict::Ok {
        for p in &got.partitions {
            assert_eq!(
                p.longest.len(),
                p.operations.len(),
                "seed {seed}: partial linearization for Ok"
            );
        }
    }
    got.verdict
}

#[test]
fn checker_agrees_with_brute_force_on_10000_random_histories() {
    let mut illegal = 0;
    for seed in 0..10_000u64 {
        let mut rng = Rng::new(seed);
        let verdict = match seed % 5 {
            0 => {
                let ops = random_history(&mut rng, &mut |r| match r.below(2) {
                    0 => (
                        RegisterInput::Write(r.below(3) as i64),
                        RegisterOutput::Write,
                    ),
                    _ => (RegisterInput::Read, RegisterOutput::Read(r.below(3) as i64)),
                });
                agree(&Register, &ops, brute_model(&Register, &ops), seed)
            }
            1 => {
                let ops = random_history(&mut rng, &mut |r| match r.below(3) {
                    0 => (CasInput::Write(r.below(3) as i64), CasOutput::Write),
                    1 => {
                        let v = r.below(4);
                        (CasInput::Read, CasOutput::Read((v < 3).then_some(v as i64)))
                    }
                    _ => (
                        CasInput::Cas {
                            from: r.below(3) as i64,
                            to: r.below(3) as i64,
                        },
                        CasOutput::Cas(r.below(2) == 0),
                    ),
                });
                agree(&CasRegister, &ops, brute_model(&CasRegister, &ops), seed)
            }
            2 => {
                let ops = random_history(&mut rng, &mut |r| {
                    let key = ["x", "y"][r.below(2) as usize].to_string();
                    let value = ["a", "b"][r.below(2) as usize].to_string();
                    match r.below(3) {
                        0 => (KvInput::Put { key, value }, KvOutput::Put),
                        1 => (KvInput::Append { key, value }, KvOutput::Append),
                        _ => {
                            let read =
                                ["", "a", "b", "ab", "ba", "aa"][r.below(6) as usize].to_string();
                            (KvInput::Get { key }, KvOutput::Get(read))
                        }
                    }
                });
                agree(&KeyValue, &ops, brute_kv(&ops), seed)
            }
            3 => {
                let ops = random_history(&mut rng, &mut |r| match r.below(2) {
                    0 => (SetInput::Add(r.below(3) as i64), SetOutput::Add),
                    _ => {
                        let items = (0..3).filter(|_| r.below(2) == 0).collect();
                        (SetInput::Read, SetOutput::Read(items))
                    }
                });
                agree(&Set, &ops, brute_model(&Set, &ops), seed)
            }
            _ => {
                let ops = random_history(&mut rng, &mut |r| match r.below(2) {
                    0 => (CounterInput::Increment(1), CounterOutput::Increment),
                    _ => (CounterInput::Read, CounterOutput::Read(r.below(4) as i64)),
                });
                agree(&Counter, &ops, brute_model(&Counter, &ops), seed)
            }
        };
        if verdict == Verdict::Illegal {
            illegal += 1;
        }
    }
    // Both verdicts must be well represented, or the comparison proves little.
    assert!(
        (2_000..8_000).contains(&illegal),
        "{illegal} of 10000 illegal"
    );
}

// ---------------------------------------------------------------------------------------
// Explanations

#[test]
fn stale_read_is_explained_with_the_longest_order_before_it() {
    let h = [
        Operation::returned(0, RegisterInput::Write(4), 0, RegisterOutput::Write, 1),
        Operation::returned(1, RegisterInput::Write(5), 2, RegisterOutput::Write, 3),
        Operation::returned(3, RegisterInput::Read, 4, RegisterOutput::Read(4), 5),
    ];
    let r = check_operations(&Register, &h, DEFAULT_BUDGET_STEPS).unwrap();
    assert_eq!(r.verdict, Verdict::Illegal);
    assert_eq!(r.partitions[0].longest, vec![0, 1]);
    assert_eq!(r.partitions[0].blocked, Some(2));
    assert_eq!(
        r.explanation(),
        Some(
            "read → 4 by client 3 cannot be placed: no order of the operations before it leaves \
             the register at 4; the longest valid order leaves it at 5. The longest valid order \
             found places 2 of the 3 operations."
        )
    );
}

#[test]
fn key_value_explanation_names_the_key_and_the_check_stops_at_the_illegal_partition() {
    let h = [
        Operation::returned(
            0,
            KvInput::Put {
                key: "x".into(),
                value: "a".into(),
            },
            0,
            KvOutput::Put,
            1,
        ),
        Operation::returned(
            1,
            KvInput::Get { key: "x".into() },
            2,
            KvOutput::Get(String::new()),
            3,
        ),
        Operation::returned(
            2,
            KvInput::Get { key: "y".into() },
            2,
            KvOutput::Get(String::new()),
            3,
        ),
    ];
    let r = check_operations(&KeyValue, &h, DEFAULT_BUDGET_STEPS).unwrap();
    assert_eq!(r.verdict, Verdict::Illegal);
    let verdicts: Vec<(Option<String>, Verdict)> = r
        .partitions
        .iter()
        .map(|p| (p.key.clone(), p.verdict))
        .collect();
    // Key y is never searched: one illegal key decides the history, as in Porcupine.
    assert_eq!(
        verdicts,
        vec![
            (Some("x".into()), Verdict::Illegal),
            (Some("y".into()), Verdict::Unknown)
        ]
    );
    assert_eq!(
        r.explanation(),
        Some(
            "get('x') → '' by client 1 cannot be placed: no order of the operations before it \
             leaves key 'x' holding ''; the longest valid order leaves 'a'. The longest valid \
             order found places 1 of the 2 operations on key 'x'."
        )
    );
}

#[test]
fn successful_cas_on_a_value_never_written_is_explained() {
    let h = [Operation::returned(
        0,
        CasInput::Cas { from: 1, to: 2 },
        0,
        CasOutput::Cas(true),
        1,
    )];
    let r = check_operations(&CasRegister, &h, DEFAULT_BUDGET_STEPS).unwrap();
    assert_eq!(
        r.explanation(),
        Some(
            "cas(1, 2) → ok by client 0 cannot be placed: it succeeded, so the register held 1, \
             but no order of the operations before it leaves 1; the longest valid order leaves \
             nil. The longest valid order found places 0 of the 1 operations."
        )
    );
}

#[test]
fn timed_out_write_may_take_effect_after_everything_or_never() {
    let h = [
        Operation::pending(0, RegisterInput::Write(1), 0),
        Operation::returned(1, RegisterInput::Read, 5, RegisterOutput::Read(0), 6),
        Operation::returned(1, RegisterInput::Read, 7, RegisterOutput::Read(1), 8),
        Operation::returned(1, RegisterInput::Read, 9, RegisterOutput::Read(1), 10),
    ];
    assert_eq!(
        check_operations(&Register, &h, DEFAULT_BUDGET_STEPS)
            .unwrap()
            .verdict,
        Verdict::Ok
    );
    let reverted = [
        h[0].clone(),
        h[2].clone(),
        Operation::returned(1, RegisterInput::Read, 9, RegisterOutput::Read(0), 10),
    ];
    assert_eq!(
        check_operations(&Register, &reverted, DEFAULT_BUDGET_STEPS)
            .unwrap()
            .verdict,
        Verdict::Illegal
    );
}

#[test]
fn porcupine_illegal_etcd_history_explains_a_blocked_operation() {
    let r = check_file("jepsen/etcd_000.log");
    let p = &r.partitions[0];
    assert_eq!(p.verdict, Verdict::Illegal);
    assert!(p.blocked.is_some() && !p.longest.is_empty());
    let e = r.explanation().unwrap();
    assert!(e.contains("cannot be placed"), "{e}");
}

// ---------------------------------------------------------------------------------------
// Budgets

#[test]
fn exhausted_budget_gives_unknown_not_a_hang() {
    let events = parse_etcd_log(&read("jepsen/etcd_002.log")).unwrap();
    let r = check_events(&CasRegister, events, 1_000).unwrap();
    assert_eq!(r.verdict, Verdict::Unknown);
    assert_eq!(r.steps, 1_000);
}

#[test]
fn zero_budget_on_an_empty_history_is_still_ok() {
    assert_eq!(
        check_operations(&Counter, &[], 0).unwrap().verdict,
        Verdict::Ok
    );
}

// ---------------------------------------------------------------------------------------
// Readers and writers

#[test]
fn random_histories_survive_a_json_round_trip_and_keep_their_verdict() {
    for seed in 0..200u64 {
        let mut rng = Rng::new(seed);
        let ops = random_history(&mut rng, &mut |r| match r.below(3) {
            0 => (CasInput::Write(r.below(3) as i64), CasOutput::Write),
            1 => (CasInput::Read, CasOutput::Read(Some(r.below(3) as i64))),
            _ => (CasInput::Cas { from: 1, to: 2 }, CasOutput::Cas(true)),
        });
        let back: Vec<Operation<CasInput, CasOutput>> = json::parse(&json::write(&ops)).unwrap();
        assert_eq!(back, ops, "seed {seed}");
    }
}

#[test]
fn etcd_logs_survive_a_write_and_read_back() {
    let events = parse_etcd_log(&read("jepsen/etcd_001.log")).unwrap();
    let again = parse_etcd_log(&write_etcd_log(&events)).unwrap();
    assert_eq!(again.len(), events.len());
    let a = check_events(&CasRegister, events, DEFAULT_BUDGET_STEPS).unwrap();
    let b = check_events(&CasRegister, again, DEFAULT_BUDGET_STEPS).unwrap();
    assert_eq!(a.verdict, b.verdict);
}

#[test]
fn bad_lines_give_errors_naming_the_line() {
    let log =
        "INFO  jepsen.util - 0\t:invoke\t:write\t4\nINFO  jepsen.util - 0\t:ok\t:write\tfour\n";
    let e = parse_etcd_log(log).unwrap_err();
    assert!(matches!(&e, HistoryError::Line { line: 2, .. }), "{e}");
    let kv = "{:process 1, :type :invoke, :f :get, :key \"9\", :value nil}\n{:process 1, :type :ok, :f :get, :key \"9\"";
    let e = parse_kv_log(kv).unwrap_err();
    assert_eq!(e.to_string(), "line 2: the map is not closed with `}`");
    let j = "[{\"ClientId\":0,\"Input\":\"Read\",\"Call\":5,\"Output\":{\"Read\":1},\"Return\":4}]";
    let e = json::parse::<RegisterInput, RegisterOutput>(j).unwrap_err();
    assert_eq!(
        e.to_string(),
        "operation 0: returns at 4, before its call at 5"
    );
}

#[test]
fn garbage_input_to_the_readers_gives_errors_never_panics() {
    let samples = [
        read("jepsen/etcd_000.log"),
        read("kv/c01-ok.txt"),
        json::write(&[Operation::returned(
            0,
            KvInput::Get { key: "k".into() },
            0,
            KvOutput::Get("v".into()),
            1,
        )]),
    ];
    let alphabet: Vec<char> = "{}[]\":,\\ \t\n-0123456789abcnil:invokeokfailinfo\u{e9}"
        .chars()
        .collect();
    for seed in 0..3_000u64 {
        let mut rng = Rng::new(seed);
        let base: Vec<char> = samples[(seed % 3) as usize].chars().take(600).collect();
        let mut text: Vec<char> = base.clone();
        // Mutate: replace, insert or delete a few characters, or truncate.
        for _ in 0..rng.between(1, 8) {
            let at = rng.below(text.len() as u64 + 1) as usize;
            let c = alphabet[rng.below(alphabet.len() as u64) as usize];
            match rng.below(4) {
                0 if at < text.len() => text[at] = c,
                1 => text.insert(at, c),
                2 if at < text.len() => {
                    text.remove(at);
                }
                _ => text.truncate(at),
            }
        }
        let text: String = text.into_iter().collect();
        // Each reader must answer: a history or an error. Any history must check without panic.
        if let Ok(events) = parse_etcd_log(&text) {
            let _ = check_events(&CasRegister, events, 10_000);
        }
        if let Ok(events) = parse_kv_log(&text) {
            let _ = check_events(&KeyValue, events, 10_000);
        }
        if let Ok(ops) = json::parse::<KvInput, KvOutput>(&text) {
            let _ = check_operations(&KeyValue, &ops, 10_000);
        }
        let _ = json::parse::<CasInput, CasOutput>(&text);
    }
}
