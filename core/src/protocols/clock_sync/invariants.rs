//! The clock-synchronisation lab's safety property, as a value: last-writer-wins must not lose
//! the write made last.
//!
//! | property | source | function |
//! | --- | --- | --- |
//! | no lost update under last-writer-wins: the kept write is the one made last | Kleppmann, *Designing Data-Intensive Applications* (2017), ch. 8, "Timestamps for ordering events"; Lakshman and Malik 2010 (Cassandra resolves conflicts by timestamp) | [`lww_lost_update`] |
//!
//! The writes carry a token chain (each is made after the one before it in real time), so "made
//! last" is known exactly, and a store that keeps the write with the largest timestamp loses the
//! later one whenever its writer's clock is behind.

use super::{StoredWrite, SERVER};
use crate::actor::Violation;
use crate::time::LocalTime;

/// The property's name, as violations report it.
pub const LWW_LOST_UPDATE: &str = "lww-lost-update";

/// The store keeps `kept` and has received `newest` (the write made last): a violation if they
/// differ, naming both writes, their stamps and the clock to blame.
pub fn lww_lost_update(
    kept: Option<StoredWrite>,
    newest: Option<StoredWrite>,
) -> Option<Violation> {
    match (kept, newest) {
        (Some(k), Some(n)) if k.seq < n.seq => Some(Violation {
            invariant: LWW_LOST_UPDATE.into(),
            detail: format!(
                "{SERVER} keeps x = {} (write #{} by {}, stamped {}), but write #{} by {} (x = {}) was made after it and was discarded: its stamp {} is older because {}'s clock is behind",
                k.value,
                k.seq,
                k.writer,
                LocalTime(k.ts_us),
                n.seq,
                n.writer,
                n.value,
                LocalTime(n.ts_us),
                n.writer
            ),
        }),
        _ => None,
    }
}
