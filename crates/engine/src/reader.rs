//! Splits dump text into pieces: SQL statements, psql meta-commands and COPY data, each with its line.
//!
//! Architecture invariant: reading never fails. Whatever the text, the result is a list of pieces
//! plus diagnostics; a statement cut off by the end of the file is still returned, marked
//! unterminated, and text that psql would lose (a `/*` comment or a COPY block never closed) is a
//! [`Loss`]. The scanner follows PostgreSQL's lexical rules as psql applies them: quotes, `E''`
//! strings, dollar quotes with any tag, nested block comments, every line ending psql accepts
//! (`\n`, `\r\n` and a lone `\r` end a `--` comment), and `standard_conforming_strings` as the
//! file sets it (when it is `off`, a backslash escapes the next character in every `'…'` string).
//! It knows nothing else of PostgreSQL semantics.

use serde::{Deserialize, Serialize};

/// One dump, read: the pieces borrow from the source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dump<'a> {
    pub pieces: Vec<Piece<'a>>,
    /// Header facts pg_dump writes in its opening comments, when present.
    pub header: Header,
    /// Text psql would not run as SQL because something opened in it is never closed.
    pub losses: Vec<Loss>,
}

/// Text lost to something never closed: everything from `line` to the end of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loss {
    pub line: usize,
    /// What is open, e.g. `a /* comment`.
    pub what: &'static str,
    /// The number of lines from `line` to the end of the file.
    pub lines: usize,
}

/// Facts from the comment block pg_dump writes at the top of a dump.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// e.g. `15.20 (Debian 15.20-0+deb12u1)` from `-- Dumped by pg_dump version …`.
    pub pg_dump_version: Option<String>,
    /// e.g. `15.20` from `-- Dumped from database version …`.
    pub server_version: Option<String>,
    /// pg_dump wrote the file: it opens with `-- PostgreSQL database dump` or names pg_dump's version.
    #[serde(default)]
    pub written_by_pg_dump: bool,
    /// The file carries the line pg_dump writes last, `-- PostgreSQL database dump complete`.
    #[serde(default)]
    pub complete: bool,
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
    /// A statement inside a `/*` comment that is never closed (opened on line `opened`): psql
    /// does not run it, but it shows what the author meant to be there.
    Lost { opened: usize },
}

/// A piece of the dump with the 1-based line it starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece<'a> {
    pub line: usize,
    pub kind: PieceKind,
    pub text: &'a str,
    /// Whether `standard_conforming_strings` is `off` where this piece is: a backslash then escapes
    /// the next character in a plain `'…'` string, as in `E'…'`.
    pub backslash_quotes: bool,
}

/// Reads dump text into pieces. Never fails; see the module invariant.
pub fn read(source: &str) -> Dump<'_> {
    let mut scanner = Scanner {
        src: source,
        bytes: source.as_bytes(),
        pos: 0,
        line: 1,
        backslash_quotes: false,
        losses: Vec::new(),
        lost: None,
    };
    let mut pieces = Vec::new();
    read_into(&mut scanner, &mut pieces);
    let lost = scanner.lost.take();
    if let Some((at, line_opened)) = lost {
        // What an unclosed `/*` hides, read as statements: psql runs none of them.
        let mut hidden = Scanner { pos: at, line: line_opened, lost: Some((at, line_opened)), ..scanner };
        let mut found = Vec::new();
        read_into(&mut hidden, &mut found);
        // Comment text runs into the first statement: a statement starts where a line starts with
        // CREATE or ALTER.
        for piece in found.into_iter().filter(|p| matches!(p.kind, PieceKind::Statement | PieceKind::Unterminated)) {
            let mut offset = 0;
            let mut skipped = 0;
            for row in piece.text.split_inclusive(['\n', '\r']) {
                let head = row.trim_start().get(..6).map(str::to_ascii_uppercase);
                if matches!(head.as_deref(), Some("CREATE" | "ALTER ")) {
                    let text = piece.text[offset..].trim_start();
                    let line = piece.line + skipped;
                    pieces.push(Piece { line, kind: PieceKind::Lost { opened: line_opened }, text, ..piece });
                    break;
                }
                offset += row.len();
                skipped += usize::from(row.ends_with('\n') || (row.ends_with('\r')));
            }
        }
        return Dump { pieces, header: read_header(source), losses: hidden.losses };
    }
    Dump { pieces, header: read_header(source), losses: scanner.losses }
}

