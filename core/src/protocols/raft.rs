//! Raft (Ongaro and Ousterhout, "In Search of an Understandable Consensus Algorithm", USENIX ATC
//! 2014), written from the paper's Figure 2.
//!
//! Servers are followers, candidates or leaders. A follower that hears nothing from a leader for
//! a randomized election timeout becomes a candidate for the next term and asks for votes (§5.2);
//! one with votes from a majority leads that term. The leader appends client commands to its log
//! and replicates them with `AppendEntries`, which a follower accepts only if its log holds the
//! entry just before the new ones (the consistency check, §5.3). An entry of the leader's own term
//! stored on a majority is committed, and so is everything before it (§5.3, §5.4.2); committed
//! entries are applied, in order, to a key-value state machine.
//!
//! The term, the vote and the log are durable: a crash keeps them (Figure 2, "persistent state on
//! all servers"). Role, commit index, state machine and replication progress are volatile: a
//! restarted server is a follower that learns the commit index again from the leader.
//!
//! The last [`RaftParams::clients`] node ids are clients, not servers. A client sends one `Put` at
//! a time, to the server it believes leads; a server that is not the leader answers with a
//! redirect naming the leader it knows of, and the client retries there, or, after a timeout,
//! somewhere else. A command retried after a lost reply may reach the log twice; the state machine
//! applies each (client, sequence number) once (§8).
//!
//! Three decisions are pluggable ([`rules::RaftRules`]) so that exercises can run a learner's
//! version inside this cluster and [`invariants`] can judge it.

mod exercises;
#[cfg(feature = "grader")]
mod grade;
pub mod invariants;
pub mod rules;

use crate::actor::{Ctx, Field, LogCell, LogView, NodeRef, Protocol, Violation};
use crate::id::{NodeId, TimerId};
use crate::lab::Lab;
use crate::scenario::Scenario;
use crate::time::{SimDuration, SimTime};
use invariants::RaftMonitor;
use rules::{term_at, Flaw, FlawedRules, LogEdit, PaperRules, RaftRules, VoteQuery};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::rc::Rc;

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

/// What a log entry asks the state machine to do.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    /// Nothing: a new leader's first entry (§8).
    Noop,
    /// Set `key` to `value`, the `seq`-th command of `client`.
    Put {
        /// Which key.
        key: char,
        /// Its new value.
        value: i64,
        /// Who asked.
        client: NodeId,
        /// The client's sequence number, so a retried command is applied once.
        seq: u64,
    },
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Noop => write!(f, "noop"),
            Command::Put { key, value, .. } => write!(f, "{key}={value}"),
        }
    }
}

/// One log entry: a command and the term in which a leader received it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Entry {
    /// The leader's term when the entry was created.
    pub term: u64,
    /// What to apply.
    pub command: Command,
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t{} {}", self.term, self.command)
    }
}

/// A server's log: entries that can only be appended or cut off at the end.
///
/// Those are the only two changes Raft makes to a log, and keeping them behind this type lets the
/// checkers follow a log step by step: a log whose `truncations` count is unchanged has only grown.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Log {
    entries: Vec<Entry>,
    truncations: u64,
}

impl Log {
    /// Appends one entry.
    pub fn push(&mut self, entry: Entry) {
        self.entries.push(entry);
    }

    /// Appends entries.
    pub fn extend_from_slice(&mut self, entries: &[Entry]) {
        self.entries.extend_from_slice(entries);
    }

    /// Keeps the first `len` entries (counted as a truncation only if something is removed).
    pub fn truncate(&mut self, len: usize) {
        if len < self.entries.len() {
            self.entries.truncate(len);
            self.truncations += 1;
        }
    }

    /// How many times entries were removed from the end.
    pub fn truncations(&self) -> u64 {
        self.truncations
    }

    /// Index of the last entry (0 for an empty log).
    pub fn last_index(&self) -> u64 {
        self.entries.len() as u64
    }

    /// Term of the last entry (0 for an empty log).
    pub fn last_term(&self) -> u64 {
        self.entries.last().map_or(0, |e| e.term)
    }
}

impl std::ops::Deref for Log {
    type Target = [Entry];
    fn deref(&self) -> &[Entry] {
        &self.entries
    }
}

