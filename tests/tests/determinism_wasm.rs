//! The simulator in wasm gives exactly the digests the native run recorded in the golden file.
#![cfg(target_arch = "wasm32")]

use netsplit_core::{ProtocolSpec, SimOptions};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const GOLDEN: &str = include_str!("../../core/tests/golden/digests.txt");

#[wasm_bindgen_test]
fn wasm_digests_equal_native_golden_digests_for_every_protocol_and_seed() {
    let golden: Vec<&str> = GOLDEN.lines().filter(|l| !l.starts_with('#')).collect();
    let suite = ProtocolSpec::golden_suites();
    assert_eq!(suite.len(), golden.len());
    for (s, expected) in suite.iter().zip(golden) {
        let (o, _) = s
            .run(SimOptions {
                trace_cap: 0,
                check_invariants: true,
            })
            .expect("valid");
        let line = format!("{} {} {} {}", s.protocol.name(), s.seed, o.digest, o.steps);
        assert_eq!(
            line, expected,
            "wasm diverged from native for seed {}",
            s.seed
        );
    }
}

#[path = "../../core/tests/share_links.rs"]
mod share_links;

#[wasm_bindgen_test]
fn links_made_on_2026_12_01_open_to_the_same_runs_in_wasm() {
    assert_eq!(share_links::every_golden_link_opens_to_its_run(), 2);
}

#[wasm_bindgen_test]
fn usize_is_32_bits_here_so_the_test_means_something() {
    assert_eq!(std::mem::size_of::<usize>(), 4);
}

#[wasm_bindgen_test]
fn every_lesson_scenario_runs_in_the_browser_within_budget() {
    let lessons = netsplit_lessons::course().expect("lessons load in wasm");
    for l in lessons {
        let errors = netsplit_lessons::run_scenarios(l);
        assert!(errors.is_empty(), "{:?}", errors);
    }
}

#[path = "../../core/tests/history_digests.rs"]
mod history_digests;

#[wasm_bindgen_test]
fn wasm_client_histories_equal_native_golden_history_digests() {
    const HISTORY_GOLDEN: &str = include_str!("../../core/tests/golden/history_digests.txt");
    history_digests::compare(HISTORY_GOLDEN, &history_digests::lines()).unwrap();
}
