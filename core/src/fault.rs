//! Faults as data: what a learner, a lesson script or a random nemesis can do to a cluster.

use crate::client::Input;
use crate::id::{MsgId, NodeId, TimerId};
use crate::net::NetConfig;
use crate::rng::{Ratio, Rng};
use serde::{Deserialize, Serialize};

crate::forms::two_forms! {
    /// One thing that goes wrong (or gets fixed). Written `{ kind = "crash", node = 1 }` in
    /// lesson and scenario files, by variant index in share links (`forms.rs` says why).
    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    pub enum Fault tagged "kind" {
        /// The node stops; it keeps only what it persisted.
        Crash {
            /// Which node.
            node: NodeId,
        },
        /// A crashed node starts again from its durable state.
        Restart {
            /// Which node.
            node: NodeId,
        },
        /// Nodes in different groups can no longer talk; nodes in no group are cut from all.
        Partition {
            /// The sides of the partition.
            groups: Vec<Vec<NodeId>>,
        },
        /// Messages from `from` to `to` are lost; the reverse direction still works.
        OneWay {
            /// The node whose messages are lost.
            from: NodeId,
            /// The node that stops hearing it.
            to: NodeId,
        },
        /// Cuts the link between two nodes in both directions.
        Cut {
            /// One end.
            a: NodeId,
            /// The other end.
            b: NodeId,
        },
        /// Restores the link between two nodes.
        Repair {
            /// One end.
            a: NodeId,
            /// The other end.
            b: NodeId,
        },
        /// Cuts one node off from all others.
        Isolate {
            /// Which node.
            node: NodeId,
        },
        /// Removes every partition and cut.
        Heal,
        /// New latency, loss and duplication for the link between two nodes, both directions.
        Link {
            /// One end.
            a: NodeId,
            /// The other end.
            b: NodeId,
            /// The new settings.
            config: NetConfig,
        },
        /// New latency, loss and duplication for every link.
        Network {
            /// The new settings.
            config: NetConfig,
        },
        /// Sets a node's clock to read `skew_us` ahead of true time (negative: behind).
        ClockSkew {
            /// Which node.
            node: NodeId,
            /// Offset from true time, in microseconds.
            skew_us: i64,
        },
        /// Makes a node's clock run fast (positive) or slow, in parts per million.
        ClockDrift {
            /// Which node.
            node: NodeId,
            /// Rate error in parts per million; 1000 ppm gains 1 ms per second.
            drift_ppm: i64,
        },
        /// Makes a node's protocol timeout expire now (in Raft: stand for election at once).
        /// Lets a learner line timers up by hand, as RaftScope's "time out" button does.
        ///
        /// Kept so that plans and links made before [`Fault::Input`] still read and replay the
        /// same; new plans write `Input { input: TimeoutNow }`.
        Timeout {
            /// Which node.
            node: NodeId,
        },
        /// Someone outside the cluster asks a node (a client) to write `key = value`.
        ///
        /// Kept so that plans and links made before [`Fault::Input`] still read and replay the
        /// same; new plans write `Input { input: Write { .. } }`.
        Request {
            /// Which node.
            node: NodeId,
            /// The key, one character.
            key: char,
            /// The value.
            value: i64,
        },
        /// Someone outside the cluster gives a node an input: a client operation (read, write,
        /// compare-and-set, ...) or "time out now" ([`crate::client::Input`]).
        Input {
            /// Which node.
            node: NodeId,
            /// What.
            input: Input,
        },
        /// Messages from `from` to `to` wait instead of arriving (an adversary holding them back)
        /// until released, or delivered one at a time with `Deliver`.
        Hold {
            /// The sender.
            from: NodeId,
            /// The addressee.
            to: NodeId,
        },
        /// Stops holding messages from `from` to `to`: what was held arrives now, oldest first.
        Release {
            /// The sender.
            from: NodeId,
            /// The addressee.
            to: NodeId,
        },
        /// The asynchronous model (FLP): from now on no message arrives and no timer fires on its
        /// own. Everything due waits until the scheduler (a learner, an adversary) picks it with
        /// `Deliver` or `Fire`: message delays are unbounded and a node cannot tell slow from
        /// crashed.
        Asynchronous,
        /// Ends every hold and the asynchronous model: everything held happens now, oldest first.
        ReleaseAll,
        /// The held message `msg` arrives now: the scheduler's choice of what happens next.
        Deliver {
            /// Which message.
            msg: MsgId,
        },
        /// The held timer `timer` fires now (if its node has not crashed or cancelled it since).
        Fire {
            /// Which timer.
            timer: TimerId,
        },
        /// The node stops for `duration_us` (a garbage-collection pause, a stalled VM) and then
        /// goes on: meanwhile none of its timers fire and no message or input reaches it; they
        /// wait and happen when it resumes, late but in order, with nothing lost. Unlike a crash
        /// it forgets nothing, and its clock runs on, so it wakes up to find time has passed.
        Pause {
            /// Which node.
            node: NodeId,
            /// How long, in microseconds of true time.
            duration_us: u64,
        },
    }
}

