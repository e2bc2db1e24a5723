//! Raft under seeded fault schedules: the scenarios of the property sweep, the golden runs and
//! the graded exercises, and the run that checks safety after every step and liveness once the
//! faults stop, with an adversary if one plays.

use super::{check_liveness, Raft, RaftParams};
use crate::actor::Violation;
use crate::adversary::{strike, Adversary};
use crate::fault::{Fault, PlannedFault};
use crate::id::NodeId;
use crate::replay::{record_views, RecordedView};
use crate::rng::Ratio;
use crate::scenario::{ProtocolSpec, Scenario};
use crate::schedules::{NetworkDraw, ScheduleConfig};
use crate::sim::{Sim, SimOptions};
use crate::time::SimTime;

/// Faults happen in the first 2 s of a schedule; then everything is healed and restarted.
pub const RAFT_FAULT_HORIZON_US: u64 = 2_000_000;
/// The stated liveness bound: within 3 s of the faults stopping, a leader leads, every client
/// command has been acknowledged and every acknowledged one is applied on every server.
pub const RAFT_LIVENESS_BOUND_US: u64 = 3_000_000;
/// How often liveness is looked at after the faults stop (to measure recovery time).
const LIVENESS_PROBE_US: u64 = 50_000;
/// Steps a schedule may take before it counts as runaway.
pub const RAFT_MAX_STEPS: u64 = 200_000;

/// A seeded schedule for `servers` servers and one client: a lossy, duplicating, reordering
/// network, eight client commands, and a nemesis of crashes, restarts, partitions (symmetric and
/// one-way) and network changes for [`RAFT_FAULT_HORIZON_US`].
pub fn raft_schedule(seed: u64, servers: u32, params: RaftParams) -> Scenario {
    let nodes = servers + params.clients;
    SWEEP.draw(ProtocolSpec::Raft(params), nodes, seed)
}

/// The property sweep's schedule: latency 1 ms to up to 40 ms, up to 19% loss and duplication,
/// ten faults in the first [`RAFT_FAULT_HORIZON_US`], then the liveness bound.
const SWEEP: ScheduleConfig = ScheduleConfig {
    stream: 0x4AF7,
    clocks: None,
    network: NetworkDraw::Drawn {
        latency_us_min: 1_000,
        latency_us_max: (5_000, 40_000),
        drop_pct_below: Some(20),
        duplicate_pct_below: 20,
    },
    nemesis: Some((RAFT_FAULT_HORIZON_US, 10, Ratio { num: 40, den: 100 })),
    duration_us: RAFT_FAULT_HORIZON_US + RAFT_LIVENESS_BOUND_US,
    max_steps: RAFT_MAX_STEPS,
};

/// The client workload the sweep uses: eight commands, all issued within the fault period.
pub fn sweep_params() -> RaftParams {
    RaftParams {
        commands: 8,
        command_gap_us_min: 50_000,
        command_gap_us_max: 200_000,
        ..RaftParams::default()
    }
}

/// What a schedule showed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RaftVerdict {
    /// The first safety violation, and the step after which it was seen.
    pub violation: Option<(u64, Violation)>,
    /// Liveness at the end of the bound (only judged when safety held).
    pub liveness: Result<(), Violation>,
    /// How long after the faults stopped liveness first held, in microseconds.
    pub recovered_after_us: Option<u64>,
    /// Steps taken.
    pub steps: u64,
}

/// Runs a schedule with `raft` (the reference, a flawed one or a learner's), checking safety after
/// every step (stopping at the first violation) and liveness every 50 ms once the faults stop.
///
/// The faults stop at the scenario's last planned fault. An `adversary` watches every step and
/// may strike; its faults are added to the returned scenario, so the run replays exactly from it.
/// With `trace_cap` 0 the run is only judged: it keeps no events and computes no digest.
pub fn run_raft_schedule(
    scenario: &Scenario,
    raft: Raft,
    trace_cap: usize,
    mut adversary: Option<&mut dyn Adversary<Raft>>,
) -> (Sim<Raft>, RaftVerdict, Scenario) {
    let mut sim = raft_sim(scenario, raft, trace_cap);
    if trace_cap == 0 {
        sim.stop_digesting();
    }
    let mut played = scenario.clone();
    let quiet_at = SimTime(scenario.faults.iter().map(|f| f.at_us).max().unwrap_or(0));
    let end = SimTime(scenario.duration_us);
    let servers = sim.protocol().servers(scenario.nodes) as usize;
    let mut probe = quiet_at;
    let mut verdict = RaftVerdict {
        violation: None,
        liveness: Ok(()),
        recovered_after_us: None,
        steps: 0,
    };
    loop {
        let due = sim.next_event_time().filter(|t| *t <= end.min(probe));
        if due.is_some() && sim.steps() < scenario.max_steps {
            sim.step();
            if let Some(v) = sim.violations().next() {
                verdict.violation = Some((sim.steps(), v.clone()));
                break;
            }
            if let Some(adversary) = adversary.as_deref_mut() {
                strike(&mut sim, adversary, &mut played);
            }
            continue;
        }
        if probe > end || sim.steps() >= scenario.max_steps {
            break;
        }
        // Safety is still checked to the end after liveness first holds.
        if verdict.recovered_after_us.is_none() {
            let live = check_liveness(&sim.node_refs(), servers, probe, quiet_at);
            match live {
                Ok(()) => verdict.recovered_after_us = Some(probe.since(quiet_at).as_us()),
                Err(e) if probe == end => verdict.liveness = Err(e),
                Err(_) => {}
            }
        }
        if probe == end {
            break;
        }
        probe = SimTime((probe.0 + LIVENESS_PROBE_US).min(end.0));
    }
    if verdict.violation.is_none()
        && verdict.recovered_after_us.is_none()
        && verdict.liveness.is_ok()
    {
        verdict.liveness = Err(Violation {
            invariant: "liveness".into(),
            detail: format!(
                "the run stopped after {} steps, before liveness was reached",
                sim.steps()
            ),
        });
    }
    verdict.steps = sim.steps();
    (sim, verdict, played)
}

