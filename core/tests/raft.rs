//! Raft under faults: the reference keeps every safety property of the paper's Figure 3 and
//! recovers once faults stop; each classic mistake is caught by the checkers.
//!
//! `NETSPLIT_RAFT_SCHEDULES=N` sets how many random fault schedules the sweep runs (default 500;
//! the full sweep is `NETSPLIT_RAFT_SCHEDULES=10000`, or `./x test --full`);
//! `NETSPLIT_SEED=S` reruns one schedule. A failure names the seed and the command that reruns it.

use netsplit_core::adversary::figure8::Figure8;
use netsplit_core::adversary::Adversary;
use netsplit_core::protocols::raft::rules::Flaw;
use netsplit_core::protocols::raft::schedules::{
    figure8_params, figure8_schedule, raft_schedule, run_raft_schedule, sweep_params,
    RAFT_LIVENESS_BOUND_US,
};
use netsplit_core::protocols::raft::{Raft, RaftParams, Role};
use netsplit_core::{NetConfig, ProtocolSpec, Scenario, Sim, SimOptions, SimTime};

fn schedules(default: u64) -> Vec<u64> {
    if let Some(one) = std::env::var("NETSPLIT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        return vec![one];
    }
    let n = std::env::var("NETSPLIT_RAFT_SCHEDULES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default);
    (0..n).collect()
}

fn rerun(seed: u64) -> String {
    format!("rerun: NETSPLIT_SEED={seed} cargo test -p netsplit-core --release --test raft")
}

#[test]
fn a_quiet_cluster_elects_one_leader_and_applies_every_command() {
    let scenario = Scenario {
        protocol: ProtocolSpec::Raft(RaftParams {
            commands: 10,
            ..RaftParams::default()
        }),
        nodes: 6,
        seed: 7,
        network: NetConfig::default(),
        clocks: Vec::new(),
        faults: Vec::new(),
        duration_us: 3_000_000,
        max_steps: 100_000,
    };
    let (outcome, runner) = scenario.run(SimOptions::default()).unwrap();
    assert!(outcome.violations.is_empty(), "{:?}", outcome.violations);
    let views = runner.node_views();
    let leaders = views
        .iter()
        .filter(|v| v.badge.starts_with("leader"))
        .count();
    assert_eq!(leaders, 1, "{views:?}");
    let client = &views[5];
    let acked = client
        .fields
        .iter()
        .find(|f| f.name == "acknowledged")
        .unwrap();
    assert_eq!(acked.value, "10");
    for v in &views[..5] {
        let applied = v.fields.iter().find(|f| f.name == "last applied").unwrap();
        // Ten commands and at least one leader's no-op.
        assert!(applied.value.parse::<u64>().unwrap() >= 11, "{v:?}");
    }
}

#[test]
fn a_crash_keeps_term_vote_and_log_and_loses_the_rest() {
    let scenario = raft_schedule(3, 5, sweep_params());
    let mut sim = Sim::new(
        Raft::new(sweep_params()),
        6,
        3,
        scenario.network,
        SimOptions::default(),
    );
    sim.run_until(SimTime(1_500_000), u64::MAX);
    let leader = sim
        .node_refs()
        .iter()
        .find(|n| n.volatile.is_some_and(|v| v.role == Role::Leader))
        .map(|n| n.id)
        .unwrap();
    let before = sim.node_refs()[leader.index()].durable.clone();
    assert!(!before.log.is_empty());
    sim.apply_now(&netsplit_core::Fault::Crash { node: leader });
    assert_eq!(sim.node_refs()[leader.index()].durable, &before);
    sim.apply_now(&netsplit_core::Fault::Restart { node: leader });
    let after = &sim.node_refs()[leader.index()];
    assert_eq!(after.durable, &before);
    let v = after.volatile.unwrap();
    assert_eq!(
        (v.role, v.commit_index, v.last_applied),
        (Role::Follower, 0, 0)
    );
    assert!(v.kv.is_empty());
}

/// The sweep: zero violations, and liveness within the bound, for every schedule.
#[test]
fn random_fault_schedules_keep_raft_safe_and_live() {
    let seeds = schedules(500);
    let mut worst_us = 0;
    let mut steps = 0;
    for &seed in &seeds {
        let servers = [3, 5, 5, 7][(seed % 4) as usize];
        let scenario = raft_schedule(seed, servers, sweep_params());
        let (_, verdict, _) = run_raft_schedule(&scenario, Raft::new(sweep_params()), 0, None);
        if let Some((step, v)) = &verdict.violation {
            panic!(
                "seed {seed} ({servers} servers): {} broken at step {step}: {}\n{}",
                v.invariant,
                v.detail,
                rerun(seed)
            );
        }
        if let Err(v) = &verdict.liveness {
            panic!(
                "seed {seed} ({servers} servers): {}\n{}",
                v.detail,
                rerun(seed)
            );
        }
        worst_us = worst_us.max(verdict.recovered_after_us.unwrap_or(0));
        steps += verdict.steps;
    }
    println!(
        "raft sweep: {} schedules, {steps} steps, no violations; slowest recovery {} ms after the faults stopped (bound {} ms)",
        seeds.len(),
        worst_us / 1000,
        RAFT_LIVENESS_BOUND_US / 1000
    );
}

/// The checkers must catch these classic mistakes somewhere in the sweep's schedules.
/// (Committing an old-term entry needs Figure 8's exact sequence, which random faults almost
/// never play; the Figure 8 adversary below catches it.)
#[test]
fn each_classic_mistake_is_caught_under_random_faults() {
    for flaw in [Flaw::NoUpToDateCheck, Flaw::TruncateOnMatch] {
        let params = RaftParams {
            flaw: Some(flaw),
            ..sweep_params()
        };
        let caught = (0..2_000u64).find_map(|seed| {
            let scenario = raft_schedule(seed, 5, params.clone());
            let (_, verdict, _) = run_raft_schedule(&scenario, Raft::new(params.clone()), 0, None);
            verdict.violation.map(|(_, v)| (seed, v))
        });
        let Some((seed, v)) = caught else {
            panic!("no schedule in 2000 caught {flaw:?}");
        };
        println!(
            "{flaw:?}: caught at seed {seed}: {}: {}",
            v.invariant, v.detail
        );
    }
}

/// Figure 8, played by an adversary: the reference stays safe (and recovers), and committing an
/// old-term entry by counting replicas is caught with a run that replays from its plan.
#[test]
fn figure_8_is_safe_with_the_paper_rule_and_caught_without_it() {
    let seeds = schedules(200);
    let mut played = 0;
    for &seed in &seeds {
        let scenario = figure8_schedule(seed, figure8_params());
        let mut adversary = Figure8::default();
        let (_, verdict, _) = run_raft_schedule(
            &scenario,
            Raft::new(figure8_params()),
            0,
            Some(&mut adversary),
        );
        if let Some((step, v)) = &verdict.violation {
            panic!(
                "seed {seed}: {} at step {step}: {}\n{}",
                v.invariant,
                v.detail,
                rerun(seed)
            );
        }
        if let Err(v) = &verdict.liveness {
            panic!("seed {seed}: {}\n{}", v.detail, rerun(seed));
        }
        played += u32::from(adversary.finished());
    }
    println!(
        "figure 8: the adversary played all four moves in {played} of {} schedules; no violations",
        seeds.len()
    );
    // It gives up when the new leader's entry at index i is the old command retried by its
    // client (about half the runs); the rest must be enough to matter.
    assert!(
        played * 4 >= seeds.len() as u32,
        "the adversary finished only {played} times"
    );

    let flawed = RaftParams {
        flaw: Some(Flaw::CommitOldTerms),
        ..figure8_params()
    };
    let caught: Vec<_> = seeds
        .iter()
        .filter_map(|&seed| {
            let scenario = figure8_schedule(seed, flawed.clone());
            let mut adversary = Figure8::default();
            let (_, verdict, replay) = run_raft_schedule(
                &scenario,
                Raft::new(flawed.clone()),
                0,
                Some(&mut adversary),
            );
            verdict.violation.map(|v| (seed, v, replay))
        })
        .collect();
    println!(
        "figure 8 with CommitOldTerms: caught in {} of {} schedules",
        caught.len(),
        seeds.len()
    );
    let (seed, (_, first), replay) = caught.first().expect("the flaw was never caught");
    println!("  e.g. seed {seed}: {}: {}", first.invariant, first.detail);
    // The recorded plan replays the same violation without the adversary.
    let (_, again, _) = run_raft_schedule(replay, Raft::new(flawed.clone()), 0, None);
    assert_eq!(again.violation.map(|(_, v)| v), Some(first.clone()));
}
