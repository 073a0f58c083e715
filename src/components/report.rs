//! The report tab: what identifies the two inputs, the exports (Markdown, standalone HTML, JSON,
//! migration and rollback SQL) made in the browser by the analysis worker, and the ORM schema
//! lines with copy buttons.

use crate::client::Analysis;
use crate::protocol::Request;
use crate::state::{Comparison, Export};
use leptos::prelude::*;
use schemadrift_engine::report::orm::Orm;

pub fn report_view(comparison: &Comparison, analysis: Analysis) -> impl IntoView {
    let secrets = comparison.secrets.len();
    let keep = RwSignal::new(false);
    let inputs = comparison.inputs.clone();
    view! {
        <section class="comparison" aria-labelledby="report-heading" data-testid="report">
            <h2 id="report-heading">"Report and exports"</h2>
            <p class="muted">
                "The same report as "<code>"schemadrift diff --format md|html|json"</code>
                ", made in this page: nothing is uploaded. Files are named by the inputs and identified by their SHA-256."
            </p>
            <table class="inputs" data-testid="report-inputs">
                <thead>
                    <tr><th scope="col">"Side"</th><th scope="col">"File"</th><th scope="col">"pg_dump"</th><th scope="col">"Bytes"</th><th scope="col">"SHA-256"</th></tr>
                </thead>
                <tbody>
                    {inputs
                        .into_iter()
                        .zip(["from", "to"])
                        .map(|(input, side)| view! {
                            <tr>
                                <td>{side}</td>
                                <td><code>{input.name}</code></td>
                                <td>{input.pg_dump_version.unwrap_or_else(|| "unknown".into())}</td>
                                <td>{input.bytes}</td>
                                <td><code class="hash" data-testid=format!("sha256-{side}")>{input.sha256}</code></td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
            <div class="actions left" data-testid="exports">
                {Export::ALL
                    .map(|export| download_button(export.label(), export.test_id(), analysis, export, keep))
                    .collect_view()}
            </div>
            {(secrets > 0).then(|| keep_secrets_toggle(secrets, keep))}
            <h3>"ORM schema lines"</h3>
            {move || match analysis.completion.get() {
                Some(done) => orm_view(done.orm.clone()).into_any(),
                None => view! { <p class="muted">"Writing the ORM lines…"</p> }.into_any(),
            }}
        </section>
    }
}

/// Drizzle and Prisma lines for the new and changed tables, each with a copy button.
fn orm_view(orm: Orm) -> impl IntoView {
    view! {
            {orm.tables.is_empty().then(|| view! { <p class="empty">"No new or changed table columns."</p> })}
    {(!orm.tables.is_empty()).then(|| {
        let imports = orm.drizzle_imports.clone();
        view! {
            <p class="muted">"Drizzle ORM ("<code>"drizzle-orm/pg-core"</code>") and Prisma, for the new tables and the new and changed columns. Drizzle imports:"</p>
            <div class="orm">
                <pre class="code" data-testid="drizzle-imports">{imports.clone()}</pre>
                {copy_button("Copy", "copy-drizzle-imports", imports)}
            </div>
        }
    })}
    {super::progressive::progressive(orm.tables, 20, |hint| {
        let hint = hint.clone();
        view! {
            <article class="orm-table" data-testid="orm-table">
                <h4><code>{hint.table}</code>" "<span class="muted">{hint.status}</span></h4>
                <div class="orm-pair">
                    <div>
                        <p class="muted">"Drizzle"</p>
                        <pre class="code" data-testid="orm-drizzle">{hint.drizzle.clone()}</pre>
                        {copy_button("Copy Drizzle", "copy-drizzle", hint.drizzle)}
                    </div>
                    <div>
                        <p class="muted">"Prisma"</p>
                        <pre class="code" data-testid="orm-prisma">{hint.prisma.clone()}</pre>
                        {copy_button("Copy Prisma", "copy-prisma", hint.prisma)}
                    </div>
                </div>
            </article>
        }
        .into_any()
    }, |_| {})}
    }
}

/// The notice that secrets are redacted, with the explicit opt-out for downloads.
pub(super) fn keep_secrets_toggle(secrets: usize, keep: RwSignal<bool>) -> impl IntoView {
    view! {
        <p class="warnings" data-testid="secrets-redacted">
            {format!("{secrets} secrets found in the dumps are shown and exported as [REDACTED]; the migration script takes them from psql variables its header names, never a placeholder. ")}
            <label class="toggle">
                <input type="checkbox" data-testid="keep-secrets" on:change=move |ev| keep.set(event_target_checked(&ev)) />
                "Keep their values in downloads"
            </label>
        </p>
    }
}

/// A button that saves an export as a file: the worker makes it, the page saves it (nothing is sent
/// anywhere).
pub(super) fn download_button(
    label: &'static str,
    test_id: &'static str,
    analysis: Analysis,
    export: Export,
    keep: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <button
            type="button"
            data-testid=test_id
            on:click=move |_| analysis.send(Request::Export { export, keep_secrets: keep.get_untracked() }, None)
        >
            {label}
        </button>
    }
}

pub(super) fn copy_button(label: &'static str, test_id: &'static str, text: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    view! {
        <button
            type="button"
            data-testid=test_id
            on:click=move |_| {
                let clipboard = leptos::prelude::window().navigator().clipboard();
                let _ = clipboard.write_text(&text);
                copied.set(true);
            }
        >
            {move || if copied.get() { "Copied" } else { label }}
        </button>
    }
}
