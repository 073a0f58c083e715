//! Which of a set of names each view's definition mentions, found in one pass over each definition
//! (not one search per pair of names: a chain of 1,000 views took 43 s that way).
//!
//! A mention is what [`super::relations::mentions`] finds: `schema.name` written as the planner writes
//! names (`sql::ident` of each part), not preceded by a name character or a dot and not followed by
//! a name character.

use crate::catalog::QualifiedName;
use crate::sql::ident;
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub(super) fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// The end of the name part starting at `at` (bare, `"quoted"` or `U&"quoted"`), if one starts there.
fn name_end(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at..];
    let quoted = rest.strip_prefix("U&").unwrap_or(rest);
    if let Some(body) = quoted.strip_prefix('"') {
        let start = at + (rest.len() - body.len());
        let bytes = text.as_bytes();
        let mut i = start;
        while i < bytes.len() {
            if bytes[i] == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 2;
                    continue;
                }
                return Some(i + 1);
            }
            i += 1;
        }
        return None;
    }
    let length: usize = rest.chars().take_while(|c| is_name_char(*c)).map(char::len_utf8).sum();
    (length > 0).then_some(at + length)
}

/// Every `a.b` in `text` at a place a mention may start, as written: linear in the text (each name
/// part is read at most twice, as the first and as the second part of a pair).
fn dotted_pairs(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut previous: Option<char> = None;
    let mut indices = text.char_indices().peekable();
    while let Some((at, c)) = indices.next() {
        let may_start = !previous.is_some_and(|p| is_name_char(p) || p == '"' || p == '.');
        previous = Some(c);
        if !may_start || !(is_name_char(c) || c == '"') {
            continue;
        }
        let Some(first) = name_end(text, at) else { continue };
        if text[first..].starts_with('.') {
            if let Some(second) = name_end(text, first + 1) {
                let after = text[second..].chars().next();
                if !after.is_some_and(|a| is_name_char(a) || a == '"') {
                    out.push(&text[at..second]);
                }
            }
        }
        // Go on after the first part: the second may start a pair of its own only after a dot,
        // which never starts a mention.
        while indices.peek().is_some_and(|(i, _)| *i < first) {
            previous = indices.next().map(|(_, c)| c);
        }
    }
    out
}

/// For each view, the names of `names` its definition mentions (itself left out).
pub(super) fn mentions_of<'v>(
    views: impl IntoIterator<Item = (&'v QualifiedName, &'v str)>,
    names: impl IntoIterator<Item = QualifiedName>,
) -> BTreeMap<QualifiedName, BTreeSet<QualifiedName>> {
    let written: HashMap<String, QualifiedName> =
        names.into_iter().map(|n| (format!("{}.{}", ident(&n.schema), ident(&n.name)), n)).collect();
    views
        .into_iter()
        .map(|(view, definition)| {
            let found: BTreeSet<QualifiedName> = dotted_pairs(definition)
                .into_iter()
                .filter_map(|pair| written.get(pair))
                .filter(|name| *name != view)
                .cloned()
                .collect();
            (view.clone(), found)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::relations::mentions;

    fn name(schema: &str, name: &str) -> QualifiedName {
        QualifiedName { schema: schema.into(), name: name.into() }
    }

    /// The one-pass index finds exactly what the search for one name finds.
    #[test]
    fn it_finds_what_the_search_for_one_name_finds() {
        let names = [
            name("public", "t"),
            name("public", "t2"),
            name("My Schema", "Odd \"name\""),
            name("s", "v$1"),
            name("public", "été"),
        ];
        let texts = [
            " SELECT t.id FROM public.t t",
            " SELECT * FROM public.t2, xpublic.t, a.public.t",
            " SELECT 1 FROM \"My Schema\".\"Odd \"\"name\"\"\" o JOIN s.v$1 ON true",
            " SELECT public.t.id, public.tt FROM public.été",
            "public.t",
            "'public.t2'::regclass",
            "\"public\".t",
        ];
        let view = name("public", "v");
        for text in texts {
            let index = mentions_of([(&view, text)], names.iter().cloned());
            let found = &index[&view];
            for n in &names {
                assert_eq!(found.contains(n), mentions(text, n), "{n} in {text:?}");
            }
        }
    }

    #[test]
    fn a_view_does_not_mention_itself() {
        let view = name("public", "v");
        let index = mentions_of([(&view, "SELECT * FROM public.v")], [view.clone()]);
        assert!(index[&view].is_empty());
    }
}
