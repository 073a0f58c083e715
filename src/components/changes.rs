//! The comparison: one sentence, counts per kind, drift controls and filters, and every change as a row.

use super::virtual_table::virtual_table;
use crate::client::{Analysis, Status};
use crate::protocol::Request;
use crate::state::{Comparison, Export, SortKey, Tab, ViewState};
use leptos::prelude::*;
use schemadrift_engine::diff::{Change, ChangeKind, ObjectKind, Rename};
use schemadrift_engine::risks::ChangeRisk;
use std::sync::Arc;

#[component]
pub fn Changes(analysis: Analysis, view: RwSignal<ViewState>) -> impl IntoView {
    // The diff depends on the drift controls only; filters and search just choose rows. The worker
    // compares again with its catalogs when they change (App sent the first options).
    let options = Memo::new(move |_| view.with(ViewState::options));
    Effect::new(move |first: Option<()>| {
        let options = options.get();
        if first.is_some() {
            analysis.send(Request::Options(options), None);
        }
    });
    let comparison = analysis.comparison;
    let kinds = Memo::new(move |_| {
        comparison.with(|c| c.as_ref().map(|c| c.diff.counts_by_kind().keys().copied().collect::<Vec<_>>()))
    });
    let toggle = move |label: &'static str,
                       test_id: &'static str,
                       get: fn(&ViewState) -> bool,
                       set: fn(&mut ViewState, bool)| {
        view! {
            <label class="toggle">
                <input
                    type="checkbox"
                    data-testid=test_id
                    prop:checked=move || view.with(get)
                    on:change=move |ev| view.update(|v| set(v, event_target_checked(&ev)))
                />
                {label}
            </label>
        }
    };
    let controls = view! {
        <section
            class="comparison controls"
            aria-label="What to compare and show"
            hidden=move || comparison.with(Option::is_none)
        >
            <div class="toggles" role="group" aria-label="Leave out of the comparison">
                {toggle("Ignore owners", "ignore-owners", |v| v.drift.ignore_owners, |v, on| v.drift.ignore_owners = on)}
                {toggle("Ignore grants", "ignore-grants", |v| v.drift.ignore_grants, |v, on| v.drift.ignore_grants = on)}
                {toggle("Ignore comments", "ignore-comments", |v| v.drift.ignore_comments, |v, on| v.drift.ignore_comments = on)}
                {toggle("Ignore extension versions", "ignore-extension-versions", |v| v.drift.ignore_extension_versions, |v, on| v.drift.ignore_extension_versions = on)}
                {toggle("Ignore storage parameters", "ignore-storage", |v| v.drift.ignore_storage_parameters, |v, on| v.drift.ignore_storage_parameters = on)}
                {toggle("Ignore tablespaces", "ignore-tablespaces", |v| v.drift.ignore_tablespaces, |v, on| v.drift.ignore_tablespaces = on)}
                {toggle("Hide Supabase-managed schemas", "hide-platform-schemas", |v| v.drift.exclude_platform_schemas, |v, on| v.drift.exclude_platform_schemas = on)}
                {toggle("One row for the same change in several schemas", "fold-schemas", |v| !v.unfold, |v, on| v.unfold = !on)}
                {toggle("Group by schema and table", "group-by-table", |v| v.group, |v, on| v.group = on)}
            </div>
            <div class="filters">
                <label>
                    "Risk "
                    <select
                        data-testid="risk-filter"
                        prop:value=move || view.with(|v| v.risk_level.map(|l| l.label()).unwrap_or_default())
                        on:change=move |ev| {
                            let value = event_target_value(&ev);
                            view.update(|v| v.risk_level = schemadrift_engine::risks::Level::parse(&value));
                        }
                    >
                        <option value="">"Any"</option>
                        <option value="high">"High"</option>
                        <option value="medium">"Medium"</option>
                        <option value="low">"Low"</option>
                    </select>
                </label>
                <label>
                    "Kind "
                    <select
                        data-testid="kind-filter"
                        prop:value=move || view.with(|v| v.kind.map(|k| k.as_str()).unwrap_or_default())
                        on:change=move |ev| {
                            let value = event_target_value(&ev);
                            view.update(|v| v.kind = ObjectKind::parse(&value));
                        }
                    >
                        <option value="">"All kinds"</option>
                        {move || {
                            kinds
                                .get()
                                .unwrap_or_default()
                                .into_iter()
                                .map(|kind| {
                                    let selected = view.with(|v| v.kind == Some(kind));
                                    view! { <option value=kind.as_str() selected=selected>{kind.words()}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                </label>
                <label>
                    "Search "
                    <input
                        type="search"
                        data-testid="search"
                        placeholder="name or definition"
                        prop:value=move || view.with(|v| v.search.clone())
                        on:input=move |ev| view.update(|v| v.search = event_target_value(&ev))
                    />
                </label>
            </div>
        </section>
    };
    // Each tab shows how many changes it holds (before the search and kind filter).
    let tab_counts = Memo::new(move |_| {
        comparison.with(|c| {
            let changes = c.as_ref().map(|c| c.diff.changes.as_slice()).unwrap_or_default();
            let differing_tables = c.as_ref().map_or(0, |c| {
                c.tables.iter().filter(|t| t.status != schemadrift_engine::diff::TableStatus::Unchanged).count()
            });
            // The tables tab lists tables, so it counts the tables that differ.
            Tab::ALL.map(|tab| match tab {
                Tab::Tables => differing_tables,
                Tab::Risks => c.as_ref().map_or(0, |c| c.risks.len()),
                Tab::Compatibility => c.as_ref().map_or(0, |c| c.compat.len()),
                Tab::Migration => c.as_ref().map_or(0, |c| c.plan.steps.len()),
                Tab::Report => Export::ALL.len(),
                _ => changes.iter().filter(|change| tab.holds(change.object_kind)).count(),
            })
        })
    });
    // An ARIA tablist: one Tab stop (the selected tab); arrows, Home and End move between tabs.
    let on_tab_key = move |ev: web_sys::KeyboardEvent| {
        let current = Tab::ALL.iter().position(|t| view.with_untracked(|v| v.tab == *t)).unwrap_or(0);
        let last = Tab::ALL.len() - 1;
        let next = match ev.key().as_str() {
            "ArrowRight" | "ArrowDown" => (current + 1) % Tab::ALL.len(),
            "ArrowLeft" | "ArrowUp" => (current + last) % Tab::ALL.len(),
            "Home" => 0,
            "End" => last,
            _ => return,
        };
        ev.prevent_default();
        view.update(|v| v.tab = Tab::ALL[next]);
        let id = format!("tab-{}", Tab::ALL[next].id());
        request_animation_frame(move || {
            let selector = format!("[data-testid=\"{id}\"]");
            if let Some(tab) = document().query_selector(&selector).ok().flatten() {
                if let Some(tab) = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlElement>(&tab) {
                    let _ = tab.focus();
                }
            }
        });
    };
    // The opened views are drawn again only when what they show changes (not on every filter or
    // keystroke in the search, which would take focus from it).
    let open_definition = Memo::new(move |_| view.with(|v| v.definition.clone()));
    // The groups of a grouped list that are folded away (by their table or schema).
    let collapsed: RwSignal<std::collections::BTreeSet<String>> = RwSignal::new(Default::default());
    let open_table = Memo::new(move |_| view.with(|v| v.object.clone()));
    let tabs = view! {
        <nav class="tabs" role="tablist" aria-label="Changes by kind" hidden=move || comparison.with(Option::is_none) on:keydown=on_tab_key>
            {Tab::ALL
                .into_iter()
                .enumerate()
                .map(|(i, tab)| {
                    let selected = move || view.with(|v| v.tab == tab);
                    view! {
                        <button
                            type="button"
                            role="tab"
                            class="tab"
                            data-testid=format!("tab-{}", tab.id())
                            aria-selected=move || selected().to_string()
                            tabindex=move || if selected() { "0" } else { "-1" }
                            on:click=move |_| view.update(|v| v.tab = tab)
                        >
                            {tab.label()}
                            " "
                            <span class="count">{move || tab_counts.get()[i]}</span>
                        </button>
                    }
                })
                .collect_view()}
        </nav>
    };
    view! {
        {move || comparison.with(|c| c.as_deref().map(kinds_view))}
        {tabs}
        {controls}
        {move || status_view(analysis.status.get())}
        {move || comparison.get().and_then(|c| {
            let names = [c.from_name.clone(), c.to_name.clone()];
            open_definition.get().map(|d| super::definition::definition_view(d, names, analysis, view))
        })}
        {move || comparison.get().and_then(|c| open_table.get().map(|t| super::tables::table_view(&c, t, analysis, view)))}
        {move || comparison.get().map(|c| comparison_view(c, view.get(), view, analysis, collapsed))}
    }
}

/// What the worker is doing once both sides are read, or why it stopped.
fn status_view(status: Option<Status>) -> impl IntoView {
    status.map(|status| match status {
        Status::Working(step) => view! {
            <p class="status reading" role="status" data-testid="analysis-status">
                <span class="spinner" aria-hidden="true"></span>
                {format!("{}…", super::dump_panel::capitalize(&step))}
                <progress></progress>
            </p>
        }
        .into_any(),
        Status::Stopped(message) => view! {
            <div class="status error" role="alert" data-testid="analysis-stopped"><p>{message}</p></div>
        }
        .into_any(),
    })
}

/// The cells of a change row: kind of change, object kind, object (a link to its table), risk with
/// the link to its statements, and the details.
/// A row of the list: a group (a table, or a schema's objects of no table) or a change.
pub(super) enum ListRow {
    Group { key: String, label: String, changes: usize, folded: bool },
    Change(Box<Row>),
}

/// The rows grouped by schema and table (`state::group_of`), groups in name order, each headed by
/// a row that folds it away; the chosen order holds within a group.
fn grouped(rows: Vec<Row>, collapsed: &std::collections::BTreeSet<String>) -> Vec<ListRow> {
    let mut groups: std::collections::BTreeMap<String, Vec<Row>> = std::collections::BTreeMap::new();
    for row in rows {
        groups.entry(crate::state::group_of(&row.0, row.1.as_deref())).or_default().push(row);
    }
    let mut out = Vec::new();
    for (key, rows) in groups {
        let is_table = rows.first().is_some_and(|r| r.1.as_deref() == Some(key.as_str()));
        let label = match (is_table, key.is_empty()) {
            (true, _) => format!("table {key}"),
            (false, true) => "the database (schemas, extensions, roles, …)".to_string(),
            (false, false) => format!("schema {key}: objects of no table"),
        };
        let folded = collapsed.contains(&key);
        out.push(ListRow::Group { key, label, changes: rows.len(), folded });
        if !folded {
            out.extend(rows.into_iter().map(|row| ListRow::Change(Box::new(row))));
        }
    }
    out
}

/// A group's row: a button that folds its changes away or shows them again.
fn group_cells(
    key: &str,
    label: &str,
    changes: usize,
    folded: bool,
    collapsed: RwSignal<std::collections::BTreeSet<String>>,
) -> (&'static str, AnyView) {
    let key = key.to_string();
    let cells = view! {
        <td colspan="5">
            <button type="button" class="group-toggle" data-testid="group-toggle" aria-expanded=(!folded).to_string()
                on:click=move |_| collapsed.update(|c| if !c.remove(&key) { c.insert(key.clone()); })>
                {if folded { "▸ " } else { "▾ " }}
                <strong>{label.to_string()}</strong>
                <span class="count">{format!(" {changes} change{}", if changes == 1 { "" } else { "s" })}</span>
            </button>
        </td>
    };
    ("group", cells.into_any())
}

/// A row of the list of changes: the change, its table, its risk, and the other schemas where the
/// same change is folded into it.
pub(super) type Row = (Change, Option<String>, Option<ChangeRisk>, Vec<String>);

pub(super) fn change_cells((change, table, risk, schemas): &Row, view: RwSignal<ViewState>) -> (&'static str, AnyView) {
    let (label, class) = match change.change {
        ChangeKind::Added => ("added", "added"),
        ChangeKind::Removed => ("removed", "removed"),
        ChangeKind::Altered => ("changed", "altered"),
        ChangeKind::Renamed => ("renamed", "altered"),
        ChangeKind::Uncompared => ("not compared", "uncompared"),
    };
    let id = format!("{} {}", change.object_kind, change.object);
    let definition = id.clone();
    let details = if change.change.compares() { change.details.clone() } else { Vec::new() };
    let risk = risk.clone();
    // One Tab stop per row: the object's link when it has one (arrows reach the rest).
    let second_stop = table.is_some();
    let cells = view! {
        <td data-label="Change"><span class="badge">{label}</span></td>
        <td data-label="Kind">{change.object_kind.words()}</td>
        <td class="object" data-label="Object">
            {object_cell(change.object.clone(), table.clone(), view)}
            {(!schemas.is_empty()).then(|| {
                let first = crate::state::schema_of(&change.object).unwrap_or_default();
                let all = std::iter::once(first.to_string()).chain(schemas.iter().cloned()).collect::<Vec<_>>();
                view! {
                    <span class="folded" data-testid="folded-schemas" title=all.join(", ")>
                        {format!(" in {} schemas: {}", all.len(), all.join(", "))}
                    </span>
                }
            })}
        </td>
        <td class="risk" data-label="Risk">
            {match risk {
                Some(risk) => view! {
                    <span class=format!("risk-level {}", risk.level.label()) data-testid="change-risk" title=risk.rules.join(", ")>
                        {risk.level.label()}
                    </span>
                }.into_any(),
                None => view! { <span class="muted">"–"</span> }.into_any(),
            }}
            " "
            <button type="button" class="link small" data-testid="show-sql" title="Show the statements for this change"
                tabindex=if second_stop { "-1" } else { "0" }
                on:click=move |_| view.update(|v| { v.tab = Tab::Migration; v.highlight = Some(id.clone()); })>
                "SQL"
            </button>
            " "
            <button type="button" class="link small" data-testid="show-definition" title="Show the object's definition on each side"
                tabindex="-1"
                on:click=move |_| view.update(|v| v.definition = Some(definition.clone()))>
                "Definition"
            </button>
        </td>
        <td data-label="Details">
            <ul class="details">
                {details.into_iter().map(detail_view).collect_view()}
            </ul>
        </td>
    };
    (class, cells.into_any())
}

/// The changes counted per kind of object: a chart and a table, folded under the verdict. They
/// follow the drift controls, not the filters.
fn kinds_view(comparison: &Comparison) -> impl IntoView {
    let counts = comparison.diff.counts_by_kind();
    (!counts.is_empty()).then(|| {
        let chart = chart_view(&counts);
        view! {
            <details class="comparison per-kind-block" data-testid="per-kind">
                <summary><h2>{format!("What differs, by kind ({} kind{})", counts.len(), if counts.len() == 1 { "" } else { "s" })}</h2></summary>
                {chart}
                <table class="per-kind">
                    <thead>
                        <tr>
                            <th scope="col">"Kind"</th>
                            <th scope="col">"Added"</th>
                            <th scope="col">"Removed"</th>
                            <th scope="col">"Changed"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {counts
                            .into_iter()
                            .map(|(kind, s)| view! {
                                <tr>
                                    <th scope="row">{kind.words()}</th>
                                    <td>{s.added}</td>
                                    <td>{s.removed}</td>
                                    <td>{s.altered}</td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </details>
        }
    })
}

/// A column header that sorts the rows by `key` (a second click reverses the order).
pub(super) fn sort_header(
    label: &'static str,
    key: SortKey,
    filter: &ViewState,
    view: RwSignal<ViewState>,
) -> impl IntoView {
    let sort = filter.sort;
    view! {
        <th scope="col" aria-sort=sort.aria(key)>
            <button type="button" class="sort" data-testid=format!("sort-{}", label.to_lowercase().replace(' ', "-"))
                on:click=move |_| view.update(|v| v.sort = v.sort.toggled(key))>
                {label}
                <span aria-hidden="true">{match sort.aria(key) { "ascending" => " ▲", "descending" => " ▼", _ => "" }}</span>
            </button>
        </th>
    }
}

/// An object name; a button that opens the per-table view when the change belongs to a table.
pub(super) fn object_cell(object: String, table: Option<String>, view: RwSignal<ViewState>) -> impl IntoView {
    // The whole name on hover: a one-line row may cut it short.
    let whole = object.clone();
    match table {
        Some(table) => view! {
            <button type="button" class="link" data-testid="open-table" title=format!("{whole}: show table {table}")
                on:click=move |_| view.update(|v| v.object = Some(table.clone()))>
                <code>{object}</code>
            </button>
        }
        .into_any(),
        None => view! { <code title=whole>{object}</code> }.into_any(),
    }
}

fn comparison_view(
    comparison: Arc<Comparison>,
    filter: ViewState,
    view: RwSignal<ViewState>,
    analysis: Analysis,
    collapsed: RwSignal<std::collections::BTreeSet<String>>,
) -> impl IntoView {
    match filter.tab {
        Tab::Tables => return super::tables::inventory_view(&comparison, &filter, view).into_any(),
        Tab::Risks => return super::release::risks_view(&comparison, &filter, view).into_any(),
        Tab::Compatibility => return super::release::compatibility_view(&comparison).into_any(),
        Tab::Migration => return super::release::migration_view(&comparison, &filter, view, analysis).into_any(),
        Tab::Report => return super::report::report_view(&comparison, analysis).into_any(),
        _ => {}
    }
    let by_change = schemadrift_engine::risks::by_change(&comparison.risks);
    let confirmed = filter.drift.renames.clone();
    let notes = comparison.diff.notes.clone();
    let renames = comparison.diff.rename_candidates.clone();
    let sides = [comparison.from_name.clone(), comparison.to_name.clone()];
    let cleanup: Vec<(String, String, String)> = sides
        .iter()
        .zip(&comparison.cleanup)
        .flat_map(|(side, list)| list.iter().map(move |c| (side.clone(), c.table.to_string(), c.reasons.join("; "))))
        .collect();
    let tracking: Vec<(String, String, String)> = sides
        .iter()
        .zip(&comparison.tracking)
        .flat_map(|(side, list)| {
            list.iter().map(move |t| {
                let versions = match t.versions.len() {
                    0 => "no versions listed in the dump".to_string(),
                    n => format!("{n} versions listed"),
                };
                (side.clone(), t.table.to_string(), format!("{} ({versions})", t.tool))
            })
        })
        .collect();
    let total = comparison.diff.changes.len();
    // The search looks in the statements that carry each change out too (its definition).
    let mut statements: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    if !filter.search.is_empty() {
        for step in &comparison.plan.steps {
            for change in &step.changes {
                let text = statements.entry(change.clone()).or_default();
                text.push_str(&step.sql);
                text.push('\n');
            }
        }
    }
    let mut changes: Vec<_> = comparison
        .diff
        .changes
        .iter()
        .zip(&comparison.change_tables)
        .filter(|(change, _)| {
            filter.shows_with(
                change,
                statements.get(&format!("{} {}", change.object_kind, change.object)).map(String::as_str),
            )
        })
        .map(|(change, table)| (change.clone(), table.clone()))
        .collect();
    filter.sort.changes(&mut changes, |(change, _)| change);
    let mut rows: Vec<_> = changes
        .into_iter()
        .map(|(change, table)| {
            let risk = by_change.of_change(&change);
            (change, table, risk)
        })
        .filter(|(_, _, risk)| filter.risk_level.is_none_or(|level| risk.as_ref().is_some_and(|r| r.level == level)))
        .collect();
    filter.sort.by_risk(&mut rows, |(_, _, risk)| risk.as_ref().map(|r| r.level));
    let matching = rows.len();
    // The same change in several schemas is one row, its risk the highest of them.
    let rows: Vec<Row> = if filter.unfold {
        rows.into_iter().map(|(change, table, risk)| (change, table, risk, Vec::new())).collect()
    } else {
        crate::state::fold_across_schemas(rows, |(change, _, _)| change)
            .into_iter()
            .map(|((change, table, risk), folded)| {
                let risk = folded.iter().filter_map(|(_, _, r)| r.clone()).chain(risk).max_by_key(|r| r.level);
                let schemas =
                    folded.iter().filter_map(|(c, _, _)| crate::state::schema_of(&c.object)).map(str::to_string);
                (change, table, risk, schemas.collect())
            })
            .collect()
    };
    let nothing_matches = rows.is_empty();
    let folded = matching - rows.len();
    let in_rows = match rows.len() {
        1 => " in 1 row".to_string(),
        n => format!(" in {n} rows"),
    };
    let shown = match (matching == total, folded) {
        (true, 0) => format!("{total} changes"),
        (true, _) => format!("{total} changes{in_rows}"),
        (false, 0) => format!("{matching} of {total} changes shown"),
        (false, _) => format!("{matching} of {total} changes shown{in_rows}"),
    };
    let head = view! {
        <tr>
            {sort_header("Change", SortKey::Change, &filter, view)}
            {sort_header("Kind", SortKey::Kind, &filter, view)}
            {sort_header("Object", SortKey::Object, &filter, view)}
            {sort_header("Risk", SortKey::Risk, &filter, view)}
            <th scope="col">"Details (from → to)"</th>
        </tr>
    }
    .into_any();
    let list: Vec<ListRow> = if filter.group {
        grouped(rows, &collapsed.get())
    } else {
        rows.into_iter().map(|row| ListRow::Change(Box::new(row))).collect()
    };
    let table = (!nothing_matches).then(|| {
        virtual_table(
            "changes",
            "changes-scroll",
            "change-row",
            head,
            list,
            Arc::new(move |row| match row {
                ListRow::Change(row) => change_cells(row, view),
                ListRow::Group { key, label, changes, folded } => group_cells(key, label, *changes, *folded, collapsed),
            }),
        )
    });
    view! {
        {(total > 0).then(|| view! {
            <section class="comparison" aria-labelledby="changes-heading">
                <h2 id="changes-heading">"Changes " <span class="count" data-testid="shown-count">{shown}</span></h2>
                {nothing_matches.then(|| view! {
                    <p class="empty" data-testid="no-match">"No change matches this tab, kind and search."</p>
                })}
                {table}
                {(!renames.is_empty()).then(|| view! {
                    <h3>"Possible renames"</h3>
                    <p class="hint">"Listed above as removed and added: schemadrift never assumes a rename, because treating one wrongly loses data. Confirm the ones you know to be renames."</p>
                    <ul class="renames" data-testid="rename-candidates">
                        {renames.into_iter().map(|r| {
                            let rename = Rename { object_kind: r.object_kind, from: r.from.clone(), to: r.to.clone() };
                            view! {
                                <li>
                                    {r.object_kind.words()}" "<code>{r.from}</code>" → "<code>{r.to}</code>
                                    {format!(" ({}%: {}) ", r.confidence, r.evidence.join(", "))}
                                    <button type="button" data-testid="confirm-rename"
                                        on:click=move |_| {
                                            view.update(|v| v.drift.renames.push(rename.clone()));
                                            // Focus stays with the rename: on its Undo once the list shows it.
                                            focus_when_shown("[data-testid=\"undo-rename\"]", 40);
                                        }>
                                        "Confirm rename"
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })}
                {(!confirmed.is_empty()).then(|| view! {
                    <h3>"Confirmed renames"</h3>
                    <ul class="renames" data-testid="confirmed-renames">
                        {confirmed.into_iter().map(|r| {
                            let undo = r.clone();
                            view! {
                                <li>
                                    {r.object_kind.words()}" "<code>{r.from}</code>" → "<code>{r.to}</code>" "
                                    <button type="button" data-testid="undo-rename"
                                        on:click=move |_| view.update(|v| v.drift.renames.retain(|x| *x != undo))>
                                        "Undo"
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })}
                {(!notes.is_empty()).then(|| view! {
                    <ul class="notes" data-testid="notes">
                        {notes.into_iter().map(|n| view! { <li><code>{n.object}</code>": "{n.note}</li> }).collect_view()}
                    </ul>
                })}
            </section>
        })}
        {(!cleanup.is_empty() || !tracking.is_empty()).then(|| view! {
            <section class="comparison" aria-labelledby="housekeeping-heading">
                <h2 id="housekeeping-heading">"Housekeeping"</h2>
                {(!cleanup.is_empty()).then(|| view! {
                    <h3>"Cleanup candidates"</h3>
                    <ul class="housekeeping" data-testid="cleanup-candidates">
                        {cleanup.into_iter().map(|(side, table, why)| view! {
                            <li><code>{table}</code>" in "{side}": "{why}</li>
                        }).collect_view()}
                    </ul>
                })}
                {(!tracking.is_empty()).then(|| view! {
                    <h3>"Migration tracking"</h3>
                    <ul class="housekeeping" data-testid="migration-tracking">
                        {tracking.into_iter().map(|(side, table, what)| view! {
                            <li><code>{table}</code>" in "{side}": "{what}</li>
                        }).collect_view()}
                    </ul>
                })}
            </section>
        })}
    }
    .into_any()
}

/// Changes by kind as stacked horizontal bars (added, removed, changed), drawn as inline SVG.
fn chart_view(counts: &std::collections::BTreeMap<ObjectKind, schemadrift_engine::diff::Summary>) -> impl IntoView {
    const ROW: f64 = 22.0;
    const LABEL: f64 = 140.0;
    const BAR: f64 = 320.0;
    let widest = counts.values().map(|s| s.added + s.removed + s.altered).max().unwrap_or(0).max(1) as f64;
    let height = ROW * counts.len() as f64 + 24.0;
    let rows = counts
        .iter()
        .enumerate()
        .map(|(i, (kind, s))| {
            let y = ROW * i as f64;
            let mut x = LABEL;
            let segments = [(s.added, "added"), (s.removed, "removed"), (s.altered, "altered")]
                .into_iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, class)| {
                    let width = BAR * n as f64 / widest;
                    let segment = view! {
                        <rect class=format!("bar {class}") x=x y=y + 4.0 width=width height=ROW - 8.0>
                            <title>{format!("{n} {class}")}</title>
                        </rect>
                    };
                    x += width;
                    segment
                })
                .collect_view();
            let total = s.added + s.removed + s.altered;
            view! {
                <g>
                    <text class="label" x=LABEL - 8.0 y=y + ROW * 0.68 text-anchor="end">{kind.words()}</text>
                    {segments}
                    <text class="total" x=x + 6.0 y=y + ROW * 0.68>{total}</text>
                </g>
            }
        })
        .collect_view();
    let legend_y = ROW * counts.len() as f64 + 16.0;
    (!counts.is_empty()).then(|| {
        view! {
            <svg
                class="chart"
                data-testid="chart"
                role="img"
                aria-label="Changes by kind: added, removed and changed"
                viewBox=format!("0 0 {} {height}", LABEL + BAR + 40.0)
                width=LABEL + BAR + 40.0
                height=height
            >
                {rows}
                <g class="legend">
                    <rect class="bar added" x=LABEL y=legend_y - 9.0 width="10" height="10"></rect>
                    <text x=LABEL + 14.0 y=legend_y>"added"</text>
                    <rect class="bar removed" x=LABEL + 70.0 y=legend_y - 9.0 width="10" height="10"></rect>
                    <text x=LABEL + 84.0 y=legend_y>"removed"</text>
                    <rect class="bar altered" x=LABEL + 150.0 y=legend_y - 9.0 width="10" height="10"></rect>
                    <text x=LABEL + 164.0 y=legend_y>"changed"</text>
                </g>
            </svg>
        }
    })
}

/// Longer than this, a property's old and new values are shown as one word-level diff.
const LONG_VALUE: usize = 60;

/// Two texts as one, word by word: removed words struck out, added words marked.
pub(super) fn word_diff_view(from: &str, to: &str, test_id: &'static str) -> AnyView {
    use schemadrift_engine::diff::{word_diff, Part};
    let segments = word_diff(from, to)
        .into_iter()
        .map(|segment| match segment.part {
            Part::Same => view! { <span>{segment.text}" "</span> }.into_any(),
            Part::Removed => view! { <del>{segment.text}</del>" " }.into_any(),
            Part::Added => view! { <ins>{segment.text}</ins>" " }.into_any(),
        })
        .collect_view();
    view! { <code class="word-diff" data-testid=test_id>{segments}</code> }.into_any()
}

fn detail_view(detail: schemadrift_engine::diff::PropertyChange) -> impl IntoView {
    let (from, to) = (detail.from.unwrap_or_default(), detail.to.unwrap_or_default());
    let long = from.len().max(to.len()) > LONG_VALUE && !from.is_empty() && !to.is_empty();
    let value = if long {
        word_diff_view(&from, &to, "word-diff")
    } else {
        let show = |v: String| if v.is_empty() { "(none)".to_string() } else { v };
        view! {
            <code class="from">{show(from)}</code>
            " → "
            <code class="to">{show(to)}</code>
        }
        .into_any()
    };
    view! {
        <li>
            <span class="property">{detail.property.as_str()}</span>": "
            {value}
        </li>
    }
}

/// Focuses the last element `selector` finds once it is in the page (the worker answers after a
/// few frames), trying for at most `frames` frames.
pub(super) fn focus_when_shown(selector: &'static str, frames: u32) {
    request_animation_frame(move || {
        let found = document().query_selector_all(selector).ok().and_then(|all| all.item(all.length().checked_sub(1)?));
        match found.and_then(|node| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(node).ok()) {
            Some(element) => {
                let _ = element.focus();
            }
            None if frames > 0 => focus_when_shown(selector, frames - 1),
            None => {}
        }
    });
}
