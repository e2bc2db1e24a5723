//! The TOML authoring forms: protocols tagged by `name`, faults by `kind`, exercise values
//! as bare numbers, words and lists; typos rejected with their line.
#![cfg(feature = "authoring")]

use netsplit_core::exercise::Value;
use netsplit_core::{Fault, NodeId, ProtocolSpec, SimOptions};
use netsplit_lessons::formats::{TomlFault, TomlProtocol, TomlValue};
use netsplit_lessons::parse_scenario;

#[test]
fn every_protocol_reads_from_toml_by_name_and_runs() {
    for (protocol, name) in [
        ("name = \"two-generals\", rounds = 3", "two-generals"),
        ("name = \"heartbeat\", interval_us = 10_000", "heartbeat"),
        ("name = \"lamport\", actions = 3", "lamport"),
        ("name = \"vector-clock\", actions = 3", "vector-clock"),
        (
            "name = \"hlc\", gap_us_min = 1000, gap_us_max = 2000",
            "hlc",
        ),
        (
            "name = \"clock-sync\", sync_every_us = 0, writes = 4",
            "clock-sync",
        ),
    ] {
        let nodes = if name == "two-generals" { 2 } else { 3 };
        let text = format!("protocol = {{ {protocol} }}\nnodes = {nodes}\nseed = 1\n");
        let s = parse_scenario(&text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        assert_eq!(s.protocol.name(), name);
        assert!(s.run(SimOptions::default()).unwrap().0.steps > 0, "{name}");
    }
}

#[test]
fn a_protocol_parameter_typo_is_rejected_with_its_line() {
    let (line, _, message) =
        parse_scenario("nodes = 3\nseed = 1\nprotocol = { name = \"hlc\", action = 3 }\n")
            .unwrap_err();
    assert_eq!(line, 3, "{message}");
    assert!(message.contains("action"), "{message}");
}

#[test]
fn faults_read_from_toml_by_kind_and_typos_are_rejected() {
    let text = "protocol = { name = \"heartbeat\" }\nnodes = 3\nseed = 1\nfaults = [{ at_us = 10, fault = { kind = \"crash\", node = 1 } }]\n";
    let s = parse_scenario(text).unwrap();
    assert_eq!(s.faults[0].fault, Fault::Crash { node: NodeId(1) });
    let typo = text.replace("node = 1", "nod = 1");
    let (line, _, message) = parse_scenario(&typo).unwrap_err();
    assert_eq!(line, 4);
    assert!(message.contains("nod"), "{message}");
}

#[test]
fn every_protocol_and_fault_converts_to_its_toml_form_and_back() {
    for p in ProtocolSpec::all_defaults() {
        assert_eq!(ProtocolSpec::from(TomlProtocol::from(p.clone())), p);
    }
    let faults = [
        Fault::Crash { node: NodeId(0) },
        Fault::Partition {
            groups: vec![vec![NodeId(0)], vec![NodeId(1)]],
        },
        Fault::OneWay {
            from: NodeId(0),
            to: NodeId(1),
        },
        Fault::Heal,
        Fault::ClockDrift {
            node: NodeId(1),
            drift_ppm: 100,
        },
    ];
    for f in faults {
        assert_eq!(Fault::from(TomlFault::from(f.clone())), f);
    }
}

#[test]
fn exercise_values_read_as_numbers_words_and_lists() {
    #[derive(serde::Deserialize)]
    struct Row {
        args: Vec<TomlValue>,
        expect: TomlValue,
    }
    let row: Row = toml::from_str("args = [[1, 0], 2]\nexpect = \"concurrent\"").unwrap();
    let args: Vec<Value> = row.args.into_iter().map(Value::from).collect();
    assert_eq!(
        args,
        [
            Value::List(vec![Value::Int(1), Value::Int(0)]),
            Value::Int(2)
        ]
    );
    assert_eq!(Value::from(row.expect), Value::Str("concurrent".into()));
}
