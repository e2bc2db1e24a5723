//! The node inspector: one node's state, clock and the faults that apply to it.

use netsplit_core::{Fault, NodeId, NodeView};
use yew::prelude::*;

/// How long the inspector's Pause button stops a node: long against the usual timeouts (150 ms
/// for the heartbeat detector, 150 to 300 ms for Raft's elections), short enough to watch.
const PAUSE_US: u64 = 1_000_000;

/// The node to show and what its buttons do.
#[derive(Properties, PartialEq, Clone)]
pub struct InspectorProps {
    /// The selected node, if any.
    pub node: Option<NodeView>,
    /// Crash or restart.
    pub on_toggle_crash: Callback<NodeId>,
    /// Cut it off from everyone.
    pub on_isolate: Callback<NodeId>,
    /// Set its clock skew, in microseconds.
    pub on_skew: Callback<(NodeId, i64)>,
    /// Set its clock drift, in ppm.
    pub on_drift: Callback<(NodeId, i64)>,
    /// One of the node's own actions ([`NodeView::actions`]) was pressed: what it injects.
    pub on_action: Callback<Fault>,
}

/// Shows the selected node.
#[function_component(Inspector)]
pub fn inspector(props: &InspectorProps) -> Html {
    let Some(v) = props.node.clone() else {
        return html! {
            <div class="inspector empty" data-testid="inspector">
                <p>{"Click a node (or focus it and press Enter) to inspect it. Press C on a node to crash or restart it."}</p>
            </div>
        };
    };
    let id = v.id;
    let toggle = {
        let cb = props.on_toggle_crash.clone();
        Callback::from(move |_: MouseEvent| cb.emit(id))
    };
    let isolate = {
        let cb = props.on_isolate.clone();
        Callback::from(move |_: MouseEvent| cb.emit(id))
    };
    // A stop-the-world pause (a garbage collector, a stalled VM): unlike a crash the node forgets
    // nothing and goes on after it, late.
    let pause = {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| {
            cb.emit(Fault::Pause {
                node: id,
                duration_us: PAUSE_US,
            })
        })
    };
    let actions = v.actions.iter().map(|a| {
        let (cb, fault) = (props.on_action.clone(), a.fault.clone());
        let onclick = Callback::from(move |_: MouseEvent| cb.emit(fault.clone()));
        html! {
            <button {onclick} disabled={!v.up} data-testid={a.id.to_string()} title={a.title.to_string()}>{a.label.to_string()}</button>
        }
    });
    let skew = {
        let cb = props.on_skew.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Some(us) = crate::svg::parse_ms(&input.value()) {
                cb.emit((id, us));
            }
        })
    };
    let drift = {
        let cb = props.on_drift.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Ok(ppm) = input.value().trim().parse::<i64>() {
                cb.emit((id, ppm.clamp(-500_000, 500_000)));
            }
        })
    };
    html! {
        <div class="inspector" data-testid="inspector" aria-label={format!("Inspector for node {id}")}>
            <h4>{format!("Node {id}")} {
                match (v.up, v.paused_until) {
                    (false, _) => html! { <span class="pill down">{"crashed"}</span> },
                    (true, Some(until)) => html! { <span class="pill paused" data-testid="paused">{format!("paused until {until}")}</span> },
                    (true, None) => html! { <span class="pill up">{"up"}</span> },
                }
            }</h4>
            <dl>
                <dt>{"own clock reads"}</dt><dd data-testid="local-clock">{v.local_time.to_string()}</dd>
                { for v.fields.iter().map(|f| html! { <><dt>{f.name.clone()}</dt><dd>{f.value.clone()}</dd></> }) }
            </dl>
            <div class="row">
                <button data-testid="crash-toggle" onclick={toggle}>{ if v.up { "Crash" } else { "Restart" } }</button>
                <button onclick={isolate} disabled={!v.up}>{"Isolate"}</button>
                <button onclick={pause} disabled={!v.up} data-testid="pause"
                    title="Stop this node for a second, as a garbage-collection pause does: it forgets nothing and goes on late">{"Pause 1 s"}</button>
                { for actions }
            </div>
            <div class="row clock">
                <label>{"skew (ms) "}
                    <input type="number" step="1" value={crate::svg::ms3(v.skew_us)} onchange={skew}
                        aria-label={format!("Clock skew of {id} in milliseconds")} />
                </label>
                <label>{"drift (ppm) "}
                    <input type="number" step="1000" value={v.drift_ppm.to_string()} onchange={drift}
                        aria-label={format!("Clock drift of {id} in parts per million")} />
                </label>
            </div>
        </div>
    }
}
