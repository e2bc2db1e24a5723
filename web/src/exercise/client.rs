//! A handle on the page's grading workers: one per core (at most [`MAX_WORKERS`]), shared by every
//! exercise on the page, each grading one shard of every grade, their reports merged here into
//! the report one worker would have written ([`netsplit_core::exercise::shard::merge`]). The
//! first handle starts the workers, which download the grader's wasm (with Rhai; they share the
//! browser's cached copy); dropping the last terminates them. Grades run one at a time, in the
//! order they were asked for.

use crate::grading::{GradeRequest, WorkerReply, WORKER_URL};
use netsplit_core::exercise::shard::{merge, Shard, ShardReport};
use netsplit_core::exercise::{ExerciseSpec, Report};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};
use yew::Callback;

/// The most grading workers a page starts, whatever the machine's cores.
pub const MAX_WORKERS: u32 = 8;
/// The fewest milliseconds between two progress updates an exercise hears: each one re-renders
/// it, and the page must answer clicks while the workers grade.
pub const PROGRESS_EVERY_MS: f64 = 50.0;
/// Schedules per simulation case in the warm-up grade each worker runs when it has loaded.
pub const WARM_UP_SCHEDULES: u32 = 4;
/// The id of the warm-up grade, whose replies nobody hears (real grades count from 1).
const WARM_UP_ID: u64 = 0;

/// What an exercise hears about grading.
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
        /// Each worker's own time on its shard, in milliseconds (the rest of `elapsed_ms` is
        /// messaging, queueing and the merge): shown for the benchmark.
        worker_ms: Vec<f64>,
    },
    /// Grading failed (a worker failed to load or crashed, a reply was unreadable, or the
    /// workers were restarted while this exercise's grade was waiting or running).
    Failed {
        /// Why.
        message: String,
    },
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

/// A grade asked for by one exercise (`listener`, a subscriber id), waiting or running.
struct Asked {
    listener: u64,
    /// The exercise's id for it.
    id: u64,
    /// The pool's id for it, unique on the page: what the workers' replies carry.
    wire: u64,
    exercise: String,
    spec: ExerciseSpec,
    code: String,
}

/// The grade running: each shard's progress and report as they arrive.
struct Running {
    asked: Asked,
    started_ms: f64,
    progress: Vec<(u32, u32)>,
    reports: Vec<Option<ShardReport>>,
    /// Each worker's own time on its shard, as it reported it.
    worker_ms: Vec<f64>,
}

/// One worker and its handlers (kept alive as long as the worker).
struct Handle {
    worker: Worker,
    _on_message: Closure<dyn Fn(MessageEvent)>,
    _on_error: Closure<dyn Fn(web_sys::Event)>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        // Unhook first: a reply already queued must not reach the closures dropped with us
        // ("closure invoked after being dropped" when a page with an exercise is left mid-grade).
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

/// The page's workers and what they are doing, shared by every [`GraderClient`].
struct Pool {
    workers: Vec<Handle>,
    /// Per worker: loaded, and how many warm-up grades it has yet to finish.
    loaded: Vec<bool>,
    warming: Vec<u32>,
    /// True once every worker had loaded and warmed up: exercises have heard Ready.
    announced: bool,
    listeners: Vec<(u64, Callback<GraderEvent>)>,
    next_listener: u64,
    /// The next grade's id on the wire (from 1: 0 is the warm-up).
    next_wire: u64,
    running: Option<Running>,
    waiting: VecDeque<Asked>,
    /// When progress was last passed on.
    progress_at_ms: f64,
    /// The grades each worker runs once loaded, one per exercise on the page (its reference), so
    /// that the learner's first grade runs at full speed.
    warm_ups: Vec<GradeRequest>,
}

thread_local! {
    /// The page's pool, while some exercise holds a handle on it.
    static POOL: RefCell<Weak<RefCell<Pool>>> = const { RefCell::new(Weak::new()) };
}

/// The page's side of the grading workers, for one exercise.
pub struct GraderClient {
    pool: Rc<RefCell<Pool>>,
    listener: u64,
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

fn post(worker: &Worker, request: &GradeRequest) -> Result<(), String> {
    let bytes = postcard::to_allocvec(request).map_err(|e| e.to_string())?;
    worker
        .post_message(&js_sys::Uint8Array::from(&bytes[..]))
        .map_err(|e| format!("{e:?}"))
}

/// Events for exercises, emitted once the pool is no longer borrowed: a listener may send the
/// next request at once.
type Outbox = Vec<(Callback<GraderEvent>, GraderEvent)>;

/// Emits `outbox` once `pool` has settled, first holding the page's measured tables while a grade
/// runs or waits and letting them go on once none does ([`crate::measure_lab::hold`]).
fn deliver(pool: &RefCell<Pool>, outbox: Outbox) {
    pool.borrow().hold_measurements();
    for (to, event) in outbox {
        to.emit(event);
    }
}

impl Pool {
    fn listener(&self, id: u64) -> Option<Callback<GraderEvent>> {
        self.listeners
            .iter()
            .find(|(l, _)| *l == id)
            .map(|(_, c)| c.clone())
    }

