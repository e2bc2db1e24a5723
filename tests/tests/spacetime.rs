//! The space-time diagram in a real page: events drawn with their stamps, and
//! selecting one colours its causal past and future.
#![cfg(target_arch = "wasm32")]

use netsplit_web::{ClusterWidget, ClusterWidgetProps};
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window()
        .expect("window")
        .document()
        .expect("document")
}

fn click(el: &Element) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    el.dispatch_event(&web_sys::Event::new_with_event_init_dict("click", &init).expect("event"))
        .expect("dispatch");
}

#[wasm_bindgen_test]
async fn a_lamport_run_draws_stamped_events_and_selection_shows_causality() {
    let lesson = netsplit_lessons::lesson("lamport-clocks").expect("lesson 02");
    let scenario = lesson
        .scenario("three-nodes")
        .expect("scenario")
        .scenario
        .clone();
    let root = document().create_element("div").expect("div");
    document()
        .body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    let props = ClusterWidgetProps {
        scenario,
        id: "st".into(),
        title: "".into(),
        region: "Live cluster".into(),
        description: "".into(),
        recording: None,
        marked_step: None,
    };
    yew::Renderer::<ClusterWidget>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    for _ in 0..25 {
        click(
            &root
                .query_selector("[data-testid='step']")
                .unwrap()
                .unwrap(),
        );
        yew::scheduler::flush().await;
    }
    let diagram = root
        .query_selector("[data-testid='spacetime']")
        .unwrap()
        .expect("diagram shown for a Lamport run");
    assert!(
        diagram.text_content().unwrap_or_default().contains("L="),
        "stamps are drawn"
    );
    let events = diagram
        .query_selector_all("[data-testid='st-event']")
        .unwrap();
    assert!(events.length() > 5);
    // Select the last event: everything before it on its own lane is in its past.
    let last: Element = events.item(events.length() - 1).unwrap().dyn_into_element();
    click(&last);
    yew::scheduler::flush().await;
    let summary = root
        .query_selector("[data-testid='st-summary']")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap_or_default();
    assert!(summary.contains("Happened before it:"), "{summary}");
    let past = diagram
        .query_selector_all(".st-event.past")
        .unwrap()
        .length();
    assert!(past >= 1, "the last event has a causal past");
    assert_eq!(
        diagram
            .query_selector_all(".st-event.future")
            .unwrap()
            .length(),
        0,
        "nothing after the last event"
    );
}

trait IntoElement {
    fn dyn_into_element(self) -> Element;
}

impl IntoElement for web_sys::Node {
    fn dyn_into_element(self) -> Element {
        wasm_bindgen::JsCast::dyn_into::<Element>(self).expect("an element")
    }
}
