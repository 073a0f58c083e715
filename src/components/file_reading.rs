//! Getting bytes out of the browser (dropped or chosen files, pasted text) into a side of the workspace.

use crate::state::{LoadedDump, Side, Workspace};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Reads a browser `File` into the given side; the side shows "reading" until it is done.
pub fn load_file(workspace: RwSignal<Workspace>, side: Side, file: web_sys::File) {
    let name = file.name();
    workspace.update(|w| w.panel_mut(side).start_reading(&name, file.size() as usize));
    spawn_local(async move {
        let result = match JsFuture::from(file.array_buffer()).await {
            Ok(buffer) => {
                let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                // Let the page paint the "reading" state before the synchronous analysis.
                next_frame().await;
                LoadedDump::from_bytes(&name, &bytes)
            }
            Err(error) => Err(format!(
                "the browser could not read the file ({}); check that it still exists and is readable",
                error.as_string().unwrap_or_else(|| "unknown error".into())
            )),
        };
        workspace.update(|w| w.panel_mut(side).finish(&name, result));
    });
}

/// Loads pasted SQL text into the given side under the name "pasted text".
pub fn load_text(workspace: RwSignal<Workspace>, side: Side, text: &str) {
    let name = "pasted text";
    let result = LoadedDump::from_bytes(name, text.as_bytes());
    workspace.update(|w| w.panel_mut(side).finish(name, result));
}

/// Resolves after the browser had a chance to render (a zero-delay timer).
async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback(resolve.unchecked_ref());
        }
    });
    let _ = JsFuture::from(promise).await;
}
