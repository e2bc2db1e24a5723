//! FLP's escapes, measured: in which round a run decides, over many seeds, for the protocol the
//! lesson plays with against the machine adversary (fixed coin and fair coin) and with messages
//! in the network's random order. The FLP lesson shows it (```` ```measure flp-rounds ````).

use super::model::Coin;
use super::schedules::{adversary_run, fixed_coin_run};
use super::{Flp, FlpParams, Scheduler};
use crate::lab::Lab;
use crate::measure::{ratio_thousandths, MeasureInfo, Plot, Row, Table};
use crate::net::NetConfig;
use crate::scenario::{ProtocolSpec, Scenario};
use crate::time::SimTime;

/// The last round a row shows: a run still undecided past it counts as not decided.
pub const ROUNDS: u32 = 8;

/// How many seeds: each run against the adversary is a few dozen searches of up to 20,000
/// configurations, a few tenths of a second natively.
const SEEDS: u64 = 40;

/// The three ways a run goes, in column order.
const WAYS: usize = 3;
/// The fair coin against the adversary.
const FAIR: usize = 0;
/// The fixed coin against the adversary.
const FIXED: usize = 1;
/// The fixed coin, messages in the network's order.
const RANDOM: usize = 2;

/// Per way: runs decided in each round `1..=ROUNDS`, then runs made, then the sum of the
/// simulated µs to the first decision of the decided ones.
const PER_WAY: usize = ROUNDS as usize + 2;
const SUMS: usize = WAYS * PER_WAY;

fn decided_slot(way: usize, round: u32) -> usize {
    way * PER_WAY + (round as usize - 1)
}

fn runs_slot(way: usize) -> usize {
    way * PER_WAY + ROUNDS as usize
}

fn time_slot(way: usize) -> usize {
    way * PER_WAY + ROUNDS as usize + 1
}

/// The measurement the lesson names.
pub const FLP_ROUNDS: MeasureInfo = MeasureInfo {
    id: "flp-rounds",
    seeds: SEEDS,
    chunk: 1,
    sums: SUMS,
    tally,
    table,
};

/// Three processes with inputs 0, 1, 1 and the fixed coin, no adversary: every message arrives
/// after the network's random 5 to 15 ms, as after the global stabilisation time.
pub fn random_order_run(seed: u64) -> Scenario {
    Scenario {
        protocol: ProtocolSpec::Flp(FlpParams {
            inputs: "011".into(),
            coin: Coin::Fixed,
            scheduler: Scheduler::You,
            gap_us: FlpParams::default().gap_us,
        }),
        nodes: 3,
        seed,
        network: NetConfig::default(),
        clocks: Vec::new(),
        faults: Vec::new(),
        duration_us: 10_000_000,
        max_steps: 100_000,
    }
}

/// The round and simulated time of the first decision in `scenario`, running no further than
/// the end of round [`ROUNDS`]; `None` if nobody decides by then.
pub fn first_decision(scenario: &Scenario) -> Option<(u32, u64)> {
    let params = match &scenario.protocol {
        ProtocolSpec::Flp(p) => p.clone(),
        _ => return None,
    };
    let mut sim = scenario.quiet_sim(Flp::reference(&params));
    while sim
        .next_event_time()
        .is_some_and(|at| at <= SimTime(scenario.duration_us))
        && sim.step()
    {
        let nodes = sim.node_refs();
        let live = nodes.iter().filter_map(|n| n.volatile);
        if let Some(round) = live
            .clone()
            .filter_map(|p| p.decided.map(|_| p.round))
            .min()
        {
            return Some((round, sim.now().as_us()));
        }
        if live.map(|p| p.round).min().unwrap_or(0) > ROUNDS {
            return None;
        }
    }
    None
}

fn add(sums: &mut [u64], way: usize, decision: Option<(u32, u64)>) {
    sums[runs_slot(way)] += 1;
    if let Some((round, at_us)) = decision.filter(|(round, _)| (1..=ROUNDS).contains(round)) {
        sums[decided_slot(way, round)] += 1;
        sums[time_slot(way)] += at_us;
    }
}

/// Adds one seed's three runs to `sums`.
fn tally(seed: u64, sums: &mut [u64]) {
    add(
        sums,
        FAIR,
        first_decision(&adversary_run(seed, Coin::Fair, 400)),
    );
    add(sums, FIXED, first_decision(&fixed_coin_run(seed, 400)));
    add(sums, RANDOM, first_decision(&random_order_run(seed)));
}

