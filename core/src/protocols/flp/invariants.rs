//! The safety properties of consensus, checked after every step: FLP is about termination, and a
//! run the adversary keeps undecided must still never break these.

use crate::actor::Violation;
use crate::id::NodeId;

/// Agreement: no two processes decide differently. `decisions` are `(process, value)`.
pub fn agreement(decisions: &[(NodeId, u8)]) -> Option<Violation> {
    let (first, v) = *decisions.first()?;
    let (other, w) = *decisions.iter().find(|(_, w)| *w != v)?;
    Some(Violation {
        invariant: "agreement".into(),
        detail: format!("{first} decided {v} but {other} decided {w}"),
    })
}

/// Validity: a decided value is some process's input. `inputs` are indexed by process.
pub fn validity(decisions: &[(NodeId, u8)], inputs: &[u8]) -> Option<Violation> {
    let (who, v) = decisions.iter().find(|(_, v)| !inputs.contains(v))?;
    Some(Violation {
        invariant: "validity".into(),
        detail: format!("{who} decided {v}, which was nobody's input"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agreement_names_the_two_processes_that_differ() {
        assert_eq!(agreement(&[(NodeId(0), 1), (NodeId(2), 1)]), None);
        let v = agreement(&[(NodeId(0), 1), (NodeId(2), 0)]).unwrap();
        assert_eq!(v.detail, "n0 decided 1 but n2 decided 0");
    }

    #[test]
    fn validity_rejects_a_value_nobody_proposed() {
        assert_eq!(validity(&[(NodeId(1), 0)], &[0, 1, 1]), None);
        let v = validity(&[(NodeId(1), 0)], &[1, 1, 1]).unwrap();
        assert_eq!(v.invariant, "validity");
    }
}
