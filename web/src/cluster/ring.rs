//! The cluster drawn as SVG: nodes on a ring, links between them, messages in flight.

use crate::svg::px;
use netsplit_core::{InFlight, NodeId, NodeView, SimTime};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Drawing area, in SVG user units.
const WIDTH: f64 = 420.0;
const HEIGHT: f64 = 320.0;
const NODE_RADIUS: f64 = 26.0;

/// What the ring shows and what clicking it does.
#[derive(Properties, PartialEq, Clone)]
pub struct RingProps {
    /// Every node.
    pub nodes: Vec<NodeView>,
    /// Messages on the wire.
    pub in_flight: Vec<InFlight>,
    /// Blocked directions `(from, to)`.
    pub blocked: Vec<(NodeId, NodeId)>,
    /// Messages dropped very recently, drawn as a cross where they died.
    pub recent_drops: Vec<(NodeId, NodeId)>,
    /// The instant drawn.
    pub view_time: SimTime,
    /// The node in the inspector.
    pub selected: Option<NodeId>,
    /// Partition group of each node.
    pub groups: Vec<u8>,
    /// Draw messages at fixed spots instead of gliding (prefers-reduced-motion).
    pub reduced_motion: bool,
    /// A node was clicked or chosen with Enter.
    pub on_select: Callback<NodeId>,
    /// C was pressed on a node.
    pub on_toggle_crash: Callback<NodeId>,
    /// A link was clicked or chosen with Enter.
    pub on_toggle_link: Callback<(NodeId, NodeId)>,
}

/// The position of node `i` of `n` on the ring.
pub fn node_position(i: u32, n: u32) -> (f64, f64) {
    let (cx, cy) = (WIDTH / 2.0, HEIGHT / 2.0);
    let r = if n <= 2 { 140.0 } else { 110.0 };
    let start = if n == 2 {
        std::f64::consts::PI
    } else {
        -std::f64::consts::FRAC_PI_2
    };
    let angle = start + std::f64::consts::TAU * f64::from(i) / f64::from(n.max(1));
    let (sin, cos) = sin_cos(angle);
    (cx + r * cos, cy + r * sin)
}

/// Sine and cosine: in the browser from JavaScript's `Math`, which saves the page Rust's own
/// trigonometry (about 3 KB gzip); natively (tests) from the standard library.
pub fn sin_cos(angle: f64) -> (f64, f64) {
    #[cfg(target_arch = "wasm32")]
    {
        (js_sys::Math::sin(angle), js_sys::Math::cos(angle))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        angle.sin_cos()
    }
}

/// Where a message is drawn: along its link from `a` (its sender's position) to `b` (its
/// receiver's) by how much of its latency has passed, shifted sideways so the two directions of
/// a link do not overlap.
pub fn message_position(
    m: &InFlight,
    (ax, ay): (f64, f64),
    (bx, by): (f64, f64),
    now: SimTime,
    reduced_motion: bool,
) -> (f64, f64) {
    let total = m.deliver_at.0.saturating_sub(m.sent_at.0).max(1) as f64;
    let done = now.0.saturating_sub(m.sent_at.0) as f64;
    let f = if reduced_motion {
        0.5
    } else {
        (done / total).clamp(0.0, 1.0)
    };
    let f = 0.12 + 0.76 * f; // start and end at the node's rim, not its centre
    let (dx, dy) = (bx - ax, by - ay);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let side = if m.from < m.to { 7.0 } else { -7.0 };
    (ax + dx * f - dy / len * side, ay + dy * f + dx / len * side)
}

/// Up to this many messages in flight are drawn one by one, each with its description on hover;
/// beyond it (a busy cluster: 600 heartbeats on slow links) they are drawn as one shape per
/// kind, which the browser paints at 60 fps where 600 elements and their titles, rebuilt every
/// frame, took 33 ms a frame (measured with `tools/frame-bench.mjs --in-flight 600`).
pub const MESSAGES_ONE_BY_ONE_MAX: usize = 100;

/// The SVG path of a dot of radius 6 at each of `points`, for drawing many messages as one shape.
pub fn dots_path(points: impl Iterator<Item = (f64, f64)>) -> String {
    let mut d = String::new();
    for (x, y) in points {
        d.push('M');
        d.push_str(&px(x - 6.0));
        d.push(',');
        d.push_str(&px(y));
        d.push_str("a6,6 0 1,0 12,0a6,6 0 1,0 -12,0");
    }
    d
}

/// Where focus goes from item `at` of `count` (the nodes, then the links) on `key`: the ring is
/// one tab stop, and the arrow keys, Home and End move inside it (WAI-ARIA's roving tabindex).
pub fn roving_target(at: u32, count: u32, key: &str) -> Option<u32> {
    if count == 0 {
        return None;
    }
    let at = at.min(count - 1);
    match key {
        "ArrowRight" | "ArrowDown" => Some((at + 1) % count),
        "ArrowLeft" | "ArrowUp" => Some((at + count - 1) % count),
        "Home" => Some(0),
        "End" => Some(count - 1),
        _ => None,
    }
}

