//! The φ accrual failure detector (Hayashibara, Défago, Yared and Katayama, "The φ accrual
//! failure detector", SRDS 2004), as Akka and Cassandra run it.
//!
//! A fixed timeout answers "is it dead?" with yes or no. An accrual detector answers "how sure
//! am I?": each node keeps, per peer, a sliding window of the intervals between that peer's
//! heartbeats, and after `t` of silence computes φ(t) = −log10(1 − F(t)), F being the normal
//! CDF with the window's mean and deviation ([`phi`]). A peer is suspected once φ passes a
//! threshold (Akka's and Cassandra's default is 8; noisy clouds use 10 to 12). A jittery network
//! widens the deviation, so the same silence raises φ more slowly: the detector adapts where a
//! fixed timeout cannot. It is still a guess: a paused node ([`crate::Fault::Pause`]) is
//! suspected as surely as a crashed one.
//!
//! Knobs, as Akka names them: `threshold`, `max-sample-size` (the window), `min-std-deviation`
//! and `acceptable-heartbeat-pause` (added to the mean, so a known pause is not suspected).

#[cfg(feature = "grader")]
mod grade;
pub mod measure;
pub mod phi;
pub mod rules;
pub mod schedules;

use crate::actor::{Ctx, Field, NodeRef, Protocol};
use crate::controls::Control;
use crate::fault::PlannedFault;
use crate::id::NodeId;
use crate::lab::Lab;
use crate::panels::{record_change, Panel};
use crate::scenario::Scenario;
use crate::time::SimDuration;
use phi::{interval_stats, IntervalStats};
use rules::{DetectorRules, ReferenceRules};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::rc::Rc;

/// Parameters of the φ accrual detector. Integers only, so they hash and compare exactly:
/// the threshold is in tenths of φ.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PhiAccrualParams {
    /// How often each node pings everyone, on its own clock.
    pub interval_us: u64,
    /// φ above which a peer is suspected, in tenths (80: φ = 8, Akka's default).
    pub threshold_tenths: u32,
    /// How many of the latest intervals each node keeps per peer (Akka's `max-sample-size`).
    pub window: u32,
    /// The least standard deviation assumed, so a perfectly regular peer is not suspected the
    /// moment it is a little late (Akka's `min-std-deviation`).
    pub min_std_deviation_us: u64,
    /// Silence expected and forgiven, added to the mean (Akka's `acceptable-heartbeat-pause`).
    pub acceptable_pause_us: u64,
}

impl Default for PhiAccrualParams {
    fn default() -> Self {
        PhiAccrualParams {
            interval_us: 50_000,
            threshold_tenths: 80,
            window: 100,
            min_std_deviation_us: 10_000,
            acceptable_pause_us: 0,
        }
    }
}

/// The largest window a node may keep per peer (Akka's default is 1,000).
pub const MAX_WINDOW: u32 = 1_000;

impl PhiAccrualParams {
    /// Checks the parameters, naming the bad one.
    pub fn validate(&self, nodes: u32) -> Result<(), String> {
        if !(2..=16).contains(&nodes) {
            return Err(format!("phi-accrual needs 2..=16 nodes, not {nodes}"));
        }
        if self.interval_us == 0 {
            return Err("interval_us must be more than 0".into());
        }
        if self.threshold_tenths == 0 {
            return Err("threshold_tenths must be more than 0".into());
        }
        if !(1..=MAX_WINDOW).contains(&self.window) {
            return Err(format!(
                "window {} is outside 1..={MAX_WINDOW}",
                self.window
            ));
        }
        Ok(())
    }

    /// The statistics of a peer's window, or before any interval is known Akka's first
    /// estimate: the configured interval, with a quarter of it as the deviation.
    pub fn stats(&self, window: &[u64]) -> IntervalStats {
        interval_stats(window, self.min_std_deviation_us, self.acceptable_pause_us).unwrap_or(
            IntervalStats {
                mean_us: (self.interval_us + self.acceptable_pause_us) as f64,
                std_deviation_us: (self.interval_us / 4).max(self.min_std_deviation_us).max(1)
                    as f64,
            },
        )
    }
}

/// The φ accrual detector: its parameters and the rules each node follows to keep a peer's
/// window and to decide on a suspicion (the reference's, or a learner's in an exercise).
#[derive(Clone)]
pub struct PhiAccrual {
    /// The knobs.
    pub params: PhiAccrualParams,
    rules: Rc<dyn DetectorRules>,
}

