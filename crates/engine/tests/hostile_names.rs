//! Names, comments, defaults and bodies written by anyone stay inert text in every export, and the
//! report's structure holds: the pair in `fixtures/migrations/hostile_names/` (a real pg_dump of
//! HTML, script, `|`, backticks, newlines, mixed case, reserved words, quotes, non-ASCII and a
//! name cut at 63 bytes). `migration_round_trip.rs` applies its script to PostgreSQL.

use schemadrift_engine::pipeline::{read_side, Comparison};
use schemadrift_engine::render::html::report_html;
use schemadrift_engine::render::markdown::report_markdown;
use schemadrift_engine::report::Report;
use schemadrift_engine::DiffOptions;
use std::path::Path;

fn hostile_report() -> (Report, String) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/migrations/hostile_names");
    let load = |name: &str| read_side(name, &std::fs::read(dir.join(name)).unwrap(), None).unwrap();
    let compared = Comparison::new(load("before.sql"), load("after.sql"), DiffOptions::default());
    (compared.report().clone(), compared.release().script.to_string())
}

/// Every tag in an HTML text: what a browser would make elements of.
fn tags(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        let after = &rest[at + 1..];
        let end = after.find('>').expect("every < opens a tag that closes");
        out.push(&after[..end]);
        rest = &after[end + 1..];
    }
    out
}

#[test]
fn the_html_report_makes_no_element_from_the_dumps() {
    let (report, _) = hostile_report();
    let html = report_html(&report);
    for tag in tags(&html) {
        let name = tag.trim_start_matches('/').split(|c: char| c.is_whitespace()).next().unwrap().to_ascii_lowercase();
        assert!(
            !["img", "svg", "script", "iframe", "b", "i"].contains(&name.as_str()) || tag.starts_with("!"),
            "an element from the dump's text: <{tag}>"
        );
        let attributes = tag.split_whitespace().skip(1);
        for attribute in attributes {
            assert!(!attribute.to_ascii_lowercase().starts_with("on"), "an event handler attribute: <{tag}>");
        }
    }
    // The names are there, as text.
    assert!(html.contains("&lt;img src=x onerror=window.__pwned=1&gt;"), "the table's name is shown escaped");
    assert!(html.contains("&lt;/script&gt;&lt;script&gt;window.__pwned=2&lt;/script&gt;"));
    assert!(html.contains("pipe|table"));
    assert!(!html.contains("__pwned=1>"), "no raw name");
}

/// The Markdown outside code: fenced blocks and code spans removed (their text shows as written).
fn outside_code(markdown: &str) -> String {
    let mut out = String::new();
    let mut fence: Option<String> = None;
    for line in markdown.lines() {
        let ticks: String = line.chars().take_while(|&c| c == '`').collect();
        match &fence {
            Some(open) if line.trim_end() == open => fence = None,
            Some(_) => {}
            None if ticks.len() >= 3 => fence = Some(ticks),
            None => {
                // Code spans: a run of n backticks up to the next run of exactly n.
                let mut rest = line;
                while let Some(at) = rest.find('`') {
                    out.push_str(&rest[..at]);
                    let run = rest[at..].chars().take_while(|&c| c == '`').count();
                    let body = &rest[at + run..];
                    let closing = "`".repeat(run);
                    let bytes = body.as_bytes();
                    let close = body
                        .match_indices(closing.as_str())
                        .map(|(i, _)| i)
                        .find(|&i| bytes.get(i + run) != Some(&b'`') && (i == 0 || bytes[i - 1] != b'`'));
                    rest = match close {
                        Some(i) => &body[i + run..],
                        None => "",
                    };
                }
                out.push_str(rest);
                out.push('\n');
            }
        }
    }
    out
}

#[test]
fn the_markdown_report_keeps_its_tables_and_shows_html_as_text() {
    let (report, _) = hostile_report();
    let markdown = report_markdown(&report);
    let text = outside_code(&markdown);
    for (number, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find('<') {
            let escaped = rest[..at].ends_with('\\');
            assert!(escaped || rest[at..].starts_with("<br>"), "line {number}: raw HTML outside code: {line}");
            rest = &rest[at + 1..];
        }
    }
    // Each table keeps as many cells in every row as in its header (an unescaped `|` splits).
    let cells = |row: &str| row.match_indices('|').filter(|(at, _)| !row[..*at].ends_with('\\')).count();
    let mut header: Option<usize> = None;
    for line in markdown.lines() {
        if line.starts_with('|') {
            let count = cells(line);
            match header {
                None => header = Some(count),
                Some(expected) => assert_eq!(count, expected, "a table row breaks: {line}"),
            }
        } else {
            header = None;
        }
    }
    assert!(markdown.contains("pipe\\|table"), "the name is in a table, its | escaped");
    assert!(markdown.contains("new line"), "the newline inside a name stays on one line");
}

#[test]
fn the_script_quotes_every_name_as_postgresql_needs() {
    let (_, script) = hostile_report();
    for quoted in [
        "\"<img src=x onerror=window.__pwned=1>\"",
        "\"<svg onload=window.__pwned=6>\"",
        "\"pipe|table\"",
        "\"new\nline\"",
        "\"Sales Team\".\"MixedCase\"",
        "\"select\"",
        "\"Sales Team\".\"Ünïcödé ✓\"",
        "\"idx<script>\"",
        "\"back`tick\"",
        "\"enum|`<i>`\"",
        "'<script>'",
    ] {
        assert!(script.contains(quoted), "{quoted} in\n{script}");
    }
    assert!(script.contains(&format!("public.{} ADD COLUMN IF NOT EXISTS note text", "a".repeat(63))), "{script}");
}
