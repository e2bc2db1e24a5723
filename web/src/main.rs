//! Entry point: replaces the static shell of index.html (painted while the wasm loaded) with the
//! app, rendered into the page body.

fn main() {
    // Removed in the same task as the first render, so no frame is painted between them.
    if let Some(shell) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("shell"))
    {
        shell.remove();
    }
    yew::Renderer::<netsplit_web::App>::new().render();
}
