//! The live cluster widget: a ring of nodes, controls, inspector and log around one simulation.

use super::controls::controls;
use super::event_log::{EventLog, LogLine};
use super::held::held_list;
use super::inspector::Inspector;
use super::log_grid::LogGrid;
use super::network_panel::NetworkPanel;
use super::panels::panels;
use super::partition_panel::PartitionPanel;
use super::playback::Playback;
use super::ring::Ring;
use super::state::{Action, ClusterState};
use crate::pages::playground::link_for;
use crate::spacetime::{SpaceTimeDiagram, MAX_RECORDS};
use gloo_render::{request_animation_frame, AnimationFrame};
use netsplit_core::panels::history_bars;
use netsplit_core::replay::Recording;
use netsplit_core::share::SharedRun;
use netsplit_core::{EventKind, Fault, NodeId, Scenario};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// How many log lines to render.
const LOG_LINES: usize = 150;
/// Drops this recent (simulated µs) are drawn as a cross.
const RECENT_DROP_US: u64 = 20_000;

/// What the widget runs and how it is introduced.
#[derive(Properties, PartialEq, Clone)]
pub struct ClusterWidgetProps {
    /// The scenario to run.
    pub scenario: Scenario,
    /// An id for tests and links (the scenario id in a lesson).
    #[prop_or_default]
    pub id: AttrValue,
    /// A heading.
    #[prop_or_default]
    pub title: AttrValue,
    /// What the widget's region is called before its title ("Live cluster: …"): a page with two
    /// widgets of one scenario (a predict item's and the lesson's) names them apart, as
    /// screen-reader landmark lists need.
    #[prop_or(AttrValue::Static("Live cluster"))]
    pub region: AttrValue,
    /// What to try.
    #[prop_or_default]
    pub description: AttrValue,
    /// Play back this recorded run instead of simulating (faults cannot be added).
    #[prop_or_default]
    pub recording: Option<Rc<Recording>>,
    /// Ring the events of this step in the space-time diagram (a counterexample's failure).
    #[prop_or_default]
    pub marked_step: Option<u64>,
}

/// True if the learner asked the system for less motion.
pub fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

type FrameSlot = Rc<RefCell<Option<AnimationFrame>>>;

/// Keeps requesting animation frames, dispatching a tick with the real time between them.
fn animate(slot: FrameSlot, dispatch: UseReducerDispatcher<ClusterState>, last_ms: Option<f64>) {
    let next = slot.clone();
    let frame = request_animation_frame(move |now_ms| {
        let real_ms = last_ms.map_or(16.0, |l| now_ms - l);
        dispatch.dispatch(Action::Tick { real_ms });
        animate(next, dispatch, Some(now_ms));
    });
    *slot.borrow_mut() = Some(frame);
}

fn log_kind(kind: &EventKind) -> &'static str {
    match kind {
        EventKind::Sent { .. } => "send",
        EventKind::Delivered { .. } => "recv",
        EventKind::Dropped { .. } => "drop",
        EventKind::TimerFired { .. } => "timer",
        EventKind::Crashed { .. }
        | EventKind::Restarted { .. }
        | EventKind::Partitioned { .. }
        | EventKind::Healed { .. } => "fault",
        EventKind::Configured { .. } => "config",
        EventKind::Note { .. } => "note",
        EventKind::Stamped { .. } => "stamp",
        EventKind::Requested { .. } => "request",
        EventKind::Invoked { .. } | EventKind::Completed { .. } => "client",
        EventKind::Violation { .. } => "violation",
    }
}

