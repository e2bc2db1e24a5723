//! What the page shows of a Raft node: its fields (Figure 2's state, named as the paper names
//! it), its log for the shared log grid, and a short badge for the cluster picture.
//!
//! A crashed node has no volatile state, so each view shows what survives a crash (term, vote,
//! log) and leaves the rest out; its commit index counts as 0, which is what it restarts with.

use super::state::{Durable, Role, Volatile};
use crate::actor::{Field, LogCell, LogView};

/// The node's state as named fields: a client's progress, or a server's Figure 2 state.
pub(super) fn inspect(d: &Durable, v: Option<&Volatile>) -> Vec<Field> {
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

/// A server's log and commit index for the log grid; a client has none.
pub(super) fn log_view(d: &Durable, v: Option<&Volatile>) -> Option<LogView> {
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

/// Role and term in a few characters (just the term while crashed).
pub(super) fn badge(d: &Durable, v: Option<&Volatile>) -> String {
    match v {
        _ if d.client.is_client => "client".into(),
        Some(v) => format!("{} t{}", v.role, d.term),
        None => format!("t{}", d.term),
    }
}
