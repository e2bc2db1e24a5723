//! A handle on the grading workers: one per core (at most [`MAX_WORKERS`]), each grading one
//! shard of every grade, their reports merged here into the report one worker would have written
//! ([`netsplit_core::exercise::shard::merge`]). Creating one downloads the grader's wasm (with
//! Rhai; the workers share the browser's cached copy); dropping it terminates the workers.

use crate::grading::{GradeRequest, WorkerReply, WORKER_URL};
use netsplit_core::exercise::shard::{merge, Shard, ShardReport};
use netsplit_core::exercise::{ExerciseSpec, Report};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};
use yew::Callback;

/// The most grading workers a page starts, whatever the machine's cores.
pub const MAX_WORKERS: u32 = 8;
/// The fewest milliseconds between two progress updates the widget hears: each one re-renders it,
/// and the page must answer clicks while the workers grade.
pub const PROGRESS_EVERY_MS: f64 = 50.0;
/// Schedules per simulation case in the warm-up grade each worker runs when it has loaded.
pub const WARM_UP_SCHEDULES: u32 = 4;
/// The id of the warm-up grade, whose replies nobody hears (real grades count from 1).
const WARM_UP_ID: u64 = 0;

/// What the widget hears about grading.
#[derive(Clone, Debug, PartialEq)]
pub enum GraderEvent {
    /// Every worker has loaded and can grade.
    Ready,
    /// Cases and schedules done so far, out of the total, summed over the workers.
    Progress {
        /// The request this is about.
        id: u64,
        /// Done.
        done: u32,
        /// In all.
        total: u32,
    },
    /// The merged report.
    Done {
        /// The request this is about.
        id: u64,
        /// The report, as one worker would have written it.
        report: Box<Report>,
        /// From the request to the merged report, in milliseconds, measured by the page.
        elapsed_ms: f64,
        /// How many workers graded it.
        workers: u32,
    },
    /// Grading failed (a worker failed to load or crashed, or a reply was unreadable).
    Failed {
        /// Why.
        message: String,
    },
}

/// The grade in progress: each shard's progress and report as they arrive.
struct Pending {
    id: u64,
    spec: ExerciseSpec,
    started_ms: f64,
    progress: Vec<(u32, u32)>,
    reports: Vec<Option<ShardReport>>,
}

/// What the workers' message handlers share.
struct Pool {
    ready: u32,
    pending: Option<Pending>,
    /// When the widget last heard of progress.
    progress_at_ms: f64,
    /// The grade each worker runs once loaded, so that its first real grade runs at full speed.
    warm_up: Option<GradeRequest>,
}

/// One worker and its handlers (kept alive as long as the worker).
struct Handle {
    worker: Worker,
    _on_message: Closure<dyn Fn(MessageEvent)>,
    _on_error: Closure<dyn Fn(web_sys::Event)>,
}

/// The page's side of the grading workers.
pub struct GraderClient {
    handles: Vec<Handle>,
    pool: Rc<RefCell<Pool>>,
}

/// What each worker grades once it has loaded (see [`GraderClient::spawn`]).
pub struct WarmUp {
    /// Which exercise.
    pub exercise: String,
    /// Its cases (cut to [`WARM_UP_SCHEDULES`] schedules each).
    pub spec: ExerciseSpec,
    /// Code that passes them: the reference.
    pub code: String,
}