/// The SVG ring.
#[function_component(Ring)]
pub fn ring(props: &RingProps) -> Html {
    let n = props.nodes.len() as u32;
    let items = n + n * n.saturating_sub(1) / 2;
    // The item that holds the ring's one tab stop: the last one focused.
    let active = use_state(|| 0u32);
    let current = (*active).min(items.saturating_sub(1));
    let tab_stop = move |k: u32| if k == current { "0" } else { "-1" };
    let roving = {
        let active = active.clone();
        Callback::from(move |(k, e): (u32, KeyboardEvent)| {
            let Some(to) = roving_target(k, items, &e.key()) else {
                return;
            };
            e.prevent_default();
            // The key's target (Yew delegates events, so the current target is the app's root).
            let target = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|el| el.closest("svg").ok().flatten())
                .and_then(|svg| {
                    svg.query_selector(&format!("[data-item='{to}']"))
                        .ok()
                        .flatten()
                })
                .and_then(|el| el.dyn_into::<web_sys::SvgElement>().ok());
            if let Some(el) = target {
                let _ = el.focus();
            }
            active.set(to);
        })
    };
    let on_focus = {
        let active = active.clone();
        Callback::from(move |k: u32| active.set(k))
    };
    // Each node's position, worked out once per frame (each costs two calls into JavaScript).
    let at: Vec<(f64, f64)> = (0..n).map(|i| node_position(i, n)).collect();
    let mut links = Vec::new();
    let mut link_item = n;
    for a in 0..n {
        for b in (a + 1)..n {
            let (a, b) = (NodeId(a), NodeId(b));
            let ab = props.blocked.contains(&(a, b));
            let ba = props.blocked.contains(&(b, a));
            let (x1, y1) = at[a.index()];
            let (x2, y2) = at[b.index()];
            let (class, state) = match (ab, ba) {
                (true, true) => ("link cut", "cut".to_string()),
                (true, false) => (
                    "link oneway",
                    format!("one way: {b} hears nothing from {a}"),
                ),
                (false, true) => (
                    "link oneway",
                    format!("one way: {a} hears nothing from {b}"),
                ),
                (false, false) => ("link", "connected".to_string()),
            };
            let label = format!(
                "Link {a}–{b}: {state}. Press Enter to {}.",
                if ab || ba { "repair" } else { "cut" }
            );
            let onclick = {
                let cb = props.on_toggle_link.clone();
                Callback::from(move |_: MouseEvent| cb.emit((a, b)))
            };
            let k = link_item;
            link_item += 1;
            let onkeydown = {
                let (cb, roving) = (props.on_toggle_link.clone(), roving.clone());
                Callback::from(move |e: KeyboardEvent| {
                    if e.key() == "Enter" || e.key() == " " {
                        e.prevent_default();
                        cb.emit((a, b));
                    } else {
                        roving.emit((k, e));
                    }
                })
            };
            let onfocus = {
                let on_focus = on_focus.clone();
                Callback::from(move |_: FocusEvent| on_focus.emit(k))
            };
            links.push(html! {
                <g class={class} role="button" tabindex={tab_stop(k)} data-item={k.to_string()} aria-label={label.clone()} data-testid={format!("link-{}-{}", a.0, b.0)} {onclick} {onkeydown} {onfocus}>
                    <title>{label}</title>
                    <line class="link-hit" x1={px(x1)} y1={px(y1)} x2={px(x2)} y2={px(y2)} />
                    <line class="link-line" x1={px(x1)} y1={px(y1)} x2={px(x2)} y2={px(y2)} />
                </g>
            });
        }
    }

    let on_wire: Vec<&InFlight> = props
        .in_flight
        .iter()
        .filter(|m| m.to.0 < n && m.from.0 < n)
        .collect();
    let place = |m: &InFlight| {
        message_position(
            m,
            at[m.from.index()],
            at[m.to.index()],
            props.view_time,
            props.reduced_motion,
        )
    };
    let messages: Html = if on_wire.len() <= MESSAGES_ONE_BY_ONE_MAX {
        on_wire.iter().map(|m| {
            let (x, y) = place(m);
            html! {
                <g class={if m.held { "message held" } else { "message" }} data-testid="message">
                    <circle cx={px(x)} cy={px(y)} r="6" />
                    <title>{if m.held {
                        format!("{} {} → {}: {} (sent {}, held since {})", m.msg, m.from, m.to, m.label, m.sent_at, m.deliver_at)
                    } else {
                        format!("{} {} → {}: {} (sent {}, arrives {})", m.msg, m.from, m.to, m.label, m.sent_at, m.deliver_at)
                    }}</title>
                </g>
            }
        }).collect()
    } else {
        let crowd = |held: bool| {
            let points: Vec<(f64, f64)> = on_wire
                .iter()
                .filter(|m| m.held == held)
                .map(|m| place(m))
                .collect();
            let count = points.len();
            let d = dots_path(points.into_iter());
            (count > 0).then(|| html! {
                <g class={if held { "message held" } else { "message" }} data-testid="message-crowd" data-count={count.to_string()}>
                    <path {d} />
                    <title>{format!("{count} messages {}", if held { "held" } else { "in flight" })}</title>
                </g>
            })
        };
        html! { <>{ crowd(false) }{ crowd(true) }</> }
    };

    let drops = props
        .recent_drops
        .iter()
        .filter(|(a, b)| a.0 < n && b.0 < n)
        .map(|(a, b)| {
            let (ax, ay) = at[a.index()];
            let (bx, by) = at[b.index()];
            let (x, y) = (ax + (bx - ax) * 0.6, ay + (by - ay) * 0.6);
            html! { <text class="drop-mark" x={px(x)} y={px(y)} aria-hidden="true">{"✕"}</text> }
        });

    let nodes = props.nodes.iter().map(|v| {
        let id = v.id;
        let (x, y) = at[id.index()];
        let group = props.groups.get(id.index()).copied().unwrap_or(0);
        let mut class = classes!("node", format!("group-{group}"));
        let paused = v.up && v.paused_until.is_some();
        if !v.up {
            class.push("down");
        }
        if paused {
            class.push("paused");
        }
        if props.selected == Some(id) {
            class.push("selected");
        }
        // The name starts with the text drawn (the id, then the badge or "crashed"), as WCAG's
        // label-in-name asks, so a voice user can say what they see.
        let label = if !v.up {
            format!("{id} crashed. Enter to inspect, C to restart.")
        } else if paused {
            format!("{id} paused, node up but stopped. Enter to inspect, C to crash.")
        } else if v.badge.is_empty() {
            format!("{id}, node up. Enter to inspect, C to crash.")
        } else {
            format!("{id} {}, node up. Enter to inspect, C to crash.", v.badge)
        };
        let onclick = {
            let cb = props.on_select.clone();
            Callback::from(move |_: MouseEvent| cb.emit(id))
        };
        let k = id.0;
        let onkeydown = {
            let select = props.on_select.clone();
            let crash = props.on_toggle_crash.clone();
            let roving = roving.clone();
            Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
                "Enter" | " " => {
                    e.prevent_default();
                    select.emit(id);
                }
                "c" | "C" => crash.emit(id),
                _ => roving.emit((k, e)),
            })
        };
        let onfocus = {
            let on_focus = on_focus.clone();
            Callback::from(move |_: FocusEvent| on_focus.emit(k))
        };
        html! {
            <g {class} role="button" tabindex={tab_stop(k)} data-item={k.to_string()} aria-label={label} aria-pressed={(props.selected == Some(id)).to_string()}
               data-testid={format!("node-{}", id.0)} {onclick} {onkeydown} {onfocus}>
                <circle cx={px(x)} cy={px(y)} r={px(NODE_RADIUS)} />
                <text class="node-id" x={px(x)} y={px(y + 1.0)}>{id.to_string()}</text>
                <text class="node-badge" x={px(x)} y={px(y + NODE_RADIUS + 16.0)}>
                    // The leading space is not drawn; it keeps "n0" and the badge two words in
                    // the text that accessibility tools compare with the name.
                    { if !v.up { " crashed".to_string() } else if paused { " paused".to_string() } else { format!(" {}", v.badge) } }
                </text>
            </g>
        }
    });

    html! {
        <svg class="ring" viewBox={format!("0 0 {} {}", px(WIDTH), px(HEIGHT))} role="group" aria-label="Cluster: nodes, then links; arrow keys move between them">
            { for links }
            { messages }
            { for drops }
            { for nodes }
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::{dots_path, roving_target};

    #[test]
    fn many_messages_are_one_path_with_a_dot_each() {
        let d = dots_path([(10.0, 20.0), (30.5, 40.0)].into_iter());
        assert_eq!(d.matches('M').count(), 2);
        assert!(d.starts_with("M4.0,20.0a6,6"), "{d}");
        assert!(d.contains("M24.5,40.0a6,6"), "{d}");
        assert_eq!(dots_path(std::iter::empty()), "");
    }

    #[test]
    fn the_arrow_keys_move_around_the_ring_and_wrap() {
        assert_eq!(roving_target(0, 6, "ArrowRight"), Some(1));
        assert_eq!(roving_target(5, 6, "ArrowDown"), Some(0));
        assert_eq!(roving_target(0, 6, "ArrowLeft"), Some(5));
        assert_eq!(roving_target(3, 6, "Home"), Some(0));
        assert_eq!(roving_target(3, 6, "End"), Some(5));
        assert_eq!(roving_target(3, 6, "c"), None);
        assert_eq!(roving_target(0, 0, "ArrowRight"), None);
        // An index past the end (the cluster shrank) counts from the last item.
        assert_eq!(roving_target(9, 3, "ArrowRight"), Some(0));
    }
}
