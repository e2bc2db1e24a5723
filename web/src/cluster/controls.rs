//! The controls a protocol declares ([`netsplit_core::Control`]), drawn without knowing which
//! protocol it is: number fields and toggles edit a parameter (the run restarts from its seed with
//! the new value), buttons inject what they carry into the run now.

use netsplit_core::{Control, Fault};
use yew::prelude::*;

/// The protocol's controls, in the order it declared them: `on_set` gets a number's or toggle's
/// id and new value (0 or 1 for a toggle), `on_inject` what a pressed button injects.
///
/// A plain function rather than a component: it has no state of its own, and each Yew component
/// costs about 3.5 KB gzip in the first load.
pub fn controls(
    controls: &[Control],
    on_set: &Callback<(String, u32)>,
    on_inject: &Callback<Fault>,
) -> Html {
    if controls.is_empty() {
        return html! {};
    }
    let items = controls.iter().map(|c| match c {
        Control::Number {
            id,
            label,
            min,
            max,
            value,
        } => {
            let (on_set, id, min, max) = (on_set.clone(), id.to_string(), *min, *max);
            let testid = id.clone();
            let onchange = Callback::from(move |e: Event| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                if let Ok(v) = input.value().parse::<u32>() {
                    on_set.emit((id.clone(), v.clamp(min, max)));
                }
            });
            html! {
                <label class="param">{format!("{label} ")}
                    <input type="number" min={min.to_string()} max={max.to_string()} value={value.to_string()}
                        {onchange} data-testid={testid} />
                </label>
            }
        }
        Control::Toggle { id, label, on } => {
            let (on_set, testid, on) = (on_set.clone(), id.to_string(), *on);
            let key = testid.clone();
            let onchange = Callback::from(move |_: Event| on_set.emit((key.clone(), u32::from(!on))));
            html! {
                <label class="param">
                    <input type="checkbox" checked={on} {onchange} data-testid={testid} />
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
            let (on_inject, fault) = (on_inject.clone(), fault.clone());
            let onclick = Callback::from(move |_: MouseEvent| on_inject.emit(fault.clone()));
            html! {
                <button {onclick} data-testid={id.to_string()} title={title.to_string()}>{label.clone()}</button>
            }
        }
    });
    html! { <div class="protocol-controls">{ for items }</div> }
}
