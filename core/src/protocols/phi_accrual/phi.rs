//! The suspicion level φ of the accrual failure detector (Hayashibara, Défago, Yared and
//! Katayama 2004), computed as Akka's `PhiAccrualFailureDetector` does.
//!
//! From the inter-arrival times of a peer's heartbeats the detector estimates their mean μ and
//! standard deviation σ; after `t` of silence, φ(t) = −log10(1 − F(t)), where F is the normal
//! distribution's CDF with that mean and deviation. φ = 1 means about a 10% chance that a
//! heartbeat is still coming, φ = 8 one in a hundred million. Akka approximates F with a
//! logistic function (Bowling et al. 2009), which this follows; at two and three deviations past
//! the mean its φ is within 0.005 and 0.05 of the exact normal tail's (tested below).
//!
//! φ decides whether a node is suspected, so it must come out the same natively and in wasm:
//! `exp` and `log10` come from the `libm` crate (one implementation on every target, where the
//! standard library defers to each platform's), and the rest is IEEE basic arithmetic, which is
//! exact the same everywhere. The golden digests of the phi-accrual runs, checked natively and
//! in the browser tests, show it.

/// How a window of heartbeat intervals is summarised, in microseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IntervalStats {
    /// The mean interval, plus the acceptable pause (Akka adds it to the mean).
    pub mean_us: f64,
    /// The standard deviation, at least the configured minimum.
    pub std_deviation_us: f64,
}

/// The mean and (population) standard deviation of `intervals_us`, with `acceptable_pause_us`
/// added to the mean and the deviation raised to `min_std_deviation_us`; `None` for an empty
/// window (no interval seen yet).
pub fn interval_stats(
    intervals_us: &[u64],
    min_std_deviation_us: u64,
    acceptable_pause_us: u64,
) -> Option<IntervalStats> {
    if intervals_us.is_empty() {
        return None;
    }
    let n = intervals_us.len() as f64;
    let mean = intervals_us.iter().map(|i| *i as f64).sum::<f64>() / n;
    let variance = intervals_us
        .iter()
        .map(|i| {
            let d = *i as f64 - mean;
            d * d
        })
        .sum::<f64>()
        / n;
    Some(IntervalStats {
        mean_us: mean + acceptable_pause_us as f64,
        std_deviation_us: libm::sqrt(variance).max(min_std_deviation_us.max(1) as f64),
    })
}

/// φ after `silent_us` of silence, given the window's statistics: Akka's formula, which is
/// −log10 of the logistic approximation of the normal tail. Never negative, never NaN; it
/// grows with the silence and saturates (at about 308) instead of overflowing.
pub fn phi(silent_us: u64, stats: IntervalStats) -> f64 {
    let y = (silent_us as f64 - stats.mean_us) / stats.std_deviation_us;
    let e = libm::exp(-y * (1.5976 + 0.070566 * y * y));
    let p = if silent_us as f64 > stats.mean_us {
        e / (1.0 + e)
    } else {
        1.0 - 1.0 / (1.0 + e)
    };
    // p underflows to 0 after a very long silence: the least positive double keeps φ finite.
    let phi = -libm::log10(p.max(f64::MIN_POSITIVE));
    if phi > 0.0 {
        phi
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(mean_us: f64, std_deviation_us: f64) -> IntervalStats {
        IntervalStats {
            mean_us,
            std_deviation_us,
        }
    }

    #[test]
    fn phi_at_the_mean_is_log10_of_two() {
        // F(μ) = 1/2, so φ = −log10(1/2).
        let v = phi(100_000, stats(100_000.0, 10_000.0));
        assert!((v - libm::log10(2.0)).abs() < 1e-9, "{v}");
    }

    #[test]
    fn phi_grows_with_silence_and_stays_finite() {
        let s = stats(100_000.0, 10_000.0);
        let mut last = -1.0;
        for silent_us in (0..2_000_000).step_by(10_000) {
            let v = phi(silent_us, s);
            assert!(v.is_finite() && v >= 0.0, "{silent_us}: {v}");
            assert!(v >= last, "φ fell from {last} to {v} at {silent_us}");
            last = v;
        }
        assert!(last > 300.0, "a long silence saturates near 308: {last}");
    }

    #[test]
    fn phi_matches_the_normal_tail_within_the_approximation() {
        // Two deviations past the mean: 1 − F = 0.02275, φ = 1.643.
        let v = phi(120_000, stats(100_000.0, 10_000.0));
        assert!((v - 1.643).abs() < 0.005, "{v}");
        // Three deviations: 1 − F = 0.00135, φ = 2.870.
        let v = phi(130_000, stats(100_000.0, 10_000.0));
        assert!((v - 2.870).abs() < 0.05, "{v}");
    }

    #[test]
    fn a_steady_window_uses_the_minimum_deviation_and_adds_the_acceptable_pause() {
        let s = interval_stats(&[50_000; 8], 5_000, 0).expect("a window");
        assert_eq!(s.mean_us, 50_000.0);
        assert_eq!(s.std_deviation_us, 5_000.0);
        let s = interval_stats(&[40_000, 60_000], 1, 30_000).expect("a window");
        assert_eq!(s.mean_us, 80_000.0);
        assert_eq!(s.std_deviation_us, 10_000.0);
        assert_eq!(interval_stats(&[], 1, 0), None);
        // A zero minimum still never divides by zero.
        let s = interval_stats(&[50_000; 4], 0, 0).expect("a window");
        assert!(phi(60_000, s).is_finite());
    }
}
