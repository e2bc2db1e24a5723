//! The replicated log (Raft §5.3): entries, each a command stamped with the term in which a leader
//! received it.
//!
//! Index and term together name an entry: the Log Matching Property (§5.3) says two logs that
//! hold an entry with the same index and term agree on everything up to it, which is what lets
//! `AppendEntries` check one entry and trust the rest.

use crate::id::NodeId;
use std::fmt;

/// What a log entry asks the state machine to do.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    /// Nothing: a new leader's first entry (§8).
    Noop,
    /// Set `key` to `value`, the `seq`-th command of `client`.
    Put {
        /// Which key.
        key: char,
        /// Its new value.
        value: i64,
        /// Who asked.
        client: NodeId,
        /// The client's sequence number, so a retried command is applied once.
        seq: u64,
    },
    /// Read `key`, the `seq`-th command of `client`: a read through the log, answered with the
    /// value when the entry is applied, is linearizable (§8) at the cost of a log entry.
    Get {
        /// Which key.
        key: char,
        /// Who asked.
        client: NodeId,
        /// The client's sequence number.
        seq: u64,
    },
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Noop => write!(f, "noop"),
            Command::Put { key, value, .. } => write!(f, "{key}={value}"),
            Command::Get { key, .. } => write!(f, "get {key}"),
        }
    }
}

/// One log entry: a command and the term in which a leader received it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Entry {
    /// The leader's term when the entry was created.
    pub term: u64,
    /// What to apply.
    pub command: Command,
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t{} {}", self.term, self.command)
    }
}

/// A server's log: entries that can only be appended or cut off at the end.
///
/// Those are the only two changes Raft makes to a log, and keeping them behind this type lets the
/// checkers follow a log step by step: a log whose `truncations` count is unchanged has only grown.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Log {
    entries: Vec<Entry>,
    truncations: u64,
}

impl Log {
    /// Appends one entry.
    pub fn push(&mut self, entry: Entry) {
        self.entries.push(entry);
    }

    /// Appends entries.
    pub fn extend_from_slice(&mut self, entries: &[Entry]) {
        self.entries.extend_from_slice(entries);
    }

    /// Keeps the first `len` entries (counted as a truncation only if something is removed).
    pub fn truncate(&mut self, len: usize) {
        if len < self.entries.len() {
            self.entries.truncate(len);
            self.truncations += 1;
        }
    }

    /// How many times entries were removed from the end.
    pub fn truncations(&self) -> u64 {
        self.truncations
    }

    /// Index of the last entry (0 for an empty log).
    pub fn last_index(&self) -> u64 {
        self.entries.len() as u64
    }

    /// Term of the last entry (0 for an empty log).
    pub fn last_term(&self) -> u64 {
        self.entries.last().map_or(0, |e| e.term)
    }
}

impl std::ops::Deref for Log {
    type Target = [Entry];
    fn deref(&self) -> &[Entry] {
        &self.entries
    }
}

impl From<Vec<Entry>> for Log {
    fn from(entries: Vec<Entry>) -> Self {
        Log {
            entries,
            truncations: 0,
        }
    }
}
