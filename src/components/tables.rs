//! The tables tab (every table of either side, with how it differs) and the per-table view (both
//! column lists aligned, and each side's DDL side by side).

use super::changes::{object_cell, sort_header};
use super::virtual_table::virtual_table;
use crate::analysis::TableView;
use crate::client::Analysis;
use crate::protocol::Request;
use crate::state::{Comparison, SortKey, ViewState};
use leptos::prelude::*;
use schemadrift_engine::catalog::Column;
use schemadrift_engine::diff::ObjectKind;
use schemadrift_engine::diff::Property;
use schemadrift_engine::diff::{ColumnStatus, TableEntry, TableStatus};
use std::sync::Arc;

/// The inventory: one row per table, filtered by the search and ordered by the chosen column.
pub fn inventory_view(comparison: &Comparison, filter: &ViewState, view: RwSignal<ViewState>) -> impl IntoView {
    let needle = filter.search.to_lowercase();
    let mut tables: Vec<_> = comparison
        .tables
        .iter()
        .filter(|t| needle.is_empty() || t.table.to_lowercase().contains(&needle))
        .cloned()
        .collect();
    filter.sort.tables(&mut tables);
    let count = |status: TableStatus| comparison.tables.iter().filter(|t| t.status == status).count();
    let tally = format!(
        "{} only in {}, {} only in {}, {} changed, {} unchanged",
        count(TableStatus::OnlyInFrom),
        comparison.from_name,
        count(TableStatus::OnlyInTo),
        comparison.to_name,
        count(TableStatus::Changed),
        count(TableStatus::Unchanged)
    );
    let side_name = [comparison.from_name.clone(), comparison.to_name.clone()];
    let nothing = tables.is_empty();
    // The sizes the user added to either side (see `components::sizes`).
    let sized = comparison.tables.iter().any(|t| t.sizes.iter().any(Option::is_some));
    let head = view! {
        <tr>
            {sort_header("Table", SortKey::Object, filter, view)}
            {sort_header("Status", SortKey::Change, filter, view)}
            {sort_header("Changes", SortKey::Size, filter, view)}
            <th scope="col">"Columns (from → to)"</th>
            {sized.then(|| view! { <th scope="col">"Size (from → to)"</th> })}
            <th scope="col">"Comment"</th>
        </tr>
    }
    .into_any();
    let cells = Arc::new(move |t: &TableEntry| {
        let class = match t.status {
            TableStatus::OnlyInFrom => "removed",
            TableStatus::OnlyInTo => "added",
            TableStatus::Changed => "altered",
            TableStatus::Unchanged => "same",
        };
        let label = match t.status {
            TableStatus::OnlyInFrom => format!("only in {}", side_name[0]),
            TableStatus::OnlyInTo => format!("only in {}", side_name[1]),
            other => other.label().to_string(),
        };
        let columns = |n: Option<usize>| n.map_or("–".to_string(), |n| n.to_string());
        let cells = view! {
            <td class="object">{object_cell(t.table.clone(), Some(t.table.clone()), view)}</td>
            <td><span class="badge">{label}</span></td>
            <td>{t.changes}</td>
            <td>{format!("{} → {}", columns(t.columns[0]), columns(t.columns[1]))}</td>
            {sized.then(|| {
                let size = |s: Option<schemadrift_engine::input::sizes::TableSize>| {
                    s.map_or("–".to_string(), |s| schemadrift_engine::input::sizes::bytes(s.bytes))
                };
                view! { <td data-testid="table-size">{format!("{} → {}", size(t.sizes[0]), size(t.sizes[1]))}</td> }
            })}
            <td>{t.comment.clone().unwrap_or_default()}</td>
        };
        (class, cells.into_any())
    });
    let table =
        (!nothing).then(|| virtual_table("changes inventory", "tables-scroll", "table-row", head, tables, cells));
    view! {
        <section class="comparison" aria-labelledby="tables-heading">
            <h2 id="tables-heading">"Tables " <span class="count" data-testid="table-tally">{tally}</span></h2>
            {nothing.then(|| view! { <p class="empty" data-testid="no-match">"No table matches this search."</p> })}
            {table}
        </section>
    }
}

