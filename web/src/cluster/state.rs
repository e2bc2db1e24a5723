//! The widget's state machine: every user action is an [`Action`] reduced here.
//!
//! A timer only decides *when* to dispatch [`Action::Tick`]; simulated time never
//! reads the wall clock. Faults the learner applies are recorded with their
//! simulated time in `live_faults`, so scrubbing back replays them exactly
//! (replay from the seed to step N), and acting after scrubbing back forks the
//! timeline: later live faults are forgotten.

use netsplit_core::replay::{Recording, TraceReplay};
use netsplit_core::{
    Fault, NetConfig, NodeId, PlannedFault, Runner, Scenario, SimOptions, SimTime,
};
use std::cell::RefCell;
use std::rc::Rc;
use yew::Reducible;

/// Real milliseconds between steps when the learner prefers reduced motion.
pub const REDUCED_MOTION_STEP_MS: f64 = 600.0;

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
    /// The scenario as configured (seed and protocol parameters included).
    pub scenario: Scenario,
    /// Faults the learner applied, with their simulated times.
    pub live_faults: Vec<PlannedFault>,
    /// The running simulation.
    pub sim: Rc<RefCell<Box<dyn Runner>>>,
    /// A recorded run to play back instead of simulating (a graded counterexample).
    pub recording: Option<Rc<Recording>>,
    /// The instant drawn: at or after the latest step, so messages can be drawn mid-flight.
    pub view_time: SimTime,
    /// True while playing.
    pub playing: bool,
    /// Simulated microseconds per real millisecond.
    pub speed_us_per_ms: u64,
    /// Step instead of animating (prefers-reduced-motion).
    pub reduced_motion: bool,
    reduced_motion_acc_ms: f64,
    /// The furthest step reached, so the scrubber can move forward again after moving back.
    pub furthest_step: u64,
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

fn options() -> SimOptions {
    SimOptions {
        trace_cap: 200_000,
        check_invariants: true,
    }
}

impl ClusterState {
    /// A fresh run of `scenario`, or a playback of `recording` if given.
    pub fn new(scenario: Scenario, reduced_motion: bool, recording: Option<Rc<Recording>>) -> Self {
        let (sim, error) = build(&scenario, &[], recording.as_deref());
        let nodes = sim.size() as usize;
        ClusterState {
            scenario,
            live_faults: Vec::new(),
            sim: Rc::new(RefCell::new(sim)),
            recording,
            view_time: SimTime::ZERO,
            playing: false,
            speed_us_per_ms: 100,
            reduced_motion,
            reduced_motion_acc_ms: 0.0,
            furthest_step: 0,
            selected: None,
            groups: vec![0; nodes],
            status: String::new(),
            error,
            version: 0,
        }
    }

    fn steps(&self) -> u64 {
        self.sim.borrow().steps()
    }

    /// True if the run has reached its event budget or has nothing left to do.
    pub fn finished(&self) -> bool {
        let sim = self.sim.borrow();
        sim.steps() >= self.scenario.max_steps || sim.next_event_time().is_none()
    }

    fn rebuild_to(&mut self, step: u64) {
        let (sim, error) = build(&self.scenario, &self.live_faults, self.recording.as_deref());
        self.sim = Rc::new(RefCell::new(sim));
        self.error = error;
        {
            let mut sim = self.sim.borrow_mut();
            while sim.steps() < step && sim.step() {}
        }
        self.view_time = self.sim.borrow().now();
    }

    fn restart(&mut self) {
        self.live_faults.clear();
        self.furthest_step = 0;
        self.playing = false;
        self.rebuild_to(0);
        self.groups = vec![0; self.sim.borrow().size() as usize];
    }

    fn advance_to(&mut self, until: SimTime) {
        let budget = self.scenario.max_steps.saturating_sub(self.steps());
        self.sim.borrow_mut().run_until(until, budget);
        self.view_time = until.max(self.sim.borrow().now());
    }

    fn step_once(&mut self) -> bool {
        if self.steps() >= self.scenario.max_steps {
            return false;
        }
        let stepped = self.sim.borrow_mut().step();
        self.view_time = self.view_time.max(self.sim.borrow().now());
        stepped
    }

