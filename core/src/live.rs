//! A live run as a widget drives it: the learner's commands applied to a [`Session`], each
//! answered with what to tell the learner.
//!
//! This is everything the live cluster widget does to a run, kept out of the page so that the
//! run can live in the lab worker and the page's wasm carries views only. The page keeps what is
//! only a page's (playing or not, the speed, the node shown in the inspector) and sends a
//! [`Command`]; the lab answers with an [`Answer`] and a [`crate::frame::Frame`] to draw.

use crate::fault::Fault;
use crate::id::NodeId;
use crate::net::NetConfig;
use crate::replay::Recording;
use crate::scenario::Scenario;
use crate::session::{InjectError, Session};
use crate::share::{encode_link, SharedRun};
use crate::time::SimDuration;
use serde::{Deserialize, Serialize};

/// Partition group names shown to the learner.
pub const GROUPS: &[&str] = &["A", "B", "C"];

/// What the learner (or the page's animation timer) asks of a live run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    /// Nothing: send a fresh frame (the page wants more of the trace, say).
    Refresh,
    /// Run every event due in the next `by_us` simulated microseconds (an animation frame's
    /// worth at the chosen speed).
    Advance {
        /// Simulated microseconds to advance the drawn instant by (at least 1 is used).
        by_us: u64,
    },
    /// Start playing, if anything is left to happen.
    Play,
    /// Stop playing.
    Pause,
    /// Run exactly one event.
    Step,
    /// Replay from the seed to this step.
    Seek(u64),
    /// Start over with this seed.
    SetSeed(u64),
    /// Start over with a changed scenario (protocol parameters, node count).
    Reconfigure(Box<Scenario>),
    /// Set the protocol's control `id` to `value` and start over.
    SetControl {
        /// The control's id, as its [`crate::Control`] names it.
        id: String,
        /// A number, or 0 and 1 for a toggle.
        value: u32,
    },
    /// Start over with the same seed and no live faults.
    Reset,
    /// Apply a fault now.
    Inject(Fault),
    /// Crash the node if it is up, restart it if it is down.
    ToggleCrash(NodeId),
    /// Cut the link if it is up, repair it otherwise.
    ToggleLink(NodeId, NodeId),
    /// Move a node to a partition group (an index into [`GROUPS`]) and apply the partition.
    MoveToGroup(NodeId, u8),
    /// New latency, loss and duplication for every link.
    SetNetwork(NetConfig),
    /// Make a share link for exactly the run shown.
    Share,
}

/// What a command did, for the learner.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// The status line to announce, if the command changes it.
    pub status: Option<String>,
    /// An error to show (a bad seed, an invalid setting), if the command was refused.
    pub error: Option<String>,
    /// Whether the page should be playing now, if the command decides it.
    pub playing: Option<bool>,
    /// The share link's text after `#/run/`, for [`Command::Share`].
    pub link: Option<String>,
}

impl Answer {
    fn status(text: impl Into<String>) -> Self {
        Answer {
            status: Some(text.into()),
            ..Answer::default()
        }
    }

    fn stopped(text: impl Into<String>) -> Self {
        Answer {
            playing: Some(false),
            ..Answer::status(text)
        }
    }

    fn error(text: impl Into<String>) -> Self {
        Answer {
            error: Some(text.into()),
            ..Answer::default()
        }
    }
}

/// One live run: the session, the partition groups as the learner drew them, and a count of the
/// times its trace was replaced (so the page knows when the events it holds are stale).
pub struct LiveRun {
    session: Session,
    groups: Vec<u8>,
    epoch: u64,
}

impl LiveRun {
    /// A fresh run of `scenario`, or a playback of `recording` if given.
    pub fn new(scenario: Scenario, recording: Option<Recording>) -> Self {
        let session = Session::new(scenario, recording);
        let groups = vec![0; session.runner().size() as usize];
        LiveRun {
            session,
            groups,
            epoch: 0,
        }
    }

    /// The session (read-only: commands change it).
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Partition group (index into [`GROUPS`]) of each node.
    pub fn groups(&self) -> &[u8] {
        &self.groups
    }

