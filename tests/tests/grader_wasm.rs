//! The grader in wasm: the same verdicts, messages and counterexamples as natively,
//! and hostile scripts stopped with a message.
#![cfg(target_arch = "wasm32")]

use netsplit_core::grade::Grader;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

#[wasm_bindgen_test]
fn every_reference_passes_and_every_wrong_solution_fails_with_its_message_in_wasm() {
    let grader = Grader::new();
    for ex in netsplit_lessons::exercises().expect("exercises load") {
        let start = now_ms();
        let r = grader.grade(&ex.spec, &ex.reference, &mut |_| {});
        let ms = now_ms() - start;
        assert!(r.passed(), "{}: {}", ex.id, r.to_text());
        web_sys::console::log_1(
            &format!("bench grade wasm: {} reference in {ms:.1} ms", ex.id).into(),
        );
        for (w, code) in &ex.wrong {
            let r = grader.grade(&ex.spec, code, &mut |_| {});
            assert!(
                r.to_text().contains(&w.fails_with),
                "{} {}: {}",
                ex.id,
                w.file,
                r.to_text()
            );
        }
    }
}

#[wasm_bindgen_test]
fn an_endless_loop_in_wasm_is_stopped_with_a_message() {
    let ex = netsplit_lessons::exercise("lamport-rules").expect("the Lamport exercise");
    let code = "fn tick(clock) { loop { } }\nfn receive(clock, msg_time) { clock }";
    let start = now_ms();
    let r = Grader::new().grade(&ex.spec, code, &mut |_| {});
    assert!(
        r.to_text().contains("loop that never ends"),
        "{}",
        r.to_text()
    );
    web_sys::console::log_1(
        &format!("endless loop stopped after {:.0} ms", now_ms() - start).into(),
    );
}
