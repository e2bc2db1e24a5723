//! The widget's state machine: every user action is an [`Action`] reduced here.
//!
//! The run itself, its live faults, replay to a step and forked timelines are the core's
//! [`Session`]; this adds what only a page has: playing or paused, the speed, reduced motion,
//! the selected node, partition groups as the learner drew them, and the status line. A timer only
//! decides *when* to dispatch [`Action::Tick`]; simulated time never reads the wall clock.

use netsplit_core::replay::Recording;
use netsplit_core::session::Session;
use netsplit_core::{Fault, NetConfig, NodeId, Scenario};
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

/// Partition group names shown to the learner.
pub const GROUPS: &[&str] = &["A", "B", "C"];

/// Everything the widget shows, derived from a scenario, its seed and the learner's actions.
pub struct ClusterState {
    /// The run, its scenario and the learner's live faults (shared between reduced states: a
    /// reduction changes it in place and the old state is dropped).
    pub session: Rc<RefCell<Session>>,
    /// True while playing.
    pub playing: bool,
    /// Simulated microseconds per real millisecond.
    pub speed_us_per_ms: u64,
    /// Messages drawn at fixed spots instead of gliding (prefers-reduced-motion); the speed is
    /// the chosen one either way.
    pub reduced_motion: bool,
    /// The node shown in the inspector.
    pub selected: Option<NodeId>,
    /// Partition group (index into [`GROUPS`]) of each node.
    pub groups: Vec<u8>,
    /// The last thing that happened, announced to screen readers.
    pub status: String,
    /// An error to show (a bad seed, an invalid setting), if any.
    pub error: Option<String>,
    /// Bumped on every change so Yew re-renders.
    pub version: u64,
}

/// What the learner (or the animation timer) can do.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The animation frame: `real_ms` of wall time passed.
    Tick {
        /// Real milliseconds since the last frame.
        real_ms: f64,
    },
    /// Start playing.
    Play,
    /// Stop playing.
    Pause,
    /// Run exactly one event.
    Step,
    /// Change playback speed.
    SetSpeed(u64),
    /// Replay from the seed to this step.
    Seek(u64),
    /// Start over with this seed.
    SetSeed(u64),
    /// Start over with a changed scenario (protocol parameters, node count).
    Reconfigure(Box<Scenario>),
    /// Start over with the same seed and no live faults.
    Reset,
    /// Apply a fault now.
    Inject(Fault),
    /// Crash the node if it is up, restart it if it is down.
    ToggleCrash(NodeId),
    /// Cut the link if it is up, repair it otherwise.
    ToggleLink(NodeId, NodeId),
    /// Move a node to a partition group and apply the resulting partition.
    MoveToGroup(NodeId, u8),
    /// New latency, loss and duplication for every link.
    SetNetwork(NetConfig),
    /// Show a node in the inspector (or none).
    Select(Option<NodeId>),
}

impl ClusterState {
    /// A fresh run of `scenario`, or a playback of `recording` if given.
    pub fn new(scenario: Scenario, reduced_motion: bool, recording: Option<Rc<Recording>>) -> Self {
        let session = Session::new(scenario, recording.map(|r| (*r).clone()));
        let nodes = session.runner().size() as usize;
        let error = session.build_error().map(str::to_string);
        ClusterState {
            session: Rc::new(RefCell::new(session)),
            playing: false,
            speed_us_per_ms: 100,
            reduced_motion,
            selected: None,
            groups: vec![0; nodes],
            status: String::new(),
            error,
            version: 0,
        }
    }

    fn steps(&self) -> u64 {
        self.session.borrow().steps()
    }

    /// True if the run has reached its event budget or has nothing left to do.
    pub fn finished(&self) -> bool {
        self.session.borrow().finished()
    }

    /// The scenario as configured.
    pub fn scenario(&self) -> Scenario {
        self.session.borrow().scenario().clone()
    }

    /// Starts over (new seed or settings already in the session): stopped, groups reset.
    fn restarted(&mut self) {
        self.playing = false;
        let session = self.session.borrow();
        self.groups = vec![0; session.runner().size() as usize];
        self.error = session.build_error().map(str::to_string);
    }

