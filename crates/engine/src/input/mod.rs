//! Turns the bytes a user handed us into text, or says precisely why they are not a plain-SQL dump.
//!
//! Every front end (browser, CLI) goes through [`decode`], so a custom-format archive or an image
//! gets the same clear message everywhere.

mod cluster;
mod notes;

pub mod sizes;
pub use cluster::{connect_after_objects, databases, select_database, Database};
pub use notes::reading_notes;

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// Text ready for the reader, plus the warnings met while decoding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedInput<'a> {
    pub text: Cow<'a, str>,
    /// What was done to the bytes on the way (BOM removed, UTF-16 decoded, invalid bytes replaced).
    pub warnings: Vec<String>,
}

/// Why some bytes cannot be read as a plain-SQL dump.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InputError {
    Empty,
    /// A custom-format archive, or the `toc.dat` of a directory-format one (both start `PGDMP`).
    CustomFormatArchive,
    /// A tar-format archive (`pg_dump -Ft`).
    TarArchive,
    /// Larger than the stated limit of the place it is read in.
    TooLarge {
        bytes: u64,
        limit: u64,
    },
    /// Gzip-compressed, but it cannot be decompressed (damaged, cut short, or too large).
    Gzip {
        why: String,
    },
    Binary {
        offset: usize,
    },
    /// A `pg_dumpall` file: which database to read is the user's choice.
    ChooseDatabase {
        databases: Vec<Database>,
    },
    /// The database asked for is not in the `pg_dumpall` file.
    NoSuchDatabase {
        name: String,
        databases: Vec<Database>,
    },
    /// Reading took longer than its time budget ([`ReadingBudget`]); stopped at this statement.
    TooSlow {
        seconds: u64,
        line: usize,
        statement: String,
    },
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Empty => write!(
                f,
                "the file is empty: export the schema with `pg_dump --schema-only DBNAME > schema.sql` and load that file"
            ),
            InputError::CustomFormatArchive => write!(
                f,
                "this is a pg_dump archive (custom format, or the toc.dat of a directory-format dump: it starts with PGDMP), not SQL text: convert it with `pg_restore --schema-only -f schema.sql FILE_OR_DIRECTORY` and load schema.sql"
            ),
            InputError::TarArchive => write!(
                f,
                "this is a pg_dump tar-format archive, not SQL text: convert it with `pg_restore --schema-only -f schema.sql FILE` and load schema.sql"
            ),
            InputError::TooLarge { bytes, limit } => write!(
                f,
                "the file is {} MB, more than the {} MB this reads: dump fewer schemas at a time (`pg_dump --schema-only -n SCHEMA`), or compare it with the schemadrift command line, which reads up to {} MB",
                bytes.div_ceil(1 << 20),
                limit >> 20,
                MAX_INPUT_BYTES >> 20
            ),
            InputError::Gzip { why } => write!(
                f,
                "this file is gzip-compressed but cannot be decompressed ({why}): check it with `gunzip -t FILE`, or decompress it yourself and load the .sql file"
            ),
            InputError::Binary { offset } => write!(
                f,
                "this is a binary file, not SQL text (a NUL byte at offset {offset}): load the plain-text output of `pg_dump --schema-only`"
            ),
            InputError::ChooseDatabase { databases } => write!(
                f,
                "this is a pg_dumpall file with {} databases ({}): choose the one to compare",
                databases.len(),
                names(databases)
            ),
            InputError::NoSuchDatabase { name, databases } => write!(
                f,
                "this pg_dumpall file has no database named \"{name}\"; it has {}",
                names(databases)
            ),
            InputError::TooSlow { seconds, line, statement } => write!(
                f,
                "reading stopped after {seconds} s at the statement on line {line} (`{statement}`): no real dump takes this long to read, so this file has a shape schemadrift reads too slowly. Please report the file's shape (not its contents) so it can be fixed, or compare a dump of fewer schemas"
            ),
        }
    }
}

/// How long reading one file may take before it stops with [`InputError::TooSlow`]: far more than
/// the cost law allows (`pipeline::laws::budget`), so only a shape the law's test has not met
/// reaches it, and then the user gets a message instead of a worker that never answers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReadingBudget {
    pub seconds: f64,
}

