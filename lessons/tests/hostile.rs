//! The hostile corpus (`netsplit_core::grade::hostile`): every script is stopped with a message
//! naming what stopped it, and the grader goes on grading the reference afterwards. The time
//! each took is printed (`netsplit bench` reports the slowest in a release build).
#![cfg(feature = "grader")]

use netsplit_core::grade::hostile::corpus;
use netsplit_core::grade::Grader;

#[test]
fn every_hostile_script_is_stopped_with_a_message_naming_what_stopped_it() {
    let ex = netsplit_lessons::exercise("lamport-rules").expect("lamport-rules");
    let grader = Grader::new();
    let mut problems = Vec::new();
    let mut slowest = (0u128, "");
    for (name, code, expected) in corpus() {
        #[allow(clippy::disallowed_types)]
        let start = std::time::Instant::now();
        let report = grader.grade_until_failure(&ex.spec, &code);
        let ms = start.elapsed().as_millis();
        if ms > slowest.0 {
            slowest = (ms, name);
        }
        match report.first_failure() {
            None => problems.push(format!("{name}: passed")),
            Some(message) if !message.contains(expected) => {
                problems.push(format!("{name}: expected {expected:?} in {message:?}"))
            }
            Some(_) => {}
        }
        // The same grader, right after, still grades the reference.
        assert!(
            grader.grade_until_failure(&ex.spec, &ex.reference).passed(),
            "after {name}, the reference fails"
        );
    }
    println!("hostile corpus: slowest {} ms ({})", slowest.0, slowest.1);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