fn read_into<'a>(scanner: &mut Scanner<'a>, pieces: &mut Vec<Piece<'a>>) {
    let source = scanner.src;
    while scanner.skip_space_and_comments() {
        let start = scanner.pos;
        let line = scanner.line;
        let backslash_quotes = scanner.backslash_quotes;
        if scanner.bytes[start] == b'\\' {
            let end = scanner.line_end(start);
            let text = source[start..end].trim_end();
            pieces.push(Piece { line, kind: PieceKind::MetaCommand, text, backslash_quotes });
            scanner.advance_to(end);
            continue;
        }
        let terminated = scanner.scan_statement();
        let text = &source[start..scanner.pos];
        let kind = if terminated { PieceKind::Statement } else { PieceKind::Unterminated };
        // An empty statement (`;` alone) is nothing to PostgreSQL: a file of a million of them
        // must not become a million pieces.
        if text.trim_end() == ";" {
            continue;
        }
        pieces.push(Piece { line, kind, text: text.trim_end(), backslash_quotes });
        if terminated {
            if let Some(off) = conforming_strings_setting(text) {
                scanner.backslash_quotes = off;
            }
        }
        if terminated && is_copy_from_stdin(text) {
            if let Some(data) = scanner.scan_copy_data() {
                pieces.push(data);
            }
        }
    }
}

/// For `SET standard_conforming_strings = off` (or `TO`, quoted, `false`, `0`): `Some(true)`, as
/// the rest of the file's plain strings then take backslash escapes; `Some(false)` for `on`.
/// `None` for any other statement. (`SET LOCAL` lasts one transaction, which pg_dump never uses.)
fn conforming_strings_setting(statement: &str) -> Option<bool> {
    let words: Vec<String> = statement
        .trim_end_matches(';')
        .split(|c: char| c.is_whitespace() || c == '=')
        .filter(|w| !w.is_empty())
        .take(5)
        .map(|w| w.trim_matches(|c| c == '\'' || c == '"').to_ascii_lowercase())
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let value = match words.as_slice() {
        ["set", "session", "standard_conforming_strings", "to", value]
        | ["set", "standard_conforming_strings", "to", value]
        | ["set", "session", "standard_conforming_strings", value]
        | ["set", "standard_conforming_strings", value] => *value,
        _ => return None,
    };
    match value {
        "off" | "false" | "0" | "no" => Some(true),
        "on" | "true" | "1" | "yes" | "default" => Some(false),
        _ => None,
    }
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
    /// `standard_conforming_strings` is `off` (see [`Piece::backslash_quotes`]).
    backslash_quotes: bool,
    losses: Vec<Loss>,
    /// Where the text inside a `/*` never closed starts, and its line; once set, a second unclosed
    /// comment inside it is not read again.
    lost: Option<(usize, usize)>,
}

impl<'a> Scanner<'a> {
    fn advance_to(&mut self, end: usize) {
        let end = end.min(self.bytes.len());
        self.line += count_newlines(&self.bytes[self.pos..end]);
        // A `\r\n` split by `end` is counted once: at its `\r`, not again at its `\n`.
        if self.pos > 0 && self.pos < end && self.bytes[self.pos - 1] == b'\r' && self.bytes[self.pos] == b'\n' {
            self.line -= 1;
        }
        self.pos = end;
    }

    /// Where the line holding `from` ends: its `\n` or `\r` (psql's lexer ends a line at either).
    fn line_end(&self, from: usize) -> usize {
        line_end(self.bytes, from)
    }

