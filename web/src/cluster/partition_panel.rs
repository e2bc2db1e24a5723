//! Partition groups: drag nodes between groups A, B and C, tap a node chip to move it to the next
//! group, or press A, B, C (or the arrow keys) on it; focus follows the moved chip.
//! Nodes in different groups cannot exchange messages.

use super::state::GROUPS;
use gloo_timers::callback::Timeout;
use netsplit_core::NodeId;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// How often, and how many times, to look for a moved chip in its new group: the move is the
/// lab's, so the panel draws the chip there once the lab's frame has come back.
const FOLLOW_EVERY_MS: u32 = 16;
const FOLLOW_TRIES: u32 = 120;

/// After a chip moved to group `to` (the panel draws it anew there), focus follows it: the chip
/// for `id` in that group of the same panel as `from`, once the panel has drawn it there.
fn focus_chip_after_move(from: Option<web_sys::EventTarget>, id: NodeId, to: u8) {
    let panel = from
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("fieldset").ok().flatten());
    if let Some(panel) = panel {
        let selector = format!(
            "[data-testid='zone-{}'] [data-testid='chip-{}']",
            GROUPS[usize::from(to.min(2))],
            id.0
        );
        follow(panel, selector, FOLLOW_TRIES);
    }
}

fn follow(panel: web_sys::Element, selector: String, tries: u32) {
    Timeout::new(FOLLOW_EVERY_MS, move || {
        let chip = panel
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        match chip {
            Some(chip) => {
                let _ = chip.focus();
            }
            None if tries > 1 => follow(panel, selector, tries - 1),
            None => {}
        }
    })
    .forget();
}

/// Each node's group and where moves go.
#[derive(Properties, PartialEq, Clone)]
pub struct PartitionPanelProps {
    /// Group index of each node.
    pub groups: Vec<u8>,
    /// A node was dropped on (or moved by keyboard to) a group.
    pub on_move: Callback<(NodeId, u8)>,
    /// Restore every link.
    pub on_heal: Callback<()>,
}

/// The partition panel.
#[function_component(PartitionPanel)]
pub fn partition_panel(props: &PartitionPanelProps) -> Html {
    let zones = GROUPS.iter().enumerate().map(|(g, name)| {
        let g = g as u8;
        let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
        let ondrop = {
            let cb = props.on_move.clone();
            Callback::from(move |e: DragEvent| {
                e.prevent_default();
                let id = e.data_transfer().and_then(|d| d.get_data("text/plain").ok()).and_then(|s| s.parse::<u32>().ok());
                if let Some(id) = id {
                    cb.emit((NodeId(id), g));
                }
            })
        };
        let chips = props.groups.iter().enumerate().filter(|(_, x)| **x == g).map(|(i, _)| {
            let id = NodeId(i as u32);
            let ondragstart = Callback::from(move |e: DragEvent| {
                if let Some(dt) = e.data_transfer() {
                    let _ = dt.set_data("text/plain", &id.0.to_string());
                }
            });
            let onkeydown = {
                let cb = props.on_move.clone();
                Callback::from(move |e: KeyboardEvent| {
                    let target = match e.key().as_str() {
                        "a" | "A" => Some(0),
                        "b" | "B" => Some(1),
                        "c" | "C" => Some(2),
                        "ArrowRight" => Some((g + 1).min(2)),
                        "ArrowLeft" => Some(g.saturating_sub(1)),
                        _ => None,
                    };
                    if let Some(t) = target {
                        e.prevent_default();
                        cb.emit((id, t));
                        focus_chip_after_move(e.target(), id, t);
                    }
                })
            };
            // A tap (or click) moves the node to the next group: touch has no drag and drop.
            let next = (g + 1) % GROUPS.len() as u8;
            let onclick = {
                let cb = props.on_move.clone();
                Callback::from(move |e: MouseEvent| {
                    cb.emit((id, next));
                    focus_chip_after_move(e.target(), id, next);
                })
            };
            html! {
                <button key={id.0} class={classes!("chip", format!("group-{g}"))} draggable="true" {ondragstart} {onkeydown} {onclick}
                    data-testid={format!("chip-{}", id.0)}
                    aria-label={format!("{id} is in group {name}. Tap to move it to group {}, or press A, B or C (or arrow keys).", GROUPS[usize::from(next)])}>
                    {id.to_string()}
                </button>
            }
        });
        html! {
            <div class={classes!("zone", format!("group-{g}"))} {ondragover} {ondrop} data-testid={format!("zone-{name}")}
                 role="group" aria-label={format!("Group {name}")}>
                <span class="zone-name">{format!("Group {name}")}</span>
                { for chips }
            </div>
        }
    });
    let heal = {
        let cb = props.on_heal.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <fieldset class="panel partition">
            <legend>{"Partition: drag or tap nodes into groups"}</legend>
            <div class="zones">{ for zones }</div>
            <button onclick={heal} data-testid="heal">{"Heal all links"}</button>
        </fieldset>
    }
}
