//! Validates every lesson and exercise at build time and embeds them as JSON.
//!
//! Each folder `NN-slug/` beside this file with a `lesson.toml` is a lesson; each
//! folder `exercises/<id>/` with an `exercise.toml` is an exercise. A malformed or
//! missing file fails the build with `file:line:col: what is wrong`. Markdown is
//! rendered to HTML here, and fenced blocks whose language is a widget kind
//! (```cluster, ```exercise) become widget segments, so the app ships neither a
//! Markdown nor a TOML parser: only the validated model, as JSON.

#[path = "src/model.rs"]
#[allow(dead_code)]
mod model;
#[path = "src/parse.rs"]
#[allow(dead_code)]
mod parse;

use model::Segment;
use pulldown_cmark::{html, CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Fence languages that denote a widget (validation then checks the kind is supported).
const WIDGET_FENCES: &[&str] = &["cluster", "spacetime", "quiz", "exercise"];

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
                if WIDGET_FENCES.contains(&info.trim()) =>
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
    segments.push(Segment::Html(out));
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
    let mut code = String::from("/// Every lesson, validated and serialized at build time.\npub(crate) static LESSONS_JSON: &[&str] = &[\n");
    for l in &lessons {
        let json = serde_json::to_string(l).expect("a lesson serializes");
        let _ = writeln!(code, "    {json:?},");
    }
    code.push_str("];\n/// Every exercise, validated and serialized at build time.\npub(crate) static EXERCISES_JSON: &[&str] = &[\n");
    for e in &exercises {
        let json = serde_json::to_string(e).expect("an exercise serializes");
        let _ = writeln!(code, "    {json:?},");
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("course.rs");
    std::fs::write(out, code).expect("write generated course.rs");
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
