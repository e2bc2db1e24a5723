//! Every lesson parses, every reference resolves, every scenario runs within budget;
//! and malformed lesson files are reported with file and line.
#![cfg(feature = "authoring")]

use netsplit_lessons::{course, parse_lesson, run_scenarios, Segment};

#[test]
fn every_lesson_is_valid_and_every_scenario_runs_within_budget() {
    let lessons = match course() {
        Ok(l) => l,
        Err(errs) => panic!(
            "{}",
            errs.iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        ),
    };
    assert!(!lessons.is_empty());
    for lesson in lessons {
        let errors = run_scenarios(lesson);
        assert!(
            errors.is_empty(),
            "{}",
            errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
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
        .filter(|s| matches!(s, Segment::Widget { .. }))
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
objectives = ["o"]
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
"#;

fn widget(id: &str, line: u32) -> Segment {
    Segment::Widget {
        kind: "cluster".into(),
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
        e.contains("duplicate scenario id `a`") && e.contains(":17:"),
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
            kind: "quiz".into(),
            id: "q".into(),
            line: 9,
        },
    ];
    assert!(first_error(GOOD, body).contains("lesson.md:9:1: unknown widget kind `quiz`"));
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
