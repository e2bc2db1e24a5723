//! # netsplit-lessons
//!
//! The course's content as data. Each folder `NN-slug/` holds `lesson.toml`
//! (title, objectives, scenarios) and `lesson.md` (prose with fenced blocks
//! that embed live widgets by id). `build.rs` embeds them all at build time,
//! renders the Markdown, and fails the build naming file and line if anything
//! is malformed; [`course`] parses the embedded text into validated [`Lesson`]s.

mod load;

pub use load::{
    line_col, parse_dir_name, parse_exercise, parse_lesson, run_scenarios, Exercise, Expect,
    Lesson, LessonError, LessonScenario, Segment, FORMAT_VERSION, WIDGET_KINDS,
};
use std::sync::OnceLock;

/// A body segment as the build script embeds it.
enum StaticSegment {
    Html(&'static str),
    Widget(&'static str, &'static str, u32),
}

/// One lesson folder as embedded.
struct Source {
    dir: &'static str,
    toml: &'static str,
    body: &'static [StaticSegment],
}

/// One exercise folder as embedded: its toml and its files by relative path.
struct ExerciseSource {
    id: &'static str,
    toml: &'static str,
    files: &'static [(&'static str, &'static str)],
}

include!(concat!(env!("OUT_DIR"), "/lessons.rs"));

/// Every exercise, parsed once, in id order.
pub fn exercises() -> Result<&'static [Exercise], &'static [LessonError]> {
    static EXERCISES: OnceLock<Result<Vec<Exercise>, Vec<LessonError>>> = OnceLock::new();
    let parsed = EXERCISES.get_or_init(|| {
        let mut all = Vec::new();
        let mut errors = Vec::new();
        for src in EXERCISE_SOURCES {
            let file = |name: &str| {
                src.files
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, text)| (*text).to_string())
            };
            match parse_exercise(src.id, src.toml, &file) {
                Ok(e) => all.push(e),
                Err(e) => errors.extend(e),
            }
        }
        if errors.is_empty() {
            Ok(all)
        } else {
            Err(errors)
        }
    });
    match parsed {
        Ok(e) => Ok(e),
        Err(e) => Err(e),
    }
}

/// The exercise with this id.
pub fn exercise(id: &str) -> Option<&'static Exercise> {
    exercises().ok()?.iter().find(|e| e.id == id)
}

/// Parses every embedded lesson, in course order.
pub fn load_all() -> Result<Vec<Lesson>, Vec<LessonError>> {
    let mut lessons = Vec::new();
    let mut errors = Vec::new();
    for src in SOURCES {
        let body = src
            .body
            .iter()
            .map(|s| match s {
                StaticSegment::Html(h) => Segment::Html((*h).to_string()),
                StaticSegment::Widget(kind, id, line) => Segment::Widget {
                    kind: (*kind).to_string(),
                    id: (*id).to_string(),
                    line: *line,
                },
            })
            .collect();
        match parse_lesson(src.dir, src.toml, body) {
            Ok(l) => lessons.push(l),
            Err(e) => errors.extend(e),
        }
    }
    for pair in lessons.windows(2) {
        if pair[0].number == pair[1].number {
            errors.push(LessonError {
                file: format!("lessons/{}/lesson.toml", pair[1].dir),
                line: 0,
                col: 0,
                message: format!(
                    "lesson number {:02} is also used by {}",
                    pair[1].number, pair[0].dir
                ),
            });
        }
    }
    if errors.is_empty() {
        Ok(lessons)
    } else {
        Err(errors)
    }
}

/// The course, parsed once. The build already validated it, so an error here means a loader bug;
/// it is returned rather than panicking so the app can show it.
pub fn course() -> Result<&'static [Lesson], &'static [LessonError]> {
    static COURSE: OnceLock<Result<Vec<Lesson>, Vec<LessonError>>> = OnceLock::new();
    match COURSE.get_or_init(load_all) {
        Ok(l) => Ok(l),
        Err(e) => Err(e),
    }
}

/// The lesson with this slug.
pub fn lesson(slug: &str) -> Option<&'static Lesson> {
    course().ok()?.iter().find(|l| l.slug == slug)
}
