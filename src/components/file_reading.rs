//! Getting bytes out of the browser (dropped or chosen files, pasted text) into a side of the workspace.

use crate::state::{LoadedDump, Side, Workspace};
use leptos::prelude::*;
use leptos::task::spawn_local;
use schemadrift_engine::catalog::CatalogBuilder;
use schemadrift_engine::{decode, read, summarize};
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
                drop(buffer);
                analyse_in_slices(workspace, side, &name, &bytes).await
            }
            Err(error) => Err(format!(
                "the browser could not read the file ({}); check that it still exists and is readable",
                error.as_string().unwrap_or_else(|| "unknown error".into())
            )),
        };
        workspace.update(|w| w.panel_mut(side).finish(&name, result));
    });
}

/// Loads a dump from a URL (`?from=…&to=…`): the only request the app ever makes, and only when
/// the link asks for it. A failed load says why (HTTP status, or a server that does not allow the
/// page to read it) and keeps what the side held.
pub fn load_url(workspace: RwSignal<Workspace>, side: Side, url: String) {
    let name = url_file_name(&url);
    workspace.update(|w| {
        let panel = w.panel_mut(side);
        panel.start_reading(&name, 0);
        panel.progress(&name, "downloading", 0);
    });
    spawn_local(async move {
        let result = match fetch_bytes(&url).await {
            Ok(bytes) => analyse_in_slices(workspace, side, &name, &bytes).await,
            Err(message) => Err(message),
        };
        workspace.update(|w| w.panel_mut(side).finish(&name, result));
    });
}

/// The name a dump loaded from `url` goes by: the last part of its path.
pub fn url_file_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.rsplit('/').next().filter(|n| !n.is_empty()).unwrap_or(path).to_string()
}

async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let window = web_sys::window().ok_or("no browser window")?;
    let response = JsFuture::from(window.fetch_with_str(url)).await.map_err(|_| {
        format!(
            "could not download {url}: the server did not answer, or does not allow this page to read the file (CORS: it must send Access-Control-Allow-Origin); download it and drop it here instead"
        )
    })?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| format!("{url}: not an HTTP response"))?;
    if !response.ok() {
        return Err(format!(
            "could not download {url}: the server answered HTTP {} {}; check the link",
            response.status(),
            response.status_text()
        ));
    }
    let buffer = response.array_buffer().map_err(|_| format!("{url}: the response has no body"))?;
    let buffer = JsFuture::from(buffer).await.map_err(|_| format!("{url}: the download was interrupted"))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Longest stretch of work between two pauses, so the page keeps answering while a big dump is read.
const SLICE_MS: f64 = 40.0;

/// Decodes, reads and builds the catalog, pausing every few tens of milliseconds so the page stays
/// responsive and shows how far it is. (Issue 7 moves this to a worker.)
async fn analyse_in_slices(
    workspace: RwSignal<Workspace>,
    side: Side,
    name: &str,
    bytes: &[u8],
) -> Result<LoadedDump, String> {
    let set = |step: &str, percent: u8| workspace.update(|w| w.panel_mut(side).progress(name, step, percent));
    set("parsing", 0);
    next_frame().await;
    let decoded = decode(bytes).map_err(|e| e.to_string())?;
    let dump = read(&decoded.text);
    let summary = summarize(&decoded.text, &dump);
    let mut builder = CatalogBuilder::new();
    let total = dump.pieces.len().max(1);
    let mut slice_start = js_sys::Date::now();
    for (done, piece) in dump.pieces.iter().enumerate() {
        builder.add(piece);
        if js_sys::Date::now() - slice_start > SLICE_MS {
            set("parsing", (done * 100 / total) as u8);
            next_frame().await;
            slice_start = js_sys::Date::now();
        }
    }
    set("comparing", 100);
    next_frame().await;
    let secrets = schemadrift_engine::secrets::find_secrets(&decoded.text);
    Ok(LoadedDump::from_parts(name, bytes, (summary, builder.finish(), decoded.warnings, secrets)))
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
