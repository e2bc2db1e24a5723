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
//!
//! # Where each part lives
//!
//! This file holds the [`Raft`] type and its [`Protocol`] implementation, which only routes each
//! message and timer to the handler for it; the folder follows the paper, one part per file.
//!
//! | file | what | paper section |
//! |------|------|---------------|
//! | `raft.rs` | [`Raft`]: the cluster's layout, and dispatch of messages, timers and requests | Figure 2 |
//! | `raft/params.rs` | [`RaftParams`]: timeouts, heartbeat, cluster size, workload, a flaw | §5.2, §5.6 |
//! | `raft/log.rs` | [`Log`] of [`Entry`]s, each a [`Command`] and a term | §5.3 |
//! | `raft/msg.rs` | [`Msg`], one struct per RPC and its reply, and [`Timer`] | Figure 2, §8 |
//! | `raft/state.rs` | [`Durable`] and [`Volatile`] state, [`Role`], a client's state, sessions | Figure 2, §8 |
//! | `raft/election.rs` | election timeouts, terms and roles, `RequestVote` and votes | §5.1, §5.2, §5.4.1 |
//! | `raft/replication.rs` | heartbeats, `AppendEntries` and replies, commit, apply | §5.3, §5.4.2 |
//! | `raft/client.rs` | `Put`, redirects, retries, the client's own workload | §8 |
//! | `raft/rules.rs` | the pluggable decisions: the paper's, flawed ones, a learner's | §5.2–§5.4 |
//! | `raft/invariants.rs` | the safety properties, checked after every step | Figure 3, §5.2–§5.4.3 |
//! | `raft/liveness.rs` | [`check_liveness`]: progress once the faults stop | §5.6 |
//! | `raft/view.rs` | what the page shows: fields, the log grid, a badge | — |
//! | `raft/exercises.rs` | the rule sets a learner writes, and their graded schedules | §5.2–§5.4 |
//! | `raft/grade.rs` | the learner's rule inside the cluster (feature `grader`) | §5.2–§5.4 |

pub mod invariants;
pub mod rules;

mod client;
mod election;
mod exercises;
#[cfg(feature = "grader")]
mod grade;
mod liveness;
mod log;
mod msg;
mod params;
mod replication;
pub mod schedules;
mod state;
mod view;

pub use self::log::{Command, Entry, Log};
pub use liveness::check_liveness;
pub use msg::{
    AppendEntries, AppendReply, Get, GetReply, Msg, Put, PutReply, RequestVote, Timer, Vote,
};
pub use params::RaftParams;
pub use state::{Client, Durable, Pending, Queued, Request, Role, Volatile};

