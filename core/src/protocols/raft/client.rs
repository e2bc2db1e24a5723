//! Clients and their commands (Raft §8, "Client interaction").
//!
//! A client sends one `Put` at a time, to the server it believes leads. A server that is not the
//! leader answers with a redirect naming the leader it knows of; the leader appends the command
//! to its log and answers once the entry is committed and applied. A client that hears nothing
//! within its timeout tries another server, so a command whose reply was lost may reach the log
//! twice: each carries the client's sequence number, and the state machine applies each
//! (client, sequence number) once. A leader answers at once a command it has already applied,
//! and ignores a duplicate of one still waiting in its log: the answer comes when that is applied.
//!
//! A read goes through the log too (`Get`): the leader appends it and answers with the key's value
//! when the entry is applied, so the answer reflects every write committed before it (§8 offers
//! this, or the cheaper read-index of the thesis's §6.4). Every command a client takes is an
//! operation of the run's history (`Ctx::invoke` when it is queued, `Ctx::complete` when it is
//! answered), which the linearizability checker can read.

use super::log::{Command, Entry};
use super::msg::{Get, GetReply, Msg, Put, PutReply, Timer};
use super::state::{session, Durable, Pending, Queued, Request, Role, Volatile};
use super::Raft;
use crate::actor::Ctx;
use crate::client::{Input, OpResult};
use crate::id::NodeId;
use crate::time::SimDuration;

/// The keys clients write on their own.
pub(super) const KEYS: [char; 3] = ['x', 'y', 'z'];

impl Raft {
    /// The leader's side of a `Put`: log it and replicate at once (§8); anyone else redirects.
    pub(super) fn on_put(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        from: NodeId,
        put: Put,
        ctx: &mut Ctx<'_, Self>,
    ) {
        let Put { key, value, seq } = put;
        if v.role != Role::Leader {
            let reply = Msg::PutReply(PutReply {
                seq,
                ok: false,
                leader: v.leader,
            });
            ctx.send(from, reply);
            return;
        }
        if session(&v.sessions, from) >= seq {
            let reply = Msg::PutReply(PutReply {
                seq,
                ok: true,
                leader: None,
            });
            ctx.send(from, reply);
            return;
        }
        if v.waiting.iter().any(|w| w.1 == (from, seq)) {
            return; // a duplicate of a command already in the log; its answer comes when applied
        }
        let command = Command::Put {
            key,
            value,
            client: from,
            seq,
        };
        self.log_for_client(d, v, (from, seq), command, ctx);
    }

    /// The leader's side of a `Get`: log the read and replicate at once, to answer when it is
    /// applied; anyone else redirects. A retried read is logged again (reading twice is harmless),
    /// unless a copy is still waiting in the log.
    pub(super) fn on_get(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        from: NodeId,
        get: Get,
        ctx: &mut Ctx<'_, Self>,
    ) {
        let Get { key, seq } = get;
        if v.role != Role::Leader {
            let reply = Msg::GetReply(GetReply {
                seq,
                ok: false,
                leader: v.leader,
                value: None,
            });
            ctx.send(from, reply);
            return;
        }
        if v.waiting.iter().any(|w| w.1 == (from, seq)) {
            return;
        }
        let command = Command::Get {
            key,
            client: from,
            seq,
        };
        self.log_for_client(d, v, (from, seq), command, ctx);
    }

    /// Appends a client's command to the leader's log, notes whom to answer when it is applied,
    /// and replicates it at once.
    fn log_for_client(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        who: (NodeId, u64),
        command: Command,
        ctx: &mut Ctx<'_, Self>,
    ) {
        d.log.push(Entry {
            term: d.term,
            command,
        });
        v.waiting.push((d.log.last_index(), who));
        for peer in self.server_peers(ctx) {
            self.send_append(d, v, peer, ctx);
        }
        self.advance_commit(d, v, ctx);
    }

    /// An input from outside: a client takes reads and writes of one-character keys (each an
    /// operation of the history, queued behind any in flight); a follower or candidate told to
    /// time out stands for election at once. Anything else is noted and dropped.
    pub(super) fn on_outside_input(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        input: &Input,
        ctx: &mut Ctx<'_, Self>,
    ) {
        if let Input::TimeoutNow = input {
            if matches!(v.role, Role::Follower | Role::Candidate) {
                self.start_election(d, v, ctx);
            }
            return;
        }
        if v.role != Role::Client {
            ctx.note("only clients take requests: send it to a client node");
            return;
        }
        let one_char = |key: &str| {
            let mut chars = key.chars();
            chars.next().filter(|_| chars.next().is_none())
        };
        let request = match input {
            Input::Write { key, value } => {
                one_char(key).map(|key| Request::Put { key, value: *value })
            }
            Input::Read { key } => one_char(key).map(|key| Request::Get { key }),
            _ => None,
        };
        let Some(request) = request else {
            ctx.note(format!(
                "a Raft client takes reads and writes of one-character keys, not {input}"
            ));
            return;
        };
        self.enqueue(d, v, request, ctx);
    }

