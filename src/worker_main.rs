//! Entry point of the analysis worker: reads dumps, compares them and makes exports off the page's
//! thread, so the page keeps answering while a large pair is analysed (see `worker.rs`).

#[cfg(target_arch = "wasm32")]
fn main() {
    schemadrift_web::worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("schemadrift-worker runs in a browser: build the app with `cargo xtask build`");
}
