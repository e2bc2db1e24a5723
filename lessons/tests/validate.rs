//! Every lesson parses, every reference resolves, every scenario runs within budget;
//! and malformed lesson files are reported with file and line.
#![cfg(feature = "authoring")]

use netsplit_lessons::{course, parse_lesson, run_scenarios, Segment};

#[test]
fn every_lesson_is_valid_and_every_scenario_runs_within_budget() {
    let lessons = match course() {
        Ok(l) => l,
        Err(errs) => panic!("{}", netsplit_lessons::errors_text(errs)),
    };
    assert!(!lessons.is_empty());
    for lesson in lessons {
        let errors = run_scenarios(lesson);
        assert!(
            errors.is_empty(),
            "{}",
            netsplit_lessons::errors_text(&errors)
        );
    }
}

#[test]
fn the_first_lesson_is_the_two_generals_with_its_widgets_in_place() {
    let l = netsplit_lessons::lesson("two-generals").expect("lesson 01 exists");
    assert_eq!(l.number, 1);
    let widgets = l
        .body
        .iter()
        .filter(|s| matches!(s, Segment::Widget { kind, .. } if kind == "cluster"))
        .count();
    assert_eq!(widgets, l.scenarios.len());
    assert!(l
        .body
        .iter()
        .any(|s| matches!(s, Segment::Html(h) if h.contains("<h1>"))));
}

const GOOD: &str = r#"format_version = 1
title = "T"
summary = "S"
objectives = [{ text = "o", quiz = ["q0"] }]
concepts = []

[[scenarios]]
id = "a"
title = "A"
description = "d"
expect_violations = "none"
[scenarios.run]
protocol = { name = "heartbeat" }
nodes = 3
seed = 1

[[quiz]]
id = "q0"
kind = "single"
prompt = "p"
explanation = "e"
choices = [{ text = "a", correct = true, why = "w" }, { text = "b", why = "w" }]
"#;

