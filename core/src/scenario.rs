//! Scenarios: everything that fixes a run, as data a lesson or a share link can hold.

use crate::actor::Protocol;
use crate::actor::Violation;
use crate::client::{Input, OpResult};
use crate::clock::ClockSetting;
use crate::fault::{Fault, PlannedFault};
use crate::history::Operation;
use crate::net::{NetConfig, Network};
use crate::panels::Panel;
pub use crate::protocols::spec::ProtocolSpec;
use crate::sim::{Held, InFlight, NodeView, Sim, SimOptions};
use crate::time::SimTime;
use crate::trace::Trace;
use serde::{Deserialize, Serialize};

/// Simulated time a scenario covers when it does not say.
pub const DEFAULT_DURATION_US: u64 = 1_000_000;
/// The event budget of a scenario that does not set one.
pub const DEFAULT_MAX_STEPS: u64 = 100_000;

fn default_duration_us() -> u64 {
    DEFAULT_DURATION_US
}

fn default_max_steps() -> u64 {
    DEFAULT_MAX_STEPS
}

/// A complete, reproducible run: protocol, cluster, network, faults and seed.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// What the nodes run.
    pub protocol: ProtocolSpec,
    /// Cluster size.
    pub nodes: u32,
    /// The seed: required, shown, and the whole source of randomness.
    pub seed: u64,
    /// How every link behaves at the start.
    #[serde(default)]
    pub network: NetConfig,
    /// Clocks as they are when the nodes boot.
    #[serde(default)]
    pub clocks: Vec<ClockSetting>,
    /// Faults at fixed times.
    #[serde(default)]
    pub faults: Vec<PlannedFault>,
    /// How much simulated time a full run covers.
    #[serde(default = "default_duration_us")]
    pub duration_us: u64,
    /// The event budget: a run stops after this many steps even if time remains.
    #[serde(default = "default_max_steps")]
    pub max_steps: u64,
}

/// How a full run of a scenario ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Steps taken.
    pub steps: u64,
    /// Simulated time reached.
    pub end: SimTime,
    /// The trace digest.
    pub digest: String,
    /// Every distinct violation seen.
    pub violations: Vec<Violation>,
    /// True if the event budget ran out before `duration_us`.
    pub budget_exhausted: bool,
}

impl Scenario {
    /// Checks the scenario is runnable, naming what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        self.protocol.validate(self.nodes)?;
        self.network
            .validate()
            .map_err(|e| format!("network: {e}"))?;
        for (i, c) in self.clocks.iter().enumerate() {
            let as_fault = Fault::ClockDrift {
                node: c.node,
                drift_ppm: c.drift_ppm,
            };
            as_fault
                .validate(self.nodes)
                .map_err(|e| format!("clocks[{i}]: {e}"))?;
        }
        for (i, f) in self.faults.iter().enumerate() {
            f.fault
                .validate(self.nodes)
                .map_err(|e| format!("faults[{i}]: {e}"))?;
        }
        if self.max_steps == 0 {
            return Err("max_steps must be more than 0".into());
        }
        Ok(())
    }

    /// A simulator for this scenario with its fault plan scheduled, ready to step.
    pub fn runner(&self, opts: SimOptions) -> Result<Box<dyn Runner>, String> {
        self.validate()?;
        Ok(Box::new(self.sim(self.protocol.instantiate(), opts)))
    }

    /// A simulator running `protocol` (which may carry a learner's or a flawed rule set, so it
    /// need not be [`Scenario::protocol`]'s) on this scenario's cluster, seed, network, clocks and
    /// fault plan. Not validated: callers build their scenarios.
    pub fn sim<P: Protocol>(&self, protocol: P, opts: SimOptions) -> Sim<P> {
        let mut sim = Sim::with_clocks(
            protocol,
            self.nodes,
            self.seed,
            self.network,
            &self.clocks,
            opts,
        );
        sim.schedule(&self.faults);
        sim
    }

    /// [`Scenario::sim`] for a run that is only measured (a measured table's seed): it keeps no
    /// trace, computes no digest and checks no invariants: work a tally never reads.
    pub fn quiet_sim<P: Protocol>(&self, protocol: P) -> Sim<P> {
        let mut sim = self.sim(
            protocol,
            SimOptions {
                trace_cap: 0,
                check_invariants: false,
            },
        );
        sim.stop_digesting();
        sim
    }

    /// Runs the whole scenario (to `duration_us` or the event budget).
    pub fn run(&self, opts: SimOptions) -> Result<(Outcome, Box<dyn Runner>), String> {
        let mut r = self.runner(opts)?;
        r.run_until(SimTime(self.duration_us), self.max_steps);
        let budget_exhausted = r.steps() >= self.max_steps
            && r.next_event_time().is_some_and(|t| t.0 <= self.duration_us);
        let outcome = Outcome {
            steps: r.steps(),
            end: r.now(),
            digest: r.trace().digest(),
            violations: r.violations(),
            budget_exhausted,
        };
        Ok((outcome, r))
    }

    /// The header line of this scenario's trace text.
    pub fn header(&self) -> String {
        format!(
            "netsplit trace v1 · protocol {} · nodes {} · seed {}",
            self.protocol.name(),
            self.nodes,
            self.seed
        )
    }
}

