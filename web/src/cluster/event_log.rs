//! The live event log: the trace's latest lines, newest first.

use yew::prelude::*;

/// One line of the log.
#[derive(Clone, PartialEq)]
pub struct LogLine {
    /// The step that produced it.
    pub step: u64,
    /// The trace line.
    pub text: String,
    /// A CSS class by kind (send, recv, drop, fault, note, violation).
    pub kind: &'static str,
}

/// The lines to show.
#[derive(Properties, PartialEq, Clone)]
pub struct EventLogProps {
    /// Newest first.
    pub lines: Vec<LogLine>,
    /// How many events the trace holds in all.
    pub total: u64,
}

/// The event log.
#[function_component(EventLog)]
pub fn event_log(props: &EventLogProps) -> Html {
    html! {
        <div class="event-log">
            <h4>{format!("Event log ({} events, newest first)", props.total)}</h4>
            <ol data-testid="event-log" tabindex="0" aria-label="Event log, newest first">
                { for props.lines.iter().map(|l| html! { <li class={l.kind}>{l.text.clone()}</li> }) }
            </ol>
        </div>
    }
}
