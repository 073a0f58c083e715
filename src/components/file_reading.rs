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
        let still_wanted = still_reading(analysis, side, &file_name);
        if !still_wanted {
            return;
        }
        analysis.workspace.update(|w| w.panel_mut(side).progress(&file_name, "parsing", 0));
    }
    analysis.send(Request::Load { side, file_name, database }, Some(buffer));
}

/// Whether `side` is still reading `file_name` (not cancelled, no other file chosen meanwhile).
fn still_reading(analysis: Analysis, side: Side, file_name: &str) -> bool {
    analysis.workspace.with_untracked(
        |w| matches!(&w.panel(side).activity, crate::state::Activity::Reading { file_name: f, .. } if f == file_name),
    )
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
        let result = fetch_blob(analysis, side, &name, &url).await;
        // Cancelled, or another file chosen meanwhile: the side keeps what it shows now.
        let still_wanted = still_reading(analysis, side, &name);
        match result {
            _ if !still_wanted => {}
            Ok(blob) => read_source(analysis, side, Source::File { blob, file_name: name, database: None }, true),
            Err(message) => analysis.workspace.update(|w| w.panel_mut(side).finish(&name, Err(message))),
        }
    });
}

/// The name a dump loaded from `url` goes by: the last part of its path.
pub fn url_file_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.rsplit('/').next().filter(|n| !n.is_empty()).unwrap_or(path).to_string()
}

/// Downloads `url`, counting while it reads: a download over [`BROWSER_MAX_BYTES`] stops at the
/// limit (one that says its length up front is refused before its body is read), so a link to an
/// endless or huge file cannot fill the tab's memory. Shows how much came so far.
async fn fetch_blob(analysis: Analysis, side: Side, name: &str, url: &str) -> Result<web_sys::Blob, String> {
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
    let too_large = |what: String| {
        format!(
            "could not load {url}: {what}, more than the {} MB this reads: dump fewer schemas at a time (`pg_dump --schema-only -n SCHEMA`), or compare it with the schemadrift command line, which reads up to {} MB",
            BROWSER_MAX_BYTES >> 20,
            schemadrift_engine::input::MAX_INPUT_BYTES >> 20
        )
    };
    let length = response.headers().get("content-length").ok().flatten().and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(length) = length.filter(|l| *l > BROWSER_MAX_BYTES) {
        return Err(too_large(format!("the server says the file is {} MB", length.div_ceil(1 << 20))));
    }
    let body = response.body().ok_or_else(|| format!("{url}: the response has no body"))?;
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let interrupted = || {
        format!("could not download {url}: the download was interrupted; try again, or download it and drop it here")
    };
    let chunks = js_sys::Array::new();
    let mut total: u64 = 0;
    loop {
        let result = JsFuture::from(reader.read()).await.map_err(|_| interrupted())?;
        let field = |key: &str| js_sys::Reflect::get(&result, &wasm_bindgen::JsValue::from_str(key)).ok();
        if field("done").and_then(|d| d.as_bool()).unwrap_or(true) {
            break;
        }
        let Some(chunk) = field("value").and_then(|v| v.dyn_into::<js_sys::Uint8Array>().ok()) else {
            return Err(interrupted());
        };
        total += u64::from(chunk.length());
        if total > BROWSER_MAX_BYTES {
            let _ = reader.cancel();
            return Err(too_large("the download holds more (stopped at the limit)".into()));
        }
        chunks.push(&chunk);
        // Cancelled (or another file chosen) meanwhile: stop downloading.
        let still_wanted = still_reading(analysis, side, name);
        if !still_wanted {
            let _ = reader.cancel();
            return Err(format!("the download of {url} was cancelled"));
        }
        let percent = length.map_or(0, |l| (total.saturating_mul(100) / l.max(1)).min(100) as u8);
        analysis.workspace.update(|w| w.panel_mut(side).downloaded(name, total, percent));
    }
    web_sys::Blob::new_with_u8_array_sequence(&chunks).map_err(|_| interrupted())
}

/// Loads pasted SQL text into the given side under the name "pasted text".
pub fn load_text(analysis: Analysis, side: Side, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let Ok(blob) = web_sys::Blob::new_with_str_sequence(&parts) else { return };
    read_source(analysis, side, Source::File { blob, file_name: "pasted text".into(), database: None }, true);
}