impl Fault {
    /// One fault of every kind, for tests that must cover every kind (both serde forms, the link
    /// format); an exhaustive match below keeps it complete when a kind is added.
    pub fn examples() -> Vec<Fault> {
        let (a, b) = (NodeId(0), NodeId(1));
        let config = NetConfig {
            latency_us_min: 10,
            latency_us_max: 20,
            drop: Ratio::percent(5),
            duplicate: Ratio::percent(1),
        };
        let all = vec![
            Fault::Crash { node: a },
            Fault::Restart { node: a },
            Fault::Partition {
                groups: vec![vec![a], vec![b]],
            },
            Fault::OneWay { from: a, to: b },
            Fault::Cut { a, b },
            Fault::Repair { a, b },
            Fault::Isolate { node: b },
            Fault::Heal,
            Fault::Link { a, b, config },
            Fault::Network { config },
            Fault::ClockSkew {
                node: a,
                skew_us: -5,
            },
            Fault::ClockDrift {
                node: b,
                drift_ppm: 100,
            },
            Fault::Timeout { node: a },
            Fault::Request {
                node: b,
                key: 'x',
                value: 3,
            },
            Fault::Input {
                node: b,
                input: Input::Write {
                    key: "x".into(),
                    value: 3,
                },
            },
            Fault::Hold { from: a, to: b },
            Fault::Release { from: a, to: b },
            Fault::Asynchronous,
            Fault::ReleaseAll,
            Fault::Deliver { msg: MsgId(4) },
            Fault::Fire { timer: TimerId(2) },
            Fault::Pause {
                node: b,
                duration_us: 500_000,
            },
        ];
        // An exhaustive match: a new kind must be added above.
        for f in &all {
            match f {
                Fault::Crash { .. }
                | Fault::Restart { .. }
                | Fault::Partition { .. }
                | Fault::OneWay { .. }
                | Fault::Cut { .. }
                | Fault::Repair { .. }
                | Fault::Isolate { .. }
                | Fault::Heal
                | Fault::Link { .. }
                | Fault::Network { .. }
                | Fault::ClockSkew { .. }
                | Fault::ClockDrift { .. }
                | Fault::Timeout { .. }
                | Fault::Request { .. }
                | Fault::Input { .. }
                | Fault::Hold { .. }
                | Fault::Release { .. }
                | Fault::Asynchronous
                | Fault::ReleaseAll
                | Fault::Deliver { .. }
                | Fault::Fire { .. }
                | Fault::Pause { .. } => {}
            }
        }
        all
    }

    /// The node and input of a fault that is an input to a node (`Input`, and the older
    /// `Timeout` and `Request`, read as the inputs they stand for); `None` for the others.
    pub fn as_input(&self) -> Option<(NodeId, Input)> {
        match self {
            Fault::Input { node, input } => Some((*node, input.clone())),
            Fault::Timeout { node } => Some((*node, Input::TimeoutNow)),
            Fault::Request { node, key, value } => Some((
                *node,
                Input::Write {
                    key: key.to_string(),
                    value: *value,
                },
            )),
            _ => None,
        }
    }

