//! What Raft servers and clients say to each other (Figure 2's two RPCs, each a request and a
//! reply, and the client's `Put`, §8), and the timers that make a node act on its own.
//!
//! Each message is its own struct, so a handler takes the one it answers, named field by field,
//! rather than a tuple whose positions must be remembered.
//!
//! The trace digest hashes every message and timer with `derive(Hash)`, and the event log prints
//! them with [`fmt::Debug`]: a golden digest pins both. `Msg::Vote(Vote { term, granted })` hashes
//! exactly as a struct variant `Msg::Vote { term, granted }` would (the discriminant, then the
//! fields in order), so the order of the variants and of each struct's fields is part of the
//! format, as is the text the `Debug` impl writes.

use super::log::Entry;
use crate::id::NodeId;
use std::fmt;

/// Raft's messages (Figure 2), and the client's.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Msg {
    /// A candidate asks for a vote.
    RequestVote(RequestVote),
    /// The answer to `RequestVote`.
    Vote(Vote),
    /// The leader replicates entries (none: a heartbeat).
    AppendEntries(AppendEntries),
    /// The answer to `AppendEntries`.
    AppendReply(AppendReply),
    /// A client asks to set a key.
    Put(Put),
    /// The answer to `Put`.
    PutReply(PutReply),
    /// A client asks to read a key (appended after the others: the order is part of the digest).
    Get(Get),
    /// The answer to `Get`.
    GetReply(GetReply),
}

/// A candidate asks for a vote (Figure 2, "RequestVote RPC", §5.2, §5.4.1).
///
/// The last entry's index and term let a voter refuse a candidate whose log is less up to date
/// than its own, which keeps committed entries in every future leader's log (§5.4.1).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RequestVote {
    /// The candidate's term.
    pub term: u64,
    /// Index of its last log entry.
    pub last_log_index: u64,
    /// Term of its last log entry.
    pub last_log_term: u64,
}

/// The answer to [`RequestVote`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Vote {
    /// The voter's term, so a stale candidate learns it is behind.
    pub term: u64,
    /// Whether the vote was granted.
    pub granted: bool,
}

/// The leader replicates entries, or with none sends a heartbeat (Figure 2, "AppendEntries RPC",
/// §5.3).
///
/// The entry just before the new ones, named by index and term, is the consistency check: a
/// follower whose log does not hold it refuses, and the leader backs up.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AppendEntries {
    /// The leader's term.
    pub term: u64,
    /// Index of the entry just before the new ones.
    pub prev_log_index: u64,
    /// Its term.
    pub prev_log_term: u64,
    /// The entries, for indexes `prev_log_index + 1` on.
    pub entries: Vec<Entry>,
    /// The leader's commit index.
    pub leader_commit: u64,
}

/// The answer to [`AppendEntries`].
///
/// It carries a match index, which Figure 2 leaves out: the leader may have sent more since, so
/// the reply says which entries it confirms (and, on failure, how far back to skip).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AppendReply {
    /// The follower's term.
    pub term: u64,
    /// Whether the consistency check passed.
    pub success: bool,
    /// On success the index of the last entry sent; on failure the highest index that may
    /// still match (below the one that did not), so the leader can skip back in one step.
    pub match_index: u64,
}

/// A client asks to set `key` to `value` (§8).
///
/// The sequence number lets the state machine apply a retried command once.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Put {
    /// Which key.
    pub key: char,
    /// Its value.
    pub value: i64,
    /// The client's sequence number for this command.
    pub seq: u64,
}

/// The answer to [`Put`]: done, or a redirect to the leader this server knows of (§8).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PutReply {
    /// Which command.
    pub seq: u64,
    /// Committed and applied. Otherwise this server is not the leader.
    pub ok: bool,
    /// The leader this server knows of, when `ok` is false.
    pub leader: Option<NodeId>,
}

/// A client asks to read `key` (§8): the leader puts the read in its log and answers when it is
/// applied, so the answer reflects every write committed before it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Get {
    /// Which key.
    pub key: char,
    /// The client's sequence number for this command.
    pub seq: u64,
}

/// The answer to [`Get`]: the value, or a redirect as for [`PutReply`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GetReply {
    /// Which command.
    pub seq: u64,
    /// Applied, and `value` is the answer. Otherwise this server is not the leader.
    pub ok: bool,
    /// The leader this server knows of, when `ok` is false.
    pub leader: Option<NodeId>,
    /// The key's value when the read was applied (`None`: never written).
    pub value: Option<i64>,
}

