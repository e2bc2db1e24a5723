//! The FLP lesson's sentences, checked against its own scenarios: what the prose and the quiz say
//! the runs do, they do.

use netsplit_core::protocols::flp::explore::{initial, Graph, Valence};
use netsplit_core::protocols::flp::model::{Coin, Shape};
use netsplit_core::protocols::flp::{Flp, FlpParams};
use netsplit_core::time::SimTime;
use netsplit_core::{Lab, ProtocolSpec, Scenario, Sim, SimOptions};

fn scenario(id: &str) -> Scenario {
    let lesson = netsplit_lessons::lesson("flp").expect("the FLP lesson is written");
    lesson
        .scenario(id)
        .unwrap_or_else(|| panic!("no scenario {id}"))
        .scenario
        .clone()
}

fn params(s: &Scenario) -> FlpParams {
    match &s.protocol {
        ProtocolSpec::Flp(p) => p.clone(),
        other => panic!("not FLP: {other:?}"),
    }
}

fn run(s: &Scenario) -> Sim<Flp> {
    let opts = SimOptions {
        trace_cap: usize::MAX,
        check_invariants: true,
    };
    let mut sim = s.sim(Flp::reference(&params(s)), opts);
    sim.run_until(SimTime(s.duration_us), s.max_steps);
    sim
}

/// Every decision made, as `(process, value)`.
fn decisions(sim: &Sim<Flp>) -> Vec<(u32, u8)> {
    sim.node_refs()
        .iter()
        .filter_map(|n| Some((n.id.0, n.volatile?.decided?)))
        .collect()
}

fn valence(inputs: &[u8]) -> Valence {
    let shape = Shape {
        n: 3,
        coin: Coin::Fixed,
    };
    Graph::explore(&shape, &initial(&shape, inputs), 3, 1_000_000).valence(0)
}

#[test]
fn the_machine_adversary_keeps_seed_one_undecided_for_its_whole_run_through_round_eleven() {
    let s = scenario("machine-adversary");
    let sim = run(&s);
    assert!(decisions(&sim).is_empty());
    assert_eq!(sim.violations().count(), 0);
    assert!(sim.steps() >= 120, "{} steps", sim.steps());
    let furthest = sim
        .node_refs()
        .iter()
        .filter_map(|n| n.volatile.map(|p| p.round))
        .max();
    assert_eq!(furthest, Some(11));
}

#[test]
fn the_fair_coin_decides_against_the_same_adversary_within_four_seconds() {
    let s = scenario("fair-coin");
    let sim = run(&s);
    let d = decisions(&sim);
    assert_eq!(d.len(), 3, "{d:?}");
    assert!(d.iter().all(|(_, v)| *v == d[0].1));
    let mut early = s.clone();
    early.duration_us = 4_000_000;
    assert_eq!(decisions(&run(&early)).len(), 3, "decided by 4 s");
}

#[test]
fn with_one_process_crashed_the_survivors_decide_zero_whatever_its_input() {
    let s = scenario("one-crash");
    let mut other = s.clone();
    let mut p = params(&s);
    p.inputs = "001".into();
    other.protocol = ProtocolSpec::Flp(p);
    let (a, b) = (run(&s), run(&other));
    assert_eq!(decisions(&a), vec![(0, 0), (2, 0)]);
    assert_eq!(decisions(&b), decisions(&a));
    // What the survivors saw and did: every delivery to them and every note they made.
    let seen = |sim: &Sim<Flp>| -> Vec<String> {
        sim.trace()
            .events()
            .iter()
            .map(|e| format!("{:?}", e.kind))
            .filter(|k| k.starts_with("Delivered") || k.starts_with("Note"))
            .collect()
    };
    assert!(!seen(&a).is_empty());
    assert_eq!(
        seen(&a),
        seen(&b),
        "the survivors cannot tell the two inputs apart"
    );
}

#[test]
fn the_initial_valences_the_prose_lists_are_what_the_explorer_finds() {
    assert_eq!(valence(&[0, 0, 0]), Valence::Zero { exact: true });
    assert_eq!(valence(&[0, 0, 1]), Valence::Zero { exact: true });
    assert_eq!(valence(&[0, 1, 1]), Valence::Bivalent);
    assert_eq!(valence(&[1, 1, 1]), Valence::One { exact: true });
    let start = params(&scenario("initial-configurations"));
    assert_eq!(start.inputs, "001");
    assert_eq!(params(&scenario("you-schedule")).inputs, "011");
}

#[test]
fn the_adversary_keeps_the_gst_run_undecided_until_the_network_turns_timely_and_it_decides_soon_after(
) {
    let s = scenario("gst");
    let sim = run(&s);
    assert_eq!(sim.violations().count(), 0);
    let decided_at = sim
        .trace()
        .events()
        .iter()
        .find(|e| matches!(&e.kind, netsplit_core::trace::EventKind::Note { text, .. } if text.starts_with("decides")))
        .map(|e| e.at.0)
        .expect("the run decides after GST");
    assert!(
        (3_000_000..3_100_000).contains(&decided_at),
        "first decision at {decided_at} µs: after GST at 3 s, within a few dozen ms"
    );
    assert_eq!(decisions(&sim).len(), 3, "every process decides");
}

#[test]
fn the_machine_adversarys_run_is_bivalent_at_every_configuration_on_its_path() {
    let sim = run(&scenario("machine-adversary"));
    let path = sim.monitor();
    assert!(path.total >= 120, "{} configurations", path.total);
    assert_eq!(path.bivalent_run, path.total, "{}", path.summary());
    assert!(path.fixed.is_none());
    assert!(path
        .summary()
        .starts_with("Bivalent at the start and after each of the"));
    // The path names each step: the start is gone from the latest points, deliveries remain.
    assert!(path.points.iter().all(|p| p.what.contains(" → ")));
}

#[test]
fn after_gst_the_runs_outcome_becomes_fixed_before_any_process_decides() {
    let sim = run(&scenario("gst"));
    let path = sim.monitor();
    let fixed = path
        .fixed
        .as_ref()
        .expect("the run turns univalent after GST");
    let decided = path.decided_at.expect("a process decides");
    assert!(
        fixed.deliveries < decided,
        "fixed at {}, decided at {decided}",
        fixed.deliveries
    );
    assert!(path
        .summary()
        .starts_with("The outcome was fixed at delivery"));
}
