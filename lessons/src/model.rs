//! The validated course model: lessons, scenarios, body segments and exercises.
//!
//! The build script parses and validates the TOML and Markdown files (see
//! `parse.rs`), then embeds each lesson and exercise in postcard; the app only decodes
//! that, so it ships neither a TOML parser, nor a Markdown one, nor JSON.

use crate::quiz::QuizItem;
use netsplit_core::{Scenario, SimOptions};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::marker::PhantomData;

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

/// A value the page passes on without reading it: postcard bytes of a `T` that only the live
/// views decode. The page's wasm then carries no decoder for `T`: for a scenario, none for any
/// protocol, so that the page does not grow with them.
#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Sealed<T> {
    bytes: Vec<u8>,
    #[serde(skip)]
    kind: PhantomData<fn() -> T>,
}

impl<T: Serialize> Sealed<T> {
    /// Seals a value.
    pub fn seal(value: &T) -> Result<Sealed<T>, String> {
        Ok(Sealed {
            bytes: postcard::to_allocvec(value).map_err(|e| e.to_string())?,
            kind: PhantomData,
        })
    }
}

impl<T: DeserializeOwned> Sealed<T> {
    /// The value, or why these bytes are not one.
    pub fn open(&self) -> Result<T, String> {
        postcard::from_bytes(&self.bytes).map_err(|e| format!("damaged data ({e})"))
    }
}

// By hand: the derives would ask `T` for what only the bytes need.
impl<T> Clone for Sealed<T> {
    fn clone(&self) -> Self {
        Sealed {
            bytes: self.bytes.clone(),
            kind: PhantomData,
        }
    }
}

impl<T> PartialEq for Sealed<T> {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl<T> Eq for Sealed<T> {}

impl<T> fmt::Debug for Sealed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sealed({} bytes)", self.bytes.len())
    }
}

/// A live scenario as the page holds it: what the page shows around the widget, and the run
/// itself sealed for the live views.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioCard {
    /// The scenario's id in its lesson.
    pub id: String,
    /// Its title.
    pub title: String,
    /// What to try.
    pub description: String,
    /// The run.
    pub run: Sealed<Scenario>,
}

impl ScenarioCard {
    /// The card of a lesson's scenario.
    pub fn of(s: &LessonScenario) -> Result<ScenarioCard, String> {
        Ok(ScenarioCard {
            id: s.id.clone(),
            title: s.title.clone(),
            description: s.description.clone(),
            run: Sealed::seal(&s.scenario)?,
        })
    }
}

/// An exercise as the page holds it: its id, and the exercise sealed for the live views.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExerciseCard {
    /// The exercise's id.
    pub id: String,
    /// The exercise (without its known-wrong solutions).
    pub exercise: Sealed<Exercise>,
}

/// What the page fetches when a lesson opens: its body and the exercises it embeds. Kept out of
/// the first load, so the page's size does not grow with the course; scenarios and exercises are
/// sealed, so the page's code does not grow with the protocols.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonBody {
    /// What the learner will be able to do afterwards.
    pub objectives: Vec<Objective>,
    /// The prose and widgets, in order.
    pub segments: Vec<Segment>,
    /// The lesson's live scenarios.
    pub scenarios: Vec<ScenarioCard>,
    /// Every exercise an `exercise` widget of the body names (without known-wrong solutions).
    pub exercises: Vec<ExerciseCard>,
    /// The lesson's quiz, shown after the body.
    pub quiz: Vec<QuizItem>,
}

impl LessonBody {
    /// The scenario with this id.
    pub fn scenario(&self, id: &str) -> Option<&ScenarioCard> {
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
    pub fn exercise(&self, id: &str) -> Option<&ExerciseCard> {
        self.exercises.iter().find(|e| e.id == id)
    }
}

/// A lesson as the page's course map and lesson pages know it before its body is fetched: no
/// scenarios, no quiz, nothing the page would need a protocol's decoder for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonCard {
    /// Position in the course.
    pub number: u32,
    /// The URL name.
    pub slug: String,
    /// The title.
    pub title: String,
    /// One or two sentences for the course map.
    pub summary: String,
    /// The ideas it teaches.
    pub concepts: Vec<String>,
    /// How many quiz items it has.
    pub quiz_count: u32,
    /// The file its body is served from (`course/<body_file>`).
    pub body_file: String,
}

impl LessonCard {
    /// The card of a lesson.
    pub fn of(l: &Lesson) -> LessonCard {
        LessonCard {
            number: l.number,
            slug: l.slug.clone(),
            title: l.title.clone(),
            summary: l.summary.clone(),
            concepts: l.concepts.clone(),
            quiz_count: l.quiz_count,
            body_file: l.body_file.clone(),
        }
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
