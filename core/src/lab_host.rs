//! The lab: every live run of a page, driven by messages, so that it can live in a worker.
//!
//! The page sends a [`LabRequest`] for one of its widgets (each widget names its run with a
//! number of its own) and gets a [`LabReply`] with what the command did and the frame to draw.
//! Messages are postcard bytes ([`LabHost::handle_bytes`]): a malformed message is answered
//! with an error, never a panic.

use crate::frame::{EventsHeld, Frame};
use crate::live::{Answer, Command, LiveRun};
use crate::measure::{MeasureRun, Table};
use crate::replay::{RecordedView, Recording};
use crate::scenario::Scenario;
use crate::trace::TraceEvent;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::rc::Rc;

/// Page → lab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LabRequest {
    /// Start run `run` (replacing one of that number).
    Open {
        /// The widget's run number.
        run: u32,
        /// What to run.
        scenario: Box<Scenario>,
        /// A recorded run to play back instead (a graded counterexample): its events and views.
        recording: Option<(Vec<TraceEvent>, Vec<RecordedView>)>,
        /// The events the page wants in its first frame.
        held: EventsHeld,
    },
    /// Apply a command to run `run`.
    Command {
        /// The widget's run number.
        run: u32,
        /// What to do.
        command: Command,
        /// The events the page holds, so the frame sends only what it lacks.
        held: EventsHeld,
    },
    /// Forget run `run` (its widget is gone).
    Close {
        /// The widget's run number.
        run: u32,
    },
    /// Compute the next chunk of seeds of measurement `id` ([`crate::measure`]); once every seed
    /// is done, the same request answers at once with the finished table.
    Measure {
        /// The measurement's id, as a lesson's ```` ```measure ```` block names it.
        id: String,
    },
}

/// Lab → page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LabReply {
    /// The lab has loaded and takes requests.
    Ready,
    /// What a request did to run `run`, and the frame to draw.
    Frame {
        /// The widget's run number.
        run: u32,
        /// What to tell the learner.
        answer: Answer,
        /// What to draw.
        frame: Box<Frame>,
    },
    /// Measurement `id` over the seeds done so far.
    Measured {
        /// The measurement's id.
        id: String,
        /// How many seeds are done.
        done_seeds: u64,
        /// How many seeds the figures will be over.
        seeds: u64,
        /// The table over the seeds done.
        table: Box<Table>,
    },
    /// A request that could not be served (malformed, or for a run that is not open).
    Failed {
        /// Why.
        message: String,
    },
}

/// Every open run, by the number its widget gave it.
#[derive(Default)]
pub struct LabHost {
    runs: BTreeMap<u32, LiveRun>,
    /// Measurements begun, by id; kept when finished, so a page that shows one again gets it
    /// at once.
    measures: BTreeMap<String, MeasureRun>,
}

impl LabHost {
    /// A lab with no runs.
    pub fn new() -> Self {
        LabHost::default()
    }

    /// How many runs are open.
    pub fn open_runs(&self) -> u64 {
        self.runs.len() as u64
    }

    /// Serves one request; `None` for one that needs no answer (closing a run).
    pub fn handle(&mut self, request: LabRequest) -> Option<LabReply> {
        match request {
            LabRequest::Open {
                run,
                scenario,
                recording,
                held,
            } => {
                let recording = recording.map(|(events, views)| Recording {
                    events: Rc::new(events),
                    views,
                });
                let live = LiveRun::new(*scenario, recording);
                let answer = Answer {
                    error: live.session().build_error().map(str::to_string),
                    ..Answer::default()
                };
                let frame = Box::new(Frame::of(&live, held));
                self.runs.insert(run, live);
                Some(LabReply::Frame { run, answer, frame })
            }
            LabRequest::Command { run, command, held } => match self.runs.get_mut(&run) {
                Some(live) => {
                    let answer = live.apply(command);
                    let frame = Box::new(Frame::of(live, held));
                    Some(LabReply::Frame { run, answer, frame })
                }
                None => Some(LabReply::Failed {
                    message: format!("run {run} is not open"),
                }),
            },
            LabRequest::Close { run } => {
                self.runs.remove(&run);
                None
            }
            LabRequest::Measure { id } => {
                let Some(info) = crate::measure::find(&id) else {
                    return Some(LabReply::Failed {
                        message: format!("no measurement `{id}`"),
                    });
                };
                let run = self
                    .measures
                    .entry(id.clone())
                    .or_insert_with(|| MeasureRun::new(info));
                run.step();
                Some(LabReply::Measured {
                    id,
                    done_seeds: run.done_seeds(),
                    seeds: info.seeds,
                    table: Box::new(run.table()),
                })
            }
        }
    }

