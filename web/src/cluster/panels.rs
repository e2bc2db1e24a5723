//! The cluster-wide panels a protocol declares ([`netsplit_core::panels::Panel`]) and the history
//! bars every run with client operations has, drawn without knowing the protocol.
//!
//! Plain functions rather than components (see `controls.rs`): they hold no state.

use super::ring::sin_cos;
use crate::svg::px;
use netsplit_core::panels::{Bar, Panel};
use yew::prelude::*;

/// Drawing width of the plots, in SVG units (and as text: formatting a float would bring Rust's
/// float printer into the page, about 15 KB gzip).
const WIDTH: f64 = 560.0;
const WIDTH_TEXT: &str = "560";
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
        Panel::KeyValues { title, keys, rows } => {
            let mut headings = vec!["node".to_string()];
            headings.extend(keys.iter().cloned());
            let rows = rows
                .iter()
                .map(|(id, row)| {
                    let mut cells = vec![id.to_string()];
                    match row {
                        Some(r) => cells.extend(r.iter().cloned()),
                        None => cells.extend(keys.iter().map(|_| "down".to_string())),
                    }
                    cells
                })
                .collect::<Vec<_>>();
            table("kv", "panel-key-values", title, &headings, &rows)
        }
        Panel::Figures {
            title,
            columns,
            rows,
        } => table("figures", "panel-figures", title, columns, rows),
        Panel::Series {
            title,
            unit,
            lines,
            threshold,
            suspicions,
        } => series(title, unit, lines, *threshold, suspicions),
        Panel::Ring {
            title,
            size,
            nodes,
            keys,
        } => ring(title, *size, nodes, keys),
        Panel::Valence {
            title,
            now,
            now_exact,
            searched,
            steps,
            choices,
            plan,
            diamond,
            path,
            path_earlier,
            path_summary,
        } => html! {
            <>
                { valence(title, now, *now_exact, searched, steps, choices, plan.as_deref()) }
                { run_path(path, *path_earlier, path_summary) }
                if let Some(d) = diamond { { commutativity(d, now) } }
            </>
        },
    }
}

/// The class that colours a valence word (see `static/style.css`).
pub(crate) fn valence_class(word: &str) -> &'static str {
    match word {
        "bivalent" => "v-bi",
        "0-valent" => "v-zero",
        "1-valent" => "v-one",
        "no effect" => "v-none",
        _ => "v-unknown",
    }
}

/// The configuration now as a root, each delivery a scheduler could choose as a numbered child
/// coloured by the valence it leads to, and the list that says which is which.
fn valence(
    title: &str,
    now: &str,
    now_exact: bool,
    searched: &str,
    steps: &str,
    choices: &[netsplit_core::panels::ValenceChoice],
    plan: Option<&str>,
) -> Html {
    // Messages that change nothing (their process decided or moved past their phase) pile up
    // as a run goes on; the held list keeps them, greyed, and here they are only counted.
    let idle = choices.iter().filter(|c| c.valence == "no effect").count();
    let choices: Vec<&netsplit_core::panels::ValenceChoice> = choices
        .iter()
        .filter(|c| c.valence != "no effect")
        .collect();
    let height = 96.0;
    let root_x = WIDTH / 2.0;
    let slots = choices.len().max(1) as f64;
    let child_x = |i: usize| 24.0 + (i as f64 + 0.5) * (WIDTH - 48.0) / slots;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {WIDTH_TEXT} {}\" role=\"img\" aria-label=\"The configuration now is {}; {} deliveries can come next\">",
        px(height),
        esc(now),
        choices.len()
    );
    for (i, c) in choices.iter().enumerate() {
        svg.push_str(&format!(
            "<line class=\"edge\" x1=\"{}\" y1=\"26\" x2=\"{}\" y2=\"70\"/>",
            px(root_x),
            px(child_x(i))
        ));
        let _ = c;
    }
    svg.push_str(&format!(
        "<circle class=\"config {}\" cx=\"{}\" cy=\"18\" r=\"12\"><title>now: {}</title></circle>",
        valence_class(now),
        px(root_x),
        esc(now)
    ));
    for (i, c) in choices.iter().enumerate() {
        svg.push_str(&format!(
            "<circle class=\"config {}\" cx=\"{}\" cy=\"76\" r=\"10\"><title>{}: {}</title></circle>\
             <text class=\"config-n\" x=\"{1}\" y=\"80\" text-anchor=\"middle\">{}</text>",
            valence_class(&c.valence),
            px(child_x(i)),
            esc(&c.label),
            esc(&c.valence),
            i + 1
        ));
    }
    svg.push_str("</svg>");
    let certainty = if now_exact {
        ""
    } else {
        " (as far as the search looked)"
    };
    let after = html! {
        <>
            <p class="valence-now" data-testid="valence-now">{"Now: "}
                <strong class={valence_class(now)}>{now.to_string()}</strong>{certainty}</p>
            <p class="valence-steps" data-testid="valence-steps">{steps.to_string()}</p>
            <ol class="valence-choices">{ for choices.iter().map(|c| html! {
                <li>{format!("{} → ", c.label)}<strong class={valence_class(&c.valence)}>{c.valence.clone()}</strong>
                    if !c.exact { {" (so far)"} }</li>
            }) }</ol>
            if idle > 0 {
                <p class="muted">{format!("{idle} more waiting change nothing: their process has decided or moved past them.")}</p>
            }
            <p class="muted" data-testid="valence-searched">{searched.to_string()}</p>
            if let Some(plan) = plan {
                <p data-testid="adversary-plan">{"The adversary: "}{plan.to_string()}</p>
            }
        </>
    };
    figure("valence", "panel-valence", title, svg, after)
}

