//! The page's side of the analysis: sends [`Request`]s to the worker and turns its [`Response`]s
//! into state the components render. The page itself never parses a dump.

use crate::analysis::{Comparison, Completion, TableView};
use crate::protocol::{decode, encode, pack, unpack, Request, Response};
use crate::state::{Side, Workspace};
use leptos::prelude::*;
use std::cell::RefCell;
use std::sync::Arc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// What the analysis gives the page, as signals the components read.
#[derive(Debug, Clone, Copy)]
pub struct Analysis {
    pub workspace: RwSignal<Workspace>,
    /// The latest comparison of the two sides (kept on screen while the next one is made).
    pub comparison: RwSignal<Option<Arc<Comparison>>>,
    /// The rollback and ORM lines of the comparison, which follow it.
    pub completion: RwSignal<Option<Arc<Completion>>>,
    /// What the worker is doing after both sides are read (`comparing`, `planning`, …), or why it stopped.
    pub status: RwSignal<Option<Status>>,
    /// The table the per-table view shows.
    pub table: RwSignal<Option<Arc<TableView>>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Working(String),
    Stopped(String),
}

/// The worker file Trunk writes next to index.html (worker files keep their names). The version
/// keeps a browser from running a cached worker of another release.
const WORKER_URL: &str = concat!("./schemadrift-worker_loader.js?v=", env!("CARGO_PKG_VERSION"));

enum Channel {
    /// Requests wait until the worker says it is ready: a worker's module drops what arrives earlier.
    Starting(web_sys::Worker, Vec<(Vec<u8>, Option<js_sys::ArrayBuffer>)>),
    Ready(web_sys::Worker),
    #[cfg(feature = "in-page")]
    InPage(std::rc::Rc<crate::worker::Host>),
    None,
}

thread_local! {
    static CHANNEL: RefCell<Channel> = const { RefCell::new(Channel::None) };
}

impl Analysis {
    pub fn new(workspace: Workspace) -> Analysis {
        Analysis {
            workspace: RwSignal::new(workspace),
            comparison: RwSignal::new(None),
            completion: RwSignal::new(None),
            status: RwSignal::new(None),
            table: RwSignal::new(None),
        }
    }

    /// Starts the worker (or, with feature `in-page`, the analysis in the page).
    pub fn start(self) {
        #[cfg(feature = "in-page")]
        {
            let host = crate::worker::Host::new(Box::new(move |response| {
                // Answered in a later task, as from a worker.
                leptos::task::spawn_local(async move { self.apply(response) });
            }));
            CHANNEL.with(|c| *c.borrow_mut() = Channel::InPage(host));
        }
        #[cfg(not(feature = "in-page"))]
        self.start_worker();
    }

    #[cfg_attr(feature = "in-page", allow(dead_code))]
    fn start_worker(self) {
        let worker = match web_sys::Worker::new(WORKER_URL) {
            Ok(worker) => worker,
            Err(error) => return self.stopped(&format!("the browser could not start it ({})", describe(&error))),
        };
        let onmessage = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let (bytes, _) = unpack(&event.data());
            match decode::<Response>(&bytes) {
                Ok(response) => self.apply(response),
                Err(message) => self.stopped(&message),
            }
        });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        onmessage.forget();
        let onerror = Closure::<dyn Fn(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
            event.prevent_default();
            self.stopped(&event.message());
        });
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        onerror.forget();
        CHANNEL.with(|c| *c.borrow_mut() = Channel::Starting(worker, Vec::new()));
    }

    /// Sends a request, with the bytes of a file for `Load`.
    pub fn send(self, request: Request, payload: Option<js_sys::ArrayBuffer>) {
        let bytes = encode(&request);
        CHANNEL.with(|channel| match &mut *channel.borrow_mut() {
            Channel::Starting(_, queue) => queue.push((bytes, payload)),
            Channel::Ready(worker) => post(worker, &bytes, payload.as_ref()),
            #[cfg(feature = "in-page")]
            Channel::InPage(host) => {
                let host = host.clone();
                leptos::task::spawn_local(async move { host.handle(request, payload) });
            }
            Channel::None => {}
        });
    }

    /// Turns what the worker said into state.
    fn apply(self, response: Response) {
        match response {
            Response::Ready => CHANNEL.with(|channel| {
                let mut channel = channel.borrow_mut();
                if let Channel::Starting(worker, queue) = std::mem::replace(&mut *channel, Channel::None) {
                    for (bytes, payload) in queue {
                        post(&worker, &bytes, payload.as_ref());
                    }
                    *channel = Channel::Ready(worker);
                }
            }),
            Response::Progress { side: Some(side), file_name, step, percent } => {
                self.workspace.update(|w| w.panel_mut(side).progress(&file_name, &step, percent.unwrap_or(0)))
            }
            Response::Progress { side: None, step, .. } => self.status.set(Some(Status::Working(step))),
            Response::Loaded { side, dump } => {
                let name = dump.file_name.clone();
                self.workspace.update(|w| w.panel_mut(side).finish(&name, Ok(*dump)));
            }
            Response::Failed { side, file_name, message } => {
                self.workspace.update(|w| w.panel_mut(side).finish(&file_name, Err(message)))
            }
            Response::Cancelled { side, file_name } => self.workspace.update(|w| w.panel_mut(side).cancel(&file_name)),
            Response::Compared(comparison) => {
                self.completion.set(None);
                self.comparison.set(comparison.map(|c| Arc::new(*c)));
                self.status.set(None);
            }
            Response::Completed(completion) => self.completion.set(completion.map(|c| Arc::new(*c))),
            Response::Exported { export, file_name, text } => save(&file_name, export.mime(), &text),
            Response::Table(view) => self.table.set(Some(Arc::new(*view))),
        }
    }

    /// The worker is gone: say so, and stop the sides that were being read.
    fn stopped(self, why: &str) {
        let message =
            format!("The analysis stopped: {why}. Your files were not sent anywhere. Reload the page to start again.");
        self.workspace.update(|w| {
            for side in [Side::From, Side::To] {
                if let crate::state::Activity::Reading { file_name, .. } = w.panel(side).activity.clone() {
                    w.panel_mut(side).finish(&file_name, Err(message.clone()));
                }
            }
        });
        self.status.set(Some(Status::Stopped(message)));
    }
}

fn post(worker: &web_sys::Worker, bytes: &[u8], payload: Option<&js_sys::ArrayBuffer>) {
    let (message, transfer) = pack(bytes, payload);
    let _ = worker.post_message_with_transfer(&message, &transfer);
}

fn describe(error: &JsValue) -> String {
    error
        .as_string()
        .or_else(|| error.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())))
        .unwrap_or_else(|| "unknown error".into())
}

/// Saves text as a file, made in the page (nothing is sent anywhere).
fn save(file_name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    let document = leptos::prelude::document();
    if let Some(anchor) =
        document.create_element("a").ok().and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        anchor.set_href(&url);
        anchor.set_download(file_name);
        anchor.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
