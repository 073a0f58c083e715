//! A release (diff, risks, compatibility, migration) as GitHub-flavoured Markdown.
//!
//! Names, values and definitions come from dumps anyone may have written, so every one of them is
//! escaped: in tables they go into code spans whose fence is longer than any backtick run inside,
//! with `|` escaped and newlines folded; plain text escapes Markdown and HTML punctuation.

use crate::diff::key_findings;
use crate::release::Release;
use std::fmt::Write;

/// The release of `from` → `to` as a Markdown document: summary, changes with their risk, the risk
/// assessment, backward compatibility and the phased migration script.
pub fn release_markdown(release: &Release, from: &str, to: &str) -> String {
    let diff = &release.diff;
    let by_change = crate::risks::by_change(&release.risks);
    let mut out = String::new();
    let s = &diff.summary;
    let _ = writeln!(out, "# Schema differences: {} → {}\n", text(from), text(to));
    let _ = writeln!(out, "{} added, {} removed, {} altered, {} renamed.\n", s.added, s.removed, s.altered, s.renamed);
    let _ = writeln!(out, "## Key findings\n");
    for finding in key_findings(diff, from, to) {
        let _ = writeln!(out, "- {}", text(&finding));
    }
    if !diff.changes.is_empty() {
        let _ = writeln!(
            out,
            "\n## Changes\n\n| Change | Kind | Object | Risk | Details (from → to) |\n|---|---|---|---|---|"
        );
        for change in &diff.changes {
            let label = change.change.label();
            let details: Vec<String> = if change.change.compares() {
                change
                    .details
                    .iter()
                    .map(|d| {
                        let show = |v: &Option<String>| v.as_deref().map_or_else(|| "(none)".to_string(), code);
                        format!("{}: {} → {}", text(&d.property), show(&d.from), show(&d.to))
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let risk = by_change
                .get(&format!("{} {}", change.object_kind, change.object))
                .map_or_else(|| "–".to_string(), |r| format!("{} ({})", r.level.label(), text(&r.rules.join(", "))));
            let _ = writeln!(
                out,
                "| {label} | {} | {} | {risk} | {} |",
                text(&change.object_kind.replace('_', " ")),
                code(&change.object),
                details.join("<br>")
            );
        }
    }
    if !diff.rename_candidates.is_empty() {
        let _ =
            writeln!(out, "\n## Possible renames\n\nListed above as removed and added until someone confirms them.\n");
        for r in &diff.rename_candidates {
            let _ = writeln!(
                out,
                "- {} {} → {} ({}%: {})",
                text(r.object_kind),
                code(&r.from),
                code(&r.to),
                r.confidence,
                text(&r.evidence.join(", "))
            );
        }
    }
    if !diff.notes.is_empty() {
        let _ = writeln!(out, "\n## Notes\n");
        for note in &diff.notes {
            let _ = writeln!(out, "- {}: {}", code(&note.object), text(&note.note));
        }
    }
    if !release.risks.is_empty() {
        let _ = writeln!(
            out,
            "\n## Risk assessment\n\n| Level | Area | Finding | Why | Mitigation |\n|---|---|---|---|---|"
        );
        for risk in &release.risks {
            let caveat = risk.caveat.map(|c| format!(" {}", text(c))).unwrap_or_default();
            let _ = writeln!(
                out,
                "| **{}** | {} | {} ({}) | {} | {}{caveat} |",
                risk.level.label().to_uppercase(),
                risk.area,
                text(&risk.finding),
                code(risk.rule),
                text(risk.why),
                text(risk.mitigation)
            );
        }
    }
    if !release.compatibility.is_empty() {
        let _ = writeln!(out, "\n## Backward compatibility\n\n{}\n", text(&release.deploy_order));
        let _ = writeln!(
            out,
            "| Change | Code for {} after the migration | Code for {} before it | Order | Why |\n|---|---|---|---|---|",
            text(from),
            text(to)
        );
        for entry in &release.compatibility {
            let _ = writeln!(
                out,
                "| {} {} {} | {} | {} | {} | {} |",
                entry.change.label(),
                text(&entry.object_kind.replace('_', " ")),
                code(&entry.object),
                entry.old_code_after_migration.label(),
                entry.new_code_before_migration.label(),
                entry.order.label(),
                text(&entry.reason)
            );
        }
    }
    if !release.plan.steps.is_empty() {
        let _ = writeln!(out, "\n## Migration script\n");
        for manual in &release.plan.manual {
            let _ = writeln!(out, "- **Manual step:** {}", text(manual));
        }
        let _ = writeln!(out, "{}", fenced("sql", &release.script));
    }
    out
}

/// A fenced code block that shows `body` exactly: the fence is longer than any backtick run inside.
pub fn fenced(language: &str, body: &str) -> String {
    let longest_run = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run.max(2) + 1);
    format!("{fence}{language}\n{}\n{fence}", body.trim_end())
}

/// A code span that shows `value` exactly, safe inside a table cell.
pub fn code(value: &str) -> String {
    let folded = value.replace(['\r', '\n'], " ").replace('|', "\\|");
    let longest_run = folded.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = if folded.starts_with('`') || folded.ends_with('`') || folded.is_empty() { " " } else { "" };
    format!("{fence}{pad}{folded}{pad}{fence}")
}

/// Plain text with Markdown and HTML punctuation escaped, on one line.
pub fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\r' | '\n' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' | '&' => {
                out.push('\\');
                out.push(c);
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_stay_text() {
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("has ` tick"), "``has ` tick``");
        assert_eq!(code("`edge"), "`` `edge ``");
        assert_eq!(code("two\nlines"), "`two lines`");
        assert_eq!(text("<img src=x onerror=alert(1)> | *x*"), "\\<img src=x onerror=alert(1)\\> \\| \\*x\\*");
    }

    #[test]
    fn a_diff_renders_with_a_table_row_per_change() {
        use crate::{build_catalog, read, DiffOptions};
        let from = build_catalog(&read("CREATE TABLE \"we|ird`name\" (a int);"));
        let to = build_catalog(&read("CREATE TABLE \"we|ird`name\" (a bigint);"));
        let release = crate::release::release(&from, &to, &DiffOptions::default(), ("a.sql", "b.sql"));
        let markdown = release_markdown(&release, "a.sql", "b.sql");
        assert!(
            markdown.contains("| altered | column | ``public.we\\|ird`name.a`` | high (column-type-change) | type: `integer` → `bigint` |"),
            "{markdown}"
        );
        assert!(markdown.contains("## Risk assessment"), "{markdown}");
        assert!(markdown.contains("```sql\n-- Migration a.sql → b.sql"), "{markdown}");
    }

    #[test]
    fn a_fence_is_longer_than_any_backtick_run_inside() {
        assert_eq!(fenced("sql", "SELECT 1;"), "```sql\nSELECT 1;\n```");
        assert_eq!(fenced("sql", "a ```` b"), "`````sql\na ```` b\n`````");
    }
}