impl ReadingBudget {
    /// Ten times the law's time for `bytes`, and at least 30 s (a slow phone, a busy machine).
    pub fn for_bytes(bytes: usize) -> ReadingBudget {
        ReadingBudget { seconds: (crate::pipeline::laws::budget(bytes).seconds * 10.0).max(30.0) }
    }

    /// `Err` once `elapsed` seconds are over the budget, naming the statement being read.
    pub fn check(&self, elapsed: f64, piece: &crate::reader::Piece<'_>) -> Result<(), InputError> {
        if elapsed <= self.seconds {
            return Ok(());
        }
        let head: String = piece.text.split_whitespace().take(6).collect::<Vec<_>>().join(" ");
        let statement: String = head.chars().take(60).collect();
        Err(InputError::TooSlow { seconds: elapsed as u64, line: piece.line, statement })
    }
}

fn names(databases: &[Database]) -> String {
    databases.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(", ")
}

impl std::error::Error for InputError {}

/// Decodes a file and, for a `pg_dumpall` file, keeps the chosen database (see [`select_database`]):
/// the text every front end reads.
pub fn prepare<'a>(bytes: &'a [u8], database: Option<&str>) -> Result<DecodedInput<'a>, InputError> {
    let mut decoded = decode(bytes)?;
    let text = decoded.text.as_ref();
    let connects = text.starts_with("\\c") || text.contains("\n\\c");
    if !connects {
        return Ok(decoded);
    }
    let dump = crate::read(text);
    let databases = databases(&dump);
    if databases.is_empty() {
        if let Some((line, name, kept)) = connect_after_objects(text, &dump) {
            decoded.warnings.push(format!(
                "line {line}: `\\connect {name}` switches to another database after objects were created: psql puts what follows into database \"{name}\", so it is not read as part of this schema. Everything before line {line} was read; to compare database \"{name}\", dump it on its own"
            ));
            // The part kept ends where another database's begins, not where a copy was cut: it
            // keeps pg_dump's closing line when the file has one.
            let tail = text.len().saturating_sub(4096);
            let tail = (tail..=text.len()).find(|&at| text.is_char_boundary(at)).unwrap_or(text.len());
            let mut kept = kept;
            if text[tail..].contains("-- PostgreSQL database dump complete") {
                kept.push_str("\n--\n-- PostgreSQL database dump complete\n--\n");
            }
            decoded.text = Cow::Owned(kept);
        }
        return Ok(decoded);
    }
    let Some(name) = database else { return Err(InputError::ChooseDatabase { databases }) };
    let Some(selected) = select_database(text, &dump, name) else {
        return Err(InputError::NoSuchDatabase { name: name.to_string(), databases });
    };
    decoded.warnings.push(format!(
        "this pg_dumpall file holds {} databases ({}); database \"{name}\" is read, with the cluster's roles and tablespaces",
        databases.len(),
        names(&databases)
    ));
    decoded.text = std::borrow::Cow::Owned(selected);
    Ok(decoded)
}

