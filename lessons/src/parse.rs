//! Parsing lesson and exercise files in two stages: raw serde structs with unknown
//! fields denied, then validated model values, with errors naming file and line.
//! Used by the build script (so a malformed file fails the build) and by tests.

use crate::formats::{TomlExercise, TomlScenario};
use crate::model::*;
use netsplit_core::exercise::Adversary;
use netsplit_core::Scenario;
use serde::Deserialize;
use toml::Spanned;

/// Line and column (1-based) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    (line, col)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    id: Spanned<String>,
    title: String,
    description: String,
    expect_violations: Expect,
    run: TomlScenario,
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

pub(crate) fn is_kebab(s: &str) -> bool {
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
    exercise_ids: &[String],
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
        let run: Scenario = s.run.into();
        if let Err(e) = run.validate() {
            errors.push(at(&toml_file, pos, format!("scenario `{id}`: {e}")));
        }
        scenarios.push(LessonScenario {
            id,
            title: s.title,
            description: s.description,
            expect: s.expect_violations,
            scenario: run,
            line: pos.0,
        });
    }

    for seg in &body {
        if let Segment::Widget { kind, id, line } = seg {
            if kind == "exercise" {
                if !exercise_ids.iter().any(|e| e == id) {
                    errors.push(at(
                        &md_file,
                        (*line, 1),
                        format!("exercise widget names `{id}`, which is not a folder under lessons/exercises/ (known: {})", exercise_ids.join(", ")),
                    ));
                }
            } else if !WIDGET_KINDS.contains(&kind.as_str()) {
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
            .any(|seg| matches!(seg, Segment::Widget { kind, id, .. } if kind == "cluster" && *id == s.id));
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
        body_file: String::new(),
    })
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
    let spec: TomlExercise = toml::from_str(toml_text).map_err(|e| {
        let (line, col) = e.span().map_or((0, 0), |s| line_col(toml_text, s.start));
        vec![LessonError {
            file: path.clone(),
            line,
            col,
            message: e.message().to_string(),
        }]
    })?;
    let spec: ExerciseSpec = spec.into();
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
        let raft_only = case.entries_per_append.is_some() || case.adversary.is_some();
        if raft_only && !spec.rules.is_raft() {
            errors.push(at(
                line,
                format!(
                    "simulation case `{}`: `entries_per_append` and `adversary` are for Raft rules only",
                    case.name
                ),
            ));
        }
        if case.entries_per_append == Some(0) {
            errors.push(at(
                line,
                format!(
                    "simulation case `{}`: `entries_per_append` must be at least 1",
                    case.name
                ),
            ));
        }
        if case.adversary == Some(Adversary::Figure8) && case.nodes != 5 {
            errors.push(at(
                line,
                format!(
                    "simulation case `{}`: the figure-8 adversary plays on 5 servers, not {}",
                    case.name, case.nodes
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

/// Parses a scenario file (the TOML authoring form); errors name the line and column.
pub fn parse_scenario(text: &str) -> Result<Scenario, (u32, u32, String)> {
    let raw: TomlScenario = toml::from_str(text).map_err(|e| {
        let (line, col) = e.span().map_or((0, 0), |s| line_col(text, s.start));
        (line, col, e.message().to_string())
    })?;
    Ok(raw.into())
}
