//! The grading worker: receives [`GradeRequest`]s, grades the shard each names with the
//! sandboxed grader, and posts progress and the shard's report back. Built only with feature
//! `grader`; the page runs several.

use netsplit_core::grade::Grader;
use netsplit_web::grading::{GradeRequest, WorkerReply};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn post(scope: &DedicatedWorkerGlobalScope, reply: &WorkerReply) {
    if let Ok(bytes) = postcard::to_allocvec(reply) {
        let _ = scope.post_message(&js_sys::Uint8Array::from(&bytes[..]));
    }
}

fn now_ms(scope: &DedicatedWorkerGlobalScope) -> f64 {
    scope.performance().map_or(0.0, |p| p.now())
}

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let grader = Grader::new();
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |e: MessageEvent| {
        let scope = &reply_scope;
        let bytes = js_sys::Uint8Array::new(&e.data()).to_vec();
        let request: GradeRequest = match postcard::from_bytes(&bytes) {
            Ok(r) => r,
            Err(err) => {
                post(
                    scope,
                    &WorkerReply::Failed {
                        id: 0,
                        message: format!("malformed request: {err}"),
                    },
                );
                return;
            }
        };
        let start = now_ms(scope);
        let mut last_posted = 0;
        let report = grader.grade_shard(&request.spec, &request.code, request.shard, &mut |p| {
            // About 50 updates per grade are plenty for a progress bar.
            if p.done == p.total || p.done >= last_posted + (p.total / 50).max(1) {
                last_posted = p.done;
                post(
                    scope,
                    &WorkerReply::Progress {
                        id: request.id,
                        done: p.done,
                        total: p.total,
                    },
                );
            }
        });
        let elapsed_ms = now_ms(scope) - start;
        post(
            scope,
            &WorkerReply::Done {
                id: request.id,
                report: Box::new(report),
                elapsed_ms,
            },
        );
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&scope, &WorkerReply::Ready);
}