    /// Bumped whenever the trace may no longer extend the one last drawn (a replay, a restart, a
    /// fault that forks the timeline): the page then takes the events afresh.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Applies `command`, saying what to tell the learner.
    pub fn apply(&mut self, command: Command) -> Answer {
        if !matches!(
            command,
            Command::Refresh
                | Command::Advance { .. }
                | Command::Play
                | Command::Pause
                | Command::Step
                | Command::Share
        ) {
            self.epoch += 1;
        }
        match command {
            Command::Refresh => Answer::default(),
            Command::Advance { by_us } => self.advance(by_us),
            Command::Play if self.session.finished() => {
                Answer::stopped(self.idle_status("Nothing left to happen."))
            }
            Command::Play => Answer {
                playing: Some(true),
                ..Answer::status("Playing.")
            },
            Command::Pause => Answer::stopped("Paused."),
            Command::Step => {
                if self.session.step_once() {
                    Answer::stopped(format!("Step {}.", self.session.steps()))
                } else {
                    Answer::stopped(self.idle_status("Nothing left to happen."))
                }
            }
            Command::Seek(step) => {
                self.session.seek(step);
                Answer {
                    error: self.session.build_error().map(str::to_string),
                    ..Answer::stopped(format!(
                        "Replayed from seed {} to step {}.",
                        self.session.scenario().seed,
                        self.session.steps()
                    ))
                }
            }
            Command::SetSeed(seed) => {
                self.session.set_seed(seed);
                self.restarted(format!("New run with seed {seed}."))
            }
            Command::Reconfigure(scenario) => self.reconfigure(*scenario),
            Command::SetControl { id, value } => {
                let mut scenario = self.session.scenario().clone();
                match scenario.protocol.with_control(&id, value) {
                    Some(protocol) => {
                        scenario.protocol = protocol;
                        self.reconfigure(scenario)
                    }
                    None => Answer::error(format!("This protocol has no control {id:?}.")),
                }
            }
            Command::Reset => {
                self.session.restart();
                let seed = self.session.scenario().seed;
                self.restarted(format!("Restarted with seed {seed}."))
            }
            Command::Inject(fault) => {
                if fault == Fault::Heal {
                    self.groups.iter_mut().for_each(|g| *g = 0);
                }
                let said = fault.describe();
                // A scheduler's choice plays on by itself: what it sent flies until everything
                // waits again, so the learner sees the next choices without pressing play.
                let chosen = matches!(fault, Fault::Deliver { .. } | Fault::Fire { .. });
                let mut answer = self.inject(fault, said);
                if chosen && answer.error.is_none() {
                    answer.playing = Some(true);
                }
                answer
            }
            Command::ToggleCrash(node) => {
                let fault = if self.session.is_up(node) {
                    Fault::Crash { node }
                } else {
                    Fault::Restart { node }
                };
                let said = fault.describe();
                self.inject(fault, said)
            }
            Command::ToggleLink(a, b) => {
                let net = self.session.runner().network();
                let fault = if net.is_blocked(a, b) || net.is_blocked(b, a) {
                    Fault::Repair { a, b }
                } else {
                    Fault::Cut { a, b }
                };
                let said = fault.describe();
                self.inject(fault, said)
            }
            Command::MoveToGroup(node, group) => self.move_to_group(node, group),
            Command::SetNetwork(config) => match config.validate() {
                Ok(()) => {
                    let said = format!(
                        "Network: latency {}–{} ms, drop {}%, duplicate {}%.",
                        config.latency_us_min / 1_000,
                        config.latency_us_max / 1_000,
                        config.drop.as_percent(),
                        config.duplicate.as_percent()
                    );
                    self.inject(Fault::Network { config }, said)
                }
                Err(e) => Answer::error(e),
            },
            Command::Share => Answer {
                // Exactly the plan the widget replays from (its scrubber rebuilds the run so).
                link: Some(encode_link(&SharedRun {
                    scenario: self.session.played(),
                    code: None,
                })),
                ..Answer::default()
            },
        }
    }

