//! The valence panel: the configuration now and each delivery a scheduler could choose next,
//! coloured by the valence it leads to, and the run's path so far ([`super::path`]).

use super::adversary::Choice;
use super::explore::{Graph, Valence};
use super::model::Msg;
use super::path::Path;
use crate::actor::Waiting;
use crate::panels::{Panel, ValenceChoice, ValenceDiamond, ValenceStep};

/// A message in a few words: "report r1 = 1", "propose r2 = ⊥", "decided 0".
pub fn describe(msg: &Msg) -> String {
    match msg {
        Msg::Report { round, value } => format!("report r{round} = {value}"),
        Msg::Propose { round, value: None } => format!("propose r{round} = ⊥"),
        Msg::Propose {
            round,
            value: Some(v),
        } => format!("propose r{round} = {v}"),
        Msg::Decided { value } => format!("decided {value}"),
    }
}

/// A message with its sender and addressee: "n0 → n2: report r3 = 1".
pub fn label((from, to, msg): (u32, u32, Msg)) -> String {
    format!("n{from} → n{to}: {}", describe(&msg))
}

fn exact(v: Valence) -> bool {
    !matches!(
        v,
        Valence::Zero { exact: false } | Valence::One { exact: false } | Valence::Unknown
    )
}

/// Group digits in threes ("12,345").
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The panel for the configuration at `root` of `graph`, with `waiting` in transit (a choice for
/// each held one, oldest first) and the machine adversary's `plan` if it is the scheduler.
pub fn valence_panel(
    graph: &Graph,
    root: usize,
    waiting: &[Waiting<'_, Msg>],
    plan: Option<&Choice>,
    deliveries: u64,
    path: &Path,
) -> Panel {
    let now = graph.valence(root);
    let choices = waiting
        .iter()
        .filter(|w| w.held)
        .map(|w| {
            let m = (w.from.0, w.to.0, *w.payload);
            let label = label(m);
            if !graph.configs[root].pending.contains(&m) {
                return ValenceChoice {
                    msg: w.msg,
                    label,
                    valence: "no effect".into(),
                    exact: true,
                };
            }
            // With a fair coin one delivery may lead to two configurations: what either reaches
            // (a 0-valent outcome beside one the search left undecided is 0-valent, not exactly).
            let v = graph.reach_after(root, &m).valence();
            ValenceChoice {
                msg: w.msg,
                label,
                valence: v.word().into(),
                exact: exact(v),
            }
        })
        .collect();
    let mut searched = format!(
        "Searched {} configurations: every delivery order until a process passes round {}.",
        grouped(graph.configs.len() as u64),
        graph.max_round
    );
    if graph.truncated {
        searched.push_str(" (stopped at the search budget)");
    }
    let plan = plan.map(|c| {
        let what = label(c.deliver);
        if !c.keeps_bivalent {
            format!("delivers the oldest message, {what}: no schedule it found keeps the run bivalent.")
        } else if c.before_oldest == 0 {
            format!("delivers the oldest message, {what}: the run stays bivalent.")
        } else {
            format!(
                "delivers {what} first, so that the oldest message can come {} deliveries later and leave the run bivalent.",
                c.before_oldest
            )
        }
    });
    Panel::Valence {
        title: "Valence: which decisions each next delivery leaves reachable".into(),
        now: now.word().into(),
        now_exact: exact(now),
        searched,
        steps: match graph.configs[root].decided() {
            None => format!("{} without a decision", deliveries_text(deliveries)),
            Some(v) => format!("Decided {v}, {} so far", deliveries_text(deliveries)),
        },
        choices,
        plan,
        diamond: diamond(graph, root, waiting),
        path: path
            .points
            .iter()
            .map(|p| ValenceStep {
                deliveries: p.deliveries,
                what: p.what.clone(),
                valence: p.valence.word().into(),
                exact: exact(p.valence),
            })
            .collect(),
        path_earlier: path.earlier,
        path_summary: path.summary(),
    }
}

/// "1 delivery", "37 deliveries".
fn deliveries_text(n: u64) -> String {
    format!("{} deliver{}", grouped(n), if n == 1 { "y" } else { "ies" })
}

/// The only configuration delivering `pending[i]` of configuration `at` leads to, if the search
/// expanded it and no coin made it two.
fn only_successor(graph: &Graph, at: usize, m: &(u32, u32, Msg)) -> Option<usize> {
    let mut to = graph.successors(at, m);
    let first = to.next()?;
    to.next().is_none().then_some(first)
}

/// The two oldest held messages that matter and go to different processes, delivered in both
/// orders from the configuration at `root`: FLP's Lemma 1 on the run now.
fn diamond(
    graph: &Graph,
    root: usize,
    waiting: &[Waiting<'_, Msg>],
) -> Option<Box<ValenceDiamond>> {
    let config = &graph.configs[root];
    let held: Vec<(u32, u32, Msg)> = waiting
        .iter()
        .filter(|w| w.held)
        .map(|w| (w.from.0, w.to.0, *w.payload))
        .filter(|m| config.pending.contains(m))
        .collect();
    let e = *held.first()?;
    let f = *held.iter().find(|m| m.1 != e.1)?;
    let after_e = only_successor(graph, root, &e)?;
    let after_f = only_successor(graph, root, &f)?;
    let ef = only_successor(graph, after_e, &f)?;
    let fe = only_successor(graph, after_f, &e)?;
    Some(Box::new(ValenceDiamond {
        first: label(e),
        second: label(f),
        after_first: graph.valence(after_e).word().into(),
        after_second: graph.valence(after_f).word().into(),
        after_both: graph.valence(ef).word().into(),
        same: graph.configs[ef] == graph.configs[fe],
    }))
}
