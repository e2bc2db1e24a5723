//! Mutation testing of every exercise: each mutant of its reference solution (a comparison moved
//! by one, a `+ 1` dropped, a branch removed, ...) must be rejected by the exercise's cases,
//! unless the exercise lists it as equivalent with a reason. Prints each exercise's score.

use netsplit_core::grade::mutation::{mutation_test, MutationReport};
use netsplit_core::grade::Grader;

#[test]
fn every_mutant_of_every_reference_is_rejected_or_listed_as_equivalent() {
    let exercises = netsplit_lessons::exercises().expect("exercises load");
    assert!(!exercises.is_empty());
    // One thread per exercise (the grader is single-threaded): the suite has two cores.
    let reports: Vec<(String, MutationReport)> = std::thread::scope(|s| {
        let handles: Vec<_> = exercises
            .iter()
            .map(|ex| {
                s.spawn(move || {
                    let report = mutation_test(&Grader::new(), &ex.spec, &ex.reference);
                    (ex.id.clone(), report)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("mutation test thread"))
            .collect()
    });
    let mut gaps = Vec::new();
    for (id, report) in &reports {
        println!("mutation score {id}: {}", report.score_line());
        assert!(
            report.killable() >= 10,
            "{id}: only {} mutants that compile: is the mutator reading the reference?",
            report.killable()
        );
        if !report.is_clean() {
            gaps.push(format!("{id}:\n{}", report.to_text()));
        }
    }
    assert!(gaps.is_empty(), "surviving mutants:\n{}", gaps.join("\n"));
}

#[test]
fn a_grader_with_a_missing_case_lets_its_mutant_survive_and_the_report_says_so() {
    // The Lamport exercise without its table and simulation cases for `receive` only: remove
    // every case, keep one table case for `tick`, and `receive`'s mutants must survive.
    let ex = netsplit_lessons::exercise("lamport-rules").expect("lamport-rules");
    let mut spec = ex.spec.clone();
    spec.simulation.clear();
    spec.table.retain(|c| c.call == "tick");
    assert!(!spec.table.is_empty());
    let report = mutation_test(&Grader::new(), &spec, &ex.reference);
    assert!(!report.is_clean());
    let survivor = report.survivors().next().expect("a survivor");
    assert!(
        report.to_text().contains("SURVIVED"),
        "{}",
        report.to_text()
    );
    assert!(survivor.mutant.line > 0);
}
