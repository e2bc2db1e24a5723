//! An element's laid-out width, kept up to date by a `ResizeObserver`.
//!
//! Reading `clientWidth` while rendering forces the browser to lay the page out again at once
//! (after the last frame's changes): on a playing space-time diagram that was a tenth of the
//! page's time. The observer is told the width after layout, when the browser has it anyway.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The width in CSS pixels (`clientWidth`) of the element `node` refers to once it is laid out,
/// and again whenever it changes; `None` before the first layout.
#[hook]
pub fn use_element_width(node: &NodeRef) -> Option<f64> {
    let width = use_state_eq(|| None::<f64>);
    {
        let (node, set) = (node.clone(), width.setter());
        use_effect_with((), move |_| {
            let observed = node.cast::<web_sys::Element>().and_then(|el| {
                let on_resize =
                    Closure::<dyn Fn(js_sys::Array)>::new(move |entries: js_sys::Array| {
                        let laid_out = entries
                            .get(0)
                            .dyn_into::<web_sys::ResizeObserverEntry>()
                            .ok()
                            .map(|entry| f64::from(entry.target().client_width()))
                            .filter(|w| *w > 0.0);
                        if laid_out.is_some() {
                            set.set(laid_out);
                        }
                    });
                let observer =
                    web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok()?;
                observer.observe(&el);
                Some((observer, on_resize))
            });
            // The closure lives until the observer is disconnected.
            move || {
                if let Some((observer, _on_resize)) = observed {
                    observer.disconnect();
                }
            }
        });
    }
    *width
}
