//! A learner's session with one scenario: live faults, replay to any step, and timelines that
//! fork when the learner acts in the past.
//!
//! The page never keeps a simulation's state of its own: it keeps the scenario, its seed and the
//! faults the learner applied, each with the simulated time it was applied at. Scrubbing back to
//! step N replays the run from the seed with those faults ([`Session::seek`]), so the past is
//! exact, and acting after scrubbing back forgets the live faults of the old future (the timeline
//! forks). A recorded run (a graded counterexample) plays back instead, and refuses new faults.
//!
//! Only the when is the page's: a timer decides when to call [`Session::advance_to`]. Simulated
//! time never reads a wall clock.

use crate::fault::{Fault, PlannedFault};
use crate::id::NodeId;
use crate::net::NetConfig;

use crate::replay::{Recording, TraceReplay};
use crate::scenario::{ProtocolSpec, Runner, Scenario};
use crate::sim::SimOptions;
use crate::time::SimTime;

/// Events a session's run keeps for the event log and the diagram.
pub const SESSION_TRACE_CAP: usize = 200_000;

/// Why a fault was not applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InjectError {
    /// The session plays a recorded run, whose faults are fixed.
    Recorded,
    /// The fault does not fit the cluster (a node it lacks, a bad network setting).
    Invalid(String),
}

impl std::fmt::Display for InjectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InjectError::Recorded => f.write_str(
                "This is a recorded run: its faults are fixed. Change your code and run the tests again.",
            ),
            InjectError::Invalid(why) => f.write_str(why),
        }
    }
}

/// One scenario, the learner's live faults, and the run they make.
pub struct Session {
    scenario: Scenario,
    live_faults: Vec<PlannedFault>,
    runner: Box<dyn Runner>,
    recording: Option<Recording>,
    view_time: SimTime,
    furthest_step: u64,
    build_error: Option<String>,
}

fn options() -> SimOptions {
    SimOptions {
        trace_cap: SESSION_TRACE_CAP,
        check_invariants: true,
    }
}

impl Session {
    /// A fresh run of `scenario`, or a playback of `recording` if given. A scenario that cannot
    /// run gives a small default cluster and says why ([`Session::build_error`]), never a panic.
    pub fn new(scenario: Scenario, recording: Option<Recording>) -> Self {
        let (runner, build_error) = build(&scenario, &[], recording.as_ref());
        Session {
            scenario,
            live_faults: Vec::new(),
            runner,
            recording,
            view_time: SimTime::ZERO,
            furthest_step: 0,
            build_error,
        }
    }

    /// The scenario as configured (seed and protocol parameters included).
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The faults the learner applied, with their simulated times.
    pub fn live_faults(&self) -> &[PlannedFault] {
        &self.live_faults
    }

    /// The scenario with the live faults added: what a share link carries, and what replays
    /// this session exactly.
    pub fn played(&self) -> Scenario {
        let mut s = self.scenario.clone();
        s.faults.extend(self.live_faults.iter().cloned());
        s
    }

    /// The run.
    pub fn runner(&self) -> &dyn Runner {
        self.runner.as_ref()
    }

    /// True if this session plays a recorded run.
    pub fn is_recording(&self) -> bool {
        self.recording.is_some()
    }

    /// The instant drawn: at or after the latest step, so messages can be drawn mid-flight.
    pub fn view_time(&self) -> SimTime {
        self.view_time
    }

    /// The furthest step reached, so a scrubber can move forward again after moving back.
    pub fn furthest_step(&self) -> u64 {
        self.furthest_step
    }

    /// Why the last rebuild could not run the scenario as given, if it could not.
    pub fn build_error(&self) -> Option<&str> {
        self.build_error.as_deref()
    }

    /// Steps taken.
    pub fn steps(&self) -> u64 {
        self.runner.steps()
    }

    /// True if the run has used its event budget or has nothing left to do.
    pub fn finished(&self) -> bool {
        self.steps() >= self.scenario.max_steps || self.runner.next_event_time().is_none()
    }

    /// How many events wait to be chosen (held messages, and timers in the asynchronous model).
    pub fn waiting(&self) -> u64 {
        self.runner.held().len() as u64
    }

    /// True if `node` is up now.
    pub fn is_up(&self, node: NodeId) -> bool {
        self.runner
            .node_views()
            .get(node.index())
            .is_some_and(|n| n.up)
    }

