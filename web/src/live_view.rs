//! What the page asks its live views to show in a slot: a cluster, an exercise, a measured table,
//! the playground or the benchmark. The page encodes it (postcard) and the live module
//! ([`crate::live_root`]) decodes and draws it; the page's own wasm draws none of these.

use netsplit_core::Scenario;
use netsplit_lessons::{Exercise, Sealed};
use serde::{Deserialize, Serialize};

/// One live view and everything it needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum LiveView {
    /// A live cluster running a scenario.
    Cluster {
        /// The run, sealed by the lesson's build (the page reads no scenario).
        scenario: Sealed<Scenario>,
        /// Its id, for tests and links.
        id: String,
        /// Its heading.
        title: String,
        /// What to try.
        description: String,
        /// What its region is called, if not "Live cluster".
        region: Option<String>,
    },
    /// An exercise with its editor, grader and replays.
    Exercise {
        /// The exercise's id.
        id: String,
        /// The exercise, sealed by the lesson's build.
        exercise: Sealed<Exercise>,
        /// The learner's code as last saved.
        saved_code: Option<String>,
    },
    /// A table measured over many seeds.
    Measure {
        /// The measurement's id.
        id: String,
    },
    /// The playground page, or a shared run (`link`, the text after `#/run/`).
    Playground {
        /// The shared link, if any.
        link: Option<String>,
    },
    /// The benchmark page.
    Bench,
    /// The history checker's page.
    HistoryCheck,
}

impl LiveView {
    /// True if the view shows a live run, so that the lab worker should start with it.
    pub fn needs_lab(&self) -> bool {
        !matches!(self, LiveView::Bench | LiveView::HistoryCheck)
    }
}
