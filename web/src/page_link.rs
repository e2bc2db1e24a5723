//! The live views' way back to the page: they run in their own wasm module (`live`), while the
//! learner's progress lives in the page's. A live view sends [`PageMessage`]s through the
//! [`PageLink`] its root provides; the page's slot ([`crate::live_slot`]) turns them into
//! progress actions.

use serde::{Deserialize, Serialize};
use yew::prelude::*;

/// What a live view tells the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PageMessage {
    /// The learner's code for an exercise changed (or a shared link's code was loaded into it).
    Code {
        /// The exercise's id.
        exercise: String,
        /// The code, whole.
        code: String,
    },
    /// An exercise was graded.
    Graded {
        /// The exercise's id.
        exercise: String,
        /// True if every case passed.
        passed: bool,
    },
}

/// Where a live view's messages go (a context the live root provides).
#[derive(Clone, PartialEq)]
pub struct PageLink(pub Callback<PageMessage>);

impl PageLink {
    /// Tells the page.
    pub fn send(&self, message: PageMessage) {
        self.0.emit(message);
    }
}

/// The link to the page, if this view was mounted with one (tests mount views without).
#[hook]
pub fn use_page_link() -> Option<PageLink> {
    use_context::<PageLink>()
}
