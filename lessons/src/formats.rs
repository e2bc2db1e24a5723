//! The TOML authoring forms of core types, where they differ from the compact forms the
//! app decodes: protocols tagged by `name`, faults by `kind`, and exercise values written
//! as bare numbers, strings and lists. Each converts both ways with an exhaustive match,
//! so adding a protocol or fault kind to core without adding it here is a compile error.

use netsplit_core::exercise::{
    ExerciseSpec, RuleSet, SimulationCase, TableCase, Value, WrongSolution,
};
use netsplit_core::protocols::clock_sync::ClockSyncParams;
use netsplit_core::protocols::heartbeat::Heartbeat;
use netsplit_core::protocols::hlc::HlcParams;
use netsplit_core::protocols::lamport::LamportParams;
use netsplit_core::protocols::raft::RaftParams;
use netsplit_core::protocols::two_generals::TwoGenerals;
use netsplit_core::protocols::vector_clock::VectorParams;
use netsplit_core::scenario::{DEFAULT_DURATION_US, DEFAULT_MAX_STEPS};
use netsplit_core::{ClockSetting, Fault, NetConfig, NodeId, PlannedFault, ProtocolSpec, Scenario};
use serde::Deserialize;

/// A protocol as written in TOML: `protocol = { name = "heartbeat", interval_us = 50_000 }`.
#[derive(Debug, Deserialize)]
#[serde(tag = "name", rename_all = "kebab-case")]
pub enum TomlProtocol {
    /// See [`ProtocolSpec::TwoGenerals`].
    TwoGenerals(TwoGenerals),
    /// See [`ProtocolSpec::Heartbeat`].
    Heartbeat(Heartbeat),
    /// See [`ProtocolSpec::Lamport`].
    Lamport(LamportParams),
    /// See [`ProtocolSpec::VectorClock`].
    VectorClock(VectorParams),
    /// See [`ProtocolSpec::Hlc`].
    Hlc(HlcParams),
    /// See [`ProtocolSpec::ClockSync`].
    ClockSync(ClockSyncParams),
    /// See [`ProtocolSpec::Raft`].
    Raft(RaftParams),
}

impl From<TomlProtocol> for ProtocolSpec {
    fn from(p: TomlProtocol) -> Self {
        match p {
            TomlProtocol::TwoGenerals(x) => ProtocolSpec::TwoGenerals(x),
            TomlProtocol::Heartbeat(x) => ProtocolSpec::Heartbeat(x),
            TomlProtocol::Lamport(x) => ProtocolSpec::Lamport(x),
            TomlProtocol::VectorClock(x) => ProtocolSpec::VectorClock(x),
            TomlProtocol::Hlc(x) => ProtocolSpec::Hlc(x),
            TomlProtocol::ClockSync(x) => ProtocolSpec::ClockSync(x),
            TomlProtocol::Raft(x) => ProtocolSpec::Raft(x),
        }
    }
}

impl From<ProtocolSpec> for TomlProtocol {
    fn from(p: ProtocolSpec) -> Self {
        match p {
            ProtocolSpec::TwoGenerals(x) => TomlProtocol::TwoGenerals(x),
            ProtocolSpec::Heartbeat(x) => TomlProtocol::Heartbeat(x),
            ProtocolSpec::Lamport(x) => TomlProtocol::Lamport(x),
            ProtocolSpec::VectorClock(x) => TomlProtocol::VectorClock(x),
            ProtocolSpec::Hlc(x) => TomlProtocol::Hlc(x),
            ProtocolSpec::ClockSync(x) => TomlProtocol::ClockSync(x),
            ProtocolSpec::Raft(x) => TomlProtocol::Raft(x),
        }
    }
}

/// A fault as written in TOML: `{ kind = "crash", node = 1 }`.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
#[allow(missing_docs)]
pub enum TomlFault {
    Crash {
        node: NodeId,
    },
    Restart {
        node: NodeId,
    },
    Partition {
        groups: Vec<Vec<NodeId>>,
    },
    OneWay {
        from: NodeId,
        to: NodeId,
    },
    Cut {
        a: NodeId,
        b: NodeId,
    },
    Repair {
        a: NodeId,
        b: NodeId,
    },
    Isolate {
        node: NodeId,
    },
    Heal,
    Link {
        a: NodeId,
        b: NodeId,
        config: NetConfig,
    },
    Network {
        config: NetConfig,
    },
    ClockSkew {
        node: NodeId,
        skew_us: i64,
    },
    ClockDrift {
        node: NodeId,
        drift_ppm: i64,
    },
    Request {
        node: NodeId,
        key: char,
        value: i64,
    },
    Timeout {
        node: NodeId,
    },
}

impl From<TomlFault> for Fault {
    fn from(f: TomlFault) -> Self {
        match f {
            TomlFault::Crash { node } => Fault::Crash { node },
            TomlFault::Restart { node } => Fault::Restart { node },
            TomlFault::Partition { groups } => Fault::Partition { groups },
            TomlFault::OneWay { from, to } => Fault::OneWay { from, to },
            TomlFault::Cut { a, b } => Fault::Cut { a, b },
            TomlFault::Repair { a, b } => Fault::Repair { a, b },
            TomlFault::Isolate { node } => Fault::Isolate { node },
            TomlFault::Heal => Fault::Heal,
            TomlFault::Link { a, b, config } => Fault::Link { a, b, config },
            TomlFault::Network { config } => Fault::Network { config },
            TomlFault::ClockSkew { node, skew_us } => Fault::ClockSkew { node, skew_us },
            TomlFault::ClockDrift { node, drift_ppm } => Fault::ClockDrift { node, drift_ppm },
            TomlFault::Request { node, key, value } => Fault::Request { node, key, value },
            TomlFault::Timeout { node } => Fault::Timeout { node },
        }
    }
}