    fn advance(&mut self, by_us: u64) -> Answer {
        let until = self.session.view_time().plus(SimDuration(by_us.max(1)));
        self.session.advance_to(until);
        if !self.session.finished() {
            return Answer::default();
        }
        let max_steps = self.session.scenario().max_steps;
        if self.session.steps() >= max_steps {
            Answer::stopped(format!(
                "Stopped: the event budget of {max_steps} steps is used up."
            ))
        } else {
            Answer::stopped(self.idle_status("Finished: nothing left to happen."))
        }
    }

    fn reconfigure(&mut self, scenario: Scenario) -> Answer {
        match self.session.reconfigure(scenario) {
            Ok(()) => self.restarted("Restarted with new settings.".into()),
            Err(e) => Answer::error(e),
        }
    }

    /// After starting over: stopped, groups reset, and the build's complaint if it had one.
    fn restarted(&mut self, status: String) -> Answer {
        self.groups = vec![0; self.session.runner().size() as usize];
        Answer {
            error: self.session.build_error().map(str::to_string),
            ..Answer::stopped(status)
        }
    }

    /// Applies a fault through the session; a refusal becomes the status or the error.
    fn inject(&mut self, fault: Fault, said: String) -> Answer {
        match self.session.inject(fault) {
            Ok(()) => Answer::status(said),
            Err(e @ InjectError::Recorded) => Answer::status(e.to_string()),
            Err(e) => Answer {
                error: Some(e.to_string()),
                ..Answer::status(said)
            },
        }
    }

    fn move_to_group(&mut self, node: NodeId, group: u8) -> Answer {
        let group = group.min(GROUPS.len() as u8 - 1);
        if let Some(g) = self.groups.get_mut(node.index()) {
            *g = group;
        }
        let healed = self.inject(Fault::Heal, String::new());
        if healed.error.is_some() || healed.status.as_deref() != Some("") {
            return healed;
        }
        let groups = group_lists(&self.groups);
        if groups.len() < 2 {
            return Answer::status("All nodes in one group: the network is whole again.");
        }
        let said = format!(
            "{node} moved to group {}; nodes in different groups cannot talk.",
            GROUPS[usize::from(group)]
        );
        self.inject(Fault::Partition { groups }, said)
    }

    fn idle_status(&self, otherwise: &str) -> String {
        match self.session.waiting() {
            0 => otherwise.to_string(),
            n => format!("{n} events wait to be chosen: pick what happens next."),
        }
    }
}

