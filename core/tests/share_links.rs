//! Share links last: links made by earlier versions of Netsplit still open to the same run.
//!
//! `golden/links.txt` holds links made on 2026-12-01 with the run each one reopened then (its
//! digest and step count). The file is never regenerated: a change to the link format (a new
//! protocol, a new fault kind, a new parameter) must keep these opening to the same digests, or
//! bump the link version and keep a decoder for the old one.

use netsplit_core::share::decode_link;
use netsplit_core::SimOptions;

const GOLDEN: &str = include_str!("golden/links.txt");

/// Opens every golden link and checks its run; returns how many links carried exercise code.
/// Shared with the wasm tests (`tests/tests/determinism_wasm.rs` includes this file).
pub fn every_golden_link_opens_to_its_run() -> usize {
    let mut checked = 0;
    let mut with_code = 0;
    for line in GOLDEN.lines().filter(|l| !l.starts_with('#')) {
        let [name, seed, digest, steps, link] = line.split(' ').collect::<Vec<_>>()[..] else {
            panic!("malformed golden line: {line}");
        };
        let run = decode_link(link).unwrap_or_else(|e| panic!("{name} seed {seed}: {e}"));
        let (o, _) = run
            .scenario
            .run(SimOptions {
                trace_cap: 0,
                check_invariants: true,
            })
            .expect("a decoded link is valid");
        assert_eq!(
            format!(
                "{} {} {} {}",
                run.scenario.protocol.name(),
                run.scenario.seed,
                o.digest,
                o.steps
            ),
            format!("{name} {seed} {digest} {steps}"),
            "the link for {name} seed {seed} opens to another run"
        );
        with_code += usize::from(run.code.is_some());
        checked += 1;
    }
    assert_eq!(checked, 9, "golden links checked");
    with_code
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn links_made_on_2026_12_01_still_open_to_the_same_runs() {
    assert_eq!(every_golden_link_opens_to_its_run(), 2, "links with code");
}
