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
        .map(|(c, t)| (c.clone(), t.clone(), by_change.of_change(c), Vec::new()))
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
type Owned = super::changes::Row;

fn table_sides(
    t: &TableView,
    [from_file, to_file]: &[String; 2],
    owned: &[Owned],
    view: RwSignal<ViewState>,
) -> AnyView {
    let table = t.table.clone();
    let close = move |_| {
        view.update(|v| v.object = None);
        super::focus::give_back();
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            view.update(|v| v.object = None);
            super::focus::give_back();
        }
    };
    super::focus::take("table-view");
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
                if let Some(identity) = &c.more.identity {
                    parts.push(format!("identity {}", identity.to_lowercase()));
                }
                if let Some(generated) = &c.more.generated {
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
            {super::side_by_side::side_by_side("[data-testid=\"table-view\"]", &from_ddl, &to_ddl, from_file, to_file)}
        </section>
    }
    .into_any()
}