fn post(worker: &Worker, request: &GradeRequest) -> Result<(), String> {
    let bytes = postcard::to_allocvec(request).map_err(|e| e.to_string())?;
    worker
        .post_message(&js_sys::Uint8Array::from(&bytes[..]))
        .map_err(|e| format!("{e:?}"))
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// As many workers as the machine has cores, from 1 to [`MAX_WORKERS`].
fn worker_count() -> u32 {
    let cores = web_sys::window().map_or(1.0, |w| w.navigator().hardware_concurrency());
    // hardwareConcurrency is a small whole number (0 where a browser hides it).
    (cores as u32).clamp(1, MAX_WORKERS)
}

impl Pool {
    /// Takes one worker's reply; returns what the widget should hear, if anything.
    fn take(&mut self, worker: usize, workers: u32, reply: WorkerReply) -> Option<GraderEvent> {
        match reply {
            WorkerReply::Ready => {
                self.ready += 1;
                (self.ready == workers).then_some(GraderEvent::Ready)
            }
            WorkerReply::Progress { id, done, total } => {
                let p = self.pending.as_mut().filter(|p| p.id == id)?;
                *p.progress.get_mut(worker)? = (done, total);
                let now = now_ms();
                if now - self.progress_at_ms < PROGRESS_EVERY_MS {
                    return None;
                }
                self.progress_at_ms = now;
                let (done, total) = p
                    .progress
                    .iter()
                    .fold((0, 0), |(d, t), (dw, tw)| (d + dw, t + tw));
                Some(GraderEvent::Progress { id, done, total })
            }
            WorkerReply::Done { id, report, .. } => {
                let p = self.pending.as_mut().filter(|p| p.id == id)?;
                *p.reports.get_mut(worker)? = Some(*report);
                if p.reports.iter().any(Option::is_none) {
                    return None;
                }
                let p = self.pending.take()?;
                let reports: Vec<ShardReport> = p.reports.into_iter().flatten().collect();
                Some(match merge(&p.spec, &reports) {
                    Ok(report) => GraderEvent::Done {
                        id,
                        report: Box::new(report),
                        elapsed_ms: now_ms() - p.started_ms,
                        workers,
                    },
                    Err(message) => GraderEvent::Failed {
                        message: format!("the graders' reports do not fit together: {message}"),
                    },
                })
            }
            WorkerReply::Failed { message, .. } => {
                self.pending = None;
                Some(GraderEvent::Failed { message })
            }
        }
    }
}

impl GraderClient {
    /// Starts the workers; what they say goes to `on_event` ([`GraderEvent::Ready`] once all
    /// have loaded; a load failure as [`GraderEvent::Failed`]).
    /// Each worker, once loaded, first grades `warm_up` (an exercise's reference) over a few
    /// schedules per case: the browser compiles wasm quickly at first and optimises what runs hot,
    /// so without it the learner's first grade ran at half speed.
    pub fn spawn(on_event: Callback<GraderEvent>, warm_up: WarmUp) -> Result<Self, String> {
        let workers = worker_count();
        let mut spec = warm_up.spec;
        for case in &mut spec.simulation {
            case.schedules = case.schedules.min(WARM_UP_SCHEDULES);
        }
        let warm_up = GradeRequest {
            id: WARM_UP_ID,
            exercise: warm_up.exercise,
            spec,
            code: warm_up.code,
            shard: Shard::WHOLE,
        };
        let pool = Rc::new(RefCell::new(Pool {
            ready: 0,
            pending: None,
            progress_at_ms: 0.0,
            warm_up: Some(warm_up),
        }));
        let mut handles = Vec::with_capacity(workers as usize);
        for k in 0..workers as usize {
            let worker = Worker::new(WORKER_URL)
                .map_err(|e| format!("could not start the grader: {e:?}"))?;
            let (events, shared) = (on_event.clone(), pool.clone());
            let worker_for_warm_up = worker.clone();
            let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |e: MessageEvent| {
                let bytes = js_sys::Uint8Array::new(&e.data()).to_vec();
                let event = match postcard::from_bytes::<WorkerReply>(&bytes) {
                    Ok(WorkerReply::Ready) => {
                        // Warm the worker up first: a request sent meanwhile queues behind it.
                        if let Some(warm) = &shared.borrow().warm_up {
                            let _ = post(&worker_for_warm_up, warm);
                        }
                        shared.borrow_mut().take(k, workers, WorkerReply::Ready)
                    }
                    Ok(reply) => shared.borrow_mut().take(k, workers, reply),
                    Err(err) => Some(GraderEvent::Failed {
                        message: format!("unreadable reply from the grader: {err}"),
                    }),
                };
                // Emitted after the borrow ends: the widget may send the next request at once.
                if let Some(event) = event {
                    events.emit(event);
                }
            });
            let events = on_event.clone();
            let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |_e: web_sys::Event| {
                events.emit(GraderEvent::Failed {
                    message: "the grader failed to load or crashed".into(),
                });
            });
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            handles.push(Handle {
                worker,
                _on_message: on_message,
                _on_error: on_error,
            });
        }
        Ok(GraderClient { handles, pool })
    }

    /// Asks for a grade of `code`, split across the workers; replies arrive through the callback
    /// given to [`GraderClient::spawn`]. A grade still running is forgotten.
    pub fn send(
        &self,
        id: u64,
        exercise: &str,
        spec: &ExerciseSpec,
        code: &str,
    ) -> Result<(), String> {
        let count = self.handles.len() as u32;
        for (handle, shard) in self.handles.iter().zip(Shard::all(count)) {
            let request = GradeRequest {
                id,
                exercise: exercise.to_string(),
                spec: spec.clone(),
                code: code.to_string(),
                shard,
            };
            post(&handle.worker, &request)?;
        }
        self.pool.borrow_mut().pending = Some(Pending {
            id,
            spec: spec.clone(),
            started_ms: now_ms(),
            progress: vec![(0, 0); count as usize],
            reports: vec![None; count as usize],
        });
        Ok(())
    }
}

impl Drop for GraderClient {
    fn drop(&mut self) {
        for h in &self.handles {
            // Unhook first: a reply already queued must not reach the closures dropped with us
            // ("closure invoked after being dropped" when a page with an exercise is left mid-grade).
            h.worker.set_onmessage(None);
            h.worker.set_onerror(None);
            h.worker.terminate();
        }
    }
}
