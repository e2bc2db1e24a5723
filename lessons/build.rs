//! Validates every lesson and exercise at build time and embeds them as compact binary (postcard).
//!
//! Each folder `NN-slug/` beside this file with a `lesson.toml` is a lesson; each
//! folder `exercises/<id>/` with an `exercise.toml` is an exercise. A malformed or
//! missing file fails the build with `file:line:col: what is wrong`. Markdown is
//! rendered to HTML here, and fenced blocks whose language is a widget kind
//! (```cluster, ```exercise) become widget segments, so the app ships neither a
//! Markdown nor a TOML parser: only the validated model, in postcard.

#[path = "src/model.rs"]
#[allow(dead_code)]
mod model;
#[path = "src/parse.rs"]
#[allow(dead_code)]
mod parse;
#[path = "src/quiz.rs"]
#[allow(dead_code)]
mod quiz;

use model::Segment;
use pulldown_cmark::{html, CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use std::path::{Path, PathBuf};

/// Where lesson bodies are written for the site to serve (trunk copies it to `dist/course/`).
const BODIES_DIR: &str = "../target/course";

/// Fence languages that denote a widget: every kind the page draws ([`model::WIDGET_KINDS`], one
/// list, so a new kind cannot be left out here), and `spacetime`, which validation rejects with
/// a message naming the kinds there are.
fn is_widget_fence(info: &str) -> bool {
    model::WIDGET_KINDS.contains(&info) || info == "spacetime"
}

fn line_of(text: &str, offset: usize) -> u32 {
    parse::line_col(text, offset).0
}

/// Splits Markdown into HTML segments and widget segments; reports in-page anchors.
fn render(md: &str, file: &str, errors: &mut Vec<String>) -> Vec<Segment> {
    // No footnotes: their `#fn` links would be taken for routes by the hash router.
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut segments = Vec::new();
    let mut pending: Vec<Event<'_>> = Vec::new();
    let mut widget: Option<(String, String, u32)> = None;
    for (event, range) in Parser::new_ext(md, opts).into_offset_iter() {
        match (&mut widget, event) {
            (None, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))))
                if is_widget_fence(info.trim()) =>
            {
                widget = Some((
                    info.trim().to_string(),
                    String::new(),
                    line_of(md, range.start),
                ));
            }
            (Some((_, body, _)), Event::Text(t)) => body.push_str(&t),
            (Some(_), Event::End(TagEnd::CodeBlock)) => {
                let (kind, id, line) = widget.take().unwrap_or_default();
                flush(&mut pending, &mut segments);
                segments.push(Segment::Widget {
                    kind,
                    id: id.trim().to_string(),
                    line,
                });
            }
            (Some(_), _) => {}
            (None, e @ Event::Start(Tag::Link { .. })) => {
                if let Event::Start(Tag::Link { dest_url, .. }) = &e {
                    if dest_url.starts_with('#') && !dest_url.starts_with("#/") {
                        errors.push(format!(
                            "{file}:{}:1: link `{dest_url}` is an in-page anchor, which the app's hash router would take for a page; link to a route such as #/lesson/slug instead",
                            line_of(md, range.start)
                        ));
                    }
                }
                pending.push(e);
            }
            (None, e) => pending.push(e),
        }
    }
    flush(&mut pending, &mut segments);
    segments
}

fn flush(pending: &mut Vec<Event<'_>>, segments: &mut Vec<Segment>) {
    if pending.is_empty() {
        return;
    }
    let mut out = String::new();
    html::push_html(&mut out, pending.drain(..));
    segments.push(Segment::Html(with_heading_ids(&out)));
}

