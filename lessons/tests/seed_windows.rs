//! No verdict depends on a lucky seed: every mistake that only the simulation cases catch (a
//! known-wrong solution, a mutant of the reference that passes every table case) is caught again
//! with every case's seeds moved to two other windows that share no schedule with the first, and
//! the reference passes in all three.
#![cfg(feature = "grader")]

use netsplit_core::exercise::ExerciseSpec;
use netsplit_core::grade::mutants::mutants;
use netsplit_core::grade::Grader;
use netsplit_lessons::{exercises, Exercise};

/// How far each window moves every case's first seed: far past any case's own schedules (at most
/// 5,000), so that no two windows share one.
const WINDOWS: [u64; 3] = [0, 1_000_000, 2_000_000];

fn all() -> &'static [Exercise] {
    exercises().unwrap_or_else(|e| panic!("{}", netsplit_lessons::errors_text(e)))
}

/// The exercise's simulation cases alone, their seeds moved by `offset`.
fn runs_only(spec: &ExerciseSpec, offset: u64) -> ExerciseSpec {
    let mut s = spec.clone();
    s.table.clear();
    for case in &mut s.simulation {
        case.seed = case.seed.wrapping_add(offset);
    }
    s
}

/// The exercise's table cases alone.
fn table_only(spec: &ExerciseSpec) -> ExerciseSpec {
    ExerciseSpec {
        simulation: Vec::new(),
        ..spec.clone()
    }
}

/// The windows (by offset) in which the simulation cases pass `code`.
fn windows_passed(grader: &Grader, spec: &ExerciseSpec, code: &str) -> Vec<u64> {
    WINDOWS
        .iter()
        .copied()
        .filter(|&w| {
            grader
                .grade_until_failure(&runs_only(spec, w), code)
                .passed()
        })
        .collect()
}

/// Runs `check` on every exercise, one thread each (the grader is single-threaded): the problems
/// found, and how many solutions were checked in every window.
fn each_exercise(check: fn(&Exercise) -> (Vec<String>, usize)) -> (Vec<String>, usize) {
    std::thread::scope(|s| {
        let handles: Vec<_> = all().iter().map(|ex| s.spawn(move || check(ex))).collect();
        handles
            .into_iter()
            .fold((Vec::new(), 0), |(mut all, n), h| {
                let (problems, checked) = h.join().expect("exercise thread");
                all.extend(problems);
                (all, n + checked)
            })
    })
}

#[test]
fn the_reference_passes_the_runs_of_every_seed_window() {
    let (problems, _) = each_exercise(|ex| {
        let grader = Grader::new();
        let passed = windows_passed(&grader, &ex.spec, &ex.reference);
        let problems = if passed.len() == WINDOWS.len() {
            Vec::new()
        } else {
            vec![format!(
                "{}: the reference passes only windows {passed:?}",
                ex.id
            )]
        };
        (problems, 1)
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_wrong_solution_the_runs_can_show_is_caught_in_three_disjoint_seed_windows() {
    let (problems, checked) = each_exercise(|ex| {
        let grader = Grader::new();
        let shown: Vec<_> = ex
            .wrong
            .iter()
            .filter(|(w, _)| w.why_runs_pass.is_none() && !ex.spec.simulation.is_empty())
            .collect();
        let problems = shown
            .iter()
            .filter_map(|(w, code)| {
                let passed = windows_passed(&grader, &ex.spec, code);
                (!passed.is_empty()).then(|| {
                    format!(
                        "{} {}: the runs pass it in the windows at {passed:?}",
                        ex.id, w.file
                    )
                })
            })
            .collect();
        (problems, shown.len())
    });
    println!(
        "{checked} wrong solutions checked in {} seed windows",
        WINDOWS.len()
    );
    assert!(
        checked >= 10,
        "only {checked} wrong solutions the runs can show"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_mutant_only_the_runs_reject_is_rejected_in_three_disjoint_seed_windows() {
    let (problems, checked) = each_exercise(|ex| {
        let grader = Grader::new();
        let table = table_only(&ex.spec);
        let listed = |id: &str| ex.spec.equivalent.iter().any(|e| e.mutant == id);
        let runs_only_reject: Vec<_> = mutants(&ex.reference)
            .into_iter()
            .filter(|m| !listed(&m.id))
            // Mutants the table cases reject are rejected whatever the seeds.
            .filter(|m| {
                table.table.is_empty() || grader.grade_until_failure(&table, &m.source).passed()
            })
            .filter(|m| {
                let r = grader.grade_until_failure(&runs_only(&ex.spec, 0), &m.source);
                // A mutant that does not parse is no mistake a learner submits.
                !r.compile_error
                    .as_ref()
                    .is_some_and(|e| e.message.starts_with("syntax error"))
            })
            .collect();
        let problems = runs_only_reject
            .iter()
            .filter_map(|m| {
                let passed = windows_passed(&grader, &ex.spec, &m.source);
                (!passed.is_empty()).then(|| {
                    format!(
                        "{} mutant {}: the runs pass it in the windows at {passed:?}",
                        ex.id, m.id
                    )
                })
            })
            .collect();
        (problems, runs_only_reject.len())
    });
    println!(
        "{checked} mutants that only the runs reject, checked in {} seed windows",
        WINDOWS.len()
    );
    assert!(
        checked > 0,
        "no mutant is left to the runs: the test checks nothing"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
