//! Hybrid logical clocks (Kulkarni, Demirbas, Madappa, Avva, Leone 2014, "Logical
//! Physical Clocks", §3, Fig. 5): a Lamport clock that stays close to physical time.
//!
//! Each node keeps a pair `(l, c)`. `l` is the largest physical clock reading the
//! node has heard of, its own or one carried on a message; `c` counts events that
//! share that `l`. Timestamps are compared lexicographically, so, like Lamport
//! time, e → f implies (l, c)(e) < (l, c)(f). Unlike Lamport time, `l` reads like a
//! wall clock (in microseconds here), so it can stamp database versions and answer
//! "give me a snapshot as of 10:03" while still respecting causality.
//!
//! With `pt` the node's physical clock at the event (`ctx.now()`), the rules are:
//!
//! ```text
//! send or local event:             receive of (ml, mc):
//!   l' = max(l, pt)                  l' = max(l, ml, pt)
//!   c' = c + 1  if l' == l           c' = max(c, mc) + 1  if l' == l == ml
//!        0      otherwise                 c + 1           if l' == l only
//!                                         mc + 1          if l' == ml only
//!                                         0               otherwise (pt won)
//! ```
//!
//! Two properties follow (§3.2): `l ≥ pt` always, and `l` is some physical reading
//! from the event's causal past, so it is never ahead of the fastest clock in the
//! cluster: `l - pt` is at most the offset between clocks, ε. And `c` stays small,
//! because it resets whenever physical time moves past `l`.
//!
//! The pair is persisted, like a Lamport clock, so a restart does not run it
//! backwards. The rules are pluggable, as in [`crate::protocols::lamport`], so an
//! exercise can run a learner's rules and check them against the simulator's
//! happens-before and against the physical clocks of the run.

#[cfg(feature = "grader")]
mod grade;
pub mod invariants;
pub mod rules;

use crate::actor::{Field, Violation};
use crate::causality::CausalEvent;
use crate::clock::Clock;
use crate::clock::ClockSetting;
use crate::exercise::RuleSetInfo;
#[cfg(any(feature = "authoring", feature = "grader"))]
use crate::exercise::SimulationCase;
use crate::protocols::logical_clock::{
    ClockKind, ClockTime, EventAt, LogicalClock, LogicalClockParams,
};
use crate::protocols::spec::ProtocolSpec;
use crate::rng::Rng;
#[cfg(any(feature = "authoring", feature = "grader"))]
use crate::scenario::Scenario;
use crate::schedules::ClockSpread;
#[cfg(any(feature = "authoring", feature = "grader"))]
use crate::schedules::ScheduleConfig;
use crate::time::LocalTime;
use crate::trace::Stamp;
pub use rules::{HlcRules, ReferenceRules};
use std::fmt;
use std::rc::Rc;

/// A hybrid timestamp. The derived order compares `l` first, then `c`: the lexicographic order of the paper.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HlcTime {
    /// The largest physical time heard of, in microseconds.
    pub l: i64,
    /// Counts events that share that `l`.
    pub c: u64,
}

impl HlcTime {
    /// The stamp recorded in the trace.
    pub fn stamp(self) -> Stamp {
        Stamp::Hlc {
            wall_us: self.l,
            logical: self.c,
        }
    }
}

impl fmt::Display for HlcTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({}, {})", self.l, self.c)
    }
}

/// The workload: the same random send/local actions as the Lamport protocol, so one
/// scenario and seed give the same run under every logical clock.
pub type HlcParams = LogicalClockParams;

impl ClockTime for HlcTime {
    const FIELD: &'static str = "time";
}

/// The hybrid logical clock as a [`ClockKind`]: `(l, c)`, read against the physical clock.
pub struct HlcKind;

/// A hybrid-logical-clock cluster with some set of rules.
pub type Hlc = LogicalClock<HlcKind>;

/// The one option an HLC case takes: the resolution of the physical clock the rules read, from
/// 1 µs up to one second (the options of other rule sets are refused).
#[cfg(feature = "authoring")]
fn check_case(case: &SimulationCase) -> Result<(), String> {
    let plain = SimulationCase {
        clock_resolution_us: None,
        ..case.clone()
    };
    crate::exercise::no_case_options(&plain)?;
    match case.clock_resolution_us {
        Some(r) if !(1..=1_000_000).contains(&r) => Err(format!(
            "simulation case `{}`: `clock_resolution_us` must be 1 to 1000000, not {r}",
            case.name
        )),
        _ => Ok(()),
    }
}

/// The live checker's memory: the highest reading each physical clock has shown, so that a clock
/// set back during a run does not make an `l` learned from its earlier reading look too far ahead.
#[derive(Default)]
pub struct HlcMonitor {
    highest_us: Vec<i64>,
}

