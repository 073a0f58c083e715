//! The comparison: one sentence, counts per kind, and every change as a row.

use crate::state::{Comparison, Workspace};
use leptos::prelude::*;
use schemadrift_engine::diff::ChangeKind;

#[component]
pub fn Changes(workspace: RwSignal<Workspace>) -> impl IntoView {
    let comparison = Memo::new(move |_| workspace.with(Workspace::comparison));
    move || comparison.get().map(comparison_view)
}

fn comparison_view(comparison: Comparison) -> impl IntoView {
    let headline = comparison.headline();
    let counts = comparison.diff.counts_by_kind();
    let notes = comparison.diff.notes.clone();
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
    let changes = comparison.diff.changes;
    view! {
        <section class="comparison" data-testid="summary" aria-labelledby="summary-heading">
            <h2 id="summary-heading">"What differs"</h2>
            <p class="headline" data-testid="headline">{headline}</p>
            {(!counts.is_empty()).then(|| view! {
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
                                    <th scope="row">{kind.replace('_', " ")}</th>
                                    <td>{s.added}</td>
                                    <td>{s.removed}</td>
                                    <td>{s.altered}</td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            })}
        </section>
        {(!changes.is_empty()).then(|| view! {
            <section class="comparison" aria-labelledby="changes-heading">
                <h2 id="changes-heading">"Changes"</h2>
                <table class="changes">
                    <thead>
                        <tr>
                            <th scope="col">"Change"</th>
                            <th scope="col">"Kind"</th>
                            <th scope="col">"Object"</th>
                            <th scope="col">"Details (from → to)"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {changes
                            .into_iter()
                            .map(|change| {
                                let (label, class) = match change.change {
                                    ChangeKind::Added => ("added", "added"),
                                    ChangeKind::Removed => ("removed", "removed"),
                                    ChangeKind::Altered => ("changed", "altered"),
                                };
                                let details = if change.change == ChangeKind::Altered { change.details } else { Vec::new() };
                                view! {
                                    <tr data-testid="change-row" class=class>
                                        <td><span class="badge">{label}</span></td>
                                        <td>{change.object_kind.replace('_', " ")}</td>
                                        <td class="object"><code>{change.object}</code></td>
                                        <td>
                                            <ul class="details">
                                                {details
                                                    .into_iter()
                                                    .map(|d| view! {
                                                        <li>
                                                            <span class="property">{d.property}</span>": "
                                                            <code class="from">{d.from.unwrap_or_else(|| "(none)".into())}</code>
                                                            " → "
                                                            <code class="to">{d.to.unwrap_or_else(|| "(none)".into())}</code>
                                                        </li>
                                                    })
                                                    .collect_view()}
                                            </ul>
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
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
}
