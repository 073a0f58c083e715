//! The page's side of a proof: it starts the PGlite worker (`prove-worker.js`, a module worker
//! loaded from the app's own files only when the user asks), hands it the job the analysis worker
//! wrote, shows its stages, and passes what it reports back to the analysis worker to be judged.
//! The migration is proven first, then the rollback. The page judges nothing.

use crate::proving::Card;
use leptos::prelude::*;
use schemadrift_engine::proof::Direction;
use std::cell::RefCell;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The proof worker Trunk copies next to index.html; the version keeps a cached one of another
/// release from running.
const PROVER_URL: &str = concat!("./prove-worker.js?v=", env!("CARGO_PKG_VERSION"));

/// What the migration tab shows of the proofs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Proving {
    /// The proof running now, if any.
    pub running: Option<Running>,
    /// The verdicts so far (migration, then rollback), each with the seconds it took.
    pub done: Vec<(Card, f64)>,
    /// Why the proofs stopped before a verdict (cancelled, or the worker could not start).
    pub stopped: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Running {
    pub direction: Direction,
    pub stage: String,
    pub done: u32,
    pub total: u32,
    /// `performance.now()`-style milliseconds when this direction started.
    pub started: f64,
}

thread_local! {
    /// The PGlite worker of the proof running now.
    static PROVER: RefCell<Option<web_sys::Worker>> = const { RefCell::new(None) };
    /// Counts proofs, so that messages of a cancelled one are ignored.
    static RUN: RefCell<u64> = const { RefCell::new(0) };
}

pub fn now() -> f64 {
    js_sys::Date::now()
}

/// Stops the proof running now, if any (the worker is terminated: PostgreSQL stops with it).
pub fn stop() {
    RUN.with(|r| *r.borrow_mut() += 1);
    PROVER.with(|p| {
        if let Some(worker) = p.borrow_mut().take() {
            worker.terminate();
        }
    });
}

/// Runs `job` in a new PGlite worker; `on_outcome` gets the JSON it reports, `proving` its stages.
pub fn run(direction: Direction, job: Vec<u8>, proving: RwSignal<Proving>, on_outcome: impl Fn(Vec<u8>) + 'static) {
    stop();
    let run = RUN.with(|r| *r.borrow());
    let current = move || RUN.with(|r| *r.borrow()) == run;
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    let worker = match web_sys::Worker::new_with_options(PROVER_URL, &options) {
        Ok(worker) => worker,
        Err(_) => {
            proving.update(|p| {
                p.running = None;
                p.stopped = Some("the browser could not start PostgreSQL (module workers are needed)".into());
            });
            return;
        }
    };
    proving.update(|p| {
        // A second job of the same proof (the rest, without a missing extension) keeps its start.
        let started = p.running.as_ref().filter(|r| r.direction == direction).map_or_else(now, |r| r.started);
        p.running = Some(Running { direction, stage: "starting PostgreSQL".into(), done: 0, total: 1, started });
        p.stopped = None;
    });
    let onmessage = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        if !current() {
            return;
        }
        let data = event.data();
        let get = |key: &str| js_sys::Reflect::get(&data, &key.into()).ok();
        if let Some(outcome) = get("outcome").and_then(|o| o.dyn_into::<js_sys::ArrayBuffer>().ok()) {
            PROVER.with(|p| {
                if let Some(worker) = p.borrow_mut().take() {
                    worker.terminate();
                }
            });
            proving.update(|p| {
                if let Some(running) = &mut p.running {
                    running.stage = "comparing with the target".into();
                }
            });
            on_outcome(js_sys::Uint8Array::new(&outcome).to_vec());
            return;
        }
        let stage = get("stage").and_then(|s| s.as_string()).unwrap_or_default();
        let number = |key: &str| get(key).and_then(|n| n.as_f64()).unwrap_or(0.0) as u32;
        let (done, total) = (number("done"), number("total").max(1));
        proving.update(|p| {
            if let Some(running) = &mut p.running {
                (running.stage, running.done, running.total) = (stage, done, total);
            }
        });
    });
    worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    let onerror = Closure::<dyn Fn(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
        event.prevent_default();
        if current() {
            stop();
            let message = event.message();
            proving.update(|p| {
                p.running = None;
                p.stopped = Some(format!(
                    "PostgreSQL stopped while proving the {}: {}",
                    direction.name(),
                    if message.is_empty() { "its files could not be loaded".to_string() } else { message }
                ));
            });
        }
    });
    worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
    onerror.forget();
    let bytes = js_sys::Uint8Array::from(job.as_slice());
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"job".into(), &bytes.buffer());
    let _ = worker.post_message_with_transfer(&message, &js_sys::Array::of1(&bytes.buffer()));
    PROVER.with(|p| *p.borrow_mut() = Some(worker));
}
