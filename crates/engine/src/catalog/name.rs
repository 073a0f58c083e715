//! Normalized qualified names: unquoted identifiers fold to lower case, quoted ones stay exact.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sqlparser::ast::{Ident, ObjectName};
use std::fmt;

/// `schema.name`, both parts normalized.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QualifiedName {
    pub schema: String,
    pub name: String,
}

impl QualifiedName {
    pub fn new(schema: &str, name: &str) -> QualifiedName {
        QualifiedName { schema: schema.to_string(), name: name.to_string() }
    }
}

/// The entry of `map` whose name the diff shows as `shown` (`schema.name`, as [`QualifiedName`]'s
/// `Display` writes it): a lookup, not a scan. A name may itself contain dots, so every dot is tried
/// as the separator.
pub fn find_shown<'c, T>(
    map: &'c std::collections::BTreeMap<QualifiedName, T>,
    shown: &str,
) -> Option<(&'c QualifiedName, &'c T)> {
    shown.match_indices('.').find_map(|(at, _)| map.get_key_value(&QualifiedName::new(&shown[..at], &shown[at + 1..])))
}

/// The name of a member of `table` kept under `schema.table.name` (a trigger, a policy, a
/// sequence's owning column): what follows the table's name, dots and all.
pub fn member_name<'k>(key: &'k str, table: &QualifiedName) -> &'k str {
    member_of(key, table).unwrap_or(key)
}

/// The name of a member of `table` in `key` (`schema.table.name`), if `key` starts with the table.
pub fn member_of<'k>(key: &'k str, table: &QualifiedName) -> Option<&'k str> {
    key.strip_prefix(table.to_string().as_str())?.strip_prefix('.')
}

/// Splits the shown name of something that belongs to a table (`schema.table.column`, or a
/// constraint, trigger or policy) into the table, as a key of `tables`, and the member's name.
/// Names may contain dots, so each dot is tried from the right: the first whose left part names a
/// table in one of `tables` wins.
pub fn split_member<'s, T>(
    tables: &[&std::collections::BTreeMap<QualifiedName, T>],
    shown: &'s str,
) -> Option<(QualifiedName, &'s str)> {
    shown.rmatch_indices('.').find_map(|(at, _)| {
        let table = &shown[..at];
        tables.iter().find_map(|map| find_shown(map, table)).map(|(name, _)| (name.clone(), &shown[at + 1..]))
    })
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

/// `"schema.name"` in text formats (JSON reports); a (schema, name) pair in binary ones (the
/// browser's messages between page and worker), where the name must come back exactly.
impl Serialize for QualifiedName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.collect_str(self)
        } else {
            (&self.schema, &self.name).serialize(serializer)
        }
    }
}

/// Reads what [`Serialize`] wrote. From text, the first dot separates schema and name.
impl<'de> Deserialize<'de> for QualifiedName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if deserializer.is_human_readable() {
            let text = String::deserialize(deserializer)?;
            let (schema, name) = text.split_once('.').unwrap_or(("", &text));
            Ok(QualifiedName::new(schema, name))
        } else {
            let (schema, name) = <(String, String)>::deserialize(deserializer)?;
            Ok(QualifiedName { schema, name })
        }
    }
}

/// An identifier as PostgreSQL stores it: unquoted folds to lower case, quoted stays as written.
pub fn normalize_ident(ident: &Ident) -> String {
    stored_identifier(&ident.value, ident.quote_style.is_some())
}

/// The longest identifier PostgreSQL keeps, in bytes (NAMEDATALEN - 1).
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// A name as PostgreSQL stores it: unquoted folds to lower case, and anything longer than 63 bytes
/// is cut there (at a character boundary), as the server does with a NOTICE.
pub fn stored_identifier(value: &str, quoted: bool) -> String {
    let mut name = if quoted { value.to_string() } else { value.to_lowercase() };
    if name.len() > MAX_IDENTIFIER_BYTES {
        let mut end = MAX_IDENTIFIER_BYTES;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
    }
    name
}

/// The parts of an object name, normalized.
pub fn name_parts(name: &ObjectName) -> Vec<String> {
    name.0
        .iter()
        .map(|part| match part.as_ident() {
            Some(ident) => normalize_ident(ident),
            None => part.to_string(),
        })
        .collect()
}

