//! Scenarios shared by native and wasm tests, so both prove the same runs identical.

use crate::clock::ClockSetting;
use crate::fault::{random_plan, NemesisConfig};
use crate::id::NodeId;
use crate::net::NetConfig;
use crate::protocols::clock_sync::ClockSyncParams;
use crate::protocols::raft::RaftParams;
use crate::protocols::{heartbeat::Heartbeat, two_generals::TwoGenerals};
use crate::rng::{Ratio, Rng};
use crate::scenario::{ProtocolSpec, Scenario};

pub mod raft;

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

/// Last-writer-wins losing a write: n0 stores `x`, n1 writes first, then passes the token to
/// n2, whose clock is 80 ms behind and never synced. n2's write happens after n1's (it waits for
/// the token) yet is stamped earlier, so the store keeps n1's older value: `lww-lost-update`.
///
/// Every seed shows it: the token takes `write_gap_us` (40 ms) plus at most 15 ms to reach n2,
/// well under the 80 ms n2 lags by.
pub fn lww_lost_write(seed: u64) -> Scenario {
    Scenario {
        protocol: ProtocolSpec::ClockSync(ClockSyncParams {
            sync_every_us: 0,
            first_write_us: 100_000,
            write_gap_us: 40_000,
            writes: 6,
        }),
        ..lww_synced(seed)
    }
}

/// [`lww_lost_write`] with Cristian sync every 100 ms: no write is lost.
///
/// Each client's estimate is within half a round trip (at most 15 ms here) of n0's clock, so two
/// clients disagree by at most 30 ms, less than the 45 ms or more between two chained writes. The
/// clocks do not drift, so an estimate does not go stale between syncs.
pub fn lww_synced(seed: u64) -> Scenario {
    Scenario {
        protocol: ProtocolSpec::ClockSync(ClockSyncParams {
            sync_every_us: 100_000,
            first_write_us: 100_000,
            write_gap_us: 40_000,
            writes: 6,
        }),
        nodes: 3,
        seed,
        network: NetConfig {
            latency_us_min: 5_000,
            latency_us_max: 15_000,
            drop: Ratio::ZERO,
            duplicate: Ratio::ZERO,
        },
        clocks: vec![ClockSetting {
            node: NodeId(2),
            skew_us: -80_000,
            drift_ppm: 0,
        }],
        faults: Vec::new(),
        duration_us: 1_000_000,
        max_steps: 10_000,
    }
}

/// A 4-node cluster running `protocol` (a logical clock) over a lossy, duplicating network under a
/// random nemesis, with every clock skewed by up to ±50 ms and drifting by up to ±200 ppm.
pub fn clocks_under_nemesis(protocol: ProtocolSpec, seed: u64) -> Scenario {
    let mut rng = Rng::stream(seed, 0xC10C);
    let clocks = (0..4)
        .map(|i| ClockSetting {
            node: NodeId(i),
            skew_us: rng.below(100_001) as i64 - 50_000,
            drift_ppm: rng.below(401) as i64 - 200,
        })
        .collect();
    let cfg = NemesisConfig {
        nodes: 4,
        horizon_us: 500_000,
        faults: 8,
        max_drop: Ratio::percent(30),
    };
    Scenario {
        protocol,
        nodes: 4,
        seed,
        network: NetConfig {
            latency_us_min: 1_000,
            latency_us_max: 40_000,
            drop: Ratio::percent(10),
            duplicate: Ratio::percent(10),
        },
        clocks,
        faults: random_plan(&mut rng, &cfg),
        duration_us: 2_000_000,
        max_steps: 20_000,
    }
}

/// A benchmark workload: what runs, for how many events by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BenchWorkload {
    /// A 5-node heartbeat cluster pinging every 2 ms over a slightly lossy, duplicating network.
    Heartbeat,
    /// A 5-server Raft cluster and a client sending 1,000 commands 2–5 ms apart, heartbeats every
    /// 10 ms, over the same network, with the five safety checkers on after every event.
    Raft,
}

impl BenchWorkload {
    /// Both workloads.
    pub const ALL: [BenchWorkload; 2] = [BenchWorkload::Heartbeat, BenchWorkload::Raft];

