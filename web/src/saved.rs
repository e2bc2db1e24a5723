//! The learner's progress as the app holds it: loaded once from the browser's storage (recovering
//! or migrating what it finds, with a notice), changed only through [`ProgressAction`]s, and
//! written back by the app whenever it changes.

use crate::progress::{ExerciseStatus, Progress, MAX_CODE_BYTES};
use crate::storage;
use netsplit_lessons::quiz::Answer;
use std::rc::Rc;
use yew::prelude::*;

/// Where the progress text lives (under the storage prefix).
pub const KEY: &str = "progress";
/// [`KEY`] with the storage prefix, as storage events name it.
pub const FULL_KEY: &str = "netsplit.v1.progress";
/// Where an unreadable progress text is kept, so nothing is lost.
pub const DAMAGED_KEY: &str = "progress.damaged";
/// The keys the first version kept exercise code under (`code.<exercise id>`).
const LEGACY_CODE_PREFIX: &str = "code.";

/// Progress plus what the learner should be told about it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SavedProgress {
    /// What is remembered.
    pub progress: Progress,
    /// A message about recovery, migration, import or reset, until dismissed.
    pub notice: Option<String>,
}

/// A change to the progress.
pub enum ProgressAction {
    /// A lesson was opened.
    Visit(String),
    /// A quiz item was answered (scope, item id, answer).
    Answer(String, String, Answer),
    /// A quiz item's answer was withdrawn, to try again.
    Retry(String, String),
    /// An exercise was graded.
    Graded(String, ExerciseStatus),
    /// An exercise's code was edited. Code over [`MAX_CODE_BYTES`] is not kept (the exercise
    /// says so where it is typed), so the last version under the cap stays saved.
    Code(String, String),
    /// Another tab saved this progress text; it replaces this tab's copy if it reads.
    Sync(String),
    /// An imported file replaces everything.
    Import(Progress, String),
    /// What could be read of the set-aside record is added where this record has nothing.
    Restore(Progress, String),
    /// Everything is erased (the learner confirmed).
    Reset,
    /// Something the learner should be told about their progress.
    Notice(String),
    /// The notice was read.
    Dismiss,
}

impl Reducible for SavedProgress {
    type Action = ProgressAction;

    fn reduce(self: Rc<Self>, action: ProgressAction) -> Rc<Self> {
        let mut next = (*self).clone();
        let p = &mut next.progress;
        match action {
            ProgressAction::Visit(slug) => {
                if p.last_lesson.as_deref() == Some(slug.as_str()) && p.visited.contains(&slug) {
                    return self;
                }
                p.visit(&slug);
            }
            ProgressAction::Answer(scope, item, answer) => {
                p.answers
                    .insert(Progress::answer_key(&scope, &item), answer);
            }
            ProgressAction::Retry(scope, item) => {
                p.answers.remove(&Progress::answer_key(&scope, &item));
            }
            ProgressAction::Graded(id, status) => {
                p.exercises.insert(id, status);
            }
            ProgressAction::Code(id, code) => {
                if code.len() > MAX_CODE_BYTES {
                    return self;
                }
                p.code.insert(id, code);
            }
            ProgressAction::Sync(text) => match Progress::from_text(&text) {
                Ok((synced, _)) if synced != next.progress => next.progress = synced,
                _ => return self,
            },
            ProgressAction::Import(imported, notice) => {
                next.progress = imported;
                next.notice = Some(notice);
            }
            ProgressAction::Restore(restored, notice) => {
                p.add_missing(restored);
                next.notice = Some(notice);
            }
            ProgressAction::Reset => {
                next.progress = Progress::default();
                next.notice = Some("Your progress was erased.".into());
            }
            ProgressAction::Notice(notice) => next.notice = Some(notice),
            ProgressAction::Dismiss => next.notice = None,
        }
        Rc::new(next)
    }
}

/// The handle components use to read and change the progress.
pub type ProgressHandle = UseReducerHandle<SavedProgress>;

/// The progress the app provides, or an empty one outside the app (a widget on its own).
#[hook]
pub fn use_progress() -> Option<ProgressHandle> {
    use_context::<ProgressHandle>()
}

/// Loads the progress from storage. Never fails: damaged lines are skipped, an unreadable
/// record is set aside under [`DAMAGED_KEY`], and code saved by the first version is carried
/// over; each case leaves a notice.
pub fn load() -> SavedProgress {
    match storage::get(KEY) {
        Some(text) => recover(&text),
        None => migrate_legacy(),
    }
}

/// Reads a stored progress text, keeping what can be kept.
pub fn recover(text: &str) -> SavedProgress {
    match Progress::from_text(text) {
        Ok((progress, notes)) if notes.skipped.is_empty() => SavedProgress {
            progress,
            notice: None,
        },
        Ok((progress, notes)) => {
            storage::set(DAMAGED_KEY, text);
            let (line, why) = &notes.skipped[0];
            SavedProgress {
                progress,
                notice: Some(format!(
                    "Part of your saved progress was damaged: {} line(s) could not be read and were skipped (line {line}: {why}). Everything else is restored; the original is kept aside (see Your progress, on the course page).",
                    notes.skipped.len()
                )),
            }
        }
        Err(e) => {
            storage::set(DAMAGED_KEY, text);
            SavedProgress {
                progress: Progress::default(),
                notice: Some(format!(
                    "Your saved progress could not be read ({e}). It was kept aside, and a fresh record started: Your progress, on the course page, can restore what of it can be read."
                )),
            }
        }
    }
}

/// Moves code saved by the first version (one key per exercise) into the progress record.
fn migrate_legacy() -> SavedProgress {
    let mut progress = Progress::default();
    let keys = storage::keys_starting(LEGACY_CODE_PREFIX);
    for key in &keys {
        if let Some(code) = storage::get(key) {
            let id = key[LEGACY_CODE_PREFIX.len()..].to_string();
            progress.code.insert(id, code);
        }
    }
    if keys.is_empty() {
        return SavedProgress::default();
    }
    if storage::set(KEY, &progress.to_text()) {
        for key in &keys {
            storage::remove(key);
        }
    }
    SavedProgress {
        notice: Some(format!(
            "Your saved code for {} exercise(s) was carried over into the new progress record.",
            progress.code.len()
        )),
        progress,
    }
}

/// What writing the progress back did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Saved {
    /// All of it is stored.
    Whole,
    /// Storage refused the whole record; it holds everything but these exercises' code.
    WithoutCode(Vec<String>),
    /// Storage refused even that (private mode, storage off or full).
    Refused,
}

/// Writes the progress back. If storage refuses the record, the rest of it is written without
/// its code, the largest left out first and one at a time until storage takes it (so one entry
/// never costs the others).
pub fn save(progress: &Progress) -> Saved {
    if storage::set(KEY, &progress.to_text()) {
        return Saved::Whole;
    }
    let mut kept = progress.clone();
    let mut dropped = Vec::new();
    for id in progress.code_largest_first() {
        kept.code.remove(&id);
        dropped.push(id);
        if storage::set(KEY, &kept.to_text()) {
            return Saved::WithoutCode(dropped);
        }
    }
    Saved::Refused
}

/// The record set aside because it could not be read, if there is one.
pub fn set_aside() -> Option<String> {
    storage::get(DAMAGED_KEY)
}

/// Forgets the set-aside record (restored or discarded).
pub fn drop_set_aside() {
    storage::remove(DAMAGED_KEY);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_storage_event_key_is_the_prefixed_key() {
        assert_eq!(FULL_KEY, format!("{}{KEY}", storage::PREFIX));
    }
}