    /// Applies a fault at the instant after everything drawn so far, and records it for replay.
    fn inject(&mut self, fault: Fault) {
        if self.recording.is_some() {
            self.status = "This is a recorded run: its faults are fixed. Change your code and run the tests again.".into();
            return;
        }
        if let Err(e) = fault.validate(self.sim.borrow().size()) {
            self.error = Some(e);
            return;
        }
        let step = self.steps();
        if self.furthest_step > step {
            // Acting in the past forks the timeline: the old future's live faults are gone.
            let now = self.sim.borrow().now().as_us();
            self.live_faults.retain(|f| f.at_us <= now);
        }
        let at = self.view_time.max(self.sim.borrow().now()).as_us() + 1;
        let planned = PlannedFault { at_us: at, fault };
        self.sim
            .borrow_mut()
            .schedule(std::slice::from_ref(&planned));
        self.live_faults.push(planned);
        self.advance_to(SimTime(at));
        self.furthest_step = self.steps();
    }

    fn is_up(&self, node: NodeId) -> bool {
        self.sim
            .borrow()
            .node_views()
            .get(node.index())
            .is_some_and(|n| n.up)
    }
}

/// A runner for `scenario` with `live` faults added to its plan.
///
/// Live faults are validated before they are recorded and lesson scenarios at build time, so
/// this only fails for a bad scenario handed in as a prop: then it runs the scenario without
/// its faults, or a small default cluster, and says why, rather than leaving a blank widget.
fn build(
    scenario: &Scenario,
    live: &[PlannedFault],
    recording: Option<&Recording>,
) -> (Box<dyn Runner>, Option<String>) {
    if let Some(r) = recording {
        let replay = TraceReplay::new(r.events.to_vec(), scenario.nodes).with_views(&r.views);
        return (Box::new(replay), None);
    }
    let mut s = scenario.clone();
    s.faults.extend_from_slice(live);
    let error = match s.runner(options()) {
        Ok(r) => return (r, None),
        Err(e) => e,
    };
    s.faults.clear();
    let fallback = s.runner(options()).or_else(|_| {
        // Three nodes of the first registered protocol that runs on three (the smallest size
        // that shows a crash, a partition and a majority).
        let all = netsplit_core::ProtocolSpec::all_defaults();
        let protocol = all
            .iter()
            .find(|p| p.validate(3).is_ok())
            .unwrap_or(&all[0])
            .clone();
        let default = Scenario {
            nodes: protocol.node_range().0.max(3).min(protocol.node_range().1),
            protocol,
            seed: s.seed,
            network: NetConfig::default(),
            clocks: Vec::new(),
            faults: Vec::new(),
            duration_us: 60_000_000,
            max_steps: 100_000,
        };
        default.runner(options())
    });
    match fallback {
        Ok(r) => (
            r,
            Some(format!(
                "This scenario cannot run ({error}); showing a default cluster instead."
            )),
        ),
        Err(e) => unreachable!("the first registered protocol's defaults are valid: {e}"),
    }
}

