//! The history checker's worker: "check your own history". It receives a history as text
//! (Porcupine's JSON, Jepsen's EDN or an etcd log), checks it for linearizability
//! ([`netsplit_core::check::text`]) and answers with the postcard bytes of
//! `Result<HistoryReport, String>`. A worker of its own, so that a hard history never stops the
//! page (the search is bounded by its step budget, and the page can stop the worker sooner),
//! and so that the JSON reader it needs stays out of the page and the lab; it loads only where a
//! history is checked.

use netsplit_core::check::linearizability::DEFAULT_BUDGET_STEPS;
use netsplit_core::check::text::{check_text, HistoryReport};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |e: MessageEvent| {
        let result: Result<HistoryReport, String> = match e.data().as_string() {
            Some(text) => check_text(&text, DEFAULT_BUDGET_STEPS).map_err(|e| e.to_string()),
            None => Err("the page sent something other than text".into()),
        };
        if let Ok(bytes) = postcard::to_allocvec(&result) {
            let _ = reply_scope.post_message(&js_sys::Uint8Array::from(&bytes[..]));
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    // Ready: the page sends the history only now, since a message sent before the wasm has
    // started would be lost.
    let _ = scope.post_message(&"ready".into());
}