/// The id a heading gets from its text: lower case, letters and digits, words joined by `-`
/// ("The converse fails" is `the-converse-fails`). Self-assessment topics link to these.
fn heading_id(text: &str) -> String {
    let mut id = String::new();
    for ch in text.chars().flat_map(char::to_lowercase) {
        if ch == '\'' || ch == '’' {
            continue;
        } else if ch.is_alphanumeric() {
            id.push(ch);
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    id.trim_end_matches('-').to_string()
}

/// Gives every `<h2>` and `<h3>` an id from its text, so a link can open a lesson at a section.
fn with_heading_ids(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(start) = ["<h2>", "<h3>"].iter().filter_map(|t| rest.find(t)).min() {
        let level = &rest[start + 2..start + 3];
        let close = format!("</h{level}>");
        let Some(end) = rest[start..].find(&close).map(|e| start + e) else {
            break;
        };
        let inner = &rest[start + 4..end];
        let mut text = String::new();
        let mut in_tag = false;
        for ch in inner.chars() {
            match ch {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        out.push_str(&rest[..start]);
        out.push_str(&format!(
            "<h{level} id=\"{}\">",
            heading_id(&text.replace("&amp;", "and"))
        ));
        rest = &rest[start + 4..];
    }
    out.push_str(rest);
    out
}

fn folders_with(root: &Path, file: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.join(file).exists())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

fn name_of(dir: &Path) -> String {
    dir.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string()
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    println!("cargo::rerun-if-changed={}", root.display());
    let mut errors: Vec<String> = Vec::new();

    // Exercises first: lessons refer to them.
    let ex_root = root.join("exercises");
    println!("cargo::rerun-if-changed={}", ex_root.display());
    let mut exercises = Vec::new();
    for dir in folders_with(&ex_root, "exercise.toml") {
        let id = name_of(&dir);
        for entry in walk(&dir) {
            println!("cargo::rerun-if-changed={}", entry.display());
        }
        let toml_text = std::fs::read_to_string(dir.join("exercise.toml")).unwrap_or_default();
        let reader = |name: &str| std::fs::read_to_string(dir.join(name)).ok();
        match parse::parse_exercise(&id, &toml_text, &reader) {
            Ok(ex) => exercises.push(ex),
            Err(errs) => errors.extend(errs.iter().map(|e| e.to_string())),
        }
    }
    let exercise_ids: Vec<String> = exercises.iter().map(|e| e.id.clone()).collect();

    let mut lessons = Vec::new();
    for dir in folders_with(root, "lesson.toml") {
        let name = name_of(&dir);
        let (toml_path, md_path) = (dir.join("lesson.toml"), dir.join("lesson.md"));
        println!("cargo::rerun-if-changed={}", toml_path.display());
        println!("cargo::rerun-if-changed={}", md_path.display());
        let toml_text = std::fs::read_to_string(&toml_path).unwrap_or_default();
        let Ok(md) = std::fs::read_to_string(&md_path) else {
            errors.push(format!("lessons/{name}/lesson.md:0:0: missing (every lesson needs lesson.toml and lesson.md)"));
            continue;
        };
        let body = render(&md, &format!("lessons/{name}/lesson.md"), &mut errors);
        match parse::parse_lesson(&exercise_ids, &name, &toml_text, body) {
            Ok(l) => lessons.push(l),
            Err(errs) => errors.extend(errs.iter().map(|e| e.to_string())),
        }
    }
    // The final self-assessment, if written (a test requires it).
    let assessment_path = root.join("assessment.toml");
    println!("cargo::rerun-if-changed={}", assessment_path.display());
    let mut assessment = std::fs::read_to_string(&assessment_path)
        .ok()
        .and_then(|text| match parse::parse_assessment(&text) {
            Ok(a) => Some(a),
            Err(errs) => {
                errors.extend(errs.iter().map(|e| e.to_string()));
                None
            }
        });
    // The course in parts (a test requires the file; the map is embedded in the first load).
    let map_path = root.join("course.toml");
    println!("cargo::rerun-if-changed={}", map_path.display());
    let numbered: Vec<(u32, String)> = lessons.iter().map(|l| (l.number, l.slug.clone())).collect();
    let course_map = match std::fs::read_to_string(&map_path) {
        Ok(text) => match parse::parse_course_map(&text, &numbered) {
            Ok(m) => Some(m),
            Err(errs) => {
                errors.extend(errs.iter().map(|e| e.to_string()));
                None
            }
        },
        Err(_) => None,
    };
    // Each self-assessment topic's lesson is on the map, and its section is a heading there.
    if let (Some(a), Some(map)) = (&assessment, &course_map) {
        let text = std::fs::read_to_string(&assessment_path).unwrap_or_default();
        for t in &a.topics {
            let line = text
                .lines()
                .position(|l| l.contains(&format!("id = \"{}\"", t.id)))
                .map_or(0, |i| i + 1);
            let Some(slug) = &t.lesson else {
                if t.section.is_some() {
                    errors.push(format!("lessons/assessment.toml:{line}:1: topic `{}` names a section but no lesson", t.id));
                }
                continue;
            };
            match (map.find(slug), lessons.iter().find(|l| &l.slug == slug)) {
                (None, _) => errors.push(format!("lessons/assessment.toml:{line}:1: topic `{}` names lesson `{slug}`, which course.toml does not list", t.id)),
                (Some(_), Some(l)) => {
                    if let Some(section) = &t.section {
                        let anchor = format!(" id=\"{section}\"");
                        if !l.body.iter().any(|s| matches!(s, model::Segment::Html(h) if h.contains(&anchor))) {
                            errors.push(format!("lessons/assessment.toml:{line}:1: topic `{}` names section `{section}`, which is not a heading of lessons/{}/lesson.md", t.id, l.dir));
                        }
                    }
                }
                (Some(_), None) => {
                    if t.section.is_some() {
                        errors.push(format!("lessons/assessment.toml:{line}:1: topic `{}` names a section of `{slug}`, which is not written yet", t.id));
                    }
                }
            }
        }
    }
    for pair in lessons.windows(2) {
        if pair[0].number == pair[1].number {
            errors.push(format!(
                "lessons/{}/lesson.toml:0:0: lesson number {:02} is also used by {}",
                pair[1].dir, pair[1].number, pair[0].dir
            ));
        }
    }

    if !errors.is_empty() {
        for e in errors {
            println!("cargo::error={e}");
        }
        return;
    }
    // Authoring builds (tests, the command line) embed everything. The app's build embeds each
    // lesson without its body, objectives, scenarios or exercises: the page fetches the body,
    // with the objectives, scenarios and exercises it shows (minus the known-wrong solutions, which only tests use), from `course/<slug>.bin`
    // when the lesson opens, so the first load stays small however big the course grows.
    let authoring = std::env::var_os("CARGO_FEATURE_AUTHORING").is_some();
    let bodies_dir = root.join(BODIES_DIR);
    let _ = std::fs::create_dir_all(&bodies_dir);
    let mut written = Vec::new();
    // Writes a fetched file (only if its bytes changed) and returns its name; the content hash in
    // the name lets a host cache it forever.
    let mut write_body = |stem: &str, bytes: Vec<u8>| {
        let name = format!(
            "{stem}-{:016x}.bin",
            netsplit_core::trace::stable_hash(&bytes[..])
        );
        let path = bodies_dir.join(&name);
        println!("cargo::rerun-if-changed={}", path.display());
        if std::fs::read(&path).ok().as_deref() != Some(&bytes[..]) {
            std::fs::write(&path, bytes).expect("write a fetched course file");
        }
        written.push(name.clone());
        name
    };
    for l in &mut lessons {
        let body = model::LessonBody {
            objectives: l.objectives.clone(),
            segments: l.body.clone(),
            scenarios: l
                .scenarios
                .iter()
                .map(|s| model::ScenarioCard::of(s).expect("a scenario encodes"))
                .collect(),
            quiz: l.quiz.clone(),
            exercises: exercises
                .iter()
                .filter(|e| {
                    l.body.iter().any(|s| {
                        matches!(s, model::Segment::Widget { kind, id, .. } if kind == "exercise" && *id == e.id)
                    })
                })
                .map(|e| model::ExerciseCard {
                    id: e.id.clone(),
                    exercise: model::Sealed::seal(&model::Exercise {
                        wrong: Vec::new(),
                        ..e.clone()
                    })
                    .expect("an exercise encodes"),
                })
                .collect(),
        };
        l.body_file = write_body(
            &l.slug,
            postcard::to_allocvec(&body).expect("a body encodes"),
        );
    }
    if let Some(a) = &mut assessment {
        a.body_file = write_body(
            "assessment",
            postcard::to_allocvec(&*a).expect("the assessment encodes"),
        );
    }
    for stale in std::fs::read_dir(&bodies_dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
    {
        if !written
            .iter()
            .any(|w| stale.file_name().to_str() == Some(w.as_str()))
        {
            let _ = std::fs::remove_file(stale.path());
        }
    }
    if !authoring {
        for l in &mut lessons {
            l.body.clear();
            l.scenarios.clear();
            l.objectives.clear();
            l.quiz.clear();
        }
        // The page finds each exercise in the fetched body of its lesson, and sends it to the
        // grading worker with the code.
        exercises.clear();
        if let Some(a) = &mut assessment {
            a.topics.clear();
            a.quiz.clear();
        }
    }
    // Each lesson and exercise is written as postcard bytes and embedded with include_bytes!.
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    // Writes `bytes` beside the generated code and returns the expression that embeds them.
    let embed = |name: &str, bytes: Vec<u8>| {
        let path = out_dir.join(name);
        std::fs::write(&path, bytes).expect("write embedded course data");
        format!("include_bytes!({:?})", path.display().to_string())
    };
    let mut code = String::from("/// Every lesson, validated and encoded at build time.\npub(crate) static LESSON_BYTES: &[&[u8]] = &[\n");
    for (i, l) in lessons.iter().enumerate() {
        let bytes = postcard::to_allocvec(l).expect("a lesson encodes");
        code.push_str(&format!(
            "    {},\n",
            embed(&format!("lesson-{i}.bin"), bytes)
        ));
    }
    code.push_str("];\n/// Every lesson's card (what the page knows before a body is fetched), encoded at build time.\npub(crate) static CARD_BYTES: &[&[u8]] = &[\n");
    for (i, l) in lessons.iter().enumerate() {
        let bytes = postcard::to_allocvec(&model::LessonCard::of(l)).expect("a card encodes");
        code.push_str(&format!(
            "    {},\n",
            embed(&format!("card-{i}.bin"), bytes)
        ));
    }
    code.push_str("];\n/// Every exercise, validated and encoded at build time.\npub(crate) static EXERCISE_BYTES: &[&[u8]] = &[\n");
    for (i, e) in exercises.iter().enumerate() {
        let bytes = postcard::to_allocvec(e).expect("an exercise encodes");
        code.push_str(&format!(
            "    {},\n",
            embed(&format!("exercise-{i}.bin"), bytes)
        ));
    }
    // A file the course may lack: `Some(bytes)` if it has it, else `None`.
    let optional = |bytes: Option<Vec<u8>>, name: &str| match bytes {
        Some(b) => format!("Some({});\n", embed(name, b)),
        None => "None;\n".to_string(),
    };
    code.push_str("];\n/// The final self-assessment, validated and encoded at build time, if there is one.\npub(crate) static ASSESSMENT_BYTES: Option<&[u8]> = ");
    code.push_str(&optional(
        assessment
            .as_ref()
            .map(|a| postcard::to_allocvec(a).expect("the assessment encodes")),
        "assessment.bin",
    ));
    code.push_str("/// The course in parts, validated and encoded at build time, if there is a map.\npub(crate) static COURSE_MAP_BYTES: Option<&[u8]> = ");
    code.push_str(&optional(
        course_map
            .as_ref()
            .map(|m| postcard::to_allocvec(m).expect("the course map encodes")),
        "course-map.bin",
    ));
    std::fs::write(out_dir.join("course.rs"), code).expect("write generated course.rs");
}

/// Every file under `dir`, for rerun-if-changed.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.filter_map(|e| e.ok()) {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}
