//! Long lists of uneven items (risk cards, the script's statements, compatibility rows, ORM
//! lines), put into the page a chunk at a time: the first chunk at once, then one more each
//! animation frame. Opening a tab never holds the page's thread for long, and the whole list is in
//! the page a moment later (so the browser's find, copying and printing see all of it). Lists of
//! rows of one height are virtualized instead (`virtual_table`).

use leptos::prelude::*;
use std::sync::Arc;

/// `items`, each rendered by `render`, `chunk` more per animation frame (a chunk's items should
/// take well under the 100 ms a task may: a few dozen cards). `ready` runs after each chunk is in
/// the page, with whether every item is.
pub fn progressive<T: Send + Sync + 'static>(
    items: Vec<T>,
    chunk: usize,
    render: impl Fn(&T) -> AnyView + Send + Sync + 'static,
    ready: impl Fn(bool) + Send + Sync + 'static,
) -> impl IntoView {
    let total = items.len();
    let chunk = chunk.max(1);
    let shown = RwSignal::new(chunk.min(total));
    let (items, render, ready) = (Arc::new(items), Arc::new(render), Arc::new(ready));
    more(shown, total, chunk, ready);
    view! { <For each=move || 0..shown.get() key=|i| *i children=move |i| render(&items[i]) /> }
}

/// After the next frame: one chunk more, until all are shown or the list left the page.
fn more(shown: RwSignal<usize>, total: usize, chunk: usize, ready: Arc<dyn Fn(bool) + Send + Sync>) {
    request_animation_frame(move || {
        let Some(now) = shown.try_get_untracked() else { return };
        ready(now >= total);
        if now < total && shown.try_update(|n| *n = (*n + chunk).min(total)).is_some() {
            more(shown, total, chunk, ready);
        }
    });
}
