//! The diff as GitHub-flavoured Markdown.
//!
//! Names, values and definitions come from dumps anyone may have written, so every one of them is
//! escaped: in tables they go into code spans whose fence is longer than any backtick run inside,
//! with `|` escaped and newlines folded; plain text escapes Markdown and HTML punctuation.

use crate::diff::{key_findings, Diff};
use std::fmt::Write;

/// The diff of `from` → `to` as a Markdown document.
pub fn diff_markdown(diff: &Diff, from: &str, to: &str) -> String {
    let mut out = String::new();
    let s = &diff.summary;
    let _ = writeln!(out, "# Schema differences: {} → {}\n", text(from), text(to));
    let _ = writeln!(out, "{} added, {} removed, {} altered, {} renamed.\n", s.added, s.removed, s.altered, s.renamed);
    let _ = writeln!(out, "## Key findings\n");
    for finding in key_findings(diff, from, to) {
        let _ = writeln!(out, "- {}", text(&finding));
    }
    if !diff.changes.is_empty() {
        let _ = writeln!(out, "\n## Changes\n\n| Change | Kind | Object | Details (from → to) |\n|---|---|---|---|");
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
            let _ = writeln!(
                out,
                "| {label} | {} | {} | {} |",
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
    out
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
        use crate::{build_catalog, diff, read, DiffOptions};
        let from = build_catalog(&read("CREATE TABLE \"we|ird`name\" (a int);"));
        let to = build_catalog(&read("CREATE TABLE \"we|ird`name\" (a bigint);"));
        let markdown = diff_markdown(&diff(&from, &to, &DiffOptions::default()), "a.sql", "b.sql");
        assert!(
            markdown.contains("| altered | column | ``public.we\\|ird`name.a`` | type: `integer` → `bigint` |"),
            "{markdown}"
        );
    }
}
