//! The verdict, first on the page once two dumps are compared: what changed in one sentence, the
//! changes by risk (each count opens the list filtered to it), the deploy order, the migration and
//! whether it is proven, and the key findings. A demo says it is one; a cut-short side is part of
//! the verdict.

use crate::client::Analysis;
use crate::state::{Comparison, Tab, ViewState};
use leptos::prelude::*;

/// Key findings shown before *more findings*.
const FINDINGS_SHOWN: usize = 5;

#[component]
pub fn Verdict(analysis: Analysis, view: RwSignal<ViewState>) -> impl IntoView {
    move || analysis.comparison.with(|c| c.as_deref().map(|c| verdict_view(c, view, analysis)))
}

fn verdict_view(comparison: &Comparison, view: RwSignal<ViewState>, analysis: Analysis) -> impl IntoView {
    let headline = comparison.headline();
    // The first findings in view, the rest one click away: the tabs stay in the first screen.
    let mut first = comparison.findings();
    let more = first.split_off(first.len().min(FINDINGS_SHOWN));
    let statements = comparison.plan.steps.len();
    let phases = {
        let mut phases: Vec<_> = comparison.plan.steps.iter().map(|s| s.phase).collect();
        phases.dedup();
        phases.len()
    };
    let deploy_order = comparison.deploy_order.clone();
    let same = comparison.diff.changes.is_empty();
    view! {
        <section class="comparison verdict-block" data-testid="summary" aria-labelledby="summary-heading">
            <h2 id="summary-heading">"Verdict"</h2>
            {comparison.demo.then(|| view! {
                <p class="demo-note" data-testid="demo-note">
                    <strong>"This is a demo: "</strong>
                    "Fieldbook, a small task app, at two versions (production and staging). Open "
                    <em>"The two dumps"</em>
                    " below and drop your own two "
                    <code>"pg_dump --schema-only"</code>
                    " files to compare them; they stay in this browser."
                </p>
            })}
            <p class="headline" data-testid="headline">{headline}</p>
            {cut_short_headline(comparison)}
            {(!same).then(|| view! {
                <dl class="verdict-facts">
                    {risk_counts(comparison, view).map(|counts| view! { <dt>"Risk"</dt><dd>{counts}</dd> })}
                    <dt>"Deploy order"</dt>
                    <dd data-testid="verdict-deploy-order">{deploy_order}</dd>
                    <dt>"Migration"</dt>
                    <dd data-testid="verdict-migration">
                        <button type="button" class="link" data-testid="verdict-script"
                            on:click=move |_| { view.update(|v| v.tab = Tab::Migration); show_tabs(); }>
                            {format!("{statements} statement{} in {phases} phase{}", plural(statements), plural(phases))}
                        </button>
                        ". "
                        {move || proof_state(analysis, view, statements)}
                    </dd>
                </dl>
            })}
            <ul class="findings" data-testid="key-findings">
                {first.into_iter().map(|f| finding_view(f, view)).collect_view()}
                {(!more.is_empty()).then(|| view! {
                    <li class="more">
                        <details>
                            <summary>{format!("{} more finding{}", more.len(), plural(more.len()))}</summary>
                            <ul>{more.into_iter().map(|f| finding_view(f, view)).collect_view()}</ul>
                        </details>
                    </li>
                })}
            </ul>
        </section>
    }
}

