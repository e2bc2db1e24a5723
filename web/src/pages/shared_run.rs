//! A shared run (`#/run/<link>`): the exact scenario, seed and fault plan someone shared, ready
//! to play, with the exercise code it carries offered for loading.

use crate::cluster::ClusterWidget;
use crate::route::Route;
use crate::saved::{use_progress, ProgressAction};
use netsplit_core::share::{decode_link, encode_link, SharedRun};
use yew::prelude::*;

/// The full URL that opens `run` on this site.
pub fn link_for(run: &SharedRun) -> String {
    let here = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let base = here.split('#').next().unwrap_or_default();
    format!("{base}{}", Route::Run(encode_link(run)).href())
}

/// Which link.
#[derive(Properties, PartialEq, Clone)]
pub struct SharedRunProps {
    /// The link text after `#/run/`.
    pub link: AttrValue,
}

/// The shared-run page.
#[function_component(SharedRunPage)]
pub fn shared_run_page(props: &SharedRunProps) -> Html {
    let progress = use_progress();
    let loaded = use_state(|| false);
    let run = match decode_link(&props.link) {
        Ok(run) => run,
        Err(e) => {
            return html! {
                <main id="main" class="page" data-testid="shared-run">
                    <h1>{"This link cannot be opened"}</h1>
                    <p class="error" role="alert" data-testid="link-error">{format!("{}: {e}.", capitalized("the link"))}</p>
                    <p><a href={Route::Playground.href()}>{"Open the playground"}</a>{" or "}<a href="#/">{"go to the course map"}</a>{"."}</p>
                </main>
            };
        }
    };
    let code = run.code.clone().map(|c| {
        let load = {
            let (progress, loaded, c) = (progress.clone(), loaded.clone(), c.clone());
            Callback::from(move |_: MouseEvent| {
                if let Some(p) = &progress {
                    p.dispatch(ProgressAction::Code(c.exercise.clone(), c.code.clone()));
                    loaded.set(true);
                }
            })
        };
        html! {
            <section class="shared-code" aria-label="Shared code">
                <h2>{format!("Code for the exercise “{}”", c.exercise)}</h2>
                <pre>{c.code.clone()}</pre>
                if *loaded {
                    <p class="ok" role="status">{"Loaded: the exercise opens with this code."}</p>
                } else {
                    <button onclick={load} data-testid="load-code">{"Load it into the exercise (replaces your code there)"}</button>
                }
            </section>
        }
    });
    let s = &run.scenario;
    html! {
        <main id="main" class="page" data-testid="shared-run">
            <h1>{"A shared run"}</h1>
            <p>{format!("{} on {} nodes, seed {}, with {} planned fault(s). Play it: the same seed and plan give the same trace, event for event.", s.protocol.name(), s.nodes, s.seed, s.faults.len())}</p>
            <ClusterWidget scenario={s.clone()} id="shared" title="The shared run" />
            {code.unwrap_or_default()}
        </main>
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}