    /// Replays from the seed, with the live faults, to `step` (at most the furthest reached).
    pub fn seek(&mut self, step: u64) {
        let step = step.min(self.furthest_step);
        self.rebuild_to(step);
    }

    /// Starts over with a new seed and no live faults.
    pub fn set_seed(&mut self, seed: u64) {
        self.scenario.seed = seed;
        self.restart();
    }

    /// Starts over with a changed scenario, if it is valid; otherwise keeps the run and says why.
    pub fn reconfigure(&mut self, scenario: Scenario) -> Result<(), String> {
        scenario.validate()?;
        self.scenario = scenario;
        self.restart();
        Ok(())
    }

    /// Starts over with the same seed and no live faults.
    pub fn restart(&mut self) {
        self.live_faults.clear();
        self.furthest_step = 0;
        self.rebuild_to(0);
    }

    /// Runs every event due by `until` (within the event budget) and draws `until`.
    pub fn advance_to(&mut self, until: SimTime) {
        let budget = self.scenario.max_steps.saturating_sub(self.steps());
        self.runner.run_until(until, budget);
        self.view_time = until.max(self.runner.now());
        self.furthest_step = self.furthest_step.max(self.steps());
    }

    /// Runs exactly one event; false if none is left or the budget is used. Events that come
    /// due while held are put aside on the way (they are not steps).
    pub fn step_once(&mut self) -> bool {
        if self.steps() >= self.scenario.max_steps {
            return false;
        }
        let before = self.steps();
        let mut stepped = self.runner.step();
        while stepped && self.steps() == before {
            stepped = self.runner.step();
        }
        self.view_time = self.view_time.max(self.runner.now());
        self.furthest_step = self.furthest_step.max(self.steps());
        stepped
    }

    /// Applies a fault at the instant after everything drawn so far, and records it for replay.
    /// Applied after scrubbing back, it forks the timeline: the old future's live faults go.
    pub fn inject(&mut self, fault: Fault) -> Result<(), InjectError> {
        if self.recording.is_some() {
            return Err(InjectError::Recorded);
        }
        fault
            .validate(self.runner.size())
            .map_err(InjectError::Invalid)?;
        if self.furthest_step > self.steps() {
            let now = self.runner.now().as_us();
            self.live_faults.retain(|f| f.at_us <= now);
        }
        let at = self.view_time.max(self.runner.now()).as_us() + 1;
        let planned = PlannedFault { at_us: at, fault };
        self.runner.schedule(std::slice::from_ref(&planned));
        self.live_faults.push(planned);
        self.advance_to(SimTime(at));
        // The old future is gone: the furthest step is where this timeline is now.
        self.furthest_step = self.steps();
        Ok(())
    }

    fn rebuild_to(&mut self, step: u64) {
        let (runner, error) = build(&self.scenario, &self.live_faults, self.recording.as_ref());
        self.runner = runner;
        self.build_error = error;
        while self.runner.steps() < step && self.runner.step() {}
        self.view_time = self.runner.now();
    }
}

/// A runner for `scenario` with `live` faults added to its plan.
///
/// Live faults are validated before they are recorded and lesson scenarios at build time, so
/// this only fails for a bad scenario handed in from outside: then it runs the scenario without
/// its faults, or a small default cluster, and says why, rather than leaving nothing to show.
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
    let message = format!("This scenario cannot run ({error}); showing a default cluster instead.");
    if let Ok(r) = s.runner(options()) {
        return (r, Some(message));
    }
    (default_cluster(s.seed), Some(message))
}

/// Three nodes of the first registered protocol that runs on three (the smallest size that
/// shows a crash, a partition and a majority), or its smallest size if none does.
fn default_cluster(seed: u64) -> Box<dyn Runner> {
    let all = ProtocolSpec::all_defaults();
    for protocol in all.iter().filter(|p| p.validate(3).is_ok()).chain(&all) {
        if let Ok(r) = default_scenario(protocol.clone(), seed).runner(options()) {
            return r;
        }
    }
    // Every registered protocol's defaults run (a test below checks it); replaying an empty
    // recording keeps even a broken registry from panicking in a learner's page.
    Box::new(TraceReplay::new(Vec::new(), 3))
}

