//! # netsplit-lessons
//!
//! The course's content as data. Each folder `NN-slug/` holds `lesson.toml`
//! (title, objectives, scenarios) and `lesson.md` (prose with fenced blocks
//! that embed live widgets by id); each folder `exercises/<id>/` holds an
//! `exercise.toml` with its starter, reference and known-wrong solutions.
//! `build.rs` validates them all (failing the build with file and line) and
//! embeds them in a compact binary form; [`course`] and [`exercises`] decode it.
//!
//! Feature `authoring` (default) adds the TOML parsers for tests and tools;
//! feature `grader` (default) turns on the exercise grader in `netsplit-core`.

mod model;
#[cfg(feature = "authoring")]
mod parse;
pub mod quiz;
pub mod shape;

pub use model::{
    run_scenarios, CourseMap, Exercise, ExerciseCard, Expect, Lesson, LessonBody, LessonCard,
    LessonError, LessonScenario, MapEntry, Objective, Part, ScenarioCard, Sealed, Segment,
    FORMAT_VERSION, WIDGET_KINDS,
};
#[cfg(feature = "authoring")]
pub use parse::{
    line_col, parse_assessment, parse_course_map, parse_dir_name, parse_exercise, parse_lesson,
    parse_scenario,
};
use serde::de::DeserializeOwned;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/course.rs"));

/// Decodes the embedded course. The build validated it, so an error means a loader bug;
/// it is returned as a [`LessonError`] rather than a panic, so the app can show it.
fn decode<T: DeserializeOwned>(all: &[&[u8]], what: &str) -> Result<Vec<T>, Vec<LessonError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, bytes) in all.iter().enumerate() {
        match postcard::from_bytes(bytes) {
            Ok(v) => out.push(v),
            Err(e) => errors.push(LessonError {
                file: format!("embedded {what} #{i}"),
                line: 0,
                col: 0,
                message: e.to_string(),
            }),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn as_slices<T>(
    r: &'static Result<Vec<T>, Vec<LessonError>>,
) -> Result<&'static [T], &'static [LessonError]> {
    match r {
        Ok(v) => Ok(v),
        Err(e) => Err(e),
    }
}

/// Every lesson, in course order.
pub fn course() -> Result<&'static [Lesson], &'static [LessonError]> {
    static COURSE: OnceLock<Result<Vec<Lesson>, Vec<LessonError>>> = OnceLock::new();
    as_slices(COURSE.get_or_init(|| decode(LESSON_BYTES, "lesson")))
}

/// Every lesson's card, in course order: what the page's course map and lesson pages use, so
/// that the page decodes no scenario (see [`LessonCard`]).
pub fn cards() -> Result<&'static [LessonCard], &'static [LessonError]> {
    static CARDS: OnceLock<Result<Vec<LessonCard>, Vec<LessonError>>> = OnceLock::new();
    as_slices(CARDS.get_or_init(|| decode(CARD_BYTES, "lesson card")))
}

/// The card of the lesson with this slug.
pub fn card(slug: &str) -> Option<&'static LessonCard> {
    cards().ok()?.iter().find(|l| l.slug == slug)
}

/// Decodes a lesson body fetched from `course/<body_file>`.
pub fn decode_body(bytes: &[u8]) -> Result<LessonBody, String> {
    postcard::from_bytes(bytes).map_err(|e| format!("the lesson file is damaged ({e})"))
}

/// The final self-assessment, if the course has one. In the app's build its topics and items
/// are fetched from `course/<body_file>` (see [`decode_assessment`]).
pub fn assessment() -> Option<&'static quiz::Assessment> {
    static ASSESSMENT: OnceLock<Option<quiz::Assessment>> = OnceLock::new();
    ASSESSMENT
        .get_or_init(|| ASSESSMENT_BYTES.and_then(|b| postcard::from_bytes(b).ok()))
        .as_ref()
}

/// The course in parts (`lessons/course.toml`), with the lessons still to come.
pub fn course_map() -> Option<&'static CourseMap> {
    static MAP: OnceLock<Option<CourseMap>> = OnceLock::new();
    MAP.get_or_init(|| COURSE_MAP_BYTES.and_then(|b| postcard::from_bytes(b).ok()))
        .as_ref()
}

/// Decodes the assessment fetched from `course/<body_file>`.
pub fn decode_assessment(bytes: &[u8]) -> Result<quiz::Assessment, String> {
    postcard::from_bytes(bytes).map_err(|e| format!("the assessment file is damaged ({e})"))
}

/// Errors one per line, as tests and tools print them.
pub fn errors_text(errors: &[LessonError]) -> String {
    errors
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The lesson with this slug.
pub fn lesson(slug: &str) -> Option<&'static Lesson> {
    course().ok()?.iter().find(|l| l.slug == slug)
}

/// Every exercise, in id order.
pub fn exercises() -> Result<&'static [Exercise], &'static [LessonError]> {
    static EXERCISES: OnceLock<Result<Vec<Exercise>, Vec<LessonError>>> = OnceLock::new();
    as_slices(EXERCISES.get_or_init(|| decode(EXERCISE_BYTES, "exercise")))
}

/// The exercise with this id.
pub fn exercise(id: &str) -> Option<&'static Exercise> {
    exercises().ok()?.iter().find(|e| e.id == id)
}
