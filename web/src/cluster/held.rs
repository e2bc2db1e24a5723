//! What waits to be chosen: messages held back and, in the asynchronous model, timers. The
//! learner is the scheduler here: each button makes one event happen now.

use super::panels::valence_class;
use netsplit_core::panels::ValenceChoice;
use netsplit_core::sim::Held;
use netsplit_core::Fault;
use yew::prelude::*;

/// The waiting events, oldest first, each with a button that injects the choice
/// ([`Fault::Deliver`] or [`Fault::Fire`]), and one to release everything.
///
/// A plain function rather than a component (see `controls.rs`).
/// `valences` are the valence panel's choices, if the protocol draws one: each delivery's
/// button then says, and is coloured by, the valence it leads to.
pub fn held_list(held: &[Held], valences: &[ValenceChoice], on_inject: &Callback<Fault>) -> Html {
    if held.is_empty() {
        return html! {};
    }
    let button = |fault: Fault, text: String, testid: String, class: &'static str| {
        let on_inject = on_inject.clone();
        let onclick = Callback::from(move |_: MouseEvent| on_inject.emit(fault.clone()));
        html! { <li><button {onclick} class={class} data-testid={testid}>{text}</button></li> }
    };
    let items = held.iter().map(|h| match h {
        Held::Message(m) => {
            let valence = valences.iter().find(|v| v.msg == m.msg);
            let suffix =
                valence.map_or_else(String::new, |v| format!(" (leads to: {})", v.valence));
            button(
                Fault::Deliver { msg: m.msg },
                format!(
                    "Deliver {} {} → {}: {}{suffix}",
                    m.msg, m.from, m.to, m.label
                ),
                format!("deliver-{}", m.msg.0),
                valence.map_or("", |v| valence_class(&v.valence)),
            )
        }
        Held::Timer {
            node, timer, label, ..
        } => button(
            Fault::Fire { timer: *timer },
            format!("Fire {timer} at {node}: {label}"),
            format!("fire-{}", timer.0),
            "",
        ),
    });
    let release = button(
        Fault::ReleaseAll,
        "Release everything".into(),
        "release-all".into(),
        "",
    );
    html! {
        <div class="held" data-testid="held">
            <h4>{format!("Waiting to be chosen ({}): you are the scheduler", held.len())}</h4>
            <ul>{ for items }{ release }</ul>
        </div>
    }
}
