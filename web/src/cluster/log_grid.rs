//! The replicated logs, one row per server, like RaftScope's log view: each entry a cell coloured
//! by its term, committed entries solid and the rest dashed, so divergence and catching up show
//! at a glance.

use netsplit_core::{Field, NodeView};
use yew::prelude::*;

/// Every node; those without a log (clients, other protocols) are left out.
#[derive(Properties, PartialEq, Clone)]
pub struct LogGridProps {
    /// The nodes as they are now.
    pub nodes: Vec<NodeView>,
}

fn field<'a>(fields: &'a [Field], name: &str) -> &'a str {
    fields
        .iter()
        .find(|f| f.name == name)
        .map_or("", |f| f.value.as_str())
}

/// Terms cycle through this many colours (see `static/style.css`).
const TERM_COLOURS: u64 = 8;

/// The grid of logs.
#[function_component(LogGrid)]
pub fn log_grid(props: &LogGridProps) -> Html {
    let rows: Vec<&NodeView> = props.nodes.iter().filter(|n| n.log.is_some()).collect();
    if rows.is_empty() {
        return html! {};
    }
    let width = rows
        .iter()
        .filter_map(|n| n.log.as_ref().map(|l| l.entries.len()))
        .max()
        .unwrap_or(0)
        .max(1);
    html! {
        <div class="log-grid" data-testid="log-grid">
            <h4>{"Logs (cells coloured by term; solid = committed on that server)"}</h4>
            // Focusable, so a keyboard can scroll it where it is wider than a phone.
            <table tabindex="0" aria-label="Logs of every server">
                <thead><tr>
                    <th scope="col">{"server"}</th><th scope="col">{"role · term · vote"}</th>
                    { for (1..=width).map(|i| html! { <th scope="col" class="idx">{i}</th> }) }
                </tr></thead>
                <tbody>
                { for rows.iter().map(|n| {
                    let log = n.log.clone().unwrap_or_default();
                    let role = field(&n.fields, "role");
                    let summary = format!("{} · t{} · {}", role, field(&n.fields, "term"),
                        match field(&n.fields, "voted for") { "nobody" | "" => "no vote".to_string(), v => format!("voted {v}") });
                    html! {
                        <tr class={classes!(role.to_string(), (!n.up).then_some("down"))} data-testid={format!("log-{}", n.id)}
                            data-commit={log.commit_index.to_string()} data-len={log.entries.len().to_string()}>
                            <th scope="row">{n.id.to_string()}</th>
                            <td class="who">{summary}</td>
                            { for log.entries.iter().enumerate().map(|(i, c)| {
                                let committed = (i as u64) < log.commit_index;
                                let title = format!("index {}: term {}, {}{}", i + 1, c.term, c.label,
                                    if committed { ", committed" } else { "" });
                                html! {
                                    <td class={classes!("cell", format!("term{}", c.term % TERM_COLOURS), committed.then_some("committed"))} {title}>
                                        <span class="t">{c.term}</span><span class="c">{c.label.clone()}</span>
                                    </td>
                                }
                            }) }
                            { for (log.entries.len()..width).map(|_| html! { <td class="cell empty"></td> }) }
                        </tr>
                    }
                }) }
                </tbody>
            </table>
        </div>
    }
}
