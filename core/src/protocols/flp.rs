//! FLP: a deterministic consensus protocol that an adversary choosing only the order of
//! deliveries keeps undecided forever, and the same protocol with a fair coin (Ben-Or), which
//! decides.
//!
//! The protocol ([`model`]) is Ben-Or's for crash faults. Runs are meant for the asynchronous
//! model ([`crate::Fault::Asynchronous`]): nothing arrives until a scheduler chooses it. The
//! scheduler is the learner (`scheduler = "you"`, with the held list) or the machine adversary
//! of FLP's proof (`scheduler = "adversary"`, [`adversary`]), which the protocol plays itself
//! through [`Protocol::schedule`]. Either way the valence panel shows the configuration's
//! valence now and after each possible delivery, computed by the explorer ([`explore`]).

pub mod adversary;
pub mod bench;
pub mod explore;
#[cfg(feature = "grader")]
pub mod grade;
pub mod invariants;
pub mod measure;
pub mod model;
pub mod path;
pub mod rule;
pub mod schedules;
pub mod view;

use crate::actor::{Ctx, Field, NodeRef, Pick, Protocol, Violation, Waiting};
use crate::controls::Control;
use crate::fault::PlannedFault;
use crate::id::NodeId;
use crate::lab::Lab;
use crate::panels::Panel;
use crate::scenario::Scenario;
use crate::time::SimDuration;
use core::cell::RefCell;
use explore::{Config, Graph};
use model::{Coin, Msg, Phase, Proc, Shape};
use serde::{Deserialize, Serialize};
use std::rc::Rc;

/// Who chooses the next delivery when nothing else is due.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scheduler {
    /// The learner, from the list of held messages.
    #[default]
    You,
    /// The machine adversary of FLP's proof ([`adversary::choose`]).
    Adversary,
}

/// Parameters of an FLP run.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FlpParams {
    /// Each process's input, one digit (0 or 1) per node: `"011"` (a two-node run uses the
    /// first two).
    pub inputs: String,
    /// What a process adopts when every proposal it collected was ⊥.
    pub coin: Coin,
    /// Who chooses the next delivery.
    pub scheduler: Scheduler,
    /// Simulated time between two of the machine adversary's choices, so a run can be watched.
    pub gap_us: u64,
}

impl Default for FlpParams {
    fn default() -> Self {
        FlpParams {
            inputs: "011".into(),
            coin: Coin::Fixed,
            scheduler: Scheduler::You,
            gap_us: 60_000,
        }
    }
}

/// The most processes. The search grows steeply: from an initial configuration of 3 processes
/// every delivery order up to round 2 is 7,495 configurations (inputs 0, 1, 1); with 4 it is
/// millions (`netsplit explore 0111`), past what a page can search between two frames.
pub const MAX_NODES: u32 = 3;

/// The FLP protocol with its parameters.
#[derive(Clone)]
pub struct Flp {
    /// The parameters.
    pub params: FlpParams,
    /// The last configuration analysed: the page draws the panel and the adversary chooses from
    /// the same configuration, and one search serves both.
    cache: RefCell<Option<Rc<Graph>>>,
    /// Per process, the last search after crashing it, for the rule's options
    /// ([`rule::options`]).
    crash_searches: RefCell<Vec<Option<Rc<Graph>>>>,
    /// The rule the adversary follows instead of the machine's ([`adversary::choose_in`]): a
    /// learner's, in the exercise.
    rule: Option<Rc<dyn rule::AdversaryRule>>,
}

impl Flp {
    /// The protocol with the adversary following `rule` (when the scheduler is the adversary).
    pub fn with_rule(params: FlpParams, rule: Rc<dyn rule::AdversaryRule>) -> Self {
        Flp {
            params,
            cache: RefCell::new(None),
            crash_searches: RefCell::default(),
            rule: Some(rule),
        }
    }

