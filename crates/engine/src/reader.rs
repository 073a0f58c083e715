//! Splits dump text into pieces: SQL statements, psql meta-commands and COPY data, each with its line.
//!
//! Architecture invariant: reading never fails. Whatever the text, the result is a list of pieces
//! plus diagnostics; a statement cut off by the end of the file is still returned, marked
//! unterminated. The scanner knows SQL lexical structure (quotes, `E''` strings, dollar quotes with
//! any tag, nested block comments) but nothing of PostgreSQL semantics.

use serde::{Deserialize, Serialize};

/// One dump, read: the pieces borrow from the source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dump<'a> {
    pub pieces: Vec<Piece<'a>>,
    /// Header facts pg_dump writes in its opening comments, when present.
    pub header: Header,
}

/// Facts from the comment block pg_dump writes at the top of a dump.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// e.g. `15.20 (Debian 15.20-0+deb12u1)` from `-- Dumped by pg_dump version …`.
    pub pg_dump_version: Option<String>,
    /// e.g. `15.20` from `-- Dumped from database version …`.
    pub server_version: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PieceKind {
    /// An SQL statement, including its terminating `;`.
    Statement,
    /// A statement cut off by the end of the file (no terminating `;`).
    Unterminated,
    /// A psql meta-command such as `\connect db` or `\restrict KEY`: not SQL.
    MetaCommand,
    /// The data lines of a `COPY … FROM stdin;` block, up to and including `\.`.
    CopyData { rows: usize },
}

/// A piece of the dump with the 1-based line it starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece<'a> {
    pub line: usize,
    pub kind: PieceKind,
    pub text: &'a str,
}

/// Reads dump text into pieces. Never fails; see the module invariant.
pub fn read(source: &str) -> Dump<'_> {
    let mut scanner = Scanner { src: source, bytes: source.as_bytes(), pos: 0, line: 1 };
    let mut pieces = Vec::new();
    while scanner.skip_space_and_comments() {
        let start = scanner.pos;
        let line = scanner.line;
        if scanner.bytes[start] == b'\\' {
            let end = scanner.line_end(start);
            pieces.push(Piece { line, kind: PieceKind::MetaCommand, text: source[start..end].trim_end() });
            scanner.advance_to(end);
            continue;
        }
        let terminated = scanner.scan_statement();
        let text = &source[start..scanner.pos];
        let kind = if terminated { PieceKind::Statement } else { PieceKind::Unterminated };
        pieces.push(Piece { line, kind, text: text.trim_end() });
        if terminated && is_copy_from_stdin(text) {
            if let Some(data) = scanner.scan_copy_data() {
                pieces.push(data);
            }
        }
    }
    Dump { pieces, header: read_header(source) }
}

impl<'a> Dump<'a> {
    /// The SQL statements (terminated or not), without meta-commands and COPY data.
    pub fn statements(&self) -> impl Iterator<Item = &Piece<'a>> {
        self.pieces.iter().filter(|p| matches!(p.kind, PieceKind::Statement | PieceKind::Unterminated))
    }
}

struct Scanner<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: usize,
}

impl<'a> Scanner<'a> {
    fn advance_to(&mut self, end: usize) {
        let end = end.min(self.bytes.len());
        self.line += count_newlines(&self.bytes[self.pos..end]);
        self.pos = end;
    }

    fn line_end(&self, from: usize) -> usize {
        self.bytes[from..].iter().position(|&b| b == b'\n').map_or(self.bytes.len(), |i| from + i)
    }

    /// Skips whitespace and comments between statements; false at the end of the text.
    fn skip_space_and_comments(&mut self) -> bool {
        loop {
            match self.bytes.get(self.pos) {
                None => return false,
                Some(b) if b.is_ascii_whitespace() => self.advance_to(self.pos + 1),
                Some(b'-') if self.bytes.get(self.pos + 1) == Some(&b'-') => {
                    let end = self.line_end(self.pos);
                    self.advance_to(end);
                }
                Some(b'/') if self.bytes.get(self.pos + 1) == Some(&b'*') => {
                    let end = self.block_comment_end(self.pos);
                    self.advance_to(end);
                }
                Some(_) => return true,
            }
        }
    }

