//! A link to one lab: an instance of the lab worker (`lab-worker`, with the simulator and every
//! protocol) that the link starts when first used, with the requests made before the worker said
//! it was ready queued in order. Built with feature `lab-in-page` (the browser tests, which
//! cannot load a worker), a lab in the page answers instead, at once.
//!
//! The page holds two links: the live runs' ([`crate::lab`]) and the measurements'
//! ([`crate::measure_lab`]), so that a table computed over many seeds never holds up a live
//! cluster's frames. Each keeps its link in a thread-local and dispatches replies itself,
//! outside any borrow of it (a reply's handler may send again at once).

/// The lab worker's loader script (trunk names workers after their binary, without a hash).
pub const WORKER_URL: &str = "./lab-worker_loader.js";
/// Every file the lab worker loads: the page fetches them ahead, while the live views load
/// ([`crate::live_slot::preload`]), so that the worker finds them in the browser's cache.
pub const WORKER_FILES: [&str; 3] = [WORKER_URL, "./lab-worker.js", "./lab-worker_bg.wasm"];

/// Where replies go: postcard bytes of a [`netsplit_core::lab_host::LabReply`].
pub type OnReply = fn(&[u8]);
/// Where a failure to load goes, with the sentence to show.
pub type OnError = fn(String);

/// One lab: a worker or (feature `lab-in-page`) a lab in the page.
pub struct LabLink {
    #[cfg(not(feature = "lab-in-page"))]
    worker: Option<web_sys::Worker>,
    #[cfg(feature = "lab-in-page")]
    host: Option<netsplit_core::lab_host::LabHost>,
    /// Requests made before the worker was ready, in order.
    #[cfg(not(feature = "lab-in-page"))]
    queued: Vec<Vec<u8>>,
    #[cfg(not(feature = "lab-in-page"))]
    ready: bool,
    /// Why the lab cannot run, once it is known.
    pub broken: Option<String>,
}

impl LabLink {
    /// A link that has started nothing yet.
    pub const fn new() -> LabLink {
        LabLink {
            #[cfg(not(feature = "lab-in-page"))]
            worker: None,
            #[cfg(feature = "lab-in-page")]
            host: None,
            #[cfg(not(feature = "lab-in-page"))]
            queued: Vec::new(),
            #[cfg(not(feature = "lab-in-page"))]
            ready: false,
            broken: None,
        }
    }

    /// Starts the worker unless it has started or failed: its replies go to `on_reply`, its
    /// failure to load to `on_error` (which should set this link's `broken`).
    pub fn start(&mut self, on_reply: OnReply, on_error: OnError) {
        #[cfg(not(feature = "lab-in-page"))]
        if self.worker.is_none() && self.broken.is_none() {
            match new_worker(on_reply, on_error) {
                Ok(w) => self.worker = Some(w),
                Err(e) => self.broken = Some(e),
            }
        }
        #[cfg(feature = "lab-in-page")]
        let _ = (on_reply, on_error);
    }

    /// Sends a request (postcard bytes of a [`netsplit_core::lab_host::LabRequest`]), starting
    /// the worker if need be; it is posted at once if the worker is ready and queued otherwise.
    /// In the page (feature `lab-in-page`) the lab answers at once: the reply is returned for the
    /// caller to dispatch once it has let go of the link.
    #[must_use]
    pub fn send(
        &mut self,
        bytes: Vec<u8>,
        on_reply: OnReply,
        on_error: OnError,
    ) -> Option<Vec<u8>> {
        #[cfg(feature = "lab-in-page")]
        {
            let _ = (on_reply, on_error);
            self.host
                .get_or_insert_with(netsplit_core::lab_host::LabHost::new)
                .handle_bytes(&bytes)
        }
        #[cfg(not(feature = "lab-in-page"))]
        {
            self.start(on_reply, on_error);
            if self.ready {
                self.post(&bytes);
            } else {
                self.queued.push(bytes);
            }
            None
        }
    }

    /// The worker said it is ready: posts what was queued, in order.
    pub fn ready(&mut self) {
        #[cfg(not(feature = "lab-in-page"))]
        {
            self.ready = true;
            for bytes in std::mem::take(&mut self.queued) {
                self.post(&bytes);
            }
        }
    }

    #[cfg(not(feature = "lab-in-page"))]
    fn post(&self, bytes: &[u8]) {
        if let Some(w) = &self.worker {
            let _ = w.post_message(&js_sys::Uint8Array::from(bytes));
        }
    }
}

impl Default for LabLink {
    fn default() -> Self {
        LabLink::new()
    }
}

/// A new instance of the lab worker whose replies (postcard bytes) go to `on_reply`, and whose
/// failure to load is told to `on_error`.
#[cfg(not(feature = "lab-in-page"))]
fn new_worker(on_reply: OnReply, on_error: OnError) -> Result<web_sys::Worker, String> {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let worker = web_sys::Worker::new(WORKER_URL)
        .map_err(|e| format!("the lab worker did not start: {e:?}"))?;
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let bytes = js_sys::Uint8Array::new(&e.data()).to_vec();
            on_reply(&bytes);
        });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the page.
    on_message.forget();
    // Each link marks only itself broken: the live lab and the measurements' lab are two
    // workers, and one failing says nothing of the other.
    let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| {
        on_error("the lab worker failed to load: reload the page to try again".into())
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    Ok(worker)
}
