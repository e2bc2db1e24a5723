//! A grade split across workers, merged, is exactly the grade of one worker: the verdict, every
//! case's message, the first failing schedule and its counterexample (scenario, events, views),
//! and what the code printed. Checked for every exercise with its reference, its starter, every
//! known-wrong solution, a solution that prints in every call, and one that exhausts a schedule's
//! operations budget, split 2 and 5 ways (one test per exercise, so they run in parallel).
#![cfg(feature = "grader")]

use netsplit_core::exercise::shard::{merge, Shard};
use netsplit_core::exercise::{ExerciseSpec, Report};
use netsplit_core::grade::Grader;
use netsplit_lessons::exercises;

/// Grades `code` split `count` ways, each shard with its own grader, as each worker has its own.
fn split(spec: &ExerciseSpec, code: &str, count: u32) -> Report {
    let shards: Vec<_> = Shard::all(count)
        .map(|s| Grader::new().grade_shard(spec, code, s, &mut |_| {}))
        .collect();
    merge(spec, &shards).expect("every shard reported")
}

/// `code` with `line` put at the start of every function's body.
fn at_every_call(code: &str, line: &str) -> String {
    code.lines()
        .map(|l| {
            if l.trim_start().starts_with("fn ") && l.trim_end().ends_with('{') {
                format!("{l}\n  {line}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Grades exercise `id`'s solutions whole and split, and compares.
fn split_grades_match_one_worker(id: &str) {
    let all = exercises().expect("the exercises load");
    {
        let ex = all
            .iter()
            .find(|e| e.id == id)
            .expect("the exercise exists");
        // A loop long enough that a schedule's calls use up its budget: FLP's adversary is asked
        // about 50 times a run where the other rules are asked hundreds of times, so its loop is
        // longer (and still far inside one call's limit).
        let busy = if id == "flp-adversary" {
            40_000
        } else {
            20_000
        };
        let mut solutions: Vec<(String, String)> = vec![
            ("reference".into(), ex.reference.clone()),
            ("starter".into(), ex.starter.clone()),
            (
                "prints every call".into(),
                at_every_call(&ex.reference, "print(\"called\");"),
            ),
            (
                "slow in every call".into(),
                at_every_call(
                    &ex.reference,
                    &format!("let busy = 0; for i in 0..{busy} {{ busy += i; }}"),
                ),
            ),
        ];
        solutions.extend(ex.wrong.iter().map(|(w, c)| (w.file.clone(), c.clone())));
        for (name, code) in &solutions {
            let one = Grader::new().grade(&ex.spec, code, &mut |_| {});
            for count in [2, 5] {
                let merged = split(&ex.spec, code, count);
                assert!(
                    merged == one,
                    "{} {name}, split {count} ways:\none worker:\n{}\nmerged:\n{}\noutput {:?} vs {:?}",
                    ex.id,
                    one.to_text(),
                    merged.to_text(),
                    one.output,
                    merged.output
                );
            }
            if name == "prints every call" {
                assert!(!one.output.is_empty(), "{}: nothing printed", ex.id);
            }
            if name == "slow in every call" {
                assert!(
                    one.to_text().contains("operations budget"),
                    "{}: the busy loop should use up a schedule's budget:\n{}",
                    ex.id,
                    one.to_text()
                );
            }
        }
    }
}

/// One test per exercise, each named as a sentence.
macro_rules! split_grade_tests {
    ($($test:ident: $id:literal),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                split_grades_match_one_worker($id);
            }
        )*
    };
}

split_grade_tests! {
    lamport_rules_split_grades_merge_into_the_report_of_one_worker: "lamport-rules",
    vector_clocks_split_grades_merge_into_the_report_of_one_worker: "vector-clocks",
    hlc_split_grades_merge_into_the_report_of_one_worker: "hybrid-logical-clocks",
    raft_vote_split_grades_merge_into_the_report_of_one_worker: "raft-vote",
    raft_append_split_grades_merge_into_the_report_of_one_worker: "raft-append",
    raft_commit_split_grades_merge_into_the_report_of_one_worker: "raft-commit",
    failure_detector_split_grades_merge_into_the_report_of_one_worker: "failure-detector",
    flp_adversary_split_grades_merge_into_the_report_of_one_worker: "flp-adversary",
}

#[test]
fn every_exercise_has_a_split_grade_test() {
    let source = include_str!("shards.rs");
    for ex in exercises().expect("the exercises load") {
        assert!(
            source.contains(&format!("\"{}\"", ex.id)),
            "{} has no split-grade test in lessons/tests/shards.rs",
            ex.id
        );
    }
}

#[test]
fn each_shard_grades_its_share_and_counts_it_in_its_progress() {
    let all = exercises().expect("the exercises load");
    let ex = all
        .iter()
        .find(|e| e.id == "raft-commit")
        .expect("raft-commit");
    let units = netsplit_core::exercise::shard::units_in(&ex.spec, Shard::WHOLE);
    let mut seen = 0;
    for shard in Shard::all(3) {
        let mut last = None;
        Grader::new().grade_shard(&ex.spec, &ex.reference, shard, &mut |p| last = Some(p));
        let last = last.expect("progress reported");
        assert_eq!(last.done, last.total);
        seen += last.total;
    }
    assert_eq!(seen, units);
}