/// The run's path: its latest configurations left to right, each coloured by its valence and
/// numbered by the deliveries that led there, the last one now; then the path in a sentence, and
/// the steps as a list, latest first.
fn run_path(path: &[netsplit_core::panels::ValenceStep], earlier: u64, summary: &str) -> Html {
    if path.is_empty() {
        return Html::default();
    }
    let gap = (WIDTH - 48.0) / (path.len().max(2) - 1) as f64;
    let x = |i: usize| 24.0 + i as f64 * gap;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {WIDTH_TEXT} 52\" role=\"img\" aria-label=\"The run's last {} configurations: {}\">",
        path.len(),
        esc(&path.iter().map(|p| p.valence.as_str()).collect::<Vec<_>>().join(", "))
    );
    if earlier > 0 {
        svg.push_str("<line class=\"edge earlier\" x1=\"0\" y1=\"18\" x2=\"24\" y2=\"18\"/>");
    }
    for i in 1..path.len() {
        svg.push_str(&format!(
            "<line class=\"edge\" x1=\"{}\" y1=\"18\" x2=\"{}\" y2=\"18\"/>",
            px(x(i - 1)),
            px(x(i))
        ));
    }
    for (i, p) in path.iter().enumerate() {
        svg.push_str(&format!(
            "<circle class=\"config {}\" cx=\"{}\" cy=\"18\" r=\"10\"><title>{}: {}</title></circle>\
             <text class=\"config-n\" x=\"{1}\" y=\"46\" text-anchor=\"middle\">{}</text>",
            valence_class(&p.valence),
            px(x(i)),
            esc(&p.what),
            esc(&p.valence),
            p.deliveries
        ));
    }
    svg.push_str("</svg>");
    let after = html! {
        <>
            <p data-testid="path-summary">{summary.to_string()}</p>
            <ul class="valence-path">
                { for path.iter().rev().map(|p| html! {
                    <li>{if p.deliveries == 0 && earlier == 0 && std::ptr::eq(p, &path[0]) {
                            format!("{} → ", p.what)
                        } else {
                            format!("after {} deliver{}, {} → ", p.deliveries, if p.deliveries == 1 { "y" } else { "ies" }, p.what)
                        }}
                        <strong class={valence_class(&p.valence)}>{p.valence.clone()}</strong>
                        if !p.exact { {" (so far)"} }</li>
                }) }
            </ul>
            if earlier > 0 {
                <p class="muted">{format!("{earlier} earlier configurations are not shown.")}</p>
            }
        </>
    };
    figure(
        "valence path",
        "panel-path",
        "The run so far: each configuration's valence, numbered by deliveries",
        svg,
        after,
    )
}

