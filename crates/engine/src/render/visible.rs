//! Characters that would act rather than show: control characters (a terminal escape, a bell, a
//! carriage return that moves the cursor back), bidirectional overrides that reorder what a reader
//! sees (U+202E), and line or paragraph separators. Every output format shows them as escapes
//! (`\x1b`, `\u{202e}`) wherever text from a dump is written.

use std::borrow::Cow;

/// Whether `c` acts on the display instead of showing as itself.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// The escape a reader sees for a hidden character: `\n`, `\t`, `\x1b`, `\u{202e}`.
pub fn escape_char(c: char) -> String {
    match c {
        '\n' => "\\n".into(),
        '\r' => "\\r".into(),
        '\t' => "\\t".into(),
        c if (c as u32) < 0x100 => format!("\\x{:02x}", c as u32),
        c => format!("\\u{{{:x}}}", c as u32),
    }
}

/// `text` on one line with every hidden character (newlines and tabs too) escaped.
pub fn inline(text: &str) -> Cow<'_, str> {
    escaped(text, |_| false)
}

/// `text` with every hidden character escaped but newlines and tabs, which keep a block's layout.
pub fn block(text: &str) -> Cow<'_, str> {
    escaped(text, |c| c == '\n' || c == '\t')
}

fn escaped(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_hidden(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden(c) && !keep(c) {
            out.push_str(&escape_char(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// JSON text with the hidden characters JSON allows raw (DEL, C1 controls, bidi, separators)
/// written as `\u202e`-style escapes: the same value, shown safely. Outside strings JSON holds none.
pub fn json(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| is_hidden(c) && !matches!(c, '\n' | '\t')) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden(c) && !matches!(c, '\n' | '\t' | '\r') {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Passes JSON text on to `inner` with [`json`]'s escapes, so that `serde_json` can write a report
/// straight to the output (no whole text held). A character split between two writes waits for its
/// last bytes; JSON is always whole UTF-8, so bytes that cannot be UTF-8 are an error.
pub struct JsonWriter<W: std::io::Write> {
    inner: W,
    /// The first bytes of a character whose rest has not been written yet (at most 3).
    pending: Vec<u8>,
}

impl<W: std::io::Write> JsonWriter<W> {
    pub fn new(inner: W) -> JsonWriter<W> {
        JsonWriter { inner, pending: Vec::new() }
    }

    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: std::io::Write> std::io::Write for JsonWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let not_utf8 = || std::io::Error::new(std::io::ErrorKind::InvalidData, "JSON text that is not UTF-8");
        let mut rest = buf;
        while !self.pending.is_empty() {
            let Some((&byte, after)) = rest.split_first() else { return Ok(buf.len()) };
            self.pending.push(byte);
            rest = after;
            match std::str::from_utf8(&self.pending) {
                Ok(text) => {
                    self.inner.write_all(json(text).as_bytes())?;
                    self.pending.clear();
                }
                Err(error) if error.error_len().is_some() => return Err(not_utf8()),
                Err(_) => {}
            }
        }
        let whole = match std::str::from_utf8(rest) {
            Ok(text) => text,
            Err(error) if error.error_len().is_some() => return Err(not_utf8()),
            Err(error) => {
                self.pending.extend_from_slice(&rest[error.valid_up_to()..]);
                std::str::from_utf8(&rest[..error.valid_up_to()]).map_err(|_| not_utf8())?
            }
        };
        self.inner.write_all(json(whole).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_written_in_pieces_reads_as_json_written_at_once() {
        use std::io::Write;
        let text = "{\"a\": \"é\u{202e}€𝄞\u{85}x\"}";
        let whole = json(text).into_owned();
        // Every way of cutting the text in two, inside characters too.
        for cut in 0..=text.len() {
            let mut writer = JsonWriter::new(Vec::new());
            writer.write_all(&text.as_bytes()[..cut]).unwrap();
            writer.write_all(&text.as_bytes()[cut..]).unwrap();
            assert_eq!(String::from_utf8(writer.into_inner()).unwrap(), whole, "cut at {cut}");
        }
        // One byte at a time.
        let mut writer = JsonWriter::new(Vec::new());
        text.as_bytes().iter().for_each(|b| writer.write_all(&[*b]).unwrap());
        assert_eq!(String::from_utf8(writer.into_inner()).unwrap(), whole);
        assert!(JsonWriter::new(Vec::new()).write_all(b"\"\xff\"").is_err());
    }

    #[test]
    fn hidden_characters_show_as_escapes() {
        assert_eq!(inline("a\u{1b}[31mb\u{7}\u{202e}c\u{2028}d\ne"), "a\\x1b[31mb\\x07\\u{202e}c\\u{2028}d\\ne");
        assert_eq!(block("a\n\tb\r\u{1b}"), "a\n\tb\\r\\x1b");
        assert!(matches!(inline("plain é"), Cow::Borrowed(_)));
        assert_eq!(json("\"a\u{202e}b\u{85}\""), "\"a\\u202eb\\u0085\"");
    }
}
