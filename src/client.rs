//! The page's side of the analysis: sends [`Request`]s to the worker and turns its [`Response`]s
//! into state the components render. The page itself never parses a dump.

use crate::analysis::{Comparison, Completion, TableView};
use crate::protocol::{decode, encode, pack, unpack, Request, Response};
use crate::prover::Proving;
use crate::proving::{Card, Start};
use crate::state::{Activity, HeldFiles, Replay, Side, Source, Workspace};
use leptos::prelude::*;
use schemadrift_engine::proof::Direction;
use schemadrift_engine::DiffOptions;
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
    /// The definition the page asked for last (`Request::Definition`).
    pub definition: RwSignal<Option<Arc<crate::analysis::Definition>>>,
    /// The proofs of the comparison's migration and rollback on PostgreSQL (PGlite).
    pub proving: RwSignal<Proving>,
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
    /// Where each side's dump came from, to read it again (a database picked, a new worker).
    static SOURCES: RefCell<HeldFiles<web_sys::Blob>> = RefCell::new(HeldFiles::default());
    /// The options last sent, for a new worker.
    static OPTIONS: RefCell<Option<DiffOptions>> = const { RefCell::new(None) };
    /// Which worker is current: events of one that was replaced are ignored.
    static WORKER: RefCell<u32> = const { RefCell::new(0) };
    /// Reads a new worker makes again, per side: their panels keep what they show meanwhile.
    static REPLAYING: RefCell<[u32; 2]> = const { RefCell::new([0; 2]) };
}

fn slot(side: Side) -> usize {
    match side {
        Side::From => 0,
        Side::To => 1,
    }
}

impl Analysis {
    pub fn new(workspace: Workspace) -> Analysis {
        Analysis {
            workspace: RwSignal::new(workspace),
            comparison: RwSignal::new(None),
            completion: RwSignal::new(None),
            status: RwSignal::new(None),
            table: RwSignal::new(None),
            definition: RwSignal::new(None),
            proving: RwSignal::new(Proving::default()),
        }
    }

    /// Proves the comparison's migration, then its rollback, in the browser.
    pub fn prove(self) {
        crate::prover::stop();
        self.proving.set(Proving::default());
        self.send(Request::Prove { direction: Direction::Migration }, None);
    }

    /// Stops the proof running now; the verdicts already made stay.
    pub fn cancel_proof(self) {
        crate::prover::stop();
        self.proving.update(|p| {
            if let Some(running) = p.running.take() {
                let what = running.direction.name();
                p.stopped = Some(format!("Cancelled while proving the {what} ({}).", running.stage));
            }
        });
    }

