//! The learner's progress on the course map: export to a file, import it back, erase it.

use super::set_aside::SetAside;
use crate::progress::Progress;
use crate::saved::{use_progress, ProgressAction};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

/// The name an export is saved under.
const EXPORT_FILE: &str = "netsplit-progress.txt";

/// Offers `text` to the browser as a download named `name`.
pub(super) fn download(name: &str, text: &str) -> Result<(), String> {
    let fail = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/plain");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(fail)?
        .dyn_into()
        .map_err(|_| "not an anchor".to_string())?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// What an import found, in words.
pub(super) fn summary(p: &Progress) -> String {
    format!(
        "{} lesson(s) visited, {} quiz answer(s), {} exercise(s) graded, code for {} exercise(s)",
        p.visited.len(),
        p.answers.len(),
        p.exercises.len(),
        p.code.len()
    )
}

/// Export, import and reset.
#[function_component(ProgressPanel)]
pub fn progress_panel() -> Html {
    let Some(progress) = use_progress() else {
        return html! {};
    };
    let message = use_state(|| None::<(bool, String)>);
    let confirming = use_state(|| false);
    let export = {
        let (progress, message) = (progress.clone(), message.clone());
        Callback::from(move |_: MouseEvent| {
            let text = progress.progress.to_text();
            message.set(Some(match download(EXPORT_FILE, &text) {
                Ok(()) => (true, format!("Exported to {EXPORT_FILE}.")),
                Err(e) => (false, format!("The export failed: {e}")),
            }));
        })
    };
    let import = {
        let (progress, message) = (progress.clone(), message.clone());
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            let (progress, message) = (progress.clone(), message.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let text = JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|v| v.as_string());
                let Some(text) = text else {
                    message.set(Some((
                        false,
                        "That file could not be read; nothing was changed.".into(),
                    )));
                    return;
                };
                match Progress::from_text(&text) {
                    Err(e) => message.set(Some((
                        false,
                        format!("Not imported: {e}. Nothing was changed."),
                    ))),
                    Ok((p, notes)) => {
                        let mut notice = format!("Imported {}: {}.", file.name(), summary(&p));
                        if let Some((line, why)) = notes.skipped.first() {
                            notice.push_str(&format!(
                                " {} damaged line(s) were skipped (line {line}: {why}).",
                                notes.skipped.len()
                            ));
                        }
                        message.set(None);
                        progress.dispatch(ProgressAction::Import(p, notice));
                    }
                }
            });
        })
    };
    let ask = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(true))
    };
    let cancel = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(false))
    };
    let reset = {
        let (progress, confirming) = (progress.clone(), confirming.clone());
        Callback::from(move |_: MouseEvent| {
            confirming.set(false);
            progress.dispatch(ProgressAction::Reset);
        })
    };
    html! {
        <section class="progress-panel" data-testid="progress-panel" aria-label="Your progress">
            <h2>{"Your progress"}</h2>
            <p class="muted">{"Kept in this browser only. Export it to move it to another browser or keep a copy."}</p>
            <div class="row">
                <button onclick={export} data-testid="export">{"Export to a file"}</button>
                <label class="button">{"Import a file"}
                    <input type="file" accept=".txt,text/plain" class="sr-only" onchange={import} data-testid="import" />
                </label>
                if *confirming {
                    <span role="alert">{"Erase all your progress, answers and code? "}</span>
                    <button class="danger" onclick={reset} data-testid="reset-confirm">{"Yes, erase it"}</button>
                    <button onclick={cancel}>{"Keep it"}</button>
                } else {
                    <button onclick={ask} disabled={progress.progress.is_empty()} data-testid="reset">{"Reset…"}</button>
                }
            </div>
            if let Some((ok, m)) = &*message {
                <p class={if *ok { "ok" } else { "error" }} role="status" data-testid="progress-message">{m.clone()}</p>
            }
            <SetAside />
        </section>
    }
}
