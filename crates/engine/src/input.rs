//! Turns the bytes a user handed us into text, or says precisely why they are not a plain-SQL dump.
//!
//! Every front end (browser, CLI) goes through [`decode`], so a custom-format archive or an image
//! gets the same clear message everywhere.

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
    CustomFormatArchive,
    Gzip,
    Binary { offset: usize },
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
                "this is a pg_dump custom-format archive (it starts with PGDMP), not SQL text: convert it with `pg_restore --schema-only -f schema.sql FILE` and load schema.sql"
            ),
            InputError::Gzip => write!(
                f,
                "this file is gzip-compressed: decompress it first (`gunzip -k FILE`) and load the .sql file"
            ),
            InputError::Binary { offset } => write!(
                f,
                "this is a binary file, not SQL text (a NUL byte at offset {offset}): load the plain-text output of `pg_dump --schema-only`"
            ),
        }
    }
}

impl std::error::Error for InputError {}

/// Decodes a dump's bytes: UTF-8 (with or without BOM), UTF-16 with BOM, or lossy UTF-8 with a warning.
pub fn decode(bytes: &[u8]) -> Result<DecodedInput<'_>, InputError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(InputError::Empty);
    }
    if bytes.starts_with(b"PGDMP") {
        return Err(InputError::CustomFormatArchive);
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Err(InputError::Gzip);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xff, 0xfe]) {
        return Ok(decode_utf16(rest, u16::from_le_bytes, "UTF-16 LE"));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        return Ok(decode_utf16(rest, u16::from_be_bytes, "UTF-16 BE"));
    }
    let (body, mut warnings) = match bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        Some(rest) => (rest, vec!["a UTF-8 byte-order mark at the start was removed".to_string()]),
        None => (bytes, Vec::new()),
    };
    if let Some(offset) = memchr_nul(body) {
        return Err(InputError::Binary { offset });
    }
    let text = match std::str::from_utf8(body) {
        Ok(text) => Cow::Borrowed(text),
        Err(error) => {
            let line = 1 + body[..error.valid_up_to()].iter().filter(|&&b| b == b'\n').count();
            warnings.push(format!(
                "the file is not valid UTF-8 (first bad byte on line {line}); invalid bytes were replaced by \u{fffd}"
            ));
            String::from_utf8_lossy(body)
        }
    };
    Ok(DecodedInput { text, warnings })
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}

fn decode_utf16(body: &[u8], unit: fn([u8; 2]) -> u16, name: &str) -> DecodedInput<'static> {
    let units = body.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    let text: String = char::decode_utf16(units).map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER)).collect();
    DecodedInput { text: Cow::Owned(text), warnings: vec![format!("the file was {name} encoded and has been decoded")] }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(bytes: &[u8]) -> InputError {
        decode(bytes).expect_err("input should have been refused")
    }

    #[test]
    fn refuses_what_is_not_sql_text() {
        assert_eq!(error_of(b""), InputError::Empty);
        assert_eq!(error_of(b" \n\t"), InputError::Empty);
        assert_eq!(error_of(b"PGDMP\x01\x0e"), InputError::CustomFormatArchive);
        assert_eq!(error_of(&[0x1f, 0x8b, 8, 0]), InputError::Gzip);
        assert_eq!(error_of(b"\x89PNG\r\n\x1a\n\0\0"), InputError::Binary { offset: 8 });
    }

    #[test]
    fn messages_say_what_to_do() {
        assert!(InputError::CustomFormatArchive.to_string().contains("pg_restore"));
        assert!(InputError::Gzip.to_string().contains("gunzip"));
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

    #[test]
    fn invalid_utf8_is_decoded_lossily_with_the_line() {
        let decoded = decode(b"-- a\n-- b \xff\nSELECT 1;").unwrap();
        assert!(decoded.text.contains('\u{fffd}'));
        assert!(decoded.warnings[0].contains("line 2"), "{:?}", decoded.warnings);
    }
}
