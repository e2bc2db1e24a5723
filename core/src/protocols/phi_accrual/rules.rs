//! The two rules a node of the φ accrual detector follows, pluggable so that an exercise runs a
//! learner's in the same cluster: how it keeps a peer's window of heartbeat intervals, and when
//! silence makes it suspect the peer.

use super::PhiAccrualParams;
use std::collections::VecDeque;

/// A detector's rules. The reference keeps Akka's window and suspects above the φ threshold; an
/// exercise runs a learner's.
pub trait DetectorRules {
    /// Adds `interval_us`, the time between a peer's last two heartbeats, to its `window`
    /// (oldest first), keeping at most `max_len` intervals.
    fn record(&self, window: &mut VecDeque<u64>, interval_us: u64, max_len: u32);

    /// Whether a peer silent for `silent_us` is suspected, given its window of intervals (never
    /// empty here), the φ the node worked out for that silence in tenths, and the parameters.
    fn suspect(
        &self,
        window: &[u64],
        silent_us: u64,
        phi_tenths: i64,
        params: &PhiAccrualParams,
    ) -> bool;
}

/// Akka's rules: the latest `max_len` intervals, and a suspicion once φ passes the threshold.
pub struct ReferenceRules;

impl DetectorRules for ReferenceRules {
    fn record(&self, window: &mut VecDeque<u64>, interval_us: u64, max_len: u32) {
        record_interval(window, interval_us, max_len);
    }

    fn suspect(&self, _: &[u64], _: u64, phi_tenths: i64, params: &PhiAccrualParams) -> bool {
        phi_tenths > i64::from(params.threshold_tenths)
    }
}

/// The window after a new interval: appended, and the oldest dropped while there are more than
/// `max_len` (a sliding window, as Akka's `max-sample-size`).
pub fn record_interval(window: &mut VecDeque<u64>, interval_us: u64, max_len: u32) {
    window.push_back(interval_us);
    while window.len() as u64 > u64::from(max_len) {
        window.pop_front();
    }
}

/// The suspicion rule of the failure-detectors exercise, in integers (the grader's script has no
/// floating point): suspect once the silence is more than `k` deviations past the mean interval
/// plus the acceptable pause, σ being the window's standard deviation raised to
/// `min_std_deviation_us`. As φ is a rising function of (silence − mean − pause) / σ, this is the
/// φ accrual rule with the threshold expressed in deviations (φ = 8 is about 4.9 of them).
///
/// Exact, without rounding: with n intervals summing to S with squares summing to Q, the
/// silence t is suspect when n(t − pause) − S > 0 and (n(t − pause) − S)² > k²·max(nQ − S²,
/// n²·min²). `None` for an empty window, or when a figure overflows (no real window is that
/// large).
pub fn deviations_rule(
    window: &[u64],
    silent_us: u64,
    k: u64,
    min_std_deviation_us: u64,
    acceptable_pause_us: u64,
) -> Option<bool> {
    if window.is_empty() {
        return None;
    }
    let n = window.len() as i128;
    let sum: i128 = window.iter().map(|x| i128::from(*x)).sum();
    let squares: i128 = window.iter().map(|x| i128::from(*x) * i128::from(*x)).sum();
    let late = n * (i128::from(silent_us) - i128::from(acceptable_pause_us)) - sum;
    if late <= 0 {
        return Some(false);
    }
    let min = i128::from(min_std_deviation_us);
    let spread = (n * squares - sum * sum).max(n * n * min * min);
    let k = i128::from(k);
    Some(late.checked_mul(late)? > k.checked_mul(k)?.checked_mul(spread)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_keeps_the_latest_intervals_up_to_its_length() {
        let mut w = VecDeque::new();
        for i in 1..=5 {
            record_interval(&mut w, i * 10, 3);
        }
        assert_eq!(w, [30, 40, 50]);
    }

    #[test]
    fn the_deviations_rule_suspects_only_past_k_deviations_from_the_mean_plus_the_pause() {
        // Mean 50 ms, deviation 10 ms (intervals 40 and 60): with k = 3 the line is at 80 ms.
        let w = [40_000, 60_000];
        assert_eq!(
            deviations_rule(&w, 80_000, 3, 0, 0),
            Some(false),
            "exactly 3σ late"
        );
        assert_eq!(deviations_rule(&w, 80_001, 3, 0, 0), Some(true));
        // The pause moves the line by itself.
        assert_eq!(deviations_rule(&w, 80_001, 3, 0, 1), Some(false));
        // A floor under the deviation: 20 ms, so the line moves to 110 ms.
        assert_eq!(deviations_rule(&w, 100_000, 3, 20_000, 0), Some(false));
        assert_eq!(deviations_rule(&w, 110_001, 3, 20_000, 0), Some(true));
        // Before the mean, never.
        assert_eq!(deviations_rule(&w, 10, 0, 0, 0), Some(false));
        assert_eq!(deviations_rule(&[], 10, 0, 0, 0), None);
    }

    /// The mean of 3 intervals is not a whole number of µs here: the rule is exact, where
    /// dividing first would move the line.
    #[test]
    fn the_deviations_rule_does_not_round_the_mean() {
        let w = [50_000, 50_000, 50_001];
        // Mean 50_000.33, σ 0.47 µs, floor 0: with k = 0 anything past the mean is suspect.
        assert_eq!(deviations_rule(&w, 50_000, 0, 0, 0), Some(false));
        assert_eq!(deviations_rule(&w, 50_001, 0, 0, 0), Some(true));
    }
}
