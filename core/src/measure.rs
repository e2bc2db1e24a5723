//! Measurements: a figure a lesson states, computed by the simulator over many seeds and shown
//! in the page as a table and a plot, instead of asserted in prose.
//!
//! A protocol offers measurements ([`crate::Lab::MEASURES`]); a lesson shows one with a
//! ```` ```measure ```` block naming its id. The lab worker computes it in chunks of seeds
//! ([`MeasureRun`]), so that live clusters on the same page keep their frame rate and the page
//! can show progress; each seed adds its integer sums to a tally ([`MeasureInfo::tally`]), and
//! the table is made from the tally ([`MeasureInfo::table`]). Sums of integers add up the same
//! in any order and on any target, so the figures are the same natively and in the page.

use serde::{Deserialize, Serialize};

/// A measurement a protocol offers: how one seed is tallied and how the tally becomes a table.
pub struct MeasureInfo {
    /// The id a lesson's ```` ```measure ```` block names, unique across the registry.
    pub id: &'static str,
    /// How many seeds the figures are over (seeds `0..seeds`).
    pub seeds: u64,
    /// How many seeds one request of the page computes (a fraction of a second in the page).
    pub chunk: u64,
    /// How many sums a tally holds.
    pub sums: usize,
    /// Adds the figures of one seed to `sums` (of length [`MeasureInfo::sums`]).
    pub tally: fn(seed: u64, sums: &mut [u64]),
    /// The table for a tally over `seeds` seeds.
    pub table: fn(sums: &[u64], seeds: u64) -> Table,
}

/// Every registered protocol's measurement with this id.
pub fn find(id: &str) -> Option<&'static MeasureInfo> {
    crate::ProtocolSpec::measures().find(|m| m.id == id)
}

/// A measured table: one row per setting of a knob (a threshold, a timeout), one column per
/// figure, and plots of some columns against the knob.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// What was run and how often, in a sentence.
    pub caption: String,
    /// The knob's name, the first column's header ("threshold φ").
    pub knob: String,
    /// The other columns' headers, with their units.
    pub columns: Vec<String>,
    /// The rows, in the knob's order.
    pub rows: Vec<Row>,
    /// The row the page selects first.
    pub default_row: u32,
    /// Plots of columns against the knob.
    pub plots: Vec<Plot>,
}

/// One setting of the knob and its figures.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// The knob's setting, as shown ("8").
    pub knob: String,
    /// One figure per column, as shown ("143 ms", "0.25"); "—" where there is none.
    pub cells: Vec<String>,
}

/// A plot of some columns against the knob: one line per column.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plot {
    /// What it shows, with its unit.
    pub title: String,
    /// Drawn on a logarithmic scale (figures that span several powers of ten); zeros sit on the
    /// axis.
    pub log_scale: bool,
    /// One line per column: its name and, per row, its value in thousandths (`None` where
    /// there is no figure).
    pub lines: Vec<(String, Vec<Option<i64>>)>,
}

/// A measurement computed a chunk at a time: the tally so far and the next seed.
#[derive(Clone)]
pub struct MeasureRun {
    info: &'static MeasureInfo,
    next_seed: u64,
    sums: Vec<u64>,
}

impl MeasureRun {
    /// A measurement not yet begun.
    pub fn new(info: &'static MeasureInfo) -> Self {
        MeasureRun {
            info,
            next_seed: 0,
            sums: vec![0; info.sums],
        }
    }

    /// Tallies the next chunk of seeds, if any is left.
    pub fn step(&mut self) {
        let end = (self.next_seed + self.info.chunk.max(1)).min(self.info.seeds);
        for seed in self.next_seed..end {
            (self.info.tally)(seed, &mut self.sums);
        }
        self.next_seed = end;
    }

    /// How many seeds are tallied.
    pub fn done_seeds(&self) -> u64 {
        self.next_seed
    }

    /// True once every seed is tallied.
    pub fn finished(&self) -> bool {
        self.next_seed >= self.info.seeds
    }

    /// The table over the seeds tallied so far.
    pub fn table(&self) -> Table {
        (self.info.table)(&self.sums, self.next_seed)
    }
}

/// `value` thousandths as text with `decimals` decimals, rounded half up (`fixed(1250, 1)` is
/// "1.3"): figures are shown without formatting a float.
pub fn fixed(thousandths: u64, decimals: u32) -> String {
    let decimals = decimals.min(3);
    let step = 10u64.pow(3 - decimals);
    let rounded = (thousandths + step / 2) / step;
    if decimals == 0 {
        return rounded.to_string();
    }
    let unit = 10u64.pow(decimals);
    format!(
        "{}.{:0width$}",
        rounded / unit,
        rounded % unit,
        width = decimals as usize
    )
}

/// `num / den` in thousandths, rounded to the nearest; `None` when `den` is 0.
pub fn ratio_thousandths(num: u64, den: u64) -> Option<u64> {
    (den > 0)
        .then(|| (u128::from(num) * 1000 + u128::from(den) / 2) / u128::from(den))
        .map(|v| v.min(u128::from(u64::MAX)) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_point_text_rounds_half_up_at_every_precision() {
        assert_eq!(fixed(1250, 1), "1.3");
        assert_eq!(fixed(1249, 1), "1.2");
        assert_eq!(fixed(5, 2), "0.01");
        assert_eq!(fixed(0, 2), "0.00");
        assert_eq!(fixed(143_499, 0), "143");
        assert_eq!(fixed(7, 3), "0.007");
    }

    #[test]
    fn a_ratio_in_thousandths_rounds_and_has_none_without_a_denominator() {
        assert_eq!(ratio_thousandths(1, 3), Some(333));
        assert_eq!(ratio_thousandths(2, 3), Some(667));
        assert_eq!(ratio_thousandths(5, 0), None);
        assert_eq!(ratio_thousandths(u64::MAX, 1), Some(u64::MAX));
    }

    #[test]
    fn every_measurements_id_is_unique_and_found() {
        let ids: Vec<&str> = crate::ProtocolSpec::measures().map(|m| m.id).collect();
        for id in &ids {
            assert_eq!(ids.iter().filter(|i| *i == id).count(), 1, "{id}");
            assert!(find(id).is_some());
        }
        assert!(find("no-such-measure").is_none());
    }

    #[test]
    fn a_measurement_run_in_chunks_tallies_every_seed_once() {
        for info in crate::ProtocolSpec::measures() {
            // The first few seeds: the property does not need them all, and a measurement of
            // searches (FLP's) takes most of a minute over all of them.
            let info: &'static MeasureInfo = Box::leak(Box::new(MeasureInfo {
                seeds: info.seeds.min(6),
                chunk: info.chunk.min(4),
                ..*info
            }));
            let mut run = MeasureRun::new(info);
            let mut chunks = 0;
            while !run.finished() {
                run.step();
                chunks += 1;
                assert!(chunks <= info.seeds, "{} does not finish", info.id);
            }
            assert_eq!(run.done_seeds(), info.seeds);
            let mut direct = vec![0; info.sums];
            for seed in 0..info.seeds {
                (info.tally)(seed, &mut direct);
            }
            assert_eq!(
                run.table(),
                (info.table)(&direct, info.seeds),
                "{}",
                info.id
            );
        }
    }
}
