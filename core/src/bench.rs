//! The benchmark: events per second of the simulator on fixed workloads, natively (`netsplit
//! bench`) and in the browser (the bench worker), each timed by the caller's own clock.

use crate::net::NetConfig;
use crate::protocols::heartbeat::Heartbeat;
use crate::protocols::raft::RaftParams;
use crate::rng::Ratio;
use crate::scenario::{ProtocolSpec, Scenario};

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
