//! A handle on the grading worker. Creating one downloads the grader's wasm (with Rhai);
//! dropping it terminates the worker.

use crate::grading::{GradeRequest, WorkerReply, WORKER_URL};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};
use yew::Callback;

/// The page's side of the grading worker.
pub struct GraderClient {
    worker: Worker,
    _on_message: Closure<dyn Fn(MessageEvent)>,
    _on_error: Closure<dyn Fn(web_sys::Event)>,
}

impl GraderClient {
    /// Starts the worker; every reply (or a load failure, as `Failed { id: 0 }`) goes to `on_reply`.
    pub fn spawn(on_reply: Callback<WorkerReply>) -> Result<Self, String> {
        let worker =
            Worker::new(WORKER_URL).map_err(|e| format!("could not start the grader: {e:?}"))?;
        let replies = on_reply.clone();
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |e: MessageEvent| {
            let bytes = js_sys::Uint8Array::new(&e.data()).to_vec();
            match postcard::from_bytes::<WorkerReply>(&bytes) {
                Ok(reply) => replies.emit(reply),
                Err(err) => replies.emit(WorkerReply::Failed {
                    id: 0,
                    message: format!("unreadable reply from the grader: {err}"),
                }),
            }
        });
        let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |_e: web_sys::Event| {
            on_reply.emit(WorkerReply::Failed {
                id: 0,
                message: "the grader failed to load or crashed".into(),
            });
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(GraderClient {
            worker,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Asks for a grade; replies arrive through the callback given to [`GraderClient::spawn`].
    pub fn send(&self, request: &GradeRequest) -> Result<(), String> {
        let bytes = postcard::to_allocvec(request).map_err(|e| e.to_string())?;
        self.worker
            .post_message(&js_sys::Uint8Array::from(&bytes[..]))
            .map_err(|e| format!("{e:?}"))
    }
}

impl Drop for GraderClient {
    fn drop(&mut self) {
        // Unhook first: a reply already queued must not reach the closures dropped with us
        // ("closure invoked after being dropped" when a page with an exercise is left mid-grade).
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}