/// A protocol with its defaults on three nodes (or the size nearest it that it takes), no faults.
fn default_scenario(protocol: ProtocolSpec, seed: u64) -> Scenario {
    let (lo, hi) = protocol.node_range();
    Scenario {
        nodes: 3u32.clamp(lo, hi),
        protocol,
        seed,
        network: NetConfig::default(),
        clocks: Vec::new(),
        faults: Vec::new(),
        duration_us: 60_000_000,
        max_steps: 100_000,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::two_generals::schedules::lossy_generals;

    fn text(s: &Session) -> Vec<String> {
        s.runner()
            .trace()
            .events()
            .iter()
            .map(|e| e.to_string())
            .collect()
    }

    #[test]
    fn a_live_crash_is_logged_and_replayed_exactly_by_seek() {
        let mut s = Session::new(lossy_generals(2), None);
        for _ in 0..3 {
            s.step_once();
        }
        s.inject(Fault::Crash { node: NodeId(1) }).unwrap();
        let before = text(&s);
        assert!(before.iter().any(|l| l.contains("CRASH n1")));
        let furthest = s.furthest_step();
        s.seek(1);
        assert!(!text(&s).iter().any(|l| l.contains("CRASH")));
        s.seek(furthest);
        assert_eq!(text(&s), before, "replay reproduces the live crash exactly");
    }

    #[test]
    fn acting_in_the_past_forks_the_timeline_and_forgets_the_old_future() {
        let mut s = Session::new(lossy_generals(2), None);
        for _ in 0..6 {
            s.step_once();
        }
        s.inject(Fault::Crash { node: NodeId(1) }).unwrap();
        assert_eq!(s.live_faults().len(), 1);
        s.seek(2);
        s.inject(Fault::Isolate { node: NodeId(0) }).unwrap();
        assert_eq!(
            s.live_faults().len(),
            1,
            "the crash of the old future is gone"
        );
        assert!(matches!(s.live_faults()[0].fault, Fault::Isolate { .. }));
        assert!(!text(&s).iter().any(|l| l.contains("CRASH")));
        // The played scenario replays this timeline from scratch.
        let (_, replay) = s.played().run(options()).unwrap();
        assert!(replay
            .trace()
            .events()
            .iter()
            .any(|e| e.to_string().contains("isolated")));
    }

    #[test]
    fn a_fault_naming_a_missing_node_is_refused_and_loses_nothing() {
        let mut s = Session::new(lossy_generals(2), None);
        s.step_once();
        let err = s.inject(Fault::Crash { node: NodeId(7) }).unwrap_err();
        assert!(err.to_string().contains("n7"), "{err}");
        assert!(s.live_faults().is_empty());
        assert_eq!(s.steps(), 1);
    }

    #[test]
    fn a_recorded_run_refuses_new_faults() {
        let scenario = lossy_generals(2);
        let (_, run) = scenario.run(options()).unwrap();
        let recording = Recording {
            events: std::rc::Rc::new(run.trace().events().to_vec()),
            views: Vec::new(),
        };
        let mut s = Session::new(scenario, Some(recording));
        assert!(s.is_recording());
        assert_eq!(s.inject(Fault::Heal), Err(InjectError::Recorded));
    }

    #[test]
    fn an_invalid_scenario_falls_back_to_a_default_cluster_with_a_message() {
        let mut bad = lossy_generals(2);
        bad.nodes = 9;
        bad.network.latency_us_min = 99_999_999;
        let s = Session::new(bad, None);
        assert_eq!(s.runner().size(), 3);
        assert!(s.build_error().unwrap_or("").contains("cannot run"));
    }

    #[test]
    fn an_invalid_reconfiguration_keeps_the_run_and_says_why() {
        let mut s = Session::new(lossy_generals(2), None);
        s.step_once();
        let mut bad = lossy_generals(2);
        bad.nodes = 0;
        assert!(s.reconfigure(bad).is_err());
        assert_eq!(s.steps(), 1);
    }

    #[test]
    fn every_registered_protocol_runs_as_the_default_cluster() {
        for protocol in ProtocolSpec::all_defaults() {
            let s = default_scenario(protocol, 1);
            assert!(s.runner(options()).is_ok(), "{}", s.protocol.name());
        }
    }
}
