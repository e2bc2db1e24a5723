//! The cluster-wide panels a protocol declares ([`netsplit_core::panels::Panel`]) and the history
//! bars every run with client operations has, drawn without knowing the protocol.
//!
//! Plain functions rather than components (see `controls.rs`): they hold no state.

use super::ring::sin_cos;
use crate::svg::px;
use netsplit_core::panels::{Bar, Panel};
use yew::prelude::*;

/// Drawing width of the plots, in SVG units.
const WIDTH: f64 = 560.0;
/// Height of one row of history bars.
const ROW: f64 = 22.0;
/// Room on the left for row labels.
const LEFT: f64 = 44.0;
/// Line colours for series, cycled by node (see `static/style.css`).
const SERIES_COLOURS: u32 = 6;

/// Every panel, then the history bars (if the run has client operations); `now_us` is the
/// instant drawn, where a pending operation's bar ends.
pub fn panels(panels: &[Panel], bars: &[Bar], now_us: u64) -> Html {
    html! {
        <>
            { for panels.iter().map(panel) }
            { history(bars, now_us) }
        </>
    }
}

fn panel(p: &Panel) -> Html {
    match p {
        Panel::KeyValues { title, keys, rows } => html! {
            <div class="panel kv" data-testid="panel-key-values">
                <h4>{title.clone()}</h4>
                <table>
                    <thead><tr><th scope="col">{"node"}</th>{ for keys.iter().map(|k| html! { <th scope="col">{k.clone()}</th> }) }</tr></thead>
                    <tbody>{ for rows.iter().map(|(id, row)| html! {
                        <tr data-testid={format!("kv-{id}")}>
                            <th scope="row">{id.to_string()}</th>
                            { match row {
                                Some(cells) => cells.iter().map(|c| html! { <td>{c.clone()}</td> }).collect::<Html>(),
                                None => html! { <td colspan={keys.len().to_string()} class="muted">{"down"}</td> },
                            } }
                        </tr>
                    }) }</tbody>
                </table>
            </div>
        },
        Panel::Figures {
            title,
            columns,
            rows,
        } => html! {
            <div class="panel figures" data-testid="panel-figures">
                <h4>{title.clone()}</h4>
                <table>
                    <thead><tr>{ for columns.iter().map(|c| html! { <th scope="col">{c.clone()}</th> }) }</tr></thead>
                    <tbody>{ for rows.iter().map(|r| html! { <tr>{ for r.iter().map(|c| html! { <td>{c.clone()}</td> }) }</tr> }) }</tbody>
                </table>
            </div>
        },
        Panel::Series { title, unit, lines } => series(title, unit, lines),
        Panel::Ring {
            title,
            size,
            nodes,
            keys,
        } => ring(title, *size, nodes, keys),
    }
}

/// Step lines, one per node: each value holds until the next point.
fn series(title: &str, unit: &str, lines: &[(netsplit_core::NodeId, Vec<(u64, i64)>)]) -> Html {
    let height = 120.0;
    let points = lines.iter().flat_map(|(_, p)| p.iter());
    let (t0, t1) = points
        .clone()
        .fold((u64::MAX, 0), |(a, b), (t, _)| (a.min(*t), b.max(*t)));
    let top = points.map(|(_, v)| *v).max().unwrap_or(0).max(1);
    if t0 > t1 {
        return html! {};
    }
    let span = (t1 - t0).max(1) as f64;
    let x = |t: u64| LEFT + (t - t0) as f64 / span * (WIDTH - LEFT - 8.0);
    let y = |v: i64| height - 14.0 - v as f64 / top as f64 * (height - 28.0);
    let paths = lines.iter().map(|(id, pts)| {
        let mut d = String::new();
        for (i, (t, v)) in pts.iter().enumerate() {
            if i == 0 {
                d.push_str(&format!("M{} {}", px(x(*t)), px(y(*v))));
            } else {
                d.push_str(&format!(" H{} V{}", px(x(*t)), px(y(*v))));
            }
        }
        if !pts.is_empty() {
            d.push_str(&format!(" H{}", px(x(t1))));
        }
        html! {
            <path d={d} class={format!("series s{}", id.0 % SERIES_COLOURS)}>
                <title>{id.to_string()}</title>
            </path>
        }
    });
    html! {
        <div class="panel series-panel" data-testid="panel-series">
            <h4>{title.to_string()}</h4>
            <svg viewBox={format!("0 0 {WIDTH} {height}")} role="img" aria-label={format!("{title}, in {unit}, one line per node")}>
                <text x="4" y={px(y(top) + 4.0)} class="axis">{format!("{top} {unit}")}</text>
                <text x="4" y={px(y(0) + 4.0)} class="axis">{"0"}</text>
                { for paths }
            </svg>
            <p class="legend">{ for lines.iter().map(|(id, _)| html! { <span class={format!("key s{}", id.0 % SERIES_COLOURS)}>{id.to_string()}</span> }) }</p>
        </div>
    }
}

