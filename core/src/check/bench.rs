//! Times the linearizability checker on Porcupine's own benchmark: the 102 etcd histories
//! (Jepsen, 2015) and the 50-client key-value history `c50-ok`.
//!
//! Core never reads a clock, so the caller hands in one (`Instant` natively,
//! `performance.now()` in a worker), as [`crate::bench::time_bench`] does. Parsing is not
//! timed, as in Porcupine's Go benchmark (`b.ResetTimer` after parsing).
//!
//! Measured on the 2-core development machine (total of the 102 etcd histories / slowest,
//! etcd_002 / kv c50-ok): native 0.18-0.20 / 0.074-0.081 / 0.069-0.073 s; headless Chromium
//! worker 0.231 / 0.082 / 0.073 s; Porcupine's own `bench.sh` in the same hour 0.67-0.78 /
//! 0.28 / 0.24-0.31 s (Go, partitions in parallel on both cores). So about 0.3x Porcupine
//! natively, and wasm within 1.3x of native.

use crate::check::linearizability::{check_events, Verdict, DEFAULT_BUDGET_STEPS};
use crate::check::models::{CasInput, CasOutput, CasRegister, KeyValue, KvInput, KvOutput};
use crate::history::jepsen::{parse_etcd_log, parse_kv_log};
use crate::history::Event;

/// What one benchmark run measured, in seconds (best of three after a warm-up, per history).
#[derive(Clone, Debug, PartialEq)]
pub struct LincheckFigures {
    /// How many etcd histories were checked.
    pub etcd_histories: u64,
    /// The sum over the etcd histories of each one's best time.
    pub etcd_total_s: f64,
    /// The slowest etcd history's best time.
    pub etcd_slowest_s: f64,
    /// Its name, e.g. "etcd_002".
    pub etcd_slowest_name: String,
    /// The key-value history c50-ok's best time.
    pub kv_c50_ok_s: f64,
    /// How many of the etcd histories were illegal (a check that the work was done).
    pub etcd_illegal: u64,
}

impl LincheckFigures {
    /// The figures in one line, as `netsplit bench` and the browser benchmark print them.
    pub fn line(&self, label: &str) -> String {
        format!(
            "bench lincheck {label}: {} etcd histories {:.3} s in total, slowest {:.3} s ({}); kv c50-ok {:.3} s",
            self.etcd_histories, self.etcd_total_s, self.etcd_slowest_s, self.etcd_slowest_name, self.kv_c50_ok_s
        )
    }
}

fn best_of_3<T>(run: &mut dyn FnMut() -> T, now_s: &mut dyn FnMut() -> f64) -> (f64, T) {
    let mut out = run();
    let mut best = f64::MAX;
    for _ in 0..3 {
        let start = now_s();
        out = run();
        best = best.min(now_s() - start);
    }
    (best, out)
}

/// Checks each etcd history (name, log text) and c50-ok (its text), timing each with `now_s`.
///
/// Errors if a history cannot be read or a check ends `Unknown`.
pub fn time_lincheck(
    etcd: &[(&str, &str)],
    kv_c50_ok: &str,
    now_s: &mut dyn FnMut() -> f64,
) -> Result<LincheckFigures, String> {
    let mut parsed: Vec<(&str, Vec<Event<CasInput, CasOutput>>)> = Vec::new();
    for (name, text) in etcd {
        let events = parse_etcd_log(text).map_err(|e| format!("{name}: {e}"))?;
        if !events.is_empty() {
            parsed.push((name, events));
        }
    }
    let kv: Vec<Event<KvInput, KvOutput>> =
        parse_kv_log(kv_c50_ok).map_err(|e| format!("c50-ok: {e}"))?;
    let mut figures = LincheckFigures {
        etcd_histories: parsed.len() as u64,
        etcd_total_s: 0.0,
        etcd_slowest_s: 0.0,
        etcd_slowest_name: String::new(),
        kv_c50_ok_s: 0.0,
        etcd_illegal: 0,
    };
    for (name, events) in &parsed {
        let (s, verdict) = best_of_3(
            &mut || {
                check_events(&CasRegister, events.clone(), DEFAULT_BUDGET_STEPS).map(|r| r.verdict)
            },
            now_s,
        );
        match verdict.map_err(|e| format!("{name}: {e}"))? {
            Verdict::Unknown => return Err(format!("{name}: ran out of budget")),
            Verdict::Illegal => figures.etcd_illegal += 1,
            Verdict::Ok => {}
        }
        figures.etcd_total_s += s;
        if s > figures.etcd_slowest_s {
            figures.etcd_slowest_s = s;
            figures.etcd_slowest_name = name.to_string();
        }
    }
    let (s, verdict) = best_of_3(
        &mut || check_events(&KeyValue, kv.clone(), DEFAULT_BUDGET_STEPS).map(|r| r.verdict),
        now_s,
    );
    if verdict.map_err(|e| format!("c50-ok: {e}"))? != Verdict::Ok {
        return Err("c50-ok: expected linearizable".to_string());
    }
    figures.kv_c50_ok_s = s;
    Ok(figures)
}
