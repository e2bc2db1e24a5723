//! The validated course model: lessons, scenarios, body segments and exercises.
//!
//! The build script parses and validates the TOML and Markdown files (see
//! `parse.rs`), then embeds each lesson and exercise in postcard; the app only decodes
//! that, so it ships neither a TOML parser, nor a Markdown one, nor JSON.

use crate::quiz::QuizItem;
use netsplit_core::{Scenario, SimOptions};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The lesson file format this loader reads.
pub const FORMAT_VERSION: u32 = 1;

/// Widget kinds a fenced block in `lesson.md` may embed, by its language tag.
pub const WIDGET_KINDS: &[&str] = &["cluster", "exercise", "quiz", "measure"];

/// A problem in a lesson file, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonError {
    /// Path from the repository root, e.g. `lessons/01-two-generals/lesson.toml`.
    pub file: String,
    /// 1-based line (0 when the problem is the whole file).
    pub line: u32,
    /// 1-based column (0 when unknown).
    pub col: u32,
    /// What is wrong, for an author.
    pub message: String,
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.col, self.message
        )
    }
}

/// What a scenario is expected to show about violations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Expect {
    /// No invariant may break: a violation is a bug in the lesson or the simulator.
    None,
    /// Violations may or may not happen (the learner explores).
    Allowed,
    /// The scenario exists to show a violation; it must happen.
    Required,
}

/// Something a learner will be able to do after a lesson, with the quiz items that test it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objective {
    /// What the learner will be able to do.
    pub text: String,
    /// Ids of the lesson's quiz items that test it (at least one: the build refuses an
    /// objective nothing tests).
    pub quiz: Vec<String>,
}

/// A live scenario a lesson embeds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonScenario {
    /// Unique within the lesson; `lesson.md` refers to it.
    pub id: String,
    /// A short title shown above the widget.
    pub title: String,
    /// What to try, shown under the title.
    pub description: String,
    /// Whether violations are expected.
    pub expect: Expect,
    /// The run itself.
    pub scenario: Scenario,
    /// Line in `lesson.toml` where it is defined, for error messages.
    pub line: u32,
}

/// One piece of a lesson's body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Segment {
    /// Prose, already rendered from Markdown to HTML at build time.
    Html(String),
    /// A live widget: `kind` is a [`WIDGET_KINDS`] entry, `id` names what it shows (a scenario,
    /// an exercise, or a quiz item asked in place, before the prose that narrates its outcome).
    Widget {
        /// Which widget.
        kind: String,
        /// The scenario (or later quiz, exercise) it shows.
        id: String,
        /// Line in `lesson.md`.
        line: u32,
    },
}

/// What the page fetches when a lesson opens: its body and the exercises it embeds. Kept out of
/// the first load, so the page's size does not grow with the course.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonBody {
    /// What the learner will be able to do afterwards.
    pub objectives: Vec<Objective>,
    /// The prose and widgets, in order.
    pub segments: Vec<Segment>,
    /// The lesson's live scenarios.
    pub scenarios: Vec<LessonScenario>,
    /// Every exercise an `exercise` widget of the body names (without known-wrong solutions).
    pub exercises: Vec<Exercise>,
    /// The lesson's quiz, shown after the body.
    pub quiz: Vec<QuizItem>,
}

impl LessonBody {
    /// The scenario with this id.
    pub fn scenario(&self, id: &str) -> Option<&LessonScenario> {
        self.scenarios.iter().find(|s| s.id == id)
    }

    /// The quiz item with this id.
    pub fn quiz_item(&self, id: &str) -> Option<&QuizItem> {
        self.quiz.iter().find(|q| q.id == id)
    }

    /// True if the body asks this quiz item in place (so the quiz at the end leaves it out).
    pub fn asks_inline(&self, id: &str) -> bool {
        self.segments
            .iter()
            .any(|s| matches!(s, Segment::Widget { kind, id: w, .. } if kind == "quiz" && w == id))
    }

    /// The exercise with this id, if the body embeds it.
    pub fn exercise(&self, id: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.id == id)
    }
}

