//! The cluster-wide views a protocol can show under its ring, as data: a small closed set the page
//! draws without knowing the protocol.
//!
//! Per-node views (the inspector's fields, the log grid's rows, the badge) come from the
//! protocol's `inspect`, `log_view` and `badge`. What spans the cluster comes from
//! [`crate::actor::Protocol::panels`], built from every node's state at the moment drawn:
//! - [`Panel::KeyValues`]: a key-value table, one row per replica (what each state machine holds,
//!   so a stale or diverged replica stands out);
//! - [`Panel::Ring`]: nodes and keys on a hash ring (consistent hashing, who owns what);
//! - [`Panel::Series`]: a value per node over time (suspicion, convergence), from points the
//!   protocol keeps;
//! - [`Panel::Figures`]: a table of measured figures.
//!
//! The history of client operations (bars per client) is not a protocol's panel: every run has
//! one ([`history_bars`], from [`crate::sim::Sim::history`]).

use crate::client::{Input, OpResult};
use crate::history::Operation;
use crate::id::NodeId;

/// One cluster-wide view.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Panel {
    /// A key-value table: one row per replica, one column per key.
    KeyValues {
        /// What the table shows, e.g. "State machines (applied entries)".
        title: String,
        /// The column headings (the keys).
        keys: Vec<String>,
        /// One row per replica; `None` for a replica that is down.
        rows: Vec<(NodeId, Option<Vec<String>>)>,
    },
    /// Nodes and keys on a hash ring of `0..size` positions.
    Ring {
        /// What the ring shows.
        title: String,
        /// The ring's size (positions are `0..size`).
        size: u64,
        /// Each node's tokens (virtual nodes) on the ring.
        nodes: Vec<(NodeId, Vec<u64>)>,
        /// Each key, its position and the node that owns it.
        keys: Vec<(String, u64, NodeId)>,
    },
    /// A value per node over time.
    Series {
        /// What is plotted, e.g. "peers suspected".
        title: String,
        /// The unit of the values, e.g. "peers" or "µs".
        unit: String,
        /// One line per node: (time in µs, value) points, oldest first, each value holding until
        /// the next point. Times are true simulated time unless the title says they are each
        /// node's own clock (a node knows no other).
        lines: Vec<(NodeId, Vec<(u64, i64)>)>,
        /// A level drawn across the plot as a dashed line (a detector's threshold: above it a
        /// peer is suspected), if the values have one.
        threshold: Option<i64>,
        /// Each suspicion a node began ([`crate::Ctx::suspect`]), judged by the simulator against
        /// the truth; the protocol leaves this empty and the simulator fills it.
        suspicions: Vec<Suspicion>,
    },
    /// A configuration's valence (FLP): now, and after each delivery a scheduler could choose
    /// next, drawn as a tree one level deep.
    Valence {
        /// What the panel shows.
        title: String,
        /// The valence now ([`ValenceChoice::valence`]'s words).
        now: String,
        /// True if `now` is certain (see [`ValenceChoice::exact`]).
        now_exact: bool,
        /// How far the search looked, for people ("2,310 configurations, up to round 5").
        searched: String,
        /// The run's length in FLP's steps, for people: "37 deliveries without a decision", or
        /// "Decided 0, 41 deliveries so far".
        steps: String,
        /// Each waiting message, oldest first, and where delivering it leads.
        choices: Vec<ValenceChoice>,
        /// What the machine adversary will do next and why, if it is the scheduler.
        plan: Option<String>,
        /// Two of the deliveries, to different processes, applied in both orders (FLP's
        /// commutativity): `None` when no two such deliveries wait.
        diamond: Option<Box<ValenceDiamond>>,
        /// The run's latest configurations, oldest first: the start, then one after each step.
        path: Vec<ValenceStep>,
        /// How many configurations came before the first of `path`.
        path_earlier: u64,
        /// The path in a sentence, for people: how long the run has stayed bivalent, or when
        /// its outcome became fixed and how long before a process decided.
        path_summary: String,
    },
    /// A table of measured figures.
    Figures {
        /// What was measured.
        title: String,
        /// The column headings.
        columns: Vec<String>,
        /// The rows, one string per column.
        rows: Vec<Vec<String>>,
    },
}