    /// Serves one postcard-encoded request, answering with postcard bytes (if it needs an
    /// answer); a malformed request is answered with [`LabReply::Failed`].
    pub fn handle_bytes(&mut self, bytes: &[u8]) -> Option<Vec<u8>> {
        let reply = match postcard::from_bytes::<LabRequest>(bytes) {
            Ok(request) => self.handle(request)?,
            Err(e) => LabReply::Failed {
                message: format!("malformed lab request: {e}"),
            },
        };
        postcard::to_allocvec(&reply).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::HeldEvents;
    use crate::id::NodeId;
    use crate::protocols::two_generals::schedules::lossy_generals;
    use crate::session::Session;

    fn frame_of(reply: Option<LabReply>) -> (Answer, Frame) {
        match reply {
            Some(LabReply::Frame { answer, frame, .. }) => (answer, *frame),
            other => panic!("expected a frame, got {other:?}"),
        }
    }

    #[test]
    fn a_run_driven_by_messages_has_the_digest_of_the_same_run_driven_directly() {
        let mut lab = LabHost::new();
        let mut held = HeldEvents::new(150);
        let (_, frame) = frame_of(lab.handle(LabRequest::Open {
            run: 7,
            scenario: Box::new(lossy_generals(3)),
            recording: None,
            held: held.held(),
        }));
        held.take(frame.events);
        let mut direct = Session::new(lossy_generals(3), None);
        let mut last = Frame::default();
        for _ in 0..40 {
            let request = LabRequest::Command {
                run: 7,
                command: Command::Advance { by_us: 3_000 },
                held: held.held(),
            };
            let bytes = postcard::to_allocvec(&request).expect("encodes");
            let reply = lab.handle_bytes(&bytes).expect("an answer");
            let (_, frame) = frame_of(postcard::from_bytes(&reply).ok());
            held.take(frame.events.clone());
            last = frame;
            let until = direct.view_time().plus(crate::time::SimDuration(3_000));
            direct.advance_to(until);
        }
        assert_eq!(last.digest, direct.runner().trace().digest());
        assert_eq!(last.step, direct.steps());
        let all = direct.runner().trace().events();
        assert_eq!(held.events(), &all[all.len().saturating_sub(150)..]);
    }

    #[test]
    fn a_measurement_is_computed_a_chunk_per_request_and_kept_once_finished() {
        let mut lab = LabHost::new();
        let info = crate::measure::find("phi-thresholds").expect("registered");
        let mut requests = 0;
        let table = loop {
            requests += 1;
            match lab.handle(LabRequest::Measure {
                id: "phi-thresholds".into(),
            }) {
                Some(LabReply::Measured {
                    done_seeds,
                    seeds,
                    table,
                    ..
                }) => {
                    assert_eq!(done_seeds, (requests * info.chunk).min(seeds));
                    if done_seeds == seeds {
                        break table;
                    }
                }
                other => panic!("expected a measurement, got {other:?}"),
            }
        };
        assert_eq!(requests, info.seeds.div_ceil(info.chunk));
        let again = lab.handle(LabRequest::Measure {
            id: "phi-thresholds".into(),
        });
        assert!(matches!(again, Some(LabReply::Measured { table: t, .. }) if t == table));
        let unknown = lab.handle(LabRequest::Measure { id: "nope".into() });
        assert!(matches!(unknown, Some(LabReply::Failed { message }) if message.contains("nope")));
    }

    #[test]
    fn a_malformed_request_is_answered_with_an_error() {
        let mut lab = LabHost::new();
        let reply = lab.handle_bytes(&[0xff, 0xff, 0xff]).expect("an answer");
        match postcard::from_bytes::<LabReply>(&reply) {
            Ok(LabReply::Failed { message }) => assert!(message.contains("malformed")),
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[test]
    fn a_command_for_a_run_not_open_is_an_error_and_closing_forgets_a_run() {
        let mut lab = LabHost::new();
        lab.handle(LabRequest::Open {
            run: 1,
            scenario: Box::new(lossy_generals(2)),
            recording: None,
            held: EventsHeld::default(),
        });
        assert_eq!(lab.open_runs(), 1);
        assert_eq!(lab.handle(LabRequest::Close { run: 1 }), None);
        assert_eq!(lab.open_runs(), 0);
        let reply = lab.handle(LabRequest::Command {
            run: 1,
            command: Command::ToggleCrash(NodeId(0)),
            held: EventsHeld::default(),
        });
        assert!(matches!(reply, Some(LabReply::Failed { .. })));
    }

    #[test]
    fn a_recorded_run_offers_no_controls_and_refuses_faults() {
        let mut direct = Session::new(lossy_generals(2), None);
        direct.advance_to(crate::time::SimTime(50_000));
        let events = direct.runner().trace().events().to_vec();
        let mut lab = LabHost::new();
        lab.handle(LabRequest::Open {
            run: 2,
            scenario: Box::new(lossy_generals(2)),
            recording: Some((events, Vec::new())),
            held: EventsHeld::default(),
        });
        let (answer, frame) = frame_of(lab.handle(LabRequest::Command {
            run: 2,
            command: Command::ToggleCrash(NodeId(0)),
            held: EventsHeld::default(),
        }));
        assert!(frame.controls.is_empty());
        assert!(answer.status.unwrap_or_default().contains("recorded run"));
    }
}