impl fmt::Debug for Msg {
    /// A short form for the trace and the message labels.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::RequestVote(RequestVote {
                term,
                last_log_index,
                last_log_term,
            }) => write!(
                f,
                "RequestVote t{term} last={last_log_index}/t{last_log_term}"
            ),
            Msg::Vote(Vote { term, granted }) => {
                write!(f, "Vote t{term} {}", if *granted { "yes" } else { "no" })
            }
            Msg::AppendEntries(AppendEntries {
                term,
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
            }) => {
                write!(
                    f,
                    "AppendEntries t{term} prev={prev_log_index}/t{prev_log_term} ["
                )?;
                for (i, e) in entries.iter().enumerate() {
                    write!(f, "{}{e}", if i == 0 { "" } else { ", " })?;
                }
                write!(f, "] commit={leader_commit}")
            }
            Msg::AppendReply(AppendReply {
                term,
                success,
                match_index,
            }) => {
                let word = if *success { "ok" } else { "no" };
                write!(f, "AppendReply t{term} {word} match={match_index}")
            }
            Msg::Put(Put { key, value, seq }) => write!(f, "Put {key}={value} #{seq}"),
            Msg::PutReply(PutReply { seq, ok, leader }) => match (ok, leader) {
                (true, _) => write!(f, "PutReply #{seq} ok"),
                (false, Some(l)) => write!(f, "PutReply #{seq} ask {l}"),
                (false, None) => write!(f, "PutReply #{seq} no leader"),
            },
            Msg::Get(Get { key, seq }) => write!(f, "Get {key} #{seq}"),
            Msg::GetReply(GetReply {
                seq,
                ok,
                leader,
                value,
            }) => match (ok, leader, value) {
                (true, _, Some(v)) => write!(f, "GetReply #{seq} {v}"),
                (true, _, None) => write!(f, "GetReply #{seq} nil"),
                (false, Some(l), _) => write!(f, "GetReply #{seq} ask {l}"),
                (false, None, _) => write!(f, "GetReply #{seq} no leader"),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::raft::Command;
    use crate::trace::stable_hash;

    /// `Msg` as it was before each RPC had its own struct: struct variants, same order, same
    /// fields. Golden digests recorded with it must still match.
    #[derive(Hash)]
    enum StructVariants {
        RequestVote {
            term: u64,
            last_log_index: u64,
            last_log_term: u64,
        },
        Vote {
            term: u64,
            granted: bool,
        },
        AppendEntries {
            term: u64,
            prev_log_index: u64,
            prev_log_term: u64,
            entries: Vec<Entry>,
            leader_commit: u64,
        },
        AppendReply {
            term: u64,
            success: bool,
            match_index: u64,
        },
        Put {
            key: char,
            value: i64,
            seq: u64,
        },
        PutReply {
            seq: u64,
            ok: bool,
            leader: Option<NodeId>,
        },
    }

    fn entries() -> Vec<Entry> {
        vec![
            Entry {
                term: 1,
                command: Command::Noop,
            },
            Entry {
                term: 2,
                command: Command::Put {
                    key: 'x',
                    value: 7,
                    client: NodeId(5),
                    seq: 3,
                },
            },
        ]
    }

    #[test]
    fn each_message_hashes_as_the_struct_variant_it_replaced() {
        let pairs = [
            (
                Msg::RequestVote(RequestVote {
                    term: 3,
                    last_log_index: 5,
                    last_log_term: 2,
                }),
                StructVariants::RequestVote {
                    term: 3,
                    last_log_index: 5,
                    last_log_term: 2,
                },
            ),
            (
                Msg::Vote(Vote {
                    term: 3,
                    granted: true,
                }),
                StructVariants::Vote {
                    term: 3,
                    granted: true,
                },
            ),
            (
                Msg::AppendEntries(AppendEntries {
                    term: 2,
                    prev_log_index: 4,
                    prev_log_term: 1,
                    entries: entries(),
                    leader_commit: 4,
                }),
                StructVariants::AppendEntries {
                    term: 2,
                    prev_log_index: 4,
                    prev_log_term: 1,
                    entries: entries(),
                    leader_commit: 4,
                },
            ),
            (
                Msg::AppendReply(AppendReply {
                    term: 2,
                    success: false,
                    match_index: 3,
                }),
                StructVariants::AppendReply {
                    term: 2,
                    success: false,
                    match_index: 3,
                },
            ),
            (
                Msg::Put(Put {
                    key: 'y',
                    value: -1,
                    seq: 9,
                }),
                StructVariants::Put {
                    key: 'y',
                    value: -1,
                    seq: 9,
                },
            ),
            (
                Msg::PutReply(PutReply {
                    seq: 9,
                    ok: false,
                    leader: Some(NodeId(2)),
                }),
                StructVariants::PutReply {
                    seq: 9,
                    ok: false,
                    leader: Some(NodeId(2)),
                },
            ),
        ];
        for (msg, old) in &pairs {
            assert_eq!(stable_hash(msg), stable_hash(old), "{msg:?}");
        }
    }

    #[test]
    fn each_message_prints_its_short_trace_label() {
        let labels = [
            (
                Msg::RequestVote(RequestVote {
                    term: 3,
                    last_log_index: 5,
                    last_log_term: 2,
                }),
                "RequestVote t3 last=5/t2",
            ),
            (
                Msg::Vote(Vote {
                    term: 3,
                    granted: false,
                }),
                "Vote t3 no",
            ),
            (
                Msg::AppendEntries(AppendEntries {
                    term: 2,
                    prev_log_index: 4,
                    prev_log_term: 1,
                    entries: entries(),
                    leader_commit: 4,
                }),
                "AppendEntries t2 prev=4/t1 [t1 noop, t2 x=7] commit=4",
            ),
            (
                Msg::AppendReply(AppendReply {
                    term: 2,
                    success: true,
                    match_index: 6,
                }),
                "AppendReply t2 ok match=6",
            ),
            (
                Msg::Put(Put {
                    key: 'y',
                    value: -1,
                    seq: 9,
                }),
                "Put y=-1 #9",
            ),
            (
                Msg::PutReply(PutReply {
                    seq: 9,
                    ok: true,
                    leader: None,
                }),
                "PutReply #9 ok",
            ),
            (
                Msg::PutReply(PutReply {
                    seq: 9,
                    ok: false,
                    leader: Some(NodeId(2)),
                }),
                "PutReply #9 ask n2",
            ),
            (
                Msg::PutReply(PutReply {
                    seq: 9,
                    ok: false,
                    leader: None,
                }),
                "PutReply #9 no leader",
            ),
        ];
        for (msg, label) in &labels {
            assert_eq!(format!("{msg:?}"), *label);
        }
    }
}
