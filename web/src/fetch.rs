//! Fetching the files the build writes beside the page: the course's (`course/<name>.bin`) and
//! the history checker's examples (`porcupine/…`).

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The bytes of `course/<file>`, or why they could not be had.
pub async fn course_file(file: &str) -> Result<Vec<u8>, String> {
    site_file(&format!("course/{file}")).await
}

/// The bytes of `path`, relative to the page, or why they could not be had.
pub async fn site_file(path: &str) -> Result<Vec<u8>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let fail = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(path))
        .await
        .map_err(|_| "the network request failed".to_string())?
        .dyn_into()
        .map_err(fail)?;
    if !response.ok() {
        return Err(format!("the server answered {}", response.status()));
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(fail)?)
        .await
        .map_err(fail)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