impl ClockKind for HlcKind {
    const NAME: &'static str = "Hlc";
    const LAB_NAME: &'static str = "hlc";
    const RULE_SETS: &'static [RuleSetInfo] = &[RuleSetInfo {
        id: "hlc",
        // The learner writes `send(l, c, pt)` and `receive(l, c, ml, mc, pt)`, each returning `[l, c]`.
        functions: &[
            ("send", &["l", "c", "pt"]),
            ("receive", &["l", "c", "ml", "mc", "pt"]),
        ],
        adversaries: &[],
        #[cfg(feature = "authoring")]
        scenario: <HlcKind as ClockKind>::exercise_scenario,
        #[cfg(feature = "authoring")]
        check_case,
        #[cfg(feature = "grader")]
        schedule: grade::schedule,
    }];
    type Time = HlcTime;
    type Rules = dyn HlcRules;
    type Monitor = HlcMonitor;

    fn reference_rules() -> Rc<dyn HlcRules> {
        Rc::new(ReferenceRules)
    }

    fn spec(params: LogicalClockParams) -> ProtocolSpec {
        ProtocolSpec::Hlc(params)
    }

    /// The exercise schedule on skewed, drifting clocks ([`random_clocks`]).
    #[cfg(any(feature = "authoring", feature = "grader"))]
    fn exercise_scenario(case: &SimulationCase, seed: u64) -> Scenario {
        let config = ScheduleConfig {
            clocks: Some(EXERCISE_CLOCKS),
            ..crate::schedules::exercise_config(case)
        };
        config.draw(Self::spec(HlcParams::default()), case.nodes, seed)
    }

    fn local(rules: &dyn HlcRules, time: &HlcTime, at: &EventAt) -> HlcTime {
        rules.send(*time, at.pt.0)
    }

    fn receive(rules: &dyn HlcRules, time: &HlcTime, msg: &HlcTime, at: &EventAt) -> HlcTime {
        rules.receive(*time, *msg, at.pt.0)
    }

    fn stamp(time: &HlcTime) -> Stamp {
        time.stamp()
    }

    fn inspect(time: &HlcTime, last_pt: Option<LocalTime>) -> Vec<Field> {
        let mut fields = vec![
            Field::new("HLC l (durable)", LocalTime(time.l)),
            Field::new("HLC c (durable)", time.c),
        ];
        if let Some(pt) = last_pt {
            fields.push(Field::new("physical clock at last event", pt));
            fields.push(Field::new(
                "l ahead of it by",
                LocalTime(time.l.saturating_sub(pt.0)),
            ));
        }
        fields
    }

    fn badge(time: &HlcTime) -> String {
        time.stamp().to_string()
    }

    fn check(
        monitor: &mut HlcMonitor,
        events: &[CausalEvent],
        i: usize,
        clocks: &[Clock],
    ) -> Option<Violation> {
        let at = events[i].at;
        monitor.highest_us.resize(clocks.len(), i64::MIN);
        for (highest, clock) in monitor.highest_us.iter_mut().zip(clocks) {
            *highest = (*highest).max(clock.read(at).0);
        }
        let pt = clocks.get(events[i].id.node.index())?.read(at).0;
        let detail = invariants::hlc_at(events, i, pt, &monitor.highest_us)?;
        Some(Violation {
            invariant: "hybrid logical clock (Kulkarni et al. 2014, §3.2)".into(),
            detail,
        })
    }
}

/// The largest clock offset from true time a graded HLC schedule gives a node at the start, in µs.
pub const HLC_MAX_SKEW_US: i64 = 50_000;
/// The largest clock rate error a graded HLC schedule gives a node, in parts per million.
pub const HLC_MAX_DRIFT_PPM: i64 = 200;

/// The clocks of a graded HLC schedule: offsets up to ±[`HLC_MAX_SKEW_US`] and rate errors up
/// to ±[`HLC_MAX_DRIFT_PPM`], drawn from a stream of their own.
const EXERCISE_CLOCKS: ClockSpread = ClockSpread {
    skew_us_max: HLC_MAX_SKEW_US,
    drift_ppm_max: HLC_MAX_DRIFT_PPM,
    stream: Some(0xC10C),
};

/// Per-node clocks for a graded HLC schedule, drawn from the seed: offsets up to
/// ±[`HLC_MAX_SKEW_US`] and rate errors up to ±[`HLC_MAX_DRIFT_PPM`].
pub fn random_clocks(seed: u64, nodes: u32) -> Vec<ClockSetting> {
    EXERCISE_CLOCKS.draw(seed, &mut Rng::stream(seed, 0), nodes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: ReferenceRules = ReferenceRules;

    fn t(l: i64, c: u64) -> HlcTime {
        HlcTime { l, c }
    }

    #[test]
    fn send_follows_the_physical_clock_when_it_is_ahead() {
        assert_eq!(R.send(t(100, 3), 250), t(250, 0));
    }

    #[test]
    fn send_counts_up_when_l_is_ahead_of_the_physical_clock() {
        assert_eq!(R.send(t(300, 2), 250), t(300, 3));
        assert_eq!(R.send(t(250, 1), 250), t(250, 2));
    }

    #[test]
    fn receive_covers_every_case_of_the_paper() {
        assert_eq!(R.receive(t(100, 2), t(200, 5), 300), t(300, 0), "pt ahead");
        assert_eq!(R.receive(t(400, 2), t(200, 5), 300), t(400, 3), "l ahead");
        assert_eq!(R.receive(t(100, 2), t(400, 5), 300), t(400, 6), "msg ahead");
        assert_eq!(R.receive(t(400, 2), t(400, 5), 300), t(400, 6), "tie");
        assert_eq!(R.receive(t(400, 7), t(400, 5), 300), t(400, 8), "tie");
    }

    #[test]
    fn timestamps_order_by_l_then_c() {
        assert!(t(5, 9) < t(6, 0));
        assert!(t(6, 0) < t(6, 1));
    }
}
