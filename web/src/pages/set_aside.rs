//! The record set aside when the saved progress could not be read: the progress panel offers to
//! restore what of it can be read, to download it, or to discard it, so nothing is lost silently.

use super::progress_panel::{download, summary};
use crate::progress::Progress;
use crate::saved::{self, use_progress, ProgressAction};
use yew::prelude::*;

/// The name a set-aside record is downloaded under.
const SET_ASIDE_FILE: &str = "netsplit-progress-set-aside.txt";

/// Restore, download or discard the set-aside record; nothing when there is none.
#[function_component(SetAside)]
pub fn set_aside() -> Html {
    let progress = use_progress();
    // Read from storage once; restoring or discarding clears it.
    let text = use_state(saved::set_aside);
    let message = use_state(|| None::<String>);
    let (Some(progress), Some(record)) = (progress, (*text).clone()) else {
        return html! {};
    };
    let restore = {
        let (text, record) = (text.clone(), record.clone());
        Callback::from(move |_: MouseEvent| {
            let (found, notes) = Progress::salvage(&record);
            let mut notice = format!("Restored from the set-aside record: {}.", summary(&found));
            if let Some((line, why)) = notes.skipped.first() {
                notice.push_str(&format!(
                    " {} line(s) could not be read and were left out (line {line}: {why}).",
                    notes.skipped.len()
                ));
            }
            notice.push_str(" What this browser already had is kept where both had something.");
            progress.dispatch(ProgressAction::Restore(found, notice));
            saved::drop_set_aside();
            text.set(None);
        })
    };
    let save_copy = {
        let (record, message) = (record.clone(), message.clone());
        Callback::from(move |_: MouseEvent| {
            message.set(Some(match download(SET_ASIDE_FILE, &record) {
                Ok(()) => format!("Downloaded as {SET_ASIDE_FILE}."),
                Err(e) => format!("The download failed: {e}"),
            }));
        })
    };
    let discard = {
        let text = text.clone();
        Callback::from(move |_: MouseEvent| {
            saved::drop_set_aside();
            text.set(None);
        })
    };
    let kb = record.len().div_ceil(1024);
    html! {
        <div class="set-aside" data-testid="set-aside" role="group" aria-label="Set-aside record">
            <p>{format!("A saved record that could not be read was set aside ({kb} KB). Restore what of it can be read, download it, or discard it.")}</p>
            <div class="row">
                <button onclick={restore} data-testid="restore-set-aside">{"Restore what can be read"}</button>
                <button onclick={save_copy}>{"Download it"}</button>
                <button class="danger" onclick={discard} data-testid="discard-set-aside">{"Discard it"}</button>
            </div>
            if let Some(m) = &*message {
                <p role="status">{m.clone()}</p>
            }
        </div>
    }
}
