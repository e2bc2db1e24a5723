//! Free play: pick a protocol, a cluster size and a seed, then break things. A shared link
//! (`#/run/<link>`) opens here too, with the exact run it holds.

use crate::cluster::ClusterWidget;
use crate::page_link::{use_page_link, PageMessage};
use crate::route::Route;
use netsplit_core::share::{decode_link, encode_link, SharedRun};
use netsplit_core::{NetConfig, ProtocolSpec, Scenario};
use yew::prelude::*;

/// The full URL that opens `run` on this site.
pub fn link_for(run: &SharedRun) -> String {
    link_for_text(&encode_link(run))
}

/// The full link to a run, given its text after `#/run/` ([`encode_link`]'s).
pub fn link_for_text(text: &str) -> String {
    let here = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let base = here.split('#').next().unwrap_or_default();
    format!("{base}{}", Route::Run(text.to_string()).href())
}

/// A shared link to open, if any.
#[derive(Properties, PartialEq, Clone)]
pub struct PlaygroundProps {
    /// The link text after `#/run/`.
    #[prop_or_default]
    pub link: Option<AttrValue>,
}

/// The playground page.
#[function_component(Playground)]
pub fn playground(props: &PlaygroundProps) -> Html {
    let protocols = ProtocolSpec::all_defaults();
    // The playground opens on five nodes, with the first registered protocol that runs on five.
    const FIRST_NODES: u32 = 5;
    let protocol = use_state(|| {
        protocols
            .iter()
            .find(|p| (p.node_range().0..=p.node_range().1).contains(&FIRST_NODES))
            .unwrap_or(&protocols[0])
            .clone()
    });
    let nodes = use_state(|| FIRST_NODES);
    let page = use_page_link();
    let loaded = use_state(|| false);
    let shared = props.link.as_ref().map(|l| decode_link(l));
    if let Some(Err(e)) = &shared {
        return html! {
            <main id="main" class="page" data-testid="shared-run">
                <h1>{"This link cannot be opened"}</h1>
                <p class="error" role="alert" data-testid="link-error">{format!("The link cannot be used: {e}.")}</p>
                <p><a href={Route::Playground.href()}>{"Open the playground"}</a>{" or "}<a href="#/">{"go to the course map"}</a>{"."}</p>
            </main>
        };
    }
    let shared = shared.and_then(Result::ok);
    let (lo, hi) = protocol.node_range();
    let node_count = (*nodes).clamp(lo, hi);
    let scenario = match &shared {
        Some(run) => run.scenario.clone(),
        None => Scenario {
            protocol: (*protocol).clone(),
            nodes: node_count,
            seed: 1,
            network: NetConfig::default(),
            clocks: Vec::new(),
            faults: Vec::new(),
            duration_us: 60_000_000,
            max_steps: 200_000,
        },
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
    let header = match &shared {
        Some(run) => {
            let s = &run.scenario;
            let code = run.code.clone().map(|c| {
                let load = {
                    let (page, loaded, c) = (page.clone(), loaded.clone(), c.clone());
                    Callback::from(move |_: MouseEvent| {
                        if let Some(p) = &page {
                            p.send(PageMessage::Code {
                                exercise: c.exercise.clone(),
                                code: c.code.clone(),
                            });
                            loaded.set(true);
                        }
                    })
                };
                html! {
                    <section class="shared-code" aria-label="Shared code">
                        <h2>{format!("Code for the exercise “{}”", c.exercise)}</h2>
                        <p class="muted">{"The run above uses the reference rules. Load the code into its exercise and run the tests to see the code's own run."}</p>
                        <pre>{c.code.clone()}</pre>
                        if *loaded {
                            <p class="ok" role="status">{"Loaded: the exercise opens with this code."}</p>
                        } else {
                            <button onclick={load} data-testid="load-code">{"Load it into the exercise (replaces your code there)"}</button>
                        }
                    </section>
                }
            });
            html! {
                <>
                <h1>{"A shared run"}</h1>
                <p>{format!("{} on {} nodes, seed {}, with {} planned fault(s). Play it: the same seed and plan give the same trace, event for event.", s.protocol.name(), s.nodes, s.seed, s.faults.len())}</p>
                {code.unwrap_or_default()}
                // The widget's title is an h3: headings must not skip a level.
                <h2>{"The run"}</h2>
                </>
            }
        }
        None => html! {
            <>
            <h1>{"Playground"}</h1>
            <p>{"Pick a protocol and a cluster size. Then crash nodes (click one, or focus it and press C), cut links (click a link), drag or tap nodes into partition groups, change the network, skew a node's clock in the inspector, and scrub the timeline: every run replays exactly from its seed."}</p>
            <h2>{"Your cluster"}</h2>
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
            </>
        },
    };
    let (id, title) = if shared.is_some() {
        ("shared", "The shared run")
    } else {
        ("playground", "Live run")
    };
    html! {
        <main id="main" class="page playground" data-testid={if shared.is_some() { "shared-run" } else { "playground" }}>
            {header}
            <ClusterWidget {scenario} {id} {title} />
        </main>
    }
}