impl std::fmt::Debug for PhiAccrual {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhiAccrual")
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl PhiAccrual {
    /// The detector with `rules` deciding (an exercise runs a learner's).
    pub fn with_rules(params: PhiAccrualParams, rules: Rc<dyn DetectorRules>) -> Self {
        PhiAccrual { params, rules }
    }
}

/// The same ping and the same two timers as the timeout detector: only what a node makes of
/// the silence differs (here [`Timer::Check`] works out φ for every peer).
pub use super::heartbeat::{Msg, Timer};

/// Persisted: boots, and the highest φ this node held over its peers at each check, in tenths
/// (capped at [`PLOT_CAP_TENTHS`]), for the plot.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Durable {
    /// Boot count, so a restart is visible.
    pub boots: u64,
    /// (local time in µs, highest φ in tenths), one point per change, the latest
    /// [`PLOT_POINTS`] kept.
    pub phi_tenths: Vec<(i64, i64)>,
}

/// How many points of its φ a node keeps for the plot.
pub const PLOT_POINTS: usize = 512;

/// The plot shows φ up to 20: far past any threshold in use, so a crash's climb to 300 does
/// not flatten every other line.
pub const PLOT_CAP_TENTHS: i64 = 200;

/// In memory, per peer: when it was last heard, its window of intervals, its φ at the last
/// check and whether it is suspected.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Volatile {
    /// Pings sent since boot.
    pub seq: u64,
    /// Local time each peer was last heard from; `None` until its first ping.
    pub last_heard_us: Vec<Option<i64>>,
    /// The latest intervals between each peer's pings, oldest first.
    pub intervals_us: Vec<VecDeque<u64>>,
    /// φ of each peer at the last check, in tenths (rounded down).
    pub phi_tenths: Vec<i64>,
    /// Peers currently suspected.
    pub suspected: Vec<bool>,
    /// Checks made since boot, so a measurement can tell when φ was last worked out
    /// ([`measure`]).
    pub checks: u64,
}

/// The exercise's simulation cases take no options, and need two nodes to watch each other.
#[cfg(feature = "authoring")]
fn check_case(case: &crate::exercise::SimulationCase) -> Result<(), String> {
    crate::exercise::no_case_options(case)?;
    if case.nodes < 2 {
        return Err(format!(
            "simulation case `{}`: a failure detector needs at least 2 nodes",
            case.name
        ));
    }
    Ok(())
}

/// φ in tenths, rounded down: the page shows φ with one decimal without formatting a float.
fn tenths(phi: f64) -> i64 {
    (phi * 10.0) as i64
}

/// `t` tenths as text, `8.3`.
fn tenths_text(t: i64) -> String {
    format!("{}.{}", t / 10, t % 10)
}

impl Protocol for PhiAccrual {
    type Msg = Msg;
    type Timer = Timer;
    type Durable = Durable;
    type Volatile = Volatile;
    type Monitor = ();

    fn boot(&self, durable: &mut Durable, ctx: &mut Ctx<'_, Self>) -> Volatile {
        durable.boots += 1;
        let n = ctx.cluster_size() as usize;
        let v = Volatile {
            seq: 1,
            last_heard_us: vec![None; n],
            intervals_us: vec![VecDeque::new(); n],
            phi_tenths: vec![0; n],
            suspected: vec![false; n],
            checks: 0,
        };
        ctx.broadcast(Msg::Ping { seq: 1 });
        ctx.set_timer(SimDuration(self.params.interval_us), Timer::Beat);
        ctx.set_timer(
            SimDuration((self.params.interval_us / 2).max(1)),
            Timer::Check,
        );
        v
    }

    fn on_message(
        &self,
        _d: &mut Durable,
        v: &mut Volatile,
        from: NodeId,
        _msg: Msg,
        ctx: &mut Ctx<'_, Self>,
    ) {
        let i = from.index();
        if i >= v.last_heard_us.len() {
            return;
        }
        let now = ctx.now().as_us();
        if let Some(last) = v.last_heard_us[i] {
            let interval_us = now.saturating_sub(last).max(0) as u64;
            self.rules
                .record(&mut v.intervals_us[i], interval_us, self.params.window);
        }
        v.last_heard_us[i] = Some(now);
        if v.suspected[i] {
            v.suspected[i] = false;
            ctx.note(format!("hears {from} again: suspecting it was wrong"));
        }
    }

    fn on_timer(&self, d: &mut Durable, v: &mut Volatile, timer: Timer, ctx: &mut Ctx<'_, Self>) {
        match timer {
            Timer::Beat => {
                v.seq += 1;
                ctx.broadcast(Msg::Ping { seq: v.seq });
                ctx.set_timer(SimDuration(self.params.interval_us), Timer::Beat);
            }
            Timer::Check => {
                v.checks += 1;
                let now = ctx.now().as_us();
                let me = ctx.id().index();
                let mut highest = 0;
                for peer in 0..v.last_heard_us.len() {
                    // A peer never heard from is not judged: φ needs a first heartbeat.
                    let Some(last) = v.last_heard_us[peer].filter(|_| peer != me) else {
                        continue;
                    };
                    let silent_us = now.saturating_sub(last).max(0) as u64;
                    // Contiguous in place: no copy of the window at every check.
                    let window = v.intervals_us[peer].make_contiguous();
                    let t = tenths(phi::phi(silent_us, self.params.stats(window)));
                    v.phi_tenths[peer] = t;
                    highest = highest.max(t);
                    if !v.suspected[peer] && self.rules.suspect(window, silent_us, t, &self.params)
                    {
                        v.suspected[peer] = true;
                        ctx.suspect(NodeId(peer as u32));
                        ctx.note(format!(
                            "suspects n{peer}: φ {} after {}us of silence",
                            tenths_text(t),
                            silent_us
                        ));
                    }
                }
                record_change(
                    &mut d.phi_tenths,
                    now,
                    highest.min(PLOT_CAP_TENTHS),
                    PLOT_POINTS,
                );
                ctx.set_timer(
                    SimDuration((self.params.interval_us / 2).max(1)),
                    Timer::Check,
                );
            }
        }
    }