/// A finding, and for one about a kind of object a link to the list of those changes (every one
/// of them, also those the sentence only counts: "and 115 more").
fn finding_view(finding: schemadrift_engine::diff::Finding, view: RwSignal<ViewState>) -> impl IntoView {
    let link = finding.kind.map(|kind| {
        view! {
            " "
            <button type="button" class="link small" data-testid="finding-show"
                title=format!("List every {} change", kind.words())
                on:click=move |_| {
                    view.update(|v| {
                        v.tab = Tab::All;
                        v.kind = Some(kind);
                        v.search.clear();
                        v.risk_level = None;
                    });
                    show_tabs();
                }>
                "show"
            </button>
        }
    });
    view! { <li>{finding.text}{link}</li> }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Whether the migration is proven on PostgreSQL: not yet (with the button that proves it), being
/// proven, or the verdicts so far.
fn proof_state(analysis: Analysis, view: RwSignal<ViewState>, statements: usize) -> AnyView {
    let proving = analysis.proving.get();
    if let Some(running) = &proving.running {
        return view! {
            <span data-testid="verdict-proof">{format!("Proving the {} on PostgreSQL…", running.direction.name())}</span>
        }
        .into_any();
    }
    if !proving.done.is_empty() {
        let verdicts: Vec<String> =
            proving.done.iter().map(|(card, _)| format!("{}: {}", card.direction.name(), card.verdict)).collect();
        let all_proven = proving.done.iter().all(|(card, _)| card.verdict == "proven");
        return view! {
            <span data-testid="verdict-proof" class:proven=all_proven class:unproven=!all_proven>
                {format!("Proof on PostgreSQL: {}. ", verdicts.join(", "))}
                <button type="button" class="link" on:click=move |_| { view.update(|v| v.tab = Tab::Migration); show_tabs(); }>
                    "See the proof"
                </button>
            </span>
        }
        .into_any();
    }
    if statements == 0 {
        return view! { <span data-testid="verdict-proof">"Nothing to run."</span> }.into_any();
    }
    view! {
        <span data-testid="verdict-proof">
            "Not proven yet: "
            <button
                type="button"
                class="link"
                data-testid="summary-prove"
                on:click=move |_| {
                    view.update(|v| v.tab = Tab::Migration);
                    analysis.prove();
                }
            >
                "prove it on PostgreSQL, in your browser"
            </button>
        </span>
    }
    .into_any()
}

/// Brings the tabs (and the list under them) into view after a link of the verdict chose a tab.
fn show_tabs() {
    request_animation_frame(|| {
        if let Some(tabs) = document().query_selector(".tabs").ok().flatten() {
            tabs.scroll_into_view();
        }
    });
}

/// The changes counted by their highest risk, each count a link to the list of those changes.
fn risk_counts(comparison: &Comparison, view: RwSignal<ViewState>) -> Option<impl IntoView> {
    use schemadrift_engine::risks::Level;
    let by_change = schemadrift_engine::risks::by_change(&comparison.risks);
    let count = |level: Level| by_change.values().filter(|r| r.level == level).count();
    let counts: Vec<(Level, usize)> = Level::ALL.iter().map(|l| (*l, count(*l))).collect();
    (counts.iter().any(|(_, n)| *n > 0)).then(|| {
        view! {
            <p class="risk-counts" data-testid="risk-counts">
                "Changes by risk: "
                {counts
                    .into_iter()
                    .enumerate()
                    .map(|(i, (level, n))| {
                        view! {
                            {(i > 0).then_some(", ")}
                            <button
                                type="button"
                                class=format!("link risk-level {}", level.label())
                                data-testid=format!("summary-risk-{}", level.label())
                                disabled=n == 0
                                on:click=move |_| {
                                    view.update(|v| {
                                        v.tab = Tab::All;
                                        v.risk_level = Some(level);
                                    });
                                    show_tabs();
                                }
                            >
                                {format!("{n} {}", level.label())}
                            </button>
                        }
                    })
                    .collect_view()}
            </p>
        }
    })
}

/// A side that looks cut short is part of the verdict: what comes after the cut looks removed (a
/// cut TO) or added (a cut FROM), and the script leaves such removals out until they are confirmed.
fn cut_short_headline(comparison: &Comparison) -> impl IntoView {
    let removals = comparison.plan.cut_short.as_ref().map_or(0, |c| c.removals.len());
    let confirmed = comparison.plan.cut_short.as_ref().is_some_and(|c| c.confirmed);
    let lines: Vec<String> = ["From", "To"]
        .into_iter()
        .zip(&comparison.inputs)
        .filter_map(|(role, input)| {
            let reason = input.cut_short.as_ref()?;
            let effect = match (role, confirmed) {
                ("To", false) => format!(
                    "its {removals} removal{} may only be missing from the file: the migration leaves them out until you confirm them on the Migration tab",
                    if removals == 1 { "" } else { "s" }
                ),
                ("To", true) => format!("you confirmed its {removals} removals are real: the migration makes them"),
                _ => "what comes after the cut looks added, and the rollback leaves its removals out until you confirm them".to_string(),
            };
            Some(format!("{role} ({}) looks cut short: {reason}. {effect}.", input.name))
        })
        .collect();
    (!lines.is_empty()).then(|| {
        view! {
            <div class="warnings" role="alert" data-testid="cut-short-headline">
                {lines.into_iter().map(|line| view! { <p>{line}</p> }).collect_view()}
            </div>
        }
    })
}