    /// A verdict came: keep it, and go on with the rollback after the migration.
    fn proved(self, card: Card) {
        let direction = card.direction;
        self.proving.update(|p| {
            let seconds = p.running.take().map_or(0.0, |r| (crate::prover::now() - r.started) / 1000.0);
            p.done.push((card, seconds));
        });
        if direction == Direction::Migration {
            self.send(Request::Prove { direction: Direction::Rollback }, None);
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
        let generation = WORKER.with(|w| *w.borrow());
        let current = move || WORKER.with(|w| *w.borrow()) == generation;
        let onmessage = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            if !current() {
                return;
            }
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
            if current() {
                self.crashed(&event.message());
            }
        });
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        onerror.forget();
        CHANNEL.with(|c| *c.borrow_mut() = Channel::Starting(worker, Vec::new()));
    }

    /// Sends a request, with the bytes of a file for `Load`.
    pub fn send(self, request: Request, payload: Option<js_sys::ArrayBuffer>) {
        match &request {
            Request::Options(options) => OPTIONS.with(|o| *o.borrow_mut() = Some(options.clone())),
            Request::Demo => SOURCES.with(|s| {
                let mut sources = s.borrow_mut();
                sources.start(Side::From, Source::Demo(Side::From));
                sources.start(Side::To, Source::Demo(Side::To));
            }),
            Request::Swap => SOURCES.with(|s| s.borrow_mut().swap()),
            Request::Cancel { side } => SOURCES.with(|s| s.borrow_mut().dropped(*side)),
            _ => {}
        }
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
                SOURCES.with(|s| s.borrow_mut().loaded(side));
                let replayed = replayed(side);
                let name = dump.file_name.clone();
                self.workspace.update(|w| {
                    let panel = w.panel_mut(side);
                    if replayed && !panel.reading() {
                        panel.dump = Some(Arc::new(*dump));
                    } else {
                        panel.finish(&name, Ok(*dump));
                    }
                });
            }
            Response::Failed { side, file_name, message } => {
                replayed(side);
                SOURCES.with(|s| s.borrow_mut().dropped(side));
                self.workspace.update(|w| w.panel_mut(side).finish(&file_name, Err(message)))
            }
            Response::Cancelled { side, file_name } => {
                SOURCES.with(|s| s.borrow_mut().dropped(side));
                self.workspace.update(|w| w.panel_mut(side).cancel(&file_name))
            }
            Response::Choose { side, file_name, databases } => {
                self.workspace.update(|w| w.panel_mut(side).activity = Activity::Choosing { file_name, databases })
            }
            Response::Crashed { message } => self.crashed(&message),
            Response::Compared(comparison) => {
                // A proof was of the comparison before.
                crate::prover::stop();
                self.proving.set(Proving::default());
                self.completion.set(None);
                self.comparison.set(comparison.map(|c| Arc::new(*c)));
                self.status.set(None);
            }
            Response::Completed(completion) => self.completion.set(completion.map(|c| Arc::new(*c))),
            Response::Exported { export, file_name, text } => save(&file_name, export.mime(), &text),
            Response::Table(view) => self.table.set(Some(Arc::new(*view))),
            Response::Definition(definition) => self.definition.set(Some(Arc::new(*definition))),
            Response::ProofStart { direction, start } => match *start {
                Start::Done(card) => {
                    self.proving.update(|p| {
                        p.running = Some(crate::prover::Running {
                            direction,
                            stage: String::new(),
                            done: 0,
                            total: 1,
                            started: crate::prover::now(),
                        })
                    });
                    self.proved(*card);
                }
                Start::Job { job, .. } => crate::prover::run(direction, job, self.proving, move |outcome| {
                    self.send(Request::Judge { direction, outcome }, None)
                }),
            },
            Response::Proved { proof, .. } => self.proved(*proof),
        }
    }

    /// Where a side's dump comes from now (see [`HeldFiles`]).
    pub fn start_source(self, side: Side, source: Source<web_sys::Blob>) {
        SOURCES.with(|s| s.borrow_mut().start(side, source));
    }

    /// The source a side is reading (or waiting for a database choice on).
    pub fn pending_source(self, side: Side) -> Option<Source<web_sys::Blob>> {
        SOURCES.with(|s| s.borrow().pending(side).cloned())
    }

    /// The side no longer reads what it started (a read failed in the page, or the user cancelled).
    pub fn drop_source(self, side: Side) {
        SOURCES.with(|s| s.borrow_mut().dropped(side));
    }

    /// The worker hit a bug (its panic, or an error it did not catch): the sides it was reading say
    /// so and keep their dumps, and a new worker is given what each side held.
    fn crashed(self, why: &str) {
        CHANNEL.with(|channel| {
            let old = std::mem::replace(&mut *channel.borrow_mut(), Channel::None);
            match old {
                Channel::Starting(worker, _) | Channel::Ready(worker) => worker.terminate(),
                other => *channel.borrow_mut() = other,
            }
        });
        WORKER.with(|w| *w.borrow_mut() += 1);
        let why = why.trim_start_matches("Uncaught ").trim_start_matches("Error: ");
        self.workspace.update(|w| {
            for side in [Side::From, Side::To] {
                let panel = w.panel_mut(side);
                let file_name = match &panel.activity {
                    Activity::Reading { file_name, .. } | Activity::Choosing { file_name, .. } => file_name.clone(),
                    _ => continue,
                };
                SOURCES.with(|s| s.borrow_mut().dropped(side));
                panel.finish(
                    &file_name,
                    Err(format!(
                        "schemadrift stopped while reading this file: a bug ({why}). The side keeps the dump it held. Please report it with this message; the file stays on your computer"
                    )),
                );
            }
        });
        self.status.set(Some(Status::Working("restarting after an error".into())));
        #[cfg(not(feature = "in-page"))]
        self.start_worker();
        if let Some(options) = OPTIONS.with(|o| o.borrow().clone()) {
            self.send(Request::Options(options), None);
        }
        let steps = SOURCES.with(|s| s.borrow().replay());
        for step in steps {
            match step {
                Replay::Demo => {
                    REPLAYING.with(|r| r.borrow_mut().iter_mut().for_each(|count| *count += 1));
                    self.send(Request::Demo, None);
                }
                Replay::Swap => self.send(Request::Swap, None),
                Replay::Load(side, source) => {
                    REPLAYING.with(|r| r.borrow_mut()[slot(side)] += 1);
                    crate::components::file_reading::read_source(self, side, source, false);
                }
            }
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

/// Whether a read that just ended was one a new worker made again (and counts it off).
fn replayed(side: Side) -> bool {
    REPLAYING.with(|r| {
        let count = &mut r.borrow_mut()[slot(side)];
        let was = *count > 0;
        *count = count.saturating_sub(1);
        was
    })
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