/// Decodes a dump's bytes: UTF-8 (with or without BOM), UTF-16 with BOM, or lossy UTF-8 with a warning.
pub fn decode(bytes: &[u8]) -> Result<DecodedInput<'_>, InputError> {
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge { bytes: bytes.len() as u64, limit: MAX_INPUT_BYTES });
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(InputError::Empty);
    }
    if bytes.starts_with(b"PGDMP") {
        return Err(InputError::CustomFormatArchive);
    }
    if bytes.get(257..262) == Some(b"ustar") {
        return Err(InputError::TarArchive);
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let inflated = gunzip(bytes).map_err(|why| InputError::Gzip { why })?;
        let inner = decode(&inflated)?;
        let mut warnings = vec![format!(
            "the file was gzip-compressed ({} bytes, {} decompressed) and has been decompressed",
            bytes.len(),
            inflated.len()
        )];
        warnings.extend(inner.warnings);
        return Ok(DecodedInput { text: Cow::Owned(inner.text.into_owned()), warnings });
    }
    // UTF-32 first: its little-endian byte-order mark starts like UTF-16's.
    if let Some(rest) = bytes.strip_prefix(&[0xff, 0xfe, 0, 0]) {
        return Ok(decode_utf32(rest, u32::from_le_bytes, "UTF-32 LE", "with a byte-order mark"));
    }
    if let Some(rest) = bytes.strip_prefix(&[0, 0, 0xfe, 0xff]) {
        return Ok(decode_utf32(rest, u32::from_be_bytes, "UTF-32 BE", "with a byte-order mark"));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xff, 0xfe]) {
        return Ok(decode_utf16(rest, u16::from_le_bytes, "UTF-16 LE", "with a byte-order mark"));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        return Ok(decode_utf16(rest, u16::from_be_bytes, "UTF-16 BE", "with a byte-order mark"));
    }
    // Without a byte-order mark, text in UTF-16 or UTF-32 shows in its zero bytes: SQL is mostly ASCII.
    match wide_encoding(bytes) {
        Some(Wide::Utf32Le) => {
            return Ok(decode_utf32(bytes, u32::from_le_bytes, "UTF-32 LE", "without a byte-order mark"))
        }
        Some(Wide::Utf32Be) => {
            return Ok(decode_utf32(bytes, u32::from_be_bytes, "UTF-32 BE", "without a byte-order mark"))
        }
        Some(Wide::Utf16Le) => {
            return Ok(decode_utf16(bytes, u16::from_le_bytes, "UTF-16 LE", "without a byte-order mark"))
        }
        Some(Wide::Utf16Be) => {
            return Ok(decode_utf16(bytes, u16::from_be_bytes, "UTF-16 BE", "without a byte-order mark"))
        }
        None => {}
    }
    let (body, mut warnings) = match bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        Some(rest) => (rest, vec!["a UTF-8 byte-order mark at the start was removed".to_string()]),
        None => (bytes, Vec::new()),
    };
    if let Some(offset) = memchr_nul(body) {
        return Err(InputError::Binary { offset });
    }
    let declared = declared_encoding(body);
    if let Some((name, single_byte)) = declared.as_ref().and_then(|name| single_byte_table(name).map(|t| (name, t))) {
        // pg_dump writes the bytes in the encoding it names (`pg_dump -E LATIN1`).
        let text: String = body.iter().map(|&b| single_byte(b)).collect();
        warnings.push(format!("the file says `SET client_encoding = '{name}'`: it was decoded from {name}"));
        return Ok(DecodedInput { text: Cow::Owned(text), warnings });
    }
    let text = match std::str::from_utf8(body) {
        Ok(text) => Cow::Borrowed(text),
        Err(error) => {
            let line = 1 + crate::reader::count_newlines(&body[..error.valid_up_to()]);
            let encoding = match &declared {
                Some(name) if !is_utf8_name(name) => format!(
                    " It says `SET client_encoding = '{name}'`, which schemadrift does not decode: dump it again with `pg_dump -E UTF8`."
                ),
                _ => String::new(),
            };
            warnings.push(format!(
                "the file is not valid UTF-8 (first bad byte on line {line}); invalid bytes were replaced by \u{fffd}.{encoding}"
            ));
            String::from_utf8_lossy(body)
        }
    };
    Ok(DecodedInput { text, warnings })
}

/// The encoding a dump names in its `SET client_encoding = '…'` line (pg_dump writes it among the
/// first settings), as written.
fn declared_encoding(body: &[u8]) -> Option<String> {
    let head = &body[..body.len().min(64 * 1024)];
    let needle = b"client_encoding";
    let at = head.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle))?;
    let rest = &head[at + needle.len()..];
    let end = rest.iter().position(|&b| b == b';' || b == b'\n' || b == b'\r').unwrap_or(rest.len());
    let value: String = String::from_utf8_lossy(&rest[..end])
        .replace(['=', '\'', '"'], " ")
        .split_whitespace()
        .filter(|w| !w.eq_ignore_ascii_case("to"))
        .collect::<Vec<_>>()
        .join("");
    (!value.is_empty()).then_some(value)
}

/// An encoding's name compared as PostgreSQL compares them: case and `-`/`_` aside.
fn encoding_key(name: &str) -> String {
    name.to_ascii_uppercase().chars().filter(|c| *c != '-' && *c != '_').collect()
}

fn is_utf8_name(name: &str) -> bool {
    matches!(encoding_key(name).as_str(), "UTF8" | "UNICODE" | "SQLASCII")
}