impl Reducible for ClusterState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = ClusterState {
            scenario: self.scenario.clone(),
            live_faults: self.live_faults.clone(),
            sim: self.sim.clone(),
            recording: self.recording.clone(),
            view_time: self.view_time,
            playing: self.playing,
            speed_us_per_ms: self.speed_us_per_ms,
            reduced_motion: self.reduced_motion,
            reduced_motion_acc_ms: self.reduced_motion_acc_ms,
            furthest_step: self.furthest_step,
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
                if s.reduced_motion {
                    s.reduced_motion_acc_ms += real_ms;
                    while s.reduced_motion_acc_ms >= REDUCED_MOTION_STEP_MS {
                        s.reduced_motion_acc_ms -= REDUCED_MOTION_STEP_MS;
                        s.step_once();
                    }
                } else {
                    let dt = (real_ms.clamp(0.0, 100.0) * s.speed_us_per_ms as f64) as u64;
                    s.advance_to(s.view_time.plus(netsplit_core::SimDuration(dt.max(1))));
                }
                s.furthest_step = s.furthest_step.max(s.steps());
                if s.finished() {
                    s.playing = false;
                    s.status = if s.steps() >= s.scenario.max_steps {
                        format!(
                            "Stopped: the event budget of {} steps is used up.",
                            s.scenario.max_steps
                        )
                    } else {
                        "Finished: nothing left to happen.".into()
                    };
                }
            }
            Action::Play => {
                s.playing = !s.finished();
                s.status = if s.playing {
                    "Playing.".into()
                } else {
                    "Nothing left to happen.".into()
                };
            }
            Action::Pause => {
                s.playing = false;
                s.status = "Paused.".into();
            }
            Action::Step => {
                s.playing = false;
                let stepped = s.step_once();
                s.furthest_step = s.furthest_step.max(s.steps());
                s.status = if stepped {
                    format!("Step {}.", s.steps())
                } else {
                    "Nothing left to happen.".into()
                };
            }
            Action::SetSpeed(v) => s.speed_us_per_ms = v.max(1),
            Action::Seek(step) => {
                s.playing = false;
                s.rebuild_to(step.min(s.furthest_step));
                s.status = format!(
                    "Replayed from seed {} to step {}.",
                    s.scenario.seed,
                    s.steps()
                );
            }
            Action::SetSeed(seed) => {
                s.scenario.seed = seed;
                s.restart();
                s.status = format!("New run with seed {seed}.");
            }
            Action::Reconfigure(scenario) => match scenario.validate() {
                Ok(()) => {
                    s.scenario = *scenario;
                    s.restart();
                    s.status = "Restarted with new settings.".into();
                }
                Err(e) => s.error = Some(e),
            },
            Action::Reset => {
                s.restart();
                s.status = format!("Restarted with seed {}.", s.scenario.seed);
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
                    let sim = s.sim.borrow();
                    sim.network().is_blocked(a, b) || sim.network().is_blocked(b, a)
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

    fn reduce(s: Rc<ClusterState>, a: Action) -> Rc<ClusterState> {
        s.reduce(a)
    }

    #[test]
    fn crashing_by_action_is_logged_and_replayed_by_seek() {
        let mut s = Rc::new(ClusterState::new(lossy_generals(2), false, None));
        for _ in 0..3 {
            s = reduce(s, Action::Step);
        }
        s = reduce(s, Action::ToggleCrash(NodeId(1)));
        let text = |s: &ClusterState| {
            s.sim
                .borrow()
                .trace()
                .events()
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
        };
        let before = text(&s);
        assert!(before.iter().any(|l| l.contains("CRASH n1")));
        let furthest = s.furthest_step;
        s = reduce(s, Action::Seek(1));
        assert!(!text(&s).iter().any(|l| l.contains("CRASH")));
        s = reduce(s, Action::Seek(furthest));
        assert_eq!(text(&s), before, "replay reproduces the live crash exactly");
    }

    #[test]
    fn moving_a_node_to_another_group_partitions_and_back_heals() {
        let mut s = Rc::new(ClusterState::new(lossy_generals(2), false, None));
        s = reduce(s, Action::MoveToGroup(NodeId(1), 1));
        assert!(s.sim.borrow().network().is_blocked(NodeId(0), NodeId(1)));
        s = reduce(s, Action::MoveToGroup(NodeId(1), 0));
        assert!(!s.sim.borrow().network().is_blocked(NodeId(0), NodeId(1)));
    }

    #[test]
    fn an_invalid_network_setting_is_an_error_not_a_panic() {
        let s = Rc::new(ClusterState::new(lossy_generals(2), false, None));
        let bad = NetConfig {
            latency_us_min: 9,
            latency_us_max: 1,
            ..NetConfig::default()
        };
        let s = reduce(s, Action::SetNetwork(bad));
        assert!(s.error.as_deref().unwrap_or("").contains("latency_us_min"));
    }

    #[test]
    fn an_invalid_scenario_falls_back_to_a_default_cluster_with_a_message() {
        let mut bad = lossy_generals(2);
        bad.nodes = 9;
        bad.network.latency_us_min = 99_999_999;
        let s = ClusterState::new(bad, false, None);
        assert_eq!(s.sim.borrow().size(), 3);
        assert!(s.error.as_deref().unwrap_or("").contains("cannot run"));
    }

    #[test]
    fn playing_stops_when_nothing_is_left() {
        let mut s = Rc::new(ClusterState::new(lossy_generals(2), false, None));
        s = reduce(s, Action::Play);
        for _ in 0..10_000 {
            if !s.playing {
                break;
            }
            s = reduce(s, Action::Tick { real_ms: 100.0 });
        }
        assert!(!s.playing);
        assert!(s.status.starts_with("Finished"));
    }
}
