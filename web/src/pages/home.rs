//! The course map: every lesson in order, what it teaches, and what is coming.

use crate::pages::progress_panel::ProgressPanel;
use crate::route::Route;
use crate::saved::use_progress;
use netsplit_lessons::{MapEntry, Part};
use yew::prelude::*;

/// The course map.
#[function_component(Home)]
pub fn home() -> Html {
    let lessons = match netsplit_lessons::cards() {
        Ok(l) => l,
        Err(errors) => {
            return html! {
                <main id="main" class="page"><h1>{"The course could not be loaded"}</h1>
                <ul>{ for errors.iter().map(|e| html! { <li>{e.to_string()}</li> }) }</ul></main>
            }
        }
    };
    let saved = use_progress()
        .map(|p| p.progress.clone())
        .unwrap_or_default();
    let continue_at = saved
        .last_lesson
        .as_ref()
        .and_then(|slug| lessons.iter().find(|l| &l.slug == slug));
    let visited = |slug: &str| saved.visited.iter().any(|v| v == slug);
    // A lesson's quiz score from the saved answers: the map has no items (they come with the
    // lesson), so it counts answers under the lesson's scope.
    let answered = |slug: &str| {
        let prefix = format!("{slug}/");
        saved
            .answers
            .keys()
            .filter(|k| k.starts_with(&prefix))
            .count()
    };
    // The map in parts; without one (a build that lacks course.toml) every lesson in one part.
    let fallback;
    let parts: &[Part] = match netsplit_lessons::course_map() {
        Some(m) => &m.parts,
        None => {
            fallback = [Part {
                title: "Lessons".into(),
                summary: String::new(),
                entries: lessons
                    .iter()
                    .map(|l| MapEntry::Lesson(l.slug.clone()))
                    .collect(),
            }];
            &fallback
        }
    };
    let card = |l: &netsplit_lessons::LessonCard| {
        let answered = answered(&l.slug);
        let completed = l.quiz_count > 0 && answered >= l.quiz_count as usize;
        html! {
        <li class={classes!("lesson-card", visited(&l.slug).then_some("visited"))} data-testid="lesson-card" data-lesson={l.slug.clone()}>
            <a href={Route::Lesson(l.slug.clone()).href()}><span class="num">{format!("{:02}", l.number)}</span>{l.title.clone()}</a>
            if visited(&l.slug) {
                <span class={classes!("pill", completed.then_some("done"))} data-testid="lesson-progress">
                    { match answered {
                        0 => "visited".to_string(),
                        _ if completed => "✓ completed: quiz answered".to_string(),
                        n => format!("visited · quiz {n} of {} answered", l.quiz_count),
                    } }
                </span>
            }
            <p>{l.summary.clone()}</p>
            // Objectives come with the lesson itself: the first load carries only titles,
            // summaries and concepts.
            <ul class="tags" aria-label="Concepts">{ for l.concepts.iter().map(|c| html! { <li>{c.clone()}</li> }) }</ul>
        </li>
        }
    };
    html! {
        <main id="main" class="page home">
            <section class="hero">
                <h1>{"Netsplit"}</h1>
                <p class="lede">{"A distributed-systems lab in your browser. Crash nodes, cut links, skew clocks and watch messages fly, in a simulated cluster that replays exactly from its seed."}</p>
                <p><a class="button" href={Route::Lesson(lessons.first().map(|l| l.slug.clone()).unwrap_or_default()).href()}>{"Start the course"}</a>
                   {" "}<a class="button secondary" href={Route::Playground.href()}>{"Open the playground"}</a></p>
                if let Some(l) = continue_at {
                    <p><a class="button" href={Route::Lesson(l.slug.clone()).href()} data-testid="continue">
                        {format!("Continue where you left off: {:02} {}", l.number, l.title)}</a></p>
                }
            </section>
            <h2>{"Course map"}</h2>
            <div class="course-map" data-testid="course-map">
            { for parts.iter().map(|part| html! {
                <section class="part" aria-label={part.title.clone()}>
                    <h3>{part.title.clone()}</h3>
                    <p class="muted">{part.summary.clone()}</p>
                    <ol class="lessons">
                    { for part.entries.iter().map(|e| match e {
                        MapEntry::Lesson(slug) => match lessons.iter().find(|l| &l.slug == slug) {
                            Some(l) => card(l),
                            None => html! {},
                        },
                        MapEntry::Coming { slug, title, summary } => html! {
                            <li class="lesson-card planned" data-testid="coming-lesson" data-lesson={slug.clone()}>
                                <span class="title">{title.clone()}</span>{" "}<span class="pill">{"coming"}</span>
                                <p>{summary.clone()}</p>
                            </li>
                        },
                    }) }
                    </ol>
                </section>
            }) }
            </div>
            if let Some(a) = netsplit_lessons::assessment() {
                <section class="lesson-card assessment-card">
                    <a href={Route::Assessment.href()}>{a.title.clone()}</a>
                    <p>{a.summary.clone()}</p>
                </section>
            }
            <ProgressPanel />
        </main>
    }
}
