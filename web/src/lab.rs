//! The page's connection to the lab: every live run is simulated off the page.
//!
//! The site starts one lab worker (`lab-worker`, with the simulator and every protocol) when the
//! first live cluster opens; the page's own wasm carries the views. Each widget opens a run
//! ([`LabRun::open`]), sends it commands, and draws the frames that come back. Requests queue
//! until the worker says it is ready. Built with feature `lab-in-page` (for the browser tests,
//! which cannot load a worker), the lab runs in the page itself instead, answering at once.

use netsplit_core::frame::{EventsHeld, Frame, HeldEvents};
use netsplit_core::lab_host::{LabReply, LabRequest};
use netsplit_core::live::{Answer, Command};
use netsplit_core::replay::Recording;
use netsplit_core::Scenario;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::Callback;

/// The lab worker's loader script (trunk names workers after their binary, without a hash).
pub const WORKER_URL: &str = "./lab-worker_loader.js";

/// What a run's widget is told: what its command did and the frame to draw.
pub type OnFrame = Callback<(Answer, Box<Frame>)>;

/// Where requests go: the worker, or (feature `lab-in-page`) a lab in the page.
struct Connection {
    #[cfg(not(feature = "lab-in-page"))]
    worker: Option<web_sys::Worker>,
    #[cfg(feature = "lab-in-page")]
    host: Option<netsplit_core::lab_host::LabHost>,
    /// Requests made before the worker was ready, in order.
    #[cfg(not(feature = "lab-in-page"))]
    queued: Vec<Vec<u8>>,
    #[cfg(not(feature = "lab-in-page"))]
    ready: bool,
    /// Each open run's widget.
    runs: BTreeMap<u32, OnFrame>,
    next_run: u32,
    /// Why the lab cannot run, once it is known.
    broken: Option<String>,
}

thread_local! {
    static LAB: RefCell<Connection> = const {
        RefCell::new(Connection {
            #[cfg(not(feature = "lab-in-page"))]
            worker: None,
            #[cfg(feature = "lab-in-page")]
            host: None,
            #[cfg(not(feature = "lab-in-page"))]
            queued: Vec::new(),
            #[cfg(not(feature = "lab-in-page"))]
            ready: false,
            runs: BTreeMap::new(),
            next_run: 1,
            broken: None,
        })
    };
}

/// One widget's run in the lab, closed when dropped.
pub struct LabRun {
    run: u32,
    /// The trace events the widget holds (shared with its state, which draws them).
    pub events: Rc<RefCell<HeldEvents>>,
    /// True while a request waits for its frame (the animation sends no tick meanwhile).
    pub pending: Rc<Cell<bool>>,
}

impl PartialEq for LabRun {
    fn eq(&self, other: &Self) -> bool {
        self.run == other.run
    }
}

impl LabRun {
    /// Opens a run of `scenario` (or a playback of `recording`) whose frames go to `on_frame`,
    /// keeping `events` up to date from them.
    pub fn open(
        scenario: Scenario,
        recording: Option<&Recording>,
        events: Rc<RefCell<HeldEvents>>,
        on_frame: OnFrame,
    ) -> LabRun {
        let pending = Rc::new(Cell::new(true));
        let callback = {
            let (events, pending) = (events.clone(), pending.clone());
            Callback::from(move |(answer, mut frame): (Answer, Box<Frame>)| {
                pending.set(false);
                events.borrow_mut().take(std::mem::take(&mut frame.events));
                on_frame.emit((answer, frame));
            })
        };
        let run = LAB.with(|lab| {
            let mut lab = lab.borrow_mut();
            let run = lab.next_run;
            lab.next_run += 1;
            lab.runs.insert(run, callback);
            run
        });
        let held = events.borrow().held();
        send(&LabRequest::Open {
            run,
            scenario: Box::new(scenario),
            recording: recording.map(|r| (r.events.to_vec(), r.views.clone())),
            held,
        });
        LabRun {
            run,
            events,
            pending,
        }
    }

    /// Sends `command`; its frame comes to the run's callback.
    pub fn send(&self, command: Command) {
        self.pending.set(true);
        let held = self.held();
        send(&LabRequest::Command {
            run: self.run,
            command,
            held,
        });
    }

    fn held(&self) -> EventsHeld {
        self.events.borrow().held()
    }
}

