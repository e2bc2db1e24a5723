//! What several integration tests build their runs from: a small heartbeat cluster with a fault
//! plan, and options that keep every trace event.

// Each test file compiles this module on its own and uses only some of it.
#![allow(dead_code)]

use netsplit_core::protocols::heartbeat::Heartbeat;
use netsplit_core::{Fault, NetConfig, PlannedFault, ProtocolSpec, Scenario, SimOptions};

/// Three heartbeat nodes (ping every 50 ms, suspect after 150 ms) for one second under `faults`.
pub fn heartbeat(seed: u64, faults: Vec<PlannedFault>) -> Scenario {
    Scenario {
        protocol: ProtocolSpec::Heartbeat(Heartbeat::default()),
        nodes: 3,
        seed,
        network: NetConfig::default(),
        clocks: Vec::new(),
        faults,
        duration_us: 1_000_000,
        max_steps: 100_000,
    }
}

/// `fault` at `at_us`.
pub fn at(at_us: u64, fault: Fault) -> PlannedFault {
    PlannedFault { at_us, fault }
}

/// Every event kept, invariants checked.
pub fn opts() -> SimOptions {
    SimOptions {
        trace_cap: usize::MAX,
        check_invariants: true,
    }
}
