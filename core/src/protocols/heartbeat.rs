//! Heartbeats and a timeout failure detector: suspicion is a guess, not knowledge.
//!
//! Every node broadcasts a ping each `interval_us` and suspects a peer it has not
//! heard from for `timeout_us`. A slow link, a lossy link, a partition and a
//! crash all look the same from the inside: silence. So the detector wrongly
//! suspects live nodes (a false suspicion) and only eventually suspects crashed
//! ones. No timeout is both fast and never wrong in an asynchronous network.

pub mod schedules;

use crate::actor::{Ctx, Field, NodeRef, Protocol};
use crate::id::NodeId;
use crate::lab::Lab;
use crate::panels::{record_change, Panel};
use crate::scenario::Scenario;
use crate::time::SimDuration;
use serde::{Deserialize, Serialize};

/// Parameters of the heartbeat failure detector.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Heartbeat {
    /// How often each node pings everyone, on its own clock.
    pub interval_us: u64,
    /// Silence after which a peer is suspected, on the observer's own clock.
    pub timeout_us: u64,
}

impl Default for Heartbeat {
    fn default() -> Self {
        Heartbeat {
            interval_us: 50_000,
            timeout_us: 150_000,
        }
    }
}

impl Heartbeat {
    /// Checks the parameters, naming the bad one.
    pub fn validate(&self, nodes: u32) -> Result<(), String> {
        if !(1..=16).contains(&nodes) {
            return Err(format!("heartbeat needs 1..=16 nodes, not {nodes}"));
        }
        if self.interval_us == 0 || self.timeout_us == 0 {
            return Err("interval_us and timeout_us must be more than 0".into());
        }
        Ok(())
    }
}

/// A heartbeat.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// "I am alive" (the `seq`-th time since boot).
    Ping {
        /// Counts pings since this node last booted.
        seq: u64,
    },
}

/// What a timer means.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// Time to ping everyone.
    Beat,
    /// Time to look for silent peers.
    Check,
}

/// Persisted: how many times this node has booted, and its record of how many peers it
/// suspected when (kept across crashes, so the plot of a restarted node goes on).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Durable {
    /// Boot count, so a restart is visible.
    pub boots: u64,
    /// (local time in µs, peers suspected from then on), one point per change, the latest
    /// [`SUSPICION_POINTS`] kept.
    pub suspicion: Vec<(i64, u32)>,
}

/// How many changes of suspicion a node keeps for its plot.
pub const SUSPICION_POINTS: usize = 512;

/// Notes that `v`'s count of suspected peers is now what it is, at local time `now_us`.
fn record_suspicion(d: &mut Durable, v: &Volatile, now_us: i64) {
    let count = v.suspected.iter().filter(|s| **s).count() as u32;
    record_change(&mut d.suspicion, now_us, count, SUSPICION_POINTS);
}

/// In memory: when each peer was last heard, and whom we suspect.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Volatile {
    /// Pings sent since boot.
    pub seq: u64,
    /// Local time each peer was last heard from (boot time until then).
    pub last_heard_us: Vec<i64>,
    /// Peers currently suspected of having crashed.
    pub suspected: Vec<bool>,
}

impl Protocol for Heartbeat {
    type Msg = Msg;
    type Timer = Timer;
    type Durable = Durable;
    type Volatile = Volatile;
    type Monitor = ();

    fn boot(&self, durable: &mut Durable, ctx: &mut Ctx<'_, Self>) -> Volatile {
        durable.boots += 1;
        let n = ctx.cluster_size() as usize;
        let v = Volatile {
            seq: 1,
            last_heard_us: vec![ctx.now().as_us(); n],
            suspected: vec![false; n],
        };
        ctx.broadcast(Msg::Ping { seq: 1 });
        ctx.set_timer(SimDuration(self.interval_us), Timer::Beat);
        ctx.set_timer(SimDuration((self.timeout_us / 2).max(1)), Timer::Check);
        record_suspicion(durable, &v, ctx.now().as_us());
        v
    }

