//! Embeds every lesson at build time and fails the build, naming file and line, if one is malformed.
//!
//! Each folder `NN-slug/` beside this file with a `lesson.toml` is a lesson.
//! Its `lesson.md` is rendered from Markdown to HTML here, so the app ships
//! HTML and no Markdown parser; fenced blocks whose language is a widget kind
//! (```cluster) become live-widget segments.

#[path = "src/load.rs"]
#[allow(dead_code)]
mod load;

use load::{parse_lesson, Segment};
use pulldown_cmark::{html, CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use std::fmt::Write as _;
use std::path::Path;

/// Fence languages that denote a widget (validation then checks the kind is supported).
const WIDGET_FENCES: &[&str] = &["cluster", "spacetime", "quiz", "exercise"];

fn line_of(text: &str, offset: usize) -> u32 {
    load::line_col(text, offset).0
}

/// Splits Markdown into HTML segments and widget segments.
fn render(md: &str, file: &str) -> Vec<Segment> {
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
            (None, Event::Start(Tag::Link { dest_url, .. }))
                if dest_url.starts_with('#') && !dest_url.starts_with("#/") =>
            {
                // In-page anchors would be read as routes by the app's hash router.
                println!(
                    "cargo::error={file}:{}:1: link `{dest_url}` is an in-page anchor; link to a route such as #/lesson/slug instead",
                    line_of(md, range.start)
                );
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

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    println!("cargo::rerun-if-changed={}", root.display());
    let mut dirs: Vec<_> = std::fs::read_dir(root)
        .expect("read lessons/")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.join("lesson.toml").exists())
        .collect();
    dirs.sort();

    let mut code = String::from("/// Every lesson's files, embedded at build time.\npub(crate) static SOURCES: &[Source] = &[\n");
    let mut failed = false;
    for dir in &dirs {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let toml_path = dir.join("lesson.toml");
        let md_path = dir.join("lesson.md");
        println!("cargo::rerun-if-changed={}", toml_path.display());
        println!("cargo::rerun-if-changed={}", md_path.display());
        let toml_text = std::fs::read_to_string(&toml_path).unwrap_or_default();
        let Ok(md) = std::fs::read_to_string(&md_path) else {
            println!("cargo::error=lessons/{name}/lesson.md:0:0: missing (every lesson needs lesson.toml and lesson.md)");
            failed = true;
            continue;
        };
        let body = render(&md, &format!("lessons/{name}/lesson.md"));
        if let Err(errors) = parse_lesson(&name, &toml_text, body.clone()) {
            for e in errors {
                println!("cargo::error={e}");
            }
            failed = true;
        }
        let _ = write!(
            code,
            "    Source {{ dir: {name:?}, toml: include_str!({:?}), body: &[",
            toml_path.display().to_string()
        );
        for seg in body {
            match seg {
                Segment::Html(h) => {
                    let _ = write!(code, "StaticSegment::Html({h:?}), ");
                }
                Segment::Widget { kind, id, line } => {
                    let _ = write!(code, "StaticSegment::Widget({kind:?}, {id:?}, {line}), ");
                }
            }
        }
        code.push_str("] },\n");
    }
    code.push_str("];\n");

    // Exercises: lessons/exercises/<id>/exercise.toml with its .rhai files.
    let ex_root = root.join("exercises");
    println!("cargo::rerun-if-changed={}", ex_root.display());
    let mut ex_dirs: Vec<_> = std::fs::read_dir(&ex_root)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.join("exercise.toml").exists())
                .collect()
        })
        .unwrap_or_default();
    ex_dirs.sort();
    code.push_str("/// Every exercise's files, embedded at build time.\npub(crate) static EXERCISE_SOURCES: &[ExerciseSource] = &[\n");
    for dir in &ex_dirs {
        let id = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let toml_path = dir.join("exercise.toml");
        let toml_text = std::fs::read_to_string(&toml_path).unwrap_or_default();
        let mut files: Vec<(String, std::path::PathBuf)> = Vec::new();
        let reader = |name: &str| {
            let p = dir.join(name);
            std::fs::read_to_string(&p).ok()
        };
        match load::parse_exercise(&id, &toml_text, &reader) {
            Err(errors) => {
                for e in errors {
                    println!("cargo::error={e}");
                }
                failed = true;
                continue;
            }
            Ok(ex) => {
                files.push(("starter.rhai".into(), dir.join("starter.rhai")));
                files.push(("reference.rhai".into(), dir.join("reference.rhai")));
                for (w, _) in &ex.wrong {
                    files.push((w.file.clone(), dir.join(&w.file)));
                }
            }
        }
        println!("cargo::rerun-if-changed={}", toml_path.display());
        let _ = write!(
            code,
            "    ExerciseSource {{ id: {id:?}, toml: include_str!({:?}), files: &[",
            toml_path.display().to_string()
        );
        for (name, path) in files {
            println!("cargo::rerun-if-changed={}", path.display());
            let _ = write!(
                code,
                "({name:?}, include_str!({:?})), ",
                path.display().to_string()
            );
        }
        code.push_str("] },\n");
    }
    code.push_str("];\n");
    if failed {
        return;
    }
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("lessons.rs");
    std::fs::write(out, code).expect("write generated lessons.rs");
}