    /// End (exclusive) of a possibly nested `/* … */` comment starting at `from`.
    fn block_comment_end(&self, from: usize) -> usize {
        let mut depth = 0usize;
        let mut i = from;
        while i + 1 < self.bytes.len() {
            match (self.bytes[i], self.bytes[i + 1]) {
                (b'/', b'*') => {
                    depth += 1;
                    i += 2;
                }
                (b'*', b'/') => {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        return i;
                    }
                }
                _ => i += 1,
            }
        }
        self.bytes.len()
    }

    /// Scans to just past the statement's `;`. Returns false when the text ends first.
    fn scan_statement(&mut self) -> bool {
        let bytes = self.bytes;
        let mut i = self.pos;
        while i < bytes.len() {
            match bytes[i] {
                b';' => {
                    self.advance_to(i + 1);
                    return true;
                }
                b'\'' => {
                    let escapes = is_escape_string_prefix(bytes, i);
                    i = quoted_end(bytes, i, b'\'', escapes);
                }
                b'"' => i = quoted_end(bytes, i, b'"', false),
                b'-' if bytes.get(i + 1) == Some(&b'-') => i = self.line_end(i),
                b'/' if bytes.get(i + 1) == Some(&b'*') => i = self.block_comment_end(i),
                b'$' => i = dollar_quote_end(self.src, i).unwrap_or(i + 1),
                _ => i += 1,
            }
        }
        self.advance_to(bytes.len());
        false
    }

    /// After `COPY … FROM stdin;`: the data lines up to the `\.` line.
    fn scan_copy_data(&mut self) -> Option<Piece<'a>> {
        // The data starts on the line after the statement.
        let after_statement = self.line_end(self.pos);
        if after_statement >= self.bytes.len() {
            return None;
        }
        self.advance_to(after_statement + 1);
        let start = self.pos;
        let line = self.line;
        let mut rows = 0;
        let mut cursor = start;
        while cursor < self.bytes.len() {
            let end = self.line_end(cursor);
            let row = self.src[cursor..end].trim_end_matches('\r');
            if row == "\\." {
                self.advance_to(end);
                return Some(Piece { line, kind: PieceKind::CopyData { rows }, text: &self.src[start..end] });
            }
            rows += 1;
            cursor = end + 1;
        }
        self.advance_to(self.bytes.len());
        Some(Piece { line, kind: PieceKind::CopyData { rows }, text: &self.src[start..] })
    }
}

fn count_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// True when the quote at `quote` opens an `E'…'` string, in which backslash escapes a character.
fn is_escape_string_prefix(bytes: &[u8], quote: usize) -> bool {
    quote >= 1 && matches!(bytes[quote - 1], b'E' | b'e') && (quote < 2 || !is_identifier_byte(bytes[quote - 2]))
}

