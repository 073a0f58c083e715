//! Getting bytes out of the browser (dropped or chosen files, pasted text) into a side of the workspace.

use crate::client::Analysis;
use crate::protocol::Request;
use crate::state::Side;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Reads a browser `File` and hands its bytes to the worker; the side shows "reading" until the
/// worker has read it.
pub fn load_file(analysis: Analysis, side: Side, file: web_sys::File) {
    let name = file.name();
    analysis.workspace.update(|w| w.panel_mut(side).start_reading(&name, file.size() as usize));
    spawn_local(async move {
        match JsFuture::from(file.array_buffer()).await {
            Ok(buffer) => hand_over(analysis, side, name, buffer.unchecked_into()),
            Err(error) => {
                let message = format!(
                    "the browser could not read the file ({}); check that it still exists and is readable",
                    error.as_string().unwrap_or_else(|| "unknown error".into())
                );
                analysis.workspace.update(|w| w.panel_mut(side).finish(&name, Err(message)));
            }
        }
    });
}

/// Gives the worker a file's bytes (moved, not copied) to read into a side.
fn hand_over(analysis: Analysis, side: Side, file_name: String, buffer: js_sys::ArrayBuffer) {
    let still_wanted = analysis.workspace.with_untracked(
        |w| matches!(&w.panel(side).activity, crate::state::Activity::Reading { file_name: f, .. } if *f == file_name),
    );
    if !still_wanted {
        return;
    }
    analysis.workspace.update(|w| w.panel_mut(side).progress(&file_name, "parsing", 0));
    analysis.send(Request::Load { side, file_name }, Some(buffer));
}

/// Loads a dump from a URL (`?from=…&to=…`): the only request the app ever makes, and only when
/// the link asks for it. A failed load says why (HTTP status, or a server that does not allow the
/// page to read it) and keeps what the side held.
pub fn load_url(analysis: Analysis, side: Side, url: String) {
    let name = url_file_name(&url);
    analysis.workspace.update(|w| {
        let panel = w.panel_mut(side);
        panel.start_reading(&name, 0);
        panel.progress(&name, "downloading", 0);
    });
    spawn_local(async move {
        match fetch_bytes(&url).await {
            Ok(buffer) => hand_over(analysis, side, name, buffer),
            Err(message) => analysis.workspace.update(|w| w.panel_mut(side).finish(&name, Err(message))),
        }
    });
}

/// The name a dump loaded from `url` goes by: the last part of its path.
pub fn url_file_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.rsplit('/').next().filter(|n| !n.is_empty()).unwrap_or(path).to_string()
}

async fn fetch_bytes(url: &str) -> Result<js_sys::ArrayBuffer, String> {
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
    Ok(buffer.unchecked_into())
}

/// Loads pasted SQL text into the given side under the name "pasted text".
pub fn load_text(analysis: Analysis, side: Side, text: &str) {
    let name = "pasted text".to_string();
    analysis.workspace.update(|w| w.panel_mut(side).start_reading(&name, text.len()));
    let bytes = js_sys::Uint8Array::from(text.as_bytes());
    hand_over(analysis, side, name, bytes.buffer());
}
