//! What the simulator promises learners: crashes keep durable state, partitions block,
//! drift bends timers, replay reproduces, and two generals can disagree.

use netsplit_core::protocols::heartbeat::Heartbeat;
use netsplit_core::protocols::two_generals::schedules::lossy_generals;
use netsplit_core::protocols::two_generals::TwoGenerals;
use netsplit_core::*;

fn quiet_net() -> NetConfig {
    NetConfig {
        latency_us_min: 1_000,
        latency_us_max: 1_000,
        drop: Ratio::ZERO,
        duplicate: Ratio::ZERO,
    }
}

#[test]
fn crash_and_restart_keep_durable_state_and_lose_volatile() {
    let mut sim = Sim::new(
        Heartbeat::default(),
        3,
        1,
        quiet_net(),
        SimOptions::default(),
    );
    sim.schedule(&[
        PlannedFault {
            at_us: 100_000,
            fault: Fault::Crash { node: NodeId(1) },
        },
        PlannedFault {
            at_us: 200_000,
            fault: Fault::Restart { node: NodeId(1) },
        },
    ]);
    sim.run_until(SimTime(150_000), u64::MAX);
    assert!(!sim.is_up(NodeId(1)));
    assert!(sim.node_refs()[1].volatile.is_none());
    sim.run_until(SimTime(210_000), u64::MAX);
    let n1 = &sim.node_refs()[1];
    assert_eq!(n1.durable.boots, 2, "boot count is durable");
    assert!(
        n1.volatile.unwrap().seq < 5,
        "ping counter restarted from scratch"
    );
}

#[test]
fn messages_to_a_crashed_node_are_dropped_as_node_down() {
    let mut sim = Sim::new(
        Heartbeat::default(),
        2,
        3,
        quiet_net(),
        SimOptions::default(),
    );
    sim.schedule(&[PlannedFault {
        at_us: 10_000,
        fault: Fault::Crash { node: NodeId(1) },
    }]);
    sim.run_until(SimTime(200_000), u64::MAX);
    let downs = sim
        .trace()
        .events()
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Dropped {
                    reason: DropReason::NodeDown,
                    ..
                }
            )
        })
        .count();
    assert!(downs >= 2, "pings to the dead node are dropped: {downs}");
}

#[test]
fn a_partition_makes_the_detector_suspect_live_nodes() {
    let mut sim = Sim::new(
        Heartbeat::default(),
        3,
        5,
        quiet_net(),
        SimOptions::default(),
    );
    sim.schedule(&[PlannedFault {
        at_us: 50_000,
        fault: Fault::Partition {
            groups: vec![vec![NodeId(0)], vec![NodeId(1), NodeId(2)]],
        },
    }]);
    sim.run_until(SimTime(400_000), u64::MAX);
    let v = sim.node_refs()[0].volatile.unwrap().clone();
    assert_eq!(
        v.suspected,
        vec![false, true, true],
        "n0 suspects both live nodes it cannot hear"
    );
}

#[test]
fn one_way_partition_is_one_way() {
    let mut sim = Sim::new(
        Heartbeat::default(),
        2,
        5,
        quiet_net(),
        SimOptions::default(),
    );
    sim.schedule(&[PlannedFault {
        at_us: 1,
        fault: Fault::OneWay {
            from: NodeId(0),
            to: NodeId(1),
        },
    }]);
    sim.run_until(SimTime(400_000), u64::MAX);
    let refs = sim.node_refs();
    assert!(
        refs[1].volatile.unwrap().suspected[0],
        "n1 no longer hears n0"
    );
    assert!(!refs[0].volatile.unwrap().suspected[1], "n0 still hears n1");
}

#[test]
fn a_fast_clock_fires_timers_early_in_true_time() {
    let run = |drift_ppm| {
        let mut sim = Sim::new(
            Heartbeat::default(),
            1,
            1,
            quiet_net(),
            SimOptions::default(),
        );
        sim.schedule(&[PlannedFault {
            at_us: 0,
            fault: Fault::ClockDrift {
                node: NodeId(0),
                drift_ppm,
            },
        }]);
        sim.run_until(SimTime(1_000_000), u64::MAX);
        sim.node_refs()[0].volatile.unwrap().seq
    };
    assert!(run(200_000) > run(0), "a clock 20% fast beats more often");
}

#[test]
fn skew_changes_the_clock_reading_not_true_time() {
    let mut sim = Sim::new(
        Heartbeat::default(),
        2,
        1,
        quiet_net(),
        SimOptions::default(),
    );
    sim.schedule(&[PlannedFault {
        at_us: 10,
        fault: Fault::ClockSkew {
            node: NodeId(1),
            skew_us: -7_000,
        },
    }]);
    sim.run_until(SimTime(20_000), u64::MAX);
    let views = sim.node_views();
    assert_eq!(views[0].local_time, LocalTime(20_000));
    assert_eq!(views[1].local_time, LocalTime(13_000));
}

#[test]
fn replaying_to_step_n_reproduces_the_same_prefix() {
    let s = lossy_generals(11);
    let mut full = s.runner(SimOptions::default()).unwrap();
    full.run_until(SimTime(s.duration_us), s.max_steps);
    let n = full.steps() / 2;
    let mut part = s.runner(SimOptions::default()).unwrap();
    for _ in 0..n {
        part.step();
    }
    let prefix: Vec<_> = full
        .trace()
        .events()
        .iter()
        .filter(|e| e.step <= n)
        .cloned()
        .collect();
    assert_eq!(part.trace().events(), &prefix[..]);
}

#[test]
fn generals_agree_on_a_perfect_link() {
    let s = Scenario {
        protocol: ProtocolSpec::TwoGenerals(TwoGenerals::default()),
        nodes: 2,
        seed: 1,
        network: NetConfig::default(),
        clocks: vec![],
        faults: vec![],
        duration_us: 1_000_000,
        max_steps: 10_000,
    };
    let (o, _) = s.run(SimOptions::default()).unwrap();
    assert!(o.violations.is_empty());
}

#[test]
fn any_fixed_number_of_rounds_can_end_in_disagreement() {
    for rounds in 1..=5 {
        let mut found = None;
        for seed in 0..500 {
            let mut s = lossy_generals(seed);
            if let ProtocolSpec::TwoGenerals(p) = &mut s.protocol {
                p.rounds = rounds;
            }
            s.network.drop = Ratio::new(7, 10).unwrap();
            let (o, _) = s
                .run(SimOptions {
                    trace_cap: 0,
                    check_invariants: true,
                })
                .unwrap();
            if o.violations.iter().any(|v| v.invariant == "agreement") {
                found = Some(seed);
                break;
            }
        }
        assert!(
            found.is_some(),
            "with {rounds} rounds some seed in 0..500 should disagree"
        );
    }
}

#[test]
fn invalid_scenarios_are_rejected_with_a_reason() {
    let mut s = lossy_generals(1);
    s.nodes = 3;
    assert!(s.validate().unwrap_err().contains("2 nodes"));
    let mut s = lossy_generals(1);
    s.faults.push(PlannedFault {
        at_us: 0,
        fault: Fault::Crash { node: NodeId(9) },
    });
    assert!(s.validate().unwrap_err().contains("faults[0]"));
}