impl Drop for LabRun {
    fn drop(&mut self) {
        LAB.with(|lab| lab.borrow_mut().runs.remove(&self.run));
        send(&LabRequest::Close { run: self.run });
    }
}

/// Starts the lab worker if it has not started, so that it loads while the page fetches what a
/// live cluster will show (a lesson's body); the first run opened starts it otherwise.
pub fn start() {
    #[cfg(not(feature = "lab-in-page"))]
    LAB.with(|lab| {
        let mut lab = lab.borrow_mut();
        if lab.worker.is_none() && lab.broken.is_none() {
            match start_worker() {
                Ok(w) => lab.worker = Some(w),
                Err(e) => lab.broken = Some(e),
            }
        }
    });
}

/// Why the lab cannot run (the worker failed to load), if it cannot.
pub fn broken() -> Option<String> {
    LAB.with(|lab| lab.borrow().broken.clone())
}

fn send(request: &LabRequest) {
    let Ok(bytes) = postcard::to_allocvec(request) else {
        return;
    };
    deliver(bytes);
}

/// Hands a reply to its run's widget (outside any borrow of the connection, since the widget
/// may send again at once).
fn dispatch(bytes: &[u8]) {
    let reply: LabReply = match postcard::from_bytes(bytes) {
        Ok(r) => r,
        Err(e) => {
            LAB.with(|lab| lab.borrow_mut().broken = Some(format!("a garbled lab reply: {e}")));
            return;
        }
    };
    match reply {
        LabReply::Ready => flush_queue(),
        LabReply::Frame { run, answer, frame } => {
            let callback = LAB.with(|lab| lab.borrow().runs.get(&run).cloned());
            if let Some(cb) = callback {
                cb.emit((answer, frame));
            }
        }
        // Measurements are asked of their own worker (`crate::measure_lab`), never of this one.
        LabReply::Measured { .. } => {}
        LabReply::Failed { message } => {
            web_sys::console::warn_1(&format!("lab: {message}").into());
        }
    }
}

#[cfg(feature = "lab-in-page")]
fn deliver(bytes: Vec<u8>) {
    let reply = LAB.with(|lab| {
        let mut lab = lab.borrow_mut();
        let host = lab
            .host
            .get_or_insert_with(netsplit_core::lab_host::LabHost::new);
        host.handle_bytes(&bytes)
    });
    if let Some(reply) = reply {
        dispatch(&reply);
    }
}

#[cfg(feature = "lab-in-page")]
fn flush_queue() {}

#[cfg(not(feature = "lab-in-page"))]
fn deliver(bytes: Vec<u8>) {
    start();
    let ready = LAB.with(|lab| {
        let mut lab = lab.borrow_mut();
        if !lab.ready {
            lab.queued.push(bytes.clone());
        }
        lab.ready
    });
    if ready {
        post(&bytes);
    }
}

#[cfg(not(feature = "lab-in-page"))]
fn post(bytes: &[u8]) {
    LAB.with(|lab| {
        if let Some(w) = &lab.borrow().worker {
            let _ = w.post_message(&js_sys::Uint8Array::from(bytes));
        }
    });
}

#[cfg(not(feature = "lab-in-page"))]
fn flush_queue() {
    let queued = LAB.with(|lab| {
        let mut lab = lab.borrow_mut();
        lab.ready = true;
        std::mem::take(&mut lab.queued)
    });
    for bytes in queued {
        post(&bytes);
    }
}

#[cfg(not(feature = "lab-in-page"))]
fn start_worker() -> Result<web_sys::Worker, String> {
    new_worker(dispatch, |message| {
        LAB.with(|lab| lab.borrow_mut().broken = Some(message))
    })
}

/// A new instance of the lab worker whose replies (postcard bytes) go to `on_reply`, and whose
/// failure to load is told to `on_error`.
#[cfg(not(feature = "lab-in-page"))]
pub fn new_worker(on_reply: fn(&[u8]), on_error: fn(String)) -> Result<web_sys::Worker, String> {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let worker = web_sys::Worker::new(WORKER_URL)
        .map_err(|e| format!("the lab worker did not start: {e:?}"))?;
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let bytes = js_sys::Uint8Array::new(&e.data()).to_vec();
            on_reply(&bytes);
        });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the page.
    on_message.forget();
    // Each connection marks only itself broken: the live lab and the measurements' lab are two
    // workers, and one failing says nothing of the other.
    let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| {
        on_error("the lab worker failed to load: reload the page to try again".into())
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    Ok(worker)
}
