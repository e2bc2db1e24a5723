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
use crate::lab::LabRun;
use crate::pages::playground::link_for_text;
use crate::spacetime::{SpaceTimeDiagram, MAX_RECORDS};
use gloo_render::{request_animation_frame, AnimationFrame};
use netsplit_core::frame::{Frame, HeldEvents};
use netsplit_core::live::{Answer, Command};
use netsplit_core::replay::Recording;
use netsplit_core::{EventKind, Fault, NodeId, Scenario};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// How many log lines to render.
const LOG_LINES: usize = 150;

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

/// Real milliseconds one animation step may cover at most (a tab in the background, a slow
/// frame): the run then moves on at most this much, rather than jumping.
const MAX_FRAME_MS: f64 = 100.0;

/// Keeps requesting animation frames; each asks the lab to advance by the real time since the
/// last request at the chosen speed, unless the last request has not been answered yet (then
/// the time adds up for the next).
fn animate(slot: FrameSlot, run: Rc<LabRun>, speed: u64, last_ms: Option<f64>, owed_ms: f64) {
    let next = slot.clone();
    let frame = request_animation_frame(move |now_ms| {
        let owed = owed_ms + last_ms.map_or(16.0, |l| now_ms - l);
        let owed = if run.pending.get() {
            owed
        } else {
            let by_us = (owed.clamp(0.0, MAX_FRAME_MS) * speed as f64) as u64;
            run.send(Command::Advance { by_us });
            0.0
        };
        animate(next, run, speed, Some(now_ms), owed);
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
        | EventKind::Healed { .. }
        | EventKind::Paused { .. }
        | EventKind::Resumed { .. } => "fault",
        EventKind::Configured { .. } => "config",
        EventKind::Note { .. } => "note",
        EventKind::Stamped { .. } => "stamp",
        EventKind::Requested { .. } => "request",
        EventKind::Invoked { .. } | EventKind::Completed { .. } => "client",
        EventKind::Violation { .. } => "violation",
    }
}

/// A callback that sends the lab the command `command` makes of its argument.
fn sender<T: 'static>(run: &Rc<LabRun>, command: fn(T) -> Command) -> Callback<T> {
    let run = run.clone();
    Callback::from(move |x: T| run.send(command(x)))
}

