//! What a protocol tells the rest of Netsplit about itself, so that adding one is a folder and a
//! line in the registry ([`crate::protocols`]).
//!
//! [`Protocol`] is what the nodes run. [`Lab`] is everything around it that lessons, share links,
//! the page and the tests need: the protocol's one name (the `name = "raft"` of a scenario file),
//! its parameters, the reference instance those parameters build, which cluster sizes it accepts,
//! how the page opens it, and the scenarios whose trace digests are golden. The registry reads
//! these through one list, as Maelstrom registers a workload with one entry; nothing else names a
//! protocol.

use crate::actor::Protocol;
use crate::controls::Control;
use crate::exercise::RuleSetInfo;
use crate::fault::PlannedFault;
use crate::measure::MeasureInfo;
use crate::scenario::Scenario;
use core::fmt::Debug;
use core::hash::Hash;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A protocol as the registry knows it: name, parameters, reference instance and golden runs.
pub trait Lab: Protocol {
    /// The one name: in scenario files (`name = "raft"`), traces, errors and the page. It must be
    /// the kebab-case of the protocol's registry entry (a test checks it), since the scenario
    /// file's tag is derived from that.
    const NAME: &'static str;

    /// What a scenario fixes about the protocol: timeouts, workload sizes, toggles. Its field
    /// order is part of the share-link format: append new fields only, and change the link
    /// version when you do (see [`crate::share`]).
    type Params: Clone + Debug + PartialEq + Eq + Hash + Default + Serialize + DeserializeOwned;

    /// The protocol with its reference rules, ready to run.
    fn reference(params: &Self::Params) -> Self;

    /// The cluster sizes (every node, clients included) the parameters allow.
    fn node_range(_params: &Self::Params) -> (u32, u32) {
        (1, 16)
    }

    /// Checks the parameters for a cluster of `nodes` nodes, naming what is wrong. Called after
    /// [`Lab::node_range`] has been checked.
    fn validate(params: &Self::Params, nodes: u32) -> Result<(), String>;

    /// The controls the page shows beside a live cluster of `nodes` nodes with these parameters;
    /// `live` are the faults the learner has injected so far (a button may depend on how often it
    /// was pressed).
    fn controls(_params: &Self::Params, _nodes: u32, _live: &[PlannedFault]) -> Vec<Control> {
        Vec::new()
    }

    /// Sets the parameter that control `id` edits to `value` (a number, or 0 and 1 for a
    /// toggle); false if no control of this protocol has that id.
    fn set_control(_params: &mut Self::Params, _id: &str, _value: u32) -> bool {
        false
    }

    /// True if the page opens this protocol with the space-time diagram showing (the logical
    /// clocks, whose whole point is the order of events across nodes).
    const OPENS_WITH_SPACETIME: bool = false;

    /// The rule sets a learner can write for this protocol, for graded exercises
    /// (`rules = "raft-vote"` in an exercise file). Most protocols have none.
    const RULE_SETS: &'static [RuleSetInfo] = &[];

    /// The measurements lessons can show of this protocol, computed over many seeds in the lab
    /// worker (a ```` ```measure ```` block names one by id). Most protocols have none.
    const MEASURES: &'static [MeasureInfo] = &[];

    /// How many seeds of [`Lab::golden_runs`] are golden (seeds `0..GOLDEN_SEEDS`).
    const GOLDEN_SEEDS: u64 = 16;

    /// The runs of one seed whose trace digests are golden (usually one scenario): for seeds
    /// `0..GOLDEN_SEEDS` they are checked natively and in wasm against
    /// `core/tests/golden/digests.txt`, so a change in behaviour or a platform difference shows.
    /// Any other seed gives a run of the same shape, for sweeps and reruns (`netsplit golden`).
    fn golden_runs(seed: u64) -> Vec<Scenario>;
}
