//! The release plan: the risk matrix with its cards, the backward-compatibility matrix, and the
//! phased migration script (with the rollback), each statement linked to the changes it carries out.

use super::report::{copy_button, download_button, keep_secrets_toggle};
use crate::client::Analysis;
use crate::state::{Comparison, Export, ViewState};
use leptos::prelude::*;
use schemadrift_engine::plan::Phase;
use schemadrift_engine::risks::{matrix, Level, MatrixRow};

/// The risk matrix (area × level, counts, each cell a filter) and the risk cards.
pub fn risks_view(comparison: &Comparison, filter: &ViewState, view: RwSignal<ViewState>) -> impl IntoView {
    let risks = comparison.risks.clone();
    // Only the areas that have risks.
    let rows: Vec<MatrixRow> = matrix(&risks).into_iter().filter(|row| row.total() > 0).collect();
    let selected = filter.risk.clone();
    let matrix = view! {
        <table class="risk-matrix" data-testid="risk-matrix">
            <thead>
                <tr>
                    <th scope="col">"Area"</th>
                    {Level::ALL.map(|level| view! { <th scope="col" class=format!("level {}", level.label())>{level.label()}</th> }).collect_view()}
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|row| {
                        let area = row.area;
                        let cells = Level::ALL
                            .map(|level| {
                                let n = row.count(level);
                                let chosen = selected.as_ref().is_some_and(|(a, l)| a == area && *l == level);
                                let label = format!("{n} {} risks in {area}", level.label());
                                view! {
                                    <td class=format!("level {}{}", level.label(), if n == 0 { " none" } else { "" })>
                                        <button
                                            type="button"
                                            class="cell"
                                            data-testid="risk-cell"
                                            data-area=area
                                            data-level=level.label()
                                            aria-pressed=chosen.to_string()
                                            aria-label=label
                                            disabled=n == 0
                                            on:click=move |_| {
                                                view.update(|v| {
                                                    v.risk = if chosen { None } else { Some((area.to_string(), level)) };
                                                })
                                            }
                                        >
                                            {n}
                                        </button>
                                    </td>
                                }
                            })
                            .collect_view();
                        view! { <tr><th scope="row">{area}</th>{cells}</tr> }
                    })
                    .collect_view()}
            </tbody>
        </table>
    };
    let shown: Vec<_> = comparison
        .risks
        .iter()
        .filter(|r| selected.as_ref().is_none_or(|(area, level)| r.area == area && r.level == *level))
        .cloned()
        .collect();
    let total = comparison.risks.len();
    let heading = match &selected {
        Some((area, level)) => format!("{} of {total} risks: {} in {area}", shown.len(), level.label()),
        None => format!("{total} risks"),
    };
    view! {
        <section class="comparison" aria-labelledby="risks-heading" data-testid="risks">
            <h2 id="risks-heading">"Risks " <span class="count" data-testid="risk-count">{heading}</span></h2>
            {(total == 0).then(|| view! { <p class="empty">"No risk found in these changes."</p> })}
            {(total > 0).then_some(matrix)}
            {selected.is_some().then(|| view! {
                <button type="button" class="link" data-testid="clear-risk-filter" on:click=move |_| view.update(|v| v.risk = None)>
                    "Show all risks"
                </button>
            })}
            <ul class="risk-cards">
                {shown
                    .into_iter()
                    .map(|risk| {
                        view! {
                            <li class=format!("risk-card {}", risk.level.label()) data-testid="risk-card">
                                <p class="risk-head">
                                    <span class="badge">{risk.level.label()}</span>" "
                                    <code>{risk.rule}</code>" · "{risk.category.label()}" · "{risk.area}
                                </p>
                                <p class="finding">{risk.finding}</p>
                                <p><strong>"Why: "</strong>{risk.why}</p>
                                {risk.effect.map(|e| view! { <p class="claim" data-testid="risk-claim"><strong>"The script: "</strong>{e.describe()}</p> })}
                                <p><strong>"Mitigation: "</strong>{risk.mitigation}</p>
                                {risk.caveat.map(|c| view! { <p class="caveat"><strong>"PostgreSQL versions: "</strong>{c}</p> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// For each change the code can notice: does each version of the code work, and which goes first.
pub fn compatibility_view(comparison: &Comparison) -> impl IntoView {
    let entries = comparison.compat.clone();
    let nothing = entries.is_empty();
    view! {
        <section class="comparison" aria-labelledby="compat-heading" data-testid="compatibility">
            <h2 id="compat-heading">"Backward compatibility"</h2>
            <p class="headline" data-testid="deploy-order">{comparison.deploy_order.clone()}</p>
            {nothing.then(|| view! { <p class="empty">"No change that application code can notice."</p> })}
            <table class="changes compat" hidden=nothing>
                <thead>
                    <tr>
                        <th scope="col">"Change"</th>
                        <th scope="col">{format!("Code for {} after the migration", comparison.from_name)}</th>
                        <th scope="col">{format!("Code for {} before the migration", comparison.to_name)}</th>
                        <th scope="col">"Order"</th>
                        <th scope="col">"Why"</th>
                    </tr>
                </thead>
                <tbody>
                    {entries
                        .into_iter()
                        .map(|e| {
                            let works = |w: schemadrift_engine::compat::Works| {
                                view! { <span class=format!("works {}", w.label())>{w.label()}</span> }
                            };
                            view! {
                                <tr data-testid="compat-row">
                                    <td>{format!("{} {} ", e.change.label(), e.object_kind.words())}<code>{e.object}</code></td>
                                    <td>{works(e.old_code_after_migration)}</td>
                                    <td>{works(e.new_code_before_migration)}</td>
                                    <td>{e.order.label()}</td>
                                    <td>{e.reason}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// The script's header lines that say which psql variables carry the dumps' secrets, if any.
fn secrets_header(script: &str) -> Option<String> {
    let lines: Vec<&str> =
        script.lines().skip_while(|l| !l.starts_with("-- SECRETS:")).take_while(|l| l.starts_with("--")).collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// A target dump that looks cut short: the removals the script leaves out (or keeps, once
/// confirmed), and the checkbox that confirms them. The same warning opens the script itself.
fn cut_short_view(comparison: &Comparison, view: RwSignal<ViewState>) -> Option<impl IntoView> {
    let cut = comparison.plan.cut_short.clone()?;
    let n = cut.removals.len();
    let plural = if n == 1 { "" } else { "s" };
    let said = if cut.confirmed {
        format!("You confirmed that the {n} removal{plural} below are real: the script makes them.")
    } else {
        format!("What comes after the cut would look removed, so the script leaves out the {n} removal{plural} below. Dump the schema again, or confirm they are real.")
    };
    Some(view! {
        <div class="warnings" role="alert" data-testid="cut-short">
            <p><strong>{format!("{} looks cut short: ", comparison.to_name)}</strong>{format!("{}. {said}", cut.reason)}</p>
            <details>
                <summary>{format!("{n} removal{plural}")}</summary>
                <ul>{cut.removals.iter().map(|r| view! { <li><code>{r.replace('_', " ")}</code></li> }).collect_view()}</ul>
            </details>
            <label>
                <input
                    type="checkbox"
                    data-testid="confirm-cut-short"
                    prop:checked=cut.confirmed
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        view.update(|v| v.drift.confirm_cut_short = on);
                    }
                />
                {format!(" These {n} removal{plural} are real: keep them in the script")}
            </label>
        </div>
    })
}

/// The script phase by phase, highlighted, with copy and download buttons; the rollback below.
pub fn migration_view(
    comparison: &Comparison,
    filter: &ViewState,
    view: RwSignal<ViewState>,
    analysis: Analysis,
) -> impl IntoView {
    let highlight = filter.highlight.clone();
    let phases: Vec<_> = Phase::ALL
        .into_iter()
        .filter_map(|phase| {
            let steps: Vec<_> = comparison.plan.phase(phase).cloned().collect();
            (!steps.is_empty()).then_some((phase, steps))
        })
        .collect();
    let manual = comparison.plan.manual.clone();
    let secrets = comparison.secrets.len();
    // An explicit choice each time: secrets stay out of downloads unless this is ticked.
    let keep = RwSignal::new(false);
    view! {
        <section class="comparison" aria-labelledby="migration-heading" data-testid="migration">
            <h2 id="migration-heading">"Migration script"</h2>
            <div class="actions left">
                {download_button("Download migration.sql", "download-migration", analysis, Export::Migration, keep)}
                {copy_button("Copy script", "copy-migration", comparison.script.clone())}
                {download_button("Download rollback.sql", "download-rollback", analysis, Export::Rollback, keep)}
            </div>
            {cut_short_view(comparison, view)}
            {super::proof::proof_view(analysis)}
            {(secrets > 0).then(|| keep_secrets_toggle(secrets, keep))}
            {secrets_header(&comparison.script).map(|header| view! {
                <pre class="sql" data-testid="script-secrets"><span class="cm">{header}</span></pre>
            })}
            {highlight.clone().map(|change| view! {
                <p class="hint" data-testid="highlighted-change">
                    "Statements of " <code>{change}</code>" are marked. "
                    <button type="button" class="link" on:click=move |_| view.update(|v| v.highlight = None)>"Clear"</button>
                </p>
            })}
            {(!manual.is_empty()).then(|| view! {
                <div class="warnings" data-testid="manual-steps">
                    <p>"Steps the script leaves to you:"</p>
                    <ul>{manual.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
                </div>
            })}
            {phases.is_empty().then(|| view! { <p class="empty">"Nothing to migrate: the schemas are the same."</p> })}
            {phases
                .into_iter()
                .map(|(phase, steps)| {
                    view! {
                        <h3>{phase.title()}</h3>
                        <p class="muted">{if phase.transactional() { "Runs in one transaction." } else { "Runs outside a transaction, statement by statement." }}</p>
                        <div class="script" data-testid="script-phase">
                            {steps
                                .into_iter()
                                .map(|step| {
                                    let marked = highlight.as_ref().is_some_and(|h| step.changes.contains(h));
                                    let sql = step.sql.clone();
                                    // The statement a proof found failing is marked and can be scrolled to.
                                    let failing = move || {
                                        analysis.proving.with(super::proof::failed_statement).is_some_and(|f| !f.trim().is_empty() && sql.contains(f.trim()))
                                    };
                                    let failing_id = failing.clone();
                                    view! {
                                        <div
                                            class=move || match (marked, failing()) {
                                                (_, true) => "step failed",
                                                (true, false) => "step marked",
                                                (false, false) => "step",
                                            }
                                            id=move || failing_id().then_some(super::proof::FAILED_STEP_ID)
                                            data-testid="script-step"
                                        >
                                            {step.note.map(|n| view! { <pre class="sql"><span class="cm">{format!("-- {}", schemadrift_engine::sql::comment(&n))}</span></pre> })}
                                            <pre class="sql">{highlighted(&step.sql)}</pre>
                                        </div>
                                    }
                                })
                                .collect_view()}
                        </div>
                    }
                })
                .collect_view()}
            <details class="rollback">
                <summary>"Rollback script"</summary>
                {move || match analysis.completion.get() {
                    Some(done) => view! { <pre class="sql" data-testid="rollback-script">{highlighted(&done.rollback)}</pre> }.into_any(),
                    None => view! { <p class="muted">"Writing the rollback…"</p> }.into_any(),
                }}
            </details>
        </section>
    }
}

const KEYWORDS: &[&str] = &[
    "ADD",
    "ALTER",
    "AS",
    "ATTACH",
    "BEGIN",
    "BY",
    "CHECK",
    "COLUMN",
    "COMMENT",
    "COMMIT",
    "CONCURRENTLY",
    "CONSTRAINT",
    "CREATE",
    "DEFAULT",
    "DROP",
    "EXISTS",
    "EXTENSION",
    "FOREIGN",
    "FUNCTION",
    "GENERATED",
    "IF",
    "INDEX",
    "IS",
    "KEY",
    "NOT",
    "NULL",
    "ON",
    "ONLY",
    "OR",
    "OWNER",
    "PARTITION",
    "POLICY",
    "PRIMARY",
    "REFERENCES",
    "RENAME",
    "REPLACE",
    "SCHEMA",
    "SEQUENCE",
    "SET",
    "TABLE",
    "TO",
    "TRIGGER",
    "TYPE",
    "UNIQUE",
    "USING",
    "VALIDATE",
    "VALID",
    "VALUE",
    "VIEW",
    "WHERE",
    "WITH",
];

/// SQL as spans: comments, strings and keywords marked for colour, everything else as text.
fn highlighted(sql: &str) -> impl IntoView {
    let mut parts: Vec<(Option<&'static str>, String)> = Vec::new();
    let mut rest = sql;
    while !rest.is_empty() {
        let (class, len) = if rest.starts_with("--") {
            (Some("cm"), rest.find('\n').unwrap_or(rest.len()))
        } else if let Some(inside) = rest.strip_prefix('\'') {
            let end = inside.find('\'').map_or(rest.len(), |i| i + 2);
            (Some("str"), end)
        } else if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            let len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            let word = &rest[..len];
            (KEYWORDS.contains(&word.to_ascii_uppercase().as_str()).then_some("kw"), len)
        } else {
            let len = rest
                .char_indices()
                .skip(1)
                .find(|(_, c)| c.is_ascii_alphabetic() || *c == '\'' || *c == '-')
                .map_or(rest.len(), |(i, _)| i);
            (None, len)
        };
        let len = len.max(rest.chars().next().map_or(1, char::len_utf8));
        let (piece, tail) = rest.split_at(len.min(rest.len()));
        match parts.last_mut() {
            Some((last_class, text)) if *last_class == class && class.is_none() => text.push_str(piece),
            _ => parts.push((class, piece.to_string())),
        }
        rest = tail;
    }
    parts
        .into_iter()
        .map(|(class, text)| match class {
            Some(class) => view! { <span class=class>{text}</span> }.into_any(),
            None => text.into_any(),
        })
        .collect_view()
}
