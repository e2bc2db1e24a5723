//! The lab worker: every live run of the page, simulated off the page's thread. It receives
//! postcard-encoded [`netsplit_core::lab_host::LabRequest`]s and answers each with a frame to
//! draw ([`netsplit_core::lab_host::LabHost`]). The page starts it when its first live cluster
//! opens; its wasm carries the simulator and every protocol, so the page's does not.

use netsplit_core::lab_host::{LabHost, LabReply};
use std::cell::RefCell;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn post(scope: &DedicatedWorkerGlobalScope, bytes: &[u8]) {
    let _ = scope.post_message(&js_sys::Uint8Array::from(bytes));
}

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let host = RefCell::new(LabHost::new());
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |e: MessageEvent| {
        let bytes = js_sys::Uint8Array::new(&e.data()).to_vec();
        if let Some(reply) = host.borrow_mut().handle_bytes(&bytes) {
            post(&reply_scope, &reply);
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    if let Ok(ready) = postcard::to_allocvec(&LabReply::Ready) {
        post(&scope, &ready);
    }
}
