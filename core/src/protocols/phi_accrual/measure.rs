//! The φ accrual detector's trade-off, measured: for each threshold, how long after a real crash
//! the live peers suspect it, and how often a live peer is suspected by mistake, on a calm and a
//! jittery network. The lesson on failure detectors shows it (```` ```measure phi-thresholds ````).
//!
//! The threshold changes nothing a node sends, only what it concludes, so one run per seed
//! serves every threshold: after each check a node makes, the φ it computed for each peer is
//! compared with every threshold here, exactly as the protocol compares it with its own, and
//! each suspicion is judged against the truth the simulator knows (was the peer crashed?).

use super::{PhiAccrual, PhiAccrualParams};
use crate::fault::{Fault, PlannedFault};
use crate::id::NodeId;
use crate::lab::Lab;
use crate::measure::{fixed, ratio_thousandths, MeasureInfo, Plot, Row, Table};
use crate::net::NetConfig;
use crate::rng::{Ratio, Rng};
use crate::scenario::{ProtocolSpec, Scenario};
use crate::time::SimTime;

/// The thresholds measured, in tenths of φ.
pub const THRESHOLDS_TENTHS: &[u32] = &[5, 10, 20, 30, 40, 60, 80, 100, 120, 160];

/// The cluster: four nodes, each monitoring the other three.
const NODES: u32 = 4;

/// When the one real crash happens: before it, every suspicion is a mistake.
const CRASH_AT_US: u64 = 30_000_000;

/// When a run ends: two seconds after the crash, far longer than any threshold here needs.
const END_US: u64 = 32_000_000;