/// Resolves a possibly unqualified name: `default_schema` comes from the dump's search_path.
pub fn qualify(name: &ObjectName, default_schema: &str) -> QualifiedName {
    let mut parts = name_parts(name);
    let last = parts.pop().unwrap_or_default();
    let schema = parts.pop().unwrap_or_else(|| default_schema.to_string());
    QualifiedName { schema, name: last }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_of_tables_whose_names_hold_dots_are_found() {
        let mut tables = std::collections::BTreeMap::new();
        tables.insert(QualifiedName::new("public", "a.b"), ());
        tables.insert(QualifiedName::new("public", "t"), ());
        assert_eq!(split_member(&[&tables], "public.a.b.c.d"), Some((QualifiedName::new("public", "a.b"), "c.d")));
        assert_eq!(split_member(&[&tables], "public.t.x"), Some((QualifiedName::new("public", "t"), "x")));
        assert_eq!(split_member(&[&tables], "public.nope.x"), None);
        assert_eq!(member_name("public.a.b.c.d.", &QualifiedName::new("public", "a.b")), "c.d.");
    }

    #[test]
    fn long_names_are_cut_at_63_bytes_as_postgresql_does() {
        let long = "a".repeat(70);
        assert_eq!(stored_identifier(&long, false).len(), 63);
        // 31 two-byte characters and one more: the cut falls inside the 32nd, which goes whole.
        let accented = format!("x{}", "é".repeat(40));
        assert_eq!(stored_identifier(&accented, true), format!("x{}", "é".repeat(31)));
        assert_eq!(stored_identifier("MixedCase", true), "MixedCase");
        assert_eq!(stored_identifier("MixedCase", false), "mixedcase");
    }
}

/// A function's identity from its argument list as a dump writes it: the types of the arguments
/// that are not `OUT`, without names, modes or defaults (`number integer, OUT r text` →
/// `integer`). PostgreSQL tells functions apart by these alone, so a renamed argument is the same
/// function and overloads with other types are different ones.
pub fn identity_arguments(arguments: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for argument in split_top_level(arguments, ',') {
        let words = split_top_level(argument.trim(), ' ');
        let mut words: Vec<&str> = words.iter().map(|w| w.trim()).filter(|w| !w.is_empty()).collect();
        if let Some(at) = words.iter().position(|w| w.eq_ignore_ascii_case("default") || *w == "=") {
            words.truncate(at);
        }
        match words.first().map(|w| w.to_ascii_lowercase()) {
            Some(mode) if mode == "out" => continue,
            Some(mode) if mode == "in" || mode == "inout" || mode == "variadic" => {
                words.remove(0);
            }
            _ => {}
        }
        if words.len() >= 2 && !starts_multiword_type(&words) {
            words.remove(0); // the argument's name
        }
        if !words.is_empty() {
            out.push(words.join(" "));
        }
    }
    out.join(", ")
}

/// Whether the words begin a type name of several words (`double precision`, `character
/// varying(10)`, `timestamp with time zone`), rather than an argument name and its type.
fn starts_multiword_type(words: &[&str]) -> bool {
    let first = words[0].split('(').next().unwrap_or_default().to_ascii_lowercase();
    let second = words[1].split('(').next().unwrap_or_default().to_ascii_lowercase();
    match first.as_str() {
        "double" => second == "precision",
        "character" | "char" | "bit" | "national" => second == "varying" || second == "character",
        "time" | "timestamp" => second == "with" || second == "without",
        "interval" => ["year", "month", "day", "hour", "minute", "second"].contains(&second.as_str()),
        _ => false,
    }
}

/// `text` split at `separator` outside parentheses, brackets and quotes.
pub fn split_top_level(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None::<char>, 0);
    for (at, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(' | '[') => depth += 1,
            (None, ')' | ']') => depth -= 1,
            (None, c) if c == separator && depth == 0 => {
                parts.push(&text[start..at]);
                start = at + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

#[cfg(test)]
mod identity_tests {
    use super::identity_arguments;

    #[test]
    fn a_function_is_known_by_its_argument_types() {
        assert_eq!(identity_arguments("number integer"), "integer");
        assert_eq!(identity_arguments("integer, text"), "integer, text");
        assert_eq!(
            identity_arguments("a numeric(10,2), OUT b text, INOUT c integer DEFAULT 0"),
            "numeric(10,2), integer"
        );
        assert_eq!(identity_arguments("double precision, x double precision"), "double precision, double precision");
        assert_eq!(
            identity_arguments("ts timestamp with time zone, character varying(5)"),
            "timestamp with time zone, character varying(5)"
        );
        assert_eq!(identity_arguments("VARIADIC xs integer[]"), "integer[]");
        assert_eq!(identity_arguments("\"My Arg\" public.\"T, 1\""), "public.\"T, 1\"");
        assert_eq!(identity_arguments("time timestamp"), "timestamp");
        assert_eq!(identity_arguments(""), "");
    }
}
