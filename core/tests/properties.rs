//! Seed sweeps over the simulator's own promises, under a random nemesis.
//!
//! `NETSPLIT_SEEDS=N` sets how many seeds (default 300); `NETSPLIT_SEED=S` reruns one seed.
//! A failure names the seed and the command that reruns it.

use netsplit_core::protocols::heartbeat::schedules::heartbeat_under_nemesis;
use netsplit_core::{EventKind, MsgId, NodeId, SimOptions, SimTime};
use std::collections::{BTreeMap, BTreeSet};

fn seeds() -> Vec<u64> {
    if let Some(one) = std::env::var("NETSPLIT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        return vec![one];
    }
    let n = std::env::var("NETSPLIT_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    (0..n).collect()
}

/// Checks one run; returns what was broken, if anything.
fn check_run(seed: u64) -> Result<(), String> {
    let s = heartbeat_under_nemesis(seed);
    let (_, runner) = s.run(SimOptions {
        trace_cap: usize::MAX,
        check_invariants: true,
    })?;
    let mut last = SimTime::ZERO;
    let mut sent: BTreeMap<MsgId, (SimTime, NodeId, NodeId)> = BTreeMap::new();
    let mut down: BTreeSet<NodeId> = BTreeSet::new();
    for e in runner.trace().events() {
        if e.at < last {
            return Err(format!(
                "time went backwards at step {}: {} after {}",
                e.step, e.at, last
            ));
        }
        last = e.at;
        match &e.kind {
            EventKind::Sent { from, to, msg, .. } => {
                if down.contains(from) {
                    return Err(format!("crashed node {from} sent {msg} at step {}", e.step));
                }
                sent.insert(*msg, (e.at, *from, *to));
            }
            EventKind::Delivered {
                from,
                to,
                msg,
                sent_at,
                ..
            } => {
                let Some((at, f, t)) = sent.get(msg) else {
                    return Err(format!("{msg} delivered at step {} but never sent", e.step));
                };
                if (at, f, t) != (sent_at, from, to) {
                    return Err(format!(
                        "{msg} delivered with the wrong origin at step {}",
                        e.step
                    ));
                }
                if down.contains(to) {
                    return Err(format!(
                        "{msg} delivered to crashed {to} at step {}",
                        e.step
                    ));
                }
            }
            EventKind::TimerFired { node, .. } if down.contains(node) => {
                return Err(format!("timer fired on crashed {node} at step {}", e.step));
            }
            EventKind::Crashed { node } => {
                down.insert(*node);
            }
            EventKind::Restarted { node } => {
                down.remove(node);
            }
            _ => {}
        }
    }
    Ok(())
}

#[test]
fn nothing_happens_on_a_crashed_node_and_every_delivery_was_sent_first() {
    for seed in seeds() {
        if let Err(e) = check_run(seed) {
            panic!("seed {seed}: {e}\nrerun: NETSPLIT_SEED={seed} cargo test -p netsplit-core --test properties");
        }
    }
}