/// A fresh run of `scenario` with its planned faults and the safety checkers on.
fn raft_sim(scenario: &Scenario, raft: Raft, trace_cap: usize) -> Sim<Raft> {
    let opts = SimOptions {
        trace_cap,
        check_invariants: true,
    };
    scenario.sim(raft, opts)
}

/// A run of `played` (a scenario [`run_raft_schedule`] returned, adversary faults included) with
/// the same `raft`, up to `until_step`, traced, and every node's view (role, term, log) along the
/// way: what a replayed counterexample shows in its log grid and inspector. The run replays the
/// original exactly, so its trace is the original's.
pub fn raft_replay(
    played: &Scenario,
    raft: Raft,
    until_step: u64,
) -> (Sim<Raft>, Vec<RecordedView>) {
    let mut sim = raft_sim(played, raft, usize::MAX);
    let views = record_views(&mut sim, until_step);
    (sim, views)
}

/// When the Figure 8 adversary stops trying and the cluster is healed and restarted.
pub const FIGURE8_GIVE_UP_US: u64 = 4_000_000;

/// Five servers, two clients sending steady streams of commands, one entry per
/// `AppendEntries` and no election no-op: the setting of the paper's Figure 8. The
/// [`crate::adversary::figure8::Figure8`] adversary then plays the figure's crashes; at [`FIGURE8_GIVE_UP_US`] everything is
/// healed and restarted.
pub fn figure8_schedule(seed: u64, params: RaftParams) -> Scenario {
    let nodes = 5 + params.clients;
    let mut s = FIGURE8.draw(ProtocolSpec::Raft(params), nodes, seed);
    give_up_at(&mut s, FIGURE8_GIVE_UP_US, &[Fault::Heal]);
    s
}

/// Adds to `s`, at `at_us`, the faults `first` and then a restart of every node: where an
/// adversary's schedule stops, so that liveness is judged from there.
fn give_up_at(s: &mut Scenario, at_us: u64, first: &[Fault]) {
    let restarts = (0..s.nodes).map(|n| Fault::Restart { node: NodeId(n) });
    let faults: Vec<Fault> = first.iter().cloned().chain(restarts).collect();
    s.faults.extend(
        faults
            .into_iter()
            .map(|fault| PlannedFault { at_us, fault }),
    );
}

/// Figure 8's network: no loss (the adversary decides what is lost), latency 1 ms to up to 30 ms,
/// up to 9% duplication.
const FIGURE8: ScheduleConfig = ScheduleConfig {
    stream: 0xF18,
    clocks: None,
    network: NetworkDraw::Drawn {
        latency_us_min: 1_000,
        latency_us_max: (5_000, 30_000),
        drop_pct_below: None,
        duplicate_pct_below: 10,
    },
    nemesis: None,
    duration_us: FIGURE8_GIVE_UP_US + RAFT_LIVENESS_BOUND_US,
    max_steps: RAFT_MAX_STEPS,
};

/// When the longer-but-older adversary ([`crate::adversary::longer_log::LongerLog`]) has played
/// or given up, and the cluster is healed and restarted.
pub const LONGER_LOG_GIVE_UP_US: u64 = 3_000_000;

/// `servers` servers and two clients sending steady streams of commands, one entry per
/// `AppendEntries` and the election no-op on: the setting in which the longer-but-older adversary
/// builds a voter whose log is shorter than a candidate's but ends in a newer, committed entry. At
/// [`LONGER_LOG_GIVE_UP_US`] everything is healed, released and restarted.
pub fn longer_log_schedule(seed: u64, servers: u32) -> Scenario {
    let params = longer_log_params();
    let nodes = servers + params.clients;
    let mut s = LONGER_LOG.draw(ProtocolSpec::Raft(params), nodes, seed);
    give_up_at(
        &mut s,
        LONGER_LOG_GIVE_UP_US,
        &[Fault::Heal, Fault::ReleaseAll],
    );
    s
}

/// The longer-but-older adversary's network: no loss (the adversary decides what waits), latency
/// 1 ms to up to 20 ms, up to 9% duplication.
const LONGER_LOG: ScheduleConfig = ScheduleConfig {
    stream: 0x10A6,
    clocks: None,
    network: NetworkDraw::Drawn {
        latency_us_min: 1_000,
        latency_us_max: (5_000, 20_000),
        drop_pct_below: None,
        duplicate_pct_below: 10,
    },
    nemesis: None,
    duration_us: LONGER_LOG_GIVE_UP_US + RAFT_LIVENESS_BOUND_US,
    max_steps: RAFT_MAX_STEPS,
};

/// The workload of [`longer_log_schedule`]: two clients, 16 commands each.
pub fn longer_log_params() -> RaftParams {
    RaftParams {
        clients: 2,
        commands: 16,
        command_gap_us_min: 20_000,
        command_gap_us_max: 60_000,
        max_entries_per_append: 1,
        noop_on_election: true,
        ..RaftParams::default()
    }
}

/// The workload of [`figure8_schedule`].
pub fn figure8_params() -> RaftParams {
    RaftParams {
        clients: 2,
        commands: 40,
        command_gap_us_min: 20_000,
        command_gap_us_max: 60_000,
        max_entries_per_append: 1,
        noop_on_election: false,
        ..RaftParams::default()
    }
}
