//! Clients and their commands (Raft §8, "Client interaction").
//!
//! A client sends one `Put` at a time, to the server it believes leads. A server that is not the
//! leader answers with a redirect naming the leader it knows of; the leader appends the command
//! to its log and answers once the entry is committed and applied. A client that hears nothing
//! within its timeout tries another server, so a command whose reply was lost may reach the log
//! twice: each carries the client's sequence number, and the state machine applies each
//! (client, sequence number) once. A leader answers at once a command it has already applied,
//! and ignores a duplicate of one still waiting in its log: the answer comes when that is applied.

use super::log::{Command, Entry};
use super::msg::{Msg, Put, PutReply, Timer};
use super::state::{session, Durable, Pending, Role, Volatile};
use super::Raft;
use crate::actor::Ctx;
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

    /// A request from the page's control: a client queues it; a server cannot take one.
    pub(super) fn on_client_request(
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

    /// Sends the command in flight (taking the next queued one if none is), to the leader it
    /// believes in or, knowing none, to a server drawn at random, and arms the retry timer.
    pub(super) fn client_send(&self, d: &mut Durable, v: &mut Volatile, ctx: &mut Ctx<'_, Self>) {
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
            Msg::Put(Put {
                key: p.key,
                value: p.value,
                seq: p.seq,
            }),
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
