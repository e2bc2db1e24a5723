//! Checkers: functions that read what a run did and say whether it kept a promise.
//!
//! A checker returns data (a verdict, the evidence, a sentence a learner can read) and never
//! panics, whatever it is given: a broken history is a finding to show, not a crash. Checkers
//! are bounded by a budget counted in their own steps, never by a clock, so the same input
//! gives the same answer natively and in the browser, and a hard input gives "unknown" instead
//! of a hang.
//!
//! - [`model`]: what a sequential object does (Porcupine's `Model`).
//! - [`models`]: register, compare-and-set register (etcd), key-value store, set, counter.
//! - [`linearizability`]: is a concurrent [`crate::history`] explained by some sequential
//!   order that respects real time? (Wing and Gong's search with Lowe's cache, as Porcupine.)
//! - [`text`]: a history as a learner brings it (Porcupine's JSON, Jepsen's EDN or etcd log),
//!   recognised, checked and reported for the history view.
//! - [`bench`](mod@bench): times the checker on Porcupine's own test histories.

pub mod bench;
pub mod linearizability;
pub mod model;
pub mod models;
pub mod text;