    /// Applies a fault through the session; a refusal becomes the status or the error.
    fn inject(&mut self, fault: Fault) {
        let result = self.session.borrow_mut().inject(fault);
        match result {
            Ok(()) => {}
            Err(e @ netsplit_core::session::InjectError::Recorded) => self.status = e.to_string(),
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// What to say when nothing is due: `otherwise`, unless events wait to be chosen.
    fn idle_status(&self, otherwise: &str) -> String {
        match self.session.borrow().waiting() {
            0 => otherwise.to_string(),
            n => format!("{n} events wait to be chosen: pick what happens next."),
        }
    }

    fn is_up(&self, node: NodeId) -> bool {
        self.session.borrow().is_up(node)
    }
}

impl Reducible for ClusterState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = ClusterState {
            session: self.session.clone(),
            playing: self.playing,
            speed_us_per_ms: self.speed_us_per_ms,
            reduced_motion: self.reduced_motion,
            selected: self.selected,
            groups: self.groups.clone(),
            status: self.status.clone(),
            error: None,
            version: self.version + 1,
        };
        match action {
            Action::Tick { real_ms } => {
                if !s.playing {
                    return self;
                }
                // Reduced motion plays at the chosen speed too: only the gliding stops (the ring
                // draws each message at a fixed spot on its link). It used to play one event
                // every 600 ms whatever the speed, 13 minutes for Raft's first election.
                let dt = (real_ms.clamp(0.0, 100.0) * s.speed_us_per_ms as f64) as u64;
                {
                    let mut session = s.session.borrow_mut();
                    let until = session
                        .view_time()
                        .plus(netsplit_core::SimDuration(dt.max(1)));
                    session.advance_to(until);
                }
                if s.finished() {
                    s.playing = false;
                    let max_steps = s.session.borrow().scenario().max_steps;
                    s.status = if s.steps() >= max_steps {
                        format!("Stopped: the event budget of {max_steps} steps is used up.")
                    } else {
                        s.idle_status("Finished: nothing left to happen.")
                    };
                }
            }
            Action::Play => {
                s.playing = !s.finished();
                s.status = if s.playing {
                    "Playing.".into()
                } else {
                    s.idle_status("Nothing left to happen.")
                };
            }
            Action::Pause => {
                s.playing = false;
                s.status = "Paused.".into();
            }
            Action::Step => {
                s.playing = false;
                let stepped = s.session.borrow_mut().step_once();
                s.status = if stepped {
                    format!("Step {}.", s.steps())
                } else {
                    s.idle_status("Nothing left to happen.")
                };
            }
            Action::SetSpeed(v) => s.speed_us_per_ms = v.max(1),
            Action::Seek(step) => {
                s.playing = false;
                s.session.borrow_mut().seek(step);
                s.error = s.session.borrow().build_error().map(str::to_string);
                s.status = format!(
                    "Replayed from seed {} to step {}.",
                    s.session.borrow().scenario().seed,
                    s.steps()
                );
            }
            Action::SetSeed(seed) => {
                s.session.borrow_mut().set_seed(seed);
                s.restarted();
                s.status = format!("New run with seed {seed}.");
            }
            Action::Reconfigure(scenario) => {
                let result = s.session.borrow_mut().reconfigure(*scenario);
                match result {
                    Ok(()) => {
                        s.restarted();
                        s.status = "Restarted with new settings.".into();
                    }
                    Err(e) => s.error = Some(e),
                }
            }
            Action::Reset => {
                s.session.borrow_mut().restart();
                s.restarted();
                s.status = format!(
                    "Restarted with seed {}.",
                    s.session.borrow().scenario().seed
                );
            }
            Action::Inject(fault) => {
                if fault == Fault::Heal {
                    s.groups.iter_mut().for_each(|g| *g = 0);
                }
                s.status = fault.describe();
                s.inject(fault);
            }
            Action::ToggleCrash(node) => {
                let fault = if s.is_up(node) {
                    Fault::Crash { node }
                } else {
                    Fault::Restart { node }
                };
                s.status = fault.describe();
                s.inject(fault);
            }
            Action::ToggleLink(a, b) => {
                let cut = {
                    let session = s.session.borrow();
                    let net = session.runner().network();
                    net.is_blocked(a, b) || net.is_blocked(b, a)
                };
                let fault = if cut {
                    Fault::Repair { a, b }
                } else {
                    Fault::Cut { a, b }
                };
                s.status = fault.describe();
                s.inject(fault);
            }
            Action::MoveToGroup(node, group) => {
                if let Some(g) = s.groups.get_mut(node.index()) {
                    *g = group.min(GROUPS.len() as u8 - 1);
                }
                s.inject(Fault::Heal);
                let groups = group_lists(&s.groups);
                if groups.len() > 1 {
                    s.inject(Fault::Partition { groups });
                    s.status = format!(
                        "{node} moved to group {}; nodes in different groups cannot talk.",
                        GROUPS[usize::from(group.min(2))]
                    );
                } else {
                    s.status = "All nodes in one group: the network is whole again.".into();
                }
            }
            Action::SetNetwork(config) => match config.validate() {
                Ok(()) => {
                    s.status = format!(
                        "Network: latency {}–{} ms, drop {}%, duplicate {}%.",
                        config.latency_us_min / 1_000,
                        config.latency_us_max / 1_000,
                        config.drop.as_percent(),
                        config.duplicate.as_percent()
                    );
                    s.inject(Fault::Network { config });
                }
                Err(e) => s.error = Some(e),
            },
            Action::Select(node) => s.selected = node,
        }
        Rc::new(s)
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
    use netsplit_core::protocols::two_generals::schedules::lossy_generals;

    // Replay, forks and fallbacks are the core session's, tested there; these test what the
    // page adds.

    #[test]
    fn moving_a_node_to_another_group_partitions_and_back_heals() {
        let mut s = Rc::new(ClusterState::new(lossy_generals(2), false, None));
        s = s.reduce(Action::MoveToGroup(NodeId(1), 1));
        let blocked = |s: &ClusterState| {
            s.session
                .borrow()
                .runner()
                .network()
                .is_blocked(NodeId(0), NodeId(1))
        };
        assert!(blocked(&s));
        s = s.reduce(Action::MoveToGroup(NodeId(1), 0));
        assert!(!blocked(&s));
    }

    #[test]
    fn an_invalid_network_setting_is_an_error_not_a_panic() {
        let s = Rc::new(ClusterState::new(lossy_generals(2), false, None));
        let bad = NetConfig {
            latency_us_min: 9,
            latency_us_max: 1,
            ..NetConfig::default()
        };
        let s = s.reduce(Action::SetNetwork(bad));
        assert!(s.error.as_deref().unwrap_or("").contains("latency_us_min"));
    }

    #[test]
    fn an_invalid_scenario_shows_the_sessions_message() {
        let mut bad = lossy_generals(2);
        bad.nodes = 9;
        bad.network.latency_us_min = 99_999_999;
        let s = ClusterState::new(bad, false, None);
        assert!(s.error.as_deref().unwrap_or("").contains("cannot run"));
    }

    #[test]
    fn reduced_motion_plays_at_the_chosen_speed() {
        let play = |reduced: bool| {
            let mut s = Rc::new(ClusterState::new(lossy_generals(2), reduced, None));
            s = s.reduce(Action::Play);
            for _ in 0..20 {
                s = s.reduce(Action::Tick { real_ms: 16.0 });
            }
            let at = s.session.borrow().view_time();
            (s.steps(), at)
        };
        assert_eq!(play(true), play(false));
    }

    #[test]
    fn playing_stops_when_nothing_is_left() {
        let mut s = Rc::new(ClusterState::new(lossy_generals(2), false, None));
        s = s.reduce(Action::Play);
        for _ in 0..10_000 {
            if !s.playing {
                break;
            }
            s = s.reduce(Action::Tick { real_ms: 100.0 });
        }
        assert!(!s.playing);
        assert!(s.status.starts_with("Finished"));
    }
}