/// One client operation drawn as a bar: from its call to its return (or on to now, if it has
/// none), on its client's row.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Bar {
    /// The client's row.
    pub client: u64,
    /// The operation and its result, e.g. "write x=3 → ok".
    pub label: String,
    /// When it was called, in µs of true simulated time.
    pub start_us: u64,
    /// When it returned; `None` while pending (or for an unknown outcome).
    pub end_us: Option<u64>,
}

/// The bars of a history, in call order: the picture a linearizability verdict is drawn on.
pub fn history_bars(ops: &[Operation<Input, OpResult>]) -> Vec<Bar> {
    ops.iter()
        .map(|op| Bar {
            client: op.client_id,
            label: match &op.output {
                Some(r) => format!("{} → {r}", op.input),
                None if op.return_time.is_some() => format!("{} → ?", op.input),
                None => format!("{} …", op.input),
            },
            start_us: op.call_time.max(0) as u64,
            end_us: op.return_time.map(|t| t.max(0) as u64),
        })
        .collect()
}

/// Adds the point (`at_us`, `value`) to a [`Panel::Series`] line a protocol keeps, if the value
/// changed (each value holds until the next point), keeping only the latest `cap` points.
pub fn record_change<V: PartialEq>(points: &mut Vec<(i64, V)>, at_us: i64, value: V, cap: usize) {
    if points.last().map(|p| &p.1) == Some(&value) {
        return;
    }
    if points.len() >= cap {
        points.remove(0);
    }
    points.push((at_us, value));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_operation_is_a_bar_without_an_end() {
        let ops = vec![
            Operation::returned(
                5,
                Input::Write {
                    key: "x".into(),
                    value: 1,
                },
                10,
                OpResult::Ok,
                30,
            ),
            Operation::pending(6, Input::Read { key: "x".into() }, 20),
        ];
        let bars = history_bars(&ops);
        assert_eq!(bars[0].label, "write x=1 → ok");
        assert_eq!((bars[0].start_us, bars[0].end_us), (10, Some(30)));
        assert_eq!(bars[1].end_us, None);
        assert_eq!(bars[1].label, "read x …");
    }
}

/// A suspicion one node began, judged against the truth the simulator knows.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Suspicion {
    /// When, on the suspecting node's own clock (as the plot's lines are), in µs.
    pub at_us: u64,
    /// The node that suspects.
    pub node: NodeId,
    /// The node it suspects.
    pub about: NodeId,
    /// True if `about` had crashed: a right suspicion. A paused, slow or cut-off node is alive,
    /// so suspecting it is a mistake.
    pub right: bool,
}

/// FLP's "diamond": two deliveries to different processes, from the configuration now, in either
/// order. Each process sees only its own messages, so both orders reach the same configuration.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ValenceDiamond {
    /// The first delivery, for people ("n0 → n1: report r1 = 0").
    pub first: String,
    /// The second delivery.
    pub second: String,
    /// The valence after the first alone ([`ValenceChoice::valence`]'s words).
    pub after_first: String,
    /// The valence after the second alone.
    pub after_second: String,
    /// The valence after both.
    pub after_both: String,
    /// True if the two orders reached the same configuration (the explorer checks it, by
    /// comparing the configurations themselves).
    pub same: bool,
}

/// One configuration on the run's path, and what led to it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ValenceStep {
    /// Deliveries so far.
    pub deliveries: u64,
    /// What led here, for people: "the start", "n0 → n1: report r1 = 0", "n2 crashes".
    pub what: String,
    /// Its valence ([`ValenceChoice::valence`]'s words).
    pub valence: String,
    /// False if a univalent verdict is only as far as the search looked.
    pub exact: bool,
}

/// One delivery a scheduler could choose, and the valence it leads to.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ValenceChoice {
    /// The held message ([`crate::Fault::Deliver`] names it).
    pub msg: crate::id::MsgId,
    /// The message, for people ("n1 → n2: report r1 = 1").
    pub label: String,
    /// "bivalent", "0-valent", "1-valent", "unknown" (nothing decided below the horizon) or
    /// "no effect" (the addressee decided or left that phase).
    pub valence: String,
    /// False if some branch was cut at the search's horizon, so a univalent verdict is "as far
    /// as the search looked"; bivalent is always exact.
    pub exact: bool,
}
