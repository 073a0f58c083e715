//! One side of the comparison: drop zone, file picker, paste box, and what was read.

use super::file_reading::{load_file, load_text};
use crate::client::Analysis;
use crate::protocol::Request;
use crate::state::{count_rows, Activity, LoadedDump, Side};
use leptos::html;
use leptos::prelude::*;
use schemadrift_engine::input::sizes::bytes;
use std::sync::Arc;

#[component]
pub fn DumpPanel(side: Side, analysis: Analysis, view: RwSignal<crate::state::ViewState>) -> impl IntoView {
    let workspace = analysis.workspace;
    let (title, hint) = match side {
        Side::From => ("From", "The database you migrate, e.g. production"),
        Side::To => ("To", "The schema you want to reach, e.g. staging"),
    };
    let panel = Memo::new(move |_| workspace.with(|w| w.panel(side).clone()));
    let dragging = RwSignal::new(false);
    let paste_box = NodeRef::<html::Textarea>::new();
    let heading_id = format!("{}-heading", side.id());

    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev.data_transfer().and_then(|dt| dt.files()).and_then(|files| files.get(0)) {
            load_file(analysis, side, file);
        }
    };
    let on_choose = move |ev: web_sys::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            load_file(analysis, side, file);
        }
        // Clearing lets the same file be chosen again after it was edited.
        input.set_value("");
    };
    let on_paste = move |_| {
        if let Some(textarea) = paste_box.get() {
            load_text(analysis, side, &textarea.value());
        }
    };

    view! {
        <section
            class="panel"
            class:dragging=move || dragging.get()
            data-side=side.id()
            aria-labelledby=format!("{}-heading", side.id())
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <h2 id=heading_id>{title}</h2>
            <p class="hint">{hint}</p>
            <div class="dropzone">
                <p>"Drop a " <code>"pg_dump --schema-only"</code> " file here, or"</p>
                <div class="actions">
                    <label class="button">
                        "Choose file…"
                        <input
                            type="file"
                            class="visually-hidden"
                            accept=".sql,.txt,.psql,.dump,.gz,text/plain,application/sql,application/gzip"
                            data-testid=format!("{}-input", side.id())
                            on:change=on_choose
                        />
                    </label>
                    <details class="paste">
                        <summary class="button">"Paste SQL"</summary>
                        <textarea
                            node_ref=paste_box
                            rows="6"
                            spellcheck="false"
                            aria-label=format!("SQL text for the {} side", title)
                            data-testid=format!("{}-paste", side.id())
                            placeholder="CREATE TABLE …"
                        ></textarea>
                        <button
                            type="button"
                            data-testid=format!("{}-paste-apply", side.id())
                            on:click=on_paste
                        >
                            "Use pasted SQL"
                        </button>
                    </details>
                </div>
            </div>
            {move || activity_view(side, analysis, panel.with(|p| p.activity.clone()))}
            {move || panel.with(|p| p.dump.clone()).map(|dump| dump_view(side, dump))}
            <super::sizes::SizesInput side=side view=view />
        </section>
    }
}

/// Inputs above this size show how far reading is; smaller ones are read in a blink.
const SHOW_PERCENT_FROM: usize = 1024 * 1024;

