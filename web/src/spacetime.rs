//! The space-time diagram: a lane per node, time to the right, an arrow per message,
//! each event labelled with its logical stamp. Selecting an event colours its causal
//! past and future (happens-before as the simulator computed it) and leaves the
//! concurrent events grey, which is the picture behind Lamport and vector clocks.

pub mod gesture;
pub mod window;

use crate::svg::{ms3, px, whole};
use gesture::{Gesture, GestureStep};
use netsplit_core::causality::{causal_events, CausalEvent, EventId};
use netsplit_core::{EventKind, TraceEvent};
use std::collections::BTreeMap;
use std::rc::Rc;
use window::View;
use yew::prelude::*;

const LANE_GAP: f64 = 56.0;
const TOP: f64 = 30.0;
const LEFT: f64 = 48.0;
/// The drawing's width before the figure has been laid out (then its own width in CSS px, so
/// text is drawn at its size on a phone as on a desktop).
const WIDTH: f64 = 900.0;
/// The narrowest drawing: a narrower figure scales it down a little.
const MIN_WIDTH: f64 = 340.0;
/// At most this many trace records are kept for the diagram (the most recent): how far back it
/// can scroll.
pub const MAX_RECORDS: usize = 1_500;
/// At most this many events are drawn (the latest in the window), so that a frame stays cheap;
/// the rest are counted in an "N more" marker.
pub const MAX_DRAWN: usize = 160;
/// Roughly how wide a character of a stamp label is, in viewBox units (10.5 px text).
const LABEL_CHAR: f64 = 6.2;

/// What to draw.
#[derive(Properties, PartialEq, Clone)]
pub struct SpaceTimeProps {
    /// The trace (or its tail), oldest first.
    pub events: Rc<Vec<TraceEvent>>,
    /// Cluster size.
    pub nodes: u32,
    /// Events of this step are ringed in red (a counterexample's failing step).
    #[prop_or_default]
    pub marked_step: Option<u64>,
    /// How many earlier trace records were not passed in (beyond [`MAX_RECORDS`]).
    #[prop_or_default]
    pub older: u64,
}

/// Which trace record each delivery is, by event: a receive's description without scanning the
/// trace per event, and without writing one for every record when only the drawn ones need it.
fn deliveries(trace: &[TraceEvent]) -> BTreeMap<EventId, usize> {
    trace
        .iter()
        .enumerate()
        .filter_map(|(i, t)| match &t.kind {
            EventKind::Delivered { to, .. } => Some((
                EventId {
                    step: t.step,
                    node: *to,
                },
                i,
            )),
            _ => None,
        })
        .collect()
}

