//! Long tables, virtualized: only the rows in view (and a few around them) are in the page.
//!
//! Up to [`PLAIN_ROWS`] rows a table is plain: every row, each as tall as its content. Longer ones
//! scroll inside a box; every row there is [`ROW_HEIGHT`] pixels high with its content on one line,
//! spacers stand for the rows out of view, and a row's full content opens above the table when it
//! is clicked. Sorting and filtering give a new list, which starts again at its top. Spacer heights
//! are set through the CSSOM: the page's CSP refuses `style` attributes.

use leptos::prelude::*;
use std::sync::Arc;

/// Tables up to this many rows show every row in full.
pub const PLAIN_ROWS: usize = 200;
/// Height of a row of a virtualized table, in CSS pixels (style/main.css: `.fixed-rows`).
pub const ROW_HEIGHT: f64 = 40.0;
/// Rows rendered above and below the visible ones, so fast scrolling shows no gap.
const OVERSCAN: usize = 10;

/// Renders one row: its class and its cells (`<td>`s).
pub type RowView<T> = Arc<dyn Fn(&T) -> (&'static str, AnyView) + Send + Sync>;

/// A table of `rows` under `head` (the `<tr>` of the header), virtualized when long. Each row is a
/// `<tr>` with `data-testid=row_test_id`; `test_id` names the scroll box of a virtualized table.
pub fn virtual_table<T: Send + Sync + 'static>(
    class: &'static str,
    test_id: &'static str,
    row_test_id: &'static str,
    head: AnyView,
    rows: Vec<T>,
    row: RowView<T>,
) -> AnyView {
    let total = rows.len();
    let plain_row = move |row: &RowView<T>, r: &T| {
        let (row_class, cells) = row(r);
        view! { <tr data-testid=row_test_id class=row_class>{cells}</tr> }
    };
    if total <= PLAIN_ROWS {
        let body = rows.iter().map(|r| plain_row(&row, r)).collect_view();
        return view! {
            <table class=class>
                <thead>{head}</thead>
                <tbody on:keydown=row_keys>{body}</tbody>
            </table>
        }
        .into_any();
    }
    let rows = Arc::new(rows);
    let top = RwSignal::new(0.0_f64);
    // Until the box is measured: a guess at its height (it is at most 70% of the window).
    let viewport = RwSignal::new(800.0_f64);
    let expanded = RwSignal::new(None::<usize>);
    let window = Memo::new(move |_| {
        let first = (top.get() / ROW_HEIGHT).floor().max(0.0) as usize;
        let visible = (viewport.get() / ROW_HEIGHT).ceil() as usize + 1;
        let start = first.saturating_sub(OVERSCAN).min(total);
        (start, (first + visible + OVERSCAN).min(total))
    });
    let on_scroll = move |ev: web_sys::Event| {
        let element = event_target::<web_sys::HtmlElement>(&ev);
        top.set(element.scroll_top() as f64);
        viewport.set(element.client_height() as f64);
    };
    let shown = {
        let (rows, row) = (rows.clone(), row.clone());
        move || {
            expanded.get().filter(|i| *i < total).map(|i| {
                view! {
                    <div class="expanded-row" data-testid="expanded-row">
                        <table class=class>
                            <tbody>{plain_row(&row, &rows[i])}</tbody>
                        </table>
                        <button type="button" class="link" data-testid="close-expanded" on:click=move |_| expanded.set(None)>
                            "Close"
                        </button>
                    </div>
                }
            })
        }
    };
    let each_row = move |i: usize| {
        let (row_class, cells) = row(&rows[i]);
        view! {
            <tr
                data-testid=row_test_id
                class=format!("{row_class} virtual-row")
                aria-rowindex=i + 2
                title="Click to show the whole row"
                on:click=move |ev: web_sys::MouseEvent| {
                    // A link or button inside the row does its own thing.
                    let inside_control = ev
                        .target()
                        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                        .and_then(|e| e.closest("button, a, input").ok().flatten())
                        .is_some();
                    if !inside_control {
                        expanded.set(Some(i));
                    }
                }
            >
                {cells}
            </tr>
        }
    };
    view! {
        <div>
            {shown}
            <p class="muted" data-testid="virtual-note">
                {format!("{total} rows: scroll the box to see them all; click a row to show it whole.")}
            </p>
            <div class="virtual" data-testid=test_id tabindex="0" on:scroll=on_scroll>
                <table class=format!("{class} fixed-rows") aria-rowcount=total + 1>
                    <thead>{head}</thead>
                    <tbody on:keydown=row_keys>
                        <tr class="spacer" aria-hidden="true" style:height=move || format!("{}px", window.get().0 as f64 * ROW_HEIGHT)></tr>
                        <For each=move || { let (a, b) = window.get(); a..b } key=|i| *i children=each_row />
                        <tr class="spacer" aria-hidden="true" style:height=move || format!("{}px", (total - window.get().1) as f64 * ROW_HEIGHT)></tr>
                    </tbody>
                </table>
            </div>
        </div>
    }
    .into_any()
}

/// Keys inside a table's rows. A row is one Tab stop (its first control; the cell renderers give
/// the others `tabindex="-1"`): Left and Right move between the controls of the row, Up and Down to
/// the control at the same place in the row above or below.
fn row_keys(ev: web_sys::KeyboardEvent) {
    use wasm_bindgen::JsCast;
    let key = ev.key();
    if !matches!(key.as_str(), "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown") {
        return;
    }
    let Some(focused) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
    if focused.matches("input, select, textarea").unwrap_or(false) {
        return;
    }
    let Some(row) = focused.closest("tr").ok().flatten() else { return };
    let controls = |row: &web_sys::Element| -> Vec<web_sys::HtmlElement> {
        let Ok(all) = row.query_selector_all("button, a[href]") else { return Vec::new() };
        (0..all.length()).filter_map(|i| all.item(i)?.dyn_into::<web_sys::HtmlElement>().ok()).collect()
    };
    let here = controls(&row);
    let Some(at) = here.iter().position(|c| c.is_same_node(Some(&focused))) else { return };
    let target = match key.as_str() {
        "ArrowRight" => here.get((at + 1) % here.len()).cloned(),
        "ArrowLeft" => here.get((at + here.len() - 1) % here.len()).cloned(),
        _ => {
            let mut next = row.clone();
            loop {
                let sibling =
                    if key == "ArrowDown" { next.next_element_sibling() } else { next.previous_element_sibling() };
                let Some(sibling) = sibling else { break None };
                let there = controls(&sibling);
                if !there.is_empty() {
                    break there.get(at.min(there.len() - 1)).cloned();
                }
                next = sibling;
            }
        }
    };
    if let Some(target) = target {
        ev.prevent_default();
        let _ = target.focus();
    }
}
