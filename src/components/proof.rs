//! The proof panel of the migration tab: *Prove* runs the migration, then the rollback, on
//! PostgreSQL in the browser (PGlite) and shows each verdict as the engine wrote it, with the
//! stages, a Cancel button and the time taken. A failed statement can be shown in the script.

use crate::client::Analysis;
use crate::prover::Proving;
use crate::proving::Card;
use leptos::prelude::*;
use schemadrift_engine::proof::Direction;

/// Where the failing statement's step is marked in the script (see `migration_view`).
pub const FAILED_STEP_ID: &str = "failed-step";

/// The failed migration statement to mark in the script, if the migration's proof failed.
pub fn failed_statement(proving: &Proving) -> Option<String> {
    proving
        .done
        .iter()
        .find(|(card, _)| card.direction == Direction::Migration && card.verdict == "failed")
        .and_then(|(card, _)| card.statement.clone())
}

pub fn proof_view(analysis: Analysis) -> impl IntoView {
    let proving = analysis.proving;
    let running = move || proving.with(|p| p.running.is_some());
    view! {
        <div class="proof" data-testid="proof">
            <h3>"Proof on PostgreSQL"</h3>
            <p class="muted">
                "Builds the From schema on PostgreSQL 17 compiled to WebAssembly (PGlite, loaded now from this app, about 15 MB), applies the script statement by statement as psql would, dumps the result and compares it with To; then the same for the rollback. Nothing leaves your browser."
            </p>
            <div class="actions left">
                <button
                    type="button"
                    data-testid="prove"
                    disabled=running
                    on:click=move |_| analysis.prove()
                >
                    {move || if proving.with(|p| p.done.is_empty() && p.running.is_none()) { "Prove the migration" } else { "Prove again" }}
                </button>
                {move || running().then(|| view! {
                    <button type="button" data-testid="cancel-proof" on:click=move |_| analysis.cancel_proof()>"Cancel"</button>
                })}
            </div>
            {move || proving.with(|p| p.running.clone()).map(|r| {
                let what = r.direction.name();
                let percent = (u64::from(r.done) * 100 / u64::from(r.total.max(1))).min(100);
                view! {
                    <p class="progress" data-testid="proof-progress" role="status">
                        {format!("Proving the {what}: {}", r.stage)}
                        <progress max="100" value=percent.to_string()></progress>
                    </p>
                }
            })}
            {move || proving.with(|p| p.stopped.clone()).map(|why| view! {
                <p class="warning" data-testid="proof-stopped" role="status">{why}</p>
            })}
            <ul class="verdicts">
                {move || proving.with(|p| p.done.clone()).into_iter().map(card_view).collect_view()}
            </ul>
        </div>
    }
}

fn card_view((card, seconds): (Card, f64)) -> impl IntoView {
    let id = format!("proof-{}", card.direction.name());
    let class = format!("verdict {}", card.verdict.replace(' ', "-"));
    let failed = card.statement.clone().filter(|s| !s.is_empty());
    view! {
        <li class=class data-testid=id data-verdict=card.verdict.clone()>
            <p class="headline" data-testid="proof-headline">{card.headline.clone()}</p>
            <p class="muted">{format!("{seconds:.1} s")}</p>
            {card.error.clone().map(|error| view! { <pre class="sql" data-testid="proof-error">{error}</pre> })}
            {failed.map(|statement| view! {
                <pre class="sql" data-testid="proof-statement">{statement}</pre>
                {(card.direction == Direction::Migration).then(|| view! {
                    <button
                        type="button"
                        class="link"
                        data-testid="show-failed-step"
                        on:click=move |_| {
                            if let Some(step) = document().get_element_by_id(FAILED_STEP_ID) {
                                step.scroll_into_view();
                            }
                        }
                    >
                        "Show it in the script"
                    </button>
                })}
            })}
            {(!card.differences.is_empty()).then(|| view! {
                <ul class="differences" data-testid="proof-differences">
                    {card.differences.iter().map(|d| view! { <li><code>{d.clone()}</code></li> }).collect_view()}
                </ul>
            })}
            {card.caveats.iter().map(|c| view! { <p class="hint" data-testid="proof-caveat">{c.clone()}</p> }).collect_view()}
        </li>
    }
}