/// The non-empty partition groups as lists of nodes.
pub fn group_lists(groups: &[u8]) -> Vec<Vec<NodeId>> {
    (0..GROUPS.len() as u8)
        .map(|g| {
            groups
                .iter()
                .enumerate()
                .filter(|(_, x)| **x == g)
                .map(|(i, _)| NodeId(i as u32))
                .collect::<Vec<_>>()
        })
        .filter(|g| !g.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::two_generals::schedules::lossy_generals;

    // Replay, forks and fallbacks are the session's, tested there; these test what a live run
    // adds.

    fn blocked(run: &LiveRun) -> bool {
        run.session()
            .runner()
            .network()
            .is_blocked(NodeId(0), NodeId(1))
    }

    #[test]
    fn moving_a_node_to_another_group_partitions_and_back_heals() {
        let mut run = LiveRun::new(lossy_generals(2), None);
        let said = run.apply(Command::MoveToGroup(NodeId(1), 1));
        assert!(blocked(&run));
        assert_eq!(run.groups(), &[0, 1]);
        assert!(said.status.unwrap_or_default().contains("moved to group B"));
        let said = run.apply(Command::MoveToGroup(NodeId(1), 0));
        assert!(!blocked(&run));
        assert!(said.status.unwrap_or_default().contains("whole again"));
    }

    #[test]
    fn healing_puts_every_node_back_in_the_first_group() {
        let mut run = LiveRun::new(lossy_generals(2), None);
        run.apply(Command::MoveToGroup(NodeId(1), 2));
        run.apply(Command::Inject(Fault::Heal));
        assert_eq!(run.groups(), &[0, 0]);
        assert!(!blocked(&run));
    }

    #[test]
    fn an_invalid_network_setting_is_an_error_not_a_panic() {
        let mut run = LiveRun::new(lossy_generals(2), None);
        let bad = NetConfig {
            latency_us_min: 9,
            latency_us_max: 1,
            ..NetConfig::default()
        };
        let said = run.apply(Command::SetNetwork(bad));
        assert!(said.error.unwrap_or_default().contains("latency_us_min"));
    }

    #[test]
    fn an_unknown_control_is_an_error_and_keeps_the_run() {
        let mut run = LiveRun::new(lossy_generals(2), None);
        run.apply(Command::Step);
        let said = run.apply(Command::SetControl {
            id: "no-such-control".into(),
            value: 3,
        });
        assert!(said.error.unwrap_or_default().contains("no-such-control"));
        assert_eq!(run.session().steps(), 1);
    }

    #[test]
    fn a_known_control_restarts_the_run_with_its_value() {
        let mut run = LiveRun::new(lossy_generals(2), None);
        run.apply(Command::Step);
        let said = run.apply(Command::SetControl {
            id: "rounds".into(),
            value: 2,
        });
        assert_eq!(said.error, None);
        assert_eq!(said.playing, Some(false));
        assert_eq!(run.session().steps(), 0);
        assert_ne!(run.session().scenario(), &lossy_generals(2));
    }

    #[test]
    fn playing_stops_when_nothing_is_left() {
        let mut run = LiveRun::new(lossy_generals(2), None);
        assert_eq!(run.apply(Command::Play).playing, Some(true));
        let mut last = Answer::default();
        for _ in 0..10_000 {
            last = run.apply(Command::Advance { by_us: 1_600 });
            if last.playing == Some(false) {
                break;
            }
        }
        assert_eq!(last.playing, Some(false));
        assert!(last.status.unwrap_or_default().starts_with("Finished"));
        assert_eq!(run.apply(Command::Play).playing, Some(false));
    }

    #[test]
    fn a_delivery_chosen_while_everything_waits_plays_on_until_everything_waits_again() {
        let mut flp = crate::protocols::flp::schedules::adversary_run(1, Default::default(), 10);
        flp.protocol = crate::ProtocolSpec::Flp(Default::default());
        let mut run = LiveRun::new(flp, None);
        run.apply(Command::Play);
        let mut last = Answer::default();
        for _ in 0..100 {
            last = run.apply(Command::Advance { by_us: 5_000 });
            if last.playing == Some(false) {
                break;
            }
        }
        assert!(last.status.unwrap_or_default().contains("6 events wait"));
        let first = match run.session().runner().held().first() {
            Some(crate::sim::Held::Message(m)) => m.msg,
            other => panic!("a report waits: {other:?}"),
        };
        let said = run.apply(Command::Inject(Fault::Deliver { msg: first }));
        assert_eq!(said.playing, Some(true));
        let said = run.apply(Command::Inject(Fault::Crash { node: NodeId(0) }));
        assert_eq!(said.playing, None, "other faults leave playback as it was");
    }

    #[test]
    fn a_replay_or_a_fault_changes_the_epoch_and_stepping_does_not() {
        let mut run = LiveRun::new(lossy_generals(2), None);
        run.apply(Command::Step);
        run.apply(Command::Advance { by_us: 10 });
        assert_eq!(run.epoch(), 0);
        run.apply(Command::Seek(0));
        assert_eq!(run.epoch(), 1);
        run.apply(Command::ToggleCrash(NodeId(0)));
        assert_eq!(run.epoch(), 2);
    }

    #[test]
    fn a_share_link_replays_the_run_with_its_live_faults() {
        let mut run = LiveRun::new(lossy_generals(2), None);
        run.apply(Command::ToggleCrash(NodeId(1)));
        let link = run.apply(Command::Share).link.expect("a link");
        let shared = crate::share::decode_link(&link).expect("decodes");
        assert_eq!(shared.scenario, run.session().played());
        assert_eq!(
            shared.scenario.faults.len(),
            lossy_generals(2).faults.len() + 1
        );
    }
}