    fn on_message(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        from: NodeId,
        _msg: Msg,
        ctx: &mut Ctx<'_, Self>,
    ) {
        let i = from.index();
        if i >= v.last_heard_us.len() {
            return;
        }
        v.last_heard_us[i] = ctx.now().as_us();
        if v.suspected[i] {
            v.suspected[i] = false;
            ctx.note(format!("hears {from} again: suspecting it was wrong"));
            record_suspicion(d, v, ctx.now().as_us());
        }
    }

    fn on_timer(&self, d: &mut Durable, v: &mut Volatile, timer: Timer, ctx: &mut Ctx<'_, Self>) {
        match timer {
            Timer::Beat => {
                v.seq += 1;
                ctx.broadcast(Msg::Ping { seq: v.seq });
                ctx.set_timer(SimDuration(self.interval_us), Timer::Beat);
            }
            Timer::Check => {
                let now = ctx.now().as_us();
                for peer in 0..v.last_heard_us.len() {
                    let silent_us = now - v.last_heard_us[peer];
                    if peer != ctx.id().index()
                        && !v.suspected[peer]
                        && silent_us > self.timeout_us as i64
                    {
                        v.suspected[peer] = true;
                        ctx.suspect(NodeId(peer as u32));
                        ctx.note(format!("suspects n{peer}: silent for {}us", silent_us));
                    }
                }
                record_suspicion(d, v, now);
                ctx.set_timer(SimDuration((self.timeout_us / 2).max(1)), Timer::Check);
            }
        }
    }

    fn inspect(&self, _id: NodeId, durable: &Durable, volatile: Option<&Volatile>) -> Vec<Field> {
        let mut f = vec![Field::new("boots (durable)", durable.boots)];
        if let Some(v) = volatile {
            f.push(Field::new("pings sent", v.seq));
            f.push(Field::new("suspects", suspects(v)));
        }
        f
    }

    /// Peers suspected over time, one line per node, each on its own clock: false suspicions
    /// show as bumps that fall back when the peer is heard again.
    fn panels(&self, nodes: &[NodeRef<'_, Self>]) -> Vec<Panel> {
        let lines = nodes
            .iter()
            .map(|n| {
                let points = n
                    .durable
                    .suspicion
                    .iter()
                    .map(|&(t, c)| (t.max(0) as u64, i64::from(c)))
                    .collect();
                (n.id, points)
            })
            .collect();
        vec![Panel::Series {
            title: "Peers suspected, on each node's own clock".into(),
            unit: "peers".into(),
            lines,
            threshold: None,
            suspicions: Vec::new(),
        }]
    }

    fn badge(&self, _id: NodeId, _durable: &Durable, volatile: Option<&Volatile>) -> String {
        match volatile.map(|v| v.suspected.iter().filter(|s| **s).count()) {
            Some(n) if n > 0 => format!("suspects {n}"),
            _ => String::new(),
        }
    }
}

fn suspects(v: &Volatile) -> String {
    let list: Vec<String> = v
        .suspected
        .iter()
        .enumerate()
        .filter(|(_, s)| **s)
        .map(|(i, _)| format!("n{i}"))
        .collect();
    if list.is_empty() {
        "nobody".into()
    } else {
        list.join(", ")
    }
}

impl Lab for Heartbeat {
    const NAME: &'static str = "heartbeat";
    type Params = Heartbeat;

    fn reference(params: &Heartbeat) -> Self {
        params.clone()
    }

    fn validate(params: &Heartbeat, nodes: u32) -> Result<(), String> {
        params.validate(nodes)
    }

    const GOLDEN_SEEDS: u64 = 64;

    fn golden_runs(seed: u64) -> Vec<Scenario> {
        vec![
            crate::protocols::heartbeat::schedules::heartbeat_under_nemesis(seed),
            crate::protocols::heartbeat::schedules::heartbeat_with_pauses(seed),
        ]
    }
}
