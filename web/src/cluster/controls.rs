//! The controls a protocol declares ([`netsplit_core::Control`]), drawn without knowing which
//! protocol it is: number fields and toggles edit a parameter (the run restarts from its seed with
//! the new value), buttons inject what they carry into the run now.

use netsplit_core::{Control, Fault};
use yew::prelude::*;

/// The controls to draw and what they do.
#[derive(Properties, PartialEq, Clone)]
pub struct ControlsProps {
    /// What the protocol offers now.
    pub controls: Vec<Control>,
    /// A number or toggle changed: its id and the new value (0 or 1 for a toggle).
    pub on_set: Callback<(&'static str, u32)>,
    /// A button was pressed: what it injects.
    pub on_inject: Callback<Fault>,
}

/// The protocol's controls, in the order it declared them.
#[function_component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    if props.controls.is_empty() {
        return html! {};
    }
    let items = props.controls.iter().map(|c| match c {
        Control::Number {
            id,
            label,
            min,
            max,
            value,
        } => {
            let (on_set, id, min, max) = (props.on_set.clone(), *id, *min, *max);
            let onchange = Callback::from(move |e: Event| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                if let Ok(v) = input.value().parse::<u32>() {
                    on_set.emit((id, v.clamp(min, max)));
                }
            });
            html! {
                <label class="param">{format!("{label} ")}
                    <input type="number" min={min.to_string()} max={max.to_string()} value={value.to_string()}
                        {onchange} data-testid={id} />
                </label>
            }
        }
        Control::Toggle { id, label, on } => {
            let (on_set, id, on) = (props.on_set.clone(), *id, *on);
            let onchange = Callback::from(move |_: Event| on_set.emit((id, u32::from(!on))));
            html! {
                <label class="param">
                    <input type="checkbox" checked={on} {onchange} data-testid={id} />
                    {format!(" {label}")}
                </label>
            }
        }
        Control::Button {
            id,
            label,
            title,
            fault,
        } => {
            let (on_inject, fault) = (props.on_inject.clone(), fault.clone());
            let onclick = Callback::from(move |_: MouseEvent| on_inject.emit(fault.clone()));
            html! {
                <button {onclick} data-testid={*id} title={*title}>{label.clone()}</button>
            }
        }
    });
    html! { <div class="protocol-controls">{ for items }</div> }
}
