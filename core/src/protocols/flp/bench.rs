//! How long FLP's searches take, natively (`netsplit bench`) and in the page's bench worker, so
//! the figures in the lesson and the notes are measured on both targets.

use super::explore::{initial, Graph};
use super::model::{Coin, Shape};
use super::schedules::adversary_run;
use super::{Flp, FlpParams};
use crate::lab::Lab;
use crate::scenario::ProtocolSpec;
use crate::sim::SimOptions;
use crate::time::SimTime;

/// The search sizes and times, and the machine adversary's pace in the simulator.
#[derive(Clone, Debug, PartialEq)]
pub struct FlpFigures {
    /// Configurations from inputs 0, 1, 1 up to round 2, and the seconds the search took.
    pub round2_configs: u64,
    /// Seconds for that search.
    pub round2_s: f64,
    /// Configurations up to round 3.
    pub round3_configs: u64,
    /// Seconds for that search.
    pub round3_s: f64,
    /// Deliveries the adversary chose in its timed run, with no decision.
    pub adversary_choices: u64,
    /// Seconds that run took.
    pub adversary_s: f64,
    /// True if nobody decided in that run (as FLP says).
    pub undecided: bool,
}

impl FlpFigures {
    /// The figures as one line, labelled with where they were taken.
    pub fn line(&self, target: &str) -> String {
        format!(
            "bench flp {target}: inputs 011, every delivery order up to round 2: {} configurations in {:.1} ms; up to round 3: {} in {:.1} ms; the machine adversary: {} choices in {:.2} s ({:.1} ms each), {}",
            self.round2_configs,
            self.round2_s * 1000.0,
            self.round3_configs,
            self.round3_s * 1000.0,
            self.adversary_choices,
            self.adversary_s,
            self.adversary_s * 1000.0 / self.adversary_choices.max(1) as f64,
            if self.undecided { "undecided" } else { "DECIDED" }
        )
    }
}

/// Times the searches and a 100-choice run of the machine adversary with `now_s`.
pub fn time_flp(now_s: &mut dyn FnMut() -> f64) -> FlpFigures {
    let shape = Shape {
        n: 3,
        coin: Coin::Fixed,
    };
    let start = initial(&shape, &[0, 1, 1]);
    let t = now_s();
    let g2 = Graph::explore(&shape, &start, 2, 1_000_000);
    let round2_s = now_s() - t;
    let t = now_s();
    let g3 = Graph::explore(&shape, &start, 3, 1_000_000);
    let round3_s = now_s() - t;
    let scenario = adversary_run(1, Coin::Fixed, 100);
    let params = match &scenario.protocol {
        ProtocolSpec::Flp(p) => p.clone(),
        _ => FlpParams::default(),
    };
    let mut sim = scenario.sim(
        Flp::reference(&params),
        SimOptions {
            trace_cap: 0,
            check_invariants: true,
        },
    );
    let t = now_s();
    sim.run_until(SimTime(scenario.duration_us), scenario.max_steps);
    let adversary_s = now_s() - t;
    let undecided = sim
        .node_refs()
        .iter()
        .all(|n| n.volatile.is_none_or(|p| p.decided.is_none()));
    FlpFigures {
        round2_configs: g2.configs.len() as u64,
        round2_s,
        round3_configs: g3.configs.len() as u64,
        round3_s,
        adversary_choices: sim.steps().saturating_sub(1),
        adversary_s,
        undecided,
    }
}
