//! The benchmark worker: runs the `netsplit bench` workloads as soon as it starts (the page starts
//! it when asked to; a message sent before the wasm is ready would be lost) and posts the figures
//! back as JSON. A separate binary, so the page's own bundle carries no benchmark (and no
//! per-protocol simulator copies); it loads only on the benchmark page.

use netsplit_core::bench::{run_bench, run_bench_in_page, time_bench, BenchRun, BenchWorkload};
use wasm_bindgen::JsCast;
use web_sys::DedicatedWorkerGlobalScope;

fn now_ms(scope: &DedicatedWorkerGlobalScope) -> f64 {
    scope.performance().map_or(0.0, |p| p.now())
}

/// Times `run` ([`time_bench`]) and returns the figures as a JSON object.
fn measure(
    scope: &DedicatedWorkerGlobalScope,
    workload: BenchWorkload,
    path: &str,
    run: BenchRun,
) -> String {
    let f = time_bench(workload, workload.default_steps(), run, &mut || {
        now_ms(scope) / 1000.0
    });
    format!(
        "{{\"workload\":\"{}\",\"path\":\"{path}\",\"events\":{},\"seconds\":{:.3},\"events_per_s\":{:.0},\"records_per_s\":{:.0},\"digest\":\"{}\"}}",
        workload.name(),
        f.steps,
        f.seconds,
        f.steps as f64 / f.seconds,
        f.records as f64 / f.seconds,
        f.digest
    )
}

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let mut all = Vec::new();
    for w in BenchWorkload::ALL {
        all.push(measure(&scope, w, "simulator", run_bench));
        all.push(measure(&scope, w, "page", run_bench_in_page));
    }
    let _ = scope.post_message(&format!("[{}]", all.join(",")).into());
}
