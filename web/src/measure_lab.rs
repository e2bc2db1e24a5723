//! The page's connection for measurements: a second instance of the lab worker, started when the
//! first measured table opens, so that computing a table over a hundred seeds (seconds of work)
//! never holds up the frames of the live clusters on the same page, which the first lab serves.
//! Built with feature `lab-in-page` (the browser tests), a lab in the page answers instead.
//!
//! While an exercise is being graded the measurements wait ([`hold`]): a table is seconds of
//! work that nobody is waiting for, and on a two-core machine it took a core from the graders
//! (the FLP exercise graded in about 3.4 s instead of 2.5 while its lesson's table computed).

use netsplit_core::lab_host::{LabReply, LabRequest};
use netsplit_core::measure::Table;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use yew::Callback;

/// What a measurement's widget is told: seeds done, seeds in all, and the table so far.
pub type OnMeasured = Callback<(u64, u64, Box<Table>)>;

#[derive(Default)]
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
    /// Each measurement's widget, by the measurement's id.
    widgets: BTreeMap<String, OnMeasured>,
    /// Why measurements cannot run, once it is known.
    broken: Option<String>,
    /// True while exercises are being graded: the next chunks wait.
    held: bool,
    /// The measurements whose next chunk waits for the grading to end.
    deferred: BTreeSet<String>,
}

thread_local! {
    static MEASURE_LAB: RefCell<Connection> = RefCell::new(Connection::default());
}

/// Asks for the next chunk of measurement `id`; the table so far comes to `on_measured` (which
/// replaces any earlier widget of the same measurement).
pub fn measure(id: &str, on_measured: OnMeasured) {
    MEASURE_LAB.with(|m| m.borrow_mut().widgets.insert(id.to_string(), on_measured));
    measure_more(id);
}

/// Asks for the next chunk of measurement `id`, for the widget already listening (once the
/// grading ends, if an exercise is being graded).
pub fn measure_more(id: &str) {
    let deferred = MEASURE_LAB.with(|m| {
        let mut m = m.borrow_mut();
        if m.held {
            m.deferred.insert(id.to_string());
        }
        m.held
    });
    if deferred {
        return;
    }
    let Ok(bytes) = postcard::to_allocvec(&LabRequest::Measure { id: id.to_string() }) else {
        return;
    };
    deliver(bytes);
}

/// Holds the measurements' next chunks while `grading` (the chunk being computed finishes), and
/// asks for the ones held once it is false again.
pub fn hold(grading: bool) {
    let resume = MEASURE_LAB.with(|m| {
        let mut m = m.borrow_mut();
        m.held = grading;
        if grading {
            BTreeSet::new()
        } else {
            std::mem::take(&mut m.deferred)
        }
    });
    for id in resume {
        measure_more(&id);
    }
}

/// Stops telling a widget about measurement `id` (it is gone).
pub fn forget(id: &str) {
    MEASURE_LAB.with(|m| m.borrow_mut().widgets.remove(id));
}

/// Why measurements cannot run, if they cannot.
pub fn broken() -> Option<String> {
    MEASURE_LAB.with(|m| m.borrow().broken.clone())
}

/// Hands a reply to its widget, outside any borrow (the widget asks for the next chunk at once).
fn dispatch(bytes: &[u8]) {
    match postcard::from_bytes::<LabReply>(bytes) {
        Ok(LabReply::Ready) => flush_queue(),
        Ok(LabReply::Measured {
            id,
            done_seeds,
            seeds,
            table,
        }) => {
            let widget = MEASURE_LAB.with(|m| m.borrow().widgets.get(&id).cloned());
            if let Some(cb) = widget {
                cb.emit((done_seeds, seeds, table));
            }
        }
        Ok(LabReply::Failed { message }) => {
            MEASURE_LAB.with(|m| m.borrow_mut().broken = Some(message));
        }
        Ok(LabReply::Frame { .. }) => {}
        Err(e) => {
            MEASURE_LAB.with(|m| m.borrow_mut().broken = Some(format!("a garbled lab reply: {e}")));
        }
    }
}

#[cfg(feature = "lab-in-page")]
fn deliver(bytes: Vec<u8>) {
    let reply = MEASURE_LAB.with(|m| {
        let mut m = m.borrow_mut();
        m.host
            .get_or_insert_with(netsplit_core::lab_host::LabHost::new)
            .handle_bytes(&bytes)
    });
    if let Some(reply) = reply {
        dispatch(&reply);
    }
}

#[cfg(feature = "lab-in-page")]
fn flush_queue() {}

#[cfg(not(feature = "lab-in-page"))]
fn deliver(bytes: Vec<u8>) {
    let ready = MEASURE_LAB.with(|m| {
        let mut m = m.borrow_mut();
        if m.worker.is_none() && m.broken.is_none() {
            match crate::lab::new_worker(dispatch, |message| {
                MEASURE_LAB.with(|m| m.borrow_mut().broken = Some(message))
            }) {
                Ok(w) => m.worker = Some(w),
                Err(e) => m.broken = Some(e),
            }
        }
        if !m.ready {
            m.queued.push(bytes.clone());
        }
        m.ready
    });
    if ready {
        post(&bytes);
    }
}

#[cfg(not(feature = "lab-in-page"))]
fn post(bytes: &[u8]) {
    MEASURE_LAB.with(|m| {
        if let Some(w) = &m.borrow().worker {
            let _ = w.post_message(&js_sys::Uint8Array::from(bytes));
        }
    });
}

#[cfg(not(feature = "lab-in-page"))]
fn flush_queue() {
    let queued = MEASURE_LAB.with(|m| {
        let mut m = m.borrow_mut();
        m.ready = true;
        std::mem::take(&mut m.queued)
    });
    for bytes in queued {
        post(&bytes);
    }
}