/// One table from both sides: its columns aligned row by row, then each side's DDL. The worker,
/// which holds the catalogs, makes it on request.
pub fn table_view(
    comparison: &Comparison,
    table: String,
    analysis: Analysis,
    view: RwSignal<ViewState>,
) -> impl IntoView {
    // For a confirmed rename, the from side holds the table under its old name.
    let renamed_from = comparison
        .diff
        .changes
        .iter()
        .find(|c| {
            c.object_kind == ObjectKind::Table
                && c.object == table
                && c.details.first().is_some_and(|d| d.property == Property::Name)
        })
        .and_then(|c| c.details[0].from.clone());
    analysis.send(Request::Table { table: table.clone(), renamed_from }, None);
    let names = [comparison.from_name.clone(), comparison.to_name.clone()];
    // Everything else the table owns that changed (indexes, constraints, policies, triggers, …),
    // as rows of the list of changes.
    let by_change = schemadrift_engine::risks::by_change(&comparison.risks);
    let owned: Vec<_> = comparison
        .diff
        .changes
        .iter()
        .zip(&comparison.change_tables)
        .filter(|(c, t)| c.object_kind != ObjectKind::Column && t.as_deref() == Some(table.as_str()))
        .map(|(c, t)| (c.clone(), t.clone(), by_change.get(&format!("{} {}", c.object_kind, c.object)).cloned()))
        .collect();
    move || {
        analysis.table.get().filter(|t| t.table == table).map(|t| table_sides(&t, &names, &owned, view)).unwrap_or_else(
            || {
                view! {
                    <section class="comparison table-view" data-testid="table-view-loading" aria-label="Table">
                        <p class="muted">{format!("Reading table {table}…")}</p>
                    </section>
                }
                .into_any()
            },
        )
    }
}

/// A change of the list (with its table and risk), as its rows show it.
type Owned = (schemadrift_engine::diff::Change, Option<String>, Option<schemadrift_engine::risks::ChangeRisk>);

/// Both sides' DDL side by side, the lines on one side only marked (removed, added), with buttons
/// that go to the previous and next difference.
fn ddl_pair(from: &str, to: &str, from_file: &str, to_file: &str) -> impl IntoView {
    let (removed, added) = schemadrift_engine::diff::unmatched_lines(from, to);
    let differences = removed.iter().chain(&added).filter(|m| **m).count();
    let lines = |text: &str, marks: Vec<bool>, class: &'static str| {
        text.lines()
            .zip(marks)
            .map(|(line, marked)| {
                view! { <span class=if marked { format!("line {class}") } else { "line".to_string() }>{format!("{line}\n")}</span> }
            })
            .collect_view()
    };
    let current = RwSignal::new(None::<usize>);
    let go = move |step: isize| {
        let Ok(marked) = document().query_selector_all(".ddl-pair .line.del, .ddl-pair .line.ins") else { return };
        let n = marked.length() as isize;
        if n == 0 {
            return;
        }
        let next = match current.get_untracked() {
            None if step > 0 => 0,
            None => n - 1,
            Some(i) => (i as isize + step).rem_euclid(n),
        };
        for i in 0..marked.length() {
            if let Some(element) =
                marked.item(i).and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(e).ok())
            {
                let _ = element.class_list().toggle_with_force("current", i as isize == next);
                if i as isize == next {
                    let options = web_sys::ScrollIntoViewOptions::new();
                    options.set_block(web_sys::ScrollLogicalPosition::Center);
                    element.scroll_into_view_with_scroll_into_view_options(&options);
                }
            }
        }
        current.set(Some(next as usize));
    };
    view! {
        <div class="ddl-nav" data-testid="ddl-nav">
            <span class="muted" data-testid="ddl-differences">
                {match differences { 0 => "The definitions are the same.".to_string(), 1 => "1 line differs.".to_string(), n => format!("{n} lines differ.") }}
            </span>
            " "
            <button type="button" data-testid="ddl-previous" disabled=differences == 0 on:click=move |_| go(-1)>"↑ Previous difference"</button>
            " "
            <button type="button" data-testid="ddl-next" disabled=differences == 0 on:click=move |_| go(1)>"↓ Next difference"</button>
        </div>
        <div class="ddl-pair">
            <figure>
                <figcaption>{from_file.to_string()}</figcaption>
                <pre data-testid="ddl-from"><code>{lines(from, removed, "del")}</code></pre>
            </figure>
            <figure>
                <figcaption>{to_file.to_string()}</figcaption>
                <pre data-testid="ddl-to"><code>{lines(to, added, "ins")}</code></pre>
            </figure>
        </div>
    }
}

thread_local! {
    /// The element that had focus when a table view opened: focus goes back to it when it closes.
    static OPENED_FROM: std::cell::RefCell<Option<web_sys::HtmlElement>> = const { std::cell::RefCell::new(None) };
}