/// Nodes' tokens and the keys on a hash ring, each key joined to its owner.
fn ring(
    title: &str,
    size: u64,
    nodes: &[(netsplit_core::NodeId, Vec<u64>)],
    keys: &[(String, u64, netsplit_core::NodeId)],
) -> Html {
    let (c, r) = (110.0, 90.0);
    let at = |pos: u64, radius: f64| {
        let a = pos as f64 / size.max(1) as f64 * std::f64::consts::TAU;
        let (sin, cos) = sin_cos(a);
        (c + radius * sin, c - radius * cos)
    };
    let tokens = nodes.iter().flat_map(|(id, ts)| {
        ts.iter().map(move |t| {
            let (x, y) = at(*t, r);
            html! { <circle cx={px(x)} cy={px(y)} r="5" class={format!("token s{}", id.0 % SERIES_COLOURS)}><title>{format!("{id} token {t}")}</title></circle> }
        })
    });
    let dots = keys.iter().map(|(k, pos, owner)| {
        let (x, y) = at(*pos, r - 14.0);
        html! { <circle cx={px(x)} cy={px(y)} r="3" class={format!("key-dot s{}", owner.0 % SERIES_COLOURS)}><title>{format!("key {k} at {pos}, owned by {owner}")}</title></circle> }
    });
    html! {
        <div class="panel ring-panel" data-testid="panel-ring">
            <h4>{title.to_string()}</h4>
            <svg viewBox="0 0 220 220" role="img" aria-label={format!("{title}: {} nodes, {} keys", nodes.len(), keys.len())}>
                <circle cx={px(c)} cy={px(c)} r={px(r)} class="ring-line" />
                { for tokens }
                { for dots }
            </svg>
        </div>
    }
}

/// Client operations as bars, one row per client, from call to return: a pending one runs on
/// to `now_us`, drawn open-ended.
fn history(bars: &[Bar], now_us: u64) -> Html {
    if bars.is_empty() {
        return html! {};
    }
    let mut clients: Vec<u64> = bars.iter().map(|b| b.client).collect();
    clients.sort_unstable();
    clients.dedup();
    let t0 = bars.iter().map(|b| b.start_us).min().unwrap_or(0);
    let t1 = bars
        .iter()
        .map(|b| b.end_us.unwrap_or(now_us))
        .max()
        .unwrap_or(t0)
        .max(now_us);
    let span = (t1 - t0).max(1) as f64;
    let x = |t: u64| LEFT + (t.saturating_sub(t0)) as f64 / span * (WIDTH - LEFT - 8.0);
    let height = clients.len() as f64 * ROW + 8.0;
    let rows = clients.iter().enumerate().map(|(i, c)| {
        html! { <text x="4" y={px(i as f64 * ROW + 16.0)} class="axis">{format!("n{c}")}</text> }
    });
    let drawn = bars.iter().map(|b| {
        let row = clients.iter().position(|c| *c == b.client).unwrap_or(0) as f64;
        let (x0, x1) = (x(b.start_us), x(b.end_us.unwrap_or(t1)));
        let class = if b.end_us.is_some() { "op" } else { "op pending" };
        html! {
            <rect x={px(x0)} y={px(row * ROW + 4.0)} width={px((x1 - x0).max(2.0))} height={px(ROW - 8.0)} class={class}>
                <title>{b.label.clone()}</title>
            </rect>
        }
    });
    html! {
        <div class="panel history-panel" data-testid="panel-history">
            <h4>{format!("Client operations ({}), from call to answer", bars.len())}</h4>
            <svg viewBox={format!("0 0 {WIDTH} {}", px(height))} role="img"
                aria-label={format!("{} client operations as bars, one row per client", bars.len())}>
                { for rows }
                { for drawn }
            </svg>
        </div>
    }
}