/// The two networks compared: their name and settings.
pub fn networks() -> [(&'static str, NetConfig); 2] {
    [
        (
            "calm",
            NetConfig {
                latency_us_min: 5_000,
                latency_us_max: 15_000,
                drop: Ratio::ZERO,
                duplicate: Ratio::ZERO,
            },
        ),
        (
            "jittery",
            NetConfig {
                latency_us_min: 1_000,
                latency_us_max: 90_000,
                drop: Ratio { num: 2, den: 100 },
                duplicate: Ratio::ZERO,
            },
        ),
    ]
}

/// The run of one seed on one network: default parameters, and node `seed % 4` crashing at 30 s.
///
/// Real nodes do not boot in the same microsecond. If they did here, every node would ping and
/// check in lockstep, and a check would never fall late in a peer's interval: so every node but
/// n0 is stopped at once and starts again at a moment within the first interval, drawn from the
/// seed.
pub fn measured_run(seed: u64, network: NetConfig) -> Scenario {
    let mut rng = Rng::stream(seed, 0x9e37);
    let interval_us = PhiAccrualParams::default().interval_us;
    let mut faults: Vec<PlannedFault> = (1..NODES)
        .flat_map(|i| {
            let node = NodeId(i);
            [
                PlannedFault {
                    at_us: 0,
                    fault: Fault::Crash { node },
                },
                PlannedFault {
                    at_us: rng.between(1, interval_us),
                    fault: Fault::Restart { node },
                },
            ]
        })
        .collect();
    faults.push(PlannedFault {
        at_us: CRASH_AT_US,
        fault: Fault::Crash {
            node: crashed(seed),
        },
    });
    Scenario {
        protocol: ProtocolSpec::PhiAccrual(PhiAccrualParams::default()),
        nodes: NODES,
        seed,
        network,
        clocks: Vec::new(),
        faults,
        duration_us: END_US,
        max_steps: 10_000_000,
    }
}

fn crashed(seed: u64) -> NodeId {
    NodeId((seed % u64::from(NODES)) as u32)
}

/// Per network, per threshold: the sum of detection times in µs, how many detections, how many
/// crashed peers never suspected by the end, how many suspicions of a live peer. Then per
/// network the time live peers were watched, in µs.
const PER_THRESHOLD: usize = 4;

fn slot(network: usize, threshold: usize, figure: usize) -> usize {
    (network * THRESHOLDS_TENTHS.len() + threshold) * PER_THRESHOLD + figure
}

fn exposure_slot(network: usize) -> usize {
    networks().len() * THRESHOLDS_TENTHS.len() * PER_THRESHOLD + network
}

const SUMS: usize = 2 * 10 * PER_THRESHOLD + 2;

/// Adds one seed's figures, on both networks, to `sums`.
fn tally(seed: u64, sums: &mut [u64]) {
    for (k, (_, network)) in networks().into_iter().enumerate() {
        tally_network(seed, k, network, sums);
    }
}

/// What an observer knows of one peer at one threshold.
#[derive(Clone, Copy, Default)]
struct Watch {
    suspected: bool,
    /// For the crashed peer: when it was suspected after the crash with no ping since.
    detected_at_us: Option<u64>,
}

fn tally_network(seed: u64, k: usize, network: NetConfig, sums: &mut [u64]) {
    let scenario = measured_run(seed, network);
    let params = PhiAccrualParams::default();
    let mut sim = scenario.quiet_sim(PhiAccrual::reference(&params));
    let n = NODES as usize;
    let t = THRESHOLDS_TENTHS.len();
    let dead = crashed(seed).index();
    let mut checks = vec![0u64; n];
    let mut heard: Vec<Option<i64>> = vec![None; n * n];
    let mut watch = vec![Watch::default(); n * n * t];
    while sim
        .next_event_time()
        .is_some_and(|at| at <= SimTime(END_US))
    {
        if !sim.step() {
            break;
        }
        let now = sim.now().as_us();
        let crashed_now = now >= CRASH_AT_US;
        for node in sim.node_refs() {
            let Some(v) = node.volatile else { continue };
            let o = node.id.index();
            for p in (0..n).filter(|p| *p != o) {
                // A ping heard: every threshold's suspicion of it ends, as in the protocol.
                if v.last_heard_us[p] != heard[o * n + p] {
                    heard[o * n + p] = v.last_heard_us[p];
                    for w in &mut watch[(o * n + p) * t..(o * n + p + 1) * t] {
                        *w = Watch::default();
                    }
                }
            }
            if v.checks == checks[o] {
                continue;
            }
            checks[o] = v.checks;
            for p in (0..n).filter(|p| *p != o && v.last_heard_us[*p].is_some()) {
                let phi = v.phi_tenths[p];
                let truly_dead = p == dead && crashed_now;
                for (i, threshold) in THRESHOLDS_TENTHS.iter().enumerate() {
                    let w = &mut watch[(o * n + p) * t + i];
                    if phi > i64::from(*threshold) {
                        if truly_dead && w.detected_at_us.is_none() {
                            w.detected_at_us = Some(now);
                        } else if !w.suspected && !truly_dead {
                            sums[slot(k, i, 3)] += 1;
                        }
                        w.suspected = true;
                    }
                }
            }
        }
    }
    for o in (0..n).filter(|o| *o != dead) {
        for (i, _) in THRESHOLDS_TENTHS.iter().enumerate() {
            match watch[(o * n + dead) * t + i].detected_at_us {
                Some(at) => {
                    sums[slot(k, i, 0)] += at - CRASH_AT_US;
                    sums[slot(k, i, 1)] += 1;
                }
                None => sums[slot(k, i, 2)] += 1,
            }
        }
    }
    // Watched while alive: the three live nodes watch each other to the end and the crashed node
    // until the crash; the crashed node watched the other three until then.
    let live = (n - 1) as u64;
    sums[exposure_slot(k)] += live * (live - 1) * END_US + 2 * live * CRASH_AT_US;
}

/// The table: a row per threshold, detection time and mistakes per minute for each network.
fn table(sums: &[u64], seeds: u64) -> Table {
    let nets = networks();
    let mut columns = Vec::new();
    for (name, _) in &nets {
        columns.push(format!("{name}: mean detection time"));
        columns.push(format!("{name}: false suspicions per peer per minute"));
    }
    let mut detection_lines: Vec<(String, Vec<Option<i64>>)> = Vec::new();
    let mut mistake_lines: Vec<(String, Vec<Option<i64>>)> = Vec::new();
    for (name, _) in &nets {
        detection_lines.push((name.to_string(), Vec::new()));
        mistake_lines.push((name.to_string(), Vec::new()));
    }
    let mut rows = Vec::new();
    for (i, threshold) in THRESHOLDS_TENTHS.iter().enumerate() {
        let mut cells = Vec::new();
        for k in 0..nets.len() {
            let (sum, count, missed, mistakes) = (
                sums[slot(k, i, 0)],
                sums[slot(k, i, 1)],
                sums[slot(k, i, 2)],
                sums[slot(k, i, 3)],
            );
            // The mean in µs is thousandths of a millisecond.
            let mean_us = (count > 0).then(|| (sum + count / 2) / count);
            let mut detection =
                mean_us.map_or("—".to_string(), |us| format!("{} ms", fixed(us, 0)));
            if missed > 0 {
                detection.push_str(&format!(" ({missed} never)"));
            }
            cells.push(detection);
            detection_lines[k].1.push(mean_us.map(|us| us as i64));
            // Per minute: mistakes × 60 s over the µs watched.
            let per_minute = ratio_thousandths(mistakes * 60_000_000, sums[exposure_slot(k)]);
            cells.push(per_minute.map_or("—".to_string(), |m| fixed(m, 3)));
            mistake_lines[k].1.push(per_minute.map(|m| m as i64));
        }
        rows.push(Row {
            knob: fixed(u64::from(*threshold) * 100, 1),
            cells,
        });
    }
    let (calm, jittery) = (nets[0].1, nets[1].1);
    Table {
        caption: format!(
            "Measured over {seeds} seeds per network: {NODES} nodes ping each other every 50 ms \
             (window 100, minimum deviation 10 ms); one of them crashes at 30 s, and the run \
             ends at 32 s. Detection: from the crash to the first check of each live peer that \
             suspects it for good. False suspicions: a live peer suspected, per peer watched, \
             per minute. Calm: latency {}–{} ms. Jittery: latency {}–{} ms and {}% loss.",
            calm.latency_us_min / 1000,
            calm.latency_us_max / 1000,
            jittery.latency_us_min / 1000,
            jittery.latency_us_max / 1000,
            jittery.drop.as_percent(),
        ),
        knob: "threshold φ".into(),
        columns,
        rows,
        default_row: THRESHOLDS_TENTHS.iter().position(|t| *t == 80).unwrap_or(0) as u32,
        plots: vec![
            Plot {
                title: "Mean detection time after a crash (ms)".into(),
                log_scale: false,
                lines: detection_lines,
            },
            Plot {
                title: "False suspicions per peer per minute (log scale; none sits on the axis)"
                    .into(),
                log_scale: true,
                lines: mistake_lines,
            },
        ],
    }
}

/// The measurement lessons name.
pub const PHI_THRESHOLDS: MeasureInfo = MeasureInfo {
    id: "phi-thresholds",
    seeds: 100,
    chunk: 5,
    sums: SUMS,
    tally,
    table,
};

#[cfg(test)]
mod tests {
    use super::*;

    fn measured(seeds: u64) -> (Vec<u64>, Table) {
        let mut sums = vec![0; SUMS];
        for seed in 0..seeds {
            tally(seed, &mut sums);
        }
        let table = table(&sums, seeds);
        (sums, table)
    }

    #[test]
    fn the_layout_of_the_sums_fills_every_slot_once() {
        assert_eq!(SUMS, exposure_slot(networks().len() - 1) + 1);
        assert_eq!(THRESHOLDS_TENTHS.len(), 10);
    }

    #[test]
    fn a_higher_threshold_detects_no_sooner_and_errs_no_more_often() {
        let (sums, table) = measured(12);
        for k in 0..2 {
            for i in 1..THRESHOLDS_TENTHS.len() {
                let mean = |i: usize| sums[slot(k, i, 0)] / sums[slot(k, i, 1)].max(1);
                assert!(
                    mean(i) >= mean(i - 1),
                    "network {k}, threshold {i}: {table:?}"
                );
                assert!(sums[slot(k, i, 3)] <= sums[slot(k, i - 1, 3)], "{table:?}");
                assert_eq!(sums[slot(k, i, 2)], 0, "every crash detected: {table:?}");
            }
        }
    }

    #[test]
    fn a_jittery_network_is_detected_later_and_suspected_more_than_a_calm_one() {
        let (sums, table) = measured(12);
        let eight = THRESHOLDS_TENTHS.iter().position(|t| *t == 80).expect("8");
        let mean = |k: usize| sums[slot(k, eight, 0)] / sums[slot(k, eight, 1)].max(1);
        assert!(mean(1) > mean(0), "{table:?}");
        let one = THRESHOLDS_TENTHS.iter().position(|t| *t == 10).expect("1");
        assert!(sums[slot(1, one, 3)] > sums[slot(0, one, 3)], "{table:?}");
        // At φ = 1 a crash is noticed within about two intervals on a calm network.
        assert!(
            sums[slot(0, one, 0)] / sums[slot(0, one, 1)] < 100_000,
            "{table:?}"
        );
    }

    #[test]
    fn the_table_has_a_row_per_threshold_and_a_cell_per_column() {
        let (_, table) = measured(2);
        assert_eq!(table.rows.len(), THRESHOLDS_TENTHS.len());
        assert!(table
            .rows
            .iter()
            .all(|r| r.cells.len() == table.columns.len()));
        assert_eq!(table.rows[table.default_row as usize].knob, "8.0");
        assert!(table.caption.contains("2 seeds"));
        assert!(table
            .plots
            .iter()
            .all(|p| p.lines.iter().all(|(_, v)| v.len() == table.rows.len())));
    }

    /// The measurement judges every threshold from one run; the protocol, run with one of them
    /// as its own, must make exactly the suspicions of live peers the measurement counted.
    #[test]
    fn the_mistakes_counted_for_a_threshold_are_the_suspicions_the_protocol_makes_with_it() {
        use crate::trace::EventKind;
        for (k, (name, network)) in networks().into_iter().enumerate() {
            for (i, threshold) in [(1, 10), (6, 80)] {
                let mut counted = 0;
                let mut noted = 0;
                for seed in 0..3 {
                    let mut sums = vec![0; SUMS];
                    tally_network(seed, k, network, &mut sums);
                    counted += sums[slot(k, i, 3)];
                    let mut scenario = measured_run(seed, network);
                    let params = PhiAccrualParams {
                        threshold_tenths: threshold,
                        ..PhiAccrualParams::default()
                    };
                    scenario.protocol = ProtocolSpec::PhiAccrual(params.clone());
                    let mut sim = scenario.sim(
                        PhiAccrual::reference(&params),
                        crate::sim::SimOptions::default(),
                    );
                    sim.run_until(SimTime(END_US), u64::MAX);
                    let dead = format!("suspects {}:", crashed(seed));
                    noted += sim
                        .trace()
                        .events()
                        .iter()
                        .filter(|e| match &e.kind {
                            EventKind::Note { text, .. } => {
                                text.starts_with("suspects ")
                                    && !(text.starts_with(&dead) && e.at.as_us() >= CRASH_AT_US)
                            }
                            _ => false,
                        })
                        .count() as u64;
                }
                assert_eq!(counted, noted, "{name}, threshold {threshold}");
                assert!(counted > 0 || threshold == 80, "{name}: no mistake at φ 1");
            }
        }
    }

    /// What the failure-detectors lesson says of the table, over all its seeds: if a change to
    /// the simulator or the detector breaks a sentence there, this fails.
    #[test]
    fn the_lessons_sentences_about_the_table_hold_over_every_seed() {
        let (sums, table) = measured(PHI_THRESHOLDS.seeds);
        let at = |t: u32| {
            THRESHOLDS_TENTHS
                .iter()
                .position(|x| *x == t)
                .expect("measured")
        };
        let mean = |k: usize, i: usize| sums[slot(k, i, 0)] / sums[slot(k, i, 1)].max(1);
        let (one, eight) = (at(10), at(80));
        // "On the calm network, a threshold of 8 notices a crash in under 100 ms, with no false
        // suspicion in 100 runs."
        assert!(mean(0, eight) < 100_000, "{table:?}");
        assert_eq!(sums[slot(0, eight, 3)], 0, "{table:?}");
        // "On the jittery network, the same threshold of 8 takes more than twice as long, and
        // still suspects a live peer now and then."
        assert!(mean(1, eight) > 2 * mean(0, eight), "{table:?}");
        assert!(sums[slot(1, eight, 3)] > 0, "{table:?}");
        // "Lower the threshold to 1 and detection time about halves, but mistakes grow more than
        // a hundredfold."
        assert!(
            (40..=60).contains(&(mean(1, one) * 100 / mean(1, eight))),
            "{table:?}"
        );
        assert!(
            sums[slot(1, one, 3)] > 100 * sums[slot(1, eight, 3)],
            "{table:?}"
        );
    }

    #[test]
    fn every_measured_run_is_a_valid_scenario() {
        for (_, network) in networks() {
            assert_eq!(measured_run(3, network).validate(), Ok(()));
        }
    }
}