/// Closes the table view and gives focus back to what opened it.
fn close_table(view: RwSignal<ViewState>) {
    view.update(|v| v.object = None);
    if let Some(element) = OPENED_FROM.with(|o| o.borrow_mut().take()) {
        request_animation_frame(move || {
            if element.is_connected() {
                let _ = element.focus();
            }
        });
    }
}

/// The table view takes focus when it opens (Escape closes it).
fn take_focus() {
    let active =
        document().active_element().and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
    // (Drawn again while open, the view keeps what opened it.)
    let inside = active.as_ref().is_some_and(|a| a.closest("[data-testid=\"table-view\"]").ok().flatten().is_some());
    if !inside {
        OPENED_FROM.with(|o| *o.borrow_mut() = active);
    }
    request_animation_frame(|| {
        if let Some(section) = document().query_selector("[data-testid=\"table-view\"]").ok().flatten() {
            if let Some(section) = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlElement>(&section) {
                let _ = section.focus();
            }
        }
    });
}

fn table_sides(
    t: &TableView,
    [from_file, to_file]: &[String; 2],
    owned: &[Owned],
    view: RwSignal<ViewState>,
) -> AnyView {
    let table = t.table.clone();
    let close = move |_| close_table(view);
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            close_table(view);
        }
    };
    take_focus();
    if !t.found {
        return view! {
            <section class="comparison table-view" data-testid="table-view" aria-label="Table" tabindex="-1" on:keydown=on_key>
                <p class="empty">{format!("Neither side has a table named {table}.")}" "
                    <button type="button" data-testid="close-table" on:click=close>"Close"</button>
                </p>
            </section>
        }
        .into_any();
    }
    let rows = t.rows.clone();
    let [from_ddl, to_ddl] = t.ddl.clone();
    let renamed_from = t.renamed_from.clone();
    let describe = |column: &Option<Column>| -> String {
        match column {
            None => String::new(),
            Some(c) => {
                let mut parts = vec![c.data_type.clone()];
                if let Some(default) = &c.default {
                    parts.push(format!("default {default}"));
                }
                if c.not_null {
                    parts.push("not null".into());
                }
                if let Some(identity) = &c.identity {
                    parts.push(format!("identity {}", identity.to_lowercase()));
                }
                if let Some(generated) = &c.generated {
                    parts.push(format!("generated {generated}"));
                }
                parts.join(", ")
            }
        }
    };
    view! {
        <section class="comparison table-view" data-testid="table-view" aria-labelledby="table-view-heading" tabindex="-1" on:keydown=on_key>
            <h2 id="table-view-heading">
                "Table " <code>{table.clone()}</code>
                {renamed_from.map(|old| view! { " (renamed from " <code>{old}</code> ")" })}
                " "
                <button type="button" data-testid="close-table" on:click=close>"Close"</button>
            </h2>
            <table class="changes columns-aligned">
                <thead>
                    <tr>
                        <th scope="col">{from_file.clone()}</th>
                        <th scope="col"></th>
                        <th scope="col">{to_file.clone()}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|row| {
                            let (class, sign) = match row.status {
                                ColumnStatus::Same => ("same", "="),
                                ColumnStatus::Added => ("added", "+"),
                                ColumnStatus::Removed => ("removed", "−"),
                                ColumnStatus::Changed => ("altered", "≠"),
                            };
                            let name = |c: &Option<Column>| c.as_ref().map(|c| c.name.clone()).unwrap_or_default();
                            let title = if row.differs.is_empty() { String::new() } else { format!("differs: {}", row.differs.join(", ")) };
                            view! {
                                <tr data-testid="column-row" class=class>
                                    <td><code>{name(&row.from)}</code>" "<span class="muted">{describe(&row.from)}</span></td>
                                    <td class="sign" title=title.clone() aria-label=title>{sign}</td>
                                    <td><code>{name(&row.to)}</code>" "<span class="muted">{describe(&row.to)}</span></td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            {(!owned.is_empty()).then(|| view! {
                <h3>{format!("Its other changes ({})", owned.len())}</h3>
                <table class="changes owned" data-testid="owned-changes">
                    <thead>
                        <tr>
                            <th scope="col">"Change"</th>
                            <th scope="col">"Kind"</th>
                            <th scope="col">"Object"</th>
                            <th scope="col">"Risk"</th>
                            <th scope="col">"Details (from → to)"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {owned.iter().map(|row| {
                            let (class, cells) = super::changes::change_cells(row, view);
                            view! { <tr data-testid="owned-row" class=class>{cells}</tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {ddl_pair(&from_ddl, &to_ddl, from_file, to_file)}
        </section>
    }
    .into_any()
}
