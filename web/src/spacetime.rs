//! The space-time diagram: a lane per node, time to the right, an arrow per message,
//! each event labelled with its logical stamp. Selecting an event colours its causal
//! past and future (happens-before as the simulator computed it) and leaves the
//! concurrent events grey, which is the picture behind Lamport and vector clocks.

use crate::svg::{px, whole};
use netsplit_core::causality::{causal_events, CausalEvent};
use netsplit_core::{EventKind, TraceEvent};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::prelude::*;

const LANE_GAP: f64 = 56.0;
const TOP: f64 = 30.0;
const LEFT: f64 = 48.0;
const WIDTH: f64 = 900.0;
/// At most this many trace records are drawn (the most recent), so long runs stay fast.
pub const MAX_RECORDS: usize = 4_000;

/// What to draw.
#[derive(Properties, PartialEq, Clone)]
pub struct SpaceTimeProps {
    /// The trace (or its tail), oldest first.
    pub events: Rc<Vec<TraceEvent>>,
    /// Cluster size.
    pub nodes: u32,
    /// Events of this step are ringed in red (a counterexample's failing step).
    #[prop_or_default]
    pub marked_step: Option<u64>,
}

fn describe(e: &CausalEvent, trace: &[TraceEvent]) -> String {
    let what = trace
        .iter()
        .find(|t| {
            t.step == e.id.step
                && matches!(&t.kind, EventKind::Delivered { to, .. } if *to == e.id.node)
        })
        .map(|t| match &t.kind {
            EventKind::Delivered { from, msg, .. } => format!("receives {msg} from {from}"),
            _ => String::new(),
        })
        .unwrap_or_else(|| {
            if e.id.step == 0 {
                "starts".into()
            } else if e.sent.is_empty() {
                "local event".into()
            } else {
                "sends".into()
            }
        });
    let sent = if e.sent.is_empty() {
        String::new()
    } else {
        format!(
            ", sends {}",
            e.sent
                .iter()
                .map(|m| m.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let stamp = e
        .stamp
        .as_ref()
        .map(|s| format!(", {s}"))
        .unwrap_or_default();
    format!("{} {what} at {}{sent}{stamp}", e.id.node, e.at)
}

/// The diagram.
#[function_component(SpaceTimeDiagram)]
pub fn space_time_diagram(props: &SpaceTimeProps) -> Html {
    let selected = use_state(|| None::<usize>);
    let arrow_id = crate::unique_id::use_unique_id("st-arrow");
    let arrow_ref = format!("url(#{arrow_id})");
    let events = use_memo((props.events.clone(), props.nodes), |(trace, nodes)| {
        causal_events(trace, *nodes)
    });
    let n = props.nodes.max(1);
    let height = TOP + LANE_GAP * f64::from(n);
    let (t0, t1) = match (events.first(), events.last()) {
        (Some(a), Some(b)) => (a.at.0, b.at.0.max(a.at.0 + 1)),
        _ => (0, 1),
    };
    let x =
        |at: u64| LEFT + (WIDTH - LEFT - 20.0) * (at.saturating_sub(t0)) as f64 / (t1 - t0) as f64;
    let y = |node: u32| TOP + LANE_GAP * f64::from(node) + LANE_GAP / 2.0 - 10.0;
    let sel = (*selected).filter(|i| *i < events.len());
    let relation = |i: usize| -> &'static str {
        match sel {
            None => "",
            Some(s) if s == i => "selected",
            Some(s) if events[i].happens_before(&events[s]) => "past",
            Some(s) if events[s].happens_before(&events[i]) => "future",
            Some(_) => "concurrent",
        }
    };

    // Where each message was sent from (for arrows), and drops at send time.
    let mut send_of = BTreeMap::new();
    for (i, e) in events.iter().enumerate() {
        for m in &e.sent {
            send_of.insert(*m, i);
        }
    }
    let arrows = events.iter().filter_map(|e| {
        let (msg, s) = e.received?;
        let from = &events[s];
        Some(html! {
            <line class="st-msg" x1={px(x(from.at.0))} y1={px(y(from.id.node.0))}
                x2={px(x(e.at.0))} y2={px(y(e.id.node.0))} marker-end={arrow_ref.clone()}>
                <title>{format!("{msg}: {} → {}", from.id.node, e.id.node)}</title>
            </line>
        })
    });
    let drops = props.events.iter().filter_map(|t| match &t.kind {
        EventKind::Dropped {
            from,
            to,
            msg,
            reason,
            ..
        } if from.0 < n && to.0 < n => {
            let s = send_of.get(msg).map(|i| &events[*i])?;
            let (x1, y1) = (x(s.at.0), y(from.0));
            let (x2, y2) = (x(t.at.0.max(s.at.0)) + 18.0, (y(from.0) + y(to.0)) / 2.0);
            Some(html! {
                <g class="st-drop">
                    <line x1={px(x1)} y1={px(y1)} x2={px(x2)} y2={px(y2)} />
                    <text x={px(x2)} y={px(y2)}>{"✕"}</text>
                    <title>{format!("{msg} {from} → {to} dropped ({reason})")}</title>
                </g>
            })
        }
        _ => None,
    });
    let dots = events.iter().enumerate().map(|(i, e)| {
        let onclick = {
            let selected = selected.clone();
            Callback::from(move |_: MouseEvent| {
                selected.set(if *selected == Some(i) { None } else { Some(i) })
            })
        };
        let marked = props.marked_step == Some(e.id.step);
        let class = classes!("st-event", relation(i), marked.then_some("failed"));
        let (cx, cy) = (x(e.at.0), y(e.id.node.0));
        html! {
            <g {class} {onclick} data-testid="st-event">
                <circle cx={px(cx)} cy={px(cy)} r={if marked { "8" } else { "5.5" }} />
                if let Some(s) = &e.stamp {
                    <text x={px(cx)} y={px(cy - 11.0)}>{s.to_string()}</text>
                }
                <title>{describe(e, &props.events)}</title>
            </g>
        }
    });
    let lanes = (0..n).map(|i| {
        html! {
            <g class="st-lane">
                <text x="6" y={px(y(i) + 4.0)}>{format!("n{i}")}</text>
                <line x1={px(LEFT)} y1={px(y(i))} x2={px(WIDTH)} y2={px(y(i))} />
            </g>
        }
    });
    let onkeydown = {
        let (selected, count) = (selected.clone(), events.len());
        Callback::from(move |e: KeyboardEvent| {
            let next = match (e.key().as_str(), *selected) {
                ("ArrowRight", None) | ("Home", _) => Some(0),
                ("ArrowRight", Some(i)) => Some((i + 1).min(count.saturating_sub(1))),
                ("ArrowLeft", Some(i)) => Some(i.saturating_sub(1)),
                ("End", _) => count.checked_sub(1),
                ("Escape", _) => None,
                _ => return,
            };
            e.prevent_default();
            selected.set(next);
        })
    };
    let summary = match sel {
        None => "Click an event (or focus the diagram and use the arrow keys) to see its causal past and future.".to_string(),
        Some(s) => {
            let past = (0..events.len()).filter(|i| relation(*i) == "past").count();
            let future = (0..events.len()).filter(|i| relation(*i) == "future").count();
            let conc = (0..events.len()).filter(|i| relation(*i) == "concurrent").count();
            format!("{}. Happened before it: {past} events (blue). After it: {future} (orange). Concurrent: {conc} (grey).", describe(&events[s], &props.events))
        }
    };
    html! {
        <figure class="spacetime" data-testid="spacetime">
            <svg viewBox={format!("0 0 {} {}", whole(WIDTH), whole(height))} tabindex="0" role="group" {onkeydown}
                aria-label="Space-time diagram: a lane per node, time to the right, an arrow per message">
                <defs>
                    <marker id={arrow_id.clone()} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" />
                    </marker>
                </defs>
                { for lanes }
                { for arrows }
                { for drops }
                { for dots }
            </svg>
            <figcaption aria-live="polite" data-testid="st-summary">{summary}</figcaption>
        </figure>
    }
}
