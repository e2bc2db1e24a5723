//! Every kind of cluster-wide panel drawn in a real page from data alone: the page knows no
//! protocol, so a panel that no lesson declares yet (the ring, the figures table) must still draw
//! what it is given, and a label from a share link must stay text.
#![cfg(target_arch = "wasm32")]

use netsplit_core::panels::{Bar, Panel};
use netsplit_core::NodeId;
use netsplit_web::cluster::panels::panels;
use wasm_bindgen_test::*;
use web_sys::Element;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

#[function_component(EveryPanel)]
fn every_panel() -> Html {
    let list = vec![
        Panel::KeyValues {
            title: "State machines".into(),
            keys: vec!["x".into(), "y".into()],
            rows: vec![
                (NodeId(0), Some(vec!["1".into(), "2".into()])),
                (NodeId(1), None),
            ],
        },
        Panel::Ring {
            title: "Hash ring".into(),
            size: 1000,
            nodes: vec![(NodeId(0), vec![10, 500]), (NodeId(1), vec![250])],
            keys: vec![
                ("apple".into(), 100, NodeId(1)),
                ("<b>pear</b>".into(), 700, NodeId(0)),
            ],
        },
        Panel::Series {
            title: "Peers suspected".into(),
            unit: "peers".into(),
            lines: vec![
                (NodeId(0), vec![(0, 0), (100, 1), (300, 0)]),
                (NodeId(1), vec![(0, 0)]),
            ],
            threshold: Some(1),
            suspicions: vec![
                netsplit_core::panels::Suspicion {
                    at_us: 100,
                    node: NodeId(0),
                    about: NodeId(1),
                    right: false,
                },
                netsplit_core::panels::Suspicion {
                    at_us: 300,
                    node: NodeId(1),
                    about: NodeId(0),
                    right: true,
                },
            ],
        },
        Panel::Figures {
            title: "Keys moved when a node joins".into(),
            columns: vec!["scheme".into(), "moved".into()],
            rows: vec![
                vec!["modulo N".into(), "80%".into()],
                vec!["consistent hashing".into(), "20%".into()],
            ],
        },
    ];
    let bars = vec![
        Bar {
            client: 0,
            label: "write x=1 → ok".into(),
            start_us: 0,
            end_us: Some(50),
        },
        Bar {
            client: 1,
            label: "read x …".into(),
            start_us: 20,
            end_us: None,
        },
    ];
    panels(&list, &bars, 80)
}

fn mount() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<EveryPanel>::with_root(root.clone()).render();
    root
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

fn text(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("{selector} is drawn"))
        .text_content()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn every_panel_kind_draws_what_its_data_says() {
    let root = mount();
    yew::scheduler::flush().await;

    // The key-value table: a heading row and one row per replica, a crashed one shown down.
    assert_eq!(count(&root, "[data-testid='panel-key-values'] tbody tr"), 2);
    assert!(text(&root, "[data-testid='panel-key-values']").contains("down"));

    // The ring: one dot per token (three) and one per key (two), the owner named in its title.
    assert_eq!(count(&root, "[data-testid='panel-ring'] circle.token"), 3);
    assert_eq!(count(&root, "[data-testid='panel-ring'] circle.key-dot"), 2);
    assert!(text(&root, "[data-testid='panel-ring']").contains("key apple at 100, owned by n1"));
    // A key's label is text, never markup.
    assert_eq!(count(&root, "[data-testid='panel-ring'] b"), 0);
    assert!(text(&root, "[data-testid='panel-ring']").contains("<b>pear</b>"));

    // The series: one step line per node, and a legend naming each node.
    assert_eq!(count(&root, "[data-testid='panel-series'] path.series"), 2);
    assert_eq!(count(&root, "[data-testid='panel-series'] .legend .key"), 2);
    // Its threshold, a dashed line across, labelled.
    assert_eq!(
        count(&root, "[data-testid='panel-series'] line.threshold"),
        1
    );
    assert!(text(&root, "[data-testid='panel-series']").contains("threshold 1"));
    // Each suspicion marked right or wrong, as the simulator judged it, and counted.
    assert_eq!(
        count(&root, "[data-testid='panel-series'] circle.suspicion.wrong"),
        1
    );
    assert_eq!(
        count(&root, "[data-testid='panel-series'] circle.suspicion.right"),
        1
    );
    assert!(text(&root, "[data-testid='suspicion-marks']").contains("1 right"));

    // The figures table: its columns and rows as given.
    assert_eq!(count(&root, "[data-testid='panel-figures'] thead th"), 2);
    assert_eq!(count(&root, "[data-testid='panel-figures'] tbody tr"), 2);
    assert!(text(&root, "[data-testid='panel-figures']").contains("consistent hashing"));

    // The history: a bar per operation, the pending one drawn open-ended.
    assert_eq!(count(&root, "[data-testid='panel-history'] rect.op"), 2);
    assert_eq!(
        count(&root, "[data-testid='panel-history'] rect.pending"),
        1
    );
}
