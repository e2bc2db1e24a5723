//! The final self-assessment: questions across the whole course, grouped by topic, with a
//! checklist of the topics answered right.

use crate::quiz::QuizPanel;
use crate::route::Route;
use netsplit_lessons::quiz::{Assessment, Topic};
use netsplit_lessons::MapEntry;
use std::rc::Rc;
use yew::prelude::*;

/// The assessment's items: loading, ready, or failed with a reason.
#[derive(Clone, PartialEq)]
enum Items {
    Loading,
    Ready(Rc<Assessment>),
    Failed(String),
}

/// The assessment page.
#[function_component(AssessmentPage)]
pub fn assessment_page() -> Html {
    let Some(meta) = netsplit_lessons::assessment() else {
        return html! { <main id="main" class="page"><h1>{"No self-assessment yet"}</h1></main> };
    };
    let items = {
        // Authoring builds embed the items; the app's build fetches them.
        let embedded = (!meta.quiz.is_empty()).then(|| Rc::new(meta.clone()));
        use_state(move || embedded.map_or(Items::Loading, Items::Ready))
    };
    let attempt = use_state(|| 0u32);
    {
        let (items, file) = (items.clone(), meta.body_file.clone());
        use_effect_with(*attempt, move |_| {
            if !matches!(*items, Items::Ready(_)) {
                items.set(Items::Loading);
                wasm_bindgen_futures::spawn_local(async move {
                    let got = crate::fetch::course_file(&file)
                        .await
                        .and_then(|b| netsplit_lessons::decode_assessment(&b));
                    items.set(match got {
                        Ok(a) => Items::Ready(Rc::new(a)),
                        Err(e) => Items::Failed(e),
                    });
                });
            }
        });
    }
    let progress = crate::saved::use_progress();
    let retry = {
        let attempt = attempt.clone();
        Callback::from(move |_: MouseEvent| attempt.set(*attempt + 1))
    };
    let content = match &*items {
        Items::Loading => html! { <p class="loading" role="status">{"Loading the questions…"}</p> },
        Items::Failed(why) => html! {
            <div class="error" role="alert"><p>{format!("The questions could not be loaded: {why}.")}</p>
            <button onclick={retry}>{"Try again"}</button></div>
        },
        Items::Ready(a) => {
            let saved = progress
                .as_ref()
                .map(|p| p.progress.clone())
                .unwrap_or_default();
            let topic_right = |topic: &str| {
                let of_topic: Vec<_> = a
                    .quiz
                    .iter()
                    .filter(|q| q.topic.as_deref() == Some(topic))
                    .collect();
                !of_topic.is_empty()
                    && of_topic.iter().all(|q| {
                        saved
                            .answer("assessment", &q.id)
                            .is_some_and(|ans| q.is_correct(ans))
                    })
            };
            // Where each topic is taught: a link to the lesson (at its section), or the lesson
            // still to come.
            let taught_in = |t: &Topic| -> Html {
                let Some(slug) = &t.lesson else {
                    return html! {};
                };
                if let Some(l) = netsplit_lessons::card(slug) {
                    let route = match &t.section {
                        Some(s) => Route::Section(slug.clone(), s.clone()),
                        None => Route::Lesson(slug.clone()),
                    };
                    html! { <>{" · "}<a href={route.href()} data-testid="topic-lesson">{format!("taught in {}", l.title)}</a></> }
                } else {
                    let title = netsplit_lessons::course_map()
                        .and_then(|m| m.find(slug))
                        .map(|(_, e)| match e {
                            MapEntry::Coming { title, .. } => title.clone(),
                            MapEntry::Lesson(s) => s.clone(),
                        })
                        .unwrap_or_else(|| slug.clone());
                    html! { <span class="muted" data-testid="topic-coming">{format!(" · lesson coming: {title}")}</span> }
                }
            };
            let mastered = a.topics.iter().filter(|t| topic_right(&t.id)).count();
            html! {
                <>
                <details class="topics" data-testid="assessment-topics">
                    <summary>{format!("Topics: {mastered} of {} answered right", a.topics.len())}</summary>
                    <ul>{ for a.topics.iter().map(|t| html! {
                        <li class={classes!(topic_right(&t.id).then_some("right"))} data-testid="assessment-topic" data-topic={t.id.clone()}>
                            { if topic_right(&t.id) { "✓ " } else { "○ " } }{t.title.clone()}{taught_in(t)}
                        </li>
                    }) }</ul>
                </details>
                <QuizPanel scope="assessment" title="Questions" items={Rc::new(a.quiz.clone())} />
                </>
            }
        }
    };
    html! {
        <main id="main" class="page assessment" data-testid="assessment">
            <h1>{meta.title.clone()}</h1>
            <p class="lede">{meta.summary.clone()}</p>
            {content}
        </main>
    }
}
