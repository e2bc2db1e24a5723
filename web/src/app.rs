//! The app shell: header, navigation and the page the location hash names.

use crate::pages::bench_page::BenchPage;
use crate::pages::home::Home;
use crate::pages::lesson_page::LessonPage;
use crate::pages::playground::Playground;
use crate::route::Route;
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
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn()>::new(move || {
                route.set(current_route());
                if let Some(w) = web_sys::window() {
                    w.scroll_to_with_x_and_y(0.0, 0.0);
                }
            });
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
        // Keyed by slug: each lesson gets a fresh page (its own body, its own widgets).
        Route::Lesson(slug) => html! { <LessonPage key={slug.clone()} slug={slug.clone()} /> },
        Route::Playground => html! { <Playground /> },
        Route::Bench => html! { <BenchPage /> },
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
                if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("main")) {
                    el.scroll_into_view();
                }
            })}>{"Skip to content"}</a>
            <header class="site-header">
                <a class="brand" href="#/">{"Netsplit"}</a>
                <nav aria-label="Main">
                    <a href="#/" class={nav_class(Route::Home)}>{"Course"}</a>
                    <a href="#/playground" class={nav_class(Route::Playground)}>{"Playground"}</a>
                </nav>
            </header>
            {page}
            <footer class="site-footer">
                <p>{"Netsplit runs entirely in your browser: a deterministic simulator compiled to WebAssembly. Same seed, same run."}</p>
            </footer>
        </>
    }
}
