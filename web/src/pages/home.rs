//! The course map: every lesson in order, what it teaches, and what is coming.

use crate::route::Route;
use yew::prelude::*;

/// Topics planned after the lessons that exist, shown honestly as "coming".
const PLANNED: &[(&str, &str)] = &[
    (
        "FLP and failure detectors",
        "Why consensus cannot be guaranteed to terminate in an asynchronous system.",
    ),
    (
        "CAP and PACELC",
        "What a partition forces you to give up, and the latency trade-off when there is none.",
    ),
    (
        "Sagas and transactions",
        "Two-phase commit, where it blocks, and sagas with compensation.",
    ),
];

/// The course map.
#[function_component(Home)]
pub fn home() -> Html {
    let lessons = match netsplit_lessons::course() {
        Ok(l) => l,
        Err(errors) => {
            return html! {
                <main id="main" class="page"><h1>{"The course could not be loaded"}</h1>
                <ul>{ for errors.iter().map(|e| html! { <li>{e.to_string()}</li> }) }</ul></main>
            }
        }
    };
    html! {
        <main id="main" class="page home">
            <section class="hero">
                <h1>{"Netsplit"}</h1>
                <p class="lede">{"A distributed-systems lab in your browser. Crash nodes, cut links, skew clocks and watch messages fly, in a simulated cluster that replays exactly from its seed."}</p>
                <p><a class="button" href={Route::Lesson(lessons.first().map(|l| l.slug.clone()).unwrap_or_default()).href()}>{"Start the course"}</a>
                   {" "}<a class="button secondary" href={Route::Playground.href()}>{"Open the playground"}</a></p>
            </section>
            <h2>{"Course map"}</h2>
            <ol class="course-map" data-testid="course-map">
                { for lessons.iter().map(|l| html! {
                    <li class="lesson-card">
                        <a href={Route::Lesson(l.slug.clone()).href()}><span class="num">{format!("{:02}", l.number)}</span>{l.title.clone()}</a>
                        <p>{l.summary.clone()}</p>
                        // Objectives come with the lesson itself (the first load carries only
                        // titles, summaries and concepts); authoring builds have them here too.
                        if !l.objectives.is_empty() {
                            <details>
                                <summary>{"You will be able to"}</summary>
                                <ul>{ for l.objectives.iter().map(|o| html! { <li>{o.clone()}</li> }) }</ul>
                            </details>
                        }
                        <ul class="tags" aria-label="Concepts">{ for l.concepts.iter().map(|c| html! { <li>{c.clone()}</li> }) }</ul>
                    </li>
                }) }
                { for PLANNED.iter().map(|(t, s)| html! {
                    <li class="lesson-card planned" aria-disabled="true">
                        <span class="title">{*t}</span> <span class="pill">{"coming"}</span>
                        <p>{*s}</p>
                    </li>
                }) }
            </ol>
        </main>
    }
}
