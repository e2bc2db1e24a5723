//! Raft under random fault schedules: the scenarios of the property sweep and of the graded
//! Raft exercises, and the run that checks safety after every step and liveness at the end.

use crate::actor::{NodeRef, Violation};
use crate::fault::{random_plan, Fault, NemesisConfig, PlannedFault};
use crate::id::NodeId;
use crate::net::NetConfig;
use crate::protocols::raft::{check_liveness, Entry, Raft, RaftParams, Role};
use crate::replay::{record_views, RecordedView};
use crate::rng::{Ratio, Rng};
use crate::scenario::{ProtocolSpec, Scenario};
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
    let mut rng = Rng::stream(seed, 0x4AF7);
    let nodes = servers + params.clients;
    let network = NetConfig {
        latency_us_min: 1_000,
        latency_us_max: rng.between(5_000, 40_000),
        drop: Ratio::percent(rng.below(20) as u32),
        duplicate: Ratio::percent(rng.below(20) as u32),
    };
    let cfg = NemesisConfig {
        nodes,
        horizon_us: RAFT_FAULT_HORIZON_US,
        faults: 10,
        max_drop: Ratio::percent(40),
    };
    let faults = random_plan(&mut rng, &cfg);
    Scenario {
        protocol: ProtocolSpec::Raft(params),
        nodes,
        seed,
        network,
        clocks: Vec::new(),
        faults,
        duration_us: RAFT_FAULT_HORIZON_US + RAFT_LIVENESS_BOUND_US,
        max_steps: RAFT_MAX_STEPS,
    }
}

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
pub fn run_raft_schedule(
    scenario: &Scenario,
    raft: Raft,
    trace_cap: usize,
    mut adversary: Option<&mut Figure8>,
) -> (Sim<Raft>, RaftVerdict, Scenario) {
    let mut sim = raft_sim(scenario, raft, trace_cap);
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
            if let Some(adv) = adversary.as_deref_mut() {
                let at_us = sim.now().0 + 1;
                let strike: Vec<PlannedFault> = adv
                    .act(&sim.node_refs(), servers, sim.now())
                    .into_iter()
                    .map(|fault| PlannedFault { at_us, fault })
                    .collect();
                sim.schedule(&strike);
                played.faults.extend(strike);
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

/// Every node's view (role, term, log) up to `until_step` of a run of `played` (a scenario
/// [`run_raft_schedule`] returned, adversary faults included) with the same `raft`: what a
/// replayed counterexample shows in its log grid and inspector.
pub fn raft_views(played: &Scenario, raft: Raft, until_step: u64) -> Vec<RecordedView> {
    record_views(&mut raft_sim(played, raft, 0), until_step)
}

/// When the Figure 8 adversary stops trying and the cluster is healed and restarted.
pub const FIGURE8_GIVE_UP_US: u64 = 4_000_000;

/// Five servers, two clients sending steady streams of commands, one entry per
/// `AppendEntries` and no election no-op: the setting of the paper's Figure 8. The
/// [`Figure8`] adversary then plays the figure's crashes; at [`FIGURE8_GIVE_UP_US`] everything is
/// healed and restarted.
pub fn figure8_schedule(seed: u64, params: RaftParams) -> Scenario {
    let mut rng = Rng::stream(seed, 0xF18);
    let nodes = 5 + params.clients;
    let network = NetConfig {
        latency_us_min: 1_000,
        latency_us_max: rng.between(5_000, 30_000),
        drop: Ratio::ZERO,
        duplicate: Ratio::percent(rng.below(10) as u32),
    };
    let mut faults = vec![PlannedFault {
        at_us: FIGURE8_GIVE_UP_US,
        fault: Fault::Heal,
    }];
    faults.extend((0..nodes).map(|n| PlannedFault {
        at_us: FIGURE8_GIVE_UP_US,
        fault: Fault::Restart { node: NodeId(n) },
    }));
    Scenario {
        protocol: ProtocolSpec::Raft(params),
        nodes,
        seed,
        network,
        clocks: Vec::new(),
        faults,
        duration_us: FIGURE8_GIVE_UP_US + RAFT_LIVENESS_BOUND_US,
        max_steps: RAFT_MAX_STEPS,
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

/// The paper's Figure 8 as an adversary that watches the cluster and strikes at the right moments
/// (each fault lands 1 µs after the step that triggered it, so the run replays from its plan):
///
/// 1. When leader A's newest entry (index i, term T) has reached exactly one follower B, cut
///    {A, B} off and crash both: the copies still on the wire are lost.
/// 2. When a new leader L has put an entry of its own term, with another command, at index i,
///    isolate and crash L. (If L puts A's command there, retried by its client, the run is
///    left alone: the adversary only plays the figure with two different writes.)
/// 3. 100 ms later (the wire is empty), heal and restart A: only A can win, and it sends index i
///    to the two servers left.
/// 4. When A knows both of them hold index i, crash A and restart L. L's last term is newer, so
///    it wins and overwrites index i. That is safe only if A did not count index i as committed:
///    entries of an older term must not be committed by counting replicas (§5.4.2).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figure8 {
    stage: Stage,
    played: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum Stage {
    #[default]
    ReachOne,
    NewLeader {
        a: NodeId,
        term: u64,
        index: u64,
        entry: Entry,
    },
    Drain {
        a: NodeId,
        l: NodeId,
        index: u64,
        until: SimTime,
    },
    Replicated {
        a: NodeId,
        l: NodeId,
        index: u64,
    },
    Done,
}

fn leader<'a>(nodes: &'a [NodeRef<'a, Raft>], servers: usize) -> Option<&'a NodeRef<'a, Raft>> {
    nodes[..servers]
        .iter()
        .find(|n| n.volatile.is_some_and(|v| v.role == Role::Leader))
}

impl Figure8 {
    /// True once the adversary has played all four moves.
    pub fn finished(&self) -> bool {
        self.played
    }

    /// Looks at the cluster after a step; returns the faults to apply now.
    pub fn act(&mut self, nodes: &[NodeRef<'_, Raft>], servers: usize, now: SimTime) -> Vec<Fault> {
        if now.0 >= FIGURE8_GIVE_UP_US {
            self.stage = Stage::Done;
        }
        match self.stage.clone() {
            Stage::ReachOne => {
                let Some(a) = leader(nodes, servers) else {
                    return Vec::new();
                };
                let (log, term) = (&a.durable.log, a.durable.term);
                let index = log.len() as u64;
                let Some(newest) = log.last().filter(|e| e.term == term) else {
                    return Vec::new();
                };
                let holders: Vec<NodeId> = nodes[..servers]
                    .iter()
                    .filter(|n| n.id != a.id && n.durable.log.get(log.len() - 1) == Some(newest))
                    .map(|n| n.id)
                    .collect();
                let [b] = holders[..] else { return Vec::new() };
                let rest: Vec<NodeId> = (0..nodes.len() as u32)
                    .map(NodeId)
                    .filter(|n| *n != a.id && *n != b)
                    .collect();
                self.stage = Stage::NewLeader {
                    a: a.id,
                    term,
                    index,
                    entry: newest.clone(),
                };
                vec![
                    Fault::Partition {
                        groups: vec![vec![a.id, b], rest],
                    },
                    Fault::Crash { node: a.id },
                    Fault::Crash { node: b },
                ]
            }
            Stage::NewLeader {
                a,
                term,
                index,
                entry,
            } => {
                let Some(l) = leader(nodes, servers).filter(|l| l.durable.term > term) else {
                    return Vec::new();
                };
                let Some(own) = l.durable.log.get(index as usize - 1) else {
                    return Vec::new();
                };
                // The figure needs a different command at index i; a retry of A's own command
                // there would be the same write, so give up on this run instead.
                if own.term != l.durable.term || own.command == entry.command {
                    self.stage = Stage::Done;
                    return Vec::new();
                }
                self.stage = Stage::Drain {
                    a,
                    l: l.id,
                    index,
                    until: SimTime(now.0 + 100_000),
                };
                vec![Fault::Isolate { node: l.id }, Fault::Crash { node: l.id }]
            }
            Stage::Drain { a, l, index, until } => {
                if now < until {
                    return Vec::new();
                }
                self.stage = Stage::Replicated { a, l, index };
                vec![Fault::Heal, Fault::Restart { node: a }]
            }
            Stage::Replicated { a, l, index } => {
                let Some(v) = nodes[a.index()].volatile.filter(|v| v.role == Role::Leader) else {
                    return Vec::new();
                };
                let others = nodes[..servers]
                    .iter()
                    .filter(|n| n.id != a && n.volatile.is_some())
                    .count();
                let reached = v
                    .match_index
                    .iter()
                    .enumerate()
                    .filter(|(i, m)| {
                        *i != a.index() && **m >= index && nodes[*i].volatile.is_some()
                    })
                    .count();
                if others == 0 || reached < others {
                    return Vec::new();
                }
                self.stage = Stage::Done;
                self.played = true;
                vec![Fault::Crash { node: a }, Fault::Restart { node: l }]
            }
            Stage::Done => Vec::new(),
        }
    }
}
