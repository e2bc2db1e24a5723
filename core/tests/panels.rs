//! The cluster-wide panels protocols declare, and the history bars every run has.

use netsplit_core::panels::{history_bars, Panel};
use netsplit_core::protocols::heartbeat::schedules::heartbeat_under_nemesis;
use netsplit_core::protocols::raft::schedules::{raft_schedule, sweep_params};
use netsplit_core::SimOptions;

fn lean() -> SimOptions {
    SimOptions {
        trace_cap: 0,
        check_invariants: false,
    }
}

#[test]
fn raft_shows_one_state_machine_row_per_server_and_they_agree_once_healed() {
    let s = raft_schedule(3, 5, sweep_params());
    let (_, run) = s.run(lean()).unwrap();
    let panels = run.panels();
    let Some(Panel::KeyValues { keys, rows, .. }) = panels.first() else {
        panic!("Raft declares a key-value panel: {panels:?}");
    };
    assert_eq!(keys, &["x", "y", "z", "applied up to"]);
    assert_eq!(rows.len(), 5, "servers only, not the client");
    let live: Vec<&Vec<String>> = rows.iter().filter_map(|(_, r)| r.as_ref()).collect();
    assert_eq!(live.len(), 5, "everything restarted by the end");
    assert!(live.windows(2).all(|w| w[0] == w[1]), "{live:?}");
    // The client's eight writes are the history, drawn as bars with a call and a return.
    let bars = history_bars(run.history());
    assert_eq!(bars.len(), 8);
    assert!(bars
        .iter()
        .all(|b| b.end_us.is_some_and(|e| e >= b.start_us)));
}

#[test]
fn heartbeat_plots_each_nodes_suspicion_and_a_false_one_falls_back() {
    let mut falls_back = 0;
    for seed in 0..8 {
        let (_, run) = heartbeat_under_nemesis(seed).run(lean()).unwrap();
        let panels = run.panels();
        let Some(Panel::Series { lines, .. }) = panels.first() else {
            panic!("heartbeat declares a series: {panels:?}");
        };
        assert_eq!(lines.len() as u32, run.size());
        for (_, points) in lines {
            assert!(points
                .windows(2)
                .all(|w| w[0].0 <= w[1].0 && w[0].1 != w[1].1));
            if points.windows(2).any(|w| w[0].1 > w[1].1) {
                falls_back += 1;
            }
        }
    }
    assert!(
        falls_back > 0,
        "some node un-suspects a peer it hears again"
    );
}