/// FLP's diamond on the run now: the configuration at the top, each of two deliveries to
/// different processes down one side, and both in either order meeting at the bottom, every
/// configuration coloured by its valence.
fn commutativity(d: &netsplit_core::panels::ValenceDiamond, now: &str) -> Html {
    let (mid, top, side, bottom) = (WIDTH / 2.0, 16.0, 58.0, 100.0);
    let (left, right) = (mid - 90.0, mid + 90.0);
    let node = |x: f64, y: f64, word: &str, what: &str| {
        format!(
            "<circle class=\"config {}\" cx=\"{}\" cy=\"{}\" r=\"10\"><title>{}: {}</title></circle>",
            valence_class(word),
            px(x),
            px(y),
            esc(what),
            esc(word)
        )
    };
    let edge = |x1: f64, y1: f64, x2: f64, y2: f64, n: u32| {
        format!(
            "<line class=\"edge\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\
             <text class=\"config-n\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{n}</text>",
            px(x1),
            px(y1),
            px(x2),
            px(y2),
            px((x1 + x2) / 2.0 + if x2 > x1 { 10.0 } else { -10.0 }),
            px((y1 + y2) / 2.0 + 4.0)
        )
    };
    let mut svg = format!(
        "<svg viewBox=\"0 0 {WIDTH_TEXT} 118\" role=\"img\" aria-label=\"Delivering 1 then 2, or 2 then 1, {} the same configuration\">",
        if d.same { "reaches" } else { "does not reach" }
    );
    svg.push_str(&edge(mid, top, left, side, 1));
    svg.push_str(&edge(mid, top, right, side, 2));
    svg.push_str(&edge(left, side, mid, bottom, 2));
    svg.push_str(&edge(right, side, mid, bottom, 1));
    svg.push_str(&node(mid, top, now, "now"));
    svg.push_str(&node(left, side, &d.after_first, "after 1"));
    svg.push_str(&node(right, side, &d.after_second, "after 2"));
    svg.push_str(&node(mid, bottom, &d.after_both, "after both"));
    svg.push_str("</svg>");
    let verdict = if d.same {
        "Both orders reach the same configuration: the two messages go to different processes, and each process sees only its own, so neither can tell which came first (FLP's commutativity, Lemma 1). The proof of Lemma 3 leans on this."
    } else {
        "The two orders reached different configurations."
    };
    let after = html! {
        <>
            <ol class="valence-choices">
                <li>{format!("{} → ", d.first)}<strong class={valence_class(&d.after_first)}>{d.after_first.clone()}</strong></li>
                <li>{format!("{} → ", d.second)}<strong class={valence_class(&d.after_second)}>{d.after_second.clone()}</strong></li>
            </ol>
            <p data-testid="diamond-verdict">{"Both, in either order → "}
                <strong class={valence_class(&d.after_both)}>{d.after_both.clone()}</strong>{". "}{verdict}</p>
        </>
    };
    figure(
        "diamond",
        "panel-diamond",
        "The diamond: two deliveries in either order",
        svg,
        after,
    )
}

/// A titled table: a heading row, then rows whose first cell heads the row.
fn table(
    class: &str,
    testid: &str,
    title: &str,
    headings: &[String],
    rows: &[Vec<String>],
) -> Html {
    html! {
        <div class={format!("panel {class}")} data-testid={testid.to_string()}>
            <h4>{title.to_string()}</h4>
            // On a phone a wide table scrolls sideways by itself: focusable, so a keyboard can
            // scroll it too (WCAG 2.1.1).
            <table tabindex="0" aria-label={title.to_string()}>
                <thead><tr>{ for headings.iter().map(|h| html! { <th scope="col">{h.clone()}</th> }) }</tr></thead>
                <tbody>{ for rows.iter().map(|r| html! {
                    <tr>{ for r.iter().enumerate().map(|(i, c)| if i == 0 {
                        html! { <th scope="row">{c.clone()}</th> }
                    } else {
                        html! { <td>{c.clone()}</td> }
                    }) }</tr>
                }) }</tbody>
            </table>
        </div>
    }
}

/// `text` safe inside SVG or HTML markup: labels come from protocols and from share links.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A panel whose picture is SVG markup built as text: one string instead of a virtual DOM node
/// per shape keeps the page's code small (every shape's label is escaped).
fn figure(class: &str, testid: &str, title: &str, svg: String, after: Html) -> Html {
    html! {
        <div class={format!("panel {class}")} data-testid={testid.to_string()}>
            <h4>{title.to_string()}</h4>
            { Html::from_html_unchecked(AttrValue::from(svg)) }
            { after }
        </div>
    }
}