/// The decoder of a single-byte encoding schemadrift reads: Latin-1 (`LATIN1`, `ISO88591`) maps each
/// byte to the same code point; `WIN1252` differs in 0x80–0x9F.
fn single_byte_table(name: &str) -> Option<fn(u8) -> char> {
    match encoding_key(name).as_str() {
        "LATIN1" | "ISO88591" => Some(char::from),
        "WIN1252" | "WINDOWS1252" => Some(windows_1252),
        _ => None,
    }
}

fn windows_1252(b: u8) -> char {
    const HIGH: [u16; 32] = [
        0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d,
        0x017d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
        0x0153, 0x9d, 0x017e, 0x0178,
    ];
    match b {
        0x80..=0x9f => char::from_u32(u32::from(HIGH[usize::from(b - 0x80)])).unwrap_or(char::REPLACEMENT_CHARACTER),
        _ => char::from(b),
    }
}

/// UTF-16 or UTF-32 text without a byte-order mark.
enum Wide {
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

/// Recognizes wide text from the zero bytes of its first 256 bytes: in UTF-32 LE three of every
/// four bytes are zero after each ASCII one, in UTF-16 LE every second one (and mirrored for BE).
fn wide_encoding(bytes: &[u8]) -> Option<Wide> {
    let head = &bytes[..bytes.len().min(256)];
    if head.len() < 8 {
        return None;
    }
    let zero_at =
        |rem: usize, modulus: usize| head.iter().enumerate().filter(|(i, _)| i % modulus == rem).all(|(_, &b)| b == 0);
    let nonzero_at =
        |rem: usize, modulus: usize| head.iter().enumerate().filter(|(i, _)| i % modulus == rem).all(|(_, &b)| b != 0);
    if head.len() >= 16 {
        if nonzero_at(0, 4) && zero_at(1, 4) && zero_at(2, 4) && zero_at(3, 4) {
            return Some(Wide::Utf32Le);
        }
        if zero_at(0, 4) && zero_at(1, 4) && zero_at(2, 4) && nonzero_at(3, 4) {
            return Some(Wide::Utf32Be);
        }
    }
    if nonzero_at(0, 2) && zero_at(1, 2) {
        return Some(Wide::Utf16Le);
    }
    if zero_at(0, 2) && nonzero_at(1, 2) {
        return Some(Wide::Utf16Be);
    }
    None
}

/// The largest file the command line reads (and the largest a gzip file may decompress to): the
/// analysis needs about five times its input in memory.
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

/// The largest file the browser reads, checked before any byte is read: with the analysis beside
/// it, this stays well inside the 4 GB a WebAssembly worker can address.
pub const BROWSER_MAX_BYTES: u64 = 256 << 20;

/// Decompressed size beyond which a gzip file is refused.
pub const MAX_DECOMPRESSED: u64 = MAX_INPUT_BYTES;

/// The decompressed bytes of a gzip file (every member, as `gunzip` reads them).
fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut out = Vec::new();
    let mut reader = flate2::read::MultiGzDecoder::new(bytes).take(MAX_DECOMPRESSED + 1);
    reader.read_to_end(&mut out).map_err(|e| e.to_string())?;
    if out.len() as u64 > MAX_DECOMPRESSED {
        return Err(format!("it decompresses to more than {} MB", MAX_DECOMPRESSED >> 20));
    }
    Ok(out)
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}

fn decode_utf16(body: &[u8], unit: fn([u8; 2]) -> u16, name: &str, how: &str) -> DecodedInput<'static> {
    let units = body.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    let text: String = char::decode_utf16(units).map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER)).collect();
    DecodedInput {
        text: Cow::Owned(text),
        warnings: vec![format!("the file was {name} encoded and has been decoded ({how})")],
    }
}

