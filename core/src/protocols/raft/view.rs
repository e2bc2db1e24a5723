//! What the page shows of a Raft node: its fields (Figure 2's state, named as the paper names
//! it), its log for the shared log grid, and a short badge for the cluster picture.
//!
//! A crashed node has no volatile state, so each view shows what survives a crash (term, vote,
//! log) and leaves the rest out; its commit index counts as 0, which is what it restarts with.

use super::client::KEYS;
use super::state::{Durable, Role, Volatile};
use super::Raft;
use super::RaftParams;
use crate::actor::{Field, LogCell, LogView, NodeRef};
use crate::client::Input;
use crate::controls::{Control, NodeAction};
use crate::fault::{Fault, PlannedFault};
use crate::id::NodeId;
use crate::panels::Panel;

/// The node's state as named fields: a client's progress, or a server's Figure 2 state.
pub(super) fn inspect(d: &Durable, v: Option<&Volatile>) -> Vec<Field> {
    if d.client.is_client {
        let c = &d.client;
        let pending = c
            .pending
            .as_ref()
            .map_or("none".to_string(), |p| format!("#{} {}", p.seq, p.request));
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

/// Each server's state machine (its applied key-value pairs and how far it has applied), so a
/// lagging or diverged replica shows beside the others; clients have none.
pub(super) fn panels(servers: u32, nodes: &[NodeRef<'_, Raft>]) -> Vec<Panel> {
    let servers: Vec<&NodeRef<'_, Raft>> = nodes.iter().filter(|n| n.id.0 < servers).collect();
    let mut keys: Vec<char> = KEYS.to_vec();
    for n in &servers {
        for (k, _) in n.volatile.map_or(&[][..], |v| &v.kv[..]) {
            if !keys.contains(k) {
                keys.push(*k);
            }
        }
    }
    let rows = servers
        .iter()
        .map(|n| {
            let row = n.volatile.map(|v| {
                let mut cells: Vec<String> = keys
                    .iter()
                    .map(|k| {
                        v.kv.iter()
                            .find(|e| e.0 == *k)
                            .map_or("–".to_string(), |e| e.1.to_string())
                    })
                    .collect();
                cells.push(v.last_applied.to_string());
                cells
            });
            (n.id, row)
        })
        .collect();
    let mut headings: Vec<String> = keys.iter().map(char::to_string).collect();
    headings.push("applied up to".into());
    vec![Panel::KeyValues {
        title: "State machines: what each server has applied".into(),
        keys: headings,
        rows,
    }]
}

/// Role and term in a few characters (just the term while crashed).
pub(super) fn badge(d: &Durable, v: Option<&Volatile>) -> String {
    match v {
        _ if d.client.is_client => "client".into(),
        Some(v) => format!("{} t{}", v.role, d.term),
        None => format!("t{}", d.term),
    }
}

/// "Time out now" on a server (clients have no election timer): RaftScope's button, which lets a
/// learner line timers up by hand.
pub(super) fn actions(id: NodeId, d: &Durable) -> Vec<NodeAction> {
    if d.client.is_client {
        return Vec::new();
    }
    vec![NodeAction {
        id: "timeout-now".into(),
        label: "Time out now".into(),
        title: "Its election timer expires now: it stands for election in the next term".into(),
        fault: Fault::Input {
            node: id,
            input: Input::TimeoutNow,
        },
    }]
}

/// A client write (the next key and value in turn, from the first client), a client read (of the
/// key last written), and the timeout mode.
pub(super) fn controls(params: &RaftParams, nodes: u32, live: &[PlannedFault]) -> Vec<Control> {
    let mut controls = Vec::new();
    let clients = params.clients.min(nodes);
    if clients > 0 {
        let first_client = NodeId(nodes - clients);
        let asked = live.iter().filter(|f| is_write(&f.fault)).count() as u32;
        let n = asked + 1;
        controls.push(Control::Button {
            id: "client-request".into(),
            label: format!("Client write (from {first_client})"),
            title:
                "The client sends a write to the server it believes leads; a follower redirects it"
                    .into(),
            fault: Fault::Input {
                node: first_client,
                input: Input::Write {
                    key: KEYS[(n % 3) as usize].to_string(),
                    value: i64::from(n) * 10,
                },
            },
        });
        controls.push(Control::Button {
            id: "client-read".into(),
            label: format!("Client read (from {first_client})"),
            title: "The client reads the key last written: the leader logs the read and answers \
                    when it is applied"
                .into(),
            fault: Fault::Input {
                node: first_client,
                input: Input::Read {
                    key: KEYS[(asked.max(1) % 3) as usize].to_string(),
                },
            },
        });
    }
    controls.push(Control::Toggle {
        id: "randomized-timeouts".into(),
        label: "Randomized election timeouts".into(),
        on: params.randomized_timeouts,
    });
    controls
}

/// True for a client write from the page (today's input, or the older request form).
fn is_write(fault: &Fault) -> bool {
    matches!(
        fault,
        Fault::Request { .. }
            | Fault::Input {
                input: Input::Write { .. },
                ..
            }
    )
}

/// Sets the parameter a control of [`controls`] edits.
pub(super) fn set_control(params: &mut RaftParams, id: &str, value: u32) -> bool {
    match id {
        "randomized-timeouts" => params.randomized_timeouts = value != 0,
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::Control;

    fn buttons(params: &RaftParams, live: &[PlannedFault]) -> Vec<Fault> {
        controls(params, 6, live)
            .into_iter()
            .filter_map(|c| match c {
                Control::Button { fault, .. } => Some(fault),
                _ => None,
            })
            .collect()
    }

    fn write(key: &str, value: i64) -> Fault {
        Fault::Input {
            node: NodeId(5),
            input: Input::Write {
                key: key.into(),
                value,
            },
        }
    }

    #[test]
    fn each_client_write_writes_the_next_key_and_value_and_the_read_reads_the_last() {
        let params = RaftParams::default();
        let first = buttons(&params, &[]);
        assert_eq!(first[0], write("y", 10));
        let live = [PlannedFault {
            at_us: 5,
            fault: first[0].clone(),
        }];
        let second = buttons(&params, &live);
        assert_eq!(second[0], write("z", 20));
        assert_eq!(
            second[1],
            Fault::Input {
                node: NodeId(5),
                input: Input::Read { key: "y".into() }
            }
        );
    }

    #[test]
    fn only_servers_can_time_out_now() {
        let mut d = Durable::default();
        assert_eq!(
            actions(NodeId(2), &d)[0].fault,
            Fault::Input {
                node: NodeId(2),
                input: Input::TimeoutNow
            }
        );
        d.client.is_client = true;
        assert!(actions(NodeId(5), &d).is_empty());
    }
}