    /// A sentence about the fault for people: the page's status line and screen readers.
    pub fn describe(&self) -> String {
        let group = |g: &[NodeId]| {
            let names: Vec<String> = g.iter().map(NodeId::to_string).collect();
            names.join(" ")
        };
        match self {
            Fault::Crash { node } => format!("{node} crashed: it keeps only what it persisted."),
            Fault::Restart { node } => format!("{node} restarted from its durable state."),
            Fault::Partition { groups } => {
                let sides: Vec<String> = groups.iter().map(|g| group(g)).collect();
                format!("Partitioned into {{{}}}.", sides.join("} {"))
            }
            Fault::OneWay { from, to } => format!("{from}'s messages to {to} are lost."),
            Fault::Cut { a, b } => format!("Link {a}–{b} cut."),
            Fault::Repair { a, b } => format!("Link {a}–{b} repaired."),
            Fault::Isolate { node } => format!("{node} isolated from every other node."),
            Fault::Heal => "All links restored.".into(),
            Fault::Link { a, b, config } => format!("Link {a}–{b} now {}.", config.describe()),
            Fault::Network { config } => format!("Every link now {}.", config.describe()),
            Fault::ClockSkew { node, skew_us } => {
                format!("{node}'s clock set {} ms from true time.", ms3(*skew_us))
            }
            Fault::ClockDrift { node, drift_ppm } => {
                format!("{node}'s clock drift set to {drift_ppm} ppm.")
            }
            Fault::Timeout { node }
            | Fault::Input {
                node,
                input: Input::TimeoutNow,
            } => format!("{node}'s timeout expired now."),
            Fault::Request { node, key, value } => {
                format!("Client {node} asked to write {key}={value}.")
            }
            Fault::Input { node, input } => format!("Client {node} asked to {input}."),
            Fault::Hold { from, to } => format!("Messages from {from} to {to} are held back."),
            Fault::Release { from, to } => {
                format!("Messages from {from} to {to} flow again; the held ones arrive now.")
            }
            Fault::Asynchronous => {
                "Asynchronous: nothing arrives and no timer fires until you choose it.".into()
            }
            Fault::ReleaseAll => "Nothing is held any more; the held events happen now.".into(),
            Fault::Deliver { msg } => format!("Message {msg} delivered now, by choice."),
            Fault::Fire { timer } => format!("Timer {timer} fired now, by choice."),
            Fault::Pause { node, duration_us } => format!(
                "{node} paused for {} ms: nothing happens on it until then, and nothing is lost.",
                ms3(*duration_us as i64)
            ),
        }
    }

    /// Every node the fault names, for validation.
    pub fn nodes(&self) -> Vec<NodeId> {
        match self {
            Fault::Crash { node }
            | Fault::Restart { node }
            | Fault::Isolate { node }
            | Fault::ClockSkew { node, .. }
            | Fault::ClockDrift { node, .. }
            | Fault::Request { node, .. }
            | Fault::Input { node, .. }
            | Fault::Timeout { node }
            | Fault::Pause { node, .. } => vec![*node],
            Fault::OneWay { from: a, to: b }
            | Fault::Cut { a, b }
            | Fault::Repair { a, b }
            | Fault::Link { a, b, .. }
            | Fault::Hold { from: a, to: b }
            | Fault::Release { from: a, to: b } => {
                vec![*a, *b]
            }
            Fault::Partition { groups } => groups.iter().flatten().copied().collect(),
            Fault::Heal
            | Fault::Network { .. }
            | Fault::Asynchronous
            | Fault::ReleaseAll
            | Fault::Deliver { .. }
            | Fault::Fire { .. } => Vec::new(),
        }
    }

    /// Checks the fault against a cluster of `size` nodes.
    pub fn validate(&self, size: u32) -> Result<(), String> {
        if let Some(bad) = self.nodes().into_iter().find(|n| n.0 >= size) {
            return Err(format!(
                "names node {bad}, but the cluster has only {size} nodes (n0..n{})",
                size.saturating_sub(1)
            ));
        }
        if let Fault::Network { config } | Fault::Link { config, .. } = self {
            config.validate()?;
        }
        if let Fault::Input { input, .. } = self {
            input.validate()?;
        }
        if let Fault::Pause { duration_us, .. } = self {
            if *duration_us == 0 || *duration_us > MAX_PAUSE_US {
                return Err(format!(
                    "duration_us {duration_us} is outside 1..={MAX_PAUSE_US} (an hour)"
                ));
            }
        }
        if let Fault::ClockDrift { drift_ppm, .. } = self {
            if !(-500_000..=500_000).contains(drift_ppm) {
                return Err(format!("drift_ppm {drift_ppm} is outside -500000..=500000"));
            }
        }
        Ok(())
    }
}

/// The longest pause a fault may ask for: an hour of simulated time, far past any run.
pub const MAX_PAUSE_US: u64 = 3_600_000_000;

