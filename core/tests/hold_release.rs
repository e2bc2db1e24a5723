//! Held messages, the asynchronous model and schedulers: the adversary decides what happens next.

mod common;

use common::{at, opts};
use netsplit_core::adversary::{play, starve::Starve};
use netsplit_core::protocols::heartbeat::Heartbeat;
use netsplit_core::sim::Held;
use netsplit_core::trace::EventKind;
use netsplit_core::{Fault, NodeId, PlannedFault, Scenario, SimTime};

const N0: NodeId = NodeId(0);
const N1: NodeId = NodeId(1);
const N2: NodeId = NodeId(2);

/// The shared three-node heartbeat cluster, with this file's seed.
fn heartbeat(faults: Vec<PlannedFault>) -> Scenario {
    common::heartbeat(5, faults)
}

/// (time, message id) of every delivery from `from` to `to`.
fn deliveries(events: &[netsplit_core::TraceEvent], from: NodeId, to: NodeId) -> Vec<(u64, u64)> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Delivered {
                from: f,
                to: t,
                msg,
                ..
            } if *f == from && *t == to => Some((e.at.0, msg.0)),
            _ => None,
        })
        .collect()
}

#[test]
fn messages_on_a_held_link_wait_until_released_then_arrive_in_the_order_they_came_due() {
    let s = heartbeat(vec![
        at(100_000, Fault::Hold { from: N0, to: N1 }),
        at(400_000, Fault::Release { from: N0, to: N1 }),
    ]);
    let (_, run) = s.run(opts()).unwrap();
    let events = run.trace().events();
    let held = deliveries(events, N0, N1);
    assert!(
        !held.iter().any(|(t, _)| (100_001..400_000).contains(t)),
        "{held:?}"
    );
    let released: Vec<u64> = held
        .iter()
        .filter(|(t, _)| *t == 400_000)
        .map(|(_, m)| *m)
        .collect();
    assert!(
        released.len() >= 4,
        "the held pings arrive at the release: {held:?}"
    );
    assert!(released.windows(2).all(|w| w[0] < w[1]), "{released:?}");
    // The other direction and the other links were never held.
    assert!(deliveries(events, N1, N0)
        .iter()
        .any(|(t, _)| (100_001..400_000).contains(t)));
    // And the run replays to the same digest.
    assert_eq!(s.run(opts()).unwrap().0.digest, run.trace().digest());
}

#[test]
fn in_the_asynchronous_model_nothing_happens_until_it_is_chosen() {
    let s = heartbeat(vec![at(0, Fault::Asynchronous)]);
    let mut sim = s.sim(Heartbeat::default(), opts());
    sim.run_until(SimTime(1_000_000), 10_000);
    // The fault is the only step: every boot-time ping and timer waits.
    assert_eq!(sim.steps(), 1);
    let held = sim.held();
    let first_msg = held.iter().find_map(|h| match h {
        Held::Message(m) => Some(m.clone()),
        Held::Timer { .. } => None,
    });
    let first_msg = first_msg.expect("the boot-time pings are held");
    assert!(first_msg.held);
    assert!(held.iter().any(|h| matches!(h, Held::Timer { .. })));
    // Choosing one message makes exactly that one arrive, in one step.
    sim.schedule(&[at(1_000_001, Fault::Deliver { msg: first_msg.msg })]);
    sim.run_until(SimTime(2_000_000), 10_000);
    let delivered: Vec<_> = sim
        .trace()
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Delivered { .. }))
        .collect();
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    assert_eq!(sim.held().len(), held.len() - 1);
    // A message that is not held is refused with a note, not a panic.
    sim.schedule(&[at(2_000_001, Fault::Deliver { msg: first_msg.msg })]);
    sim.run_until(SimTime(3_000_000), 10_000);
    assert!(sim
        .trace()
        .events()
        .iter()
        .any(|e| e.to_string().contains("is not held")));
}

#[test]
fn a_scheduler_that_starves_a_node_replays_from_its_played_scenario_without_it() {
    let s = heartbeat(vec![at(0, Fault::Asynchronous)]);
    let mut sim = s.sim(Heartbeat::default(), opts());
    let mut played = s.clone();
    let mut starve = Starve::new(N2, 300);
    play(
        &mut sim,
        &mut starve,
        &mut played,
        SimTime(60_000_000),
        50_000,
    );
    let events = sim.trace().events();
    let release = events
        .iter()
        .position(|e| e.to_string().contains("all released"))
        .expect("the scheduler ends by releasing everything");
    let before = &events[..release];
    let to_victim = |e: &&netsplit_core::TraceEvent| {
        matches!(e.kind, EventKind::Delivered { to, .. } if to == N2)
            || matches!(e.kind, EventKind::TimerFired { node, .. } if node == N2)
    };
    assert_eq!(before.iter().filter(to_victim).count(), 0);
    assert!(
        before
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Delivered { .. }))
            .count()
            > 100
    );
    // The others suspect n2, which never crashed: in an asynchronous system slow is crashed.
    assert!(before.iter().any(|e| e.to_string().contains("suspects n2")));
    // The played scenario (its chosen deliveries and fires as planned faults) replays exactly.
    let digest = sim.trace().digest();
    let mut replay = played.sim(Heartbeat::default(), opts());
    replay.run_until(sim.now(), 50_000);
    assert_eq!(replay.trace().digest(), digest);
}
