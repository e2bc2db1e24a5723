//! Every exercise's grader passes its reference, fails its starter, and fails each
//! known-wrong solution with the message it is meant to get, both through its table
//! cases alone and through its simulation cases alone.
#![cfg(feature = "grader")]

use netsplit_core::exercise::{ExerciseSpec, Report};
use netsplit_core::grade::Grader;
use netsplit_lessons::{exercises, Exercise};

fn all() -> &'static [Exercise] {
    match exercises() {
        Ok(e) => e,
        Err(errs) => panic!("{}", netsplit_lessons::errors_text(errs)),
    }
}

fn grade(spec: &ExerciseSpec, code: &str) -> Report {
    Grader::new().grade(spec, code, &mut |_| {})
}

#[test]
fn there_is_at_least_one_exercise() {
    assert!(!all().is_empty());
}

#[test]
fn every_reference_solution_passes_every_case() {
    for ex in all() {
        let r = grade(&ex.spec, &ex.reference);
        assert!(r.passed(), "{}: reference fails:\n{}", ex.id, r.to_text());
    }
}

#[test]
fn every_starter_fails() {
    for ex in all() {
        let r = grade(&ex.spec, &ex.starter);
        assert!(
            r.compile_error.is_none(),
            "{}: the starter should compile: {:?}",
            ex.id,
            r.compile_error
        );
        assert!(!r.passed(), "{}: the starter passes", ex.id);
    }
}

#[test]
fn every_wrong_solution_fails_with_its_message() {
    for ex in all() {
        for (w, code) in &ex.wrong {
            let r = grade(&ex.spec, code);
            assert!(!r.passed(), "{} {}: passes", ex.id, w.file);
            let messages: Vec<&str> = r
                .cases
                .iter()
                .filter(|c| !c.passed)
                .map(|c| c.message.as_str())
                .collect();
            assert!(
                messages.iter().any(|m| m.contains(&w.fails_with)),
                "{} {}: expected a failure containing {:?}, got:\n{}",
                ex.id,
                w.file,
                w.fails_with,
                r.to_text()
            );
        }
    }
}

#[test]
fn table_cases_alone_and_simulation_alone_each_catch_every_wrong_solution_the_runs_can_show() {
    for ex in all() {
        let table_only = ExerciseSpec {
            simulation: vec![],
            ..ex.spec.clone()
        };
        let sim_only = ExerciseSpec {
            table: vec![],
            ..ex.spec.clone()
        };
        for (w, code) in &ex.wrong {
            if !table_only.table.is_empty() {
                assert!(
                    !grade(&table_only, code).passed(),
                    "{} {}: table cases miss it",
                    ex.id,
                    w.file
                );
            }
            if let Some(why) = &w.why_runs_pass {
                // The exercise says the runs cannot show this mistake: hold it to that, so the
                // note goes once a simulation case does catch it.
                assert!(
                    grade(&sim_only, code).passed(),
                    "{} {}: says the runs pass it ({why}), but a simulation case fails it: drop `why_runs_pass`",
                    ex.id,
                    w.file
                );
            } else if !sim_only.simulation.is_empty() {
                let r = grade(&sim_only, code);
                assert!(!r.passed(), "{} {}: simulation misses it", ex.id, w.file);
                let cx = r
                    .cases
                    .iter()
                    .find_map(|c| c.counterexample.as_ref())
                    .expect("a failing simulation carries a counterexample");
                assert!(
                    !cx.events.is_empty(),
                    "{} {}: counterexample has a trace",
                    ex.id,
                    w.file
                );
            }
        }
    }
}

#[test]
fn hostile_scripts_are_stopped_quickly_with_a_message() {
    let ex = &all()[0];
    let (name, params) = ex.spec.rules.functions()[0];
    let others: String = ex.spec.rules.functions()[1..]
        .iter()
        .map(|(n, p)| format!("fn {n}({}) {{ 0 }}\n", p.join(", ")))
        .collect();
    for (body, expect) in [
        ("loop { }", "loop that never ends"),
        ("let f = |x| x; fn_rec(1)", "does not exist"),
        ("let a = []; loop { a.push(a.len()); }", "too large"),
        ("let s = \"ab\"; loop { s += s; }", "too large"),
    ] {
        let code = format!("fn {name}({}) {{ {body} }}\n{others}", params.join(", "));
        let r = grade(&ex.spec, &code);
        let text = r.to_text();
        assert!(text.contains(expect), "{body}: {text}");
    }
    let deep = format!(
        "fn {name}({}) {{ {name}({}) }}\n{others}",
        params.join(", "),
        params.join(", ")
    );
    assert!(grade(&ex.spec, &deep).to_text().contains("nested calls"));
}
