//! The report as GitHub-flavoured Markdown: [`super::document`] written in Markdown syntax.
//!
//! Names, values and definitions come from dumps anyone may have written, so every one of them is
//! escaped: code goes into code spans whose fence is longer than any backtick run inside, with `|`
//! escaped and newlines folded; plain text escapes Markdown and HTML punctuation; SQL goes into
//! fenced blocks whose fence is longer than any backtick run inside.

use super::document::{each_block, title, trimmed_end, Block, Inline, Line, ListKind};
use super::visible;
use crate::report::Report;
use std::fmt::Write;

/// The whole report as one Markdown document.
pub fn report_markdown(report: &Report) -> String {
    let mut out = String::new();
    write_markdown(report, &mut out).expect("a String takes any text");
    out
}

/// The report written to `out` block by block, as each is laid out: nothing but the block being
/// written is held (the CLI writes straight to its output). Stops at the first error of `out`.
pub fn write_markdown(report: &Report, out: &mut dyn Write) -> std::fmt::Result {
    writeln!(out, "# {}", text(&title(report)))?;
    let mut result = Ok(());
    each_block(report, |block| {
        if result.is_ok() {
            result = write_block(out, &block);
        }
    });
    result
}

fn write_block(out: &mut dyn Write, block: &Block) -> std::fmt::Result {
    match block {
        Block::Heading(level, _, line) => {
            writeln!(out, "\n{} {}", "#".repeat(usize::from(*level)), inline(line))
        }
        Block::Paragraph(line) => writeln!(out, "\n{}", inline(line)),
        Block::Callout(line) => writeln!(out, "\n> {}", inline(line)),
        Block::List(_) => out.write_char('\n'),
        Block::Item(ListKind::Bullets, item) => writeln!(out, "- {}", inline(item)),
        Block::Item(ListKind::Checklist, item) => writeln!(out, "- [ ] {}", inline(item)),
        Block::Table(header) => {
            writeln!(out, "\n| {} |", cells(header))?;
            writeln!(out, "|{}", "---|".repeat(header.len()))
        }
        Block::Row(row) => writeln!(out, "| {} |", cells(row)),
        Block::End(_) => Ok(()),
        Block::Code(language, body) => {
            out.write_char('\n')?;
            write_fenced(out, language, &body.0)?;
            out.write_char('\n')
        }
        Block::Rule => out.write_str("\n---\n"),
    }
}

/// A line as Markdown, written part by part where it is formatted (a cell may list thousands of
/// names: it is never made into one string first).
fn inline<'l>(line: &'l Line<'l>) -> Written<'l> {
    Written(std::slice::from_ref(line), "")
}

/// Table cells, separated by `|`.
fn cells<'l>(row: &'l [Line<'l>]) -> Written<'l> {
    Written(row, " | ")
}

struct Written<'l>(&'l [Line<'l>], &'static str);

impl std::fmt::Display for Written<'_> {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, line) in self.0.iter().enumerate() {
            if i > 0 {
                out.write_str(self.1)?;
            }
            for part in line {
                match part {
                    Inline::Text(value) => out.write_str(&text(value))?,
                    Inline::Code(value) => out.write_str(&code(value))?,
                    Inline::Strong(value) if value.trim().is_empty() => out.write_str(&text(value))?,
                    Inline::Strong(value) => {
                        // Emphasis markers must touch the words: keep outer spaces outside them.
                        let (start, end) = (value.len() - value.trim_start().len(), value.trim_end().len());
                        write!(out, "{}**{}**{}", &value[..start], text(value.trim()), &value[end..])?
                    }
                    Inline::Break => out.write_str("<br>")?,
                }
            }
        }
        Ok(())
    }
}

/// A fenced code block that shows `body` exactly: the fence is longer than any backtick run inside.
/// Characters that would act on a terminal show as escapes (see [`visible`]).
pub fn fenced(language: &str, body: &str) -> String {
    let mut out = String::new();
    write_fenced(&mut out, language, &[body]).expect("a String takes any text");
    out
}

/// [`fenced`], written to `out` without another copy of the body.
fn write_fenced(out: &mut dyn Write, language: &str, pieces: &[impl AsRef<str>]) -> std::fmt::Result {
    let pieces: Vec<_> = pieces.iter().map(|piece| visible::block(piece.as_ref())).collect();
    // The longest run of backticks in the whole text (a run may go on into the next piece).
    let (mut run, mut longest_run) = (0, 0);
    for c in pieces.iter().flat_map(|piece| piece.chars()) {
        run = if c == '`' { run + 1 } else { 0 };
        longest_run = longest_run.max(run);
    }
    let fence = "`".repeat(longest_run.max(2) + 1);
    writeln!(out, "{fence}{language}")?;
    for piece in trimmed_end(&pieces) {
        out.write_str(piece)?;
    }
    write!(out, "\n{fence}")
}

