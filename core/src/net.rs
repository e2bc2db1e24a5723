//! The simulated network: latency ranges, loss, duplication and partitions.
//!
//! Reordering is not a separate knob: two messages on the same link draw
//! independent latencies, so a later one can overtake an earlier one, as on a
//! real network without per-link FIFO.

use crate::id::NodeId;
use crate::rng::Ratio;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// How one direction of a link behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetConfig {
    /// Fastest one-way delivery, in microseconds.
    pub latency_us_min: u64,
    /// Slowest one-way delivery, in microseconds.
    pub latency_us_max: u64,
    /// Chance that a message is lost.
    pub drop: Ratio,
    /// Chance that a delivered message arrives twice.
    pub duplicate: Ratio,
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig {
            latency_us_min: 5_000,
            latency_us_max: 15_000,
            drop: Ratio::ZERO,
            duplicate: Ratio::ZERO,
        }
    }
}

impl NetConfig {
    /// The settings in a few words (`latency 100..500us drop 5% duplicate 0%`): the trace's
    /// text, so changing it changes every digest that records a network change.
    pub fn describe(&self) -> String {
        format!(
            "latency {}..{}us drop {} duplicate {}",
            self.latency_us_min, self.latency_us_max, self.drop, self.duplicate
        )
    }

    /// Checks the settings make sense, naming the bad one.
    pub fn validate(&self) -> Result<(), String> {
        if self.latency_us_min > self.latency_us_max {
            return Err(format!(
                "latency_us_min ({}) is more than latency_us_max ({})",
                self.latency_us_min, self.latency_us_max
            ));
        }
        Ratio::new(self.drop.num, self.drop.den).map_err(|e| format!("drop: {e}"))?;
        Ratio::new(self.duplicate.num, self.duplicate.den)
            .map_err(|e| format!("duplicate: {e}"))?;
        Ok(())
    }
}

/// The network between `size` nodes: a default link, per-direction overrides and blocked directions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Network {
    size: u32,
    default: NetConfig,
    links: BTreeMap<(NodeId, NodeId), NetConfig>,
    blocked: BTreeSet<(NodeId, NodeId)>,
}

impl Network {
    /// A fully connected network of `size` nodes where every link behaves like `default`.
    pub fn new(size: u32, default: NetConfig) -> Self {
        Network {
            size,
            default,
            links: BTreeMap::new(),
            blocked: BTreeSet::new(),
        }
    }

    /// How messages from `from` to `to` behave.
    pub fn config(&self, from: NodeId, to: NodeId) -> &NetConfig {
        self.links.get(&(from, to)).unwrap_or(&self.default)
    }

    /// The settings every link without an override uses.
    pub fn default_config(&self) -> &NetConfig {
        &self.default
    }

    /// True if messages from `from` cannot reach `to`.
    pub fn is_blocked(&self, from: NodeId, to: NodeId) -> bool {
        self.blocked.contains(&(from, to))
    }

    /// Every blocked direction, in order.
    pub fn blocked(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.blocked.iter().copied()
    }

    /// Replaces the settings of every link (and drops per-link overrides).
    pub fn set_default(&mut self, config: NetConfig) {
        self.default = config;
        self.links.clear();
    }

    /// Overrides one direction of one link.
    pub fn set_link(&mut self, from: NodeId, to: NodeId, config: NetConfig) {
        self.links.insert((from, to), config);
    }

    /// Splits the cluster: nodes in different groups cannot talk; nodes in no group are cut from all.
    pub fn partition(&mut self, groups: &[Vec<NodeId>]) {
        let group_of = |n: NodeId| groups.iter().position(|g| g.contains(&n));
        for a in (0..self.size).map(NodeId) {
            for b in (0..self.size).map(NodeId) {
                if a != b && (group_of(a).is_none() || group_of(a) != group_of(b)) {
                    self.blocked.insert((a, b));
                }
            }
        }
    }

    /// Blocks one direction only: `from` can no longer reach `to`, but `to` still reaches `from`.
    pub fn block_one_way(&mut self, from: NodeId, to: NodeId) {
        self.blocked.insert((from, to));
    }

    /// Cuts the link between `a` and `b` in both directions.
    pub fn cut(&mut self, a: NodeId, b: NodeId) {
        self.blocked.insert((a, b));
        self.blocked.insert((b, a));
    }

    /// Restores the link between `a` and `b` in both directions.
    pub fn repair(&mut self, a: NodeId, b: NodeId) {
        self.blocked.remove(&(a, b));
        self.blocked.remove(&(b, a));
    }

    /// Cuts `node` off from every other node.
    pub fn isolate(&mut self, node: NodeId) {
        for other in (0..self.size).map(NodeId).filter(|o| *o != node) {
            self.cut(node, other);
        }
    }

    /// Removes every partition and cut (latency and loss settings stay).
    pub fn heal(&mut self) {
        self.blocked.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_blocks_only_across_groups() {
        let mut net = Network::new(3, NetConfig::default());
        net.partition(&[vec![NodeId(0), NodeId(1)], vec![NodeId(2)]]);
        assert!(!net.is_blocked(NodeId(0), NodeId(1)));
        assert!(net.is_blocked(NodeId(0), NodeId(2)));
        assert!(net.is_blocked(NodeId(2), NodeId(1)));
        net.heal();
        assert_eq!(net.blocked().count(), 0);
    }

    #[test]
    fn one_way_block_leaves_the_reverse_open() {
        let mut net = Network::new(2, NetConfig::default());
        net.block_one_way(NodeId(0), NodeId(1));
        assert!(net.is_blocked(NodeId(0), NodeId(1)));
        assert!(!net.is_blocked(NodeId(1), NodeId(0)));
    }

    #[test]
    fn inverted_latency_range_is_rejected() {
        let cfg = NetConfig {
            latency_us_min: 10,
            latency_us_max: 5,
            ..NetConfig::default()
        };
        assert!(cfg.validate().unwrap_err().contains("latency_us_min"));
    }
}
