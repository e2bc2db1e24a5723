//! What a node remembers, split as Figure 2 splits it: the durable state a server persists before
//! it answers (term, vote, log), which a crash keeps, and the volatile state in memory (role,
//! commit index, the state machine, a leader's replication progress), which a crash loses.
//!
//! Making the split two types keeps "crash and restart" honest: the simulator drops
//! [`Volatile`] and boots the node again from its [`Durable`]. A client's progress is durable
//! too, so a restarted client picks up its own commands where it was.

use super::log::Log;
use crate::client::OpId;
use crate::id::{NodeId, TimerId};
use std::fmt;

/// What a client asks the cluster to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Request {
    /// Set `key` to `value`.
    Put {
        /// Key.
        key: char,
        /// Value.
        value: i64,
    },
    /// Read `key`.
    Get {
        /// Key.
        key: char,
    },
}

impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Request::Put { key, value } => write!(f, "{key}={value}"),
            Request::Get { key } => write!(f, "get {key}"),
        }
    }
}

/// A command waiting in a client's queue: what, and the operation of the run's history it is.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Queued {
    /// What it asks.
    pub request: Request,
    /// Its operation in the history.
    pub op: OpId,
}

/// A command a client sent and has not yet seen applied.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Pending {
    /// Sequence number.
    pub seq: u64,
    /// What it asks.
    pub request: Request,
    /// Its operation in the history, completed when the answer comes.
    pub op: OpId,
}

/// A client's state, kept durable so that a restarted client picks up where it was.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Client {
    /// True on client nodes (set when they first boot).
    pub is_client: bool,
    /// The next sequence number to use (from 1).
    pub next_seq: u64,
    /// Commands of its own issued so far.
    pub issued: u32,
    /// Commands waiting to be sent, oldest first.
    pub queue: Vec<Queued>,
    /// The command in flight.
    pub pending: Option<Pending>,
    /// Commands acknowledged as committed, in order.
    pub acked: Vec<Pending>,
}

/// What a server persists before acting (Figure 2), and a client's progress.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Durable {
    /// The latest term this server has seen.
    pub term: u64,
    /// Whom it voted for in `term`.
    pub voted_for: Option<NodeId>,
    /// The log; entry `i` (1-based) is `log[i - 1]`.
    pub log: Log,
    /// Used only on client nodes.
    pub client: Client,
}

/// A node's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Follows a leader, or waits for one.
    Follower,
    /// Asks for votes.
    Candidate,
    /// Leads its term.
    Leader,
    /// Not a server: sends commands.
    Client,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Follower => "follower",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
            Role::Client => "client",
        })
    }
}

/// What a server keeps in memory (Figure 2, "volatile state").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Volatile {
    /// Follower, candidate, leader (or client).
    pub role: Role,
    /// The leader of the current term, once known.
    pub leader: Option<NodeId>,
    /// Highest index known to be committed.
    pub commit_index: u64,
    /// Highest index applied to the state machine.
    pub last_applied: u64,
    /// The state machine: a key-value map.
    pub kv: Vec<(char, i64)>,
    /// Highest command applied per client, so a retried command is applied once.
    pub sessions: Vec<(NodeId, u64)>,
    /// Votes received as a candidate.
    pub votes: Vec<NodeId>,
    /// Leader: the next index to send to each server.
    pub next_index: Vec<u64>,
    /// Leader: the highest index known replicated on each server.
    pub match_index: Vec<u64>,
    /// Leader: which client to answer when an index is applied.
    pub waiting: Vec<(u64, (NodeId, u64))>,
    pub(super) election_timer: Option<TimerId>,
    pub(super) heartbeat_timer: Option<TimerId>,
    pub(super) retry_timer: Option<TimerId>,
    /// Client: the server it will send to.
    pub leader_guess: Option<NodeId>,
}

impl Volatile {
    /// A node that has just booted: no leader known, nothing committed, empty progress for
    /// `servers` servers.
    pub(super) fn new(role: Role, servers: u32) -> Self {
        Volatile {
            role,
            leader: None,
            commit_index: 0,
            last_applied: 0,
            kv: Vec::new(),
            sessions: Vec::new(),
            votes: Vec::new(),
            next_index: vec![1; servers as usize],
            match_index: vec![0; servers as usize],
            waiting: Vec::new(),
            election_timer: None,
            heartbeat_timer: None,
            retry_timer: None,
            leader_guess: None,
        }
    }
}

/// The highest command of `client` applied (0 for none).
///
/// The state machine's sessions (§8) make a retried command, which may reach the log twice,
/// take effect once.
pub(super) fn session(sessions: &[(NodeId, u64)], client: NodeId) -> u64 {
    sessions.iter().find(|s| s.0 == client).map_or(0, |s| s.1)
}

/// Records that `client`'s command `seq` is applied.
pub(super) fn set_session(sessions: &mut Vec<(NodeId, u64)>, client: NodeId, seq: u64) {
    match sessions.iter_mut().find(|s| s.0 == client) {
        Some(s) => s.1 = seq,
        None => sessions.push((client, seq)),
    }
}
