//! The clock protocols (vector clocks, hybrid logical clocks, clock sync with last-writer-wins):
//! readable from scenario files and deterministic per seed (their golden digests are in
//! `golden/digests.txt` with every other protocol's).

use netsplit_core::protocols::hlc::HlcParams;
use netsplit_core::protocols::vector_clock::VectorParams;
use netsplit_core::protocols::{
    clock_sync::schedules::{lww_lost_write, lww_synced},
    logical_clock::schedules::clocks_under_nemesis,
};
use netsplit_core::{ProtocolSpec, Scenario, SimOptions};

fn suite(seeds: u64) -> Vec<Scenario> {
    (0..seeds)
        .flat_map(|s| {
            [
                clocks_under_nemesis(ProtocolSpec::VectorClock(VectorParams::default()), s),
                clocks_under_nemesis(ProtocolSpec::Hlc(HlcParams::default()), s),
                lww_lost_write(s),
                lww_synced(s),
            ]
        })
        .collect()
}

fn lean() -> SimOptions {
    SimOptions {
        trace_cap: 0,
        check_invariants: true,
    }
}

#[test]
fn same_seed_same_digest_with_or_without_kept_events() {
    for s in suite(40) {
        let (full, _) = s.run(SimOptions::default()).unwrap();
        let (digest_only, _) = s.run(lean()).unwrap();
        assert_eq!(
            full.digest,
            digest_only.digest,
            "{} seed {} diverged; rerun it with `netsplit run` on this scenario",
            s.protocol.name(),
            s.seed
        );
        assert!(
            !full.budget_exhausted,
            "{} seed {}",
            s.protocol.name(),
            s.seed
        );
    }
}

#[test]
fn clock_sync_needs_a_server_and_a_client() {
    let mut s = lww_synced(1);
    s.nodes = 1;
    s.clocks.clear();
    let err = s.validate().unwrap_err();
    assert!(err.contains("2..=16"), "{err}");
}

#[test]
fn only_the_unsynced_lww_scenario_loses_writes() {
    for seed in 0..40 {
        let (lost, _) = lww_lost_write(seed).run(lean()).unwrap();
        let (kept, _) = lww_synced(seed).run(lean()).unwrap();
        assert!(
            lost.violations
                .iter()
                .all(|v| v.invariant == "lww-lost-update")
                && !lost.violations.is_empty(),
            "seed {seed}: {:?}",
            lost.violations
        );
        assert!(
            kept.violations.is_empty(),
            "seed {seed}: {:?}",
            kept.violations
        );
    }
}
