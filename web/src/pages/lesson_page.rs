//! A lesson: its prose (rendered at build time) with live widgets in place.

use crate::live_slot::LiveSlot;
use crate::live_view::LiveView;
use crate::quiz::QuizPanel;
use crate::route::Route;
use netsplit_lessons::quiz::QuizKind;
use netsplit_lessons::{LessonBody, Segment};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// A lesson body: still loading, loaded, or failed with a reason.
#[derive(Clone, PartialEq)]
enum Body {
    Loading,
    Ready(Rc<LessonBody>),
    Failed(String),
}

/// Fetches and decodes `course/<file>`.
async fn fetch_body(file: String) -> Result<LessonBody, String> {
    netsplit_lessons::decode_body(&crate::fetch::course_file(&file).await?)
}

/// Renders a body's segments: prose as HTML, widgets as components. `scope` is where quiz
/// answers are saved (the lesson's slug).
fn render_body(body: &LessonBody, scope: &AttrValue) -> Html {
    // A lesson may ask several questions in place; each is a landmark, and landmarks need
    // distinct names (axe-core's landmark-unique), so the second and later are numbered.
    let mut asked = 0u32;
    body.segments.iter().map(|seg| match seg {
        Segment::Html(h) => Html::from_html_unchecked(AttrValue::from(h.clone())),
        Segment::Widget { kind, id, .. } if kind == "exercise" => match body.exercise(id) {
            Some(e) => {
                let view = LiveView::Exercise { id: e.id.clone(), exercise: e.exercise.clone(), saved_code: None };
                html! { <LiveSlot key={format!("exercise-{id}")} view={Rc::new(view)} /> }
            }
            None => html! { <p class="error">{format!("Missing exercise {id}")}</p> },
        },
        // A quiz item asked in place: a prediction before the prose that narrates its outcome.
        Segment::Widget { kind, id, .. } if kind == "quiz" => match body.quiz_item(id) {
            Some(q) => {
                asked += 1;
                let title = if matches!(q.kind, QuizKind::Predict { .. }) { "Predict before you read on" } else { "Check before you read on" };
                let title = if asked == 1 { title.to_string() } else { format!("{title} ({asked})") };
                html! {
                    <QuizPanel scope={scope.clone()} {title} inline=true items={Rc::new(vec![q.clone()])}
                        scenarios={Rc::new(body.scenarios.clone())} />
                }
            }
            None => html! { <p class="error">{format!("Missing quiz item {id}")}</p> },
        },
        Segment::Widget { kind, id, .. } if kind == "measure" => {
            html! { <LiveSlot key={format!("measure-{id}")} view={Rc::new(LiveView::Measure { id: id.clone() })} /> }
        }
        Segment::Widget { id, .. } => match body.scenario(id) {
            Some(s) => {
                let view = LiveView::Cluster {
                    scenario: s.run.clone(),
                    id: s.id.clone(),
                    title: s.title.clone(),
                    description: s.description.clone(),
                    region: None,
                };
                html! { <LiveSlot key={format!("cluster-{id}")} view={Rc::new(view)} /> }
            }
            None => html! { <p class="error">{format!("Missing scenario {id}")}</p> },
        },
    })
    .collect()
}

/// Which lesson.
#[derive(Properties, PartialEq, Clone)]
pub struct LessonPageProps {
    /// Its slug, from the URL.
    pub slug: AttrValue,
    /// The id of a heading to open it at, from the URL.
    #[prop_or_default]
    pub section: Option<AttrValue>,
}

