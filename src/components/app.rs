//! The whole page: header with actions, the two input panels, and the comparison.

use super::changes::Changes;
use super::dump_panel::DumpPanel;
use super::summary::Summary;
use crate::state::{Side, ViewState, Workspace};
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    // Drift controls and filters live in the URL: a link or a reload shows the same view.
    let view = RwSignal::new(ViewState::from_query(&current_query()));
    // A first visit shows the demo comparison straight away, so a newcomer sees what the tool does;
    // a link with `?from=…&to=…` loads those dumps instead.
    let urls = view.with_untracked(|v| v.urls.clone());
    let workspace =
        RwSignal::new(if urls.iter().any(Option::is_some) { Workspace::default() } else { Workspace::demo() });
    for (side, url) in [Side::From, Side::To].into_iter().zip(urls) {
        if let Some(url) = url {
            super::file_reading::load_url(workspace, side, url);
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
    Effect::new(move |_| replace_query(&view.with(ViewState::to_query)));
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
                    on:click=move |_| workspace.update(Workspace::swap)
                >
                    "⇄ Swap"
                </button>
                <button
                    type="button"
                    data-testid="load-demo"
                    title="Load the demo comparison (Fieldbook production → staging)"
                    on:click=move |_| workspace.set(Workspace::demo())
                >
                    "Load demo"
                </button>
            </nav>
        </header>
        <main>
            <div class="sides">
                <DumpPanel side=Side::From workspace=workspace />
                <DumpPanel side=Side::To workspace=workspace />
            </div>
            <Changes workspace=workspace view=view />
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
