//! An exercise: the prompt, an editor, tests run in the grading worker with a
//! progress bar, results per case, replay of a failing run, hints one at a time,
//! and the reference solution after a few attempts or on request.

use super::client::{GraderClient, GraderEvent, WarmUp};
use super::editor::Editor;
use super::results::Results;
use crate::cluster::ClusterWidget;
use crate::page_link::{use_page_link, PageMessage};
use crate::pages::playground::link_for;
use crate::progress::MAX_CODE_BYTES;
use gloo_timers::callback::Timeout;
use netsplit_core::exercise::Report;
use netsplit_core::replay::Recording;
use netsplit_core::share::{SharedCode, SharedRun};
use netsplit_lessons::Exercise;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// Failed attempts after which the reference solution is offered.
pub const ATTEMPTS_BEFORE_REFERENCE: u32 = 3;
/// If the worker says nothing for this long while grading, it is restarted.
pub const WATCHDOG_MS: u32 = 20_000;

/// Which exercise.
#[derive(Properties, PartialEq, Clone)]
pub struct ExerciseWidgetProps {
    /// The exercise, from the fetched lesson body.
    pub exercise: Rc<Exercise>,
    /// The learner's code as last saved, if any (else the editor opens on the starter).
    #[prop_or_default]
    pub saved_code: Option<AttrValue>,
}

#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Loading,
    Ready,
    Running { id: u64, done: u32, total: u32 },
    Broken(String),
}

/// Everything the widget shows.
#[derive(Clone, Debug, PartialEq)]
struct ExerciseState {
    code: String,
    phase: Phase,
    report: Option<Rc<Report>>,
    elapsed_ms: Option<f64>,
    workers: u32,
    worker_ms: Rc<[f64]>,
    failed_attempts: u32,
    hints_shown: usize,
    reference_shown: bool,
    replay: Option<usize>,
    next_id: u64,
}

enum ExAction {
    Edit(String),
    Run,
    Reply(GraderEvent),
    Restarted(String),
    ShowHint,
    ShowReference,
    Replay(usize),
}

impl Reducible for ExerciseState {
    type Action = ExAction;
    fn reduce(self: Rc<Self>, action: ExAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            ExAction::Edit(code) => s.code = code,
            ExAction::Run => {
                s.phase = Phase::Running {
                    id: s.next_id,
                    done: 0,
                    total: 0,
                };
                s.next_id += 1;
                s.replay = None;
            }
            ExAction::Reply(GraderEvent::Ready) => {
                if s.phase == Phase::Loading {
                    s.phase = Phase::Ready;
                }
            }
            ExAction::Reply(GraderEvent::Progress { id, done, total }) => {
                if matches!(s.phase, Phase::Running { id: current, .. } if current == id) {
                    s.phase = Phase::Running { id, done, total };
                }
            }
            ExAction::Reply(GraderEvent::Done {
                id,
                report,
                elapsed_ms,
                workers,
                worker_ms,
            }) => {
                if matches!(s.phase, Phase::Running { id: current, .. } if current == id) {
                    if !report.passed() {
                        s.failed_attempts += 1;
                    }
                    s.report = Some(Rc::new(*report));
                    s.elapsed_ms = Some(elapsed_ms);
                    s.workers = workers;
                    s.worker_ms = worker_ms.into();
                    s.phase = Phase::Ready;
                }
            }
            ExAction::Reply(GraderEvent::Failed { message }) => s.phase = Phase::Broken(message),
            ExAction::Restarted(message) => s.phase = Phase::Broken(message),
            ExAction::ShowHint => s.hints_shown += 1,
            ExAction::ShowReference => s.reference_shown = true,
            ExAction::Replay(i) => s.replay = if s.replay == Some(i) { None } else { Some(i) },
        }
        Rc::new(s)
    }
}

type ClientSlot = Rc<RefCell<Option<GraderClient>>>;

fn spawn_into(
    slot: &ClientSlot,
    dispatch: &UseReducerDispatcher<ExerciseState>,
    exercise: &Exercise,
) {
    let d = dispatch.clone();
    let warm_up = WarmUp {
        exercise: exercise.id.clone(),
        spec: exercise.spec.clone(),
        code: exercise.reference.clone(),
    };
    let client = GraderClient::spawn(
        Callback::from(move |reply| d.dispatch(ExAction::Reply(reply))),
        warm_up,
    );
    match client {
        Ok(c) => *slot.borrow_mut() = Some(c),
        Err(e) => dispatch.dispatch(ExAction::Restarted(e)),
    }
}

