//! Log replication (Raft §5.3) and the commit rule (§5.4.2).
//!
//! The leader sends each follower the entries from that follower's next index on, named by the
//! entry just before them. A follower accepts only if its log holds that entry (the consistency
//! check), removes whatever conflicts, and appends; on a refusal the leader moves the next index
//! back and tries again, so the follower's log converges to the leader's (Log Matching, §5.3).
//! An entry of the leader's own term stored on a majority is committed, and everything before it
//! with it; the paper's rule never commits an older-term entry by counting its replicas alone
//! (§5.4.2, Figure 8). Committed entries are applied in order to the key-value state machine,
//! once per client command (§8). The follower's check and the commit rule are pluggable
//! ([`super::rules::RaftRules`]).

use super::log::Command;
use super::msg::{AppendEntries, AppendReply, GetReply, Msg, PutReply, Timer};
use super::rules::{term_at, LogEdit};
use super::state::{session, set_session, Durable, Role, Volatile};
use super::Raft;
use crate::actor::Ctx;
use crate::id::NodeId;
use crate::time::SimDuration;

impl Raft {
    /// The heartbeat timer fired: a leader sends its next round; anyone else ignores it.
    pub(super) fn on_heartbeat_timer(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        ctx: &mut Ctx<'_, Self>,
    ) {
        v.heartbeat_timer = None;
        if v.role == Role::Leader {
            self.heartbeat(d, v, ctx);
        }
    }

    /// Sends every follower what it lacks (nothing: a heartbeat) and re-arms the timer.
    pub(super) fn heartbeat(&self, d: &mut Durable, v: &mut Volatile, ctx: &mut Ctx<'_, Self>) {
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
    pub(super) fn send_append(
        &self,
        d: &Durable,
        v: &mut Volatile,
        to: NodeId,
        ctx: &mut Ctx<'_, Self>,
    ) {
        let len = d.log.last_index();
        let next = v.next_index[to.index()].clamp(1, len + 1);
        let prev = next - 1;
        let end = (prev + u64::from(self.params.max_entries_per_append)).min(len);
        ctx.send(
            to,
            Msg::AppendEntries(AppendEntries {
                term: d.term,
                prev_log_index: prev,
                prev_log_term: term_at(&d.log, prev),
                entries: d.log[prev as usize..end as usize].to_vec(),
                leader_commit: v.commit_index,
            }),
        );
        v.next_index[to.index()] = end + 1;
    }

    /// Moves the commit index to what the rules allow given every server's match index (the
    /// leader's own is its whole log), and applies what became committed.
    pub(super) fn advance_commit(&self, d: &Durable, v: &mut Volatile, ctx: &mut Ctx<'_, Self>) {
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
            match d.log[(index - 1) as usize].command {
                Command::Put {
                    key,
                    value,
                    client,
                    seq,
                } => {
                    if session(&v.sessions, client) < seq {
                        set_session(&mut v.sessions, client, seq);
                        match v.kv.binary_search_by_key(&key, |e| e.0) {
                            Ok(i) => v.kv[i].1 = value,
                            Err(i) => v.kv.insert(i, (key, value)),
                        }
                    }
                    if answers(v, index, (client, seq)) {
                        let reply = PutReply {
                            seq,
                            ok: true,
                            leader: None,
                        };
                        ctx.send(client, Msg::PutReply(reply));
                    }
                }
                Command::Get { key, client, seq } => {
                    if session(&v.sessions, client) < seq {
                        set_session(&mut v.sessions, client, seq);
                    }
                    if answers(v, index, (client, seq)) {
                        let value =
                            v.kv.binary_search_by_key(&key, |e| e.0)
                                .ok()
                                .map(|i| v.kv[i].1);
                        let reply = GetReply {
                            seq,
                            ok: true,
                            leader: None,
                            value,
                        };
                        ctx.send(client, Msg::GetReply(reply));
                    }
                }
                Command::Noop => {}
            }
        }
    }

    /// A follower's side of `AppendEntries` (Figure 2, "Receiver implementation"): refuse a
    /// stale leader, otherwise follow this one, let the rules judge the consistency check, cut
    /// off what conflicts, append, and learn the leader's commit index.
    pub(super) fn on_append(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        from: NodeId,
        append: AppendEntries,
        ctx: &mut Ctx<'_, Self>,
    ) {
        let AppendEntries {
            term,
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit,
        } = append;
        if term < d.term {
            let reply = Msg::AppendReply(AppendReply {
                term: d.term,
                success: false,
                match_index: d.log.last_index(),
            });
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
            let reply = Msg::AppendReply(AppendReply {
                term: d.term,
                success: false,
                match_index: d.log.last_index().min(prev_log_index.saturating_sub(1)),
            });
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
        let reply = Msg::AppendReply(AppendReply {
            term: d.term,
            success: true,
            match_index: last_new,
        });
        ctx.send(from, reply);
    }

    /// The leader's side of an `AppendReply`: on success record the match and perhaps commit;
    /// on failure back up the next index (at once to the follower's hint) and send again.
    pub(super) fn on_append_reply(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        from: NodeId,
        reply: AppendReply,
        ctx: &mut Ctx<'_, Self>,
    ) {
        let AppendReply {
            term,
            success,
            match_index,
        } = reply;
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
}

/// True if this leader has a client waiting on entry `index` for command `who`: it stops
/// waiting, and the caller answers.
fn answers(v: &mut Volatile, index: u64, who: (NodeId, u64)) -> bool {
    let waited = v.waiting.iter().position(|w| w.0 == index);
    waited.map(|i| v.waiting.swap_remove(i).1) == Some(who)
}
