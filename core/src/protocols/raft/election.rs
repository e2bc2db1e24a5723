//! Leader election (Raft §5.2), with the voting restriction of §5.4.1.
//!
//! A follower that hears from no leader for a randomized election timeout becomes a candidate:
//! it moves to the next term, votes for itself and sends `RequestVote` to every other server. A
//! server grants at most one vote per term, and only to a candidate whose log is at least as up to
//! date as its own (the decision lives in [`super::rules::RaftRules::grant_vote`]). Votes from a
//! majority make the candidate leader of that term; any message with a newer term sends a server
//! back to follower in that term (§5.1). Randomized timeouts make split votes rare, since one
//! server usually times out, asks and wins before the others wake.

use super::log::{Command, Entry};
use super::msg::{Msg, RequestVote, Timer, Vote};
use super::rules::VoteQuery;
use super::state::{Durable, Role, Volatile};
use super::Raft;
use crate::actor::Ctx;
use crate::id::NodeId;
use crate::time::SimDuration;

impl Raft {
    /// Re-arms the election timeout, drawn afresh each time (§5.2) unless the lesson turned
    /// randomization off.
    pub(super) fn reset_election_timer(&self, v: &mut Volatile, ctx: &mut Ctx<'_, Self>) {
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

    /// The election timeout fired: a follower or candidate stands (again); a leader ignores it.
    pub(super) fn on_election_timer(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        ctx: &mut Ctx<'_, Self>,
    ) {
        v.election_timer = None;
        if matches!(v.role, Role::Follower | Role::Candidate) {
            self.start_election(d, v, ctx);
        }
    }

    /// Adopts a newer term, or falls back to follower in this one (§5.1).
    pub(super) fn become_follower(
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

    /// Becomes a candidate for the next term, votes for itself and asks every other server
    /// (§5.2); a cluster of one server elects itself at once.
    pub(super) fn start_election(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        ctx: &mut Ctx<'_, Self>,
    ) {
        d.term += 1;
        d.voted_for = Some(ctx.id());
        v.role = Role::Candidate;
        v.leader = None;
        v.votes = vec![ctx.id()];
        ctx.note(format!("times out: stands for election in term {}", d.term));
        self.reset_election_timer(v, ctx);
        let msg = Msg::RequestVote(RequestVote {
            term: d.term,
            last_log_index: d.log.last_index(),
            last_log_term: d.log.last_term(),
        });
        for peer in self.server_peers(ctx) {
            ctx.send(peer, msg.clone());
        }
        if v.votes.len() >= self.majority(ctx) {
            self.become_leader(d, v, ctx);
        }
    }

    /// Takes the lead: fresh replication progress for every server (Figure 2, "volatile state on
    /// leaders"), the optional no-op of its own term (§8), and a first heartbeat at once so that
    /// no one else times out.
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

    /// A voter's side of `RequestVote` (Figure 2, "Receiver implementation"): the rules decide;
    /// a granted vote is persisted before the answer leaves and resets the voter's timeout.
    pub(super) fn on_request_vote(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        from: NodeId,
        request: RequestVote,
        ctx: &mut Ctx<'_, Self>,
    ) {
        let RequestVote {
            term,
            last_log_index,
            last_log_term,
        } = request;
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
            Msg::Vote(Vote {
                term: d.term,
                granted,
            }),
        );
    }

    /// A candidate counts a vote of its own term; a majority makes it leader (§5.2).
    pub(super) fn on_vote(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        from: NodeId,
        vote: Vote,
        ctx: &mut Ctx<'_, Self>,
    ) {
        let Vote { term, granted } = vote;
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
}