impl From<Vec<Entry>> for Log {
    fn from(entries: Vec<Entry>) -> Self {
        Log {
            entries,
            truncations: 0,
        }
    }
}

/// Raft's messages (Figure 2), and the client's.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Msg {
    /// A candidate asks for a vote.
    RequestVote {
        /// The candidate's term.
        term: u64,
        /// Index of its last log entry.
        last_log_index: u64,
        /// Term of its last log entry.
        last_log_term: u64,
    },
    /// The answer to `RequestVote`.
    Vote {
        /// The voter's term, so a stale candidate learns it is behind.
        term: u64,
        /// Whether the vote was granted.
        granted: bool,
    },
    /// The leader replicates entries (none: a heartbeat).
    AppendEntries {
        /// The leader's term.
        term: u64,
        /// Index of the entry just before the new ones.
        prev_log_index: u64,
        /// Its term.
        prev_log_term: u64,
        /// The entries, for indexes `prev_log_index + 1` on.
        entries: Vec<Entry>,
        /// The leader's commit index.
        leader_commit: u64,
    },
    /// The answer to `AppendEntries`.
    AppendReply {
        /// The follower's term.
        term: u64,
        /// Whether the consistency check passed.
        success: bool,
        /// On success the index of the last entry sent; on failure the highest index that may
        /// still match (below the one that did not), so the leader can skip back in one step.
        match_index: u64,
    },
    /// A client asks to set `key` to `value`.
    Put {
        /// Which key.
        key: char,
        /// Its value.
        value: i64,
        /// The client's sequence number for this command.
        seq: u64,
    },
    /// The answer to `Put`.
    PutReply {
        /// Which command.
        seq: u64,
        /// Committed and applied. Otherwise this server is not the leader.
        ok: bool,
        /// The leader this server knows of, when `ok` is false.
        leader: Option<NodeId>,
    },
}

impl fmt::Debug for Msg {
    /// A short form for the trace and the message labels.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::RequestVote {
                term,
                last_log_index,
                last_log_term,
            } => write!(
                f,
                "RequestVote t{term} last={last_log_index}/t{last_log_term}"
            ),
            Msg::Vote { term, granted } => {
                write!(f, "Vote t{term} {}", if *granted { "yes" } else { "no" })
            }
            Msg::AppendEntries {
                term,
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
            } => {
                write!(
                    f,
                    "AppendEntries t{term} prev={prev_log_index}/t{prev_log_term} ["
                )?;
                for (i, e) in entries.iter().enumerate() {
                    write!(f, "{}{e}", if i == 0 { "" } else { ", " })?;
                }
                write!(f, "] commit={leader_commit}")
            }
            Msg::AppendReply {
                term,
                success,
                match_index,
            } => {
                let word = if *success { "ok" } else { "no" };
                write!(f, "AppendReply t{term} {word} match={match_index}")
            }
            Msg::Put { key, value, seq } => write!(f, "Put {key}={value} #{seq}"),
            Msg::PutReply { seq, ok, leader } => match (ok, leader) {
                (true, _) => write!(f, "PutReply #{seq} ok"),
                (false, Some(l)) => write!(f, "PutReply #{seq} ask {l}"),
                (false, None) => write!(f, "PutReply #{seq} no leader"),
            },
        }
    }
}

/// What a timer means.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// No leader heard from: stand for election.
    Election,
    /// The leader's next round of `AppendEntries`.
    Heartbeat,
    /// A client's next command of its own.
    ClientNext,
    /// A client gives up waiting for command `seq` and tries another server.
    ClientRetry {
        /// Which command.
        seq: u64,
    },
}

/// A command a client sent and has not yet seen applied.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Pending {
    /// Sequence number.
    pub seq: u64,
    /// Key.
    pub key: char,
    /// Value.
    pub value: i64,
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
    pub queue: Vec<(char, i64)>,
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
    election_timer: Option<TimerId>,
    heartbeat_timer: Option<TimerId>,
    retry_timer: Option<TimerId>,
    /// Client: the server it will send to.
    pub leader_guess: Option<NodeId>,
}

