//! The in-browser benchmark: the same workloads as `netsplit bench`, timed with performance.now().

use netsplit_core::testkit::{run_bench, BenchWorkload};
use yew::prelude::*;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Times one workload (best of 3 after a warm-up) and returns its figures as a JSON object.
fn measure(workload: BenchWorkload) -> String {
    use crate::svg::{ms3, whole};
    let steps = workload.default_steps();
    run_bench(workload, steps / 10); // warm up
    let mut best = f64::MAX;
    let mut out = (0, 0, String::new());
    for _ in 0..3 {
        let start = now_ms();
        out = run_bench(workload, steps);
        best = best.min((now_ms() - start) / 1000.0);
    }
    let (steps, records, digest) = out;
    format!(
        "{{\"workload\":\"{}\",\"events\":{steps},\"seconds\":{},\"events_per_s\":{},\"records_per_s\":{},\"digest\":\"{digest}\"}}",
        workload.name(),
        ms3(whole(best * 1e3).parse().unwrap_or(0)),
        whole(steps as f64 / best),
        whole(records as f64 / best)
    )
}

/// The benchmark page.
#[function_component(BenchPage)]
pub fn bench_page() -> Html {
    let result = use_state(|| None::<String>);
    let onclick = {
        let result = result.clone();
        Callback::from(move |_: MouseEvent| {
            let all: Vec<String> = BenchWorkload::ALL.into_iter().map(measure).collect();
            result.set(Some(format!("[{}]", all.join(","))));
        })
    };
    html! {
        <main id="main" class="page">
            <h1>{"Benchmark"}</h1>
            <p>{"Runs each workload of `netsplit bench` (best of 3), with the same seeds, so the digests must match the native run."}</p>
            <ul>
                { for BenchWorkload::ALL.iter().map(|w| html! { <li>{format!("{}: {} events", w.name(), w.default_steps())}</li> }) }
            </ul>
            <button {onclick} data-testid="bench-run">{"Run benchmark"}</button>
            if let Some(r) = &*result { <pre data-testid="bench-result">{r.clone()}</pre> }
        </main>
    }
}