/// A validated lesson.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lesson {
    /// Position in the course, from the folder name `NN-slug`.
    pub number: u32,
    /// The URL name, from the folder name.
    pub slug: String,
    /// The folder name, e.g. `01-two-generals`.
    pub dir: String,
    /// Shown in the course map and as the page heading.
    pub title: String,
    /// One or two sentences for the course map.
    pub summary: String,
    /// What a learner can do after the lesson.
    pub objectives: Vec<Objective>,
    /// The ideas it teaches, as short tags.
    pub concepts: Vec<String>,
    /// Its live scenarios (in the app's build, empty here: they come with the fetched body,
    /// like `objectives`).
    pub scenarios: Vec<LessonScenario>,
    /// Its quiz (in the app's build, empty here: it comes with the fetched body).
    pub quiz: Vec<QuizItem>,
    /// How many quiz items it has (kept in the app's build, for the course map).
    pub quiz_count: u32,
    /// The rendered body with widgets in place. Empty in the app's build, which fetches it
    /// from `course/<body_file>` when the lesson opens (see [`crate::decode_body`]).
    pub body: Vec<Segment>,
    /// The file the body is served from, named by its content hash.
    pub body_file: String,
}

impl Lesson {
    /// The scenario with this id.
    pub fn scenario(&self, id: &str) -> Option<&LessonScenario> {
        self.scenarios.iter().find(|s| s.id == id)
    }
}

/// Runs every scenario of a lesson to its end and reports budget overruns and unexpected violations.
pub fn run_scenarios(lesson: &Lesson) -> Vec<LessonError> {
    let file = format!("lessons/{}/lesson.toml", lesson.dir);
    let mut errors = Vec::new();
    for s in &lesson.scenarios {
        let err = |message: String| LessonError {
            file: file.clone(),
            line: s.line,
            col: 1,
            message,
        };
        let outcome = match s.scenario.run(SimOptions {
            trace_cap: 0,
            check_invariants: true,
        }) {
            Ok((o, _)) => o,
            Err(e) => {
                errors.push(err(format!("scenario `{}` does not run: {e}", s.id)));
                continue;
            }
        };
        if outcome.budget_exhausted {
            errors.push(err(format!(
                "scenario `{}` used its whole budget of {} steps before {}us; raise max_steps or shorten duration_us",
                s.id, s.scenario.max_steps, s.scenario.duration_us
            )));
        }
        match (s.expect, outcome.violations.first()) {
            (Expect::None, Some(v)) => errors.push(err(format!(
                "scenario `{}` (seed {}) broke `{}`: {} — but expect_violations = \"none\"",
                s.id, s.scenario.seed, v.invariant, v.detail
            ))),
            (Expect::Required, None) => errors.push(err(format!(
                "scenario `{}` (seed {}) is meant to show a violation but none happened",
                s.id, s.scenario.seed
            ))),
            _ => {}
        }
    }
    errors
}

/// An exercise with its files: the spec, the starter code, the reference solution and known-wrong solutions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exercise {
    /// The folder name under `lessons/exercises/`; lessons embed it by this id.
    pub id: String,
    /// The parsed `exercise.toml`.
    pub spec: netsplit_core::exercise::ExerciseSpec,
    /// What the learner starts from.
    pub starter: String,
    /// A solution that passes every case.
    pub reference: String,
    /// Solutions that must fail, each with its code.
    pub wrong: Vec<(netsplit_core::exercise::WrongSolution, String)>,
}

/// The course in parts, from `lessons/course.toml`: every lesson in order, written or coming.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseMap {
    /// The parts, in course order.
    pub parts: Vec<Part>,
}

/// One part of the course.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// Its heading on the course map, e.g. "Failure and time".
    pub title: String,
    /// One sentence on what the part is about.
    pub summary: String,
    /// Its lessons, in order.
    pub entries: Vec<MapEntry>,
}

/// A place in the course: a lesson that exists, or one still to be written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MapEntry {
    /// A lesson folder, by slug.
    Lesson(String),
    /// A lesson not yet written: shown as coming, not as a link.
    Coming {
        /// The slug it will have.
        slug: String,
        /// Its title.
        title: String,
        /// What it will teach.
        summary: String,
    },
}

impl MapEntry {
    /// The lesson's slug, written or not.
    pub fn slug(&self) -> &str {
        match self {
            MapEntry::Lesson(s) | MapEntry::Coming { slug: s, .. } => s,
        }
    }
}

impl CourseMap {
    /// The entry with this slug, and the title of its part.
    pub fn find(&self, slug: &str) -> Option<(&Part, &MapEntry)> {
        self.parts
            .iter()
            .find_map(|p| p.entries.iter().find(|e| e.slug() == slug).map(|e| (p, e)))
    }
}