    fn lose(&mut self, line: usize, what: &'static str) {
        let lines = 1 + count_newlines(&self.bytes[self.pos.min(self.bytes.len())..]);
        self.losses.push(Loss { line, what, lines });
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
                // Inside the text an unclosed comment hides, `/*` is text: psql reads none of it, and
                // every statement there should still be seen.
                Some(b'/')
                    if self.bytes.get(self.pos + 1) == Some(&b'*')
                        && self.lost.is_some_and(|(at, _)| self.pos >= at) =>
                {
                    return true
                }
                Some(b'/') if self.bytes.get(self.pos + 1) == Some(&b'*') => {
                    match block_comment_end(self.bytes, self.pos) {
                        Some(end) => self.advance_to(end),
                        None => {
                            let line = self.line;
                            if self.lost.is_none() {
                                self.lose(line, "a /* comment");
                                self.lost = Some((self.pos + 2, line));
                            }
                            self.advance_to(self.bytes.len());
                        }
                    }
                }
                Some(_) => return true,
            }
        }
    }

    /// Scans to just past the statement's `;`. Returns false when the text ends first.
    fn scan_statement(&mut self) -> bool {
        let bytes = self.bytes;
        let mut i = self.pos;
        let mut routine = RoutineBody::default();
        while i < bytes.len() {
            match bytes[i] {
                b';' if routine.begin_depth > 0 => i += 1,
                b';' => {
                    self.advance_to(i + 1);
                    return true;
                }
                b'(' => {
                    routine.paren_depth += 1;
                    i += 1;
                }
                b')' => {
                    routine.paren_depth = routine.paren_depth.saturating_sub(1);
                    i += 1;
                }
                b if b.is_ascii_alphabetic() || b == b'_' || b >= 0x80 => {
                    let end = bytes[i..]
                        .iter()
                        .position(|&c| !(c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80))
                        .map_or(bytes.len(), |n| i + n);
                    routine.word(&bytes[i..end]);
                    i = end;
                }
                b'\'' => {
                    let escapes = self.backslash_quotes || is_escape_string_prefix(bytes, i);
                    i = quoted_end(bytes, i, b'\'', escapes);
                }
                b'"' => i = quoted_end(bytes, i, b'"', false),
                b'-' if bytes.get(i + 1) == Some(&b'-') => i = self.line_end(i),
                b'/' if bytes.get(i + 1) == Some(&b'*') && self.lost.is_none_or(|(at, _)| i < at) => {
                    i = block_comment_end(bytes, i).unwrap_or(bytes.len())
                }
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
        self.advance_to(next_line(self.bytes, after_statement));
        let start = self.pos;
        let line = self.line;
        let mut rows = 0;
        let mut cursor = start;
        let backslash_quotes = self.backslash_quotes;
        while cursor < self.bytes.len() {
            let end = self.line_end(cursor);
            if &self.src[cursor..end] == "\\." {
                self.advance_to(end);
                let text = &self.src[start..end];
                return Some(Piece { line, kind: PieceKind::CopyData { rows }, text, backslash_quotes });
            }
            rows += 1;
            cursor = next_line(self.bytes, end);
        }
        self.lose(line, "COPY data");
        self.advance_to(self.bytes.len());
        Some(Piece { line, kind: PieceKind::CopyData { rows }, text: &self.src[start..], backslash_quotes })
    }
}

/// psql's rule for SQL-standard routine bodies (`CREATE [OR REPLACE] FUNCTION|PROCEDURE … BEGIN
/// ATOMIC … END`): inside them a `;` does not end the statement. Like psql, it counts `BEGIN`,
/// `CASE` (once inside a `BEGIN`) and `END` outside parentheses, in statements whose first words
/// are `CREATE [OR REPLACE] FUNCTION|PROCEDURE`.
#[derive(Default)]
struct RoutineBody {
    words: usize,
    /// The first letters of the statement's first four words, where they are one of `create`,
    /// `or`, `replace`, `function`, `procedure` (psql's `identifiers`).
    head: [u8; 4],
    paren_depth: usize,
    begin_depth: usize,
}

impl RoutineBody {
    fn word(&mut self, word: &[u8]) {
        let is = |w: &str| word.eq_ignore_ascii_case(w.as_bytes());
        if self.words < 4 && ["create", "or", "replace", "function", "procedure"].iter().any(|w| is(w)) {
            self.head[self.words] = word[0].to_ascii_lowercase();
        }
        self.words += 1;
        let head = self.head;
        let routine = head[0] == b'c'
            && (matches!(head[1], b'f' | b'p')
                || (head[1] == b'o' && head[2] == b'r' && matches!(head[3], b'f' | b'p')));
        if !routine || self.paren_depth > 0 {
            return;
        }
        // CASE ends with END too; it only counts inside a BEGIN.
        if is("begin") || (is("case") && self.begin_depth >= 1) {
            self.begin_depth += 1;
        } else if is("end") {
            self.begin_depth = self.begin_depth.saturating_sub(1);
        }
    }
}

/// End (exclusive) of a possibly nested `/* … */` comment starting at `from`; `None` when the
/// text ends first. The one scanner of block comments: every lexical pass here uses it.
pub(crate) fn block_comment_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = from;
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// Line breaks in `bytes`: `\n`, `\r\n` and a lone `\r` count one each.
pub fn count_newlines(bytes: &[u8]) -> usize {
    let mut count = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            count += 1;
        }
    }
    count
}

