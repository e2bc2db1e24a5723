//! Seeded schedules: the scenarios that graders, sweeps and golden runs play, drawn from a seed by
//! one builder.
//!
//! A schedule is a [`Scenario`] whose network, clocks and fault plan are drawn from its seed: a
//! lossy, duplicating, reordering network, skewed and drifting clocks, and a nemesis of crashes,
//! restarts, partitions and network changes that stops at a horizon, after which everything is
//! healed and restarted. Every kind of schedule ([`ScheduleConfig`]) draws from its own stream of
//! the seed, in one fixed order (clocks, network, faults), so a schedule is the same on every
//! machine and a failing one is a counterexample that replays exactly and can be shared.
//! Each protocol's `schedules.rs` names the configurations it uses.

use crate::clock::ClockSetting;
use crate::exercise::SimulationCase;
use crate::fault::{random_plan, NemesisConfig};
use crate::id::NodeId;
use crate::net::NetConfig;
use crate::rng::{Ratio, Rng};
use crate::scenario::{ProtocolSpec, Scenario};

/// Simulated time one graded schedule covers.
pub const EXERCISE_DURATION_US: u64 = 3_000_000;
/// Steps one graded schedule may take.
pub const EXERCISE_MAX_STEPS: u64 = 20_000;

/// How a schedule's network is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkDraw {
    /// The same for every seed.
    Fixed(NetConfig),
    /// Drawn from the seed: the worst latency in a range, loss and duplication below a bound.
    Drawn {
        /// The best latency, in microseconds.
        latency_us_min: u64,
        /// The range the worst latency is drawn from, in microseconds.
        latency_us_max: (u64, u64),
        /// Loss is drawn below this many percent; `None` for a network that loses nothing.
        drop_pct_below: Option<u64>,
        /// Duplication is drawn below this many percent.
        duplicate_pct_below: u64,
    },
}

/// How far a schedule's clocks are bent at the start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockSpread {
    /// Each clock's offset is drawn in `-skew_us_max..=skew_us_max`, in microseconds.
    pub skew_us_max: i64,
    /// Each clock's rate error is drawn in `-drift_ppm_max..=drift_ppm_max`, in parts per million.
    pub drift_ppm_max: i64,
    /// The stream the clocks are drawn from, when it is not the schedule's own (so a schedule can
    /// add clocks without changing its network and faults).
    pub stream: Option<u64>,
}

/// One kind of seeded schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScheduleConfig {
    /// The stream of the seed the schedule draws from; each kind of schedule has its own.
    pub stream: u64,
    /// Clocks, if they are bent (drawn first).
    pub clocks: Option<ClockSpread>,
    /// The network (drawn second).
    pub network: NetworkDraw,
    /// The nemesis, if any (drawn last): `faults` faults in `0..horizon_us` with loss up to
    /// `max_drop`, then everything healed and restarted at the horizon.
    pub nemesis: Option<(u64, u32, Ratio)>,
    /// How much simulated time the schedule covers.
    pub duration_us: u64,
    /// Its event budget.
    pub max_steps: u64,
}

impl ScheduleConfig {
    /// The schedule of `protocol` on `nodes` nodes for `seed`.
    pub fn draw(&self, protocol: ProtocolSpec, nodes: u32, seed: u64) -> Scenario {
        let mut rng = Rng::stream(seed, self.stream);
        let clocks = self
            .clocks
            .map_or_else(Vec::new, |spread| spread.draw(seed, &mut rng, nodes));
        let network = match self.network {
            NetworkDraw::Fixed(config) => config,
            NetworkDraw::Drawn {
                latency_us_min,
                latency_us_max: (lo, hi),
                drop_pct_below,
                duplicate_pct_below,
            } => NetConfig {
                latency_us_min,
                latency_us_max: rng.between(lo, hi),
                drop: drop_pct_below.map_or(Ratio::ZERO, |p| Ratio::percent(rng.below(p) as u32)),
                duplicate: Ratio::percent(rng.below(duplicate_pct_below) as u32),
            },
        };
        let faults = self
            .nemesis
            .map_or_else(Vec::new, |(horizon_us, faults, max_drop)| {
                let cfg = NemesisConfig {
                    nodes,
                    horizon_us,
                    faults,
                    max_drop,
                };
                random_plan(&mut rng, &cfg)
            });
        Scenario {
            protocol,
            nodes,
            seed,
            network,
            clocks,
            faults,
            duration_us: self.duration_us,
            max_steps: self.max_steps,
        }
    }
}

