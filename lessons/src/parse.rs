//! Parsing lesson and exercise files in two stages: raw serde structs with unknown
//! fields denied, then validated model values, with errors naming file and line.
//! Used by the build script (so a malformed file fails the build) and by tests.

use crate::model::*;
use crate::quiz::{Assessment, Choice, NumericMistake, QuizItem, QuizKind, Topic};
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
    run: Scenario,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLesson {
    format_version: u32,
    title: String,
    summary: String,
    objectives: Vec<Spanned<RawObjective>>,
    concepts: Vec<String>,
    #[serde(default)]
    scenarios: Vec<Spanned<RawScenario>>,
    #[serde(default)]
    quiz: Vec<Spanned<RawQuizItem>>,
}

/// An objective as written: what the learner will be able to do, and the quiz items testing it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawObjective {
    text: String,
    #[serde(default)]
    quiz: Vec<String>,
}

/// A quiz item as written: one flat table whose `kind` says which other fields it needs, so a
/// mistake is reported at the item's line (spans do not survive serde's tagged enums).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuizItem {
    id: String,
    kind: String,
    prompt: String,
    explanation: String,
    choices: Option<Vec<RawChoice>>,
    steps: Option<Vec<String>>,
    answer: Option<i64>,
    tolerance: Option<i64>,
    unit: Option<String>,
    mistakes: Option<Vec<NumericMistake>>,
    scenario: Option<String>,
    /// The final self-assessment only: which of its topics the item covers.
    topic: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChoice {
    text: String,
    #[serde(default)]
    correct: bool,
    why: String,
}

