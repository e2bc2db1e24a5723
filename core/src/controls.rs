//! Controls and node actions as data: what a protocol lets a learner do to a live run, declared by
//! the protocol and drawn by the page, which never names a protocol.
//!
//! A control edits one parameter (a number or a toggle: the run is rebuilt from its seed with the
//! new value) or injects something into the run now (a button: a client's request, say). A node
//! action is a button in one node's inspector ("time out now" is Raft's). Each carries what to do
//! as data: the fault a button injects, or the id the protocol reads back in
//! [`crate::Lab::set_control`].

use crate::fault::Fault;
use std::borrow::Cow;

/// A control's fixed text: the protocols' literals, owned once it has crossed to the page.
pub type Text = Cow<'static, str>;

/// A control shown beside a protocol's cluster.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Control {
    /// A number field that edits a parameter; the run restarts from its seed with the new value.
    Number {
        /// Names the control (also its `data-testid` in the page).
        id: Text,
        /// What it edits, shown beside it.
        label: Text,
        /// The least value the protocol accepts.
        min: u32,
        /// The largest value the protocol accepts.
        max: u32,
        /// The value now.
        value: u32,
    },
    /// A checkbox that edits a parameter; the run restarts from its seed with the new value.
    Toggle {
        /// Names the control (also its `data-testid` in the page).
        id: Text,
        /// What it turns on, shown beside it.
        label: Text,
        /// True if on now.
        on: bool,
    },
    /// A button that injects a fault or an outside request into the run now.
    Button {
        /// Names the control (also its `data-testid` in the page).
        id: Text,
        /// Its text.
        label: String,
        /// What it does, in a sentence (the tooltip).
        title: Text,
        /// What pressing it injects.
        fault: Fault,
    },
}

/// A button in one node's inspector.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NodeAction {
    /// Names the action (also its `data-testid` in the page).
    pub id: Text,
    /// Its text.
    pub label: Text,
    /// What it does, in a sentence (the tooltip).
    pub title: Text,
    /// What pressing it injects.
    pub fault: Fault,
}