fn describe(e: &CausalEvent, trace: &[TraceEvent], received: &BTreeMap<EventId, usize>) -> String {
    let delivery = received
        .get(&e.id)
        .and_then(|i| match &trace.get(*i)?.kind {
            EventKind::Delivered { from, msg, .. } => Some(format!("receives {msg} from {from}")),
            _ => None,
        });
    let what = delivery.unwrap_or_else(|| {
        if e.id.step == 0 {
            "starts".into()
        } else if e.sent.is_empty() {
            "local event".into()
        } else {
            "sends".into()
        }
    });
    let sent = if e.sent.is_empty() {
        String::new()
    } else {
        format!(
            ", sends {}",
            e.sent
                .iter()
                .map(|m| m.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let stamp = e
        .stamp
        .as_ref()
        .map(|s| format!(", {s}"))
        .unwrap_or_default();
    format!("{} {what} at {}{sent}{stamp}", e.id.node, e.at)
}

/// The diagram.
#[function_component(SpaceTimeDiagram)]
pub fn space_time_diagram(props: &SpaceTimeProps) -> Html {
    // The selected event by identity, so it stays selected while the window moves.
    let selected = use_state(|| None::<EventId>);
    let view = use_state(View::default);
    let gesture = use_mut_ref(Gesture::default);
    let arrow_id = crate::unique_id::use_unique_id("st-arrow");
    let figure = use_node_ref();
    // One viewBox unit per CSS pixel: the figure's width as laid out (observed, not read while
    // rendering, which would force a layout every frame).
    let width =
        crate::element_width::use_element_width(&figure).map_or(WIDTH, |w| w.max(MIN_WIDTH));
    let arrow_ref = format!("url(#{arrow_id})");
    let events = use_memo((props.events.clone(), props.nodes), |(trace, nodes)| {
        causal_events(trace, *nodes)
    });
    let received = use_memo(props.events.clone(), |trace| deliveries(trace));
    let n = props.nodes.max(1);
    let height = TOP + LANE_GAP * f64::from(n);
    let (first_us, last_us) = match (events.first(), events.last()) {
        (Some(a), Some(b)) => (a.at.0, b.at.0),
        _ => (0, 1),
    };
    let win = view.window(first_us, last_us);
    // Events in the window, oldest first; only the latest MAX_DRAWN are drawn.
    let lo = events.partition_point(|e| e.at.0 < win.start_us);
    let hi = events.partition_point(|e| e.at.0 <= win.end_us);
    let drawn_from = lo.max(hi.saturating_sub(MAX_DRAWN));
    let hidden = drawn_from - lo;
    let before = lo;
    let after = events.len() - hi;
    // With events hidden, the drawn ones get the whole width, from the first one drawn.
    let t0 = if hidden > 0 {
        events.get(drawn_from).map_or(win.start_us, |e| e.at.0)
    } else {
        win.start_us
    };
    let t1 = win.end_us.max(t0 + 1);
    let x =
        |at: u64| LEFT + (width - LEFT - 20.0) * (at.clamp(t0, t1) - t0) as f64 / (t1 - t0) as f64;
    let y = |node: u32| TOP + LANE_GAP * f64::from(node) + LANE_GAP / 2.0 - 10.0;
    let index_of = |id: EventId| events.iter().position(|e| e.id == id);
    let sel = (*selected).and_then(index_of);
    let relation = |i: usize| -> &'static str {
        match sel {
            None => "",
            Some(s) if s == i => "selected",
            Some(s) if events[i].happens_before(&events[s]) => "past",
            Some(s) if events[s].happens_before(&events[i]) => "future",
            Some(_) => "concurrent",
        }
    };
    let shown = drawn_from..hi;

    // Where each message was sent from (for drops), over the events drawn.
    let mut send_of = BTreeMap::new();
    for i in shown.clone() {
        for m in &events[i].sent {
            send_of.insert(*m, i);
        }
    }
    // A message sent before the window enters from its left edge.
    let arrows = shown.clone().filter_map(|i| {
        let e = &events[i];
        let (msg, s) = e.received?;
        let from = &events[s];
        Some(html! {
            <line class="st-msg" x1={px(x(from.at.0))} y1={px(y(from.id.node.0))}
                x2={px(x(e.at.0))} y2={px(y(e.id.node.0))} marker-end={arrow_ref.clone()}>
                <title>{format!("{msg}: {} → {}", from.id.node, e.id.node)}</title>
            </line>
        })
    });
    let drawn_t0 = events.get(drawn_from).map_or(0, |e| e.at.0);
    let drops = props.events.iter().filter_map(|t| match &t.kind {
        EventKind::Dropped {
            from,
            to,
            msg,
            reason,
            ..
        } if from.0 < n && to.0 < n && t.at.0 >= drawn_t0 && t.at.0 <= win.end_us => {
            let s = send_of.get(msg).map(|i| &events[*i])?;
            let (x1, y1) = (x(s.at.0), y(from.0));
            let (x2, y2) = (x(t.at.0.max(s.at.0)) + 18.0, (y(from.0) + y(to.0)) / 2.0);
            Some(html! {
                <g class="st-drop">
                    <line x1={px(x1)} y1={px(y1)} x2={px(x2)} y2={px(y2)} />
                    <text x={px(x2)} y={px(y2)}>{"✕"}</text>
                    <title>{format!("{msg} {from} → {to} dropped ({reason})")}</title>
                </g>
            })
        }
        _ => None,
    });
    // A stamp is written only where it has room after the previous one on its lane; the rest
    // show on hover (the title) and when selected (the caption).
    let mut label_end = vec![f64::MIN; n as usize];
    let dots = shown
        .clone()
        .map(|i| {
            let e = &events[i];
            let id = e.id;
            let onclick = {
                let selected = selected.clone();
                Callback::from(move |_: MouseEvent| {
                    selected.set(if *selected == Some(id) {
                        None
                    } else {
                        Some(id)
                    })
                })
            };
            let marked = props.marked_step == Some(e.id.step);
            let class = classes!("st-event", relation(i), marked.then_some("failed"));
            let (cx, cy) = (x(e.at.0), y(e.id.node.0));
            let label = e.stamp.as_ref().map(|s| s.to_string()).filter(|text| {
                let half = LABEL_CHAR * text.chars().count() as f64 / 2.0;
                let lane = &mut label_end[(e.id.node.0 % n) as usize];
                let fits = cx - half >= *lane + 3.0 || sel == Some(i);
                if fits {
                    *lane = cx + half;
                }
                fits
            });
            html! {
                <g {class} {onclick} data-testid="st-event">
                    <circle cx={px(cx)} cy={px(cy)} r={if marked { "8" } else { "5.5" }} />
                    if let Some(text) = label {
                        <text x={px(cx)} y={px(cy - 11.0)}>{text}</text>
                    }
                    <title>{describe(e, &props.events, &received)}</title>
                </g>
            }
        })
        .collect::<Vec<_>>();
    let lanes = (0..n).map(|i| {
        html! {
            <g class="st-lane">
                <text x="6" y={px(y(i) + 4.0)}>{format!("n{i}")}</text>
                <line x1={px(LEFT)} y1={px(y(i))} x2={px(width)} y2={px(y(i))} />
            </g>
        }
    });
    let set_view = {
        let view = view.clone();
        Callback::from(move |v: View| view.set(v))
    };
    let span_us = (win.end_us - win.start_us) as i64;
    let zoom_in = {
        let (set, v) = (set_view.clone(), *view);
        Callback::from(move |_: MouseEvent| set.emit(v.zoomed_in(win)))
    };
    let zoom_out = {
        let (set, v) = (set_view.clone(), *view);
        Callback::from(move |_: MouseEvent| set.emit(v.zoomed_out()))
    };
    let scroll = |fraction: i64| {
        let (set, v) = (set_view.clone(), *view);
        Callback::from(move |_: MouseEvent| {
            set.emit(v.scrolled(win, span_us * fraction / 2, last_us))
        })
    };
    let follow = {
        let (set, v) = (set_view.clone(), *view);
        Callback::from(move |_: MouseEvent| {
            set.emit(View {
                zoom: v.zoom,
                end_us: None,
            })
        })
    };
    let onkeydown = {
        let (selected, set, v) = (selected.clone(), set_view.clone(), *view);
        let ids: Vec<EventId> = shown.clone().map(|i| events[i].id).collect();
        let at = (*selected).and_then(|id| ids.iter().position(|x| *x == id));
        Callback::from(move |e: KeyboardEvent| {
            // + and - zoom, Shift and the arrows scroll; the arrows alone walk the events drawn.
            let zoom = match e.key().as_str() {
                "+" | "=" => Some(v.zoomed_in(win)),
                "-" | "_" => Some(v.zoomed_out()),
                "ArrowLeft" if e.shift_key() => Some(v.scrolled(win, -span_us / 2, last_us)),
                "ArrowRight" if e.shift_key() => Some(v.scrolled(win, span_us / 2, last_us)),
                _ => None,
            };
            if let Some(z) = zoom {
                e.prevent_default();
                set.emit(z);
                return;
            }
            let next = match (e.key().as_str(), at) {
                ("ArrowRight", None) | ("Home", _) => Some(0),
                ("ArrowRight", Some(i)) => Some((i + 1).min(ids.len().saturating_sub(1))),
                ("ArrowLeft", Some(i)) => Some(i.saturating_sub(1)),
                ("End", _) => ids.len().checked_sub(1),
                ("Escape", _) => None,
                _ => return,
            };
            e.prevent_default();
            selected.set(next.and_then(|i| ids.get(i).copied()));
        })
    };
    // Ctrl or ⌘ and the wheel (a trackpad's pinch arrives so) zoom; a sideways wheel scrolls.
    // A plain wheel is left to the page, which a reader scrolls through.
    let onwheel = {
        let (set, v) = (set_view.clone(), *view);
        Callback::from(move |e: WheelEvent| {
            if e.ctrl_key() || e.meta_key() {
                e.prevent_default();
                set.emit(if e.delta_y() < 0.0 {
                    v.zoomed_in(win)
                } else {
                    v.zoomed_out()
                });
            } else if e.delta_x().abs() > e.delta_y().abs() || e.shift_key() {
                e.prevent_default();
                let d = if e.delta_x() != 0.0 {
                    e.delta_x()
                } else {
                    e.delta_y()
                };
                set.emit(v.scrolled(
                    win,
                    if d < 0.0 { -span_us / 4 } else { span_us / 4 },
                    last_us,
                ));
            }
        })
    };
    // One pointer dragging scrolls (the window follows it: a mouse, a pen or one finger); two
    // fingers pinch to zoom.
    let onpointerdown = {
        let gesture = gesture.clone();
        Callback::from(move |e: PointerEvent| {
            gesture.borrow_mut().down(
                e.pointer_id(),
                f64::from(e.client_x()),
                f64::from(e.client_y()),
            )
        })
    };
    let onpointerup = {
        let gesture = gesture.clone();
        Callback::from(move |e: PointerEvent| gesture.borrow_mut().up(e.pointer_id()))
    };
    let onpointermove = {
        let (gesture, set, v) = (gesture.clone(), set_view.clone(), *view);
        Callback::from(move |e: PointerEvent| {
            let step = gesture.borrow_mut().moved(
                e.pointer_id(),
                f64::from(e.client_x()),
                f64::from(e.client_y()),
            );
            match step {
                None => {}
                Some(GestureStep::ZoomIn) => set.emit(v.zoomed_in(win)),
                Some(GestureStep::ZoomOut) => set.emit(v.zoomed_out()),
                Some(GestureStep::Drag(dx)) => {
                    let Some(width) = e
                        .target_dyn_into::<web_sys::Element>()
                        .and_then(|t| t.closest("svg").ok().flatten())
                        .map(|svg| svg.get_bounding_client_rect().width())
                        .filter(|w| *w > 0.0)
                    else {
                        return;
                    };
                    let delta = -(dx / width * span_us as f64) as i64;
                    set.emit(v.scrolled(win, delta, last_us));
                }
            }
        })
    };
    let summary = match sel {
        None => "Click an event (or focus the diagram and use the arrow keys) to see its causal past and future.".to_string(),
        Some(s) => {
            let past = (0..events.len()).filter(|i| relation(*i) == "past").count();
            let future = (0..events.len()).filter(|i| relation(*i) == "future").count();
            let conc = (0..events.len()).filter(|i| relation(*i) == "concurrent").count();
            format!("{}. Happened before it: {past} events (blue). After it: {future} (orange). Concurrent: {conc} (grey).", describe(&events[s], &props.events, &received))
        }
    };
    let following = view.end_us.is_none();
    html! {
        <figure class="spacetime" data-testid="spacetime" ref={figure}>
            <div class="row st-controls" role="group" aria-label="Time window">
                <button class="small" onclick={zoom_out} disabled={view.zoom == 0} data-testid="st-zoom-out" aria-label="Zoom out">{"−"}</button>
                <button class="small" onclick={zoom_in} disabled={view.zoom >= window::MAX_ZOOM} data-testid="st-zoom-in" aria-label="Zoom in">{"+"}</button>
                <button class="small" onclick={scroll(-1)} disabled={view.zoom == 0 || win.start_us <= first_us} data-testid="st-earlier">{"◀ Earlier"}</button>
                <button class="small" onclick={scroll(1)} disabled={following} data-testid="st-later">{"Later ▶"}</button>
                <button class="small" onclick={follow} disabled={following} data-testid="st-follow">{"Follow"}</button>
                <span class="muted" data-testid="st-window">{format!("{} to {} ms", ms3(win.start_us as i64), ms3(win.end_us as i64))}</span>
            </div>
            <svg viewBox={format!("0 0 {} {}", whole(width), whole(height))} tabindex="0" role="group" {onkeydown} {onwheel}
                {onpointerdown} {onpointermove} onpointerup={onpointerup.clone()} onpointercancel={onpointerup.clone()} onpointerleave={onpointerup}
                aria-label="Space-time diagram: a lane per node, time to the right, an arrow per message; + and - zoom, Shift and the arrows scroll; drag to scroll, pinch to zoom">
                <defs>
                    <marker id={arrow_id.clone()} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" />
                    </marker>
                </defs>
                { for lanes }
                { for arrows }
                { for drops }
                { for dots }
            </svg>
            if hidden + before + after > 0 || props.older > 0 {
                <p class="muted st-more" data-testid="st-more">{more_text(hidden, t0, before, after, props.older)}</p>
            }
            <figcaption aria-live="polite" data-testid="st-summary">{summary}</figcaption>
        </figure>
    }
}

/// The honest count of what is not drawn.
fn more_text(hidden: usize, drawn_from_us: u64, before: usize, after: usize, older: u64) -> String {
    let mut parts = Vec::new();
    if hidden > 0 {
        parts.push(format!(
            "{hidden} more events in this window are not drawn (only the latest {MAX_DRAWN} are, from {} ms): zoom in to see them",
            ms3(drawn_from_us as i64)
        ));
    }
    if before > 0 {
        parts.push(format!("{before} events before the window"));
    }
    if after > 0 {
        parts.push(format!("{after} after it"));
    }
    if older > 0 {
        parts.push(format!(
            "the diagram keeps the last {MAX_RECORDS} trace records, and {older} earlier ones are not in it: drag the timeline back to see an earlier part of the run"
        ));
    }
    let mut text = parts.join("; ");
    text.push('.');
    text
}
