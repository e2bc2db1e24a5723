//! Parsing and validating one lesson, in two stages: raw serde data, then a checked [`Lesson`].
//!
//! This file is compiled twice: by `build.rs` (so a malformed lesson fails the
//! build, naming file and line) and into the library (so the app reads the same
//! structures). It therefore refers to nothing outside itself but its crates.

use netsplit_core::{Scenario, SimOptions};
use serde::Deserialize;
use std::fmt;
use toml::Spanned;

/// The lesson file format this loader reads.
pub const FORMAT_VERSION: u32 = 1;

/// Widget kinds a fenced block in `lesson.md` may embed, by its language tag.
pub const WIDGET_KINDS: &[&str] = &["cluster"];

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

/// Line and column (1-based) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    (line, col)
}

/// What a scenario is expected to show about violations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Expect {
    /// No invariant may break: a violation is a bug in the lesson or the simulator.
    None,
    /// Violations may or may not happen (the learner explores).
    Allowed,
    /// The scenario exists to show a violation; it must happen.
    Required,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    id: Spanned<String>,
    title: String,
    description: String,
    expect_violations: Expect,
    run: Scenario,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLesson {
    format_version: u32,
    title: String,
    summary: String,
    objectives: Vec<String>,
    concepts: Vec<String>,
    #[serde(default)]
    scenarios: Vec<Spanned<RawScenario>>,
}

/// A live scenario a lesson embeds.
#[derive(Clone, Debug, PartialEq, Eq)]
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// Prose, already rendered from Markdown to HTML at build time.
    Html(String),
    /// A live widget: `kind` is a [`WIDGET_KINDS`] entry, `id` names what it shows.
    Widget {
        /// Which widget.
        kind: String,
        /// The scenario (or later quiz, exercise) it shows.
        id: String,
        /// Line in `lesson.md`.
        line: u32,
    },
}

/// A validated lesson.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    pub objectives: Vec<String>,
    /// The ideas it teaches, as short tags.
    pub concepts: Vec<String>,
    /// Its live scenarios.
    pub scenarios: Vec<LessonScenario>,
    /// The rendered body with widgets in place.
    pub body: Vec<Segment>,
}

