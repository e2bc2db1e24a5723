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

/// Lets the page's event loop run (a task, not a microtask): the test runner's webdriver gives up
/// on a page whose main thread is busy for 20 s, and a test's grades add up to more than that.
async fn breathe() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Grades one exercise's reference and wrong solutions, letting the page breathe between grades.
async fn reference_passes_and_wrong_solutions_fail_with_their_messages(id: &str) {
    let grader = Grader::new();
    let all = netsplit_lessons::exercises().expect("exercises load");
    let ex = all
        .iter()
        .find(|e| e.id == id)
        .expect("the exercise exists");
    let start = now_ms();
    let r = grader.grade(&ex.spec, &ex.reference, &mut |_| {});
    let ms = now_ms() - start;
    assert!(r.passed(), "{}: {}", ex.id, r.to_text());
    web_sys::console::log_1(&format!("bench grade wasm: {} reference in {ms:.1} ms", ex.id).into());
    for (w, code) in &ex.wrong {
        breathe().await;
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

macro_rules! grade_tests {
    ($($test:ident: $id:literal),* $(,)?) => {
        $(
            #[wasm_bindgen_test]
            async fn $test() {
                reference_passes_and_wrong_solutions_fail_with_their_messages($id).await;
            }
        )*
    };
}

grade_tests! {
    lamport_rules_are_graded_in_wasm_as_natively: "lamport-rules",
    vector_clocks_are_graded_in_wasm_as_natively: "vector-clocks",
    hlc_rules_are_graded_in_wasm_as_natively: "hybrid-logical-clocks",
    raft_vote_is_graded_in_wasm_as_natively: "raft-vote",
    raft_append_is_graded_in_wasm_as_natively: "raft-append",
    raft_commit_is_graded_in_wasm_as_natively: "raft-commit",
    failure_detector_is_graded_in_wasm_as_natively: "failure-detector",
    flp_adversary_is_graded_in_wasm_as_natively: "flp-adversary",
}

#[wasm_bindgen_test]
fn every_exercise_has_a_wasm_grade_test() {
    let source = include_str!("grader_wasm.rs");
    for ex in netsplit_lessons::exercises().expect("exercises load") {
        assert!(
            source.contains(&format!("\"{}\"", ex.id)),
            "{} has no grade test in tests/tests/grader_wasm.rs",
            ex.id
        );
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
