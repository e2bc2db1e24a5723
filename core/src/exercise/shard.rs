//! Grading in parallel: a grade's cases and schedules split across several workers, and their
//! reports merged into exactly the report one worker would have written.
//!
//! A grade is a sequence of units: each table case, then each schedule of each simulation case,
//! in the order the exercise lists them. Shard `k` of `n` grades the units whose position is `k`
//! modulo `n`, interleaved so that every shard gets a share of every case (a case's schedules
//! cost alike, the cases do not). One worker stops a simulation case at its first failing
//! schedule and reports that one; so does each shard within its own units, and the merge keeps the
//! failure with the lowest schedule among the shards. What the learner's code printed is kept per
//! unit, so the merge can keep exactly the lines one worker would have: those of units up to each
//! case's first failure, in unit order, up to [`MAX_OUTPUT_LINES`].
//!
//! Every limit on the learner's code is per call or per schedule (the operations budget is shared
//! out per schedule, not drawn down across the grade), so no unit's result depends on which other
//! units its shard graded before it. `grade::tests` and `lessons/tests/shards.rs` compare the
//! merged reports with one worker's, field by field, for every exercise's solutions.
//!
//! No interpreter here: the page merges the reports its workers send.

use super::{CaseReport, CodeError, ExerciseSpec, Report};
use serde::{Deserialize, Serialize};

/// Lines of `print` output kept for the learner, per grade.
pub const MAX_OUTPUT_LINES: usize = 50;

/// Which part of a grade one worker does: the units whose position is `index` modulo `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Shard {
    /// This shard, from 0.
    pub index: u32,
    /// How many shards the grade is split into (at least 1).
    pub count: u32,
}

impl Shard {
    /// The whole grade, in one worker.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Every shard of a grade split `count` ways (`count` 0 is taken as 1).
    pub fn all(count: u32) -> impl Iterator<Item = Shard> {
        let count = count.max(1);
        (0..count).map(move |index| Shard { index, count })
    }

    /// True if this shard grades the unit at `position` (0-based, table cases first).
    pub fn takes(self, position: u64) -> bool {
        position % u64::from(self.count.max(1)) == u64::from(self.index)
    }
}

/// The first failing schedule of one simulation case among a shard's units.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleFailed {
    /// Which schedule of the case (0-based): the merge keeps the lowest.
    pub schedule: u32,
    /// The case's report, as one worker would write it had this schedule been its first failure.
    pub report: CaseReport,
}

/// What one shard found: the raw material of a [`Report`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardReport {
    /// Which shard this is.
    pub shard: Shard,
    /// A syntax error or a missing function: no case ran (every shard finds the same).
    pub compile_error: Option<CodeError>,
    /// The table cases this shard graded, with each one's position in the exercise's table.
    pub table: Vec<(u32, CaseReport)>,
    /// Per simulation case, in order: the first of this shard's schedules that failed, if any.
    pub failures: Vec<Option<ScheduleFailed>>,
    /// What the code printed, each line with the position of the unit that printed it; at most
    /// [`MAX_OUTPUT_LINES`] per case (the table cases count as one), which is all a merge can need.
    pub output: Vec<(u64, String)>,
}

impl ShardReport {
    /// A shard that found `error` before grading anything.
    pub fn refused(shard: Shard, error: CodeError) -> Self {
        ShardReport {
            shard,
            compile_error: Some(error),
            table: Vec::new(),
            failures: Vec::new(),
            output: Vec::new(),
        }
    }
}

/// Where each case's units start: table case `i` is unit `i`, then each simulation case's
/// schedules follow in order. The last entry is the number of units in all.
pub fn unit_starts(spec: &ExerciseSpec) -> Vec<u64> {
    let mut starts = Vec::with_capacity(spec.simulation.len() + 1);
    let mut at = spec.table.len() as u64;
    for case in &spec.simulation {
        starts.push(at);
        at += u64::from(case.schedules);
    }
    starts.push(at);
    starts
}

/// How many units a shard grades.
pub fn units_in(spec: &ExerciseSpec, shard: Shard) -> u32 {
    let total = unit_starts(spec).last().copied().unwrap_or(0);
    (0..total).filter(|u| shard.takes(*u)).count() as u32
}

