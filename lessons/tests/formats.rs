//! The TOML authoring forms: protocols tagged by `name`, faults by `kind`, exercise values
//! as bare numbers, words and lists; typos rejected with their line.
#![cfg(feature = "authoring")]

use netsplit_core::exercise::Value;
use netsplit_core::{Fault, NodeId, PlannedFault, ProtocolSpec, SimOptions};
use netsplit_lessons::parse_scenario;

#[test]
fn every_protocol_reads_from_toml_by_name_alone_and_runs() {
    for spec in ProtocolSpec::all_defaults() {
        let (nodes, _) = spec.node_range();
        let name = spec.name();
        let text = format!("protocol = {{ name = {name:?} }}\nnodes = {nodes}\nseed = 1\n");
        let s = parse_scenario(&text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        assert_eq!(s.protocol, spec, "{name}: defaults");
        assert!(s.run(SimOptions::default()).unwrap().0.steps > 0, "{name}");
    }
}

#[test]
fn protocol_parameters_read_from_toml() {
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
fn every_protocol_and_fault_round_trips_through_toml_and_the_compact_form() {
    for p in ProtocolSpec::all_defaults() {
        let text = toml::to_string(&p).expect("writes");
        assert_eq!(toml::from_str::<ProtocolSpec>(&text).expect("reads"), p);
        let bytes = postcard::to_allocvec(&p).expect("compact");
        assert_eq!(
            postcard::from_bytes::<ProtocolSpec>(&bytes).expect("reads"),
            p
        );
    }
    for fault in Fault::examples() {
        let planned = PlannedFault { at_us: 7, fault };
        let text = toml::to_string(&planned).expect("writes");
        assert!(text.contains("kind = "), "{text}");
        assert_eq!(
            toml::from_str::<PlannedFault>(&text).expect("reads"),
            planned
        );
        let bytes = postcard::to_allocvec(&planned).expect("compact");
        assert_eq!(
            postcard::from_bytes::<PlannedFault>(&bytes).expect("reads"),
            planned
        );
    }
}

#[test]
fn exercise_values_read_as_numbers_words_and_lists() {
    #[derive(serde::Deserialize, serde::Serialize, Debug, PartialEq)]
    struct Row {
        args: Vec<Value>,
        expect: Value,
    }
    let row: Row = toml::from_str("args = [[1, 0], 2, true]\nexpect = \"concurrent\"").unwrap();
    assert_eq!(
        row.args,
        [
            Value::List(vec![Value::Int(1), Value::Int(0)]),
            Value::Int(2),
            Value::Bool(true)
        ]
    );
    assert_eq!(row.expect, Value::Str("concurrent".into()));
    let bytes = postcard::to_allocvec(&row).expect("compact");
    assert_eq!(postcard::from_bytes::<Row>(&bytes).expect("reads"), row);
    assert!(toml::from_str::<Row>("args = [{ a = 1 }]\nexpect = 1").is_err());
}
