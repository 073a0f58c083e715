//! Plain text, one fact per line: what `schemadrift diff` prints by default. Beside [`super::markdown`]
//! and [`super::html`], it writes a comparison for a terminal or a CI log: the summary, the key
//! findings, each change with its old and new values, the risks above low, the deploy order, the
//! secrets found (by line and kind, never their values), notes, possible renames, cleanup
//! candidates and migration tracking tables.
//!
//! Names and values come from the dumps: a newline or a terminal escape inside them is shown
//! escaped (`\n`, `\u{1b}`), so it cannot break a line or drive the terminal.

use crate::diff::key_findings;
use crate::housekeeping::{cleanup_candidates, tracking_tables};
use crate::pipeline::Comparison;
use crate::risks::{counts as risk_counts, Level};
use std::borrow::Cow;

/// Appends one line: `text` with hidden characters (newlines, escapes, bidi controls) shown
/// escaped, then a newline.
pub fn push_line(out: &mut String, text: &str) {
    out.push_str(&one_line(text));
    out.push('\n');
}

/// `text` with hidden characters shown escaped (see [`push_line`]).
pub fn one_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| super::visible::is_hidden(c) && c != '\t') {
        return Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| match c {
            '\t' => "\t".to_string(),
            c if super::visible::is_hidden(c) => super::visible::escape_char(c),
            c => c.to_string(),
        })
        .collect::<String>()
        .into()
}

/// `, 2 not compared` when objects could not be compared, else nothing.
fn not_compared(count: usize) -> String {
    if count == 0 {
        String::new()
    } else {
        format!(", {count} not compared")
    }
}

/// The comparison as text; `from` and `to` name the two files as the user gave them.
pub fn comparison_text(compared: &Comparison, from: &str, to: &str) -> String {
    let mut out = String::new();
    let mut say = |text: String| push_line(&mut out, &text);
    let release = compared.release();
    let (old, new) = (compared.from(), compared.to());
    let names = compared.names();
    let (result, risks, order) = (&release.diff, &release.risks, &release.deploy_order);
    say(format!("from {from} → to {to}"));
    let s = &result.summary;
    say(format!(
        "{} added, {} removed, {} altered, {} renamed{}",
        s.added,
        s.removed,
        s.altered,
        s.renamed,
        not_compared(s.uncompared)
    ));
    for finding in key_findings(result, names.0, names.1) {
        say(format!("* {finding}"));
    }
    for change in &result.changes {
        say(format!("{} {} {}", change.change.sign(), change.object_kind, change.object));
        if change.change.compares() {
            for detail in &change.details {
                let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
                say(format!("    {}: {} → {}", detail.property, show(&detail.from), show(&detail.to)));
            }
        }
    }
    let counts = risk_counts(risks);
    say(format!("risks: {} high, {} medium, {} low", counts["high"], counts["medium"], counts["low"]));
    for risk in risks.iter().filter(|r| r.level != Level::Low) {
        say(format!("  {} [{}] {}", risk.level.label(), risk.rule, risk.finding));
    }
    say(format!("deploy order: {order}"));
    for (side, list) in [("from", &old.secrets), ("to", &new.secrets)] {
        for secret in list {
            say(format!("secret ({side}): line {}: {} ({} …)", secret.line, secret.kind, secret.context));
        }
    }
    for note in &result.notes {
        say(format!("note: {} {}: {}", note.object_kind, note.object, note.note));
    }
    for candidate in &result.rename_candidates {
        say(format!(
            "possible rename: {} {} → {} ({}%: {}); reported above as removed and added until confirmed",
            candidate.object_kind,
            candidate.from,
            candidate.to,
            candidate.confidence,
            candidate.evidence.join(", ")
        ));
    }
    for (side, catalog) in [("from", &old.catalog), ("to", &new.catalog)] {
        for candidate in cleanup_candidates(catalog) {
            say(format!("cleanup candidate ({side}): {} ({})", candidate.table, candidate.reasons.join("; ")));
        }
    }
    for (side, catalog) in [("from", &old.catalog), ("to", &new.catalog)] {
        for table in tracking_tables(catalog) {
            say(format!(
                "migration tracking ({side}): {} by {}, {} versions listed",
                table.table,
                table.tool,
                table.versions.len()
            ));
        }
    }
    out
}