/// The build splits a ```` ```measure ```` fence into a widget of its own, as it does the others
/// (its list of fences once lacked it, and the block rendered as code).
#[test]
fn a_measure_block_in_the_failure_detectors_lesson_is_a_measure_widget() {
    let lesson = netsplit_lessons::lesson("failure-detectors").expect("written");
    let measures: Vec<&str> = lesson
        .body
        .iter()
        .filter_map(|s| match s {
            Segment::Widget { kind, id, .. } if kind == "measure" => Some(id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(measures, ["phi-thresholds"]);
    assert!(lesson.body.iter().all(|s| match s {
        Segment::Html(h) => !h.contains("language-measure"),
        _ => true,
    }));
}

fn widget(id: &str, line: u32) -> Segment {
    Segment::Widget {
        kind: "cluster".into(),
        id: id.into(),
        line,
    }
}

fn quiz_widget(id: &str, line: u32) -> Segment {
    Segment::Widget {
        kind: "quiz".into(),
        id: id.into(),
        line,
    }
}

fn first_error(toml: &str, body: Vec<Segment>) -> String {
    parse_lesson(&[], "07-test", toml, body).expect_err("should be rejected")[0].to_string()
}

#[test]
fn a_well_formed_lesson_parses() {
    let l = parse_lesson(&[], "07-test", GOOD, vec![widget("a", 3)]).expect("valid");
    assert_eq!((l.number, l.slug.as_str()), (7, "test"));
}

#[test]
fn an_unknown_field_is_reported_with_file_and_line() {
    let bad = GOOD.replace("seed = 1", "seed = 1\nsede = 2");
    let e = first_error(&bad, vec![widget("a", 3)]);
    assert!(e.starts_with("lessons/07-test/lesson.toml:16:1:"), "{e}");
    assert!(e.contains("sede"), "{e}");
}

#[test]
fn a_missing_required_field_is_reported() {
    let bad = GOOD.replace("seed = 1\n", "");
    let e = first_error(&bad, vec![widget("a", 3)]);
    assert!(e.contains("lesson.toml") && e.contains("seed"), "{e}");
}

#[test]
fn an_invalid_scenario_is_reported_at_its_line() {
    let bad = GOOD.replace("nodes = 3", "nodes = 40");
    let e = first_error(&bad, vec![widget("a", 3)]);
    assert!(
        e.contains("lesson.toml:7:") && e.contains("1..=16 nodes"),
        "{e}"
    );
}

#[test]
fn a_duplicate_scenario_id_is_reported() {
    let dup = GOOD.to_string() + &GOOD[GOOD.find("[[scenarios]]").unwrap()..];
    let e = first_error(&dup, vec![widget("a", 3)]);
    assert!(
        e.contains("duplicate scenario id `a`") && e.contains(":24:"),
        "{e}"
    );
}

#[test]
fn a_widget_naming_an_unknown_scenario_is_reported_in_the_markdown_file() {
    let e = first_error(GOOD, vec![widget("a", 3), widget("nope", 12)]);
    assert_eq!(e, "lessons/07-test/lesson.md:12:1: cluster widget names scenario `nope`, which lesson.toml does not define (defined: a)");
}

#[test]
fn an_unsupported_widget_kind_is_reported() {
    let body = vec![
        widget("a", 3),
        Segment::Widget {
            kind: "poll".into(),
            id: "q".into(),
            line: 9,
        },
    ];
    assert!(first_error(GOOD, body).contains("lesson.md:9:1: unknown widget kind `poll`"));
}

#[test]
fn a_scenario_never_shown_is_reported() {
    assert!(first_error(GOOD, vec![]).contains("scenario `a` is never shown"));
}

#[test]
fn a_toml_syntax_error_names_the_line() {
    let e = first_error("format_version = 1\ntitle = \"unclosed\n", vec![]);
    assert!(e.starts_with("lessons/07-test/lesson.toml:2:"), "{e}");
}

#[test]
fn a_badly_named_folder_is_reported() {
    let e = parse_lesson(&[], "intro", GOOD, vec![]).unwrap_err()[0].to_string();
    assert!(e.contains("NN-kebab-slug"), "{e}");
}

/// Every lesson has a quiz of at least six items (the validation above checked each item).
#[test]
fn every_lesson_has_a_quiz_of_at_least_six_items() {
    for l in course().expect("valid") {
        assert!(
            l.quiz.len() >= 6,
            "lessons/{}/lesson.toml has {} quiz items; every lesson needs at least 6",
            l.dir,
            l.quiz.len()
        );
    }
}

const QUIZ: &str = r#"
[[quiz]]
id = "q1"
kind = "single"
prompt = "Which?"
explanation = "Because."
choices = [
  { text = "right", correct = true, why = "It is." },
  { text = "wrong", why = "It is not." },
]
"#;

fn quiz_error(quiz: &str) -> String {
    first_error(&(GOOD.to_string() + quiz), vec![widget("a", 3)])
}

#[test]
fn a_well_formed_quiz_parses_with_every_kind() {
    let more = r#"
[[quiz]]
id = "q2"
kind = "multiple"
prompt = "Which ones?"
explanation = "Both."
choices = [
  { text = "x", correct = true, why = "Yes." },
  { text = "y", correct = true, why = "Yes." },
  { text = "z", why = "No." },
]

[[quiz]]
id = "q3"
kind = "order"
prompt = "Order them."
explanation = "That order."
steps = ["one", "two", "three"]

[[quiz]]
id = "q4"
kind = "numeric"
prompt = "Smallest W for N = 5, R = 2?"
explanation = "W + R > N."
answer = 4
mistakes = [{ value = 3, why = "3 + 2 = 5 is not more than 5." }]

[[quiz]]
id = "q5"
kind = "predict"
prompt = "What happens?"
explanation = "This."
scenario = "a"
choices = [
  { text = "p", correct = true, why = "Yes." },
  { text = "q", why = "No." },
]
"#;
    let l = parse_lesson(
        &[],
        "07-test",
        &(GOOD.to_string() + QUIZ + more),
        vec![quiz_widget("q5", 2), widget("a", 3)],
    )
    .expect("valid");
    assert_eq!(l.quiz.len(), 6);
    assert_eq!(l.quiz[1].line, 24);
}

#[test]
fn a_duplicate_quiz_id_is_reported_at_its_line() {
    let e = quiz_error(&(QUIZ.to_string() + QUIZ));
    assert!(
        e.contains("lesson.toml:34:") && e.contains("duplicate quiz id `q1`"),
        "{e}"
    );
}

#[test]
fn a_choice_without_its_explanation_is_reported() {
    let e = quiz_error(&QUIZ.replace(", why = \"It is not.\"", ", why = \"\""));
    assert!(
        e.contains("lesson.toml:24:") && e.contains("needs its `text` and a `why`"),
        "{e}"
    );
}

#[test]
fn a_single_choice_item_needs_exactly_one_right_answer() {
    let e = quiz_error(&QUIZ.replace("{ text = \"wrong\",", "{ text = \"wrong\", correct = true,"));
    assert!(e.contains("exactly one choice"), "{e}");
}

#[test]
fn a_prediction_of_an_unknown_scenario_is_reported() {
    let q = QUIZ.replace(
        "kind = \"single\"",
        "kind = \"predict\"\nscenario = \"nope\"",
    );
    let e = quiz_error(&q);
    assert!(e.contains("predicts scenario `nope`"), "{e}");
}

#[test]
fn a_field_the_kind_does_not_use_and_an_unknown_kind_are_reported() {
    let e = quiz_error(&QUIZ.replace("prompt = \"Which?\"", "prompt = \"Which?\"\nanswer = 3"));
    assert!(e.contains("does not use `answer`"), "{e}");
    let e = quiz_error(&QUIZ.replace("\"single\"", "\"essay\""));
    assert!(e.contains("kind `essay`"), "{e}");
    let e = quiz_error(&QUIZ.replace("prompt = \"Which?\"", "promt = \"Which?\""));
    assert!(e.contains("lesson.toml:27:") && e.contains("promt"), "{e}");
}

#[test]
fn a_numeric_mistake_that_would_count_as_right_is_reported() {
    let q = "\n[[quiz]]\nid = \"n\"\nkind = \"numeric\"\nprompt = \"p\"\nexplanation = \"e\"\nanswer = 4\ntolerance = 1\nmistakes = [{ value = 3, why = \"w\" }]\n";
    assert!(quiz_error(q).contains("would count as right"));
}

/// Authors tend to write the right choice first; the page shows choices in a seeded shuffle, so
/// across the course the first choice shown is right in well under half the single-answer items.
#[test]
fn the_right_choice_is_not_always_shown_first() {
    use netsplit_lessons::quiz::QuizKind;
    let mut items: Vec<netsplit_lessons::quiz::QuizItem> = course()
        .expect("valid")
        .iter()
        .flat_map(|l| l.quiz.clone())
        .collect();
    items.extend(
        netsplit_lessons::assessment()
            .expect("an assessment")
            .quiz
            .clone(),
    );
    let single: Vec<_> = items
        .iter()
        .filter(|q| matches!(q.kind, QuizKind::Single { .. } | QuizKind::Predict { .. }))
        .collect();
    let written_first = single.iter().filter(|q| q.choices()[0].correct).count();
    let shown_first = single
        .iter()
        .filter(|q| q.choices()[q.shown_choices()[0] as usize].correct)
        .count();
    println!(
        "{} single-answer items: right choice written first in {written_first}, shown first in {shown_first}",
        single.len()
    );
    assert!(
        shown_first * 2 < single.len(),
        "{shown_first} of {}",
        single.len()
    );
}

#[test]
fn an_objective_that_no_quiz_item_tests_is_refused() {
    let e = first_error(
        &GOOD.replace(r#"quiz = ["q0"]"#, "quiz = []"),
        vec![widget("a", 3)],
    );
    assert!(
        e.starts_with("lessons/07-test/lesson.toml:4:")
            && e.contains("objective 1 names no quiz item"),
        "{e}"
    );
    let e = first_error(
        &GOOD.replace(r#"quiz = ["q0"]"#, r#"quiz = ["q9"]"#),
        vec![widget("a", 3)],
    );
    assert!(e.contains("objective 1 names quiz item `q9`"), "{e}");
}

#[test]
fn a_predict_item_must_be_asked_in_place_before_its_scenario_is_shown() {
    let q = QUIZ.replace("kind = \"single\"", "kind = \"predict\"\nscenario = \"a\"");
    let toml = GOOD.to_string() + q.as_str();
    let e = first_error(&toml, vec![widget("a", 3)]);
    assert!(
        e.contains("predict item `q1` must be asked in place"),
        "{e}"
    );
    let e = first_error(&toml, vec![widget("a", 3), quiz_widget("q1", 8)]);
    assert!(
        e.starts_with("lessons/07-test/lesson.md:8:1:")
            && e.contains("asked after the widget of `a`"),
        "{e}"
    );
    parse_lesson(
        &[],
        "07-test",
        &toml,
        vec![quiz_widget("q1", 1), widget("a", 3)],
    )
    .expect("asked before its scenario's widget");
}

#[test]
fn a_quiz_widget_naming_an_unknown_item_or_asked_twice_is_reported() {
    let e = first_error(GOOD, vec![widget("a", 3), quiz_widget("nope", 5)]);
    assert!(
        e.contains("lesson.md:5:1: quiz widget names item `nope`"),
        "{e}"
    );
    let e = first_error(
        GOOD,
        vec![quiz_widget("q0", 1), widget("a", 3), quiz_widget("q0", 5)],
    );
    assert!(
        e.contains("lesson.md:5:1: quiz item `q0` is asked in place twice"),
        "{e}"
    );
}

const MAP: &str = r#"format_version = 1

[[parts]]
title = "P"
summary = "S"
lessons = ["one", "soon", "two"]

[[coming]]
slug = "soon"
title = "Soon"
summary = "Later."
"#;

fn map_error(text: &str, lessons: &[(u32, &str)]) -> String {
    let lessons: Vec<(u32, String)> = lessons.iter().map(|(n, s)| (*n, s.to_string())).collect();
    netsplit_lessons::parse_course_map(text, &lessons).expect_err("should be rejected")[0]
        .to_string()
}

#[test]
fn the_course_map_places_written_and_coming_lessons_in_parts() {
    let lessons = vec![(1, "one".to_string()), (2, "two".to_string())];
    let map = netsplit_lessons::parse_course_map(MAP, &lessons).expect("valid");
    assert_eq!(map.parts[0].entries.len(), 3);
    assert!(
        matches!(&map.parts[0].entries[1], netsplit_lessons::MapEntry::Coming { title, .. } if title == "Soon")
    );
    let real = netsplit_lessons::course_map().expect("the build embeds lessons/course.toml");
    let titles: Vec<&str> = real.parts.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Failure and time",
            "Replication and consistency",
            "Consensus and coordination",
            "Transactions across services",
            "Scale and convergence",
            "Operating"
        ]
    );
}

#[test]
fn a_lesson_missing_from_the_map_misplaced_or_unknown_is_reported_with_its_line() {
    let e = map_error(MAP, &[(1, "one"), (2, "two"), (3, "three")]);
    assert!(e.contains("lesson 03-three is in no part"), "{e}");
    let e = map_error(MAP, &[(2, "one"), (1, "two")]);
    assert!(
        e.starts_with("lessons/course.toml:6:")
            && e.contains("the map must follow the folders' numbers"),
        "{e}"
    );
    let e = map_error(
        &MAP.replace("\"two\"]", "\"two\", \"nope\"]"),
        &[(1, "one"), (2, "two")],
    );
    assert!(
        e.contains("`nope` is neither a lesson folder nor a `[[coming]]` entry"),
        "{e}"
    );
    let e = map_error(MAP, &[(1, "one"), (2, "two"), (3, "soon")]);
    assert!(e.contains("`soon` is written"), "{e}");
    let e = map_error(&MAP.replace("\"soon\", ", ""), &[(1, "one"), (2, "two")]);
    assert!(
        e.starts_with("lessons/course.toml:8:") && e.contains("coming lesson `soon` is in no part"),
        "{e}"
    );
}