/// The lesson page.
#[function_component(LessonPage)]
pub fn lesson_page(props: &LessonPageProps) -> Html {
    let lessons = netsplit_lessons::cards().unwrap_or(&[]);
    let Some(pos) = lessons.iter().position(|l| l.slug == props.slug.as_str()) else {
        return html! {
            <main id="main" class="page"><h1>{"No such lesson"}</h1>
            <p>{format!("There is no lesson called “{}”. ", props.slug)}<a href="#/">{"See the course map"}</a></p></main>
        };
    };
    let lesson = &lessons[pos];
    let body = use_state(|| Body::Loading);
    let attempt = use_state(|| 0u32);
    {
        let (body, file) = (body.clone(), lesson.body_file.clone());
        use_effect_with((props.slug.clone(), *attempt), move |_| {
            // Every lesson shows a live cluster: its views (and, once they start, the lab worker)
            // load while the body does.
            crate::live_slot::preload();
            // Runs when the lesson opens and on "Try again" after a failure: never with a body.
            body.set(Body::Loading);
            wasm_bindgen_futures::spawn_local(async move {
                body.set(match fetch_body(file).await {
                    Ok(segments) => Body::Ready(Rc::new(segments)),
                    Err(e) => Body::Failed(e),
                });
            });
        });
    }
    {
        // Opened at a section: scroll its heading into view once the body is there.
        let ready = matches!(*body, Body::Ready(_));
        use_effect_with((props.section.clone(), ready), move |(section, ready)| {
            if let (Some(id), true) = (section.clone(), *ready) {
                // After the router has focused the page's h1 (it looks every 50 ms), so that the
                // section's heading keeps the focus and the view.
                gloo_timers::callback::Timeout::new(120, move || {
                    let heading = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.get_element_by_id(&id))
                        .and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok());
                    if let Some(h) = heading {
                        let _ = h.set_attribute("tabindex", "-1");
                        let _ = h.focus();
                        h.scroll_into_view();
                    }
                })
                .forget();
            }
        });
    }
    let retry = {
        let attempt = attempt.clone();
        Callback::from(move |_: MouseEvent| attempt.set(*attempt + 1))
    };
    let content = match &*body {
        Body::Ready(segments) => render_body(segments, &props.slug),
        Body::Loading => html! { <p class="loading" role="status">{"Loading the lesson…"}</p> },
        Body::Failed(why) => html! {
            <div class="error" role="alert" data-testid="lesson-error">
                <p>{format!("This lesson could not be loaded: {why}.")}</p>
                <button onclick={retry}>{"Try again"}</button>
            </div>
        },
    };
    let prev = pos.checked_sub(1).and_then(|i| lessons.get(i));
    let next = lessons.get(pos + 1);
    html! {
        <main id="main" class="page lesson" data-testid="lesson">
            <p class="crumbs"><a href="#/">{"Course"}</a>{format!(" › Lesson {:02}", lesson.number)}</p>
            if let Body::Ready(b) = &*body {
                <aside class="objectives" aria-label="Objectives">
                    <h2>{"In this lesson you will"}</h2>
                    <ul>{ for b.objectives.iter().map(|o| html! { <li>{o.text.clone()}</li> }) }</ul>
                </aside>
            }
            <article class="prose">{content}</article>
            if let Body::Ready(b) = &*body {
                if !b.quiz.is_empty() {
                    <QuizPanel scope={props.slug.clone()} title="Check yourself"
                        items={Rc::new(b.quiz.iter().filter(|q| !b.asks_inline(&q.id)).cloned().collect::<Vec<_>>())}
                        asked_above={Rc::new(b.quiz.iter().filter(|q| b.asks_inline(&q.id)).cloned().collect::<Vec<_>>())}
                        scenarios={Rc::new(b.scenarios.clone())} />
                }
            }
            <nav class="lesson-nav" aria-label="Lessons">
                if let Some(p) = prev { <a href={Route::Lesson(p.slug.clone()).href()}>{format!("← {}", p.title)}</a> }
                if let Some(n) = next { <a href={Route::Lesson(n.slug.clone()).href()}>{format!("{} →", n.title)}</a> }
                else { <a href="#/">{"Back to the course map"}</a> }
            </nav>
        </main>
    }
}
