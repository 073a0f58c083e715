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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_show_as_escapes() {
        assert_eq!(inline("a\u{1b}[31mb\u{7}\u{202e}c\u{2028}d\ne"), "a\\x1b[31mb\\x07\\u{202e}c\\u{2028}d\\ne");
        assert_eq!(block("a\n\tb\r\u{1b}"), "a\n\tb\\r\\x1b");
        assert!(matches!(inline("plain é"), Cow::Borrowed(_)));
        assert_eq!(json("\"a\u{202e}b\u{85}\""), "\"a\\u202eb\\u0085\"");
    }
}