    /// How the figures name it.
    pub fn name(self) -> &'static str {
        match self {
            BenchWorkload::Heartbeat => "5-node heartbeat",
            BenchWorkload::Raft => "5-server Raft + client, checkers on",
        }
    }

    /// Events per timed run.
    pub fn default_steps(self) -> u64 {
        match self {
            BenchWorkload::Heartbeat => 5_000_000,
            BenchWorkload::Raft => 1_000_000,
        }
    }

    /// The scenario, run for `max_steps` events with a digest-only trace.
    pub fn scenario(self, max_steps: u64) -> Scenario {
        let network = NetConfig {
            latency_us_min: 200,
            latency_us_max: 3_000,
            drop: Ratio::percent(1),
            duplicate: Ratio::percent(1),
        };
        let (protocol, nodes) = match self {
            BenchWorkload::Heartbeat => (
                ProtocolSpec::Heartbeat(Heartbeat {
                    interval_us: 2_000,
                    timeout_us: 6_000,
                }),
                5,
            ),
            BenchWorkload::Raft => (
                ProtocolSpec::Raft(RaftParams {
                    election_timeout_us_min: 50_000,
                    election_timeout_us_max: 100_000,
                    heartbeat_us: 10_000,
                    commands: 1_000,
                    command_gap_us_min: 2_000,
                    command_gap_us_max: 5_000,
                    client_timeout_us: 100_000,
                    ..RaftParams::default()
                }),
                6,
            ),
        };
        Scenario {
            protocol,
            nodes,
            seed: 2026,
            network,
            clocks: Vec::new(),
            faults: Vec::new(),
            duration_us: u64::MAX / 2,
            max_steps,
        }
    }
}

/// A way to run a benchmark workload: [`run_bench`] or [`run_bench_in_page`].
pub type BenchRun = fn(BenchWorkload, u64) -> (u64, u64, String);

/// What a timed benchmark measured.
#[derive(Clone, Debug, PartialEq)]
pub struct BenchFigures {
    /// Events run.
    pub steps: u64,
    /// Trace records made.
    pub records: u64,
    /// The trace digest.
    pub digest: String,
    /// The best of three runs, in seconds.
    pub seconds: f64,
}

/// Times `run` on `steps` events: a warm-up of a tenth, then the best of three runs.
///
/// Core never reads a clock, so the caller hands in its own (`Instant` natively,
/// `performance.now()` in the browser), in seconds.
pub fn time_bench(
    workload: BenchWorkload,
    steps: u64,
    run: BenchRun,
    now_s: &mut dyn FnMut() -> f64,
) -> BenchFigures {
    run(workload, steps / 10);
    let mut seconds = f64::MAX;
    let mut out = (0, 0, String::new());
    for _ in 0..3 {
        let start = now_s();
        out = run(workload, steps);
        seconds = seconds.min(now_s() - start);
    }
    let (steps, records, digest) = out;
    BenchFigures {
        steps,
        records,
        digest,
        seconds,
    }
}

/// Runs a benchmark workload on the simulator built for its protocol (`Sim<Heartbeat>`,
/// `Sim<Raft>`); returns (steps, trace events recorded, digest). Timing is the caller's: core
/// never reads a clock.
pub fn run_bench(workload: BenchWorkload, max_steps: u64) -> (u64, u64, String) {
    let s = workload.scenario(max_steps);
    match &s.protocol {
        ProtocolSpec::Heartbeat(p) => bench_typed(p.clone(), &s),
        ProtocolSpec::Raft(p) => bench_typed(crate::protocols::raft::Raft::new(p.clone()), &s),
        _ => run_bench_in_page(workload, max_steps),
    }
}

/// The same workload through [`Scenario::run`], as the page runs every scenario: one simulator
/// for all protocols ([`crate::protocols::any::AnyProtocol`]), slower by the forwarding.
pub fn run_bench_in_page(workload: BenchWorkload, max_steps: u64) -> (u64, u64, String) {
    let s = workload.scenario(max_steps);
    match s.run(crate::sim::SimOptions {
        trace_cap: 0,
        check_invariants: true,
    }) {
        Ok((o, r)) => (o.steps, r.trace().recorded(), o.digest),
        Err(e) => (0, 0, e),
    }
}

fn bench_typed<P: crate::Protocol>(protocol: P, s: &Scenario) -> (u64, u64, String) {
    let opts = crate::sim::SimOptions {
        trace_cap: 0,
        check_invariants: true,
    };
    let mut sim = s.sim(protocol, opts);
    sim.run_until(crate::time::SimTime(s.duration_us), s.max_steps);
    (sim.steps(), sim.trace().recorded(), sim.trace().digest())
}