impl ClockSpread {
    /// One clock per node, offset then rate error, node by node: from the spread's own stream of
    /// `seed` if it has one, else from `schedule` (the schedule's stream).
    pub fn draw(&self, seed: u64, schedule: &mut Rng, nodes: u32) -> Vec<ClockSetting> {
        let mut own = self.stream.map(|stream| Rng::stream(seed, stream));
        let rng = own.as_mut().unwrap_or(schedule);
        let skew_span = (2 * self.skew_us_max) as u64;
        let drift_span = (2 * self.drift_ppm_max) as u64;
        (0..nodes)
            .map(|i| ClockSetting {
                node: NodeId(i),
                skew_us: rng.between(0, skew_span) as i64 - self.skew_us_max,
                drift_ppm: rng.between(0, drift_span) as i64 - self.drift_ppm_max,
            })
            .collect()
    }
}

/// The schedule of a graded clock exercise: a lossy, duplicating, reordering network (latency
/// 0.5 ms to up to 80 ms, up to 24% loss and duplication) and, if the case asks, six random faults
/// in the first 0.6 s, then everything healed and restarted.
pub fn exercise_config(case: &SimulationCase) -> ScheduleConfig {
    ScheduleConfig {
        stream: 0x5C4E,
        clocks: None,
        network: NetworkDraw::Drawn {
            latency_us_min: 500,
            latency_us_max: (5_000, 80_000),
            drop_pct_below: Some(25),
            duplicate_pct_below: 25,
        },
        nemesis: case.faults.then_some((600_000, 6, Ratio::percent(40))),
        duration_us: EXERCISE_DURATION_US,
        max_steps: EXERCISE_MAX_STEPS,
    }
}

/// [`exercise_config`]'s schedule of `protocol` for one seed of `case`.
pub fn exercise_schedule(protocol: ProtocolSpec, case: &SimulationCase, seed: u64) -> Scenario {
    exercise_config(case).draw(protocol, case.nodes, seed)
}

/// A seeded client workload: `count` reads and writes of `keys` (about half each; values count
/// up from 1 so that every write is told apart), spread over `0..horizon_us` across the
/// `clients`, as inputs a scenario's fault plan delivers. Added to a schedule, it makes the run's
/// history worth checking: writes alone are always linearizable.
///
/// Drawn from its own stream of the seed, so adding it leaves the schedule's network and faults
/// as they were.
pub fn client_ops(
    seed: u64,
    clients: &[NodeId],
    keys: &[&str],
    count: u32,
    horizon_us: u64,
) -> Vec<crate::fault::PlannedFault> {
    use crate::client::Input;
    use crate::fault::{Fault, PlannedFault};
    let mut rng = Rng::stream(seed, 0xC11E);
    let (Some(_), Some(_)) = (clients.first(), keys.first()) else {
        return Vec::new();
    };
    let mut ops: Vec<PlannedFault> = (1..=i64::from(count))
        .map(|value| {
            let node = *rng.pick(clients).unwrap_or(&clients[0]);
            let key = rng.pick(keys).unwrap_or(&keys[0]).to_string();
            let input = if rng.below(2) == 0 {
                Input::Read { key }
            } else {
                Input::Write { key, value }
            };
            PlannedFault {
                at_us: rng.below(horizon_us.max(1)),
                fault: Fault::Input { node, input },
            }
        })
        .collect();
    ops.sort_by_key(|p| p.at_us);
    ops
}
