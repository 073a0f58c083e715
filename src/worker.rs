//! The worker's side of the protocol: takes [`Request`]s, runs the [`Analyst`] and answers with
//! [`Response`]s. Dumps are read in slices, so a cancel or a newer file for the same side is heard
//! while a large dump is being read; the comparison waits until no side is being read.
//!
//! [`start`] runs it in the analysis worker (`src/worker_main.rs`); the browser tests run it in the
//! page (feature `in-page`).

use crate::analysis::{Analyst, Parsed};
use crate::protocol::{Request, Response};
use crate::state::Side;
use schemadrift_engine::pipeline::Reading as SideReading;
use schemadrift_engine::{prepare, InputError, ReadingBudget};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};

/// Longest stretch of reading between two looks at the message queue.
const SLICE_MS: f64 = 100.0;

/// A side being read: which request (its generation) and the file.
#[derive(Debug, Clone)]
struct Reading {
    generation: u64,
    file_name: String,
}

pub struct Host {
    post: Box<dyn Fn(Response)>,
    analyst: RefCell<Analyst>,
    reading: RefCell<[Option<Reading>; 2]>,
    generations: RefCell<u64>,
    /// A comparison is owed: a side or the options changed since the last one.
    stale: RefCell<bool>,
    scheduled: RefCell<bool>,
}

fn index(side: Side) -> usize {
    match side {
        Side::From => 0,
        Side::To => 1,
    }
}

impl Host {
    pub fn new(post: Box<dyn Fn(Response)>) -> Rc<Host> {
        Rc::new(Host {
            post,
            analyst: RefCell::new(Analyst::default()),
            reading: RefCell::new([None, None]),
            generations: RefCell::new(0),
            stale: RefCell::new(false),
            scheduled: RefCell::new(false),
        })
    }

    pub fn handle(self: &Rc<Self>, request: Request, payload: Option<js_sys::ArrayBuffer>) {
        match request {
            Request::Options(options) => {
                self.analyst.borrow_mut().set_options(options);
                self.owe_comparison();
            }
            Request::Demo => {
                for side in [Side::From, Side::To] {
                    self.cancel(side);
                }
                let loaded = {
                    let mut analyst = self.analyst.borrow_mut();
                    analyst.demo();
                    [Side::From, Side::To].map(|side| (side, analyst.side(side).map(|p| p.dump.clone())))
                };
                for (side, dump) in loaded {
                    if let Some(dump) = dump {
                        (self.post)(Response::Loaded { side, dump: Box::new(dump) });
                    }
                }
                self.owe_comparison();
            }
            Request::Load { side, file_name, database } => {
                let bytes = payload.map(|buffer| js_sys::Uint8Array::new(&buffer).to_vec()).unwrap_or_default();
                self.load(side, file_name, database, bytes);
            }
            Request::Cancel { side } => self.cancel(side),
            Request::Swap => {
                self.analyst.borrow_mut().swap();
                self.owe_comparison();
            }
            Request::Export { export, keep_secrets } => {
                let exported = self.analyst.borrow_mut().export(export, keep_secrets);
                if let Some((file_name, text)) = exported {
                    (self.post)(Response::Exported { export, file_name, text });
                }
            }
            Request::Definition { change } => {
                let definition = self.analyst.borrow().definition(&change);
                (self.post)(Response::Definition(Box::new(definition)));
            }
            Request::Table { table, renamed_from } => {
                let view = self.analyst.borrow().table(&table, renamed_from.as_deref());
                (self.post)(Response::Table(Box::new(view)));
            }
            Request::Prove { direction } => {
                if let Some(start) = self.analyst.borrow().prove(direction) {
                    (self.post)(Response::ProofStart { direction, start: Box::new(start) });
                }
            }
            Request::Judge { direction, outcome } => {
                match self.analyst.borrow().judge(direction, &outcome) {
                    Some(crate::proving::Judged::Card(proof)) => {
                        (self.post)(Response::Proved { direction, proof: Box::new(proof) })
                    }
                    // The server lacked extensions: the page runs the rest.
                    Some(crate::proving::Judged::Again(start)) => {
                        (self.post)(Response::ProofStart { direction, start: Box::new(start) })
                    }
                    None => {}
                }
            }
        }
    }

    /// Stops reading a side, if it is being read; the side keeps what it held.
    fn cancel(self: &Rc<Self>, side: Side) {
        let stopped = self.reading.borrow_mut()[index(side)].take();
        if let Some(reading) = stopped {
            (self.post)(Response::Cancelled { side, file_name: reading.file_name });
            self.owe_comparison();
        }
    }

