//! The two loaded dumps side by side: what each contains, at a glance.

use crate::state::{count_rows, Side, Workspace};
use leptos::prelude::*;
use schemadrift_engine::input::sizes::bytes;
use schemadrift_engine::DumpSummary;

/// A row of the comparison table: its label and how to read the value from one side's summary.
type Row = (&'static str, fn(&DumpSummary) -> String);

#[component]
pub fn Summary(workspace: RwSignal<Workspace>) -> impl IntoView {
    let sides = Memo::new(move |_| {
        workspace.with(|w| {
            [Side::From, Side::To].map(|side| {
                w.panel(side).dump.as_ref().map(|d| (d.file_name.clone(), d.summary.clone(), d.counts.clone()))
            })
        })
    });
    move || {
        let [Some(from), Some(to)] = sides.get() else {
            return view! {
                <section class="comparison empty" data-testid="dump-summaries">
                    <p>"Load a dump on each side to compare them, or load the demo."</p>
                </section>
            }
            .into_any();
        };
        let rows: [Row; 5] = [
            ("Size", |s| bytes(s.bytes as u64)),
            ("Lines", |s| s.lines.to_string()),
            ("Statements", |s| s.statements.to_string()),
            ("psql meta-commands", |s| s.meta_commands.to_string()),
            ("pg_dump version", |s| s.pg_dump_version.clone().unwrap_or_else(|| "—".into())),
        ];
        view! {
            <section class="comparison" data-testid="dump-summaries" aria-labelledby="comparison-heading">
                <h2 id="comparison-heading">"The two dumps"</h2>
                <table>
                    <thead>
                        <tr>
                            <th scope="col"></th>
                            <th scope="col">"From: " <span class="file-name">{from.0.clone()}</span></th>
                            <th scope="col">"To: " <span class="file-name">{to.0.clone()}</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows
                            .into_iter()
                            .map(|(label, value)| {
                                view! {
                                    <tr>
                                        <th scope="row">{label}</th>
                                        <td>{value(&from.1)}</td>
                                        <td>{value(&to.1)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                        {count_rows(&from.2)
                            .into_iter()
                            .zip(count_rows(&to.2))
                            .filter(|((_, a), (_, b))| *a + *b > 0)
                            .map(|((label, a), (_, b))| {
                                view! {
                                    <tr class:differs=a != b>
                                        <th scope="row">{label}</th>
                                        <td>{a}</td>
                                        <td>{b}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </section>
        }
        .into_any()
    }
}
