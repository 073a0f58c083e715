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
        .filter(|r| selected.as_ref().is_none_or(|(area, level)| r.area() == *area && r.level == *level))
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
                {super::progressive::progressive(shown, 20, move |risk| risk_card(risk, view), |_| {})}
            </ul>
        </section>
    }
}

/// One risk card: what was found, why it matters, what the script does, what to do; links to the
/// change and its statements.
fn risk_card(risk: &schemadrift_engine::risks::Risk, view: RwSignal<ViewState>) -> AnyView {
    let risk = risk.clone();
    let (kind, object) = (risk.object_kind, risk.object.clone());
    let change = format!("{kind} {object}");
    let (area, why, mitigation, caveat) = (risk.area(), risk.why(), risk.mitigation(), risk.caveat());
    view! {
            <li class=format!("risk-card {}", risk.level.label()) data-testid="risk-card">
                <p class="risk-head">
                    <span class="badge">{risk.level.label()}</span>" "
                    <code>{risk.rule}</code>" · "{risk.category.label()}" · "{area}
                </p>
                <p class="finding">{risk.finding}</p>
                <p><strong>"Why: "</strong>{why}</p>
                {risk.effect.map(|e| view! { <p class="claim" data-testid="risk-claim"><strong>"The script: "</strong>{e.describe()}</p> })}
                <p><strong>"Mitigation: "</strong>{mitigation}</p>
                {caveat.map(|c| view! { <p class="caveat"><strong>"PostgreSQL versions: "</strong>{c}</p> })}
                <p class="risk-links">
                    <button type="button" class="link small" data-testid="risk-change"
                        title="Show this change in the list of changes"
                        on:click=move |_| view.update(|v| {
                            v.tab = crate::state::Tab::All;
                            v.kind = Some(kind);
                            v.search = object.clone();
                            v.risk_level = None;
                        })>
                        "Show the change"
                    </button>
                    " · "
                    <button type="button" class="link small" data-testid="risk-sql"
                        title="Show the statements of this change in the migration script"
                        on:click=move |_| view.update(|v| {
                            v.tab = crate::state::Tab::Migration;
                            v.highlight = Some(change.clone());
                        })>
                        "SQL"
                    </button>
                </p>
            </li>
        }
    .into_any()
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
                    {super::progressive::progressive(entries, 25, |e| {
                        let e = e.clone();
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
                        .into_any()
                    }, |_| {})}
                </tbody>
            </table>
        </section>
    }
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
    let manual = comparison.plan.manual.clone();
    let secrets = comparison.secrets.len();
    // An explicit choice each time: secrets stay out of downloads unless this is ticked.
    let keep = RwSignal::new(false);
    let rollback_open = RwSignal::new(false);
    let pieces = script_pieces(&comparison.script, &comparison.plan);
    let phases: Vec<(usize, String, usize)> = pieces
        .iter()
        .enumerate()
        .filter_map(|(i, section)| section.title.clone().map(|title| (i, title, section.statements)))
        .collect();
    // *SQL* on a change brings its statements into view (once, when they are in the page).
    SCROLLED.with(|done| done.set(highlight.is_none()));
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
            {(!phases.is_empty()).then(|| view! {
                <nav class="phase-index" aria-label="Phases of the script" data-testid="phase-index">
                    {phases.iter().map(|(i, title, statements)| {
                        let short = title.split(':').next().unwrap_or(title).to_string();
                        let target = format!("#script-section-{i}");
                        view! { <a href=target>{format!("{short} ({statements})")}</a> }
                    }).collect_view()}
                </nav>
            })}
            // The text on screen is the script as copied and downloaded, piece by piece: what
            // precedes the phases, then each phase (collapsible), its statements marked.
            <div class="script" data-testid="script">
                {pieces
                    .into_iter()
                    .enumerate()
                    .map(|(i, section)| section_view(i, section, highlight.clone(), analysis))
                    .collect_view()}
            </div>
            // The rollback is put into the page when it is opened (it is as long as the script).
            <details class="rollback" on:toggle=move |ev| {
                let open = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlDetailsElement>(&event_target::<web_sys::EventTarget>(&ev))
                    .is_some_and(|d| d.open());
                rollback_open.set(open);
            }>
                <summary>"Rollback script"</summary>
                {move || match (rollback_open.get(), analysis.completion.get()) {
                    (false, _) => ().into_any(),
                    (true, Some(done)) => view! { <pre class="sql" data-testid="rollback-script">{highlighted(&done.rollback)}</pre> }.into_any(),
                    (true, None) => view! { <p class="muted">"Writing the rollback…"</p> }.into_any(),
                }}
            </details>
        </section>
    }
}