    fn load(self: &Rc<Self>, side: Side, file_name: String, database: Option<String>, bytes: Vec<u8>) {
        let generation = {
            let mut generations = self.generations.borrow_mut();
            *generations += 1;
            *generations
        };
        // A newer file for the same side replaces the one being read.
        self.reading.borrow_mut()[index(side)] = Some(Reading { generation, file_name: file_name.clone() });
        let host = self.clone();
        spawn_local(async move {
            let result = host.read_in_slices(side, generation, &file_name, database.as_deref(), &bytes).await;
            let current = host.reading.borrow()[index(side)].as_ref().is_some_and(|r| r.generation == generation);
            if !current {
                return;
            }
            host.reading.borrow_mut()[index(side)] = None;
            match result {
                Some(Ok(parsed)) => {
                    let dump = parsed.dump.clone();
                    host.analyst.borrow_mut().set(side, parsed);
                    (host.post)(Response::Loaded { side, dump: Box::new(dump) });
                }
                Some(Err(InputError::ChooseDatabase { databases })) => {
                    (host.post)(Response::Choose { side, file_name, databases })
                }
                Some(Err(error)) => (host.post)(Response::Failed { side, file_name, message: error.to_string() }),
                None => {}
            }
            host.owe_comparison();
        });
    }

    /// Whether the read of `generation` is still wanted.
    fn wanted(&self, side: Side, generation: u64) -> bool {
        self.reading.borrow()[index(side)].as_ref().is_some_and(|r| r.generation == generation)
    }

    /// Decodes, reads and builds the catalog, telling the page how far it is. `None`: cancelled.
    async fn read_in_slices(
        &self,
        side: Side,
        generation: u64,
        file_name: &str,
        database: Option<&str>,
        bytes: &[u8],
    ) -> Option<Result<Parsed, InputError>> {
        let progress = |step: &str, percent: u8| {
            (self.post)(Response::Progress {
                side: Some(side),
                file_name: file_name.to_string(),
                step: step.to_string(),
                percent: Some(percent),
            })
        };
        progress("parsing", 0);
        let decoded = match prepare(bytes, database) {
            Ok(decoded) => decoded,
            Err(error) => return Some(Err(error)),
        };
        // The pipeline's own reading, one statement at a time: the worker pauses between slices.
        let mut reading = SideReading::start(&decoded);
        let budget = ReadingBudget::for_bytes(bytes.len());
        let started = js_sys::Date::now();
        let mut slice_start = started;
        while let Some(piece) = reading.next_statement() {
            let now = js_sys::Date::now();
            if let Err(too_slow) = budget.check((now - started) / 1000.0, piece) {
                return Some(Err(too_slow));
            }
            if now - slice_start > SLICE_MS {
                let (done, total) = reading.progress();
                progress("parsing", (done * 100 / total.max(1)) as u8);
                next_task().await;
                if !self.wanted(side, generation) {
                    return None;
                }
                slice_start = js_sys::Date::now();
            }
        }
        progress("parsing", 100);
        Some(Ok(Parsed::from_side(reading.finish(file_name, bytes))))
    }

    /// Compares once no side is being read and the requests already queued were taken.
    fn owe_comparison(self: &Rc<Self>) {
        *self.stale.borrow_mut() = true;
        if *self.scheduled.borrow() {
            return;
        }
        *self.scheduled.borrow_mut() = true;
        let host = self.clone();
        spawn_local(async move {
            next_task().await;
            *host.scheduled.borrow_mut() = false;
            let reading = host.reading.borrow().iter().any(Option::is_some);
            if reading || !*host.stale.borrow() {
                return;
            }
            *host.stale.borrow_mut() = false;
            let post = &host.post;
            let comparison = host.analyst.borrow_mut().compare_with(&mut |step| {
                post(Response::Progress { side: None, file_name: String::new(), step: step.to_string(), percent: None })
            });
            post(Response::Compared(comparison.map(Box::new)));
            // The page shows the comparison while the rollback and the report are made.
            let completion = host.analyst.borrow_mut().complete();
            post(Response::Completed(completion.map(Box::new)));
        });
    }
}

/// Serves requests in the worker: the entry point of `schemadrift-worker`.
pub fn start() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    // A bug stops the worker (WebAssembly cannot unwind): tell the page first, which starts a new
    // worker with what this one held.
    let crash_scope = scope.clone();
    std::panic::set_hook(Box::new(move |info| {
        console_error_panic_hook::hook(info);
        let message = Response::Crashed { message: info.to_string() };
        let (message, transfer) = crate::protocol::pack(&crate::protocol::encode(&message), None);
        let _ = crash_scope.post_message_with_transfer(&message, &transfer);
    }));
    let poster = scope.clone();
    let post = move |response: Response| {
        let (message, transfer) = crate::protocol::pack(&crate::protocol::encode(&response), None);
        let _ = poster.post_message_with_transfer(&message, &transfer);
    };
    post(Response::Ready);
    let host = Host::new(Box::new(post));
    let onmessage =
        wasm_bindgen::closure::Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let (bytes, payload) = crate::protocol::unpack(&event.data());
            match crate::protocol::decode::<Request>(&bytes) {
                Ok(request) => host.handle(request, payload),
                Err(message) => web_sys::console::error_1(&JsValue::from_str(&message)),
            }
        });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
}

/// Resolves in a later task, after the messages already queued were handled.
async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let global = js_sys::global();
        if let Ok(set_timeout) = js_sys::Reflect::get(&global, &JsValue::from_str("setTimeout")) {
            if let Some(set_timeout) = set_timeout.dyn_ref::<js_sys::Function>() {
                let _ = set_timeout.call1(&global, &resolve);
            }
        }
    });
    let _ = JsFuture::from(promise).await;
}