/// Validates one quiz item into its model value (at `line`).
fn quiz_item(raw: RawQuizItem, scenarios: &[String], line: u32) -> Result<QuizItem, Vec<String>> {
    let (id, prompt, explanation, topic) = (
        raw.id.clone(),
        raw.prompt.clone(),
        raw.explanation.clone(),
        raw.topic.clone(),
    );
    let kind = parse_quiz_item(raw, scenarios)?;
    Ok(QuizItem {
        id,
        prompt,
        explanation,
        kind,
        topic,
        line,
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAssessment {
    format_version: u32,
    title: String,
    summary: String,
    topics: Vec<Spanned<Topic>>,
    quiz: Vec<Spanned<RawQuizItem>>,
}

/// A problem at `(line, col)` of `file`.
fn at_in(file: &str, (line, col): (u32, u32), message: String) -> LessonError {
    LessonError {
        file: file.to_string(),
        line,
        col,
        message,
    }
}

/// Reads a whole-course file (`assessment.toml`, `course.toml`): a syntax error is returned at
/// once; a format version this loader does not read is the first of the errors to go on with.
fn read_versioned<T: serde::de::DeserializeOwned>(
    file: &str,
    toml_text: &str,
    version: impl Fn(&T) -> u32,
) -> Result<(T, Vec<LessonError>), Vec<LessonError>> {
    let raw: T = toml::from_str(toml_text).map_err(|e| {
        let (pos, message) = toml_error(toml_text, &e);
        vec![at_in(file, pos, message)]
    })?;
    let errors = version_problem(version(&raw), FORMAT_VERSION)
        .map(|e| at_in(file, (1, 1), e))
        .into_iter()
        .collect();
    Ok((raw, errors))
}

/// Parses and validates the final self-assessment (`lessons/assessment.toml`): every item names
/// one of its topics, and every topic has at least one item.
pub fn parse_assessment(toml_text: &str) -> Result<Assessment, Vec<LessonError>> {
    const FILE: &str = "lessons/assessment.toml";
    let at = |pos, message| at_in(FILE, pos, message);
    let (raw, mut errors) = read_versioned::<RawAssessment>(FILE, toml_text, |r| r.format_version)?;
    let mut topics: Vec<(Topic, u32)> = Vec::new();
    for t in raw.topics {
        let pos = line_col(toml_text, t.span().start);
        let t = t.into_inner();
        let first = topics
            .iter()
            .find(|(o, _)| o.id == t.id)
            .map(|(_, line)| *line);
        errors.extend(
            id_problems("topic", &t.id, first)
                .into_iter()
                .map(|e| at(pos, e)),
        );
        topics.push((t, pos.0));
    }
    let topics: Vec<Topic> = topics.into_iter().map(|(t, _)| t).collect();
    let (quiz, problems) = quiz_items(raw.quiz, toml_text, &[], |id, topic| match topic {
        None => Some(format!("quiz item `{id}` needs a `topic`")),
        Some(t) if !topics.iter().any(|o| o.id == t) => Some(format!(
            "quiz item `{id}` names topic `{t}`, which `[[topics]]` does not list"
        )),
        Some(_) => None,
    });
    errors.extend(problems.into_iter().map(|(pos, e)| at(pos, e)));
    for t in &topics {
        if !quiz
            .iter()
            .any(|q| q.topic.as_deref() == Some(t.id.as_str()))
        {
            let line = line_of_text(toml_text, &format!("id = {:?}", t.id));
            errors.push(at((line, 1), format!("topic `{}` has no quiz item", t.id)));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Assessment {
        title: raw.title,
        summary: raw.summary,
        topics,
        quiz,
        body_file: String::new(),
    })
}

/// The line of the first occurrence of `needle` in `text` (1 if absent).
fn line_of_text(text: &str, needle: &str) -> u32 {
    text.find(needle).map_or(1, |o| line_col(text, o).0)
}

/// Where a TOML parse error is, and what it says.
fn toml_error(text: &str, e: &toml::de::Error) -> Positioned {
    let pos = e.span().map_or((0, 0), |s| line_col(text, s.start));
    (pos, e.message().to_string())
}

/// The complaint about a file written for another format version, if it is.
fn version_problem(found: u32, reads: u32) -> Option<String> {
    (found != reads).then(|| format!("format_version is {found}, this build reads {reads}"))
}

/// A message and the (line, column) it is about.
type Positioned = ((u32, u32), String);

/// Validates quiz items in order (ids, then each item); `topic_problem` says what is wrong with
/// an item's `topic`, which lessons refuse and the assessment requires. Errors come with the
/// item's position.
fn quiz_items(
    raw: Vec<Spanned<RawQuizItem>>,
    text: &str,
    scenarios: &[String],
    topic_problem: impl Fn(&str, Option<&str>) -> Option<String>,
) -> (Vec<QuizItem>, Vec<Positioned>) {
    let mut quiz: Vec<QuizItem> = Vec::new();
    let mut errors = Vec::new();
    for spanned in raw {
        let pos = line_col(text, spanned.span().start);
        let raw_item = spanned.into_inner();
        let id = raw_item.id.clone();
        let first = quiz.iter().find(|q| q.id == id).map(|q| q.line);
        let mut problems = id_problems("quiz", &id, first);
        problems.extend(topic_problem(&id, raw_item.topic.as_deref()));
        match quiz_item(raw_item, scenarios, pos.0) {
            Ok(item) => quiz.push(item),
            Err(es) => problems.extend(es),
        }
        errors.extend(problems.into_iter().map(|e| (pos, e)));
    }
    (quiz, errors)
}

/// The quiz item kinds a lesson may use.
pub const QUIZ_KINDS: &[&str] = &["single", "multiple", "order", "numeric", "predict"];

/// Validates one quiz item; `scenarios` are the lesson's scenario ids.
fn parse_quiz_item(raw: RawQuizItem, scenarios: &[String]) -> Result<QuizKind, Vec<String>> {
    let mut errors = Vec::new();
    let id = &raw.id;
    if raw.prompt.trim().is_empty() || raw.explanation.trim().is_empty() {
        errors.push(format!(
            "quiz item `{id}` needs a `prompt` and an `explanation`"
        ));
    }
    let uses: &[&str] = match raw.kind.as_str() {
        "single" | "multiple" => &["choices"],
        "order" => &["steps"],
        "numeric" => &["answer", "tolerance", "unit", "mistakes"],
        "predict" => &["choices", "scenario"],
        other => {
            return Err(vec![format!(
                "quiz item `{id}` has kind `{other}` (known: {})",
                QUIZ_KINDS.join(", ")
            )])
        }
    };
    for (field, present) in [
        ("choices", raw.choices.is_some()),
        ("steps", raw.steps.is_some()),
        ("answer", raw.answer.is_some()),
        ("tolerance", raw.tolerance.is_some()),
        ("unit", raw.unit.is_some()),
        ("mistakes", raw.mistakes.is_some()),
        ("scenario", raw.scenario.is_some()),
    ] {
        if present && !uses.contains(&field) {
            errors.push(format!(
                "quiz item `{id}` ({} item) does not use `{field}`",
                raw.kind
            ));
        }
    }
    let choices: Vec<Choice> = raw
        .choices
        .unwrap_or_default()
        .into_iter()
        .map(|c| Choice {
            text: c.text,
            correct: c.correct,
            why: c.why,
        })
        .collect();
    if uses.contains(&"choices") {
        let right = choices.iter().filter(|c| c.correct).count();
        if choices.len() < 2 {
            errors.push(format!("quiz item `{id}` needs at least two `choices`"));
        }
        match raw.kind.as_str() {
            "multiple" if right == 0 => errors.push(format!(
                "quiz item `{id}`: no choice is marked `correct = true`"
            )),
            "single" | "predict" if right != 1 => errors.push(format!(
                "quiz item `{id}`: exactly one choice must be `correct = true` (found {right})"
            )),
            _ => {}
        }
        for (k, c) in choices.iter().enumerate() {
            if c.text.trim().is_empty() || c.why.trim().is_empty() {
                errors.push(format!(
                    "quiz item `{id}`: choice {} needs its `text` and a `why` (why it is right or wrong)",
                    k + 1
                ));
            }
            if choices[..k].iter().any(|o| o.text == c.text) {
                errors.push(format!(
                    "quiz item `{id}`: choice {:?} appears twice",
                    c.text
                ));
            }
        }
    }
    let kind = match raw.kind.as_str() {
        "single" => QuizKind::Single { choices },
        "multiple" => QuizKind::Multiple { choices },
        "predict" => {
            let scenario = raw.scenario.unwrap_or_default();
            if !scenarios.contains(&scenario) {
                errors.push(format!(
                    "quiz item `{id}` predicts scenario `{scenario}`, which lesson.toml does not define (defined: {})",
                    scenarios.join(", ")
                ));
            }
            QuizKind::Predict { scenario, choices }
        }
        "order" => {
            let steps = raw.steps.unwrap_or_default();
            if steps.len() < 3 {
                errors.push(format!("quiz item `{id}` needs at least three `steps`"));
            }
            for (k, s) in steps.iter().enumerate() {
                if s.trim().is_empty() || steps[..k].contains(s) {
                    errors.push(format!(
                        "quiz item `{id}`: step {} is empty or repeated",
                        k + 1
                    ));
                }
            }
            QuizKind::Order { steps }
        }
        _ => {
            let Some(answer) = raw.answer else {
                errors.push(format!("quiz item `{id}` (numeric) needs an `answer`"));
                return Err(errors);
            };
            let tolerance = raw.tolerance.unwrap_or(0);
            if tolerance < 0 {
                errors.push(format!(
                    "quiz item `{id}`: `tolerance` must not be negative"
                ));
            }
            let mistakes = raw.mistakes.unwrap_or_default();
            for m in &mistakes {
                if m.value.abs_diff(answer) <= tolerance.unsigned_abs() {
                    errors.push(format!(
                        "quiz item `{id}`: mistake {} would count as right (answer {answer}, tolerance {tolerance})",
                        m.value
                    ));
                }
                if m.why.trim().is_empty() {
                    errors.push(format!(
                        "quiz item `{id}`: mistake {} needs a `why`",
                        m.value
                    ));
                }
            }
            QuizKind::Numeric {
                answer,
                tolerance,
                unit: raw.unit.unwrap_or_default(),
                mistakes,
            }
        }
    };
    if errors.is_empty() {
        Ok(kind)
    } else {
        Err(errors)
    }
}

pub(crate) fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// What is wrong with an id: not kebab-case, or already defined at line `first`.
fn id_problems(what: &str, id: &str, first: Option<u32>) -> Vec<String> {
    let mut out = Vec::new();
    if !is_kebab(id) {
        out.push(format!("{what} id `{id}` must be kebab-case"));
    }
    if let Some(line) = first {
        out.push(format!(
            "duplicate {what} id `{id}` (first defined at line {line})"
        ));
    }
    out
}

/// Splits a lesson folder name `NN-slug` into its number and slug.
pub fn parse_dir_name(dir: &str) -> Option<(u32, String)> {
    let (num, slug) = dir.split_once('-')?;
    if num.len() != 2 || !is_kebab(slug) {
        return None;
    }
    Some((num.parse().ok()?, slug.to_string()))
}

/// What is wrong with the quiz items a body asks in place, by line of `lesson.md`: an item the
/// quiz lacks, one asked twice, and a predict item not asked in place or asked only after its
/// scenario's widget (whose prose narrates the outcome the learner is to predict).
fn inline_quiz_problems(body: &[Segment], quiz: &[QuizItem]) -> Vec<(u32, String)> {
    let mut problems = Vec::new();
    let mut asked: Vec<&str> = Vec::new();
    for seg in body {
        let Segment::Widget { kind, id, line } = seg else {
            continue;
        };
        if kind != "quiz" {
            continue;
        }
        if !quiz.iter().any(|q| q.id == *id) {
            let known: Vec<&str> = quiz.iter().map(|q| q.id.as_str()).collect();
            problems.push((*line, format!("quiz widget names item `{id}`, which lesson.toml's quiz does not have (known: {})", known.join(", "))));
        } else if asked.contains(&id.as_str()) {
            problems.push((*line, format!("quiz item `{id}` is asked in place twice")));
        }
        asked.push(id);
    }
    for q in quiz {
        let QuizKind::Predict { scenario, .. } = &q.kind else {
            continue;
        };
        let place = body.iter().position(
            |s| matches!(s, Segment::Widget { kind, id, .. } if kind == "quiz" && *id == q.id),
        );
        let shown = body.iter().position(|s| matches!(s, Segment::Widget { kind, id, .. } if kind == "cluster" && id == scenario));
        match (place, shown) {
            (None, _) => problems.push((1, format!("predict item `{}` must be asked in place, before the prose that narrates its outcome: add a ```quiz block naming it", q.id))),
            (Some(p), Some(w)) if p > w => {
                let line = match &body[p] { Segment::Widget { line, .. } => *line, Segment::Html(_) => 1 };
                problems.push((line, format!("predict item `{}` is asked after the widget of `{scenario}`, whose prose narrates the outcome: ask it before", q.id)));
            }
            _ => {}
        }
    }
    problems
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
            let (pos, message) = toml_error(toml_text, &e);
            return Err(vec![at(&toml_file, pos, message)]);
        }
    };
    if let Some(e) = version_problem(raw.format_version, FORMAT_VERSION) {
        errors.push(at(&toml_file, (1, 1), e));
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
        let first = scenarios.iter().find(|o| o.id == id).map(|o| o.line);
        for e in id_problems("scenario", &id, first) {
            errors.push(at(&toml_file, id_pos, e));
        }
        let run = s.run;
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

    let scenario_ids: Vec<String> = scenarios.iter().map(|s| s.id.clone()).collect();
    let (quiz, problems) = quiz_items(raw.quiz, toml_text, &scenario_ids, |id, topic| {
        topic.map(|_| format!("quiz item `{id}`: `topic` is only for the final self-assessment"))
    });
    errors.extend(problems.into_iter().map(|(pos, e)| at(&toml_file, pos, e)));

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
            } else if kind == "quiz" {
                // Checked with the quiz (see `inline_quiz_problems`).
            } else if kind == "measure" {
                if netsplit_core::measure::find(id).is_none() {
                    let known: Vec<&str> = netsplit_core::ProtocolSpec::measures()
                        .map(|m| m.id)
                        .collect();
                    errors.push(at(
                        &md_file,
                        (*line, 1),
                        format!(
                            "measure widget names `{id}`, which no protocol measures (known: {})",
                            known.join(", ")
                        ),
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
    errors.extend(
        inline_quiz_problems(&body, &quiz)
            .into_iter()
            .map(|(line, e)| at(&md_file, (line, 1), e)),
    );
    let mut objectives = Vec::new();
    for (k, spanned) in raw.objectives.into_iter().enumerate() {
        let pos = line_col(toml_text, spanned.span().start);
        let o = spanned.into_inner();
        if o.quiz.is_empty() {
            errors.push(at(
                &toml_file,
                pos,
                format!(
                    "objective {} names no quiz item that tests it: add `quiz = [\"item-id\", …]`",
                    k + 1
                ),
            ));
        }
        for id in &o.quiz {
            if !quiz.iter().any(|q| q.id == *id) {
                errors.push(at(&toml_file, pos, format!("objective {} names quiz item `{id}`, which the lesson's quiz does not have", k + 1)));
            }
        }
        objectives.push(Objective {
            text: o.text,
            quiz: o.quiz,
        });
    }
    for s in &scenarios {
        let predicted = quiz
            .iter()
            .any(|q| matches!(&q.kind, QuizKind::Predict { scenario, .. } if *scenario == s.id));
        let shown = predicted || body
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
        objectives,
        concepts: raw.concepts,
        scenarios,
        quiz_count: quiz.len() as u32,
        quiz,
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
    let spec: ExerciseSpec = toml::from_str(toml_text).map_err(|e| {
        let ((line, col), message) = toml_error(toml_text, &e);
        vec![LessonError {
            file: path.clone(),
            line,
            col,
            message,
        }]
    })?;
    let line_of = |needle: &str| line_of_text(toml_text, needle);
    let mut errors = Vec::new();
    if !is_kebab(id) {
        errors.push(at(0, format!("exercise folder `{id}` must be kebab-case")));
    }
    if let Some(e) = version_problem(spec.format_version, EXERCISE_FORMAT_VERSION) {
        errors.push(at(1, e));
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
    for (k, e) in spec.equivalent.iter().enumerate() {
        let line = line_of(&format!("mutant = {:?}", e.mutant));
        if e.reason.trim().is_empty() || e.reason.contains('\n') {
            errors.push(at(
                line,
                format!("equivalent mutant `{}` needs a one-line `reason`: why it computes the same function as the reference", e.mutant),
            ));
        }
        if spec.equivalent[..k].iter().any(|o| o.mutant == e.mutant) {
            errors.push(at(
                line,
                format!("equivalent mutant `{}` is listed twice", e.mutant),
            ));
        }
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
        if let Err(e) = case.validate(spec.rules) {
            errors.push(at(line_of(&format!("name = {:?}", case.name)), e));
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
    toml::from_str(text).map_err(|e| {
        let ((line, col), message) = toml_error(text, &e);
        (line, col, message)
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCourseMap {
    format_version: u32,
    parts: Vec<RawPart>,
    #[serde(default)]
    coming: Vec<Spanned<RawComing>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPart {
    title: String,
    summary: String,
    lessons: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComing {
    slug: String,
    title: String,
    summary: String,
}

/// Parses and validates `lessons/course.toml` against the lesson folders, given as (number,
/// slug): every folder placed exactly once and in the order of its number, every other slug a
/// `[[coming]]` entry, and every coming entry placed and without a folder.
pub fn parse_course_map(
    toml_text: &str,
    lessons: &[(u32, String)],
) -> Result<CourseMap, Vec<LessonError>> {
    const FILE: &str = "lessons/course.toml";
    let at = |pos, message| at_in(FILE, pos, message);
    let (raw, mut errors) = read_versioned::<RawCourseMap>(FILE, toml_text, |r| r.format_version)?;
    let mut coming: Vec<(RawComing, (u32, u32), bool)> = Vec::new();
    for c in raw.coming {
        let pos = line_col(toml_text, c.span().start);
        let c = c.into_inner();
        if lessons.iter().any(|(_, s)| *s == c.slug) {
            errors.push(at(
                pos,
                format!(
                    "`{}` is written (it has a lesson folder): remove its `[[coming]]` entry",
                    c.slug
                ),
            ));
        }
        if coming.iter().any(|(o, _, _)| o.slug == c.slug) {
            errors.push(at(
                pos,
                format!("`{}` is listed twice in `[[coming]]`", c.slug),
            ));
        }
        coming.push((c, pos, false));
    }
    let mut placed: Vec<(u32, String, (u32, u32))> = Vec::new();
    let mut parts = Vec::new();
    for p in raw.parts {
        let mut entries = Vec::new();
        for s in p.lessons {
            let pos = line_col(toml_text, s.span().start);
            let slug = s.into_inner();
            if placed.iter().any(|(_, o, _)| *o == slug)
                || entries.iter().any(|e: &MapEntry| e.slug() == slug)
            {
                errors.push(at(pos, format!("`{slug}` is placed twice")));
            }
            if let Some((number, _)) = lessons.iter().find(|(_, l)| *l == slug) {
                placed.push((*number, slug.clone(), pos));
                entries.push(MapEntry::Lesson(slug));
            } else if let Some(c) = coming.iter_mut().find(|(c, _, _)| c.slug == slug) {
                c.2 = true;
                placed.push((0, slug.clone(), pos));
                entries.push(MapEntry::Coming {
                    slug,
                    title: c.0.title.clone(),
                    summary: c.0.summary.clone(),
                });
            } else {
                errors.push(at(
                    pos,
                    format!("`{slug}` is neither a lesson folder nor a `[[coming]]` entry"),
                ));
            }
        }
        parts.push(Part {
            title: p.title,
            summary: p.summary,
            entries,
        });
    }
    for (c, pos, used) in &coming {
        if !used {
            errors.push(at(
                *pos,
                format!("coming lesson `{}` is in no part", c.slug),
            ));
        }
    }
    for (number, slug) in lessons {
        if !placed.iter().any(|(_, s, _)| s == slug) {
            errors.push(at(
                (1, 1),
                format!(
                    "lesson {number:02}-{slug} is in no part: add `{slug}` to a part's `lessons`"
                ),
            ));
        }
    }
    let written: Vec<&(u32, String, (u32, u32))> =
        placed.iter().filter(|(n, _, _)| *n > 0).collect();
    for pair in written.windows(2) {
        if pair[1].0 < pair[0].0 {
            errors.push(at(pair[1].2, format!("`{}` (lesson {:02}) is placed after `{}` (lesson {:02}): the map must follow the folders' numbers", pair[1].1, pair[1].0, pair[0].1, pair[0].0)));
        }
    }
    if errors.is_empty() {
        Ok(CourseMap { parts })
    } else {
        Err(errors)
    }
}
