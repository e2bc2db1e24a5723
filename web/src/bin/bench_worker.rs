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

/// Lists Porcupine's etcd histories as (name, text), embedded: the worker loads only on the
/// benchmark page, so the 1.5 MB of logs never reach the first page load.
macro_rules! etcd_logs {
    ($($n:literal),*) => {
        [$((
            concat!("etcd_", $n),
            include_str!(concat!("../../../core/tests/data/porcupine/jepsen/etcd_", $n, ".log")),
        )),*]
    };
}

const ETCD_LOGS: [(&str, &str); 103] = etcd_logs!(
    "000", "001", "002", "003", "004", "005", "006", "007", "008", "009", "010", "011", "012",
    "013", "014", "015", "016", "017", "018", "019", "020", "021", "022", "023", "024", "025",
    "026", "027", "028", "029", "030", "031", "032", "033", "034", "035", "036", "037", "038",
    "039", "040", "041", "042", "043", "044", "045", "046", "047", "048", "049", "050", "051",
    "052", "053", "054", "055", "056", "057", "058", "059", "060", "061", "062", "063", "064",
    "065", "066", "067", "068", "069", "070", "071", "072", "073", "074", "075", "076", "077",
    "078", "079", "080", "081", "082", "083", "084", "085", "086", "087", "088", "089", "090",
    "091", "092", "093", "094", "095", "096", "097", "098", "099", "100", "101", "102"
);

/// Times the linearizability checker on Porcupine's histories and returns the figures as JSON.
fn measure_lincheck(scope: &DedicatedWorkerGlobalScope) -> String {
    let kv = include_str!("../../../core/tests/data/porcupine/kv/c50-ok.txt");
    match netsplit_core::check::bench::time_lincheck(&ETCD_LOGS, kv, &mut || now_ms(scope) / 1000.0) {
        Ok(f) => format!(
            "{{\"workload\":\"lincheck\",\"etcd_histories\":{},\"etcd_total_s\":{:.3},\"etcd_slowest_s\":{:.3},\"etcd_slowest_name\":\"{}\",\"kv_c50_ok_s\":{:.3}}}",
            f.etcd_histories, f.etcd_total_s, f.etcd_slowest_s, f.etcd_slowest_name, f.kv_c50_ok_s
        ),
        Err(e) => format!("{{\"workload\":\"lincheck\",\"error\":{e:?}}}"),
    }
}

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let mut all = Vec::new();
    for w in BenchWorkload::ALL {
        all.push(measure(&scope, w, "simulator", run_bench));
        all.push(measure(&scope, w, "page", run_bench_in_page));
    }
    all.push(measure_lincheck(&scope));
    let flp = netsplit_core::protocols::flp::bench::time_flp(&mut || now_ms(&scope) / 1000.0);
    all.push(format!(
        "{{\"workload\":\"flp\",\"line\":{:?}}}",
        flp.line("wasm (headless Chromium, worker)")
    ));
    let _ = scope.post_message(&format!("[{}]", all.join(",")).into());
}