thread_local! {
    /// Whether the script was scrolled to the marked statements since the tab opened.
    static SCROLLED: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Scrolls the first marked statement to the middle of the window (clear of the sticky phase
/// index and tabs), once per opening of the tab, as soon as it is in the page.
fn scroll_to_marked() {
    if SCROLLED.with(|done| done.get()) {
        return;
    }
    if let Some(step) = document().query_selector(".script .step.marked").ok().flatten() {
        SCROLLED.with(|done| done.set(true));
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Center);
        step.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

/// A run of the script's text: plain lines, a risk line, or the statements of one plan step.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Risk { level: String, text: String },
    Step { text: String, changes: Vec<String> },
}

/// A part of the script: what precedes the phases (`title` none), or one phase.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Section {
    title: Option<String>,
    statements: usize,
    pieces: Vec<Piece>,
}

/// The script's text cut into sections and pieces whose texts, joined, are the script itself:
/// each plan step's statements found in it in order (with the note line just above them), each
/// `-- risk` line on its own.
fn script_pieces(script: &str, plan: &schemadrift_engine::plan::Plan) -> Vec<Section> {
    // Where each step's text is in the script (steps are written in order).
    let mut steps: Vec<(usize, usize, Vec<String>)> = Vec::new();
    let mut from = 0;
    for step in Phase::ALL.into_iter().flat_map(|phase| plan.phase(phase)) {
        let Some((at, end)) = locate(script, from, &step.sql) else { continue };
        let mut start = at;
        if let Some(note) = &step.note {
            let line = format!("-- {}\n", schemadrift_engine::sql::comment(note));
            if script[..at].ends_with(&line) {
                start = at - line.len();
            }
        }
        steps.push((start, end, step.changes.clone()));
        from = end;
    }
    let mut sections = vec![Section { title: None, statements: 0, pieces: Vec::new() }];
    let mut at = 0;
    let mut next_step = steps.iter().peekable();
    while at < script.len() {
        if let Some((start, end, changes)) = next_step.peek().filter(|(start, _, _)| *start == at) {
            let section = sections.last_mut().expect("one section at least");
            section.statements += 1;
            section.pieces.push(Piece::Step { text: script[*start..*end].to_string(), changes: changes.clone() });
            at = *end;
            next_step.next();
            continue;
        }
        let line_end = script[at..].find('\n').map_or(script.len(), |i| at + i + 1);
        let line = &script[at..line_end];
        if let Some(title) = line.trim_end().strip_prefix("-- ") {
            if Phase::ALL.iter().any(|p| p.title() == title) {
                sections.push(Section { title: Some(title.to_string()), statements: 0, pieces: Vec::new() });
            }
        }
        let section = sections.last_mut().expect("one section at least");
        match line.strip_prefix("-- risk ").and_then(|rest| rest.split_once(':')) {
            Some((level, _)) => section.pieces.push(Piece::Risk { level: level.to_string(), text: line.to_string() }),
            None => match section.pieces.last_mut() {
                Some(Piece::Text(text)) => text.push_str(line),
                _ => section.pieces.push(Piece::Text(line.to_string())),
            },
        }
        at = line_end;
    }
    sections.retain(|s| !s.pieces.is_empty());
    sections
}

/// Where a step's statements are in the script, from `from` on: its lines in order, at line starts,
/// with the lock-timeout lines the script puts between them (`SET lock_timeout = …`) inside.
fn locate(script: &str, from: usize, sql: &str) -> Option<(usize, usize)> {
    let lines: Vec<&str> = sql.trim_end().lines().collect();
    let first = *lines.first()?;
    let mut search = from;
    while let Some(found) = script[search..].find(first) {
        let start = search + found;
        search = start + 1;
        if start > 0 && script.as_bytes()[start - 1] != b'\n' {
            continue;
        }
        let mut at = start;
        let matched = lines.iter().all(|line| loop {
            if at >= script.len() {
                return false;
            }
            let end = script[at..].find('\n').map_or(script.len(), |j| at + j + 1);
            let current = script[at..end].trim_end_matches('\n');
            at = end;
            if current == *line {
                return true;
            }
            if !current.starts_with("SET lock_timeout = ") {
                return false;
            }
        });
        if matched {
            return Some((start, at));
        }
    }
    None
}

/// One section of the script: the preamble as it is, a phase as a collapsible block.
fn section_view(index: usize, section: Section, highlight: Option<String>, analysis: Analysis) -> AnyView {
    let id = format!("script-section-{index}");
    let piece_view = move |piece: &Piece| match piece.clone() {
        Piece::Text(text) => {
            let testid = text.contains("-- SECRETS:").then_some("script-secrets");
            view! { <pre class="sql script-piece" data-testid=testid>{highlighted(&text)}</pre> }.into_any()
        }
        Piece::Risk { level, text } => {
            view! { <pre class=format!("sql script-piece risk-line {level}")>{text}</pre> }.into_any()
        }
        Piece::Step { text, changes } => {
            let marked = highlight.as_ref().is_some_and(|h| changes.contains(h));
            let sql = text.clone();
            // The statement a proof found failing is marked and can be scrolled to.
            let failing = move || {
                analysis
                    .proving
                    .with(super::proof::failed_statement)
                    .is_some_and(|f| !f.trim().is_empty() && sql.contains(f.trim()))
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
                    <pre class="sql script-piece">{highlighted(&text)}</pre>
                </div>
            }
            .into_any()
        }
    };
    // Statements are put into the page a chunk at a time; *SQL* scrolls to the marked ones as soon
    // as they are there.
    let pieces = super::progressive::progressive(section.pieces, 15, piece_view, |_| scroll_to_marked());
    match section.title {
        None => view! { <div id=id class="preamble">{pieces}</div> }.into_any(),
        Some(title) => {
            let transaction = if Phase::ALL.iter().any(|p| p.title() == title && p.transactional()) {
                "one transaction"
            } else {
                "outside a transaction, statement by statement"
            };
            let statements = section.statements;
            let said = format!(
                "{} ({statements} step{}, {transaction})",
                title.split(" (").next().unwrap_or(&title),
                if statements == 1 { "" } else { "s" }
            );
            view! {
                <details open id=id class="phase" data-testid="script-phase">
                    <summary>{said}</summary>
                    {pieces}
                </details>
            }
            .into_any()
        }
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

#[cfg(test)]
mod tests {
    use super::{script_pieces, Piece};
    use crate::analysis::Analyst;

    /// The pieces the page shows, joined, are the script users copy and download; every step of
    /// the plan is one of them, the lock-timeout lines between its statements included.
    #[test]
    fn the_script_on_screen_is_the_script_itself_cut_into_its_steps() {
        let mut analyst = Analyst::default();
        analyst.demo();
        let comparison = analyst.compare().expect("the demo compares");
        let sections = script_pieces(&comparison.script, &comparison.plan);
        let joined: String = sections
            .iter()
            .flat_map(|s| &s.pieces)
            .map(|p| match p {
                Piece::Text(t) | Piece::Risk { text: t, .. } | Piece::Step { text: t, .. } => t.as_str(),
            })
            .collect();
        assert_eq!(joined, comparison.script);
        let steps = sections.iter().flat_map(|s| &s.pieces).filter(|p| matches!(p, Piece::Step { .. })).count();
        assert_eq!(steps, comparison.plan.steps.len(), "every step is found in the script");
        assert!(sections[0].title.is_none() && sections.iter().skip(1).all(|s| s.title.is_some()));
        let online = sections.iter().find(|s| s.title.as_deref().is_some_and(|t| t.starts_with("Phase 2"))).unwrap();
        assert!(
            online.pieces.iter().any(|p| matches!(p, Piece::Step { text, .. } if text.contains("SET lock_timeout = 0;") && text.contains("CONCURRENTLY"))),
            "a step keeps the lock-timeout lines written between its statements"
        );
        assert!(sections
            .iter()
            .flat_map(|s| &s.pieces)
            .any(|p| matches!(p, Piece::Risk { level, .. } if level == "high")));
    }
}