/// Step lines, one per node: each value holds until the next point.
fn series(
    title: &str,
    unit: &str,
    lines: &[(netsplit_core::NodeId, Vec<(u64, i64)>)],
    threshold: Option<i64>,
    suspicions: &[netsplit_core::panels::Suspicion],
) -> Html {
    let height = 120.0;
    let points = lines.iter().flat_map(|(_, p)| p.iter());
    let (t0, t1) = points
        .clone()
        .fold((u64::MAX, 0), |(a, b), (t, _)| (a.min(*t), b.max(*t)));
    let top = points
        .map(|(_, v)| *v)
        .chain(threshold)
        .max()
        .unwrap_or(0)
        .max(1);
    if t0 > t1 {
        return html! {};
    }
    let span = (t1 - t0).max(1) as f64;
    let x = |t: u64| LEFT + (t - t0) as f64 / span * (WIDTH - LEFT - 8.0);
    let y = |v: i64| height - 14.0 - v as f64 / top as f64 * (height - 28.0);
    let mut svg = format!(
        "<svg viewBox=\"0 0 {WIDTH_TEXT} {}\" role=\"img\" aria-label=\"{}, in {}, one line per node\">\
         <text x=\"4\" y=\"{}\" class=\"axis\">{top}</text><text x=\"4\" y=\"{}\" class=\"axis\">0</text>",
        px(height),
        esc(title),
        esc(unit),
        px(y(top) + 4.0),
        px(y(0) + 4.0)
    );
    if let Some(level) = threshold {
        svg.push_str(&format!(
            "<line class=\"threshold\" x1=\"{}\" x2=\"{}\" y1=\"{2}\" y2=\"{2}\"><title>threshold {level}</title></line>\
             <text x=\"{1}\" y=\"{3}\" class=\"axis\" text-anchor=\"end\">threshold {level}</text>",
            px(LEFT),
            px(WIDTH - 8.0),
            px(y(level)),
            px(y(level) - 3.0),
        ));
    }
    // Each suspicion on the suspecting node's clock, along the top: filled if the suspected
    // node had crashed (right), hollow if it was alive (a mistake); the simulator judged it.
    let (mut right, mut wrong) = (0, 0);
    for s in suspicions.iter().filter(|s| (t0..=t1).contains(&s.at_us)) {
        let (class, verdict) = if s.right {
            right += 1;
            ("suspicion right", "right: it had crashed")
        } else {
            wrong += 1;
            ("suspicion wrong", "wrong: it was alive")
        };
        svg.push_str(&format!(
            "<circle class=\"{class} s{}\" cx=\"{}\" cy=\"6\" r=\"4\"><title>{} suspects {} at {} µs on its clock, {verdict}</title></circle>",
            s.node.0 % SERIES_COLOURS,
            px(x(s.at_us)),
            s.node,
            s.about,
            s.at_us,
        ));
    }
    let mut legend = String::from("<p class=\"legend\">");
    if right + wrong > 0 {
        legend.push_str(&format!(
            "<span class=\"marks\" data-testid=\"suspicion-marks\">suspicions: {right} right (● the node had crashed), {wrong} wrong (○ it was alive)</span>"
        ));
    }
    for (id, pts) in lines {
        let colour = id.0 % SERIES_COLOURS;
        svg.push_str(&format!("<path class=\"series s{colour}\" d=\""));
        for (i, (t, v)) in pts.iter().enumerate() {
            let step = if i == 0 { "M" } else { " H" };
            let rise = if i == 0 { " " } else { " V" };
            svg.push_str(&format!("{step}{}{rise}{}", px(x(*t)), px(y(*v))));
        }
        if !pts.is_empty() {
            // The last value holds to the right edge (up to now).
            svg.push_str(&format!(" H{}", px(WIDTH - 8.0)));
        }
        svg.push_str(&format!("\"><title>{id}</title></path>"));
        legend.push_str(&format!("<span class=\"key s{colour}\">{id}</span>"));
    }
    svg.push_str("</svg>");
    legend.push_str("</p>");
    let after = Html::from_html_unchecked(AttrValue::from(legend));
    figure("series-panel", "panel-series", title, svg, after)
}

/// Nodes' tokens and the keys on a hash ring, each key coloured by its owner.
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
        (px(c + radius * sin), px(c - radius * cos))
    };
    let mut svg = format!(
        "<svg viewBox=\"0 0 220 220\" role=\"img\" aria-label=\"{}: {} nodes, {} keys\">\
         <circle cx=\"{}\" cy=\"{}\" r=\"{}\" class=\"ring-line\"/>",
        esc(title),
        nodes.len(),
        keys.len(),
        px(c),
        px(c),
        px(r)
    );
    for (id, tokens) in nodes {
        for t in tokens {
            let (x, y) = at(*t, r);
            svg.push_str(&format!(
                "<circle cx=\"{x}\" cy=\"{y}\" r=\"5\" class=\"token s{}\"><title>{id} token {t}</title></circle>",
                id.0 % SERIES_COLOURS
            ));
        }
    }
    for (k, pos, owner) in keys {
        let (x, y) = at(*pos, r - 14.0);
        svg.push_str(&format!(
            "<circle cx=\"{x}\" cy=\"{y}\" r=\"3\" class=\"key-dot s{}\"><title>key {} at {pos}, owned by {owner}</title></circle>",
            owner.0 % SERIES_COLOURS,
            esc(k)
        ));
    }
    svg.push_str("</svg>");
    figure("ring-panel", "panel-ring", title, svg, html! {})
}