fn activity_view(side: Side, analysis: Analysis, activity: Activity) -> AnyView {
    match activity {
        Activity::Idle => ().into_any(),
        Activity::Reading { file_name, bytes, step, percent } => {
            let size = if bytes > 0 {
                format!(" ({})", schemadrift_engine::input::sizes::bytes(bytes as u64))
            } else {
                String::new()
            };
            let big = bytes >= SHOW_PERCENT_FROM;
            let what = format!("{} {} {file_name}{size}…", capitalize(&step), side.id());
            let cancelled = file_name.clone();
            view! {
                <div class="status reading" role="status" data-testid="reading">
                    <span class="spinner" aria-hidden="true"></span>
                    {what}
                    {big.then(|| view! { " "<span data-testid="reading-percent">{format!("{percent}%")}</span> })}
                    {if big {
                        view! { <progress max="100" value=percent></progress> }.into_any()
                    } else {
                        view! { <progress></progress> }.into_any()
                    }}
                    <button
                        type="button"
                        class="link"
                        data-testid=format!("{}-cancel", side.id())
                        on:click=move |_| {
                            analysis.workspace.update(|w| w.panel_mut(side).cancel(&cancelled));
                            analysis.send(Request::Cancel { side }, None);
                        }
                    >
                        "Cancel"
                    </button>
                </div>
            }
            .into_any()
        }
        Activity::Choosing { file_name, databases } => {
            let count = databases.len();
            view! {
                <div class="status choose" role="alert" data-testid=format!("{}-choose-database", side.id())>
                    <strong>{format!("{file_name} is a pg_dumpall file with {count} databases")}</strong>
                    <p>"Choose the database to compare (the cluster's roles and tablespaces come with it):"</p>
                    <ul class="databases">
                        {databases
                            .into_iter()
                            .map(|database| {
                                let name = database.name.clone();
                                let statements = database.statements;
                                view! {
                                    <li>
                                        <button
                                            type="button"
                                            data-testid="database-choice"
                                            on:click=move |_| super::file_reading::pick_database(analysis, side, &name)
                                        >
                                            {database.name}
                                        </button>
                                        {format!(" {statements} statement{}, from line {}", if statements == 1 { "" } else { "s" }, database.line)}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    <button
                        type="button"
                        class="link"
                        data-testid=format!("{}-cancel", side.id())
                        on:click=move |_| {
                            analysis.drop_source(side);
                            analysis.workspace.update(|w| w.panel_mut(side).activity = Activity::Idle);
                        }
                    >
                        "Cancel"
                    </button>
                </div>
            }
            .into_any()
        }
        Activity::Failed { file_name, message } => view! {
            <div class="status error" role="alert">
                <strong>{format!("Could not load {file_name}")}</strong>
                <p>{message}</p>
            </div>
        }
        .into_any(),
    }
}

fn dump_view(side: Side, dump: Arc<LoadedDump>) -> impl IntoView {
    let summary = &dump.summary;
    let version = summary.pg_dump_version.clone().unwrap_or_else(|| "not stated (no pg_dump header)".into());
    let warnings = dump.warnings.clone();
    let secrets = dump.secrets.clone();
    let not_understood = dump.not_understood.clone();
    let statements = dump.statements.clone();
    view! {
        <div class="loaded" data-testid=format!("{}-summary", side.id())>
            <p class="file-name" data-testid=format!("{}-file-name", side.id())>{dump.file_name.clone()}</p>
            <dl class="facts">
                <dt>"Size"</dt>
                <dd>{format!("{} · {} lines", bytes(summary.bytes as u64), summary.lines)}</dd>
                <dt>"Statements"</dt>
                <dd data-testid=format!("{}-statements", side.id())>{summary.statements}</dd>
                <dt>"Understood"</dt>
                <dd data-testid=format!("{}-understood", side.id())>
                    {format!(
                        "{} turned into objects, {} session settings, {} not understood",
                        statements.understood,
                        statements.ignored,
                        statements.not_understood,
                    )}
                </dd>
                <dt>"pg_dump"</dt>
                <dd data-testid=format!("{}-pg-dump-version", side.id())>{version}</dd>
                {(summary.copy_blocks > 0).then(|| view! {
                    <dt>"Data"</dt>
                    <dd>{format!("{} COPY blocks, {} rows (not compared)", summary.copy_blocks, summary.copy_rows)}</dd>
                })}
            </dl>
            <ul class="counts" data-testid=format!("{}-counts", side.id())>
                {count_rows(&dump.counts)
                    .into_iter()
                    .filter(|(_, n)| *n > 0)
                    .map(|(label, n)| view! { <li><span class="n">{n}</span>" "{label}</li> })
                    .collect_view()}
            </ul>
            {(!not_understood.is_empty()).then(|| view! {
                <details class="not-understood" data-testid=format!("{}-not-understood", side.id())>
                    <summary>{plural(not_understood.len(), "statement", "statements") + " not understood"}</summary>
                    <p class="hint">"schemadrift could not turn these into schema objects; each shows its line and why."</p>
                    <ul>
                        {not_understood.into_iter().map(|item| view! {
                            <li>
                                <span class="line">{format!("line {}", item.line)}</span>
                                <code>{item.text.lines().next().unwrap_or("").to_string()}</code>
                                <span class="reason">{item.reason}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                </details>
            })}
            {(!secrets.is_empty()).then(|| view! {
                <div class="status error secrets" data-testid=format!("{}-secrets", side.id())>
                    <strong>{plural(secrets.len(), "secret", "secrets") + " in this dump"}</strong>
                    <p>"Exports leave their values out. Rotate them: a schema dump should not carry credentials."</p>
                    <ul>
                        {secrets.into_iter().map(|s| view! {
                            <li><span class="line">{format!("line {}", s.line)}</span>" "{s.kind}" "<code>{format!("{} …", s.context)}</code></li>
                        }).collect_view()}
                    </ul>
                </div>
            })}
            {(!warnings.is_empty()).then(|| view! {
                <ul class="warnings">
                    {warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}
                </ul>
            })}
        </div>
    }
}

/// `1 statement`, `3 statements`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `parsing` → `Parsing`.
pub(super) fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