impl Volatile {
    fn new(role: Role, servers: u32) -> Self {
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
fn session(sessions: &[(NodeId, u64)], client: NodeId) -> u64 {
    sessions.iter().find(|s| s.0 == client).map_or(0, |s| s.1)
}

fn set_session(sessions: &mut Vec<(NodeId, u64)>, client: NodeId, seq: u64) {
    match sessions.iter_mut().find(|s| s.0 == client) {
        Some(s) => s.1 = seq,
        None => sessions.push((client, seq)),
    }
}

/// A Raft cluster with some set of rules.
#[derive(Clone)]
pub struct Raft {
    /// Timing and workload.
    pub params: RaftParams,
    rules: Rc<dyn RaftRules>,
}

impl fmt::Debug for Raft {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Raft")
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

/// The keys clients write on their own.
const KEYS: [char; 3] = ['x', 'y', 'z'];

impl Raft {
    /// With the paper's rules, or the flawed ones `params.flaw` names.
    pub fn new(params: RaftParams) -> Self {
        let rules: Rc<dyn RaftRules> = match params.flaw {
            None => Rc::new(PaperRules),
            Some(flaw) => Rc::new(FlawedRules(flaw)),
        };
        Raft { params, rules }
    }

    /// With other rules (a learner's).
    pub fn with_rules(params: RaftParams, rules: Rc<dyn RaftRules>) -> Self {
        Raft { params, rules }
    }

    /// How many of `cluster_size` nodes are servers.
    pub fn servers(&self, cluster_size: u32) -> u32 {
        cluster_size.saturating_sub(self.params.clients)
    }

    fn is_client(&self, id: NodeId, cluster_size: u32) -> bool {
        id.0 >= self.servers(cluster_size)
    }

    fn majority(&self, ctx: &Ctx<'_, Self>) -> usize {
        self.servers(ctx.cluster_size()) as usize / 2 + 1
    }

    fn server_peers(&self, ctx: &Ctx<'_, Self>) -> Vec<NodeId> {
        let me = ctx.id();
        (0..self.servers(ctx.cluster_size()))
            .map(NodeId)
            .filter(|n| *n != me)
            .collect()
    }

    fn reset_election_timer(&self, v: &mut Volatile, ctx: &mut Ctx<'_, Self>) {
        if let Some(t) = v.election_timer.take() {
            ctx.cancel_timer(t);
        }
        let p = &self.params;
        let after = if p.randomized_timeouts {
            ctx.rng()
                .between(p.election_timeout_us_min, p.election_timeout_us_max)
        } else {
            p.election_timeout_us_min
        };
        v.election_timer = Some(ctx.set_timer(SimDuration(after), Timer::Election));
    }

    /// Adopts a newer term, or falls back to follower in this one (§5.1).
    fn become_follower(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        term: u64,
        ctx: &mut Ctx<'_, Self>,
    ) {
        if term > d.term {
            d.term = term;
            d.voted_for = None;
            v.leader = None;
        }
        if v.role != Role::Follower {
            ctx.note(format!("steps down to follower in term {}", d.term));
            v.role = Role::Follower;
            v.waiting.clear();
            if let Some(t) = v.heartbeat_timer.take() {
                ctx.cancel_timer(t);
            }
            self.reset_election_timer(v, ctx);
        }
    }

    fn start_election(&self, d: &mut Durable, v: &mut Volatile, ctx: &mut Ctx<'_, Self>) {
        d.term += 1;
        d.voted_for = Some(ctx.id());
        v.role = Role::Candidate;
        v.leader = None;
        v.votes = vec![ctx.id()];
        ctx.note(format!("times out: stands for election in term {}", d.term));
        self.reset_election_timer(v, ctx);
        let msg = Msg::RequestVote {
            term: d.term,
            last_log_index: d.log.last_index(),
            last_log_term: d.log.last_term(),
        };
        for peer in self.server_peers(ctx) {
            ctx.send(peer, msg.clone());
        }
        if v.votes.len() >= self.majority(ctx) {
            self.become_leader(d, v, ctx);
        }
    }

    fn become_leader(&self, d: &mut Durable, v: &mut Volatile, ctx: &mut Ctx<'_, Self>) {
        v.role = Role::Leader;
        v.leader = Some(ctx.id());
        v.votes.sort_unstable(); // distinct ids: the one order there is
        let voters: Vec<String> = v.votes.iter().map(|n| n.to_string()).collect();
        ctx.note(format!(
            "becomes leader of term {} (votes {})",
            d.term,
            voters.join(", ")
        ));
        if let Some(t) = v.election_timer.take() {
            ctx.cancel_timer(t);
        }
        let servers = self.servers(ctx.cluster_size()) as usize;
        v.next_index = vec![d.log.last_index() + 1; servers];
        v.match_index = vec![0; servers];
        if self.params.noop_on_election {
            d.log.push(Entry {
                term: d.term,
                command: Command::Noop,
            });
        }
        self.heartbeat(d, v, ctx);
    }

    /// Sends every follower what it lacks (nothing: a heartbeat) and re-arms the timer.
    fn heartbeat(&self, d: &mut Durable, v: &mut Volatile, ctx: &mut Ctx<'_, Self>) {
        for peer in self.server_peers(ctx) {
            self.send_append(d, v, peer, ctx);
        }
        self.advance_commit(d, v, ctx);
        v.heartbeat_timer =
            Some(ctx.set_timer(SimDuration(self.params.heartbeat_us), Timer::Heartbeat));
    }

    /// Sends `to` the entries from its next index on (at most a batch), and assumes they will
    /// arrive: the next send continues after them. A loss shows up as a failed consistency
    /// check, which moves the next index back.
    fn send_append(&self, d: &Durable, v: &mut Volatile, to: NodeId, ctx: &mut Ctx<'_, Self>) {
        let len = d.log.last_index();
        let next = v.next_index[to.index()].clamp(1, len + 1);
        let prev = next - 1;
        let end = (prev + u64::from(self.params.max_entries_per_append)).min(len);
        ctx.send(
            to,
            Msg::AppendEntries {
                term: d.term,
                prev_log_index: prev,
                prev_log_term: term_at(&d.log, prev),
                entries: d.log[prev as usize..end as usize].to_vec(),
                leader_commit: v.commit_index,
            },
        );
        v.next_index[to.index()] = end + 1;
    }

    fn advance_commit(&self, d: &Durable, v: &mut Volatile, ctx: &mut Ctx<'_, Self>) {
        let me = ctx.id().index();
        let mut matched = v.match_index.clone();
        matched[me] = d.log.last_index();
        let new = self
            .rules
            .advance_commit(v.commit_index, d.term, &d.log, &matched)
            .min(d.log.last_index());
        if new > v.commit_index {
            v.commit_index = new;
            ctx.note(format!("commits up to index {new}"));
            self.apply(d, v, ctx);
        }
    }

    /// Applies committed entries in order; a leader answers the clients waiting on them.
    fn apply(&self, d: &Durable, v: &mut Volatile, ctx: &mut Ctx<'_, Self>) {
        let end = v.commit_index.min(d.log.last_index());
        while v.last_applied < end {
            v.last_applied += 1;
            let index = v.last_applied;
            if let Command::Put {
                key,
                value,
                client,
                seq,
            } = d.log[(index - 1) as usize].command
            {
                if session(&v.sessions, client) < seq {
                    set_session(&mut v.sessions, client, seq);
                    match v.kv.binary_search_by_key(&key, |e| e.0) {
                        Ok(i) => v.kv[i].1 = value,
                        Err(i) => v.kv.insert(i, (key, value)),
                    }
                }
                let waited = v.waiting.iter().position(|w| w.0 == index);
                if waited.map(|i| v.waiting.swap_remove(i).1) == Some((client, seq)) {
                    ctx.send(
                        client,
                        Msg::PutReply {
                            seq,
                            ok: true,
                            leader: None,
                        },
                    );
                }
            }
        }
    }

    fn on_request_vote(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        from: NodeId,
        (term, last_log_index, last_log_term): (u64, u64, u64),
        ctx: &mut Ctx<'_, Self>,
    ) {
        if term > d.term {
            self.become_follower(d, v, term, ctx);
        }
        let query = VoteQuery {
            term: d.term,
            voted_for: d.voted_for,
            last_log_index: d.log.last_index(),
            last_log_term: d.log.last_term(),
            candidate: from,
            candidate_term: term,
            candidate_last_log_index: last_log_index,
            candidate_last_log_term: last_log_term,
        };
        let granted = self.rules.grant_vote(&query);
        if granted {
            d.voted_for = Some(from);
            if v.role == Role::Follower {
                self.reset_election_timer(v, ctx);
            }
        }
        ctx.send(
            from,
            Msg::Vote {
                term: d.term,
                granted,
            },
        );
    }

    fn on_vote(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        from: NodeId,
        term: u64,
        granted: bool,
        ctx: &mut Ctx<'_, Self>,
    ) {
        if term > d.term {
            self.become_follower(d, v, term, ctx);
            return;
        }
        if v.role == Role::Candidate && term == d.term && granted {
            if !v.votes.contains(&from) {
                v.votes.push(from);
            }
            if v.votes.len() >= self.majority(ctx) {
                self.become_leader(d, v, ctx);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn on_append(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        from: NodeId,
        (term, prev_log_index, prev_log_term, leader_commit): (u64, u64, u64, u64),
        entries: Vec<Entry>,
        ctx: &mut Ctx<'_, Self>,
    ) {
        if term < d.term {
            let reply = Msg::AppendReply {
                term: d.term,
                success: false,
                match_index: d.log.last_index(),
            };
            ctx.send(from, reply);
            return;
        }
        self.become_follower(d, v, term, ctx);
        v.leader = Some(from);
        self.reset_election_timer(v, ctx);
        let edit = self
            .rules
            .append_entries(&d.log, prev_log_index, prev_log_term, &entries);
        let Some(LogEdit { keep, append_from }) = edit else {
            // The hint: nothing at or after prev_log_index can match (the log is too short, or
            // its entry there has another term), so the leader may skip back to below it.
            let reply = Msg::AppendReply {
                term: d.term,
                success: false,
                match_index: d.log.last_index().min(prev_log_index.saturating_sub(1)),
            };
            ctx.send(from, reply);
            return;
        };
        let keep = keep.min(d.log.last_index());
        if keep < d.log.last_index() {
            ctx.note(format!(
                "removes entries {}..={} (they conflict with the leader's)",
                keep + 1,
                d.log.len()
            ));
            d.log.truncate(keep as usize);
        }
        if let Some(new) = entries.get(append_from as usize..) {
            d.log.extend_from_slice(new);
        }
        let last_new = prev_log_index + entries.len() as u64;
        if leader_commit > v.commit_index {
            v.commit_index = leader_commit.min(last_new).max(v.commit_index);
            self.apply(d, v, ctx);
        }
        let reply = Msg::AppendReply {
            term: d.term,
            success: true,
            match_index: last_new,
        };
        ctx.send(from, reply);
    }

    fn on_append_reply(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        from: NodeId,
        (term, success, match_index): (u64, bool, u64),
        ctx: &mut Ctx<'_, Self>,
    ) {
        if term > d.term {
            self.become_follower(d, v, term, ctx);
            return;
        }
        if v.role != Role::Leader || term != d.term {
            return;
        }
        let i = from.index();
        if success {
            v.match_index[i] = v.match_index[i].max(match_index);
            v.next_index[i] = v.next_index[i].max(match_index + 1);
            self.advance_commit(d, v, ctx);
            // A follower still behind gets its next entries now, not at the next heartbeat.
            if v.role == Role::Leader && v.next_index[i] <= d.log.last_index() {
                self.send_append(d, v, from, ctx);
            }
        } else {
            v.next_index[i] = v.next_index[i]
                .saturating_sub(1)
                .min(match_index + 1)
                .max(1);
            self.send_append(d, v, from, ctx);
        }
    }

    fn on_put(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        from: NodeId,
        (key, value, seq): (char, i64, u64),
        ctx: &mut Ctx<'_, Self>,
    ) {
        if v.role != Role::Leader {
            let reply = Msg::PutReply {
                seq,
                ok: false,
                leader: v.leader,
            };
            ctx.send(from, reply);
            return;
        }
        if session(&v.sessions, from) >= seq {
            let reply = Msg::PutReply {
                seq,
                ok: true,
                leader: None,
            };
            ctx.send(from, reply);
            return;
        }
        if v.waiting.iter().any(|w| w.1 == (from, seq)) {
            return; // a duplicate of a command already in the log; its answer comes when applied
        }
        d.log.push(Entry {
            term: d.term,
            command: Command::Put {
                key,
                value,
                client: from,
                seq,
            },
        });
        v.waiting.push((d.log.last_index(), (from, seq)));
        for peer in self.server_peers(ctx) {
            self.send_append(d, v, peer, ctx);
        }
        self.advance_commit(d, v, ctx);
    }

    // --- the client ---

    fn client_send(&self, d: &mut Durable, v: &mut Volatile, ctx: &mut Ctx<'_, Self>) {
        let c = &mut d.client;
        if c.pending.is_none() && !c.queue.is_empty() {
            let (key, value) = c.queue.remove(0);
            c.next_seq = c.next_seq.max(1);
            c.pending = Some(Pending {
                seq: c.next_seq,
                key,
                value,
            });
            c.next_seq += 1;
        }
        let Some(p) = c.pending.clone() else { return };
        let to = match v.leader_guess {
            Some(l) => l,
            None => {
                let servers = self.servers(ctx.cluster_size());
                let to = NodeId(ctx.rng().below(u64::from(servers.max(1))) as u32);
                v.leader_guess = Some(to);
                to
            }
        };
        ctx.send(
            to,
            Msg::Put {
                key: p.key,
                value: p.value,
                seq: p.seq,
            },
        );
        if let Some(t) = v.retry_timer.take() {
            ctx.cancel_timer(t);
        }
        let retry = ctx.set_timer(
            SimDuration(self.params.client_timeout_us),
            Timer::ClientRetry { seq: p.seq },
        );
        v.retry_timer = Some(retry);
    }

    fn arm_client(&self, d: &Durable, ctx: &mut Ctx<'_, Self>) {
        if d.client.issued < self.params.commands {
            let p = &self.params;
            let gap = ctx
                .rng()
                .between(p.command_gap_us_min, p.command_gap_us_max);
            ctx.set_timer(SimDuration(gap), Timer::ClientNext);
        }
    }

    fn on_put_reply(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        from: NodeId,
        (seq, ok, leader): (u64, bool, Option<NodeId>),
        ctx: &mut Ctx<'_, Self>,
    ) {
        let Some(p) = d.client.pending.clone().filter(|p| p.seq == seq) else {
            return;
        };
        if ok {
            d.client.acked.push(p);
            d.client.pending = None;
            v.leader_guess = Some(from);
            if let Some(t) = v.retry_timer.take() {
                ctx.cancel_timer(t);
            }
            self.client_send(d, v, ctx);
        } else if let Some(l) = leader.filter(|l| *l != from) {
            v.leader_guess = Some(l);
            self.client_send(d, v, ctx);
        } else {
            // No leader known yet: wait for the retry timer rather than bounce between servers.
            v.leader_guess = None;
        }
    }
}

impl Protocol for Raft {
    type Msg = Msg;
    type Timer = Timer;
    type Durable = Durable;
    type Volatile = Volatile;
    type Monitor = RaftMonitor;

    fn boot(&self, d: &mut Durable, ctx: &mut Ctx<'_, Self>) -> Volatile {
        let servers = self.servers(ctx.cluster_size());
        if self.is_client(ctx.id(), ctx.cluster_size()) {
            d.client.is_client = true;
            let mut v = Volatile::new(Role::Client, servers);
            self.arm_client(d, ctx);
            self.client_send(d, &mut v, ctx);
            return v;
        }
        let mut v = Volatile::new(Role::Follower, servers);
        self.reset_election_timer(&mut v, ctx);
        v
    }

    fn on_message(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        from: NodeId,
        msg: Msg,
        ctx: &mut Ctx<'_, Self>,
    ) {
        let from_server = !self.is_client(from, ctx.cluster_size());
        match msg {
            Msg::RequestVote {
                term,
                last_log_index,
                last_log_term,
            } if from_server && v.role != Role::Client => {
                self.on_request_vote(d, v, from, (term, last_log_index, last_log_term), ctx)
            }
            Msg::Vote { term, granted } if from_server && v.role != Role::Client => {
                self.on_vote(d, v, from, term, granted, ctx)
            }
            Msg::AppendEntries {
                term,
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
            } if from_server && v.role != Role::Client => self.on_append(
                d,
                v,
                from,
                (term, prev_log_index, prev_log_term, leader_commit),
                entries,
                ctx,
            ),
            Msg::AppendReply {
                term,
                success,
                match_index,
            } if from_server && v.role != Role::Client => {
                self.on_append_reply(d, v, from, (term, success, match_index), ctx)
            }
            Msg::Put { key, value, seq } if !from_server && v.role != Role::Client => {
                self.on_put(d, v, from, (key, value, seq), ctx)
            }
            Msg::PutReply { seq, ok, leader } if from_server && v.role == Role::Client => {
                self.on_put_reply(d, v, from, (seq, ok, leader), ctx)
            }
            _ => {}
        }
    }

    fn on_timer(&self, d: &mut Durable, v: &mut Volatile, timer: Timer, ctx: &mut Ctx<'_, Self>) {
        match timer {
            Timer::Election => {
                v.election_timer = None;
                if matches!(v.role, Role::Follower | Role::Candidate) {
                    self.start_election(d, v, ctx);
                }
            }
            Timer::Heartbeat => {
                v.heartbeat_timer = None;
                if v.role == Role::Leader {
                    self.heartbeat(d, v, ctx);
                }
            }
            Timer::ClientNext => {
                let c = &mut d.client;
                c.issued += 1;
                let key = KEYS[ctx.rng().below(KEYS.len() as u64) as usize];
                c.queue.push((key, i64::from(c.issued)));
                self.arm_client(d, ctx);
                // A command already in flight is not re-sent: only its retry timer does that.
                if d.client.pending.is_none() {
                    self.client_send(d, v, ctx);
                }
            }
            Timer::ClientRetry { seq } => {
                v.retry_timer = None;
                if d.client.pending.as_ref().is_some_and(|p| p.seq == seq) {
                    v.leader_guess = None;
                    self.client_send(d, v, ctx);
                }
            }
        }
    }

    fn on_request(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        key: char,
        value: i64,
        ctx: &mut Ctx<'_, Self>,
    ) {
        if v.role == Role::Client {
            d.client.queue.push((key, value));
            if d.client.pending.is_none() {
                self.client_send(d, v, ctx);
            }
        } else {
            ctx.note("only clients take requests: send it to a client node");
        }
    }

    fn on_timeout_now(&self, d: &mut Durable, v: &mut Volatile, ctx: &mut Ctx<'_, Self>) {
        if matches!(v.role, Role::Follower | Role::Candidate) {
            self.start_election(d, v, ctx);
        }
    }

    fn inspect(&self, _id: NodeId, d: &Durable, v: Option<&Volatile>) -> Vec<Field> {
        if d.client.is_client {
            let c = &d.client;
            let pending = c.pending.as_ref().map_or("none".to_string(), |p| {
                format!("#{} {}={}", p.seq, p.key, p.value)
            });
            return vec![
                Field::new("role", "client"),
                Field::new("in flight", pending),
                Field::new("queued", c.queue.len()),
                Field::new("acknowledged", c.acked.len()),
            ];
        }
        let mut f = vec![
            Field::new(
                "role",
                v.map_or("crashed".to_string(), |v| v.role.to_string()),
            ),
            Field::new("term", d.term),
            Field::new(
                "voted for",
                d.voted_for.map_or("nobody".to_string(), |n| n.to_string()),
            ),
        ];
        if let Some(v) = v {
            f.push(Field::new(
                "leader",
                v.leader.map_or("unknown".to_string(), |n| n.to_string()),
            ));
            f.push(Field::new("commit index", v.commit_index));
            f.push(Field::new("last applied", v.last_applied));
            let kv: Vec<String> = v.kv.iter().map(|(k, x)| format!("{k}={x}")).collect();
            f.push(Field::new("state", format!("{{{}}}", kv.join(", "))));
            if v.role == Role::Leader {
                let pairs = |xs: &[u64]| {
                    xs.iter()
                        .enumerate()
                        .map(|(i, x)| format!("n{i}:{x}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                f.push(Field::new("next index", pairs(&v.next_index)));
                f.push(Field::new("match index", pairs(&v.match_index)));
            }
        }
        let log: Vec<String> = d
            .log
            .iter()
            .enumerate()
            .map(|(i, e)| format!("{}:{e}", i + 1))
            .collect();
        f.push(Field::new(
            "log",
            if log.is_empty() {
                "empty".into()
            } else {
                log.join(" · ")
            },
        ));
        f
    }

    fn log_view(&self, _id: NodeId, d: &Durable, v: Option<&Volatile>) -> Option<LogView> {
        if d.client.is_client {
            return None;
        }
        Some(LogView {
            entries: d
                .log
                .iter()
                .map(|e| LogCell {
                    term: e.term,
                    label: e.command.to_string(),
                })
                .collect(),
            commit_index: v.map_or(0, |v| v.commit_index),
        })
    }

    fn badge(&self, _id: NodeId, d: &Durable, v: Option<&Volatile>) -> String {
        match v {
            _ if d.client.is_client => "client".into(),
            Some(v) => format!("{} t{}", v.role, d.term),
            None => format!("t{}", d.term),
        }
    }

    fn has_invariants(&self) -> bool {
        true
    }

    fn check(&self, monitor: &mut RaftMonitor, nodes: &[NodeRef<'_, Self>]) -> Vec<Violation> {
        let servers = self.servers(nodes.len() as u32) as usize;
        monitor.check(&nodes[..servers.min(nodes.len())])
    }
}

/// Checks liveness at the end of a run whose faults stopped at `quiet_at`: a leader leads, no
/// client command is still waiting, and every acknowledged command is applied on every live server.
///
/// Call it once the run has had its stated bound after `quiet_at`; the message says what is missing.
pub fn check_liveness(
    nodes: &[NodeRef<'_, Raft>],
    servers: usize,
    now: SimTime,
    quiet_at: SimTime,
) -> Result<(), Violation> {
    let since = |what: String| Violation {
        invariant: "liveness".into(),
        detail: format!(
            "{what}, {} after the faults stopped",
            crate::time::LocalTime(now.since(quiet_at).as_us() as i64)
        ),
    };
    let (servers_up, clients) = nodes.split_at(servers.min(nodes.len()));
    if !servers_up
        .iter()
        .any(|n| n.volatile.is_some_and(|v| v.role == Role::Leader))
    {
        return Err(since("no server is leader".into()));
    }
    for c in clients {
        if let Some(p) = &c.durable.client.pending {
            return Err(since(format!(
                "{}'s command #{} ({}={}) is still not acknowledged",
                c.id, p.seq, p.key, p.value
            )));
        }
        for p in &c.durable.client.acked {
            for s in servers_up {
                let Some(v) = s.volatile else { continue };
                let applied = s.durable.log[..(v.last_applied as usize).min(s.durable.log.len())]
                    .iter()
                    .any(|e| {
                        matches!(e.command, Command::Put { client, seq, .. } if client == c.id && seq == p.seq)
                    });
                if !applied {
                    return Err(since(format!(
                        "{} has not applied {}'s acknowledged command #{} ({}={})",
                        s.id, c.id, p.seq, p.key, p.value
                    )));
                }
            }
        }
    }
    Ok(())
}

impl Lab for Raft {
    const NAME: &'static str = "raft";
    type Params = RaftParams;

    const RULE_SETS: &'static [crate::exercise::RuleSetInfo] = exercises::RULE_SETS;

    fn reference(params: &RaftParams) -> Self {
        Raft::new(params.clone())
    }

    fn node_range(params: &RaftParams) -> (u32, u32) {
        params.node_range()
    }

    fn validate(params: &RaftParams, nodes: u32) -> Result<(), String> {
        params.validate(nodes)
    }

    const GOLDEN_SEEDS: u64 = 64;

    fn golden_runs(seed: u64) -> Vec<Scenario> {
        use crate::testkit::raft::{raft_schedule, sweep_params};
        vec![raft_schedule(seed, 5, sweep_params())]
    }
}
