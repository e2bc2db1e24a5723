//! Grading a learner's detector rules: `record(window, interval_us, max_len)` keeps a peer's
//! window and `suspect(window, silent_us, k, min_std_us, pause_us)` decides on a suspicion, in
//! every node of the reference cluster under seeded schedules (a calm or a jittery network, a
//! pause and a crash). Each answer is judged at once against the rule the exercise states
//! ([`super::rules::deviations_rule`], [`super::rules::record_interval`]), with the figures that
//! decide it in the message.

use super::rules::{deviations_rule, record_interval, DetectorRules};
use super::schedules::{exercise_k, exercise_run};
use super::{PhiAccrual, PhiAccrualParams};
use crate::exercise::SimulationCase;
use crate::grade::script::{counts, Script};
use crate::grade::{ScheduleFailure, ScheduleRun};
use crate::scenario::ProtocolSpec;
use std::collections::VecDeque;
use std::rc::Rc;

/// The learner's rules, called by the reference cluster, with the `k` of this schedule.
struct LearnerRules {
    script: Rc<Script>,
    k: u64,
}

/// A window as the message shows it: the intervals if there are few, else their count.
fn shown(window: &[u64]) -> String {
    if window.len() <= 6 {
        format!("{window:?}")
    } else {
        format!("{} intervals", window.len())
    }
}

impl DetectorRules for LearnerRules {
    fn record(&self, window: &mut VecDeque<u64>, interval_us: u64, max_len: u32) {
        let before: Vec<u64> = window.iter().copied().collect();
        record_interval(window, interval_us, max_len);
        let Some(v) = self
            .script
            .call("record", (before.clone(), interval_us, u64::from(max_len)))
        else {
            return;
        };
        let expected: Vec<u64> = window.iter().copied().collect();
        match counts(&v) {
            Some(got) if got == expected => {}
            Some(got) if got.len() as u64 > u64::from(max_len) => self.script.fail(format!(
                "record(window of {}, {interval_us}, {max_len}) returned {} intervals: the window \
                 keeps at most {max_len}, so drop the oldest",
                before.len(),
                got.len()
            )),
            Some(got) if got.last() != Some(&interval_us) => self.script.fail(format!(
                "record({}, {interval_us}, {max_len}) returned {}: the new interval belongs at \
                 the end (the window is oldest first)",
                shown(&before),
                shown(&got)
            )),
            Some(got) => self.script.fail(format!(
                "record({}, {interval_us}, {max_len}) returned {}, but the window should be {}: \
                 append the new interval and drop the oldest while there are more than {max_len}",
                shown(&before),
                shown(&got),
                shown(&expected)
            )),
            None => self.script.fail(format!(
                "record must return an array of intervals (whole µs, not negative), not {}",
                crate::grade::script::shown(&v)
            )),
        }
    }

    fn suspect(&self, window: &[u64], silent_us: u64, _: i64, params: &PhiAccrualParams) -> bool {
        let (min, pause) = (params.min_std_deviation_us, params.acceptable_pause_us);
        let expected = deviations_rule(window, silent_us, self.k, min, pause).unwrap_or(false);
        let Some(v) = self
            .script
            .call("suspect", (window.to_vec(), silent_us, self.k, min, pause))
        else {
            return expected;
        };
        let got = match v.as_bool() {
            Ok(b) => b,
            Err(t) => {
                self.script
                    .fail(format!("suspect must return true or false, not a {t}"));
                return expected;
            }
        };
        if got != expected {
            self.script
                .fail(why(window, silent_us, self.k, min, pause, expected));
        }
        got
    }
}

/// The figures that decide a suspicion, in words: mean, deviation, the line, the verdict.
fn why(window: &[u64], silent_us: u64, k: u64, min: u64, pause: u64, expected: bool) -> String {
    let n = window.len().max(1) as u128;
    let sum: u128 = window.iter().map(|x| u128::from(*x)).sum();
    let squares: u128 = window.iter().map(|x| u128::from(*x) * u128::from(*x)).sum();
    // Shown rounded down to whole µs; the verdict itself is exact.
    let mean = sum / n;
    let deviation = ((n * squares).saturating_sub(sum * sum) / (n * n)).isqrt();
    let sigma = deviation.max(u128::from(min));
    let line = mean + u128::from(pause) + u128::from(k) * sigma;
    let verdict = if expected {
        "that is past it, so suspect"
    } else {
        "that is not past it, so do not suspect yet"
    };
    format!(
        "suspect({}, {silent_us}, {k}, {min}, {pause}) returned {}: the window's mean is {mean} µs \
         and its deviation {deviation} µs (σ = {sigma} µs with the minimum of {min}), so the line \
         is the mean + the pause + {k}σ = {line} µs; the silence is {silent_us} µs, {verdict}",
        shown(window),
        !expected,
    )
}

/// One schedule of the `failure-detector` rule set.
pub(super) fn schedule(
    run: &ScheduleRun<'_>,
    case: &SimulationCase,
    seed: u64,
) -> Result<(), ScheduleFailure> {
    let scenario = exercise_run(case, seed);
    let ProtocolSpec::PhiAccrual(params) = &scenario.protocol else {
        unreachable!("the exercise's scenario runs the φ accrual detector");
    };
    let script = run.script();
    let rules = Rc::new(LearnerRules {
        script: script.clone(),
        k: exercise_k(seed),
    });
    let protocol = PhiAccrual::with_rules(params.clone(), rules);
    crate::grade::run_schedule(protocol, &scenario, &script)?;
    Ok(())
}
