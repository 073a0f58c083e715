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
    match ident.quote_style {
        Some(_) => ident.value.clone(),
        None => ident.value.to_lowercase(),
    }
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