use crate::actor::{Ctx, Field, LogView, NodeRef, Protocol, Violation};
use crate::client::Input;
use crate::controls::{Control, NodeAction};
use crate::fault::PlannedFault;
use crate::id::NodeId;
use crate::lab::Lab;
use crate::panels::Panel;
use crate::scenario::Scenario;
use invariants::RaftMonitor;
use rules::{FlawedRules, PaperRules, RaftRules};
use std::fmt;
use std::rc::Rc;

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

    /// Whether node `id` is a client: clients take the last ids.
    fn is_client(&self, id: NodeId, cluster_size: u32) -> bool {
        id.0 >= self.servers(cluster_size)
    }

    /// How many servers make a majority: a quorum for votes (§5.2) and for commits (§5.3).
    fn majority(&self, ctx: &Ctx<'_, Self>) -> usize {
        self.servers(ctx.cluster_size()) as usize / 2 + 1
    }

    /// The other servers (never the clients), to which elections and replication go.
    fn server_peers(&self, ctx: &Ctx<'_, Self>) -> Vec<NodeId> {
        let me = ctx.id();
        (0..self.servers(ctx.cluster_size()))
            .map(NodeId)
            .filter(|n| *n != me)
            .collect()
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
        // Each message has one direction: the RPCs and their replies go server to server, `Put`
        // client to server and `PutReply` back. Anything else is ignored, so no handler sees a
        // client's id where a server's index is expected (a leader's progress covers servers).
        let from_server = !self.is_client(from, ctx.cluster_size());
        let to_server = v.role != Role::Client;
        match msg {
            Msg::RequestVote(m) if from_server && to_server => {
                self.on_request_vote(d, v, from, m, ctx)
            }
            Msg::Vote(m) if from_server && to_server => self.on_vote(d, v, from, m, ctx),
            Msg::AppendEntries(m) if from_server && to_server => self.on_append(d, v, from, m, ctx),
            Msg::AppendReply(m) if from_server && to_server => {
                self.on_append_reply(d, v, from, m, ctx)
            }
            Msg::Put(m) if !from_server && to_server => self.on_put(d, v, from, m, ctx),
            Msg::PutReply(m) if from_server && !to_server => self.on_put_reply(d, v, from, m, ctx),
            Msg::Get(m) if !from_server && to_server => self.on_get(d, v, from, m, ctx),
            Msg::GetReply(m) if from_server && !to_server => self.on_get_reply(d, v, from, m, ctx),
            _ => {}
        }
    }

    fn on_timer(&self, d: &mut Durable, v: &mut Volatile, timer: Timer, ctx: &mut Ctx<'_, Self>) {
        match timer {
            Timer::Election => self.on_election_timer(d, v, ctx),
            Timer::Heartbeat => self.on_heartbeat_timer(d, v, ctx),
            Timer::ClientNext => self.on_client_next(d, v, ctx),
            Timer::ClientRetry { seq } => self.on_client_retry(d, v, seq, ctx),
        }
    }

    fn on_input(&self, d: &mut Durable, v: &mut Volatile, input: &Input, ctx: &mut Ctx<'_, Self>) {
        self.on_outside_input(d, v, input, ctx);
    }

    fn inspect(&self, _id: NodeId, d: &Durable, v: Option<&Volatile>) -> Vec<Field> {
        view::inspect(d, v)
    }

    fn log_view(&self, _id: NodeId, d: &Durable, v: Option<&Volatile>) -> Option<LogView> {
        view::log_view(d, v)
    }

    fn badge(&self, _id: NodeId, d: &Durable, v: Option<&Volatile>) -> String {
        view::badge(d, v)
    }

    fn actions(&self, id: NodeId, d: &Durable, _v: Option<&Volatile>) -> Vec<NodeAction> {
        view::actions(id, d)
    }

    fn panels(&self, nodes: &[NodeRef<'_, Self>]) -> Vec<Panel> {
        view::panels(self.servers(nodes.len() as u32), nodes)
    }

    fn has_invariants(&self) -> bool {
        true
    }

    fn check(&self, monitor: &mut RaftMonitor, nodes: &[NodeRef<'_, Self>]) -> Vec<Violation> {
        let servers = self.servers(nodes.len() as u32) as usize;
        monitor.check(&nodes[..servers.min(nodes.len())])
    }
}

impl Lab for Raft {
    const NAME: &'static str = "raft";
    type Params = RaftParams;

    const RULE_SETS: &'static [crate::exercise::RuleSetInfo] = exercises::RULE_SETS;

    fn reference(params: &RaftParams) -> Self {
        Raft::new(params.clone())
    }

    fn controls(params: &RaftParams, nodes: u32, live: &[PlannedFault]) -> Vec<Control> {
        view::controls(params, nodes, live)
    }

    fn set_control(params: &mut RaftParams, id: &str, value: u32) -> bool {
        view::set_control(params, id, value)
    }

    fn node_range(params: &RaftParams) -> (u32, u32) {
        params.node_range()
    }

    fn validate(params: &RaftParams, nodes: u32) -> Result<(), String> {
        params.validate(nodes)
    }

    const GOLDEN_SEEDS: u64 = 64;

    fn golden_runs(seed: u64) -> Vec<Scenario> {
        use crate::protocols::raft::schedules::{raft_schedule, sweep_params};
        vec![raft_schedule(seed, 5, sweep_params())]
    }
}