    /// Queues a command as a new operation of the history, and sends it unless another is in
    /// flight (a command in flight is re-sent only by its retry timer).
    fn enqueue(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        request: Request,
        ctx: &mut Ctx<'_, Self>,
    ) {
        let op = ctx.invoke(match request {
            Request::Put { key, value } => Input::Write {
                key: key.to_string(),
                value,
            },
            Request::Get { key } => Input::Read {
                key: key.to_string(),
            },
        });
        d.client.queue.push(Queued { request, op });
        if d.client.pending.is_none() {
            self.client_send(d, v, ctx);
        }
    }

    /// Sends the command in flight (taking the next queued one if none is), to the leader it
    /// believes in or, knowing none, to a server drawn at random, and arms the retry timer.
    pub(super) fn client_send(&self, d: &mut Durable, v: &mut Volatile, ctx: &mut Ctx<'_, Self>) {
        let c = &mut d.client;
        if c.pending.is_none() && !c.queue.is_empty() {
            let Queued { request, op } = c.queue.remove(0);
            c.next_seq = c.next_seq.max(1);
            c.pending = Some(Pending {
                seq: c.next_seq,
                request,
                op,
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
        let msg = match p.request {
            Request::Put { key, value } => Msg::Put(Put {
                key,
                value,
                seq: p.seq,
            }),
            Request::Get { key } => Msg::Get(Get { key, seq: p.seq }),
        };
        ctx.send(to, msg);
        if let Some(t) = v.retry_timer.take() {
            ctx.cancel_timer(t);
        }
        let retry = ctx.set_timer(
            SimDuration(self.params.client_timeout_us),
            Timer::ClientRetry { seq: p.seq },
        );
        v.retry_timer = Some(retry);
    }

    /// Schedules the client's next command of its own, while it has some left to issue.
    pub(super) fn arm_client(&self, d: &Durable, ctx: &mut Ctx<'_, Self>) {
        if d.client.issued < self.params.commands {
            let p = &self.params;
            let gap = ctx
                .rng()
                .between(p.command_gap_us_min, p.command_gap_us_max);
            ctx.set_timer(SimDuration(gap), Timer::ClientNext);
        }
    }

    /// Time for the client's next command of its own: queue it on a random key and send it
    /// unless another is in flight.
    pub(super) fn on_client_next(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        ctx: &mut Ctx<'_, Self>,
    ) {
        d.client.issued += 1;
        let key = KEYS[ctx.rng().below(KEYS.len() as u64) as usize];
        let value = i64::from(d.client.issued);
        // Armed before the command is queued, as it always was: the order of the draws is part
        // of every Raft digest.
        self.arm_client(d, ctx);
        self.enqueue(d, v, Request::Put { key, value }, ctx);
    }

    /// The wait for command `seq` ran out: forget the leader guess and send it again elsewhere.
    pub(super) fn on_client_retry(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        seq: u64,
        ctx: &mut Ctx<'_, Self>,
    ) {
        v.retry_timer = None;
        if d.client.pending.as_ref().is_some_and(|p| p.seq == seq) {
            v.leader_guess = None;
            self.client_send(d, v, ctx);
        }
    }

    /// The client's side of a `PutReply`: done, so send the next; or follow the redirect.
    pub(super) fn on_put_reply(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        from: NodeId,
        reply: PutReply,
        ctx: &mut Ctx<'_, Self>,
    ) {
        let PutReply { seq, ok, leader } = reply;
        self.on_reply(d, v, from, (seq, ok, leader), OpResult::Ok, ctx);
    }

    /// The client's side of a `GetReply`, as for a `PutReply`, with the value read.
    pub(super) fn on_get_reply(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        from: NodeId,
        reply: GetReply,
        ctx: &mut Ctx<'_, Self>,
    ) {
        let GetReply {
            seq,
            ok,
            leader,
            value,
        } = reply;
        self.on_reply(d, v, from, (seq, ok, leader), OpResult::Value(value), ctx);
    }

    /// An answer to command `seq`: if `ok`, the operation completes with `result` and the next
    /// is sent; otherwise follow the redirect, or wait for the retry timer if none is known.
    fn on_reply(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        from: NodeId,
        (seq, ok, leader): (u64, bool, Option<NodeId>),
        result: OpResult,
        ctx: &mut Ctx<'_, Self>,
    ) {
        let Some(p) = d.client.pending.clone().filter(|p| p.seq == seq) else {
            return;
        };
        if ok {
            ctx.complete(p.op, result);
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