fn is_identifier_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// End (exclusive) of a quoted token opened at `open`; a doubled quote is an escaped quote.
fn quoted_end(bytes: &[u8], open: usize, quote: u8, backslash_escapes: bool) -> usize {
    let mut i = open + 1;
    while i < bytes.len() {
        let b = bytes[i];
        if backslash_escapes && b == b'\\' {
            i += 2;
        } else if b == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
            } else {
                return i + 1;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// If a dollar quote (`$$` or `$tag$`) opens at `open`, the end (exclusive) of its body and closing tag.
fn dollar_quote_end(src: &str, open: usize) -> Option<usize> {
    let bytes = src.as_bytes();
    if open > 0 && is_identifier_byte(bytes[open - 1]) {
        return None; // `a$b` is an identifier, not a quote.
    }
    let tag_len = bytes[open + 1..].iter().position(|&b| b == b'$').filter(|&len| {
        let tag = &bytes[open + 1..open + 1 + len];
        tag.first().is_none_or(|b| !b.is_ascii_digit())
            && tag.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80)
    })?;
    let delimiter = &src[open..open + tag_len + 2];
    let body_start = open + delimiter.len();
    Some(match src[body_start..].find(delimiter) {
        Some(at) => body_start + at + delimiter.len(),
        None => bytes.len(),
    })
}

/// What is still open at the end of a statement cut off by the end of the file: a dollar-quoted
/// body, a string, a quoted identifier or a comment, named as a user would look for it. `None` when
/// only the `;` is missing.
pub fn open_at_end(text: &str, first_line: usize) -> Option<String> {
    let line_of = |at: usize| first_line + count_newlines(&text.as_bytes()[..at]);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            quote @ (b'\'' | b'"') => {
                let escapes = quote == b'\'' && is_escape_string_prefix(bytes, i);
                let end = quoted_end(bytes, i, quote, escapes);
                let closed =
                    end > i + 1 && bytes[end - 1] == quote && !(escapes && bytes[end - 2] == b'\\' && end - 2 > i);
                if end >= bytes.len() && !closed {
                    let what = if quote == b'"' { "a quoted identifier" } else { "a string" };
                    return Some(format!("{what} opened on line {}", line_of(i)));
                }
                i = end;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = bytes[i..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |at| i + at);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let mut depth = 0usize;
                let mut j = i;
                loop {
                    if j + 1 >= bytes.len() {
                        return Some(format!("a /* comment opened on line {}", line_of(i)));
                    }
                    match (bytes[j], bytes[j + 1]) {
                        (b'/', b'*') => {
                            depth += 1;
                            j += 2;
                        }
                        (b'*', b'/') => {
                            depth -= 1;
                            j += 2;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => j += 1,
                    }
                }
                i = j;
            }
            b'$' => match dollar_quote_end(text, i) {
                Some(end) => {
                    let tag_len = bytes[i + 1..].iter().position(|&b| b == b'$').unwrap_or(0) + 2;
                    let tag = &text[i..i + tag_len];
                    if end >= bytes.len() && !(end - i >= 2 * tag_len && text[..end].ends_with(tag)) {
                        return Some(format!(
                            "a dollar-quoted body ({tag} opened on line {} is never closed)",
                            line_of(i)
                        ));
                    }
                    i = end;
                }
                None => i += 1,
            },
            _ => i += 1,
        }
    }
    None
}

fn is_copy_from_stdin(statement: &str) -> bool {
    let head = statement.trim_start();
    // Bytes, not a `str` slice: the sixth byte may be inside a character.
    head.len() > 5
        && head.as_bytes()[..5].eq_ignore_ascii_case(b"COPY ")
        && statement.to_ascii_lowercase().contains("from stdin")
}

