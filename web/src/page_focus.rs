//! After a route change: the window's title names the page, and focus moves to the page's
//! heading, so a screen reader announces where the learner is and the next Tab starts there
//! (not on the header, and not on a `<body>` that lost its focused element).

use gloo_timers::callback::Timeout;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// The site's name, after the page's in every title.
const SITE: &str = "Netsplit";
/// How often, and how long apart, to look for a heading a page renders after its data arrives
/// (a lesson's body is fetched): 40 tries 50 ms apart, two seconds in all.
const TRIES: u32 = 40;
const TRY_EVERY_MS: u32 = 50;

fn heading() -> Option<HtmlElement> {
    web_sys::window()?
        .document()?
        .query_selector("main h1")
        .ok()
        .flatten()?
        .dyn_into::<HtmlElement>()
        .ok()
}

/// Names the window after the page's heading; with `focus`, also moves focus to that heading.
/// Looks again for a while if the page has not drawn its heading yet.
pub fn announce(focus: bool) {
    announce_within(focus, TRIES);
}

fn announce_within(focus: bool, tries: u32) {
    let Some(h1) = heading() else {
        if tries > 0 {
            Timeout::new(TRY_EVERY_MS, move || announce_within(focus, tries - 1)).forget();
        }
        return;
    };
    let name = h1.text_content().unwrap_or_default();
    let title = if name.trim().is_empty() || name.trim() == SITE {
        format!("{SITE} · distributed systems you can break")
    } else {
        format!("{} · {SITE}", name.trim())
    };
    if let Some(d) = web_sys::window().and_then(|w| w.document()) {
        d.set_title(&title);
    }
    if focus {
        // Focusable by script only: the heading is not a control, so it gets no tab stop.
        let _ = h1.set_attribute("tabindex", "-1");
        let _ = h1.focus();
    }
}

/// "Skip to content": focus moves to the page's main region (scrolling alone left the next Tab
/// on the header).
pub fn skip_to_main() {
    let main = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("main"))
        .and_then(|e| e.dyn_into::<HtmlElement>().ok());
    if let Some(main) = main {
        let _ = main.set_attribute("tabindex", "-1");
        main.scroll_into_view();
        let _ = main.focus();
    }
}
