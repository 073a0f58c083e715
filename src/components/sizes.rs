//! One side's table sizes: the query to run (with a copy button), a sizes file to choose, what it
//! holds, or why it was refused. The sizes go into the comparison's options, so the worker levels
//! rewrites and index builds by them and the tables tab shows them; without them nothing changes.

use super::report::copy_button;
use crate::state::{Side, ViewState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use schemadrift_engine::input::sizes::{bytes, parse, Sizes, MAX_BYTES, QUERY};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[component]
pub fn SizesInput(side: Side, view: RwSignal<ViewState>) -> impl IntoView {
    let slot = match side {
        Side::From => 0,
        Side::To => 1,
    };
    let refused = RwSignal::new(None::<String>);
    let loaded = Memo::new(move |_| view.with(|v| v.drift.sizes[slot].clone()));
    let command = format!("psql -X --csv -c \"{QUERY}\" > sizes.csv");
    let on_choose = move |ev: web_sys::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            read(file, slot, view, refused);
        }
        input.set_value("");
    };
    let what_it_does = match side {
        Side::From => "rewrites and index builds of the migration are levelled by the size of the table they touch",
        Side::To => "the rollback's rewrites and index builds are levelled by the size of the table they touch",
    };
    view! {
        <details class="sizes" data-testid=format!("{}-sizes", side.id())>
            <summary>
                {move || match loaded.get() {
                    Some(sizes) => format!(
                        "Table sizes: {} ({} tables, {} in all)",
                        sizes.file_name,
                        sizes.tables.len(),
                        bytes(sizes.total_bytes())
                    ),
                    None => "Add table sizes (optional)".to_string(),
                }}
            </summary>
            <p class="hint">
                {format!("With each table's size, {what_it_does}, and the tables tab shows them. Run this on that database: it reads the catalog only (pg_class, pg_total_relation_size), no rows.")}
            </p>
            <pre class="command"><code>{command.clone()}</code></pre>
            <div class="actions">
                {copy_button("Copy command", "copy-sizes-query", command)}
                <label class="button">
                    "Choose sizes file…"
                    <input
                        type="file"
                        class="visually-hidden"
                        accept=".csv,text/csv,text/plain"
                        data-testid=format!("{}-sizes-input", side.id())
                        on:change=on_choose
                    />
                </label>
                {move || loaded.with(Option::is_some).then(|| view! {
                    <button
                        type="button"
                        data-testid=format!("{}-sizes-remove", side.id())
                        on:click=move |_| {
                            refused.set(None);
                            view.update(|v| v.drift.sizes[slot] = None);
                        }
                    >
                        "Remove sizes"
                    </button>
                })}
            </div>
            {move || refused.get().map(|message| view! {
                <p class="status error" role="alert" data-testid=format!("{}-sizes-error", side.id())>{message}</p>
            })}
            {move || loaded.get().map(|sizes| view! {
                <p class="status" data-testid=format!("{}-sizes-loaded", side.id())>
                    {format!("{}: {} tables, {} in all.", sizes.file_name, sizes.tables.len(), bytes(sizes.total_bytes()))}
                </p>
            })}
        </details>
    }
}

/// Reads a chosen sizes file; a bad one is refused with its line and what is wrong, and the sizes
/// held before stay.
fn read(file: web_sys::File, slot: usize, view: RwSignal<ViewState>, refused: RwSignal<Option<String>>) {
    let name = file.name();
    if file.size() > MAX_BYTES as f64 {
        refused.set(Some(format!(
            "{name}: the file holds {}, more than a sizes file can (64 MB)",
            bytes(file.size() as u64)
        )));
        return;
    }
    spawn_local(async move {
        let outcome = match JsFuture::from(file.array_buffer()).await {
            Ok(buffer) => {
                let bytes = js_sys::Uint8Array::new(&buffer.unchecked_into()).to_vec();
                parse(&name, &bytes).map_err(|e| format!("{name}: {e}"))
            }
            Err(_) => Err(format!("{name}: the browser could not read it; check that the file still exists")),
        };
        apply(outcome, slot, view, refused);
    });
}

fn apply(outcome: Result<Sizes, String>, slot: usize, view: RwSignal<ViewState>, refused: RwSignal<Option<String>>) {
    match outcome {
        Ok(sizes) => {
            refused.set(None);
            view.update(|v| v.drift.sizes[slot] = Some(sizes));
        }
        Err(message) => refused.set(Some(message)),
    }
}
