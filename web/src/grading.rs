//! The messages between the page and the grading worker.
//!
//! Grading runs learner code under Rhai in Web Workers so the page never freezes, and so the
//! grader's wasm (with Rhai) is only downloaded when an exercise opens. A grade is split across
//! several workers, one shard each ([`netsplit_core::exercise::shard`]); the page merges their
//! reports into the one report a single worker would have written.
//! Messages are postcard-encoded bytes (compact, and little code to decode).

use netsplit_core::exercise::shard::{Shard, ShardReport};
use serde::{Deserialize, Serialize};

/// The worker's loader script (trunk names workers after their binary, without a hash).
pub const WORKER_URL: &str = "./grader-worker_loader.js";

/// Page → worker: grade this shard of this code's grade.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeRequest {
    /// Matches the reply to the request.
    pub id: u64,
    /// Which exercise (for messages).
    pub exercise: String,
    /// Its cases: the page has the exercise from the lesson it fetched, so the worker embeds none.
    pub spec: netsplit_core::exercise::ExerciseSpec,
    /// The learner's code.
    pub code: String,
    /// Which part of the grade this worker does.
    pub shard: Shard,
}

/// Worker → page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum WorkerReply {
    /// The worker has loaded and can grade.
    Ready,
    /// Cases and schedules of this worker's shard done so far, out of the shard's total.
    Progress {
        /// The request this is about.
        id: u64,
        /// Done.
        done: u32,
        /// In all.
        total: u32,
    },
    /// The shard's finished report.
    Done {
        /// The request this is about.
        id: u64,
        /// What the shard found.
        report: Box<ShardReport>,
        /// How long the shard took, in milliseconds (measured in the worker).
        elapsed_ms: f64,
    },
    /// The request could not be graded (an unknown exercise, a malformed request).
    Failed {
        /// The request this is about.
        id: u64,
        /// Why.
        message: String,
    },
}
