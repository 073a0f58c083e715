//! The whole page: header with actions, the two input panels, and the comparison.

use super::changes::Changes;
use super::dump_panel::DumpPanel;
use super::summary::Summary;
use crate::state::{Side, Workspace};
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    // A first visit shows the demo comparison straight away, so a newcomer sees what the tool does.
    let workspace = RwSignal::new(Workspace::demo());
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
            <Changes workspace=workspace />
            <Summary workspace=workspace />
        </main>
        <footer>
            <p>"No server, no database connection: your dumps are read by this page and never uploaded."</p>
        </footer>
    }
}
