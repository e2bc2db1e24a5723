//! The two generals' one safety property, as a value.
//!
//! | property | source | function |
//! | --- | --- | --- |
//! | agreement: both generals decide the same | Akkoyunlu, Ekanadham and Huber 1975; Gray 1978, "Notes on Data Base Operating Systems" (the generals paradox) | [`agreement`] |
//!
//! Agreement is what no protocol over a lossy link can guarantee while also attacking when every
//! message gets through (the validity half of the problem): holding together always agrees, and is
//! only timid.

use super::Decision;
use crate::actor::Violation;

/// The property's name, as violations report it.
pub const AGREEMENT: &str = "agreement";

/// Agreement: general A's and general B's decisions, once both are made, are the same.
pub fn agreement(a: Option<Decision>, b: Option<Decision>) -> Option<Violation> {
    match (a, b) {
        (Some(x), Some(y)) if x != y => Some(Violation {
            invariant: AGREEMENT.into(),
            detail: format!("general A decided {x:?} but general B decided {y:?}"),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn different_decisions_break_agreement_and_one_undecided_general_does_not() {
        assert!(agreement(Some(Decision::Attack), Some(Decision::Hold)).is_some());
        assert!(agreement(Some(Decision::Hold), Some(Decision::Hold)).is_none());
        assert!(agreement(Some(Decision::Attack), None).is_none());
    }
}
