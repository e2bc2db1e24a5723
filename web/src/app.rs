//! The app shell: header, navigation and the page the location hash names.

use crate::live_slot::LiveSlot;
use crate::live_view::LiveView;
use crate::pages::assessment_page::AssessmentPage;
use crate::pages::home::Home;
use crate::pages::lesson_page::LessonPage;
use crate::route::Route;
use crate::saved::{self, ProgressAction, ProgressHandle};
use gloo_timers::callback::Timeout;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

fn current_route() -> Route {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    Route::parse(&hash)
}

/// The whole app.
#[function_component(App)]
pub fn app() -> Html {
    let route = use_state(current_route);
    let progress = use_reducer(saved::load);
    {
        // Every change is written back at once; a refusal (private mode, full storage) is said
        // once, and the page keeps working from memory.
        let handle = progress.clone();
        use_effect_with(progress.progress.clone(), move |p| {
            let notice = match saved::save(p) {
                saved::Saved::Whole => None,
                _ if p.is_empty() => None,
                saved::Saved::WithoutCode(ids) => Some(format!(
                    "This browser's storage is full: your progress is saved, but not your code for {} (it lasts until you close the page). Export your progress to keep it.",
                    ids.join(", ")
                )),
                saved::Saved::Refused => Some(
                    "This browser refused to store your progress (private mode or full storage): it lasts until you close the page. Export it to keep it.".into(),
                ),
            };
            // Said when no other notice is showing, so it never hides one.
            if let Some(n) = notice.filter(|_| handle.notice.is_none()) {
                handle.dispatch(ProgressAction::Notice(n));
            }
        });
    }
    {
        // Opening a lesson is remembered, for the course map and "continue where you left off".
        // The router does it, so the lesson page need not follow every change to the progress.
        let handle = progress.clone();
        use_effect_with((*route).clone(), move |r| {
            if let Route::Lesson(slug) | Route::Section(slug, _) = r {
                if netsplit_lessons::card(slug).is_some() {
                    handle.dispatch(ProgressAction::Visit(slug.clone()));
                }
            }
        });
    }
    {
        // Another tab of the site changed the progress: take its version, so this tab never
        // writes a stale copy over it.
        let handle = progress.clone();
        use_effect_with((), move |_| {
            let listener =
                Closure::<dyn Fn(web_sys::StorageEvent)>::new(move |e: web_sys::StorageEvent| {
                    if e.key().as_deref() == Some(saved::FULL_KEY) {
                        if let Some(text) = e.new_value() {
                            handle.dispatch(ProgressAction::Sync(text));
                        }
                    }
                });
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w
                    .add_event_listener_with_callback("storage", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = window {
                    let _ = w.remove_event_listener_with_callback(
                        "storage",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    let dismiss = {
        let p = progress.clone();
        Callback::from(move |_: MouseEvent| p.dispatch(ProgressAction::Dismiss))
    };
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn()>::new(move || {
                route.set(current_route());
                if let Some(w) = web_sys::window() {
                    w.scroll_to_with_x_and_y(0.0, 0.0);
                }
                // After the new page has rendered: its title, and focus on its heading.
                Timeout::new(0, || crate::page_focus::announce(true)).forget();
            });
            // The first page gets its title too; focus stays where the browser put it.
            crate::page_focus::announce(false);
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback(
                    "hashchange",
                    listener.as_ref().unchecked_ref(),
                );
            }
            move || {
                if let Some(w) = window {
                    let _ = w.remove_event_listener_with_callback(
                        "hashchange",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    let page = match &*route {
        Route::Home => html! { <Home /> },
        Route::Assessment => html! { <AssessmentPage /> },
        // Keyed by link: another link is another run.
        Route::Run(link) => {
            let view = LiveView::Playground {
                link: Some(link.clone()),
            };
            html! { <LiveSlot key={format!("run-{link}")} view={Rc::new(view)} /> }
        }
        // Keyed by slug: each lesson gets a fresh page (its own body, its own widgets).
        Route::Lesson(slug) => html! { <LessonPage key={slug.clone()} slug={slug.clone()} /> },
        Route::Section(slug, section) => html! {
            <LessonPage key={slug.clone()} slug={slug.clone()} section={Some(AttrValue::from(section.clone()))} />
        },
        Route::Playground => html! {
            <LiveSlot key="playground" view={Rc::new(LiveView::Playground { link: None })} />
        },
        Route::Bench => html! { <LiveSlot key="bench" view={Rc::new(LiveView::Bench)} /> },
        Route::Check => html! { <LiveSlot key="check" view={Rc::new(LiveView::HistoryCheck)} /> },
        Route::NotFound(path) => html! {
            <main id="main" class="page"><h1>{"Page not found"}</h1>
            <p>{format!("Nothing lives at #/{path}. ")}<a href="#/">{"Back to the course map"}</a></p></main>
        },
    };
    let nav_class = |r: Route| if *route == r { "active" } else { "" };
    html! {
        <>
            <a class="skip" href="#main" onclick={Callback::from(|e: MouseEvent| {
                e.prevent_default();
                crate::page_focus::skip_to_main();
            })}>{"Skip to content"}</a>
            <header class="site-header">
                <a class="brand" href="#/">{"Netsplit"}</a>
                <nav aria-label="Main">
                    <a href="#/" class={nav_class(Route::Home)}>{"Course"}</a>
                    <a href="#/playground" class={nav_class(Route::Playground)}>{"Playground"}</a>
                    <a href="#/check" class={nav_class(Route::Check)}>{"Histories"}</a>
                    <a href="#/assessment" class={nav_class(Route::Assessment)}>{"Self-assessment"}</a>
                </nav>
            </header>
            if let Some(n) = &progress.notice {
                <div class="notice" role="status" data-testid="progress-notice">
                    <p>{n.clone()}</p>
                    <button onclick={dismiss}>{"OK"}</button>
                </div>
            }
            <ContextProvider<ProgressHandle> context={progress.clone()}>
                {page}
            </ContextProvider<ProgressHandle>>
            <footer class="site-footer">
                <p>{"Netsplit runs entirely in your browser: a deterministic simulator compiled to WebAssembly. Same seed, same run."}</p>
            </footer>
        </>
    }
}
