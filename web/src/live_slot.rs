//! A place in the page for a live view. The views that show live runs (clusters, exercises,
//! measured tables, the playground) live in a wasm module of their own, `live` (see
//! `src/bin/live.rs`), which the page imports when its first slot opens; the slot asks that
//! module to draw its [`LiveView`] inside it, says so while the module loads, and says why if
//! it cannot load (offline before the first visit, say), with a way to try again. What the view
//! tells the page (code edited, an exercise graded) becomes a progress action here.

use crate::live_view::LiveView;
use crate::page_link::PageMessage;
use crate::progress::ExerciseStatus;
use crate::saved::{use_progress, ProgressAction, ProgressHandle};
use gloo_timers::callback::Timeout;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

/// The live module's script (trunk names it after its binary, without a hash), relative to the
/// page, so that the site works from any path.
const LIVE_URL: &str = "./live.js";

#[wasm_bindgen(inline_js = r#"
let live;
// Imports the live module and starts its wasm, once; a failure is forgotten so that the next
// slot (or "Try again") tries again.
export function live_module(url) {
  if (!live) {
    live = import(url)
      .then(async (m) => { await m.default(); return m; })
      .catch((e) => { live = undefined; throw e; });
  }
  return live;
}
"#)]
extern "C" {
    fn live_module(url: &str) -> js_sys::Promise;
}

thread_local! {
    static WARMED: Cell<bool> = const { Cell::new(false) };
}

/// Starts loading the live module, so that it arrives while the page fetches what its views
/// will show (a lesson's body); and, the first time, fetches the lab worker's files too, so that
/// they download beside the live module rather than after it (the live module starts the worker
/// when its first view mounts, and the worker then finds its files in the browser's cache).
pub fn preload() {
    let Some(window) = web_sys::window() else {
        return;
    };
    // Whether they load is heard by whoever uses them: the slots and the lab's link.
    if let Some(url) = live_url() {
        let pending = wasm_bindgen_futures::JsFuture::from(live_module(&url));
        wasm_bindgen_futures::spawn_local(async move {
            let _ = pending.await;
        });
    }
    if WARMED.with(|w| w.replace(true)) {
        return;
    }
    for file in crate::lab_link::WORKER_FILES {
        let pending = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(file));
        wasm_bindgen_futures::spawn_local(async move {
            // Read to the end, so that the whole file is in the cache.
            if let Ok(response) = pending.await {
                if let Ok(body) = response
                    .unchecked_into::<web_sys::Response>()
                    .array_buffer()
                {
                    let _ = wasm_bindgen_futures::JsFuture::from(body).await;
                }
            }
        });
    }
}

fn live_url() -> Option<String> {
    let base = web_sys::window()?.document()?.base_uri().ok()??;
    Some(web_sys::Url::new_with_base(LIVE_URL, &base).ok()?.href())
}

/// A view the live module drew; dropping it unmounts the view.
struct Mounted {
    /// The module's handle (a wasm-bindgen object whose `free` unmounts).
    handle: JsValue,
    /// Where the view's messages arrive; lives as long as the view.
    _to_page: Closure<dyn Fn(js_sys::Uint8Array)>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Ok(free) = js_sys::Reflect::get(&self.handle, &"free".into()) {
            if let Some(free) = free.dyn_ref::<js_sys::Function>() {
                let _ = free.call0(&self.handle);
            }
        }
    }
}

/// Turns a view's message into a progress action.
fn on_message(progress: &Option<ProgressHandle>, bytes: &[u8]) {
    let (Some(p), Ok(message)) = (progress, postcard::from_bytes::<PageMessage>(bytes)) else {
        return;
    };
    p.dispatch(match message {
        PageMessage::Code { exercise, code } => ProgressAction::Code(exercise, code),
        PageMessage::Graded { exercise, passed } => ProgressAction::Graded(
            exercise,
            if passed {
                ExerciseStatus::Passed
            } else {
                ExerciseStatus::Failed
            },
        ),
    });
}