    /// The move a rule makes from the configuration now: a message that no longer matters is
    /// delivered first without asking (it cannot change anything, and FLP's runs deliver every
    /// message), and the rule may crash one process.
    fn rule_pick(
        &self,
        rule: &dyn rule::AdversaryRule,
        nodes: &[NodeRef<'_, Self>],
        waiting: &[Waiting<'_, Msg>],
    ) -> Option<Pick> {
        let (shape, config, oldest_first) = self.configuration(nodes, waiting);
        if let Some(stale) = oldest_first.iter().find(|m| !config.pending.contains(m)) {
            return deliver(waiting, stale);
        }
        let (graph, root) = self.graph(&shape, &config);
        let crashed = config.procs.iter().filter(|p| p.is_none()).count() as u32;
        let options = rule::options(
            &shape,
            &graph,
            root,
            &oldest_first,
            1u32.saturating_sub(crashed),
            &mut self.crash_searches.borrow_mut(),
        );
        match rule.choose(&options)? {
            rule::Move::Deliver(i) => deliver(waiting, &options.deliveries.get(i)?.message),
            rule::Move::Crash(p) => Some(Pick::Crash(NodeId(p))),
        }
    }

    fn shape(&self, n: u32) -> Shape {
        Shape {
            n,
            coin: self.params.coin,
        }
    }

    fn input_of(&self, me: NodeId) -> u8 {
        self.params
            .inputs
            .as_bytes()
            .get(me.index())
            .map_or(0, |b| u8::from(*b == b'1'))
    }

    /// The configuration the nodes and the messages in transit make, and the held messages
    /// oldest first, all as `(from, to, message)`.
    pub fn configuration(
        &self,
        nodes: &[NodeRef<'_, Self>],
        waiting: &[Waiting<'_, Msg>],
    ) -> (Shape, Config, Vec<(u32, u32, Msg)>) {
        let shape = self.shape(nodes.len() as u32);
        let oldest_first: Vec<(u32, u32, Msg)> = waiting
            .iter()
            .filter(|w| w.held)
            .map(|w| (w.from.0, w.to.0, *w.payload))
            .collect();
        let mut config = Config {
            procs: nodes.iter().map(|n| n.volatile.cloned()).collect(),
            pending: waiting
                .iter()
                .map(|w| (w.from.0, w.to.0, *w.payload))
                .collect(),
        };
        config.normalise(&shape);
        (shape, config, oldest_first)
    }

    /// The search from the configuration now, and where the configuration is in it. A search
    /// is reused while it serves ([`Graph::serves`]): the next configuration is usually in the
    /// last search, below the same horizon, and then its results are the same as a new search's.
    fn graph(&self, shape: &Shape, config: &Config) -> (Rc<Graph>, usize) {
        let horizon = config.horizon(adversary::WINDOW_ROUNDS);
        let previous = self.cache.borrow().clone();
        if let Some(graph) = &previous {
            if let Some(root) = graph.serves(config, horizon) {
                return (graph.clone(), root);
            }
        }
        let graph = Rc::new(Graph::explore_after(
            shape,
            config,
            horizon,
            adversary::BUDGET_CONFIGS,
            previous.as_deref(),
        ));
        *self.cache.borrow_mut() = Some(graph.clone());
        (graph, 0)
    }
}

impl core::fmt::Debug for Flp {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Flp").field("params", &self.params).finish()
    }
}

fn phase_word(p: &Proc) -> &'static str {
    match p.phase {
        Phase::Report => "report",
        Phase::Propose => "propose",
        Phase::Done => "decided",
    }
}

impl Protocol for Flp {
    type Msg = Msg;
    type Timer = ();
    /// How many messages this process has received: their sum is the run's length in FLP's
    /// steps, which the valence panel counts. Not a configuration's part (the explorer never
    /// sees it), and it survives a crash only as a count of what came before.
    type Durable = u64;
    type Volatile = Proc;
    /// The run's path of configurations and their valences, for the valence panel.
    type Monitor = path::Path;

    fn boot(&self, _received: &mut u64, ctx: &mut Ctx<'_, Self>) -> Proc {
        let me = ctx.id();
        let (p, sends) = self
            .shape(ctx.cluster_size())
            .start(me.0, self.input_of(me));
        for (to, m) in sends {
            ctx.send(NodeId(to), m);
        }
        p
    }

    fn on_message(
        &self,
        received: &mut u64,
        p: &mut Proc,
        from: NodeId,
        msg: Msg,
        ctx: &mut Ctx<'_, Self>,
    ) {
        *received += 1;
        let shape = self.shape(ctx.cluster_size());
        // The coin is drawn only when a fair coin is in play, so a fixed-coin run draws nothing.
        let flip = match self.params.coin {
            Coin::Fair if !shape.is_stale(p, &msg) => ctx.rng().below(2) as u8,
            _ => 0,
        };
        let before = (p.round, p.phase);
        let (sends, used) = shape.receive(ctx.id().0, p, from.0, msg, flip);
        if used {
            ctx.note(format!(
                "round {}: every proposal was ⊥; the coin says {}",
                before.0, p.value
            ));
        }
        if let (Some(v), Phase::Done) = (p.decided, p.phase) {
            if before.1 != Phase::Done {
                ctx.note(format!("decides {v}"));
            }
        } else if (p.round, p.phase) != before && p.phase == Phase::Propose {
            let proposal = p
                .got
                .iter()
                .find(|(r, ph, who, _)| {
                    *r == p.round && *ph == Phase::Propose && *who == ctx.id().0
                })
                .and_then(|e| e.3);
            ctx.note(match proposal {
                Some(w) => format!("round {}: proposes {w}", p.round),
                None => format!("round {}: proposes ⊥ (reports split)", p.round),
            });
        }
        for (to, m) in sends {
            ctx.send(NodeId(to), m);
        }
    }

    fn on_timer(&self, _d: &mut u64, _p: &mut Proc, _t: (), _ctx: &mut Ctx<'_, Self>) {}

    fn inspect(&self, _id: NodeId, _durable: &u64, volatile: Option<&Proc>) -> Vec<Field> {
        let Some(p) = volatile else {
            return vec![Field::new("state", "crashed")];
        };
        vec![
            Field::new("input", p.input),
            Field::new("value", p.value),
            Field::new("round", p.round),
            Field::new("phase", phase_word(p)),
            Field::new(
                "decision",
                p.decided
                    .map_or_else(|| "none yet".to_string(), |v| v.to_string()),
            ),
        ]
    }

    fn badge(&self, _id: NodeId, _durable: &u64, volatile: Option<&Proc>) -> String {
        match volatile {
            None => String::new(),
            Some(Proc {
                decided: Some(v), ..
            }) => format!("decided {v}"),
            Some(p) => format!("r{} {} v={}", p.round, phase_word(p), p.value),
        }
    }

    fn has_invariants(&self) -> bool {
        true
    }

    /// Agreement and validity ([`invariants`]).
    fn check(&self, _path: &mut path::Path, nodes: &[NodeRef<'_, Self>]) -> Vec<Violation> {
        let inputs: Vec<u8> = nodes.iter().map(|n| self.input_of(n.id)).collect();
        let decisions: Vec<(NodeId, u8)> = nodes
            .iter()
            .filter_map(|n| Some((n.id, n.volatile?.decided?)))
            .collect();
        invariants::agreement(&decisions)
            .into_iter()
            .chain(invariants::validity(&decisions, &inputs))
            .collect()
    }

    fn schedule(&self, nodes: &[NodeRef<'_, Self>], waiting: &[Waiting<'_, Msg>]) -> Option<Pick> {
        if self.params.scheduler != Scheduler::Adversary {
            return None;
        }
        if let Some(rule) = &self.rule {
            return self.rule_pick(rule.as_ref(), nodes, waiting);
        }
        let (shape, config, oldest_first) = self.configuration(nodes, waiting);
        let (graph, root) = self.graph(&shape, &config);
        let choice = adversary::choose_in(&graph, root, &oldest_first)?;
        deliver(waiting, &choice.deliver)
    }

    fn schedule_gap(&self) -> SimDuration {
        SimDuration(self.params.gap_us)
    }

    fn schedules(&self) -> bool {
        self.params.scheduler == Scheduler::Adversary
    }

    fn draws_waiting_panels(&self) -> bool {
        true
    }

    fn mark_step(
        &self,
        path: &mut path::Path,
        nodes: &[NodeRef<'_, Self>],
        waiting: &[Waiting<'_, Msg>],
    ) {
        let (shape, config, _) = self.configuration(nodes, waiting);
        let (graph, root) = self.graph(&shape, &config);
        path.mark(
            waiting
                .iter()
                .map(|w| (w.from.0, w.to.0, *w.payload))
                .collect(),
            nodes.iter().map(|n| n.volatile.is_some()).collect(),
            nodes.iter().map(|n| *n.durable).sum(),
            config.decided().is_some(),
            graph.valence(root),
        );
    }

    fn waiting_panels(
        &self,
        path: &path::Path,
        nodes: &[NodeRef<'_, Self>],
        waiting: &[Waiting<'_, Msg>],
    ) -> Vec<Panel> {
        let (shape, config, oldest_first) = self.configuration(nodes, waiting);
        let (graph, root) = self.graph(&shape, &config);
        let plan = (self.params.scheduler == Scheduler::Adversary)
            .then(|| adversary::choose_in(&graph, root, &oldest_first))
            .flatten();
        let deliveries: u64 = nodes.iter().map(|n| *n.durable).sum();
        vec![view::valence_panel(
            &graph,
            root,
            waiting,
            plan.as_ref(),
            deliveries,
            path,
        )]
    }
}

/// The move that delivers held message `m`, `(from, to, message)`, if it is held.
fn deliver(waiting: &[Waiting<'_, Msg>], m: &(u32, u32, Msg)) -> Option<Pick> {
    waiting
        .iter()
        .find(|w| w.held && (w.from.0, w.to.0, *w.payload) == *m)
        .map(|w| Pick::Deliver(w.msg))
}

/// The exercise's cases take 2 or 3 processes and no options (its runs have no random faults).
#[cfg(feature = "authoring")]
fn check_case(case: &crate::exercise::SimulationCase) -> Result<(), String> {
    crate::exercise::no_case_options(case)?;
    if !(2..=MAX_NODES).contains(&case.nodes) || case.faults {
        return Err(format!(
            "simulation case `{}`: the FLP adversary plays 2 or 3 processes, without `faults` \
             (it makes every move itself)",
            case.name
        ));
    }
    Ok(())
}

impl Lab for Flp {
    const NAME: &'static str = "flp";
    type Params = FlpParams;

    fn reference(params: &FlpParams) -> Self {
        Flp {
            params: params.clone(),
            cache: RefCell::new(None),
            crash_searches: RefCell::default(),
            rule: None,
        }
    }

    fn controls(params: &FlpParams, nodes: u32, _live: &[PlannedFault]) -> Vec<Control> {
        let mut controls: Vec<Control> = (0..nodes)
            .map(|n| Control::Toggle {
                id: format!("input-{n}").into(),
                label: format!("n{n}'s input is 1").into(),
                on: params.inputs.as_bytes().get(n as usize) == Some(&b'1'),
            })
            .collect();
        controls.push(Control::Toggle {
            id: "fair-coin".into(),
            label: "Fair coin (Ben-Or) instead of always 0".into(),
            on: params.coin == Coin::Fair,
        });
        controls.push(Control::Toggle {
            id: "adversary".into(),
            label: "The machine adversary chooses the deliveries".into(),
            on: params.scheduler == Scheduler::Adversary,
        });
        controls
    }

    fn set_control(params: &mut FlpParams, id: &str, value: u32) -> bool {
        let on = value != 0;
        if let Some(n) = id
            .strip_prefix("input-")
            .and_then(|n| n.parse::<usize>().ok())
        {
            let mut digits: Vec<u8> = params.inputs.bytes().collect();
            let Some(d) = digits.get_mut(n) else {
                return false;
            };
            *d = if on { b'1' } else { b'0' };
            params.inputs = String::from_utf8(digits).unwrap_or_default();
            return true;
        }
        match id {
            "fair-coin" => params.coin = if on { Coin::Fair } else { Coin::Fixed },
            "adversary" => {
                params.scheduler = if on {
                    Scheduler::Adversary
                } else {
                    Scheduler::You
                }
            }
            _ => return false,
        }
        true
    }

    fn node_range(_: &FlpParams) -> (u32, u32) {
        (2, MAX_NODES)
    }

    fn validate(params: &FlpParams, nodes: u32) -> Result<(), String> {
        // Digits past the cluster's size are left unused, so the same inputs serve 2 and 3 nodes.
        let digits = params.inputs.len() as u64;
        if digits < u64::from(nodes) || digits > u64::from(MAX_NODES) {
            return Err(format!(
                "inputs must have one digit per node ({nodes}, at most {MAX_NODES}), not \"{}\"",
                params.inputs
            ));
        }
        if let Some(bad) = params.inputs.chars().find(|c| *c != '0' && *c != '1') {
            return Err(format!("inputs are 0s and 1s; '{bad}' is neither"));
        }
        if params.gap_us == 0 {
            return Err("gap_us must be more than 0".into());
        }
        Ok(())
    }

    const RULE_SETS: &'static [crate::exercise::RuleSetInfo] = &[crate::exercise::RuleSetInfo {
        id: "flp-adversary",
        // The learner is the adversary: every move, from the options the explorer computes.
        functions: &[("choose", &["deliveries", "crashes", "crashes_left"])],
        adversaries: &[],
        #[cfg(feature = "authoring")]
        scenario: schedules::exercise_run,
        #[cfg(feature = "authoring")]
        check_case,
        #[cfg(feature = "grader")]
        schedule: grade::schedule,
    }];

    // Each of the adversary's choices is a search of thousands of configurations: a few short
    // runs keep the golden check (natively and in wasm) quick and still cover both coins.
    const GOLDEN_SEEDS: u64 = 8;

    const MEASURES: &'static [crate::measure::MeasureInfo] = &[measure::FLP_ROUNDS];

    fn golden_runs(seed: u64) -> Vec<Scenario> {
        vec![
            schedules::adversary_run(seed, Coin::Fixed, 20),
            schedules::adversary_run(seed, Coin::Fair, 20),
        ]
    }
}