fn read_header(source: &str) -> Header {
    let mut header = Header::default();
    // pg_dump writes these within the first few lines; in a pg_dumpall file, after the cluster's
    // roles: look from the first `-- Dumped` line on, for a few lines.
    let start =
        if source.starts_with("-- Dumped") { 0 } else { source.find("\n-- Dumped ").map_or(source.len(), |at| at + 1) };
    for line in source[start..].lines().take(4) {
        if let Some(version) = line.strip_prefix("-- Dumped by pg_dump version ") {
            header.pg_dump_version = Some(version.trim().to_string());
        } else if let Some(version) = line.strip_prefix("-- Dumped from database version ") {
            header.server_version = Some(version.trim().to_string());
        }
    }
    header
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_what_is_open_at_the_end_of_a_cut_statement() {
        let body = "CREATE FUNCTION f() RETURNS int\n    LANGUAGE sql\n    AS $_$\nSELECT 1;\n";
        assert_eq!(open_at_end(body, 10).unwrap(), "a dollar-quoted body ($_$ opened on line 12 is never closed)");
        assert_eq!(open_at_end("COMMENT ON TABLE t IS 'half", 1).unwrap(), "a string opened on line 1");
        assert_eq!(open_at_end("CREATE TABLE \"half", 1).unwrap(), "a quoted identifier opened on line 1");
        assert_eq!(open_at_end("SELECT 1 /* x", 1).unwrap(), "a /* comment opened on line 1");
        assert_eq!(open_at_end("CREATE TABLE t (id integer", 1), None);
        assert_eq!(open_at_end("SELECT $$a$$, 'b', \"c\", E'\\'' /* d */", 1), None);
        assert_eq!(
            open_at_end("SELECT $$", 1),
            Some("a dollar-quoted body ($$ opened on line 1 is never closed)".into())
        );
        assert_eq!(open_at_end("SELECT '", 1), Some("a string opened on line 1".into()));
    }

    /// Renders the pieces as `line kind: text` rows, the form every reader test compares.
    fn check(source: &str, expected: &[&str]) {
        let dump = read(source);
        let actual: Vec<String> = dump.pieces.iter().map(|p| format!("{} {:?}: {}", p.line, p.kind, p.text)).collect();
        assert_eq!(actual, expected, "pieces of {source:?}");
    }

    #[test]
    fn splits_statements_and_keeps_lines() {
        check(
            "-- header\nSET a = 1;\n\nCREATE TABLE t (\n  id int\n);\n",
            &["2 Statement: SET a = 1;", "4 Statement: CREATE TABLE t (\n  id int\n);"],
        );
    }

    #[test]
    fn semicolons_inside_quotes_comments_and_dollar_bodies_do_not_split() {
        check(
            "COMMENT ON TABLE t IS 'a; b''c;';\nSELECT \"x;y\" /* ; /* nested ; */ ; */ FROM t;\n\
             CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $x$ ; $x$ $body$ LANGUAGE sql;\n\
             SELECT E'it\\'s; fine';",
            &[
                "1 Statement: COMMENT ON TABLE t IS 'a; b''c;';",
                "2 Statement: SELECT \"x;y\" /* ; /* nested ; */ ; */ FROM t;",
                "3 Statement: CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $x$ ; $x$ $body$ LANGUAGE sql;",
                "4 Statement: SELECT E'it\\'s; fine';",
            ],
        );
    }

    #[test]
    fn dollar_signs_that_are_not_quotes() {
        check(
            "PREPARE p AS SELECT $1; SELECT a$b FROM t;",
            &["1 Statement: PREPARE p AS SELECT $1;", "1 Statement: SELECT a$b FROM t;"],
        );
    }

    #[test]
    fn meta_commands_are_pieces_of_their_own() {
        check(
            "\\restrict abc123\nSET x = 1;\n\\connect -reuse-previous=on \"dbname='x'\"\n\\unrestrict abc123\n",
            &[
                "1 MetaCommand: \\restrict abc123",
                "2 Statement: SET x = 1;",
                "3 MetaCommand: \\connect -reuse-previous=on \"dbname='x'\"",
                "4 MetaCommand: \\unrestrict abc123",
            ],
        );
    }

    #[test]
    fn copy_data_is_skipped_and_counted() {
        check(
            "COPY public.t (a, b) FROM stdin;\n1\tx;y\n2\t'\n\\.\n\nSELECT 1;\n",
            &[
                "1 Statement: COPY public.t (a, b) FROM stdin;",
                "2 CopyData { rows: 2 }: 1\tx;y\n2\t'\n\\.",
                "6 Statement: SELECT 1;",
            ],
        );
    }

    /// Found by the property test: the check for `COPY ` sliced the statement's first five bytes as
    /// text, and a character across the fifth byte panicked.
    #[test]
    fn a_statement_with_a_character_across_its_fifth_byte_is_read() {
        let dump = read("COP\u{20ac} x;\nCOPY\u{e9}\u{20ac};\n");
        assert_eq!(dump.pieces.len(), 2);
        assert!(dump.pieces.iter().all(|p| matches!(p.kind, PieceKind::Statement)), "{:?}", dump.pieces);
    }

    #[test]
    fn crlf_line_endings() {
        check("SELECT 1;\r\n\r\nSELECT 2;\r\n", &["1 Statement: SELECT 1;", "3 Statement: SELECT 2;"]);
    }

    #[test]
    fn truncated_statement_and_dollar_body_are_kept_unterminated() {
        check(
            "SELECT 1;\nCREATE TABLE t (id int",
            &["1 Statement: SELECT 1;", "2 Unterminated: CREATE TABLE t (id int"],
        );
        check(
            "CREATE FUNCTION f() AS $$ BEGIN; SELECT 1;",
            &["1 Unterminated: CREATE FUNCTION f() AS $$ BEGIN; SELECT 1;"],
        );
    }

    #[test]
    fn reads_the_pg_dump_header() {
        let dump = read(
            "--\n-- PostgreSQL database dump\n--\n\n-- Dumped from database version 15.20\n-- Dumped by pg_dump version 16.4 (Debian)\n",
        );
        assert_eq!(dump.header.pg_dump_version.as_deref(), Some("16.4 (Debian)"));
        assert_eq!(dump.header.server_version.as_deref(), Some("15.20"));
        assert!(dump.pieces.is_empty());
    }
}
