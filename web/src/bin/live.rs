//! The live module: every view that shows a live run (clusters, exercises, measured tables, the
//! playground and the benchmark), in a wasm module of its own that the page imports when its
//! first live view opens. The page's own wasm (the course map, lesson prose, quizzes and
//! progress) stays small and does not grow with the views or the protocols; see
//! `web/src/live_slot.rs` for the page's side.

use netsplit_web::live_root::{LiveRoot, LiveRootProps};
use netsplit_web::live_view::LiveView;
use netsplit_web::page_link::{PageLink, PageMessage};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use yew::{AppHandle, Callback};

/// Subtrees (Yew app roots and portals) the page's own Yew makes: its one app. Each Yew numbers
/// its subtrees from 1 and marks DOM elements and events with the number, so two Yews on one
/// page must not use the same numbers, or the page's Yew would take a live view's clicks for
/// its own. This module skips the page's numbers before mounting anything.
const PAGE_SUBTREES: u32 = 1;

thread_local! {
    static SKIPPED: Cell<bool> = const { Cell::new(false) };
}

/// A component that draws nothing, mounted and destroyed to use up a subtree number.
#[yew::function_component(Nothing)]
fn nothing() -> yew::Html {
    yew::Html::default()
}

fn skip_page_subtrees() {
    if SKIPPED.with(|s| s.replace(true)) {
        return;
    }
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    for _ in 0..PAGE_SUBTREES {
        if let Ok(spare) = document.create_element("div") {
            yew::Renderer::<Nothing>::with_root(spare)
                .render()
                .destroy();
        }
    }
}

/// A view mounted in a slot of the page; freeing it (`free()` from the page) unmounts it.
#[wasm_bindgen]
pub struct Mounted {
    app: Option<AppHandle<LiveRoot>>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}

/// Mounts the view encoded in `view` (postcard bytes of a [`LiveView`]) into `host`; what it
/// tells the page goes to `to_page` as postcard bytes of a [`PageMessage`].
#[wasm_bindgen]
pub fn mount(
    host: web_sys::Element,
    view: &[u8],
    to_page: js_sys::Function,
) -> Result<Mounted, JsValue> {
    let view: LiveView = postcard::from_bytes(view).map_err(|e| {
        JsValue::from_str(&format!(
            "the page asked for a view this module cannot read ({e}): reload the page"
        ))
    })?;
    skip_page_subtrees();
    if view.needs_lab() {
        netsplit_web::lab::start();
    }
    let page = PageLink(Callback::from(move |m: PageMessage| {
        if let Ok(bytes) = postcard::to_allocvec(&m) {
            let _ = to_page.call1(&JsValue::NULL, &js_sys::Uint8Array::from(&bytes[..]));
        }
    }));
    let props = LiveRootProps {
        view: Rc::new(view),
        page,
    };
    let app = yew::Renderer::<LiveRoot>::with_root_and_props(host, props).render();
    Ok(Mounted { app: Some(app) })
}

fn main() {}
