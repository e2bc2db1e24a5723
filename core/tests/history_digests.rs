//! The client history of every golden run that has one, pinned apart from the trace digest.
//!
//! Invoke and complete events stay out of the trace digest (so that giving a protocol a history
//! changed none of its golden digests); they have their own, [`Trace::history_digest`], pinned
//! here natively and, through the same function, in wasm.
//!
//! [`Trace::history_digest`]: netsplit_core::trace::Trace::history_digest

use netsplit_core::{ProtocolSpec, SimOptions};

/// The golden file, relative to the core crate (the wasm test includes it at compile time).
#[cfg(not(target_arch = "wasm32"))]
const GOLDEN: &str = "tests/golden/history_digests.txt";

/// One line per golden run with client operations: protocol, seed, history digest, operations.
pub fn lines() -> String {
    let mut out = String::from(
        "# protocol seed history-digest operations, for every golden run with a client history\n\
         # (regenerate: NETSPLIT_BLESS=1 cargo test -p netsplit-core --test history_digests)\n",
    );
    for s in ProtocolSpec::golden_suites() {
        let opts = SimOptions {
            trace_cap: 0,
            check_invariants: true,
        };
        let (_, runner) = s.run(opts).expect("golden scenarios are valid");
        let ops = runner.history().len();
        if ops > 0 {
            out.push_str(&format!(
                "{} {} {} {ops}\n",
                s.protocol.name(),
                s.seed,
                runner.trace().history_digest()
            ));
        }
    }
    out
}

/// Checks `now` against the golden text, line by line, naming the first that differs.
pub fn compare(golden: &str, now: &str) -> Result<(), String> {
    for (g, n) in golden.lines().zip(now.lines()) {
        if g != n {
            return Err(format!("history digest changed: was `{g}`, now `{n}`"));
        }
    }
    if golden.lines().count() != now.lines().count() {
        return Err("a golden run gained or lost its client history".into());
    }
    Ok(())
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn every_golden_runs_client_history_matches_the_golden_file() {
    let now = lines();
    if std::env::var_os("NETSPLIT_BLESS").is_some() {
        std::fs::write(GOLDEN, &now).expect("write golden");
        return;
    }
    let golden =
        std::fs::read_to_string(GOLDEN).expect("golden file exists; bless with NETSPLIT_BLESS=1");
    compare(&golden, &now).unwrap();
    // Raft's golden runs have clients, so the file is not empty by accident.
    assert!(now.lines().filter(|l| l.starts_with("raft ")).count() >= 64);
}
