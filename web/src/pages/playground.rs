//! Free play: pick a protocol, a cluster size and a seed, then break things.

use crate::cluster::ClusterWidget;
use netsplit_core::{NetConfig, ProtocolSpec, Scenario};
use yew::prelude::*;

/// The playground page.
#[function_component(Playground)]
pub fn playground() -> Html {
    let protocols = ProtocolSpec::all_defaults();
    let protocol = use_state(|| protocols[0].clone());
    let nodes = use_state(|| 5u32);
    let (lo, hi) = protocol.node_range();
    let node_count = (*nodes).clamp(lo, hi);
    let scenario = Scenario {
        protocol: (*protocol).clone(),
        nodes: node_count,
        seed: 1,
        network: NetConfig::default(),
        clocks: Vec::new(),
        faults: Vec::new(),
        duration_us: 60_000_000,
        max_steps: 200_000,
    };
    let on_protocol = {
        let (protocol, all) = (protocol.clone(), protocols.clone());
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Some(p) = all.iter().find(|p| p.name() == select.value()) {
                protocol.set(p.clone());
            }
        })
    };
    let on_nodes = {
        let nodes = nodes.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Ok(n) = input.value().parse::<u32>() {
                nodes.set(n.clamp(1, 16));
            }
        })
    };
    html! {
        <main id="main" class="page playground">
            <h1>{"Playground"}</h1>
            <p>{"Pick a protocol and a cluster size. Then crash nodes (click one, or focus it and press C), cut links (click a link), drag nodes into partition groups, change the network, skew a node's clock in the inspector, and scrub the timeline: every run replays exactly from its seed."}</p>
            <div class="row pickers">
                <label>{"Protocol "}
                    <select onchange={on_protocol} data-testid="protocol">
                        { for protocols.iter().map(|p| html! { <option value={p.name()} selected={p.name() == protocol.name()}>{p.name()}</option> }) }
                    </select>
                </label>
                <label>{"Nodes "}
                    <input type="number" min={lo.to_string()} max={hi.to_string()} value={node_count.to_string()} onchange={on_nodes}
                        disabled={lo == hi} data-testid="nodes" />
                </label>
            </div>
            <ClusterWidget {scenario} id="playground" title="Your cluster" />
        </main>
    }
}
