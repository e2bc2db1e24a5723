//! The page's connection for measurements: a second instance of the lab worker, started when the
//! first measured table opens, so that computing a table over a hundred seeds (seconds of work)
//! never holds up the frames of the live clusters on the same page, which the first lab serves.
//! Built with feature `lab-in-page` (the browser tests), a lab in the page answers instead.
//!
//! While an exercise is being graded the measurements wait ([`hold`]): a table is seconds of
//! work that nobody is waiting for, and on a two-core machine it took a core from the graders
//! (the FLP exercise graded in about 3.4 s instead of 2.5 while its lesson's table computed).

use crate::lab_link::LabLink;
use netsplit_core::lab_host::{LabReply, LabRequest};
use netsplit_core::measure::Table;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use yew::Callback;

/// What a measurement's widget is told: seeds done, seeds in all, and the table so far.
pub type OnMeasured = Callback<(u64, u64, Box<Table>)>;

/// The measurements' lab and the widget listening to each measurement.
#[derive(Default)]
struct Connection {
    link: LabLink,
    /// Each measurement's widget, by the measurement's id.
    widgets: BTreeMap<String, OnMeasured>,
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
    let reply = MEASURE_LAB.with(|m| m.borrow_mut().link.send(bytes, dispatch, failed));
    if let Some(reply) = reply {
        dispatch(&reply);
    }
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

/// True while the measurements wait for a grade to end ([`hold`]).
pub fn held() -> bool {
    MEASURE_LAB.with(|m| m.borrow().held)
}

/// Stops telling a widget about measurement `id` (it is gone).
pub fn forget(id: &str) {
    MEASURE_LAB.with(|m| m.borrow_mut().widgets.remove(id));
}

/// Why measurements cannot run, if they cannot.
pub fn broken() -> Option<String> {
    MEASURE_LAB.with(|m| m.borrow().link.broken.clone())
}

fn failed(message: String) {
    MEASURE_LAB.with(|m| m.borrow_mut().link.broken = Some(message));
}

/// Hands a reply to its widget, outside any borrow (the widget asks for the next chunk at once).
fn dispatch(bytes: &[u8]) {
    match postcard::from_bytes::<LabReply>(bytes) {
        Ok(LabReply::Ready) => MEASURE_LAB.with(|m| m.borrow_mut().link.ready()),
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
        Ok(LabReply::Failed { message }) => failed(message),
        Ok(LabReply::Frame { .. }) => {}
        Err(e) => failed(format!("a garbled lab reply: {e}")),
    }
}