    fn everyone(&self, event: &GraderEvent) -> Outbox {
        self.listeners
            .iter()
            .map(|(_, c)| (c.clone(), event.clone()))
            .collect()
    }

    /// Posts `warm_up` to worker `k`.
    fn warm(&mut self, k: usize, warm_up: &GradeRequest) {
        if let (Some(h), Some(n)) = (self.workers.get(k), self.warming.get_mut(k)) {
            if post(&h.worker, warm_up).is_ok() {
                *n += 1;
            }
        }
    }

    /// Tells every exercise the workers are ready, once all have loaded and warmed up.
    fn announce(&mut self) -> Outbox {
        let warm = self.loaded.iter().all(|l| *l) && self.warming.iter().all(|n| *n == 0);
        if self.announced || !warm {
            return Vec::new();
        }
        self.announced = true;
        self.everyone(&GraderEvent::Ready)
    }

    /// Starts the next waiting grade if every worker has loaded and none is running (a grade
    /// asked for while they warm up waits behind the warm-up in each worker).
    fn start_next(&mut self) -> Outbox {
        if self.running.is_some() || !self.loaded.iter().all(|l| *l) {
            return Vec::new();
        }
        let Some(asked) = self.waiting.pop_front() else {
            return Vec::new();
        };
        let count = self.workers.len() as u32;
        for (handle, shard) in self.workers.iter().zip(Shard::all(count)) {
            let request = GradeRequest {
                id: asked.wire,
                exercise: asked.exercise.clone(),
                spec: asked.spec.clone(),
                code: asked.code.clone(),
                shard,
            };
            if let Err(message) = post(&handle.worker, &request) {
                let to = self.listener(asked.listener);
                let next = self.start_next();
                return to
                    .map(|c| (c, GraderEvent::Failed { message }))
                    .into_iter()
                    .chain(next)
                    .collect();
            }
        }
        self.running = Some(Running {
            asked,
            started_ms: now_ms(),
            progress: vec![(0, 0); count as usize],
            reports: vec![None; count as usize],
            worker_ms: vec![0.0; count as usize],
        });
        Vec::new()
    }