    fn inspect(&self, id: NodeId, durable: &Durable, volatile: Option<&Volatile>) -> Vec<Field> {
        let mut f = vec![Field::new("boots (durable)", durable.boots)];
        if let Some(v) = volatile {
            f.push(Field::new("pings sent", v.seq));
            for (peer, t) in v.phi_tenths.iter().enumerate() {
                if peer != id.index() {
                    let mark = if v.suspected[peer] {
                        " (suspected)"
                    } else {
                        ""
                    };
                    f.push(Field::new(
                        &format!("φ of n{peer}"),
                        format!("{}{mark}", tenths_text(*t)),
                    ));
                }
            }
        }
        f
    }

    /// The highest φ each node holds over its peers, on its own clock, in tenths: a crash or a
    /// pause shows as a climb past the threshold, jitter as bumps that fall back.
    fn panels(&self, nodes: &[NodeRef<'_, Self>]) -> Vec<Panel> {
        let lines = nodes
            .iter()
            .map(|n| {
                let points = n
                    .durable
                    .phi_tenths
                    .iter()
                    .map(|&(t, v)| (t.max(0) as u64, v))
                    .collect();
                (n.id, points)
            })
            .collect();
        vec![Panel::Series {
            title: format!(
                "Highest φ over the peers, in tenths, on each node's own clock (suspected above {})",
                self.params.threshold_tenths
            ),
            unit: "φ/10".into(),
            lines,
            threshold: Some(i64::from(self.params.threshold_tenths).min(PLOT_CAP_TENTHS)),
            suspicions: Vec::new(),
        }]
    }

    fn badge(&self, _id: NodeId, _durable: &Durable, volatile: Option<&Volatile>) -> String {
        match volatile.map(|v| v.suspected.iter().filter(|s| **s).count()) {
            Some(n) if n > 0 => format!("suspects {n}"),
            _ => String::new(),
        }
    }
}

impl Lab for PhiAccrual {
    const NAME: &'static str = "phi-accrual";
    type Params = PhiAccrualParams;

    fn reference(params: &PhiAccrualParams) -> Self {
        PhiAccrual::with_rules(params.clone(), Rc::new(ReferenceRules))
    }

    fn node_range(_: &PhiAccrualParams) -> (u32, u32) {
        (2, 16)
    }

    fn validate(params: &PhiAccrualParams, nodes: u32) -> Result<(), String> {
        params.validate(nodes)
    }

    fn controls(params: &PhiAccrualParams, _nodes: u32, _live: &[PlannedFault]) -> Vec<Control> {
        vec![
            Control::Number {
                id: "threshold-tenths".into(),
                label: "Threshold (φ × 10)".into(),
                min: 1,
                max: 200,
                value: params.threshold_tenths,
            },
            Control::Number {
                id: "window".into(),
                label: "Window (intervals kept per peer)".into(),
                min: 1,
                max: MAX_WINDOW,
                value: params.window,
            },
        ]
    }

    fn set_control(params: &mut PhiAccrualParams, id: &str, value: u32) -> bool {
        match id {
            "threshold-tenths" => params.threshold_tenths = value,
            "window" => params.window = value,
            _ => return false,
        }
        true
    }

    const GOLDEN_SEEDS: u64 = 32;

    const MEASURES: &'static [crate::measure::MeasureInfo] = &[measure::PHI_THRESHOLDS];

    const RULE_SETS: &'static [crate::exercise::RuleSetInfo] = &[crate::exercise::RuleSetInfo {
        id: "failure-detector",
        // The learner keeps a peer's window and decides on a suspicion from it, in integers.
        functions: &[
            ("record", &["window", "interval_us", "max_len"]),
            (
                "suspect",
                &["window", "silent_us", "k", "min_std_us", "pause_us"],
            ),
        ],
        adversaries: &[],
        #[cfg(feature = "authoring")]
        scenario: schedules::exercise_run,
        #[cfg(feature = "authoring")]
        check_case,
        #[cfg(feature = "grader")]
        schedule: grade::schedule,
    }];

    fn golden_runs(seed: u64) -> Vec<Scenario> {
        vec![schedules::phi_crash_and_pause(seed)]
    }
}
