//! Any run yields a history: Raft's clients report every command as an operation, and the
//! linearizability checker reads the run's history as it reads a Jepsen log.
//!
//! Raft with reads through the log is linearizable (Raft §8), so every seeded schedule under the
//! nemesis must give a legal history; a Raft whose voters skip the up-to-date check (§5.4.1) can
//! elect a leader that lacks committed writes, and some schedule must show a read that no order
//! explains.

use netsplit_core::check::linearizability::{check_operations, Verdict};
use netsplit_core::check::models::Store;
use netsplit_core::id::NodeId;
use netsplit_core::protocols::raft::rules::Flaw;
use netsplit_core::protocols::raft::schedules::{
    raft_schedule, sweep_params, RAFT_FAULT_HORIZON_US,
};
use netsplit_core::protocols::raft::{Raft, RaftParams};
use netsplit_core::scenario::Scenario;
use netsplit_core::schedules::client_ops;
use netsplit_core::sim::SimOptions;
use netsplit_core::time::SimTime;

const BUDGET_STEPS: u64 = 2_000_000;

/// The sweep's schedule for `servers` servers, with 24 reads and writes of two keys from its
/// client on top of the client's own writes.
fn schedule_with_reads(seed: u64, servers: u32, params: RaftParams) -> Scenario {
    let mut s = raft_schedule(seed, servers, params.clone());
    let clients: Vec<NodeId> = (servers..servers + params.clients).map(NodeId).collect();
    s.faults.extend(client_ops(
        seed,
        &clients,
        &["x", "y"],
        24,
        RAFT_FAULT_HORIZON_US,
    ));
    s.faults.sort_by_key(|f| f.at_us);
    s
}

/// The history of a whole run. The invariant checkers are off, so a flawed Raft runs on past its
/// first broken property to the reads that show it to a client.
fn verdict(seed: u64, servers: u32, params: RaftParams) -> (Verdict, Option<String>, u64) {
    let scenario = schedule_with_reads(seed, servers, params.clone());
    let opts = SimOptions {
        trace_cap: 0,
        check_invariants: false,
    };
    let mut sim = scenario.sim(Raft::new(params), opts);
    sim.run_until(SimTime(scenario.duration_us), scenario.max_steps);
    let history = sim.history();
    let result = check_operations(&Store, history, BUDGET_STEPS).expect("well-formed history");
    (
        result.verdict,
        result.explanation().map(str::to_string),
        history.len() as u64,
    )
}

#[test]
fn raft_histories_under_the_nemesis_are_linearizable_for_every_seed_and_size() {
    let mut ops = 0;
    for servers in [3, 5] {
        for seed in 0..100 {
            let (v, why, n) = verdict(seed, servers, sweep_params());
            assert_eq!(v, Verdict::Ok, "seed {seed}, {servers} servers: {why:?}");
            ops += n;
        }
    }
    // 8 writes of the client's own and 24 drawn inputs per schedule, less those sent to the
    // client while the nemesis had crashed it.
    eprintln!("{ops} operations checked in 200 schedules");
    assert!(ops > 200 * 24, "{ops} operations");
}

#[test]
fn a_raft_that_skips_the_up_to_date_check_gives_a_history_the_checker_rejects() {
    // A client sees this flaw rarely (in 1 to 3% of schedules: a stale leader must win, and a
    // read must land on a lost write), so each size gets 300 seeds.
    for servers in [3, 5] {
        let flawed = RaftParams {
            flaw: Some(Flaw::NoUpToDateCheck),
            ..sweep_params()
        };
        let caught: Vec<(u64, String)> = (0..300)
            .filter_map(|seed| match verdict(seed, servers, flawed.clone()) {
                (Verdict::Illegal, why, _) => Some((seed, why.unwrap_or_default())),
                _ => None,
            })
            .collect();
        assert!(
            !caught.is_empty(),
            "{servers} servers: no seed in 0..300 showed a stale read"
        );
        let (seed, why) = &caught[0];
        assert!(why.contains("cannot be placed"), "seed {seed}: {why}");
        eprintln!(
            "{servers} servers: {} of 300 schedules illegal; first, seed {seed}: {why}",
            caught.len()
        );
    }
}