/// A running simulation of any protocol, as the UI and the command line drive it.
pub trait Runner {
    /// Runs one event; false when none is left.
    fn step(&mut self) -> bool;
    /// Runs events due by `until` (at most `max_steps`); returns how many ran.
    fn run_until(&mut self, until: SimTime, max_steps: u64) -> u64;
    /// Current simulated time.
    fn now(&self) -> SimTime;
    /// Steps taken.
    fn steps(&self) -> u64;
    /// Cluster size.
    fn size(&self) -> u32;
    /// The trace so far.
    fn trace(&self) -> &Trace;
    /// What the UI shows of each node.
    fn node_views(&self) -> Vec<NodeView>;
    /// Messages on the wire.
    fn in_flight(&self) -> Vec<InFlight>;
    /// The network now.
    fn network(&self) -> &Network;
    /// Adds faults to the plan.
    fn schedule(&mut self, plan: &[PlannedFault]);
    /// When the next event is due.
    fn next_event_time(&self) -> Option<SimTime>;
    /// Distinct violations so far.
    fn violations(&self) -> Vec<Violation>;
    /// The run's client operations so far ([`Sim::history`]).
    fn history(&self) -> &[Operation<Input, OpResult>];
    /// What waits to be chosen ([`Sim::held`]); a recording has nothing waiting.
    fn held(&self) -> Vec<Held> {
        Vec::new()
    }
    /// The protocol's cluster-wide views now ([`Protocol::panels`]); a recording has none.
    fn panels(&self) -> Vec<Panel> {
        Vec::new()
    }
}

impl<P: Protocol> Runner for Sim<P> {
    fn step(&mut self) -> bool {
        Sim::step(self)
    }
    fn run_until(&mut self, until: SimTime, max_steps: u64) -> u64 {
        Sim::run_until(self, until, max_steps)
    }
    fn now(&self) -> SimTime {
        Sim::now(self)
    }
    fn steps(&self) -> u64 {
        Sim::steps(self)
    }
    fn size(&self) -> u32 {
        Sim::size(self)
    }
    fn trace(&self) -> &Trace {
        Sim::trace(self)
    }
    fn node_views(&self) -> Vec<NodeView> {
        Sim::node_views(self)
    }
    fn in_flight(&self) -> Vec<InFlight> {
        Sim::in_flight(self)
    }
    fn network(&self) -> &Network {
        Sim::network(self)
    }
    fn schedule(&mut self, plan: &[PlannedFault]) {
        Sim::schedule(self, plan)
    }
    fn next_event_time(&self) -> Option<SimTime> {
        Sim::next_event_time(self)
    }
    fn violations(&self) -> Vec<Violation> {
        Sim::violations(self).cloned().collect()
    }
    fn history(&self) -> &[Operation<Input, OpResult>] {
        Sim::history(self)
    }
    fn held(&self) -> Vec<Held> {
        Sim::held(self)
    }
    fn panels(&self) -> Vec<Panel> {
        let nodes = self.node_refs();
        let mut panels = self.protocol().panels(&nodes);
        if self.protocol().draws_waiting_panels() {
            let waiting = self.waiting();
            if !waiting.is_empty() {
                panels.extend(
                    self.protocol()
                        .waiting_panels(Sim::monitor(self), &nodes, &waiting),
                );
            }
        }
        for panel in &mut panels {
            if let Panel::Series { suspicions, .. } = panel {
                suspicions.clear();
                suspicions.extend(Sim::suspicions(self).cloned());
            }
        }
        panels
    }
}