/// Client operations as bars from call to return, one row per client (more where its operations
/// overlap): a pending one runs on to `now_us`, drawn open-ended.
fn history(bars: &[Bar], now_us: u64) -> Html {
    if bars.is_empty() {
        return html! {};
    }
    let (rows, row_of) = lanes(bars);
    let t0 = bars.iter().map(|b| b.start_us).min().unwrap_or(0);
    let t1 = bars
        .iter()
        .map(|b| b.end_us.unwrap_or(now_us))
        .max()
        .unwrap_or(t0)
        .max(now_us);
    let span = (t1 - t0).max(1) as f64;
    let x = |t: u64| LEFT + (t.saturating_sub(t0)) as f64 / span * (WIDTH - LEFT - 8.0);
    let height = rows.len() as f64 * ROW + 8.0;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {WIDTH_TEXT} {}\" role=\"img\" aria-label=\"{} client operations as bars, one row per client\">",
        px(height),
        bars.len()
    );
    for (i, (c, lane, _)) in rows.iter().enumerate() {
        if *lane == 0 {
            svg.push_str(&format!(
                "<text x=\"4\" y=\"{}\" class=\"axis\">n{c}</text>",
                px(i as f64 * ROW + 16.0)
            ));
        }
    }
    for (b, row) in bars.iter().zip(&row_of) {
        let row = *row as f64;
        let (x0, x1) = (x(b.start_us), x(b.end_us.unwrap_or(t1)));
        let class = if b.end_us.is_some() {
            "op"
        } else {
            "op pending"
        };
        svg.push_str(&crate::svg::bar(
            x0,
            x1,
            row * ROW + 4.0,
            ROW - 8.0,
            class,
            &esc(&b.label),
        ));
    }
    svg.push_str("</svg>");
    let title = format!("Client operations ({}), from call to answer", bars.len());
    figure("history-panel", "panel-history", &title, svg, html! {})
}

/// Rows for history bars: one per client and lane, since a client that queues commands has
/// several in flight at once and overlapping bars on one row would hide each other. Returns the
/// rows as (client, lane, end of its last bar), in (client, lane) order, and each bar's row.
/// Rows are kept in order as they are made (a sort would add its own copy of the code).
fn lanes(bars: &[Bar]) -> (Vec<(u64, u32, u64)>, Vec<usize>) {
    let mut rows: Vec<(u64, u32, u64)> = Vec::new(); // (client, lane, end of its last bar)
    let mut row_of: Vec<usize> = Vec::with_capacity(bars.len());
    for b in bars {
        let end = b.end_us.unwrap_or(u64::MAX);
        let free = rows
            .iter()
            .position(|r| r.0 == b.client && r.2 < b.start_us);
        let i = match free {
            Some(i) => i,
            None => {
                let lane = rows.iter().filter(|r| r.0 == b.client).count() as u32;
                let at = rows
                    .iter()
                    .position(|r| (r.0, r.1) > (b.client, lane))
                    .unwrap_or(rows.len());
                for r in row_of.iter_mut().filter(|r| **r >= at) {
                    *r += 1;
                }
                rows.insert(at, (b.client, lane, 0));
                at
            }
        };
        rows[i].2 = end;
        row_of.push(i);
    }
    (rows, row_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(client: u64, start_us: u64, end_us: Option<u64>) -> Bar {
        Bar {
            client,
            label: String::new(),
            start_us,
            end_us,
        }
    }

    #[test]
    fn overlapping_operations_of_one_client_get_lanes_and_clients_stay_in_order() {
        let bars = [
            bar(6, 0, Some(10)),
            bar(5, 0, Some(10)),
            bar(5, 5, Some(20)),
            bar(5, 11, None),
            bar(5, 30, Some(40)),
        ];
        let (rows, row_of) = lanes(&bars);
        let keys: Vec<(u64, u32)> = rows.iter().map(|r| (r.0, r.1)).collect();
        assert_eq!(keys, [(5, 0), (5, 1), (6, 0)]);
        // n5's first bar takes lane 0 and the overlapping one lane 1; the pending one starts
        // after the first ended, so lane 0 again (and holds it for good); the last goes to lane 1,
        // free again after 20, rather than a new lane. n6 sorts after n5.
        assert_eq!(row_of, [2, 0, 1, 0, 1]);
    }

    #[test]
    fn labels_are_escaped_before_they_reach_the_markup() {
        assert_eq!(
            esc("<b onclick=\"x\">&'"),
            "&lt;b onclick=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