    /// Takes worker `k`'s reply.
    fn take(&mut self, k: usize, reply: WorkerReply) -> Outbox {
        let workers = self.workers.len() as u32;
        match reply {
            WorkerReply::Ready => {
                // Warm the worker up first: a grade sent meanwhile queues behind it.
                if let Some(l) = self.loaded.get_mut(k) {
                    *l = true;
                }
                for warm_up in self.warm_ups.clone() {
                    self.warm(k, &warm_up);
                }
                let mut out = self.announce();
                out.extend(self.start_next());
                out
            }
            WorkerReply::Done { id: WARM_UP_ID, .. } => {
                if let Some(n) = self.warming.get_mut(k) {
                    *n = n.saturating_sub(1);
                }
                self.announce()
            }
            WorkerReply::Progress { id, done, total } => {
                let Some(r) = self.running.as_mut().filter(|r| r.asked.wire == id) else {
                    return Vec::new();
                };
                let Some(slot) = r.progress.get_mut(k) else {
                    return Vec::new();
                };
                *slot = (done, total);
                let now = now_ms();
                if now - self.progress_at_ms < PROGRESS_EVERY_MS {
                    return Vec::new();
                }
                self.progress_at_ms = now;
                let (done, total) = r
                    .progress
                    .iter()
                    .fold((0, 0), |(d, t), (dw, tw)| (d + dw, t + tw));
                let (to, id) = (r.asked.listener, r.asked.id);
                self.listener(to)
                    .map(|c| (c, GraderEvent::Progress { id, done, total }))
                    .into_iter()
                    .collect()
            }
            WorkerReply::Done {
                id,
                report,
                elapsed_ms,
            } => {
                let Some(r) = self.running.as_mut().filter(|r| r.asked.wire == id) else {
                    return Vec::new();
                };
                let Some(slot) = r.reports.get_mut(k) else {
                    return Vec::new();
                };
                *slot = Some(*report);
                if let Some(ms) = r.worker_ms.get_mut(k) {
                    *ms = elapsed_ms;
                }
                if r.reports.iter().any(Option::is_none) {
                    return Vec::new();
                }
                let Some(r) = self.running.take() else {
                    return Vec::new();
                };
                let reports: Vec<ShardReport> = r.reports.into_iter().flatten().collect();
                let event = match merge(&r.asked.spec, &reports) {
                    Ok(report) => GraderEvent::Done {
                        id: r.asked.id,
                        report: Box::new(report),
                        elapsed_ms: now_ms() - r.started_ms,
                        workers,
                        worker_ms: r.worker_ms,
                    },
                    Err(message) => GraderEvent::Failed {
                        message: format!("the graders' reports do not fit together: {message}"),
                    },
                };
                let mut out: Outbox = self
                    .listener(r.asked.listener)
                    .map(|c| (c, event))
                    .into_iter()
                    .collect();
                out.extend(self.start_next());
                out
            }
            WorkerReply::Failed { message, .. } => self.fail_all(message),
        }
    }

    /// Holds the page's measured tables while a grade runs or waits, and lets them go on once
    /// none does ([`crate::measure_lab::hold`]): [`deliver`] calls it after every change.
    fn hold_measurements(&self) {
        crate::measure_lab::hold(self.running.is_some() || !self.waiting.is_empty());
    }