/// Where the line holding `from` ends (its `\r` or `\n`, or the end of the text).
pub(crate) fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..].iter().position(|&b| b == b'\n' || b == b'\r').map_or(bytes.len(), |i| from + i)
}

/// The start of the line after the line break at `end` (`\r\n` is one break).
fn next_line(bytes: &[u8], end: usize) -> usize {
    match (bytes.get(end), bytes.get(end + 1)) {
        (Some(b'\r'), Some(b'\n')) => end + 2,
        (Some(_), _) => end + 1,
        (None, _) => end,
    }
}

/// True when the quote at `quote` opens an `E'…'` string, in which backslash escapes a character.
pub(crate) fn is_escape_string_prefix(bytes: &[u8], quote: usize) -> bool {
    quote >= 1 && matches!(bytes[quote - 1], b'E' | b'e') && (quote < 2 || !is_identifier_byte(bytes[quote - 2]))
}

pub(crate) fn is_identifier_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// End (exclusive) of a quoted token opened at `open`; a doubled quote is an escaped quote.
pub(crate) fn quoted_end(bytes: &[u8], open: usize, quote: u8, backslash_escapes: bool) -> usize {
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
pub(crate) fn dollar_quote_end(src: &str, open: usize) -> Option<usize> {
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
pub fn open_at_end(text: &str, first_line: usize, backslash_quotes: bool) -> Option<String> {
    let line_of = |at: usize| first_line + count_newlines(&text.as_bytes()[..at]);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            quote @ (b'\'' | b'"') => {
                let escapes = quote == b'\'' && (backslash_quotes || is_escape_string_prefix(bytes, i));
                let end = quoted_end(bytes, i, quote, escapes);
                let closed =
                    end > i + 1 && bytes[end - 1] == quote && !(escapes && bytes[end - 2] == b'\\' && end - 2 > i);
                if end >= bytes.len() && !closed {
                    let what = if quote == b'"' { "a quoted identifier" } else { "a string" };
                    return Some(format!("{what} opened on line {}", line_of(i)));
                }
                i = end;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => i = line_end(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'*') => match block_comment_end(bytes, i) {
                Some(end) => i = end,
                None => return Some(format!("a /* comment opened on line {}", line_of(i))),
            },
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

/// A statement read under `standard_conforming_strings = off`, written so that it means the same
/// under any setting: each plain `'…'` string holding a backslash becomes `E'…'` (what `off` makes
/// of it). Statements without such a string are returned as they are.
pub fn with_escape_strings(statement: &str) -> std::borrow::Cow<'_, str> {
    let bytes = statement.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => {
                let prefixed = is_escape_string_prefix(bytes, i);
                let end = quoted_end(bytes, i, b'\'', true);
                // `U&'…'`, `B'…'`, `X'…'`: a letter or `&` before the quote is a prefix of another kind.
                let other_prefix = i > 0 && (bytes[i - 1] == b'&' || is_identifier_byte(bytes[i - 1]));
                if !prefixed && !other_prefix && bytes[i..end].contains(&b'\\') {
                    let out = out.get_or_insert_with(|| String::with_capacity(statement.len() + 8));
                    out.push_str(&statement[copied..i]);
                    out.push('E');
                    copied = i;
                }
                i = end;
            }
            b'"' => i = quoted_end(bytes, i, b'"', false),
            b'-' if bytes.get(i + 1) == Some(&b'-') => i = line_end(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'*') => i = block_comment_end(bytes, i).unwrap_or(bytes.len()),
            b'$' => i = dollar_quote_end(statement, i).unwrap_or(i + 1),
            _ => i += 1,
        }
    }
    match out {
        Some(mut out) => {
            out.push_str(&statement[copied..]);
            std::borrow::Cow::Owned(out)
        }
        None => std::borrow::Cow::Borrowed(statement),
    }
}

/// The bytes of a statement that are code: every `(index, byte)` outside quotes (`'…'`, `E'…'`,
/// `"…"`), comments (`--`, nested `/* */`) and dollar-quoted bodies, in order. The one walk over
/// code that the cheap passes before parsing share (nesting depth, first-level commas, the cuts
/// between tokens of `recognize::normalized_tokens`).
pub(crate) fn code_bytes(statement: &str) -> impl Iterator<Item = (usize, u8)> + '_ {
    let bytes = statement.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let at = i;
            match bytes[at] {
                b'\'' => i = quoted_end(bytes, at, b'\'', is_escape_string_prefix(bytes, at)),
                b'"' => i = quoted_end(bytes, at, b'"', false),
                b'-' if bytes.get(at + 1) == Some(&b'-') => i = line_end(bytes, at),
                b'/' if bytes.get(at + 1) == Some(&b'*') => i = block_comment_end(bytes, at).unwrap_or(bytes.len()),
                b'$' => match dollar_quote_end(statement, at) {
                    Some(end) => i = end,
                    None => {
                        i += 1;
                        return Some((at, b'$'));
                    }
                },
                b => {
                    i += 1;
                    return Some((at, b));
                }
            }
        }
        None
    })
}