/// A code span that shows `value` exactly, safe inside a table cell.
pub fn code(value: &str) -> String {
    let folded = value.replace(['\r', '\n'], " ");
    let folded = visible::inline(&folded).replace('|', "\\|");
    let longest_run = folded.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = if folded.starts_with('`') || folded.ends_with('`') || folded.is_empty() { " " } else { "" };
    format!("{fence}{pad}{folded}{pad}{fence}")
}

/// Plain text with Markdown and HTML punctuation escaped, on one line. A web address (`http://…`,
/// `www.…`) becomes a code span, so a renderer never makes it a link someone clicks.
pub fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while !rest.is_empty() {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..word_end];
        if is_address(word) {
            out.push_str(&code(word));
        } else {
            escape_into(&mut out, word);
        }
        let space_end = rest[word_end..].find(|c: char| !c.is_whitespace()).map_or(rest.len(), |i| word_end + i);
        escape_into(&mut out, &rest[word_end..space_end]);
        rest = &rest[space_end..];
    }
    out
}

/// Whether a word would be turned into a link by GitHub's Markdown (a scheme and `//`, or `www.`).
fn is_address(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    lower.contains("://") || lower.contains("www.") || lower.contains("mailto:")
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\r' | '\n' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' | '&' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if visible::is_hidden(c) => out.push_str(&visible::escape_char(c)),
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_in_pieces_is_fenced_and_trimmed_as_one_text() {
        let mut out = String::new();
        write_fenced(&mut out, "ts", &["a `", "`` b", "\n", "  \n", ""]).expect("writes");
        assert_eq!(out, "````ts\na ``` b\n````", "the run of three spans two pieces; the trailing blanks go");
        let mut whole = String::new();
        write_fenced(&mut whole, "ts", &["a ``` b\n  \n"]).expect("writes");
        assert_eq!(out, whole);
    }

    /// Found by a probe: ESC, BEL and U+202E reached the Markdown raw, and bare addresses became
    /// links on GitHub.
    #[test]
    fn control_bidi_and_addresses_are_shown_inert() {
        assert_eq!(text("a\u{1b}[31mb\u{7}\u{202e}c\u{2028}"), "a\\x1b\\[31mb\\x07\\u{202e}c\\u{2028}");
        assert_eq!(code("x\u{1b}y"), "`x\\x1by`");
        assert_eq!(
            text("see http://evil.example/x and www.evil.example"),
            "see `http://evil.example/x` and `www.evil.example`"
        );
        assert!(fenced("sql", "SELECT '\u{1b}';\n").contains("SELECT '\\x1b';"));
    }

    #[test]
    fn hostile_names_stay_text() {
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("has ` tick"), "``has ` tick``");
        assert_eq!(code("`edge"), "`` `edge ``");
        assert_eq!(code("two\nlines"), "`two lines`");
        assert_eq!(text("<img src=x onerror=alert(1)> | *x*"), "\\<img src=x onerror=alert(1)\\> \\| \\*x\\*");
    }

    #[test]
    fn a_report_renders_every_section() {
        let report = crate::report::tests::report_of(
            "CREATE TABLE \"we|ird`name\" (a int);",
            "CREATE TABLE \"we|ird`name\" (a bigint); CREATE TABLE n (id int PRIMARY KEY);",
        );
        let markdown = report_markdown(&report);
        assert!(
            markdown.contains("| altered | column | ``public.we\\|ird`name.a`` | high (column-type-change) | type: `integer` → `bigint` |"),
            "{markdown}"
        );
        for heading in [
            "## Executive summary",
            "### 1.2 Tables only in `b.sql` (1)",
            "## 2. Column-level differences",
            "### Type changes",
            "## 3. Changed tables in detail",
            "### 4.1 `public.n`",
            "## 5. Index comparison",
            "## 6. Migration status",
            "## 8. Risk assessment",
            "### 8.3 Backward compatibility",
            "### 9.2 Migration script",
            "### 9.3 ORM schema changes",
            "### 9.4 Testing strategy",
            "### 9.5 Post-migration checklist",
            "### 9.6 Rollback script",
            "## Appendix",
        ] {
            assert!(markdown.contains(heading), "{heading} missing:\n{markdown}");
        }
        assert!(markdown.contains("```sql\n-- Migration a.sql → b.sql"), "{markdown}");
        assert!(markdown.contains(&format!("| SHA-256 | `{}` |", report.inputs[0].sha256)));
    }

    #[test]
    fn a_fence_is_longer_than_any_backtick_run_inside() {
        assert_eq!(fenced("sql", "SELECT 1;"), "```sql\nSELECT 1;\n```");
        assert_eq!(fenced("sql", "a ```` b"), "`````sql\na ```` b\n`````");
    }
}
