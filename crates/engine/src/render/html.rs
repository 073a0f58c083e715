//! The report as one standalone HTML file: [`super::document`] written as HTML with inline CSS,
//! no script, no external resource, readable with JavaScript off and printable.
//!
//! Architecture invariant: every piece of text goes through [`escape`], and the page's own
//! Content-Security-Policy allows nothing but its one stylesheet (by hash): even a name that
//! slipped through as markup could not load or run anything.

use super::document::{each_block, title, trimmed_end, Block, Ends, Inline, Line, ListKind};
use crate::report::Report;
use std::fmt::Write;

const STYLE: &str = "\
:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#57606a;--line:#d0d7de;--code:#f6f8fa;--note:#fff8c5}\
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#8d96a0;--line:#30363d;--code:#161b22;--note:#3b2e00}}\
body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:72rem;padding:1.5rem}\
h1{font-size:1.7rem;margin:.2rem 0 1rem}h2{border-bottom:1px solid var(--line);padding-bottom:.2rem;margin-top:2.2rem}\
table{border-collapse:collapse;margin:.6rem 0 1rem;display:block;overflow-x:auto;max-width:100%}\
th,td{border:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:var(--code)}\
code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--code);padding:0 .2rem;border-radius:3px;overflow-wrap:anywhere}\
pre{background:var(--code);border:1px solid var(--line);padding:.7rem;overflow-x:auto;border-radius:6px}pre code{padding:0;background:none}\
blockquote{margin:.6rem 0;padding:.5rem .8rem;border-left:4px solid #d4a72c;background:var(--note)}\
nav{font-size:.9rem;color:var(--muted)}nav a{margin-right:.8rem;color:inherit}ul.checklist{list-style:none;padding-left:1rem}\
ul.checklist li::before{content:'\\2610  '}\
@media print{nav{display:none}body{max-width:none;padding:0;font-size:11pt}pre,code{white-space:pre-wrap}\
table{display:table}h2,h3{break-after:avoid}tr,pre{break-inside:avoid}}";

/// The whole report as one HTML page.
pub fn report_html(report: &Report) -> String {
    let mut out = String::new();
    write_html(report, &mut out).expect("a String takes any text");
    out
}

/// The page written to `out` block by block, as each is laid out: nothing but the block being
/// written is held. The section index comes first, so the document is laid out twice (the first
/// time keeping only its section headings). Stops at the first error of `out`.
pub fn write_html(report: &Report, out: &mut dyn Write) -> std::fmt::Result {
    let title = title(report);
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src '{}'; \
         base-uri 'none'; form-action 'none'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"{} {}\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        csp_hash(STYLE),
        report.tool,
        report.tool_version,
        escape(&title)
    )?;
    writeln!(out, "<h1>{}</h1>", escape(&title))?;
    let mut sections: Vec<String> = Vec::new();
    each_block(report, |block| {
        if let Block::Heading(2, id, line) = block {
            sections.push(format!("<a href=\"#{}\">{}</a>", escape(&id), plain(&line)));
        }
    });
    writeln!(out, "<nav>{}</nav>", sections.join(" "))?;
    let mut result = Ok(());
    each_block(report, |block| {
        if result.is_ok() {
            result = write_block(out, &block);
        }
    });
    result?;
    out.write_str("</body>\n</html>\n")
}

fn write_block(out: &mut dyn Write, block: &Block) -> std::fmt::Result {
    match block {
        Block::Heading(level, id, line) => {
            writeln!(out, "<h{level} id=\"{}\">{}</h{level}>", escape(id), inline(line))
        }
        Block::Paragraph(line) => writeln!(out, "<p>{}</p>", inline(line)),
        Block::Callout(line) => writeln!(out, "<blockquote>{}</blockquote>", inline(line)),
        Block::List(ListKind::Bullets) => out.write_str("<ul>\n"),
        Block::List(ListKind::Checklist) => out.write_str("<ul class=\"checklist\">\n"),
        Block::Item(_, item) => writeln!(out, "<li>{}</li>", inline(item)),
        Block::End(Ends::List(_)) => out.write_str("</ul>\n"),
        Block::Table(header) => {
            out.write_str("<table>\n<thead><tr>")?;
            for cell in header {
                write!(out, "<th>{}</th>", inline(cell))?;
            }
            out.write_str("</tr></thead>\n<tbody>\n")
        }
        Block::Row(row) => {
            out.write_str("<tr>")?;
            for cell in row {
                write!(out, "<td>{}</td>", inline(cell))?;
            }
            out.write_str("</tr>\n")
        }
        Block::End(Ends::Table) => out.write_str("</tbody>\n</table>\n"),
        Block::Code(language, body) => {
            write!(out, "<pre><code class=\"language-{language}\">")?;
            for piece in trimmed_end(&body.0) {
                escape_into(out, piece)?;
            }
            out.write_str("</code></pre>\n")
        }
        Block::Rule => out.write_str("<hr>\n"),
    }
}