/// How deep a statement can nest, outside quotes, comments and dollar bodies: the deepest nesting
/// of parentheses, plus each `CASE` and `BEGIN` (which nest without parentheses). An upper bound of
/// the depth of the statement's syntax tree, cheap to take before parsing.
pub fn nesting_depth(statement: &str) -> usize {
    let bytes = statement.as_bytes();
    let (mut depth, mut deepest, mut blocks) = (0usize, 0usize, 0usize);
    for (i, b) in code_bytes(statement) {
        match b {
            b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b')' => depth = depth.saturating_sub(1),
            // A word starts here: `CASE` and `BEGIN` nest without parentheses.
            b if (b.is_ascii_alphabetic() || b == b'_') && (i == 0 || !is_identifier_byte(bytes[i - 1])) => {
                let length = bytes[i..].iter().take_while(|&&c| is_identifier_byte(c)).count();
                let word = &bytes[i..i + length];
                if word.eq_ignore_ascii_case(b"case") || word.eq_ignore_ascii_case(b"begin") {
                    blocks += 1;
                }
            }
            _ => {}
        }
    }
    deepest + blocks
}

/// The commas at the first level of parentheses, outside quotes, comments and dollar bodies: an
/// upper bound of the columns and constraints a `CREATE TABLE` lists, cheap to take before parsing.
pub fn first_level_commas(statement: &str) -> usize {
    let mut depth = 0usize;
    let mut commas = 0;
    for (_, b) in code_bytes(statement) {
        match b {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b',' if depth == 1 => commas += 1,
            _ => {}
        }
    }
    commas
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
    let start = if source.starts_with("-- Dumped") {
        0
    } else {
        source.find("\n-- Dumped ").or_else(|| source.find("\r-- Dumped ")).map_or(source.len(), |at| at + 1)
    };
    for line in source[start..].split(['\n', '\r']).filter(|l| !l.is_empty()).take(4) {
        if let Some(version) = line.strip_prefix("-- Dumped by pg_dump version ") {
            header.pg_dump_version = Some(version.trim().to_string());
        } else if let Some(version) = line.strip_prefix("-- Dumped from database version ") {
            header.server_version = Some(version.trim().to_string());
        }
    }
    // The opening and closing comment lines pg_dump writes: looked for near the start and the end
    // only (a dump's last lines after the closing one are `\unrestrict` and blank lines).
    let head = &source[..floor_boundary(source, 4096)];
    header.written_by_pg_dump = header.pg_dump_version.is_some()
        || head.split(['\n', '\r']).any(|line| line.trim_end() == "-- PostgreSQL database dump");
    let tail = &source[ceil_boundary(source, source.len().saturating_sub(4096))..];
    header.complete = tail.contains("-- PostgreSQL database dump complete");
    header
}

