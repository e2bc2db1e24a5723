//! The widget's page-side state: every lab frame and page-only action is an [`Action`] reduced
//! here.
//!
//! The run itself lives in the lab ([`crate::lab`]): the widget sends it commands and draws the
//! [`Frame`]s that come back. This keeps what only a page has: playing or paused, the speed,
//! reduced motion, the selected node, the status line, and the newest frame. A timer only decides
//! *when* to ask the lab to advance; simulated time never reads the wall clock.

use netsplit_core::frame::{Frame, HeldEvents};
use netsplit_core::live::Answer;
use netsplit_core::NodeId;
use std::cell::RefCell;
use std::rc::Rc;
use yew::Reducible;

/// Playback speeds: simulated microseconds per real millisecond.
pub const SPEEDS: &[(u64, &str)] = &[
    (20, "0.02×"),
    (50, "0.05×"),
    (100, "0.1×"),
    (250, "0.25×"),
    (1_000, "1×"),
];

pub use netsplit_core::live::GROUPS;

/// Everything the widget shows: the lab's newest frame and what the page adds.
pub struct ClusterState {
    /// The newest frame from the lab (a default, empty one until the first arrives).
    pub frame: Rc<Frame>,
    /// True once the lab has sent a frame.
    pub loaded: bool,
    /// The newest trace events, kept up to date by the run's connection from each frame.
    pub events: Rc<RefCell<HeldEvents>>,
    /// True while playing.
    pub playing: bool,
    /// Simulated microseconds per real millisecond.
    pub speed_us_per_ms: u64,
    /// Messages drawn at fixed spots instead of gliding (prefers-reduced-motion); the speed is
    /// the chosen one either way.
    pub reduced_motion: bool,
    /// The node shown in the inspector.
    pub selected: Option<NodeId>,
    /// The last thing that happened, announced to screen readers.
    pub status: String,
    /// An error to show (a bad seed, an invalid setting), if any.
    pub error: Option<String>,
    /// The share link's text after `#/run/`, once made.
    pub link: Option<String>,
}

/// What the lab (or the learner, for what only the page keeps) can do.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// A frame from the lab, with what the command that made it did.
    Frame(Answer, Box<Frame>),
    /// Change playback speed.
    SetSpeed(u64),
    /// Show a node in the inspector (or none).
    Select(Option<NodeId>),
    /// Stop playing at once (the lab is told too).
    Pause,
}

impl ClusterState {
    /// A widget waiting for its first frame, drawing the events `events` holds.
    pub fn new(reduced_motion: bool, events: Rc<RefCell<HeldEvents>>) -> Self {
        ClusterState {
            frame: Rc::new(Frame::default()),
            loaded: false,
            events,
            playing: false,
            speed_us_per_ms: 100,
            reduced_motion,
            selected: None,
            status: String::new(),
            error: None,
            link: None,
        }
    }
}

impl Reducible for ClusterState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = ClusterState {
            frame: self.frame.clone(),
            loaded: self.loaded,
            events: self.events.clone(),
            playing: self.playing,
            speed_us_per_ms: self.speed_us_per_ms,
            reduced_motion: self.reduced_motion,
            selected: self.selected,
            status: self.status.clone(),
            error: self.error.clone(),
            link: self.link.clone(),
        };
        match action {
            Action::Frame(answer, frame) => {
                s.frame = Rc::from(frame);
                s.loaded = true;
                // A command's refusal shows until the next command; a tick keeps what is shown.
                if answer != Answer::default() {
                    s.error = answer.error;
                }
                if let Some(status) = answer.status {
                    s.status = status;
                }
                if let Some(playing) = answer.playing {
                    s.playing = playing;
                }
                if answer.link.is_some() {
                    s.link = answer.link;
                }
                if s.frame.finished {
                    s.playing = false;
                }
            }
            Action::SetSpeed(v) => s.speed_us_per_ms = v.max(1),
            Action::Select(node) => s.selected = node,
            Action::Pause => s.playing = false,
        }
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(answer: Answer, finished: bool) -> Action {
        Action::Frame(
            answer,
            Box::new(Frame {
                finished,
                ..Frame::default()
            }),
        )
    }

    #[test]
    fn a_finished_frame_stops_playing() {
        let mut s = Rc::new(ClusterState::new(false, Rc::default()));
        s = s.reduce(frame(
            Answer {
                playing: Some(true),
                ..Answer::default()
            },
            false,
        ));
        assert!(s.playing && s.loaded);
        s = s.reduce(frame(Answer::default(), true));
        assert!(!s.playing);
    }

    #[test]
    fn an_error_shows_until_the_next_command_answers() {
        let mut s = Rc::new(ClusterState::new(false, Rc::default()));
        s = s.reduce(frame(
            Answer {
                error: Some("bad".into()),
                ..Answer::default()
            },
            false,
        ));
        s = s.reduce(frame(Answer::default(), false));
        assert_eq!(s.error.as_deref(), Some("bad"), "a tick keeps it");
        s = s.reduce(frame(
            Answer {
                status: Some("Step 1.".into()),
                ..Answer::default()
            },
            false,
        ));
        assert_eq!(s.error, None);
    }
}
