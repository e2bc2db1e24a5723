//! The φ accrual detector against the truth the simulator knows: it suspects a crashed node
//! soon, a paused one just as surely (and takes it back), and a live one on a calm network
//! never.

mod common;

use common::{at, opts};
use netsplit_core::protocols::phi_accrual::PhiAccrualParams;
use netsplit_core::trace::EventKind;
use netsplit_core::{
    Fault, NetConfig, NodeId, PlannedFault, ProtocolSpec, Ratio, Scenario, TraceEvent,
};

fn cluster(params: PhiAccrualParams, network: NetConfig, faults: Vec<PlannedFault>) -> Scenario {
    Scenario {
        protocol: ProtocolSpec::PhiAccrual(params),
        nodes: 4,
        seed: 3,
        network,
        clocks: Vec::new(),
        faults,
        duration_us: 2_000_000,
        max_steps: 200_000,
    }
}

fn jittery() -> NetConfig {
    NetConfig {
        latency_us_min: 1_000,
        latency_us_max: 40_000,
        drop: Ratio { num: 0, den: 100 },
        duplicate: Ratio { num: 0, den: 100 },
    }
}

fn events(s: &Scenario) -> Vec<TraceEvent> {
    let (_, run) = s.run(opts()).expect("the scenario runs");
    run.trace().events().to_vec()
}

/// (time, observer) of every suspicion of `node`.
fn suspicions_of(events: &[TraceEvent], node: NodeId) -> Vec<(u64, NodeId)> {
    let text = format!("suspects {node}:");
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Note { node: by, text: t } if t.starts_with(&text) => Some((e.at.0, *by)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_live_cluster_on_a_calm_network_is_never_suspected() {
    let events = events(&cluster(
        PhiAccrualParams::default(),
        NetConfig::default(),
        Vec::new(),
    ));
    for n in 0..4 {
        assert_eq!(suspicions_of(&events, NodeId(n)), Vec::new());
    }
}

#[test]
fn every_live_peer_suspects_a_crashed_node_within_a_few_intervals() {
    let crash_at = 1_000_000;
    let events = events(&cluster(
        PhiAccrualParams::default(),
        jittery(),
        vec![at(crash_at, Fault::Crash { node: NodeId(2) })],
    ));
    let found = suspicions_of(&events, NodeId(2));
    let observers: Vec<NodeId> = found.iter().map(|f| f.1).collect();
    for n in [0, 1, 3] {
        assert!(
            observers.contains(&NodeId(n)),
            "n{n} never suspects n2: {found:?}"
        );
    }
    let latest = found.iter().map(|f| f.0).max().unwrap();
    assert!(
        found.iter().all(|f| f.0 > crash_at),
        "suspected before the crash: {found:?}"
    );
    // The interval is 50 ms; φ passes 8 a few deviations past the mean.
    assert!(
        latest - crash_at < 400_000,
        "detection took {} µs",
        latest - crash_at
    );
}

#[test]
fn a_paused_node_is_suspected_as_a_crashed_one_would_be_then_heard_again() {
    let events = events(&cluster(
        PhiAccrualParams::default(),
        jittery(),
        vec![at(
            800_000,
            Fault::Pause {
                node: NodeId(1),
                duration_us: 500_000,
            },
        )],
    ));
    let found = suspicions_of(&events, NodeId(1));
    assert!(found.len() >= 3, "the pause fooled no one: {found:?}");
    assert!(events.iter().any(|e| matches!(&e.kind,
        EventKind::Note { text, .. } if text == "hears n1 again: suspecting it was wrong")));
}

#[test]
fn a_lower_threshold_suspects_sooner_and_wrongly_more_often() {
    let crash_at = 1_000_000;
    // (µs from the crash to the first suspicion of n0, suspicions of n0 before it crashed)
    let run = |threshold_tenths: u32| {
        let events = events(&cluster(
            PhiAccrualParams {
                threshold_tenths,
                ..PhiAccrualParams::default()
            },
            jittery(),
            vec![at(crash_at, Fault::Crash { node: NodeId(0) })],
        ));
        let found = suspicions_of(&events, NodeId(0));
        let detected = found.iter().map(|f| f.0).filter(|t| *t > crash_at).min();
        let wrong = found.iter().filter(|f| f.0 <= crash_at).count();
        (detected.expect("the crash is suspected") - crash_at, wrong)
    };
    let (low, default, high) = (run(10), run(80), run(160));
    assert!(
        low.0 <= default.0 && default.0 <= high.0,
        "{low:?} {default:?} {high:?}"
    );
    assert!(low.0 < high.0, "{low:?} {high:?}");
    // φ = 1 is a one-in-ten guess: on a jittery link it suspects live peers; φ = 16 does not.
    assert!(low.1 > 0 && high.1 == 0, "{low:?} {high:?}");
}

#[test]
fn the_golden_runs_replay_to_the_same_digest() {
    use netsplit_core::protocols::phi_accrual::schedules::phi_crash_and_pause;
    for seed in 0..4 {
        let s = phi_crash_and_pause(seed);
        let (a, _) = s.run(opts()).unwrap();
        let (b, _) = s.run(opts()).unwrap();
        assert_eq!(a.digest, b.digest, "seed {seed}");
    }
}

#[test]
fn bad_parameters_are_refused_with_a_reason() {
    let bad = |p: PhiAccrualParams| p.validate(4).unwrap_err();
    assert!(bad(PhiAccrualParams {
        window: 0,
        ..PhiAccrualParams::default()
    })
    .contains("window"));
    assert!(bad(PhiAccrualParams {
        threshold_tenths: 0,
        ..PhiAccrualParams::default()
    })
    .contains("threshold"));
    assert!(bad(PhiAccrualParams {
        interval_us: 0,
        ..PhiAccrualParams::default()
    })
    .contains("interval"));
    assert!(PhiAccrualParams::default().validate(1).is_err());
}

/// The plot's marks: every suspicion the nodes note is marked, right only where the suspected
/// node had crashed. A paused node is alive, so suspecting it is a mistake, as is the paused
/// node's own suspicion of everyone when it wakes.
#[test]
fn each_suspicion_is_marked_right_for_a_crashed_node_and_wrong_for_a_paused_one() {
    use netsplit_core::panels::Panel;
    let scenario = cluster(
        PhiAccrualParams::default(),
        NetConfig::default(),
        vec![
            at(
                400_000,
                Fault::Pause {
                    node: NodeId(1),
                    duration_us: 300_000,
                },
            ),
            at(1_200_000, Fault::Crash { node: NodeId(2) }),
        ],
    );
    let (_, run) = scenario.run(opts()).expect("the scenario runs");
    let noted: usize = (0..4)
        .map(|n| suspicions_of(run.trace().events(), NodeId(n)).len())
        .sum();
    let marks = run
        .panels()
        .into_iter()
        .find_map(|p| match p {
            Panel::Series { suspicions, .. } => Some(suspicions),
            _ => None,
        })
        .expect("the φ plot");
    assert_eq!(marks.len(), noted, "one mark per suspicion noted");
    for m in &marks {
        // Perfect clocks here, so a node's clock is true time.
        assert_eq!(
            m.right,
            m.about == NodeId(2) && m.at_us >= 1_200_000,
            "{m:?}"
        );
    }
    assert!(marks.iter().filter(|m| m.right).count() == 3, "{marks:?}");
    assert!(
        marks.iter().any(|m| !m.right && m.about == NodeId(1)),
        "{marks:?}"
    );
    assert!(
        marks.iter().any(|m| !m.right && m.node == NodeId(1)),
        "{marks:?}"
    );
}
