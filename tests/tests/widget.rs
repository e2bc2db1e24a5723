//! The cluster widget mounted in a real page and driven through the DOM, as a learner would.
#![cfg(target_arch = "wasm32")]

use netsplit_core::protocols::two_generals::schedules::lossy_generals;
use netsplit_web::{ClusterWidget, ClusterWidgetProps};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window()
        .expect("window")
        .document()
        .expect("document")
}

async fn mount() -> Element {
    let root = document().create_element("div").expect("div");
    document()
        .body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    let props = ClusterWidgetProps {
        scenario: lossy_generals(2),
        id: "test".into(),
        title: "Test cluster".into(),
        region: "Live cluster".into(),
        description: "".into(),
        recording: None,
        marked_step: None,
    };
    yew::Renderer::<ClusterWidget>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    root
}

fn find(root: &Element, testid: &str) -> Element {
    root.query_selector(&format!("[data-testid='{testid}']"))
        .expect("valid selector")
        .unwrap_or_else(|| panic!("no {testid}"))
}

fn click(el: &Element) {
    // SVG <g> elements are not HtmlElements, so dispatch a real click event.
    let ev = web_sys::Event::new_with_event_init_dict("click", &{
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        init
    })
    .expect("event");
    el.dispatch_event(&ev).expect("dispatch");
}

fn key(el: &Element, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    let ev =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event");
    el.dispatch_event(&ev).expect("dispatch");
}

fn log_text(root: &Element) -> String {
    find(root, "event-log").text_content().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn clicking_a_node_then_crash_logs_the_crash_and_shows_it_down() {
    let root = mount().await;
    click(&find(&root, "step"));
    yew::scheduler::flush().await;
    click(&find(&root, "node-1"));
    yew::scheduler::flush().await;
    let button = find(&root, "crash-toggle");
    assert_eq!(button.text_content().as_deref(), Some("Crash"));
    click(&button);
    yew::scheduler::flush().await;
    assert!(
        log_text(&root).contains("CRASH n1"),
        "log: {}",
        log_text(&root)
    );
    assert!(find(&root, "node-1")
        .get_attribute("class")
        .unwrap_or_default()
        .contains("down"));
    assert_eq!(
        find(&root, "crash-toggle").text_content().as_deref(),
        Some("Restart")
    );
    assert!(find(&root, "status")
        .text_content()
        .unwrap_or_default()
        .contains("n1 crashed"));
}

#[wasm_bindgen_test]
async fn pressing_c_on_a_focused_node_crashes_and_restarts_it() {
    let root = mount().await;
    let node = find(&root, "node-0");
    key(&node, "c");
    yew::scheduler::flush().await;
    assert!(log_text(&root).contains("CRASH n0"));
    key(&find(&root, "node-0"), "c");
    yew::scheduler::flush().await;
    assert!(log_text(&root).contains("RESTART n0"));
}

#[wasm_bindgen_test]
async fn stepping_adds_events_and_the_timeline_replays_from_the_seed() {
    let root = mount().await;
    for _ in 0..6 {
        click(&find(&root, "step"));
        yew::scheduler::flush().await;
    }
    let after_six = log_text(&root);
    assert!(
        after_six.contains("SEND") && after_six.contains("n0 -> n1"),
        "{after_six}"
    );
    let timeline: HtmlInputElement = find(&root, "timeline").dyn_into().expect("input");
    assert_eq!(timeline.value(), "6");
    timeline.set_value("2");
    let ev = web_sys::Event::new_with_event_init_dict("input", &{
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        init
    })
    .expect("event");
    timeline.dispatch_event(&ev).expect("dispatch");
    yew::scheduler::flush().await;
    let after_seek = log_text(&root);
    assert!(
        after_seek.len() < after_six.len(),
        "seeking back shows fewer events"
    );
    timeline.set_value("6");
    timeline.dispatch_event(&ev).expect("dispatch");
    yew::scheduler::flush().await;
    assert_eq!(
        log_text(&root),
        after_six,
        "replaying forward reproduces the same log"
    );
}

#[wasm_bindgen_test]
async fn cutting_a_link_by_keyboard_is_logged_and_drawn_cut() {
    let root = mount().await;
    let link = find(&root, "link-0-1");
    key(&link, "Enter");
    yew::scheduler::flush().await;
    assert!(
        log_text(&root).contains("link n0 -- n1 cut"),
        "{}",
        log_text(&root)
    );
    assert!(find(&root, "link-0-1")
        .get_attribute("class")
        .unwrap_or_default()
        .contains("cut"));
}

#[wasm_bindgen_test]
async fn a_bad_seed_shows_an_error_and_keeps_the_run() {
    let root = mount().await;
    let seed: HtmlInputElement = find(&root, "seed").dyn_into().expect("input");
    seed.set_value("not a number");
    let ev = web_sys::Event::new_with_event_init_dict("change", &{
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        init
    })
    .expect("event");
    seed.dispatch_event(&ev).expect("dispatch");
    yew::scheduler::flush().await;
    assert!(root
        .text_content()
        .unwrap_or_default()
        .contains("A seed is a whole number"));
    let _ = root.dyn_ref::<HtmlElement>();
}
