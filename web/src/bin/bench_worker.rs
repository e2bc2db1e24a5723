//! The benchmark worker: runs the `netsplit bench` workloads as soon as it starts (the page starts
//! it when asked to; a message sent before the wasm is ready would be lost) and posts the figures
//! back as JSON. A separate binary, so the page's own bundle carries no benchmark (and no
//! per-protocol simulator copies); it loads only on the benchmark page.

use netsplit_core::testkit::{run_bench, run_bench_in_page, BenchRun, BenchWorkload};
use wasm_bindgen::JsCast;
use web_sys::DedicatedWorkerGlobalScope;

fn now_ms(scope: &DedicatedWorkerGlobalScope) -> f64 {
    scope.performance().map_or(0.0, |p| p.now())
}

/// Times `run` (best of 3 after a warm-up) and returns the figures as a JSON object.
fn measure(
    scope: &DedicatedWorkerGlobalScope,
    workload: BenchWorkload,
    path: &str,
    run: BenchRun,
) -> String {
    let steps = workload.default_steps();
    run(workload, steps / 10); // warm up
    let mut best = f64::MAX;
    let mut out = (0, 0, String::new());
    for _ in 0..3 {
        let start = now_ms(scope);
        out = run(workload, steps);
        best = best.min((now_ms(scope) - start) / 1000.0);
    }
    let (steps, records, digest) = out;
    format!(
        "{{\"workload\":\"{}\",\"path\":\"{path}\",\"events\":{steps},\"seconds\":{:.3},\"events_per_s\":{:.0},\"records_per_s\":{:.0},\"digest\":\"{digest}\"}}",
        workload.name(),
        best,
        steps as f64 / best,
        records as f64 / best
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