    /// Every grade waiting or running fails with `message`, and every exercise hears it.
    fn fail_all(&mut self, message: String) -> Outbox {
        self.running = None;
        self.waiting.clear();
        self.everyone(&GraderEvent::Failed { message })
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        // The last exercise is gone, perhaps mid-grade: nothing is graded any more.
        crate::measure_lab::hold(false);
    }
}

/// Starts `count` workers for `pool`, each reporting to it by index.
fn start_workers(pool: &Rc<RefCell<Pool>>, count: u32) -> Result<Vec<Handle>, String> {
    let mut handles = Vec::with_capacity(count as usize);
    for k in 0..count as usize {
        let worker =
            Worker::new(WORKER_URL).map_err(|e| format!("could not start the grader: {e:?}"))?;
        let shared = Rc::downgrade(pool);
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |e: MessageEvent| {
            let Some(pool) = shared.upgrade() else {
                return;
            };
            let bytes = js_sys::Uint8Array::new(&e.data()).to_vec();
            let out = match postcard::from_bytes::<WorkerReply>(&bytes) {
                Ok(reply) => pool.borrow_mut().take(k, reply),
                Err(err) => pool
                    .borrow_mut()
                    .fail_all(format!("unreadable reply from the grader: {err}")),
            };
            deliver(&pool, out);
        });
        let shared = Rc::downgrade(pool);
        let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |_e: web_sys::Event| {
            let Some(pool) = shared.upgrade() else {
                return;
            };
            let out = pool
                .borrow_mut()
                .fail_all("the grader failed to load or crashed".into());
            deliver(&pool, out);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        handles.push(Handle {
            worker,
            _on_message: on_message,
            _on_error: on_error,
        });
    }
    Ok(handles)
}

impl GraderClient {
    /// A handle on the page's workers, starting them if no exercise has yet. What they say about
    /// this exercise's grades goes to `on_event` ([`GraderEvent::Ready`] once all have loaded and
    /// warmed up, at once if they already have). Each worker grades `warm_up` (this exercise's
    /// reference) over a few schedules per case before anything else: the browser compiles wasm
    /// quickly at first and optimises what runs hot, so without it the learner's first grade ran
    /// at half speed.
    pub fn spawn(on_event: Callback<GraderEvent>, warm_up: WarmUp) -> Result<Self, String> {
        let mut spec = warm_up.spec;
        for case in &mut spec.simulation {
            case.schedules = case.schedules.min(WARM_UP_SCHEDULES);
        }
        let existing = POOL.with(|p| p.borrow().upgrade());
        let pool = match existing {
            Some(pool) => pool,
            None => {
                let pool = Rc::new(RefCell::new(Pool {
                    workers: Vec::new(),
                    loaded: Vec::new(),
                    warming: Vec::new(),
                    announced: false,
                    listeners: Vec::new(),
                    next_listener: 0,
                    next_wire: WARM_UP_ID + 1,
                    running: None,
                    waiting: VecDeque::new(),
                    progress_at_ms: 0.0,
                    warm_ups: Vec::new(),
                }));
                let workers = start_workers(&pool, worker_count())?;
                {
                    let mut p = pool.borrow_mut();
                    p.loaded = vec![false; workers.len()];
                    p.warming = vec![0; workers.len()];
                    p.workers = workers;
                }
                POOL.with(|p| *p.borrow_mut() = Rc::downgrade(&pool));
                pool
            }
        };
        let warm_up = GradeRequest {
            id: WARM_UP_ID,
            exercise: warm_up.exercise,
            spec,
            code: warm_up.code,
            shard: Shard::WHOLE,
        };
        let (listener, ready) = {
            let mut p = pool.borrow_mut();
            let listener = p.next_listener;
            p.next_listener += 1;
            p.listeners.push((listener, on_event.clone()));
            // Workers already loaded warm up on this exercise too; those still loading will
            // when they have.
            for k in 0..p.workers.len() {
                if p.loaded[k] {
                    p.warm(k, &warm_up);
                }
            }
            p.warm_ups.push(warm_up);
            (listener, p.announced)
        };
        if ready {
            on_event.emit(GraderEvent::Ready);
        }
        Ok(GraderClient { pool, listener })
    }

    /// Asks for a grade of `code` (`id` is the exercise's own), split across the workers, after
    /// any grade already asked for; the replies arrive through the callback given to
    /// [`GraderClient::spawn`]. A grade this exercise asked for earlier that has not started is
    /// forgotten.
    pub fn send(&self, id: u64, exercise: &str, spec: &ExerciseSpec, code: &str) {
        let out = {
            let mut p = self.pool.borrow_mut();
            p.waiting.retain(|a| a.listener != self.listener);
            let wire = p.next_wire;
            p.next_wire += 1;
            p.waiting.push_back(Asked {
                listener: self.listener,
                id,
                wire,
                exercise: exercise.to_string(),
                spec: spec.clone(),
                code: code.to_string(),
            });
            p.start_next()
        };
        deliver(&self.pool, out);
    }

    /// Terminates the workers and starts fresh ones (a worker gave no sign of life): every grade
    /// waiting or running fails with `message`, and every exercise hears it.
    pub fn restart(&self, message: String) -> Result<(), String> {
        let out = {
            let mut p = self.pool.borrow_mut();
            p.workers.clear();
            p.announced = false;
            p.fail_all(message)
        };
        let workers = start_workers(&self.pool, worker_count()).inspect_err(|_| {
            // Every grade failed: the measured tables must not wait for one.
            self.pool.borrow().hold_measurements();
        })?;
        {
            let mut p = self.pool.borrow_mut();
            p.loaded = vec![false; workers.len()];
            p.warming = vec![0; workers.len()];
            p.workers = workers;
        }
        deliver(&self.pool, out);
        Ok(())
    }
}

impl Drop for GraderClient {
    fn drop(&mut self) {
        let mut p = self.pool.borrow_mut();
        p.listeners.retain(|(l, _)| *l != self.listener);
        p.waiting.retain(|a| a.listener != self.listener);
        p.hold_measurements();
        // With the last handle gone, the pool and its workers go too (`Handle::drop`).
    }
}