/// The widget.
#[function_component(ClusterWidget)]
pub fn cluster_widget(props: &ClusterWidgetProps) -> Html {
    // The run's trace events, shared by its connection (which fills them from each frame) and
    // the state (which draws them).
    let events = use_memo((), |_| {
        Rc::new(RefCell::new(HeldEvents::new(MAX_RECORDS as u64)))
    });
    let state = {
        let events = (*events).clone();
        use_reducer(move || ClusterState::new(prefers_reduced_motion(), events))
    };
    let run = {
        let (scenario, recording, d) = (
            props.scenario.clone(),
            props.recording.clone(),
            state.dispatcher(),
        );
        let events = (*events).clone();
        use_memo((), move |_| {
            let on_frame = Callback::from(move |(answer, frame): (Answer, Box<Frame>)| {
                d.dispatch(Action::Frame(answer, frame))
            });
            LabRun::open(scenario, recording.as_deref(), events, on_frame)
        })
    };
    {
        // A new scenario from the parent (the playground's pickers) starts a new run.
        let (run, sent) = (run.clone(), use_mut_ref(|| props.scenario.clone()));
        use_effect_with(props.scenario.clone(), move |s| {
            if *s != *sent.borrow() {
                *sent.borrow_mut() = s.clone();
                run.send(Command::Reconfigure(Box::new(s.clone())));
            }
        });
    }
    {
        let run = run.clone();
        use_effect_with(
            (state.playing, state.speed_us_per_ms),
            move |(playing, speed)| {
                let slot: FrameSlot = Rc::default();
                if *playing {
                    animate(slot.clone(), run, *speed, None, 0.0);
                }
                move || drop(slot.borrow_mut().take())
            },
        );
    }

    // The space-time diagram shows as the learner last chose, or as the protocol opens.
    let chosen_spacetime = use_state(|| None::<bool>);
    let frame = state.frame.clone();
    let show_diagram =
        chosen_spacetime.unwrap_or(props.recording.is_some() || frame.opens_with_spacetime);
    {
        // Hold the diagram's records while it shows, the log's lines otherwise.
        let (run, loaded) = (run.clone(), state.loaded);
        use_effect_with((show_diagram, loaded), move |(show, loaded)| {
            let keep = if *show { MAX_RECORDS } else { LOG_LINES } as u64;
            let more = keep > run.events.borrow().held().keep;
            run.events.borrow_mut().set_keep(keep);
            if more && *loaded {
                run.send(Command::Refresh);
            }
        });
    }
    let toggle_spacetime = {
        let chosen = chosen_spacetime.clone();
        Callback::from(move |_: MouseEvent| chosen.set(Some(!show_diagram)))
    };
    let on_play = sender(&run, |()| Command::Play);
    let on_pause = {
        let (run, d) = (run.clone(), state.dispatcher());
        Callback::from(move |_: ()| {
            d.dispatch(Action::Pause);
            run.send(Command::Pause);
        })
    };
    let on_step = sender(&run, |()| Command::Step);
    let on_reset = sender(&run, |()| Command::Reset);
    let on_heal = sender(&run, |()| Command::Inject(Fault::Heal));
    let on_seek = sender(&run, Command::Seek);
    let on_seed = sender(&run, Command::SetSeed);
    let on_speed = {
        let d = state.dispatcher();
        Callback::from(move |s| d.dispatch(Action::SetSpeed(s)))
    };
    let on_select = {
        let (d, selected) = (state.dispatcher(), state.selected);
        Callback::from(move |n: NodeId| {
            d.dispatch(Action::Select(if selected == Some(n) {
                None
            } else {
                Some(n)
            }))
        })
    };
    let on_toggle_crash = sender(&run, Command::ToggleCrash);
    let on_toggle_link = {
        let run = run.clone();
        Callback::from(move |(a, b)| run.send(Command::ToggleLink(a, b)))
    };
    let on_isolate = {
        let run = run.clone();
        Callback::from(move |node| run.send(Command::Inject(Fault::Isolate { node })))
    };
    let on_skew = {
        let run = run.clone();
        Callback::from(move |(node, skew_us)| {
            run.send(Command::Inject(Fault::ClockSkew { node, skew_us }))
        })
    };
    let on_drift = {
        let run = run.clone();
        Callback::from(move |(node, drift_ppm)| {
            run.send(Command::Inject(Fault::ClockDrift { node, drift_ppm }))
        })
    };
    let on_move = {
        let run = run.clone();
        Callback::from(move |(n, g)| run.send(Command::MoveToGroup(n, g)))
    };
    let on_network = sender(&run, Command::SetNetwork);
    // Sets a protocol's control (the run restarts with it) or injects what a control's button
    // or a node's action carries.
    let on_set = {
        let run = run.clone();
        Callback::from(move |(id, value): (String, u32)| {
            run.send(Command::SetControl { id, value })
        })
    };
    let on_inject = sender(&run, Command::Inject);
    let share = {
        let run = run.clone();
        Callback::from(move |_: MouseEvent| run.send(Command::Share))
    };
    let share_link = state.link.as_deref().map(link_for_text);

    let view_time = frame.view_time;
    let nodes = frame.nodes.clone();
    let held_events = state.events.borrow();
    let events = held_events.events();
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
            (
                Rc::new(events[start..].to_vec()),
                held_events.start() + start as u64,
            )
        }
    });
    drop(held_events);
    let selected = state.selected.and_then(|s| nodes.get(s.index()).cloned());
    let step = frame.step;
    let violations = &frame.violations;
    if let Some(why) = crate::lab::broken() {
        return html! {
            <section class="cluster-widget" data-testid="cluster-widget" data-scenario={props.id.clone()}
                aria-label={format!("{}: {}", props.region, props.title)}>
                if !props.title.is_empty() { <h3>{props.title.clone()}</h3> }
                <p class="error" role="alert">{format!("The live cluster cannot run: {why}.")}</p>
            </section>
        };
    }
    if !state.loaded {
        return html! {
            <section class="cluster-widget" data-testid="cluster-widget" data-scenario={props.id.clone()}
                aria-label={format!("{}: {}", props.region, props.title)} aria-busy="true">
                if !props.title.is_empty() { <h3>{props.title.clone()}</h3> }
                if !props.description.is_empty() { <p class="description">{props.description.clone()}</p> }
                <p class="muted loading" role="status">{"Starting the lab…"}</p>
            </section>
        };
    }

    html! {
        <section class="cluster-widget" data-testid="cluster-widget" data-scenario={props.id.clone()}
            aria-label={format!("{}: {}", props.region, props.title)}>
            if !props.title.is_empty() { <h3>{props.title.clone()}</h3> }
            if !props.description.is_empty() { <p class="description">{props.description.clone()}</p> }
            { controls(&frame.controls, &on_set, &on_inject) }
            if !violations.is_empty() {
                <div class="violation-banner" role="alert" data-testid="violation">
                    { for violations.iter().map(|v| html! { <p><strong>{format!("Invariant broken: {}", v.invariant)}</strong>{format!(" — {}", v.detail)}</p> }) }
                </div>
            }
            if let Some(e) = &state.error { <p class="error" role="alert">{e.clone()}</p> }
            <div class="cw-main">
                <Ring nodes={nodes.clone()} in_flight={frame.in_flight.clone()} blocked={frame.blocked.clone()} recent_drops={frame.recent_drops.clone()} {view_time}
                    selected={state.selected} groups={frame.groups.clone()} reduced_motion={state.reduced_motion}
                    {on_select} on_toggle_crash={on_toggle_crash.clone()} {on_toggle_link} />
                <Inspector node={selected} {on_toggle_crash} {on_isolate} {on_skew} {on_drift} on_action={on_inject.clone()} />
            </div>
            { held_list(&frame.held, valence_choices(&frame.panels), &on_inject) }
            <LogGrid nodes={nodes.clone()} />
            { panels(&frame.panels, &frame.bars, view_time.0) }
            <Playback playing={state.playing} finished={frame.finished} {step} furthest={frame.furthest}
                now={view_time} seed={frame.seed} speed={state.speed_us_per_ms}
                {on_play} {on_pause} {on_step} {on_seek} {on_seed} {on_speed} {on_reset} />
            <p class="muted digest">{"Trace digest "}<code data-testid="digest">{frame.digest.clone()}</code>{format!(" after step {step}: the same seed and plan always give the same digest.")}</p>
            if props.recording.is_none() {
                <div class="row share">
                    <button onclick={share} data-testid="share">{"Share this run"}</button>
                    if let Some(url) = &share_link {
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
                    <NetworkPanel config={frame.net} on_change={on_network} />
                    <PartitionPanel groups={frame.groups.clone()} {on_move} {on_heal} />
                </div>
            }
            <EventLog {lines} total={frame.recorded} />
            <p class="sr-only" aria-live="polite" data-testid="status">{state.status.clone()}</p>
        </section>
    }
}

/// The valence panel's choices, if the protocol draws one (FLP): the held list colours its
/// delivery buttons with them.
fn valence_choices(
    panels: &[netsplit_core::panels::Panel],
) -> &[netsplit_core::panels::ValenceChoice] {
    panels
        .iter()
        .find_map(|p| match p {
            netsplit_core::panels::Panel::Valence { choices, .. } => Some(choices.as_slice()),
            _ => None,
        })
        .unwrap_or(&[])
}
