//! The page's connection to the lab: every live run is simulated off the page.
//!
//! The site starts one lab worker when the first live cluster opens (or earlier, [`start`]); the
//! page's own wasm carries the views. Each widget opens a run ([`LabRun::open`]), sends it
//! commands, and draws the frames that come back. The worker, its queue and the lab-in-page
//! variant for the browser tests are [`crate::lab_link`]'s.

use crate::lab_link::LabLink;
use netsplit_core::frame::{EventsHeld, Frame, HeldEvents};
use netsplit_core::lab_host::{LabReply, LabRequest};
use netsplit_core::live::{Answer, Command};
use netsplit_core::replay::Recording;
use netsplit_core::Scenario;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::Callback;

/// What a run's widget is told: what its command did and the frame to draw.
pub type OnFrame = Callback<(Answer, Box<Frame>)>;

/// The live runs' lab and who listens to each run.
struct Connection {
    link: LabLink,
    /// Each open run's widget.
    runs: BTreeMap<u32, OnFrame>,
    next_run: u32,
}

thread_local! {
    static LAB: RefCell<Connection> = const {
        RefCell::new(Connection {
            link: LabLink::new(),
            runs: BTreeMap::new(),
            next_run: 1,
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
    LAB.with(|lab| lab.borrow_mut().link.start(dispatch, failed));
}

/// Why the lab cannot run (the worker failed to load), if it cannot.
pub fn broken() -> Option<String> {
    LAB.with(|lab| lab.borrow().link.broken.clone())
}

fn failed(message: String) {
    LAB.with(|lab| lab.borrow_mut().link.broken = Some(message));
}

fn send(request: &LabRequest) {
    let Ok(bytes) = postcard::to_allocvec(request) else {
        return;
    };
    let reply = LAB.with(|lab| lab.borrow_mut().link.send(bytes, dispatch, failed));
    if let Some(reply) = reply {
        dispatch(&reply);
    }
}

/// Hands a reply to its run's widget (outside any borrow of the connection, since the widget
/// may send again at once).
fn dispatch(bytes: &[u8]) {
    let reply: LabReply = match postcard::from_bytes(bytes) {
        Ok(r) => r,
        Err(e) => {
            failed(format!("a garbled lab reply: {e}"));
            return;
        }
    };
    match reply {
        LabReply::Ready => LAB.with(|lab| lab.borrow_mut().link.ready()),
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
