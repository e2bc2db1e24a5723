//! A lesson: its prose (rendered at build time) with live widgets in place.

use crate::cluster::ClusterWidget;
use crate::exercise::ExerciseWidget;
use crate::route::Route;
use netsplit_lessons::Segment;
use yew::prelude::*;

/// Which lesson.
#[derive(Properties, PartialEq, Clone)]
pub struct LessonPageProps {
    /// Its slug, from the URL.
    pub slug: AttrValue,
}

/// The lesson page.
#[function_component(LessonPage)]
pub fn lesson_page(props: &LessonPageProps) -> Html {
    let lessons = netsplit_lessons::course().unwrap_or(&[]);
    let Some(pos) = lessons.iter().position(|l| l.slug == props.slug.as_str()) else {
        return html! {
            <main id="main" class="page"><h1>{"No such lesson"}</h1>
            <p>{format!("There is no lesson called “{}”. ", props.slug)}<a href="#/">{"See the course map"}</a></p></main>
        };
    };
    let lesson = &lessons[pos];
    let body = lesson.body.iter().map(|seg| match seg {
        Segment::Html(h) => Html::from_html_unchecked(AttrValue::from(h.clone())),
        Segment::Widget { kind, id, .. } if kind == "exercise" => html! { <ExerciseWidget id={id.clone()} /> },
        Segment::Widget { id, .. } => match lesson.scenario(id) {
            Some(s) => html! {
                <ClusterWidget scenario={s.scenario.clone()} id={s.id.clone()} title={s.title.clone()} description={s.description.clone()} />
            },
            None => html! { <p class="error">{format!("Missing scenario {id}")}</p> },
        },
    });
    let prev = pos.checked_sub(1).and_then(|i| lessons.get(i));
    let next = lessons.get(pos + 1);
    html! {
        <main id="main" class="page lesson" data-testid="lesson">
            <p class="crumbs"><a href="#/">{"Course"}</a>{format!(" › Lesson {:02}", lesson.number)}</p>
            <aside class="objectives" aria-label="Objectives">
                <h2>{"In this lesson you will"}</h2>
                <ul>{ for lesson.objectives.iter().map(|o| html! { <li>{o.clone()}</li> }) }</ul>
            </aside>
            <article class="prose">{ for body }</article>
            <nav class="lesson-nav" aria-label="Lessons">
                if let Some(p) = prev { <a href={Route::Lesson(p.slug.clone()).href()}>{format!("← {}", p.title)}</a> }
                if let Some(n) = next { <a href={Route::Lesson(n.slug.clone()).href()}>{format!("{} →", n.title)}</a> }
                else { <a href="#/">{"Back to the course map"}</a> }
            </nav>
        </main>
    }
}
