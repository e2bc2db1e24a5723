//! The in-browser benchmark: the same 5-node workload as `netsplit bench`, timed with performance.now().

use netsplit_core::testkit::run_bench;
use yew::prelude::*;

/// Events per run; the same as the native benchmark's default.
const STEPS: u64 = 5_000_000;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The benchmark page.
#[function_component(BenchPage)]
pub fn bench_page() -> Html {
    let result = use_state(|| None::<String>);
    let onclick = {
        let result = result.clone();
        Callback::from(move |_: MouseEvent| {
            run_bench(STEPS / 10); // warm up
            let mut best = f64::MAX;
            let mut out = (0, 0, String::new());
            for _ in 0..3 {
                let start = now_ms();
                out = run_bench(STEPS);
                best = best.min((now_ms() - start) / 1000.0);
            }
            let (steps, records, digest) = out;
            use crate::svg::{ms3, whole};
            result.set(Some(format!(
                "{{\"events\":{steps},\"seconds\":{},\"events_per_s\":{},\"records_per_s\":{},\"digest\":\"{digest}\"}}",
                ms3(whole(best * 1e3).parse().unwrap_or(0)),
                whole(steps as f64 / best),
                whole(records as f64 / best)
            )));
        })
    };
    html! {
        <main id="main" class="page">
            <h1>{"Benchmark"}</h1>
            <p>{format!("Runs the 5-node heartbeat workload for {STEPS} events (best of 3), the same as `netsplit bench` natively.")}</p>
            <button {onclick} data-testid="bench-run">{"Run benchmark"}</button>
            if let Some(r) = &*result { <pre data-testid="bench-result">{r.clone()}</pre> }
        </main>
    }
}