/// The exercise widget.
#[function_component(ExerciseWidget)]
pub fn exercise_widget(props: &ExerciseWidgetProps) -> Html {
    let exercise = &props.exercise;
    let id = AttrValue::from(exercise.id.clone());
    let starter = exercise.starter.clone();
    let page = use_page_link();
    let state = {
        let saved = props.saved_code.as_ref().map(|c| c.to_string());
        let starter = starter.clone();
        use_reducer(move || ExerciseState {
            code: saved.unwrap_or(starter),
            phase: Phase::Loading,
            report: None,
            elapsed_ms: None,
            workers: 0,
            worker_ms: Rc::new([]),
            failed_attempts: 0,
            hints_shown: 0,
            reference_shown: false,
            replay: None,
            next_id: 1,
        })
    };
    let client: ClientSlot = use_mut_ref(|| None);
    let watchdog: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    {
        // Opening an exercise starts the workers, which download the grader.
        let (client, dispatch, ex) = (client.clone(), state.dispatcher(), exercise.clone());
        use_effect_with((), move |_| {
            spawn_into(&client, &dispatch, &ex);
            move || drop(client.borrow_mut().take())
        });
    }
    {
        // Any sign of life from the workers re-arms the watchdog; finishing disarms it.
        let (watchdog, client) = (watchdog.clone(), client.clone());
        use_effect_with(state.phase.clone(), move |phase| {
            let armed = matches!(phase, Phase::Running { .. }).then(|| {
                Timeout::new(WATCHDOG_MS, move || {
                    // Every exercise on the page hears the message (they share the workers).
                    if let Some(c) = client.borrow().as_ref() {
                        let _ = c.restart(format!(
                            "The grader gave no sign of life for {} s, so it was restarted. Run the tests again.",
                            WATCHDOG_MS / 1000
                        ));
                    }
                })
            });
            *watchdog.borrow_mut() = armed;
        });
    }
    let run = {
        let (state, client, id) = (state.clone(), client.clone(), id.to_string());
        let spec = exercise.spec.clone();
        Callback::from(move |()| {
            if matches!(state.phase, Phase::Running { .. }) {
                return;
            }
            let client = client.borrow();
            let Some(c) = client.as_ref() else {
                state.dispatch(ExAction::Restarted(
                    "the grader is not running; reload the page".into(),
                ));
                return;
            };
            // Read before dispatching: the handle reads the state as it is after the dispatch.
            let (request, code) = (state.next_id, state.code.clone());
            // Running first: a failure to send is heard at once, and must come after.
            state.dispatch(ExAction::Run);
            c.send(request, &id, &spec, &code);
        })
    };
    {
        // Each verdict is remembered for the course map.
        let (page, id) = (page.clone(), id.to_string());
        use_effect_with(state.report.clone(), move |report| {
            if let (Some(p), Some(r)) = (page, report) {
                p.send(PageMessage::Graded {
                    exercise: id,
                    passed: r.passed(),
                });
            }
        });
    }
    let on_change = {
        let (state, id) = (state.dispatcher(), id.to_string());
        Callback::from(move |code: String| {
            if let Some(p) = &page {
                p.send(PageMessage::Code {
                    exercise: id.clone(),
                    code: code.clone(),
                });
            }
            state.dispatch(ExAction::Edit(code));
        })
    };
    let reset = {
        let (on_change, starter) = (on_change.clone(), starter.clone());
        Callback::from(move |_: MouseEvent| on_change.emit(starter.clone()))
    };
    let hint = {
        let d = state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(ExAction::ShowHint))
    };
    let reveal = {
        let d = state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(ExAction::ShowReference))
    };
    let use_reference = {
        let (on_change, reference) = (on_change.clone(), exercise.reference.clone());
        Callback::from(move |_: MouseEvent| on_change.emit(reference.clone()))
    };
    let on_replay = {
        let d = state.dispatcher();
        Callback::from(move |i| d.dispatch(ExAction::Replay(i)))
    };
    let run_click = {
        let run = run.clone();
        Callback::from(move |_: MouseEvent| run.emit(()))
    };

    let spec = &exercise.spec;
    let hints_total = spec.hints.len();
    let running = matches!(state.phase, Phase::Running { .. });
    let progress = match state.phase {
        Phase::Running { done, total, .. } => Some((done, total)),
        _ => None,
    };
    let error_line = state
        .report
        .as_ref()
        .and_then(|r| r.compile_error.as_ref())
        .map(|e| e.line)
        .filter(|l| *l > 0);
    let offer_reference = state.failed_attempts >= ATTEMPTS_BEFORE_REFERENCE;
    let share_link = use_state(|| None::<String>);
    let replay_ref = use_node_ref();
    {
        // "Replay this failure" takes the learner to the replay: scrolled to and focused, so
        // the page does not jump away and a screen reader reads its heading.
        let replay_ref = replay_ref.clone();
        use_effect_with(state.replay, move |shown| {
            if shown.is_some() {
                if let Some(el) = replay_ref.cast::<web_sys::HtmlElement>() {
                    el.scroll_into_view();
                    let _ = el.focus();
                }
            }
        });
    }
    let replay = state.replay.and_then(|i| {
        let report = state.report.as_ref()?;
        let case = report.cases.get(i)?;
        let cx = case.counterexample.as_ref()?;
        let share = {
            let (link, scenario, code, id) = (share_link.clone(), cx.scenario.clone(), state.code.clone(), id.to_string());
            Callback::from(move |_: MouseEvent| {
                let run = SharedRun { scenario: scenario.clone(), code: Some(SharedCode { exercise: id.clone(), code: code.clone() }) };
                link.set(Some(link_for(&run)));
            })
        };
        Some(html! {
            <div class="counterexample" data-testid="counterexample" ref={replay_ref.clone()} tabindex="-1"
                role="region" aria-label={format!("Counterexample: seed {}", cx.scenario.seed)}>
                <h4>{format!("Counterexample: seed {}, {} nodes", cx.scenario.seed, cx.scenario.nodes)}</h4>
                <p>{case.message.clone()}</p>
                <p class="hint">{format!("The failing event is ringed in red in the space-time diagram (step {}). Step through the run to see how it got there.", cx.failed_at_step)}</p>
                <ClusterWidget scenario={cx.scenario.clone()} recording={Some(Rc::new(Recording { events: Rc::new(cx.events.clone()), views: cx.views.clone() }))}
                    marked_step={Some(cx.failed_at_step)} id="counterexample" title="Your rules, replayed" />
                <div class="row share">
                    <button onclick={share} data-testid="share-failure">{"Share this failure with your code"}</button>
                    if let Some(url) = &*share_link {
                        <input type="text" readonly=true value={url.clone()} aria-label="Link to this failure and your code" data-testid="share-failure-link" />
                    }
                </div>
            </div>
        })
    });
    html! {
        <section class="exercise" data-testid="exercise" data-exercise={id.clone()} aria-label={format!("Exercise: {}", spec.title)}>
            <h3>{format!("Exercise: {}", spec.title)}</h3>
            <div class="prompt">{ for spec.prompt.split("\n\n").filter(|p| !p.trim().is_empty()).map(|p| html! { <p>{p.trim().to_string()}</p> }) }</div>
            <p class="signatures">{"You write: "}
                { for spec.rules.functions().iter().map(|(name, params)| html! { <><code>{format!("fn {name}({})", params.join(", "))}</code>{" "}</> }) }
                <span class="muted">{"in Rhai (a small Rust-like script: "}<code>{"fn f(x) { x + 1 }"}</code>{", "}<code>{"max(a, b)"}</code>{", "}<code>{"if a > b { a } else { b }"}</code>{")."}</span>
            </p>
            <Editor value={state.code.clone()} {on_change} on_run={run} {error_line} label={format!("Code for {}", spec.title)} />
            if state.code.len() > MAX_CODE_BYTES {
                <p class="error" role="status" data-testid="code-too-large">{format!(
                    "This code is {} KB: only code up to {} KB is saved in this browser (the grader takes no more), so a reload brings back your last version under that. Everything else you have done is saved as usual.",
                    state.code.len().div_ceil(1024),
                    MAX_CODE_BYTES / 1024
                )}</p>
            }
            <div class="row">
                <button class="primary" onclick={run_click} disabled={running || state.phase == Phase::Loading} data-testid="run">
                    { match &state.phase { Phase::Loading => "Loading the grader…", Phase::Running { .. } => "Running…", _ => "Run tests" } }
                </button>
                <button onclick={reset} disabled={running}>{"Reset to starter"}</button>
                if state.hints_shown < hints_total {
                    <button onclick={hint} data-testid="hint">{format!("Show a hint ({} of {hints_total})", state.hints_shown + 1)}</button>
                }
                if !state.reference_shown {
                    <button onclick={reveal} class={classes!(offer_reference.then_some("offer"))} data-testid="show-reference">
                        { if offer_reference { "Stuck? See the reference solution" } else { "Show the reference solution" } }
                    </button>
                }
            </div>
            if let Phase::Broken(message) = &state.phase { <p class="error" role="alert">{message.clone()}</p> }
            if state.hints_shown > 0 {
                <ol class="hints" data-testid="hints">{ for spec.hints.iter().take(state.hints_shown).map(|h| html! { <li>{h.clone()}</li> }) }</ol>
            }
            if state.reference_shown {
                <div class="reference" data-testid="reference">
                    <p>{"The reference solution:"}</p>
                    <pre>{exercise.reference.clone()}</pre>
                    <button onclick={use_reference}>{"Put it in the editor"}</button>
                </div>
            }
            <Results {progress} report={state.report.clone()} elapsed_ms={state.elapsed_ms} workers={state.workers} worker_ms={state.worker_ms.clone()} {on_replay} />
            { for replay }
        </section>
    }
}
