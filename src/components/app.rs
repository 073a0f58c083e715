//! The whole page: header with actions, the two input panels, and the comparison.

use super::changes::Changes;
use super::dump_panel::DumpPanel;
use super::summary::Summary;
use crate::state::{Side, ViewState, Workspace};
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    // A first visit shows the demo comparison straight away, so a newcomer sees what the tool does.
    let workspace = RwSignal::new(Workspace::demo());
    // Drift controls and filters live in the URL: a link or a reload shows the same view.
    let view = RwSignal::new(ViewState::from_query(&current_query()));
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