/// The table: a row per round, the share of runs decided by then for each way.
fn table(sums: &[u64], seeds: u64) -> Table {
    let names = [
        "fair coin, the adversary",
        "fixed coin, the adversary",
        "fixed coin, random order",
    ];
    let mut lines: Vec<(String, Vec<Option<i64>>)> =
        names.iter().map(|n| (n.to_string(), Vec::new())).collect();
    let mut rows = Vec::new();
    let mut by = [0u64; WAYS];
    for round in 1..=ROUNDS {
        let mut cells = Vec::new();
        for way in 0..WAYS {
            by[way] += sums[decided_slot(way, round)];
            let runs = sums[runs_slot(way)];
            // Per cent, as thousandths of a hundred: the plot's unit.
            let share = ratio_thousandths(by[way] * 100, runs);
            cells.push(match share {
                Some(p) => format!("{} of {runs} ({}%)", by[way], (p + 500) / 1000),
                None => "—".to_string(),
            });
            lines[way].1.push(share.map(|p| p as i64));
        }
        rows.push(Row {
            knob: round.to_string(),
            cells,
        });
    }
    let mean_ms = |way: usize| {
        let decided: u64 = (1..=ROUNDS).map(|r| sums[decided_slot(way, r)]).sum();
        ratio_thousandths(sums[time_slot(way)], decided * 1000)
            .map_or("—".to_string(), |ms| format!("{} ms", (ms + 500) / 1000))
    };
    Table {
        caption: format!(
            "Measured over {seeds} seeds, three runs each, of three processes. Against the \
             adversary, it chooses a delivery every 60 ms, searching up to 20,000 \
             configurations one round ahead, and crashes no one; the fair coin's inputs are 0, \
             1, 1 and the fixed coin's the bivalent 0, 1, 1; 1, 0, 1 and 1, 1, 0 in turn. In \
             random order (inputs 0, 1, 1), each message arrives 5 to 15 ms after it is sent; \
             the first decision came {} after the start on average (the fair coin's, against \
             the adversary: {}).",
            mean_ms(RANDOM),
            mean_ms(FAIR),
        ),
        knob: "by the end of round".into(),
        columns: names.iter().map(|n| format!("{n}: decided")).collect(),
        rows,
        default_row: 2,
        plots: vec![Plot {
            title: "runs decided by the end of each round (%)".into(),
            log_scale: false,
            lines,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The figures the lesson states, over every seed.
    #[test]
    fn the_table_says_what_the_lesson_says() {
        let mut sums = vec![0; SUMS];
        for seed in 0..SEEDS {
            tally(seed, &mut sums);
        }
        let by = |way: usize, round: u32| -> u64 {
            (1..=round).map(|r| sums[decided_slot(way, r)]).sum()
        };
        for way in 0..WAYS {
            assert_eq!(sums[runs_slot(way)], SEEDS);
        }
        // The fixed coin against the adversary: never.
        assert_eq!(by(FIXED, ROUNDS), 0);
        // The fair coin against the same adversary: none in round 1, about half by round 2,
        // three in four by round 5, most by the last round shown, not all.
        assert_eq!(by(FAIR, 1), 0);
        assert!(
            (SEEDS * 2 / 5..=SEEDS * 3 / 5).contains(&by(FAIR, 2)),
            "{}",
            by(FAIR, 2)
        );
        assert!(
            (SEEDS * 7 / 10..=SEEDS * 4 / 5).contains(&by(FAIR, 5)),
            "{}",
            by(FAIR, 5)
        );
        assert!(by(FAIR, ROUNDS) >= SEEDS * 4 / 5 && by(FAIR, ROUNDS) < SEEDS);
        // Random order: nearly every run by round 3, every run by round 4, within a few dozen
        // milliseconds on average.
        assert!(by(RANDOM, 3) >= SEEDS * 9 / 10);
        assert_eq!(by(RANDOM, 4), SEEDS);
        let mean_us = sums[time_slot(RANDOM)] / SEEDS;
        assert!((20_000..60_000).contains(&mean_us), "{mean_us} µs");
    }

    #[test]
    fn the_adversary_never_lets_the_fixed_coin_decide_and_random_order_soon_does() {
        assert_eq!(first_decision(&fixed_coin_run(0, 400)), None);
        assert_eq!(first_decision(&fixed_coin_run(2, 400)), None);
        let (round, at_us) = first_decision(&random_order_run(1)).expect("decides");
        assert!(round <= 3 && at_us < 200_000, "round {round} at {at_us} µs");
    }
}