/// The widget.
#[function_component(ClusterWidget)]
pub fn cluster_widget(props: &ClusterWidgetProps) -> Html {
    let state = {
        let (scenario, recording) = (props.scenario.clone(), props.recording.clone());
        use_reducer(move || ClusterState::new(scenario, prefers_reduced_motion(), recording))
    };
    {
        // A new scenario from the parent (the playground's pickers) starts a new run.
        let (dispatcher, current) = (state.dispatcher(), state.scenario());
        use_effect_with(props.scenario.clone(), move |s| {
            if *s != current {
                dispatcher.dispatch(Action::Reconfigure(Box::new(s.clone())));
            }
        });
    }
    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.playing, move |playing| {
            let slot: FrameSlot = Rc::default();
            if *playing {
                animate(slot.clone(), dispatcher, None);
            }
            move || drop(slot.borrow_mut().take())
        });
    }

    // The link made by "Share this run", shown for copying until the next share.
    let share_link = use_state(|| None::<String>);
    let show_spacetime = {
        let stamps = props.recording.is_some() || props.scenario.protocol.opens_with_spacetime();
        use_state(move || stamps)
    };
    let toggle_spacetime = {
        let show = show_spacetime.clone();
        Callback::from(move |_: MouseEvent| show.set(!*show))
    };
    let d = state.dispatcher();
    let cb = |f: fn(()) -> Action| {
        let d = d.clone();
        Callback::from(move |x: ()| d.dispatch(f(x)))
    };
    let on_play = cb(|_| Action::Play);
    let on_pause = cb(|_| Action::Pause);
    let on_step = cb(|_| Action::Step);
    let on_reset = cb(|_| Action::Reset);
    let on_heal = cb(|_| Action::Inject(Fault::Heal));
    let on_seek = {
        let d = d.clone();
        Callback::from(move |s| d.dispatch(Action::Seek(s)))
    };
    let on_seed = {
        let d = d.clone();
        Callback::from(move |s| d.dispatch(Action::SetSeed(s)))
    };
    let on_speed = {
        let d = d.clone();
        Callback::from(move |s| d.dispatch(Action::SetSpeed(s)))
    };
    let on_select = {
        let (d, selected) = (d.clone(), state.selected);
        Callback::from(move |n: NodeId| {
            d.dispatch(Action::Select(if selected == Some(n) {
                None
            } else {
                Some(n)
            }))
        })
    };
    let on_toggle_crash = {
        let d = d.clone();
        Callback::from(move |n| d.dispatch(Action::ToggleCrash(n)))
    };
    let on_toggle_link = {
        let d = d.clone();
        Callback::from(move |(a, b)| d.dispatch(Action::ToggleLink(a, b)))
    };
    let on_isolate = {
        let d = d.clone();
        Callback::from(move |node| d.dispatch(Action::Inject(Fault::Isolate { node })))
    };
    // Injects a fault the protocol declared: a control's button or a node's action.
    let on_skew = {
        let d = d.clone();
        Callback::from(move |(node, skew_us)| {
            d.dispatch(Action::Inject(Fault::ClockSkew { node, skew_us }))
        })
    };
    let on_drift = {
        let d = d.clone();
        Callback::from(move |(node, drift_ppm)| {
            d.dispatch(Action::Inject(Fault::ClockDrift { node, drift_ppm }))
        })
    };
    let on_move = {
        let d = d.clone();
        Callback::from(move |(n, g)| d.dispatch(Action::MoveToGroup(n, g)))
    };
    let on_network = {
        let d = d.clone();
        Callback::from(move |c| d.dispatch(Action::SetNetwork(c)))
    };

    let session = state.session.borrow();
    let sim = session.runner();
    let view_time = session.view_time();
    let nodes = sim.node_views();
    let in_flight = sim.in_flight();
    let blocked: Vec<_> = sim.network().blocked().collect();
    let events = sim.trace().events();
    let recent_drops = events
        .iter()
        .rev()
        .take_while(|e| e.at.0 + RECENT_DROP_US >= view_time.0)
        .filter_map(|e| match &e.kind {
            EventKind::Dropped { from, to, .. } => Some((*from, *to)),
            _ => None,
        })
        .collect::<Vec<_>>();
    let lines = events
        .iter()
        .rev()
        .take(LOG_LINES)
        .map(|e| LogLine {
            step: e.step,
            text: e.to_string(),
            kind: log_kind(&e.kind),
        })
        .collect::<Vec<_>>();
    let violations = sim.violations();
    let show_diagram = *show_spacetime;
    // The diagram's events, and how many earlier records it does not have (it says so). A
    // recording's diagram shows the whole run (its failure marked); a live one shows the most
    // recent records, cut at a step boundary so no event is split.
    let diagram_events = show_diagram.then(|| match &props.recording {
        Some(all) => (all.events.clone(), 0),
        None => {
            let mut start = events.len().saturating_sub(MAX_RECORDS);
            while start > 0 && start < events.len() && events[start].step == events[start - 1].step
            {
                start += 1;
            }
            (Rc::new(events[start..].to_vec()), start as u64)
        }
    });
    let held = sim.held();
    let shown_panels = sim.panels();
    let bars = history_bars(sim.history());
    let net = *sim.network().default_config();
    let selected = state.selected.and_then(|s| nodes.get(s.index()).cloned());
    let step = sim.steps();
    let total = sim.trace().recorded();
    let digest = sim.trace().digest();
    let scenario = session.scenario().clone();
    let furthest = session.furthest_step().max(step);
    // A recorded run is watched, not changed: its protocol's controls are not offered.
    let offered = if props.recording.is_none() {
        scenario
            .protocol
            .controls(scenario.nodes, session.live_faults())
    } else {
        Vec::new()
    };
    drop(session);
    let share = {
        let (state, link) = (state.clone(), share_link.clone());
        Callback::from(move |_: MouseEvent| {
            // Exactly the plan the widget replays from (its scrubber rebuilds the run this way).
            let scenario = state.session.borrow().played();
            link.set(Some(link_for(&SharedRun {
                scenario,
                code: None,
            })));
        })
    };

    let on_set = {
        let (d, scenario) = (d.clone(), scenario.clone());
        Callback::from(move |(id, value): (&'static str, u32)| {
            if let Some(protocol) = scenario.protocol.with_control(id, value) {
                let mut s = scenario.clone();
                s.protocol = protocol;
                d.dispatch(Action::Reconfigure(Box::new(s)));
            }
        })
    };
    // Injects what the protocol declared: a control's button or a node's own action.
    let on_inject = {
        let d = d.clone();
        Callback::from(move |f: Fault| d.dispatch(Action::Inject(f)))
    };

    html! {
        <section class="cluster-widget" data-testid="cluster-widget" data-scenario={props.id.clone()}
            aria-label={format!("{}: {}", props.region, props.title)}>
            if !props.title.is_empty() { <h3>{props.title.clone()}</h3> }
            if !props.description.is_empty() { <p class="description">{props.description.clone()}</p> }
            { controls(&offered, &on_set, &on_inject) }
            if !violations.is_empty() {
                <div class="violation-banner" role="alert" data-testid="violation">
                    { for violations.iter().map(|v| html! { <p><strong>{format!("Invariant broken: {}", v.invariant)}</strong>{format!(" — {}", v.detail)}</p> }) }
                </div>
            }
            if let Some(e) = &state.error { <p class="error" role="alert">{e.clone()}</p> }
            <div class="cw-main">
                <Ring nodes={nodes.clone()} {in_flight} {blocked} {recent_drops} {view_time}
                    selected={state.selected} groups={state.groups.clone()} reduced_motion={state.reduced_motion}
                    {on_select} on_toggle_crash={on_toggle_crash.clone()} {on_toggle_link} />
                <Inspector node={selected} {on_toggle_crash} {on_isolate} {on_skew} {on_drift} on_action={on_inject.clone()} />
            </div>
            { held_list(&held, &on_inject) }
            <LogGrid nodes={nodes.clone()} />
            { panels(&shown_panels, &bars, view_time.0) }
            <Playback playing={state.playing} finished={state.finished()} {step} {furthest}
                now={view_time} seed={scenario.seed} speed={state.speed_us_per_ms}
                {on_play} {on_pause} {on_step} {on_seek} {on_seed} {on_speed} {on_reset} />
            <p class="muted digest">{"Trace digest "}<code data-testid="digest">{digest}</code>{format!(" after step {step}: the same seed and plan always give the same digest.")}</p>
            if props.recording.is_none() {
                <div class="row share">
                    <button onclick={share} data-testid="share">{"Share this run"}</button>
                    if let Some(url) = &*share_link {
                        <input type="text" readonly=true value={url.clone()} aria-label="Link to this run" data-testid="share-link"
                            onfocus={Callback::from(|e: FocusEvent| { let i: web_sys::HtmlInputElement = e.target_unchecked_into(); i.select(); })} />
                    }
                </div>
            }
            <div class="row">
                <button onclick={toggle_spacetime} aria-expanded={show_diagram.to_string()} data-testid="toggle-spacetime">
                    { if show_diagram { "Hide the space-time diagram" } else { "Show the space-time diagram" } }
                </button>
            </div>
            if let Some((events, older)) = diagram_events {
                <SpaceTimeDiagram {events} {older} nodes={nodes.len() as u32} marked_step={props.marked_step} />
            }
            if props.recording.is_none() {
                <div class="cw-panels">
                    <NetworkPanel config={net} on_change={on_network} />
                    <PartitionPanel groups={state.groups.clone()} {on_move} {on_heal} />
                </div>
            }
            <EventLog {lines} {total} />
            <p class="sr-only" aria-live="polite" data-testid="status">{state.status.clone()}</p>
        </section>
    }
}