fn decode_utf32(body: &[u8], unit: fn([u8; 4]) -> u32, name: &str, how: &str) -> DecodedInput<'static> {
    let text: String = body
        .chunks_exact(4)
        .map(|four| char::from_u32(unit([four[0], four[1], four[2], four[3]])).unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    DecodedInput {
        text: Cow::Owned(text),
        warnings: vec![format!("the file was {name} encoded and has been decoded ({how})")],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_over_its_time_budget_stops_naming_the_statement() {
        let budget = ReadingBudget::for_bytes(10 << 20);
        // Ten times the law (0.5 s + 1 s per MB): 105 s for 10 MB; small files get 30 s.
        assert_eq!(budget.seconds, 105.0);
        assert_eq!(ReadingBudget::for_bytes(1000).seconds, 30.0);
        let dump = crate::read("SELECT 1;\n\nCREATE VIEW public.v AS\n SELECT 1 AS one, 2 AS two, 3 AS three;\n");
        let piece = dump.pieces.iter().find(|p| p.text.starts_with("CREATE VIEW")).unwrap();
        assert!(budget.check(104.9, piece).is_ok());
        let error = budget.check(106.2, piece).unwrap_err();
        assert_eq!(
            error,
            InputError::TooSlow { seconds: 106, line: 3, statement: "CREATE VIEW public.v AS SELECT 1".into() }
        );
        let message = error.to_string();
        assert!(
            message.starts_with(
                "reading stopped after 106 s at the statement on line 3 (`CREATE VIEW public.v AS SELECT 1`)"
            ),
            "{message}"
        );
        // What to do, and no promise about the other side: the CLI stops, the page keeps it.
        assert!(message.ends_with("Please report the file's shape (not its contents) so it can be fixed, or compare a dump of fewer schemas"), "{message}");
        assert!(!message.contains("other side"), "{message}");
    }

    fn error_of(bytes: &[u8]) -> InputError {
        decode(bytes).expect_err("input should have been refused")
    }

    #[test]
    fn refuses_what_is_not_sql_text() {
        assert_eq!(error_of(b""), InputError::Empty);
        assert_eq!(error_of(b" \n\t"), InputError::Empty);
        assert_eq!(error_of(b"PGDMP\x01\x0e"), InputError::CustomFormatArchive);
        assert!(matches!(error_of(&[0x1f, 0x8b, 8, 0]), InputError::Gzip { .. }));
        assert_eq!(error_of(b"\x89PNG\r\n\x1a\n\0\0"), InputError::Binary { offset: 8 });
        let mut tar = b"toc.dat".to_vec();
        tar.resize(512, 0);
        tar[257..263].copy_from_slice(b"ustar\0");
        assert_eq!(error_of(&tar), InputError::TarArchive);
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn a_gzip_compressed_dump_is_decompressed_and_read() {
        let compressed = gzip(b"CREATE TABLE t (id integer);\n");
        let decoded = decode(&compressed).unwrap();
        assert_eq!(decoded.text, "CREATE TABLE t (id integer);\n");
        assert!(decoded.warnings[0].contains("gzip-compressed"), "{:?}", decoded.warnings);
        // What is inside is decoded as any file: a BOM, or an archive, say so.
        let compressed = gzip(b"\xef\xbb\xbfSELECT 1;");
        let with_bom = decode(&compressed).unwrap();
        assert_eq!((with_bom.text.as_ref(), with_bom.warnings.len()), ("SELECT 1;", 2));
        assert_eq!(error_of(&gzip(b"PGDMP\x01")), InputError::CustomFormatArchive);
        // Two members, as `cat a.gz b.gz` makes, read as gunzip reads them.
        let two = [gzip(b"SELECT 1;\n"), gzip(b"SELECT 2;\n")].concat();
        assert_eq!(decode(&two).unwrap().text, "SELECT 1;\nSELECT 2;\n");
        let cut = gzip(b"CREATE TABLE t (id integer);\n");
        assert!(matches!(error_of(&cut[..cut.len() / 2]), InputError::Gzip { .. }));
    }

    #[test]
    fn a_pg_dumpall_file_asks_for_a_database() {
        let cluster = b"CREATE ROLE r;\n\\connect app\nCREATE TABLE a (id integer);\n\\connect other\nCREATE TABLE o (id integer);\n";
        let InputError::ChooseDatabase { databases } = prepare(cluster, None).unwrap_err() else { panic!() };
        assert_eq!(databases.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(), ["app", "other"]);
        let message = InputError::ChooseDatabase { databases }.to_string();
        assert_eq!(message, "this is a pg_dumpall file with 2 databases (app, other): choose the one to compare");
        let app = prepare(cluster, Some("app")).unwrap();
        assert!(app.text.contains("CREATE TABLE a") && !app.text.contains("CREATE TABLE o"));
        assert!(app.warnings[0].contains("database \"app\" is read"), "{:?}", app.warnings);
        let missing = prepare(cluster, Some("nope")).unwrap_err().to_string();
        assert_eq!(missing, "this pg_dumpall file has no database named \"nope\"; it has app, other");
        // An ordinary dump ignores the choice.
        assert_eq!(prepare(b"SELECT 1;", Some("app")).unwrap().text, "SELECT 1;");
    }

    #[test]
    fn messages_say_what_to_do() {
        assert!(InputError::CustomFormatArchive.to_string().contains("pg_restore"));
        assert!(InputError::Gzip { why: "cut short".into() }.to_string().contains("gunzip -t"));
        let large = InputError::TooLarge { bytes: 300 << 20, limit: BROWSER_MAX_BYTES }.to_string();
        assert!(large.starts_with("the file is 300 MB, more than the 256 MB this reads"), "{large}");
        assert!(large.contains("-n SCHEMA") && large.contains("1024 MB"), "{large}");
    }

    #[test]
    fn strips_utf8_bom_and_decodes_utf16() {
        let decoded = decode(b"\xef\xbb\xbfCREATE TABLE t ();").unwrap();
        assert_eq!(decoded.text, "CREATE TABLE t ();");
        assert_eq!(decoded.warnings.len(), 1);

        let utf16: Vec<u8> =
            [0xff, 0xfe].into_iter().chain("SELECT 1;".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
        assert_eq!(decode(&utf16).unwrap().text, "SELECT 1;");
    }

    /// Found by a probe: UTF-32 LE with a BOM was decoded as UTF-16 into garbage statements.
    #[test]
    fn decodes_utf32_and_wide_text_without_a_byte_order_mark() {
        let sql = "CREATE TABLE t (n text DEFAULT 'é');";
        let utf32le: Vec<u8> = sql.chars().flat_map(|c| u32::from(c).to_le_bytes()).collect();
        let utf32be: Vec<u8> = sql.chars().flat_map(|c| u32::from(c).to_be_bytes()).collect();
        let utf16le: Vec<u8> = sql.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let utf16be: Vec<u8> = sql.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for (bytes, name) in [
            (
                [vec![0xff, 0xfe, 0, 0], utf32le.clone()].concat(),
                "UTF-32 LE encoded and has been decoded (with a byte-order mark)",
            ),
            (
                [vec![0, 0, 0xfe, 0xff], utf32be.clone()].concat(),
                "UTF-32 BE encoded and has been decoded (with a byte-order mark)",
            ),
            (utf32le, "UTF-32 LE encoded and has been decoded (without a byte-order mark)"),
            (utf32be, "UTF-32 BE encoded and has been decoded (without a byte-order mark)"),
            (utf16le, "UTF-16 LE encoded and has been decoded (without a byte-order mark)"),
            (utf16be, "UTF-16 BE encoded and has been decoded (without a byte-order mark)"),
        ] {
            let decoded = decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(decoded.text, sql, "{name}");
            assert!(decoded.warnings[0].contains(name), "{:?}", decoded.warnings);
        }
        // A binary file is still binary.
        assert!(matches!(error_of(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), InputError::Binary { .. }));
    }

    #[test]
    fn decodes_the_single_byte_encoding_the_file_names() {
        let latin1 = b"SET client_encoding = 'LATIN1';\nCOMMENT ON TABLE t IS 'caf\xe9';\n";
        let decoded = decode(latin1).unwrap();
        assert!(decoded.text.contains("'café'"), "{}", decoded.text);
        assert!(decoded.warnings[0].contains("decoded from LATIN1"), "{:?}", decoded.warnings);
        let win = decode(b"SET client_encoding = 'WIN1252';\nSELECT '\x80';").unwrap();
        assert!(win.text.contains('€'), "{}", win.text);
        let other = decode(b"SET client_encoding = 'EUC_JP';\nSELECT '\xa4\xa2';").unwrap();
        assert!(other.warnings[0].contains("EUC_JP'`, which schemadrift does not decode"), "{:?}", other.warnings);
    }

    #[test]
    fn invalid_utf8_is_decoded_lossily_with_the_line() {
        let decoded = decode(b"-- a\n-- b \xff\nSELECT 1;").unwrap();
        assert!(decoded.text.contains('\u{fffd}'));
        assert!(decoded.warnings[0].contains("line 2"), "{:?}", decoded.warnings);
    }
}
