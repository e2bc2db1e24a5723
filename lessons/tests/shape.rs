//! No quiz can be passed from the shape of its answers: the right choice is not reliably the
//! longest, and multiple-choice items vary how many choices are right. The figures are printed
//! (`cargo test -p netsplit-lessons --test shape -- --nocapture`) and bounded here.
#![cfg(feature = "authoring")]

use netsplit_lessons::shape::{shape_figures, ShapeFigures};

/// At most this share (per cent) of single and predict items, over the whole course, have the
/// right choice strictly longest.
const MAX_LONGEST_RIGHT_PERCENT: u64 = 35;
/// No single quiz above this share.
const MAX_LONGEST_RIGHT_PERCENT_PER_QUIZ: u64 = 50;
/// No one share of right choices (say 2 of 4) in more than this share of multiple-choice items.
const MAX_SAME_RIGHT_COUNT_PERCENT: u64 = 40;
/// At most this share of multiple-choice items are answered by picking the k longest choices.
const MAX_K_LONGEST_PERCENT: u64 = 25;

/// Every quiz of the course with its name: the lessons', then the self-assessment's.
fn quizzes() -> Vec<(String, ShapeFigures)> {
    let lessons = netsplit_lessons::course().expect("the course decodes");
    let mut out: Vec<(String, ShapeFigures)> = lessons
        .iter()
        .map(|l| (l.dir.clone(), shape_figures(&l.quiz)))
        .collect();
    let a = netsplit_lessons::assessment().expect("the assessment decodes");
    out.push(("assessment".into(), shape_figures(&a.quiz)));
    out
}

fn total(quizzes: &[(String, ShapeFigures)]) -> ShapeFigures {
    let mut t = ShapeFigures::default();
    for (_, f) in quizzes {
        t.add(f);
    }
    t
}

fn within(part: u64, whole: u64, percent: u64) -> bool {
    part * 100 <= whole * percent
}

#[test]
fn the_right_choice_is_strictly_the_longest_in_at_most_a_third_of_items_and_half_of_any_quiz() {
    let quizzes = quizzes();
    for (name, f) in &quizzes {
        println!(
            "{name}: right choice strictly longest in {} of {} single and predict items {:?}",
            f.longest_right.len(),
            f.one_right_items,
            f.longest_right
        );
    }
    let t = total(&quizzes);
    println!(
        "course: {} of {} ({}%)",
        t.longest_right.len(),
        t.one_right_items,
        t.longest_right_percent()
    );
    assert!(
        t.one_right_items >= 40,
        "the course has its single and predict items"
    );
    assert!(
        within(t.longest_right.len() as u64, t.one_right_items as u64, MAX_LONGEST_RIGHT_PERCENT),
        "{} of {} single and predict items have the right choice strictly longest (at most {MAX_LONGEST_RIGHT_PERCENT}%)",
        t.longest_right.len(),
        t.one_right_items
    );
    for (name, f) in &quizzes {
        assert!(
            within(
                f.longest_right.len() as u64,
                f.one_right_items as u64,
                MAX_LONGEST_RIGHT_PERCENT_PER_QUIZ
            ),
            "{name}: {} of {} items have the right choice strictly longest (at most half): {:?}",
            f.longest_right.len(),
            f.one_right_items,
            f.longest_right
        );
    }
}

#[test]
fn multiple_choice_items_vary_how_many_choices_are_right() {
    let quizzes = quizzes();
    let t = total(&quizzes);
    println!(
        "right choices per multiple-choice item: {:?}",
        t.right_counts
    );
    println!(
        "answered by the k longest choices: {} of {} {:?}",
        t.k_longest_right.len(),
        t.multiple_items,
        t.k_longest_right
    );
    let n = t.multiple_items as u64;
    assert!(n >= 20, "the course has its multiple-choice items");
    let right = |key: &str| {
        key.split('/')
            .map(|x| x.parse::<u32>().unwrap_or(0))
            .collect::<Vec<_>>()
    };
    assert!(
        t.right_counts.keys().any(|k| right(k)[0] == 1),
        "no multiple-choice item has exactly one right choice: {:?}",
        t.right_counts
    );
    assert!(
        t.right_counts.keys().any(|k| {
            let r = right(k);
            r[0] + 1 >= r[1]
        }),
        "no multiple-choice item has all choices, or all but one, right: {:?}",
        t.right_counts
    );
    for (key, count) in &t.right_counts {
        assert!(
            within(*count as u64, n, MAX_SAME_RIGHT_COUNT_PERCENT),
            "{count} of {n} multiple-choice items have {key} right (at most {MAX_SAME_RIGHT_COUNT_PERCENT}%)"
        );
    }
    assert!(
        within(t.k_longest_right.len() as u64, n, MAX_K_LONGEST_PERCENT),
        "{} of {n} multiple-choice items are answered by picking the longest choices: {:?}",
        t.k_longest_right.len(),
        t.k_longest_right
    );
}

fn choice(text: &str, correct: bool) -> netsplit_lessons::quiz::Choice {
    netsplit_lessons::quiz::Choice {
        text: text.into(),
        correct,
        why: "w".into(),
    }
}

fn item(id: &str, kind: netsplit_lessons::quiz::QuizKind) -> netsplit_lessons::quiz::QuizItem {
    netsplit_lessons::quiz::QuizItem {
        id: id.into(),
        prompt: "p".into(),
        explanation: "e".into(),
        kind,
        topic: None,
        line: 1,
    }
}

#[test]
fn the_figures_flag_a_longest_right_choice_and_a_quiz_answered_by_its_longest_choices() {
    use netsplit_lessons::quiz::QuizKind::{Multiple, Single};
    let items = vec![
        item(
            "long",
            Single {
                choices: vec![choice("the long right one", true), choice("short", false)],
            },
        ),
        item(
            "tie",
            Single {
                choices: vec![choice("same", true), choice("size", false)],
            },
        ),
        item(
            "k",
            Multiple {
                choices: vec![
                    choice("long right", true),
                    choice("long right too", true),
                    choice("no", false),
                ],
            },
        ),
        item(
            "mixed",
            Multiple {
                choices: vec![
                    choice("r", true),
                    choice("a long wrong one", false),
                    choice("x", false),
                ],
            },
        ),
    ];
    let f = shape_figures(&items);
    assert_eq!(
        f.longest_right,
        vec!["long".to_string()],
        "a tie is not strictly longest"
    );
    assert_eq!(f.longest_right_percent(), 50);
    assert_eq!(f.k_longest_right, vec!["k".to_string()]);
    assert_eq!(f.right_counts.get("2/3"), Some(&1));
    assert_eq!(f.right_counts.get("1/3"), Some(&1));
    assert!(!within(
        f.longest_right.len() as u64,
        f.one_right_items as u64,
        MAX_LONGEST_RIGHT_PERCENT
    ));
}