/// The largest character boundary of `text` at or before `at`.
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The smallest character boundary of `text` at or after `at`.
fn ceil_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// Why a dump looks cut short, if it does: it ends inside a statement, or pg_dump wrote it and its
/// closing line is missing (a copy cut between two statements). Everything a cut-short file lacks
/// would look removed.
pub fn cut_short(dump: &Dump<'_>) -> Option<String> {
    if let Some(cut) = dump.pieces.iter().find(|p| p.kind == PieceKind::Unterminated) {
        return Some(format!("it ends inside the statement that starts on line {}", cut.line));
    }
    (dump.header.written_by_pg_dump && !dump.header.complete)
        .then(|| "pg_dump wrote it, but its last line, `-- PostgreSQL database dump complete`, is missing".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_what_is_open_at_the_end_of_a_cut_statement() {
        let body = "CREATE FUNCTION f() RETURNS int\n    LANGUAGE sql\n    AS $_$\nSELECT 1;\n";
        assert_eq!(
            open_at_end(body, 10, false).unwrap(),
            "a dollar-quoted body ($_$ opened on line 12 is never closed)"
        );
        assert_eq!(open_at_end("COMMENT ON TABLE t IS 'half", 1, false).unwrap(), "a string opened on line 1");
        assert_eq!(open_at_end("CREATE TABLE \"half", 1, false).unwrap(), "a quoted identifier opened on line 1");
        assert_eq!(open_at_end("SELECT 1 /* x", 1, false).unwrap(), "a /* comment opened on line 1");
        assert_eq!(open_at_end("CREATE TABLE t (id integer", 1, false), None);
        assert_eq!(open_at_end("SELECT $$a$$, 'b', \"c\", E'\\'' /* d */", 1, false), None);
        assert_eq!(
            open_at_end("SELECT $$", 1, false),
            Some("a dollar-quoted body ($$ opened on line 1 is never closed)".into())
        );
        assert_eq!(open_at_end("SELECT '", 1, false), Some("a string opened on line 1".into()));
    }

    #[test]
    fn a_sql_standard_routine_body_is_one_statement_as_psql_reads_it() {
        let dump = "BEGIN;\nCREATE OR REPLACE FUNCTION public.f(x integer) RETURNS integer\n    LANGUAGE sql\n    BEGIN ATOMIC\n SELECT CASE WHEN x > 0 THEN 1 ELSE 2 END;\n SELECT (x + 1);\nEND;\nCREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); END;\nCREATE TABLE t (begin_at date, \"end\" int);\nCOMMIT;";
        let texts: Vec<&str> = read(dump).statements().map(|p| p.text).collect();
        assert_eq!(texts.len(), 5, "{texts:#?}");
        assert!(texts[1].starts_with("CREATE OR REPLACE FUNCTION") && texts[1].ends_with("END;"), "{}", texts[1]);
        assert!(texts[2].starts_with("CREATE PROCEDURE") && texts[2].ends_with("END;"));
        assert_eq!(texts[3], "CREATE TABLE t (begin_at date, \"end\" int);");
        assert_eq!(texts[4], "COMMIT;");
    }

    /// Renders the pieces as `line kind: text` rows, the form every reader test compares.
    fn check(source: &str, expected: &[&str]) {
        let dump = read(source);
        let actual: Vec<String> = dump.pieces.iter().map(|p| format!("{} {:?}: {}", p.line, p.kind, p.text)).collect();
        assert_eq!(actual, expected, "pieces of {source:?}");
    }

    #[test]
    fn empty_statements_are_no_pieces() {
        check(";\n;;\nSELECT 1;\n ; \nSELECT 2;", &["3 Statement: SELECT 1;", "5 Statement: SELECT 2;"]);
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

    /// Found by a probe: with `standard_conforming_strings = off` a backslash escapes the quote, so
    /// what follows `\'` is still the string, never statements of their own.
    #[test]
    fn backslash_escapes_follow_standard_conforming_strings() {
        let source = "SET standard_conforming_strings = off;\nCREATE TABLE t (a text DEFAULT 'x\\'; GRANT ALL ON t TO PUBLIC; --');\nSET standard_conforming_strings = on;\nSELECT 'a\\';\n";
        let dump = read(source);
        let texts: Vec<(&str, bool)> = dump.statements().map(|p| (p.text, p.backslash_quotes)).collect();
        assert_eq!(
            texts,
            [
                ("SET standard_conforming_strings = off;", false),
                ("CREATE TABLE t (a text DEFAULT 'x\\'; GRANT ALL ON t TO PUBLIC; --');", true),
                ("SET standard_conforming_strings = on;", true),
                ("SELECT 'a\\';", false),
            ]
        );
        assert_eq!(conforming_strings_setting("SET standard_conforming_strings TO 'off';"), Some(true));
        assert_eq!(conforming_strings_setting("set SESSION standard_conforming_strings = false;"), Some(true));
        assert_eq!(conforming_strings_setting("SET search_path = off;"), None);
        assert_eq!(
            with_escape_strings("SELECT 'a\\'b', 'plain', E'\\n', U&'\\0041', $$\\$$, \"x\\\" -- '\\'\n;"),
            "SELECT E'a\\'b', 'plain', E'\\n', U&'\\0041', $$\\$$, \"x\\\" -- '\\'\n;"
        );
    }

    /// Found by a probe: a file with CR-only line endings was one `--` comment; psql ends a comment
    /// at `\r` too.
    #[test]
    fn every_line_ending_psql_accepts() {
        let header = read("--\r-- PostgreSQL database dump\r\r-- Dumped by pg_dump version 15.18\r").header;
        assert_eq!(header.pg_dump_version.as_deref(), Some("15.18"));
        check(
            "-- header\rSET a = 1;\r\rCREATE TABLE t (\r  id int -- note\r);\r",
            &["2 Statement: SET a = 1;", "4 Statement: CREATE TABLE t (\r  id int -- note\r);"],
        );
        check("-- a\r\nSELECT 1;\r\n-- b\nSELECT 2;", &["2 Statement: SELECT 1;", "4 Statement: SELECT 2;"]);
        check(
            "COPY t (a) FROM stdin;\r1\r2\r\\.\rSELECT 1;",
            &["1 Statement: COPY t (a) FROM stdin;", "2 CopyData { rows: 2 }: 1\r2\r\\.", "5 Statement: SELECT 1;"],
        );
    }

    #[test]
    fn text_lost_to_what_is_never_closed_is_a_loss() {
        let dump = read("SELECT 1;\n/* a comment\nCREATE TABLE t (id int);\n");
        assert_eq!(dump.statements().count(), 1);
        assert_eq!(dump.losses, [Loss { line: 2, what: "a /* comment", lines: 3 }]);
        let dump = read("COPY t (a) FROM stdin;\n1\nCREATE TABLE u (id int);\n");
        assert_eq!(dump.losses.len(), 1, "{:?}", dump.losses);
        assert_eq!(dump.losses[0].line, 2);
        assert!(read("SELECT 1; /* closed */\n/* nested /* twice */ */").losses.is_empty());
        // What the comment hides is kept as lost statements, never as statements run.
        check(
            "SELECT 1;\n/* a comment\nCREATE TABLE t (id int);\n/* again\nCREATE TABLE u (id int);",
            &[
                "1 Statement: SELECT 1;",
                "3 Lost { opened: 2 }: CREATE TABLE t (id int);",
                "5 Lost { opened: 2 }: CREATE TABLE u (id int);",
            ],
        );
    }

    #[test]
    fn nesting_counts_parentheses_and_blocks_outside_quotes_and_comments() {
        assert_eq!(nesting_depth("SELECT ((1)) /* ((((( */ -- ((((\n, '((((', $$((($$"), 2);
        assert_eq!(nesting_depth("SELECT CASE WHEN a THEN (CASE WHEN b THEN 1 END) END"), 3);
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
