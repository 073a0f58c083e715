//! The whole page: header with actions, the two input panels, and the comparison.

use super::changes::Changes;
use super::dump_panel::DumpPanel;
use super::summary::Summary;
use super::verdict::Verdict;
use crate::client::Analysis;
use crate::protocol::Request;
use crate::state::{Side, ViewState, Workspace};
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    // Drift controls and filters live in the URL: a link or a reload shows the same view.
    let view = RwSignal::new(crate::url::from_query(&current_query()));
    // A first visit shows the demo comparison straight away, so a newcomer sees what the tool does;
    // a link with `?from=…&to=…` loads those dumps instead.
    let urls = view.with_untracked(|v| v.urls.clone());
    let linked = urls.iter().any(Option::is_some);
    let analysis = Analysis::new(if linked { Workspace::default() } else { Workspace::demo() });
    let workspace = analysis.workspace;
    analysis.start();
    analysis.send(Request::Options(view.with_untracked(ViewState::options)), None);
    if !linked {
        analysis.send(Request::Demo, None);
    }
    for (side, url) in [Side::From, Side::To].into_iter().zip(urls) {
        if let Some(url) = url {
            super::file_reading::load_url(analysis, side, url);
        }
    }
    // A side that now holds another dump (a file, pasted text, the demo) no longer follows its URL.
    Effect::new(move |_| {
        let names = workspace.with(|w| {
            [Side::From, Side::To].map(|side| {
                let panel = w.panel(side);
                let idle = panel.activity == crate::state::Activity::Idle;
                panel.dump.as_ref().filter(|_| idle).map(|d| d.file_name.clone())
            })
        });
        let stale = view.with_untracked(|v| {
            v.urls
                .iter()
                .zip(&names)
                .map(|(url, name)| match (url, name) {
                    (Some(url), Some(name)) => super::file_reading::url_file_name(url) != *name,
                    _ => false,
                })
                .collect::<Vec<_>>()
        });
        if stale.iter().any(|s| *s) {
            view.update(|v| {
                for (url, stale) in v.urls.iter_mut().zip(stale) {
                    if stale {
                        *url = None;
                    }
                }
            });
        }
    });
    Effect::new(move |_| replace_query(&view.with(crate::url::to_query)));
    // The inputs fold away once two dumps are compared (the verdict comes first); they stay open
    // while a side is being read, could not be read or waits for a choice, or has something to say
    // (secrets, statements not understood, warnings), and the user's own opening or closing is kept.
    let inputs_open: RwSignal<Option<bool>> = RwSignal::new(None);
    let compared = move || analysis.comparison.with(Option::is_some);
    let must_open = move || {
        workspace.with(|w| {
            [Side::From, Side::To].iter().any(|side| {
                let panel = w.panel(*side);
                // What a side says about itself must be seen: secrets, statements not understood,
                // what decoding did.
                let says = panel
                    .dump
                    .as_ref()
                    .is_none_or(|d| !d.secrets.is_empty() || !d.not_understood.is_empty() || !d.warnings.is_empty());
                says || panel.activity != crate::state::Activity::Idle
            })
        })
    };
    let inputs_summary = move || {
        let names = workspace.with(|w| {
            [Side::From, Side::To]
                .map(|side| w.panel(side).dump.as_ref().map(|d| (d.file_name.clone(), d.summary.bytes)))
        });
        match names {
            [Some(from), Some(to)] => format!(
                "The two dumps: {} ({}) → {} ({})",
                from.0,
                schemadrift_engine::input::sizes::bytes(from.1 as u64),
                to.0,
                schemadrift_engine::input::sizes::bytes(to.1 as u64)
            ),
            _ => "The two dumps".to_string(),
        }
    };
    view! {
        <header class="topbar">
            <div class="brand">
                <span class="logo">"schemadrift"</span>
                <span class="tagline">"Compare two PostgreSQL schema dumps. Everything stays in your browser."</span>
            </div>
            <nav class="toolbar" aria-label="Actions">
                <button
                    type="button"
                    data-testid="swap"
                    title="Exchange the from and to sides"
                    disabled=move || workspace.with(Workspace::reading)
                    on:click=move |_| {
                        workspace.update(Workspace::swap);
                        analysis.send(Request::Swap, None);
                        view.update(|v| v.drift.sizes.swap(0, 1));
                    }
                >
                    "⇄ Swap"
                </button>
                <button
                    type="button"
                    data-testid="load-demo"
                    title="Load the demo comparison (Fieldbook production → staging)"
                    on:click=move |_| {
                        workspace.update(Workspace::await_demo);
                        analysis.send(Request::Demo, None);
                    }
                >
                    "Load demo"
                </button>
            </nav>
        </header>
        <main>
            <Verdict analysis=analysis view=view />
            <details
                class="inputs"
                data-testid="inputs"
                prop:open=move || must_open() || inputs_open.get().unwrap_or(!compared())
                on:toggle=move |ev| {
                    let open = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlDetailsElement>(&event_target::<web_sys::EventTarget>(&ev))
                        .map(|d| d.open());
                    if let Some(open) = open {
                        if open != (must_open() || inputs_open.get_untracked().unwrap_or(!compared())) {
                            inputs_open.set(Some(open));
                        }
                    }
                }
            >
                // A file dragged over the folded inputs opens them, to be dropped on a side.
                <summary data-testid="inputs-summary" on:dragenter=move |_| inputs_open.set(Some(true))>
                    {inputs_summary}
                </summary>
                <div class="sides">
                    <DumpPanel side=Side::From analysis=analysis view=view />
                    <DumpPanel side=Side::To analysis=analysis view=view />
                </div>
            </details>
            <Changes analysis=analysis view=view />
            <Summary workspace=workspace />
        </main>
        <footer>
            <p>"No server, no database connection: your dumps are read by this page and never uploaded."</p>
        </footer>
    }
}

fn current_query() -> String {
    web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default()
}

/// Replaces the page URL's query without a reload or a history entry.
fn replace_query(query: &str) {
    let Some(window) = web_sys::window() else { return };
    let path = window.location().pathname().unwrap_or_default();
    let hash = window.location().hash().unwrap_or_default();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("{path}{query}{hash}")));
    }
}