impl Lesson {
    /// The scenario with this id.
    pub fn scenario(&self, id: &str) -> Option<&LessonScenario> {
        self.scenarios.iter().find(|s| s.id == id)
    }
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Splits a lesson folder name `NN-slug` into its number and slug.
pub fn parse_dir_name(dir: &str) -> Option<(u32, String)> {
    let (num, slug) = dir.split_once('-')?;
    if num.len() != 2 || !is_kebab(slug) {
        return None;
    }
    Some((num.parse().ok()?, slug.to_string()))
}

/// Parses and validates one lesson from its files' text. `body` is `lesson.md` already split into segments.
pub fn parse_lesson(
    dir: &str,
    toml_text: &str,
    body: Vec<Segment>,
) -> Result<Lesson, Vec<LessonError>> {
    let toml_file = format!("lessons/{dir}/lesson.toml");
    let md_file = format!("lessons/{dir}/lesson.md");
    let at = |file: &str, (line, col): (u32, u32), message: String| LessonError {
        file: file.to_string(),
        line,
        col,
        message,
    };
    let mut errors = Vec::new();

    let Some((number, slug)) = parse_dir_name(dir) else {
        return Err(vec![at(
            &toml_file,
            (0, 0),
            format!("lesson folder `{dir}` must be named NN-kebab-slug, e.g. 01-two-generals"),
        )]);
    };

    let raw: RawLesson = match toml::from_str(toml_text) {
        Ok(raw) => raw,
        Err(e) => {
            let pos = e.span().map_or((0, 0), |s| line_col(toml_text, s.start));
            return Err(vec![at(&toml_file, pos, e.message().to_string())]);
        }
    };
    if raw.format_version != FORMAT_VERSION {
        errors.push(at(
            &toml_file,
            (1, 1),
            format!(
                "format_version is {}, this build reads {FORMAT_VERSION}",
                raw.format_version
            ),
        ));
    }
    for (field, empty) in [
        ("title", raw.title.trim().is_empty()),
        ("summary", raw.summary.trim().is_empty()),
        ("objectives", raw.objectives.is_empty()),
    ] {
        if empty {
            errors.push(at(
                &toml_file,
                (1, 1),
                format!("`{field}` must not be empty"),
            ));
        }
    }

    let mut scenarios: Vec<LessonScenario> = Vec::new();
    for spanned in raw.scenarios {
        let pos = line_col(toml_text, spanned.span().start);
        let id_pos = line_col(toml_text, spanned.get_ref().id.span().start);
        let s = spanned.into_inner();
        let id = s.id.into_inner();
        if !is_kebab(&id) {
            errors.push(at(
                &toml_file,
                id_pos,
                format!("scenario id `{id}` must be kebab-case"),
            ));
        }
        if let Some(first) = scenarios.iter().find(|o| o.id == id) {
            errors.push(at(
                &toml_file,
                id_pos,
                format!(
                    "duplicate scenario id `{id}` (first defined at line {})",
                    first.line
                ),
            ));
        }
        if let Err(e) = s.run.validate() {
            errors.push(at(&toml_file, pos, format!("scenario `{id}`: {e}")));
        }
        scenarios.push(LessonScenario {
            id,
            title: s.title,
            description: s.description,
            expect: s.expect_violations,
            scenario: s.run,
            line: pos.0,
        });
    }

    for seg in &body {
        if let Segment::Widget { kind, id, line } = seg {
            if !WIDGET_KINDS.contains(&kind.as_str()) {
                errors.push(at(
                    &md_file,
                    (*line, 1),
                    format!(
                        "unknown widget kind `{kind}` (known: {})",
                        WIDGET_KINDS.join(", ")
                    ),
                ));
            } else if !scenarios.iter().any(|s| &s.id == id) {
                let known: Vec<&str> = scenarios.iter().map(|s| s.id.as_str()).collect();
                errors.push(at(&md_file, (*line, 1), format!("{kind} widget names scenario `{id}`, which lesson.toml does not define (defined: {})", known.join(", "))));
            }
        }
    }
    for s in &scenarios {
        let shown = body
            .iter()
            .any(|seg| matches!(seg, Segment::Widget { id, .. } if *id == s.id));
        if !shown {
            errors.push(at(
                &toml_file,
                (s.line, 1),
                format!(
                    "scenario `{}` is never shown in lesson.md (add a ```cluster block naming it)",
                    s.id
                ),
            ));
        }
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Lesson {
        number,
        slug,
        dir: dir.to_string(),
        title: raw.title,
        summary: raw.summary,
        objectives: raw.objectives,
        concepts: raw.concepts,
        scenarios,
        body,
    })
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
#[derive(Clone, Debug, PartialEq, Eq)]
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

/// Parses and validates one exercise. `file` reads a file of the exercise folder by relative path.
pub fn parse_exercise(
    id: &str,
    toml_text: &str,
    file: &dyn Fn(&str) -> Option<String>,
) -> Result<Exercise, Vec<LessonError>> {
    use netsplit_core::exercise::{ExerciseSpec, EXERCISE_FORMAT_VERSION};
    let path = format!("lessons/exercises/{id}/exercise.toml");
    let at = |line: u32, message: String| LessonError {
        file: path.clone(),
        line,
        col: 1,
        message,
    };
    let spec: ExerciseSpec = toml::from_str(toml_text).map_err(|e| {
        let (line, col) = e.span().map_or((0, 0), |s| line_col(toml_text, s.start));
        vec![LessonError {
            file: path.clone(),
            line,
            col,
            message: e.message().to_string(),
        }]
    })?;
    let line_of = |needle: &str| {
        toml_text
            .find(needle)
            .map_or(1, |o| line_col(toml_text, o).0)
    };
    let mut errors = Vec::new();
    if !is_kebab(id) {
        errors.push(at(0, format!("exercise folder `{id}` must be kebab-case")));
    }
    if spec.format_version != EXERCISE_FORMAT_VERSION {
        errors.push(at(
            1,
            format!(
                "format_version is {}, this build reads {EXERCISE_FORMAT_VERSION}",
                spec.format_version
            ),
        ));
    }
    if spec.hints.is_empty() {
        errors.push(at(line_of("hints"), "give at least one hint".into()));
    }
    if spec.table.is_empty() && spec.simulation.is_empty() {
        errors.push(at(
            1,
            "an exercise needs at least one [[table]] or [[simulation]] case".into(),
        ));
    }
    if spec.wrong.len() < 2 {
        errors.push(at(
            1,
            "an exercise needs at least two [[wrong]] solutions, to show the grader fails them"
                .into(),
        ));
    }
    let functions = spec.rules.functions();
    for case in &spec.table {
        let line = line_of(&format!("name = {:?}", case.name));
        match functions.iter().find(|(name, _)| *name == case.call) {
            None => errors.push(at(
                line,
                format!(
                    "table case `{}` calls `{}`, which {:?} rules do not have",
                    case.name, case.call, spec.rules
                ),
            )),
            Some((_, params)) if params.len() != case.args.len() => errors.push(at(
                line,
                format!(
                    "table case `{}` passes {} arguments to `{}`, which takes {}",
                    case.name,
                    case.args.len(),
                    case.call,
                    params.len()
                ),
            )),
            Some(_) => {}
        }
    }
    for case in &spec.simulation {
        let line = line_of(&format!("name = {:?}", case.name));
        if !(1..=16).contains(&case.nodes) || !(1..=5_000).contains(&case.schedules) {
            errors.push(at(
                line,
                format!(
                    "simulation case `{}` needs 1..=16 nodes and 1..=5000 schedules",
                    case.name
                ),
            ));
        }
    }
    let mut read = |name: &str, line: u32| match file(name) {
        Some(code) => code,
        None => {
            errors.push(at(
                line,
                format!("missing file lessons/exercises/{id}/{name}"),
            ));
            String::new()
        }
    };
    let starter = read("starter.rhai", 1);
    let reference = read("reference.rhai", 1);
    let wrong = spec
        .wrong
        .iter()
        .map(|w| {
            let line = line_of(&format!("file = {:?}", w.file));
            (w.clone(), read(&w.file, line))
        })
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Exercise {
        id: id.to_string(),
        spec,
        starter,
        reference,
        wrong,
    })
}