/// Merges every shard's report of one grade into the report one worker would have written, or
/// says why the reports do not make one grade (a shard missing or twice, a case no shard graded).
pub fn merge(spec: &ExerciseSpec, shards: &[ShardReport]) -> Result<Report, String> {
    let count = shards.first().map_or(0, |s| s.shard.count);
    if count == 0 || shards.len() != count as usize {
        return Err(format!(
            "{} shard reports for a grade split {count} ways",
            shards.len()
        ));
    }
    for (i, s) in shards.iter().enumerate() {
        if s.shard.count != count || !shards[..i].iter().all(|o| o.shard.index != s.shard.index) {
            return Err(format!(
                "shard {} of {} does not belong with the others",
                s.shard.index, s.shard.count
            ));
        }
    }
    if let Some(error) = shards.iter().find_map(|s| s.compile_error.clone()) {
        return Ok(Report {
            compile_error: Some(error),
            cases: Vec::new(),
            output: Vec::new(),
        });
    }
    let starts = unit_starts(spec);
    let mut cases = Vec::with_capacity(spec.table.len() + spec.simulation.len());
    for i in 0..spec.table.len() as u32 {
        let found = shards
            .iter()
            .flat_map(|s| s.table.iter())
            .find(|(at, _)| *at == i);
        match found {
            Some((_, report)) => cases.push(report.clone()),
            None => return Err(format!("no shard graded table case {}", i + 1)),
        }
    }
    // The last unit of each simulation case whose output one worker would have kept.
    let mut last_kept = Vec::with_capacity(spec.simulation.len());
    for (c, case) in spec.simulation.iter().enumerate() {
        let first = shards
            .iter()
            .filter_map(|s| s.failures.get(c).and_then(Option::as_ref))
            .min_by_key(|f| f.schedule);
        match first {
            Some(f) => {
                last_kept.push(starts[c] + u64::from(f.schedule));
                cases.push(f.report.clone());
            }
            None => {
                last_kept.push(starts[c + 1].saturating_sub(1));
                cases.push(CaseReport::pass(&case.name));
            }
        }
    }
    let kept = |unit: u64| {
        // Table units come before the first simulation case and are always kept.
        match starts.iter().rposition(|s| *s <= unit) {
            Some(c) if c < last_kept.len() => unit <= last_kept[c],
            _ => unit < starts[0],
        }
    };
    let mut lines: Vec<&(u64, String)> = shards
        .iter()
        .flat_map(|s| s.output.iter())
        .filter(|(unit, _)| kept(*unit))
        .collect();
    // Stable: a unit's lines come from one shard, in the order it printed them.
    lines.sort_by_key(|(unit, _)| *unit);
    Ok(Report {
        compile_error: None,
        cases,
        output: lines
            .into_iter()
            .take(MAX_OUTPUT_LINES)
            .map(|(_, line)| line.clone())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit_belongs_to_exactly_one_shard() {
        for count in 1..=8 {
            for unit in 0..100 {
                assert_eq!(Shard::all(count).filter(|s| s.takes(unit)).count(), 1);
            }
        }
    }

    #[test]
    fn a_missing_or_doubled_shard_is_named() {
        let spec: ExerciseSpec = ExerciseSpec {
            format_version: 1,
            title: "t".into(),
            prompt: "p".into(),
            rules: crate::exercise::RuleSet::find("lamport").expect("registered"),
            hints: vec![],
            table: vec![],
            simulation: vec![],
            wrong: vec![],
            equivalent: vec![],
        };
        let empty = |index| ShardReport {
            shard: Shard { index, count: 2 },
            compile_error: None,
            table: vec![],
            failures: vec![],
            output: vec![],
        };
        assert!(merge(&spec, &[empty(0)])
            .unwrap_err()
            .contains("1 shard reports"));
        assert!(merge(&spec, &[empty(0), empty(0)])
            .unwrap_err()
            .contains("does not belong"));
        assert!(merge(&spec, &[empty(1), empty(0)]).is_ok());
    }
}
