//! Clock sync's runs: last-writer-wins losing a write on an unsynced clock, and kept by sync.

use super::ClockSyncParams;
use crate::clock::ClockSetting;
use crate::id::NodeId;
use crate::net::NetConfig;
use crate::rng::Ratio;
use crate::scenario::{ProtocolSpec, Scenario};

/// Last-writer-wins losing a write: n0 stores `x`, n1 writes first, then passes the token to
/// n2, whose clock is 80 ms behind and never synced. n2's write happens after n1's (it waits for
/// the token) yet is stamped earlier, so the store keeps n1's older value: `lww-lost-update`.
///
/// Every seed shows it: the token takes `write_gap_us` (40 ms) plus at most 15 ms to reach n2,
/// well under the 80 ms n2 lags by.
pub fn lww_lost_write(seed: u64) -> Scenario {
    Scenario {
        protocol: ProtocolSpec::ClockSync(ClockSyncParams {
            sync_every_us: 0,
            first_write_us: 100_000,
            write_gap_us: 40_000,
            writes: 6,
        }),
        ..lww_synced(seed)
    }
}

/// [`lww_lost_write`] with Cristian sync every 100 ms: no write is lost.
///
/// Each client's estimate is within half a round trip (at most 15 ms here) of n0's clock, so two
/// clients disagree by at most 30 ms, less than the 45 ms or more between two chained writes. The
/// clocks do not drift, so an estimate does not go stale between syncs.
pub fn lww_synced(seed: u64) -> Scenario {
    Scenario {
        protocol: ProtocolSpec::ClockSync(ClockSyncParams {
            sync_every_us: 100_000,
            first_write_us: 100_000,
            write_gap_us: 40_000,
            writes: 6,
        }),
        nodes: 3,
        seed,
        network: NetConfig {
            latency_us_min: 5_000,
            latency_us_max: 15_000,
            drop: Ratio::ZERO,
            duplicate: Ratio::ZERO,
        },
        clocks: vec![ClockSetting {
            node: NodeId(2),
            skew_us: -80_000,
            drift_ppm: 0,
        }],
        faults: Vec::new(),
        duration_us: 1_000_000,
        max_steps: 10_000,
    }
}
