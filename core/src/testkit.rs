//! Scenarios shared by native and wasm tests, so both prove the same runs identical.

use crate::fault::{random_plan, NemesisConfig};
use crate::net::NetConfig;
use crate::protocols::{heartbeat::Heartbeat, two_generals::TwoGenerals};
use crate::rng::{Ratio, Rng};
use crate::scenario::{ProtocolSpec, Scenario};

/// A 5-node heartbeat cluster under a random nemesis derived from `seed`.
pub fn heartbeat_under_nemesis(seed: u64) -> Scenario {
    let cfg = NemesisConfig {
        nodes: 5,
        horizon_us: 400_000,
        faults: 12,
        max_drop: Ratio::percent(40),
    };
    let network = NetConfig {
        latency_us_min: 1_000,
        latency_us_max: 20_000,
        drop: Ratio::percent(5),
        duplicate: Ratio::percent(5),
    };
    let mut faults = random_plan(&mut Rng::stream(seed, 99), &cfg);
    faults.push(crate::fault::PlannedFault {
        at_us: 100_000,
        fault: crate::fault::Fault::ClockDrift {
            node: crate::id::NodeId((seed % 5) as u32),
            drift_ppm: 50_000,
        },
    });
    Scenario {
        protocol: ProtocolSpec::Heartbeat(Heartbeat {
            interval_us: 20_000,
            timeout_us: 60_000,
        }),
        nodes: 5,
        seed,
        network,
        clocks: Vec::new(),
        faults,
        duration_us: 600_000,
        max_steps: 50_000,
    }
}

/// Two generals over a link that loses half its messages.
pub fn lossy_generals(seed: u64) -> Scenario {
    Scenario {
        protocol: ProtocolSpec::TwoGenerals(TwoGenerals {
            rounds: 3,
            retry_us: 30_000,
            dawn_us: 300_000,
        }),
        nodes: 2,
        seed,
        network: NetConfig {
            drop: Ratio::new(1, 2).unwrap_or(Ratio::ZERO),
            ..NetConfig::default()
        },
        clocks: Vec::new(),
        faults: Vec::new(),
        duration_us: 400_000,
        max_steps: 10_000,
    }
}

/// The scenarios whose digests are golden: `seeds` of each kind.
pub fn determinism_suite(seeds: u64) -> Vec<Scenario> {
    (0..seeds)
        .flat_map(|s| [heartbeat_under_nemesis(s), lossy_generals(s)])
        .collect()
}

/// The benchmark workload: a 5-node heartbeat cluster pinging every 2 ms over a slightly lossy,
/// duplicating network, run for `max_steps` events with a digest-only trace.
pub fn bench_scenario(max_steps: u64) -> Scenario {
    Scenario {
        protocol: ProtocolSpec::Heartbeat(Heartbeat {
            interval_us: 2_000,
            timeout_us: 6_000,
        }),
        nodes: 5,
        seed: 2026,
        network: NetConfig {
            latency_us_min: 200,
            latency_us_max: 3_000,
            drop: Ratio::percent(1),
            duplicate: Ratio::percent(1),
        },
        clocks: Vec::new(),
        faults: Vec::new(),
        duration_us: u64::MAX / 2,
        max_steps,
    }
}

/// Runs the benchmark workload; returns (steps, trace events recorded, digest). Timing is the caller's:
/// core never reads a clock.
pub fn run_bench(max_steps: u64) -> (u64, u64, String) {
    let s = bench_scenario(max_steps);
    match s.run(crate::sim::SimOptions {
        trace_cap: 0,
        check_invariants: true,
    }) {
        Ok((o, r)) => (o.steps, r.trace().recorded(), o.digest),
        Err(e) => (0, 0, e),
    }
}
