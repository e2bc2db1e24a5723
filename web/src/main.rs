//! Entry point: renders the app into the page body.

fn main() {
    yew::Renderer::<netsplit_web::App>::new().render();
}