/// A line as HTML, written part by part where it is formatted (a cell may list thousands of names:
/// it is never made into one string first).
fn inline<'l>(line: &'l Line<'l>) -> Written<'l> {
    Written(line)
}

struct Written<'l>(&'l Line<'l>);

impl std::fmt::Display for Written<'_> {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for part in self.0 {
            match part {
                Inline::Text(value) => escape_into(out, value)?,
                Inline::Code(value) => {
                    out.write_str("<code>")?;
                    escape_into(out, value)?;
                    out.write_str("</code>")?
                }
                Inline::Strong(value) => {
                    out.write_str("<strong>")?;
                    escape_into(out, value)?;
                    out.write_str("</strong>")?
                }
                Inline::Break => out.write_str("<br>")?,
            }
        }
        Ok(())
    }
}

fn plain(line: &Line) -> String {
    line.iter()
        .map(|part| match part {
            Inline::Text(v) | Inline::Code(v) | Inline::Strong(v) => escape(v),
            Inline::Break => " ".to_string(),
        })
        .collect()
}

/// Text as HTML text or attribute value: `&`, `<`, `>`, `"` and `'` escaped, and characters that
/// would act or reorder text shown as escapes (see [`super::visible`]; newlines and tabs stay).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text).expect("a String takes any text");
    out
}

/// [`escape`], written to `out`: runs of plain characters are written as they are.
fn escape_into(out: &mut dyn Write, text: &str) -> std::fmt::Result {
    let mut plain_from = 0;
    for (at, c) in text.char_indices() {
        let escaped: std::borrow::Cow<str> = match c {
            '\n' | '\t' => continue,
            c if super::visible::is_hidden(c) => super::visible::escape_char(c).into(),
            '&' => "&amp;".into(),
            '<' => "&lt;".into(),
            '>' => "&gt;".into(),
            '"' => "&quot;".into(),
            '\'' => "&#39;".into(),
            _ => continue,
        };
        out.write_str(&text[plain_from..at])?;
        out.write_str(&escaped)?;
        plain_from = at + c.len_utf8();
    }
    out.write_str(&text[plain_from..])
}

/// A Content-Security-Policy source that allows exactly this inline script or style:
/// `sha256-<base64 of its SHA-256>`.
pub fn csp_hash(text: &str) -> String {
    use sha2::Digest;
    format!("sha256-{}", base64(&sha2::Sha256::digest(text.as_bytes())))
}

/// Standard base64 with padding (for CSP hashes).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_pads_as_the_standard_says() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn control_and_bidi_characters_show_as_escapes() {
        assert_eq!(escape("<a\u{1b}\u{202e}>\n"), "&lt;a\\x1b\\u{202e}&gt;\n");
    }

    #[test]
    fn hostile_names_are_inert_text() {
        let report = crate::report::tests::report_of(
            "CREATE TABLE t (a int);",
            "CREATE TABLE t (a int); CREATE TABLE \"<img src=x onerror=alert(1)>\" (\"</script><b>\" text);
             COMMENT ON TABLE \"<img src=x onerror=alert(1)>\" IS '<script>alert(2)</script>';",
        );
        let html = report_html(&report);
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("</script>"), "{html}");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(html.contains("<h2 id=\"new-tables\">4. New tables</h2>"));
        assert!(html.contains("<table>"));
        let policy = format!("style-src '{}'", csp_hash(STYLE));
        assert!(html.contains(&policy));
    }
}
