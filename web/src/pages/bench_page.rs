//! The in-browser benchmark: the workloads of `netsplit bench`, run in a worker (which loads only
//! here) and timed with performance.now(). The same seeds give the same digests as natively.

use netsplit_core::bench::BenchWorkload;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};
use yew::prelude::*;

/// The worker's loader, written by trunk next to the page.
const BENCH_WORKER_URL: &str = "./bench-worker_loader.js";

/// The benchmark page.
#[function_component(BenchPage)]
pub fn bench_page() -> Html {
    let result = use_state(|| None::<String>);
    let running = use_state(|| false);
    let worker = use_mut_ref(|| None::<(Worker, Closure<dyn Fn(MessageEvent)>)>);
    let onclick = {
        let (result, running, worker) = (result.clone(), running.clone(), worker.clone());
        Callback::from(move |_: MouseEvent| {
            let w = match Worker::new(BENCH_WORKER_URL) {
                Ok(w) => w,
                Err(e) => {
                    result.set(Some(format!("could not start the benchmark worker: {e:?}")));
                    return;
                }
            };
            let (done_result, done_running) = (result.clone(), running.clone());
            let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |e: MessageEvent| {
                done_result.set(e.data().as_string());
                done_running.set(false);
            });
            w.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            running.set(true);
            if let Some((old, _)) = worker.borrow_mut().replace((w, on_message)) {
                old.set_onmessage(None);
                old.terminate();
            }
        })
    };
    html! {
        <main id="main" class="page">
            <h1>{"Benchmark"}</h1>
            <p>{"Runs each workload of `netsplit bench` (best of 3) in a worker, with the same seeds, so the digests must match the native run. \"simulator\" is the simulator built for the workload's protocol; \"page\" is the single simulator the lessons use for every protocol."}</p>
            <ul>
                { for BenchWorkload::ALL.iter().map(|w| html! { <li>{format!("{}: {} events", w.name(), w.default_steps())}</li> }) }
            </ul>
            <button {onclick} disabled={*running} data-testid="bench-run">{ if *running { "Running…" } else { "Run benchmark" } }</button>
            if let Some(r) = &*result { <pre data-testid="bench-result">{r.clone()}</pre> }
        </main>
    }
}
