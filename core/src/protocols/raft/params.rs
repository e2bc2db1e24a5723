//! The knobs of a Raft cluster: its timing (§5.2's election timeouts, the leader's heartbeat),
//! its size, the clients' workload, and an optional built-in flaw for a lesson.
//!
//! The parameters are data (a scenario's TOML and its share link carry them), so a scenario checks
//! them with [`RaftParams::validate`] before any node boots, and the message names the bad one.

use super::rules::Flaw;
use serde::{Deserialize, Serialize};

/// Timing, size and workload of a Raft cluster.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RaftParams {
    /// Shortest election timeout, on the server's own clock.
    pub election_timeout_us_min: u64,
    /// Longest election timeout.
    pub election_timeout_us_max: u64,
    /// Draw each timeout at random in the range (§5.2). When false every server waits exactly
    /// `election_timeout_us_min`, so servers that start together time out together: split votes.
    pub randomized_timeouts: bool,
    /// How often a leader sends `AppendEntries` (empty ones are heartbeats).
    pub heartbeat_us: u64,
    /// Most entries in one `AppendEntries`.
    pub max_entries_per_append: u32,
    /// A new leader appends an empty entry of its term at once (§8), which lets it commit
    /// entries of earlier terms without waiting for a client.
    pub noop_on_election: bool,
    /// How many of the nodes are clients (the last ids).
    pub clients: u32,
    /// Commands each client sends on its own (more come from the page's request control).
    pub commands: u32,
    /// Shortest gap between a client's own commands.
    pub command_gap_us_min: u64,
    /// Longest gap between a client's own commands.
    pub command_gap_us_max: u64,
    /// How long a client waits for an answer before trying another server.
    pub client_timeout_us: u64,
    /// A classic mistake to build in, for a lesson that shows what it breaks.
    pub flaw: Option<Flaw>,
}

impl Default for RaftParams {
    fn default() -> Self {
        RaftParams {
            election_timeout_us_min: 150_000,
            election_timeout_us_max: 300_000,
            randomized_timeouts: true,
            heartbeat_us: 50_000,
            max_entries_per_append: 16,
            noop_on_election: true,
            clients: 1,
            commands: 0,
            command_gap_us_min: 50_000,
            command_gap_us_max: 150_000,
            client_timeout_us: 200_000,
            flaw: None,
        }
    }
}

impl RaftParams {
    /// Checks the parameters for a cluster of `nodes` nodes (servers and clients), naming the bad one.
    pub fn validate(&self, nodes: u32) -> Result<(), String> {
        if self.clients > 2 {
            return Err(format!("clients must be 0, 1 or 2, not {}", self.clients));
        }
        let servers = nodes.saturating_sub(self.clients);
        if !(1..=9).contains(&servers) {
            return Err(format!(
                "raft needs 1..=9 servers besides its {} client(s), not {servers}",
                self.clients
            ));
        }
        if self.election_timeout_us_min == 0
            || self.election_timeout_us_min > self.election_timeout_us_max
        {
            return Err("need 0 < election_timeout_us_min <= election_timeout_us_max".into());
        }
        if self.heartbeat_us == 0 || self.heartbeat_us >= self.election_timeout_us_min {
            return Err(format!(
                "heartbeat_us ({}) must be more than 0 and less than election_timeout_us_min ({}), or followers time out while the leader is alive",
                self.heartbeat_us, self.election_timeout_us_min
            ));
        }
        if self.max_entries_per_append == 0 {
            return Err("max_entries_per_append must be more than 0".into());
        }
        if self.command_gap_us_min == 0 || self.command_gap_us_min > self.command_gap_us_max {
            return Err("need 0 < command_gap_us_min <= command_gap_us_max".into());
        }
        if self.client_timeout_us == 0 {
            return Err("client_timeout_us must be more than 0".into());
        }
        if self.commands > 1_000 {
            return Err(format!(
                "commands must be at most 1000, not {}",
                self.commands
            ));
        }
        Ok(())
    }

    /// The node counts these parameters allow.
    pub fn node_range(&self) -> (u32, u32) {
        (1 + self.clients, 9 + self.clients)
    }
}
