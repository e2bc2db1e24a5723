//! Partition groups: drag nodes between groups A, B and C (or press A, B, C on a node chip).
//! Nodes in different groups cannot exchange messages.

use super::state::GROUPS;
use netsplit_core::NodeId;
use yew::prelude::*;

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
                    }
                })
            };
            html! {
                <button class={classes!("chip", format!("group-{g}"))} draggable="true" {ondragstart} {onkeydown}
                    data-testid={format!("chip-{}", id.0)}
                    aria-label={format!("{id} is in group {name}. Press A, B or C (or arrow keys) to move it.")}>
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
            <legend>{"Partition: drag nodes into groups"}</legend>
            <div class="zones">{ for zones }</div>
            <button onclick={heal} data-testid="heal">{"Heal all links"}</button>
        </fieldset>
    }
}