fn js_error(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// Loads the module and mounts `view` into `host`.
async fn mount(
    host: web_sys::Element,
    view: &LiveView,
    progress: Option<ProgressHandle>,
) -> Result<Mounted, String> {
    let url = live_url().ok_or("this page has no address to load the live views from")?;
    let module = wasm_bindgen_futures::JsFuture::from(live_module(&url))
        .await
        .map_err(|e| format!("the live views could not be loaded ({})", js_error(e)))?;
    let mount = js_sys::Reflect::get(&module, &"mount".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or("the live views' module has no mount function: reload the page")?;
    let bytes = postcard::to_allocvec(view).map_err(|e| e.to_string())?;
    let to_page = Closure::<dyn Fn(js_sys::Uint8Array)>::new(move |m: js_sys::Uint8Array| {
        on_message(&progress, &m.to_vec());
    });
    let handle = mount
        .call3(
            &JsValue::NULL,
            &host,
            &js_sys::Uint8Array::from(&bytes[..]),
            to_page.as_ref(),
        )
        .map_err(js_error)?;
    Ok(Mounted {
        handle,
        _to_page: to_page,
    })
}

/// The id of a whole page's heading while its view loads.
const LOADING_HEADING: &str = "live-loading-heading";

/// The heading a whole page shows while its view loads (the same as the view's own, so that the
/// title does not change when it arrives), or `None` for a view inside a page.
fn page_heading(view: &LiveView) -> Option<&'static str> {
    match view {
        LiveView::Playground { link: Some(_) } => Some("A shared run"),
        LiveView::Playground { link: None } => Some("Playground"),
        LiveView::Bench => Some("Benchmark"),
        LiveView::HistoryCheck => Some("Check a history"),
        LiveView::Cluster { .. } | LiveView::Exercise { .. } | LiveView::Measure { .. } => None,
    }
}

/// Whether focus is on a whole page's loading heading.
fn loading_heading_has_focus() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .is_some_and(|e| e.id() == LOADING_HEADING)
}

/// Where the slot is.
#[derive(Clone, PartialEq)]
enum Phase {
    Loading,
    Shown,
    Failed(String),
}

/// Which view. A slot draws the view it was first given: key it by what it shows.
#[derive(Properties, PartialEq, Clone)]
pub struct LiveSlotProps {
    /// What to draw.
    pub view: Rc<LiveView>,
}

/// A slot for a live view.
#[function_component(LiveSlot)]
pub fn live_slot(props: &LiveSlotProps) -> Html {
    let host = use_node_ref();
    let phase = use_state(|| Phase::Loading);
    let attempt = use_state(|| 0u32);
    let progress = use_progress();
    // A whole page (the playground, the benchmark) keeps a main region and its heading while it
    // loads, so that a route to it is named and focused at once, however slow the link.
    let page = page_heading(&props.view).is_some();
    {
        let (host, phase, view) = (host.clone(), phase.clone(), props.view.clone());
        use_effect_with(*attempt, move |_| {
            let mounted: Rc<RefCell<Option<Mounted>>> = Rc::default();
            let alive = Rc::new(Cell::new(true));
            if let Some(host) = host.cast::<web_sys::Element>() {
                // An exercise opens on the learner's code as saved when it mounts.
                let mut view = (*view).clone();
                if let LiveView::Exercise { id, saved_code, .. } = &mut view {
                    *saved_code = progress
                        .as_ref()
                        .and_then(|p| p.progress.code.get(id.as_str()).cloned());
                }
                let (mounted, alive) = (mounted.clone(), alive.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let result = mount(host, &view, progress).await;
                    // A slot gone before its module arrived unmounts what arrived at once.
                    if alive.get() {
                        match result {
                            Ok(m) => {
                                *mounted.borrow_mut() = Some(m);
                                // A whole page's loading heading gives way to the view's own:
                                // the title follows it, and so does focus if the learner left
                                // it on the loading heading (a route change puts it there).
                                let refocus = loading_heading_has_focus();
                                phase.set(Phase::Shown);
                                if page {
                                    Timeout::new(0, move || crate::page_focus::announce(refocus))
                                        .forget();
                                }
                            }
                            Err(e) => phase.set(Phase::Failed(e)),
                        }
                    }
                });
            }
            move || {
                alive.set(false);
                drop(mounted.borrow_mut().take());
            }
        });
    }
    let retry = {
        let (attempt, phase) = (attempt.clone(), phase.clone());
        Callback::from(move |_: MouseEvent| {
            phase.set(Phase::Loading);
            attempt.set(*attempt + 1);
        })
    };
    let what = match &*props.view {
        LiveView::Cluster { .. } => "the live cluster",
        LiveView::Exercise { .. } => "the exercise",
        LiveView::Measure { .. } => "the measured table",
        LiveView::Playground { .. } => "the playground",
        LiveView::Bench => "the benchmark",
        LiveView::HistoryCheck => "the history checker",
    };
    let status = match &*phase {
        Phase::Shown => Html::default(),
        Phase::Loading => {
            html! { <p class="loading" role="status">{format!("Loading {what}…")}</p> }
        }
        Phase::Failed(why) => html! {
            <div class="error" role="alert" data-testid="live-error">
                <p>{format!("Netsplit could not show {what}: {why}.")}</p>
                <button onclick={retry}>{"Try again"}</button>
            </div>
        },
    };
    html! {
        <div class="live-slot">
            if let (Some(heading), false) = (page_heading(&props.view), *phase == Phase::Shown) {
                <main id="main" class="page">
                    <h1 id={LOADING_HEADING}>{heading}</h1>
                    {status}
                </main>
            } else {
                {status}
            }
            <div class="live-host" ref={host}></div>
        </div>
    }
}
