//! The rules a hybrid logical clock follows (Kulkarni et al. 2014, Fig. 5), pluggable so an
//! exercise runs a learner's in the same cluster, and the paper's as the reference.

use super::HlcTime;

/// The rules a hybrid logical clock follows. The reference implements them; an exercise runs a learner's.
pub trait HlcRules {
    /// The clock after a local event or a send, given the physical clock reading `pt` (µs).
    fn send(&self, now: HlcTime, pt: i64) -> HlcTime;
    /// The clock after receiving a message stamped `msg`, given the physical clock reading `pt`.
    fn receive(&self, now: HlcTime, msg: HlcTime, pt: i64) -> HlcTime;
}

/// The paper's algorithm (Kulkarni et al. 2014, Fig. 5).
pub struct ReferenceRules;

impl HlcRules for ReferenceRules {
    fn send(&self, now: HlcTime, pt: i64) -> HlcTime {
        let l = now.l.max(pt);
        let c = if l == now.l {
            now.c.saturating_add(1)
        } else {
            0
        };
        HlcTime { l, c }
    }

    fn receive(&self, now: HlcTime, msg: HlcTime, pt: i64) -> HlcTime {
        let l = now.l.max(msg.l).max(pt);
        let c = if l == now.l && l == msg.l {
            now.c.max(msg.c).saturating_add(1)
        } else if l == now.l {
            now.c.saturating_add(1)
        } else if l == msg.l {
            msg.c.saturating_add(1)
        } else {
            0
        };
        HlcTime { l, c }
    }
}