/// Microseconds as milliseconds with three decimals, in integers (no float formatting).
fn ms3(us: i64) -> String {
    let sign = if us < 0 { "-" } else { "" };
    let a = us.unsigned_abs();
    format!("{sign}{}.{:03}", a / 1000, a % 1000)
}

/// A fault applied at a given simulated time.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlannedFault {
    /// When, in microseconds of simulated time.
    pub at_us: u64,
    /// What.
    pub fault: Fault,
}

/// Settings for [`random_plan`], the seeded nemesis used by property tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NemesisConfig {
    /// Cluster size.
    pub nodes: u32,
    /// Faults happen in `0..horizon_us`; at `horizon_us` everything is healed and restarted.
    pub horizon_us: u64,
    /// How many faults to draw.
    pub faults: u32,
    /// The worst loss ratio a network change may set.
    pub max_drop: Ratio,
}

/// A random but seeded fault schedule: crashes, restarts, partitions, one-way cuts,
/// lossy and duplicating networks, then a full heal at the horizon.
pub fn random_plan(rng: &mut Rng, cfg: &NemesisConfig) -> Vec<PlannedFault> {
    let mut plan = Vec::new();
    let n = u64::from(cfg.nodes.max(1));
    let node = |rng: &mut Rng| NodeId(rng.below(n) as u32);
    for _ in 0..cfg.faults {
        let at_us = rng.below(cfg.horizon_us.max(1));
        let fault = match rng.below(7) {
            0 => Fault::Crash { node: node(rng) },
            1 => Fault::Restart { node: node(rng) },
            2 => {
                let mut groups = vec![Vec::new(), Vec::new()];
                for id in 0..cfg.nodes {
                    groups[rng.below(2) as usize].push(NodeId(id));
                }
                Fault::Partition { groups }
            }
            3 => Fault::OneWay {
                from: node(rng),
                to: node(rng),
            },
            4 => Fault::Heal,
            5 => Fault::Isolate { node: node(rng) },
            _ => Fault::Network {
                config: NetConfig {
                    latency_us_min: rng.between(100, 5_000),
                    latency_us_max: rng.between(5_000, 50_000),
                    drop: Ratio {
                        num: rng.below(u64::from(cfg.max_drop.num) + 1) as u32,
                        den: cfg.max_drop.den,
                    },
                    duplicate: Ratio {
                        num: rng.below(3) as u32,
                        den: 10,
                    },
                },
            },
        };
        plan.push(PlannedFault { at_us, fault });
    }
    plan.sort_by_key(|p| p.at_us);
    plan.push(PlannedFault {
        at_us: cfg.horizon_us,
        fault: Fault::Heal,
    });
    plan.push(PlannedFault {
        at_us: cfg.horizon_us,
        fault: Fault::Network {
            config: NetConfig::default(),
        },
    });
    for id in 0..cfg.nodes {
        plan.push(PlannedFault {
            at_us: cfg.horizon_us,
            fault: Fault::Restart { node: NodeId(id) },
        });
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fault_is_described_in_a_sentence_not_as_debug_output() {
        for f in Fault::examples() {
            let text = f.describe();
            assert!(text.ends_with('.'), "{text}");
            assert!(
                !text.contains('{') || text.starts_with("Partitioned"),
                "{text}"
            );
        }
        let skew = Fault::ClockSkew {
            node: NodeId(1),
            skew_us: -1500,
        };
        assert_eq!(skew.describe(), "n1's clock set -1.500 ms from true time.");
    }

    #[test]
    fn fault_naming_a_missing_node_is_rejected() {
        let err = Fault::Crash { node: NodeId(5) }.validate(3).unwrap_err();
        assert!(err.contains("n5"), "{err}");
    }

    #[test]
    fn random_plan_is_seeded_and_ends_healed() {
        let cfg = NemesisConfig {
            nodes: 5,
            horizon_us: 1_000_000,
            faults: 20,
            max_drop: Ratio::percent(30),
        };
        let a = random_plan(&mut Rng::new(9), &cfg);
        assert_eq!(a, random_plan(&mut Rng::new(9), &cfg));
        assert!(a.iter().all(|p| p.fault.validate(5).is_ok()));
        assert_eq!(
            a.iter()
                .rev()
                .take(5)
                .filter(|p| matches!(p.fault, Fault::Restart { .. }))
                .count(),
            5
        );
    }
}
