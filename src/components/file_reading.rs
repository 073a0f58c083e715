//! Getting bytes out of the browser (dropped or chosen files, pasted text, downloads) into a side of
//! the workspace. Each becomes a `Blob` the page keeps as the side's [`Source`], so it can be read
//! again: with the database the user picked in a `pg_dumpall` file, or by a new worker.

use crate::client::Analysis;
use crate::protocol::Request;
use crate::state::{Side, Source};
use leptos::prelude::*;
use leptos::task::spawn_local;
use schemadrift_engine::input::BROWSER_MAX_BYTES;
use schemadrift_engine::InputError;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Reads a browser `File` into a side.
pub fn load_file(analysis: Analysis, side: Side, file: web_sys::File) {
    let file_name = file.name();
    read_source(analysis, side, Source::File { blob: file.into(), file_name, database: None }, true);
}

/// Reads a source's bytes and hands them to the worker (moved, not copied). `announce`: the side
/// shows "reading" (not when a new worker reads again what the side already shows).
pub fn read_source(analysis: Analysis, side: Side, source: Source<web_sys::Blob>, announce: bool) {
    let Source::File { blob, file_name, database } = source.clone() else {
        analysis.send(Request::Demo, None);
        return;
    };
    let size = blob.size() as u64;
    if announce {
        analysis.workspace.update(|w| w.panel_mut(side).start_reading(&file_name, size as usize));
    }
    if size > BROWSER_MAX_BYTES {
        let message = InputError::TooLarge { bytes: size, limit: BROWSER_MAX_BYTES }.to_string();
        analysis.workspace.update(|w| w.panel_mut(side).finish(&file_name, Err(message)));
        return;
    }
    analysis.start_source(side, source);
    spawn_local(async move {
        match JsFuture::from(blob.array_buffer()).await {
            Ok(buffer) => hand_over(analysis, side, file_name, database, buffer.unchecked_into(), announce),
            Err(error) => {
                let why = error
                    .dyn_ref::<js_sys::Error>()
                    .map(|e| String::from(e.message()))
                    .or_else(|| error.as_string())
                    .unwrap_or_else(|| "unknown error".into());
                let message = format!(
                    "the browser could not read it ({why}). Check that the file still exists and is readable; a folder cannot be read (for a directory-format dump, run `pg_restore --schema-only -f schema.sql DIRECTORY` and load schema.sql)"
                );
                analysis.drop_source(side);
                analysis.workspace.update(|w| w.panel_mut(side).finish(&file_name, Err(message)));
            }
        }
    });
}

/// Gives the worker a file's bytes to read into a side, if the side still wants them.
fn hand_over(
    analysis: Analysis,
    side: Side,
    file_name: String,
    database: Option<String>,
    buffer: js_sys::ArrayBuffer,
    announce: bool,
) {
    if announce {
        let still_wanted = analysis.workspace.with_untracked(
            |w| matches!(&w.panel(side).activity, crate::state::Activity::Reading { file_name: f, .. } if *f == file_name),
        );
        if !still_wanted {
            return;
        }
        analysis.workspace.update(|w| w.panel_mut(side).progress(&file_name, "parsing", 0));
    }
    analysis.send(Request::Load { side, file_name, database }, Some(buffer));
}

/// Reads the `pg_dumpall` file a side is choosing in again, for the database the user picked.
pub fn pick_database(analysis: Analysis, side: Side, name: &str) {
    if let Some(Source::File { blob, file_name, .. }) = analysis.pending_source(side) {
        let source = Source::File { blob, file_name, database: Some(name.to_string()) };
        read_source(analysis, side, source, true);
    }
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
        match fetch_blob(&url).await {
            Ok(blob) => {
                let still_wanted = analysis.workspace.with_untracked(
                    |w| matches!(&w.panel(side).activity, crate::state::Activity::Reading { file_name: f, .. } if *f == name),
                );
                if still_wanted {
                    read_source(analysis, side, Source::File { blob, file_name: name, database: None }, true);
                }
            }
            Err(message) => analysis.workspace.update(|w| w.panel_mut(side).finish(&name, Err(message))),
        }
    });
}

/// The name a dump loaded from `url` goes by: the last part of its path.
pub fn url_file_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.rsplit('/').next().filter(|n| !n.is_empty()).unwrap_or(path).to_string()
}

async fn fetch_blob(url: &str) -> Result<web_sys::Blob, String> {
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
    let blob = response.blob().map_err(|_| format!("{url}: the response has no body"))?;
    let blob = JsFuture::from(blob).await.map_err(|_| format!("{url}: the download was interrupted"))?;
    Ok(blob.unchecked_into())
}

/// Loads pasted SQL text into the given side under the name "pasted text".
pub fn load_text(analysis: Analysis, side: Side, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let Ok(blob) = web_sys::Blob::new_with_str_sequence(&parts) else { return };
    read_source(analysis, side, Source::File { blob, file_name: "pasted text".into(), database: None }, true);
}