impl From<Fault> for TomlFault {
    fn from(f: Fault) -> Self {
        match f {
            Fault::Crash { node } => TomlFault::Crash { node },
            Fault::Restart { node } => TomlFault::Restart { node },
            Fault::Partition { groups } => TomlFault::Partition { groups },
            Fault::OneWay { from, to } => TomlFault::OneWay { from, to },
            Fault::Cut { a, b } => TomlFault::Cut { a, b },
            Fault::Repair { a, b } => TomlFault::Repair { a, b },
            Fault::Isolate { node } => TomlFault::Isolate { node },
            Fault::Heal => TomlFault::Heal,
            Fault::Link { a, b, config } => TomlFault::Link { a, b, config },
            Fault::Network { config } => TomlFault::Network { config },
            Fault::ClockSkew { node, skew_us } => TomlFault::ClockSkew { node, skew_us },
            Fault::ClockDrift { node, drift_ppm } => TomlFault::ClockDrift { node, drift_ppm },
            Fault::Request { node, key, value } => TomlFault::Request { node, key, value },
            Fault::Timeout { node } => TomlFault::Timeout { node },
        }
    }
}

/// A planned fault as written in TOML.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TomlPlannedFault {
    /// When, in microseconds of simulated time.
    pub at_us: u64,
    /// What.
    pub fault: TomlFault,
}

fn default_duration_us() -> u64 {
    DEFAULT_DURATION_US
}

fn default_max_steps() -> u64 {
    DEFAULT_MAX_STEPS
}

/// A scenario as written in TOML (a file, or a lesson's `[scenarios.run]`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TomlScenario {
    /// What the nodes run.
    pub protocol: TomlProtocol,
    /// Cluster size.
    pub nodes: u32,
    /// The seed: required.
    pub seed: u64,
    /// Every link at the start.
    #[serde(default)]
    pub network: NetConfig,
    /// Clocks at boot.
    #[serde(default)]
    pub clocks: Vec<ClockSetting>,
    /// Faults at fixed times.
    #[serde(default)]
    pub faults: Vec<TomlPlannedFault>,
    /// How much simulated time a full run covers.
    #[serde(default = "default_duration_us")]
    pub duration_us: u64,
    /// The event budget.
    #[serde(default = "default_max_steps")]
    pub max_steps: u64,
}

impl From<TomlScenario> for Scenario {
    fn from(s: TomlScenario) -> Self {
        Scenario {
            protocol: s.protocol.into(),
            nodes: s.nodes,
            seed: s.seed,
            network: s.network,
            clocks: s.clocks,
            faults: s
                .faults
                .into_iter()
                .map(|f| PlannedFault {
                    at_us: f.at_us,
                    fault: f.fault.into(),
                })
                .collect(),
            duration_us: s.duration_us,
            max_steps: s.max_steps,
        }
    }
}

/// An exercise value as written in TOML: `3`, `"concurrent"`, `[1, 0, 2]`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum TomlValue {
    /// true or false.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A word.
    Str(String),
    /// A list.
    List(Vec<TomlValue>),
}

impl From<TomlValue> for Value {
    fn from(v: TomlValue) -> Self {
        match v {
            TomlValue::Int(i) => Value::Int(i),
            TomlValue::Bool(b) => Value::Bool(b),
            TomlValue::Str(s) => Value::Str(s),
            TomlValue::List(l) => Value::List(l.into_iter().map(Value::from).collect()),
        }
    }
}

/// A table case as written in TOML.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct TomlTableCase {
    pub name: String,
    pub call: String,
    pub args: Vec<TomlValue>,
    pub expect: TomlValue,
    pub message: String,
}

/// An exercise as written in `exercise.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct TomlExercise {
    pub format_version: u32,
    pub title: String,
    pub prompt: String,
    pub rules: RuleSet,
    pub hints: Vec<String>,
    #[serde(default)]
    pub table: Vec<TomlTableCase>,
    #[serde(default)]
    pub simulation: Vec<SimulationCase>,
    #[serde(default)]
    pub wrong: Vec<WrongSolution>,
}

impl From<TomlExercise> for ExerciseSpec {
    fn from(e: TomlExercise) -> Self {
        ExerciseSpec {
            format_version: e.format_version,
            title: e.title,
            prompt: e.prompt,
            rules: e.rules,
            hints: e.hints,
            table: e
                .table
                .into_iter()
                .map(|t| TableCase {
                    name: t.name,
                    call: t.call,
                    args: t.args.into_iter().map(Value::from).collect(),
                    expect: t.expect.into(),
                    message: t.message,
                })
                .collect(),
            simulation: e.simulation,
            wrong: e.wrong,
        }
    }
}
