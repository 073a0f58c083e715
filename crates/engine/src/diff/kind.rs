//! What a change is about: [`ObjectKind`], the one list of the kinds of object the diff compares.
//!
//! Stages ask for kinds by this type (`changes_of(ObjectKind::Column)`), never by text. It is written
//! as the word users read in reports and JSON (`table`, `foreign_key`, `materialized_view`), and
//! ordered by that word, so outputs read and sort exactly as they did when kinds were text.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    Schema,
    Extension,
    Type,
    Sequence,
    Table,
    Column,
    Constraint,
    ForeignKey,
    Index,
    View,
    MaterializedView,
    Function,
    Trigger,
    Policy,
    EventTrigger,
    Publication,
    /// Objects kept by definition (rules, collations, casts, operators, text search, servers, …).
    Other,
    Comment,
    Owner,
    Grant,
    /// A version listed in a migration tool's tracking table.
    MigrationVersion,
    /// A statement not understood that names no object, compared as text.
    Statement,
}

impl ObjectKind {
    pub const ALL: [ObjectKind; 22] = [
        ObjectKind::Schema,
        ObjectKind::Extension,
        ObjectKind::Type,
        ObjectKind::Sequence,
        ObjectKind::Table,
        ObjectKind::Column,
        ObjectKind::Constraint,
        ObjectKind::ForeignKey,
        ObjectKind::Index,
        ObjectKind::View,
        ObjectKind::MaterializedView,
        ObjectKind::Function,
        ObjectKind::Trigger,
        ObjectKind::Policy,
        ObjectKind::EventTrigger,
        ObjectKind::Publication,
        ObjectKind::Other,
        ObjectKind::Comment,
        ObjectKind::Owner,
        ObjectKind::Grant,
        ObjectKind::MigrationVersion,
        ObjectKind::Statement,
    ];

    /// The word reports and JSON write: `table`, `foreign_key`, `materialized_view`.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Schema => "schema",
            ObjectKind::Extension => "extension",
            ObjectKind::Type => "type",
            ObjectKind::Sequence => "sequence",
            ObjectKind::Table => "table",
            ObjectKind::Column => "column",
            ObjectKind::Constraint => "constraint",
            ObjectKind::ForeignKey => "foreign_key",
            ObjectKind::Index => "index",
            ObjectKind::View => "view",
            ObjectKind::MaterializedView => "materialized_view",
            ObjectKind::Function => "function",
            ObjectKind::Trigger => "trigger",
            ObjectKind::Policy => "policy",
            ObjectKind::EventTrigger => "event_trigger",
            ObjectKind::Publication => "publication",
            ObjectKind::Other => "other",
            ObjectKind::Comment => "comment",
            ObjectKind::Owner => "owner",
            ObjectKind::Grant => "grant",
            ObjectKind::MigrationVersion => "migration_version",
            ObjectKind::Statement => "statement",
        }
    }

    /// The kind a word names (`table`, `foreign_key`, …), as [`ObjectKind::as_str`] writes it.
    pub fn parse(word: &str) -> Option<ObjectKind> {
        ObjectKind::ALL.into_iter().find(|kind| kind.as_str() == word)
    }

    /// The kind in a sentence: `materialized view`, `foreign key`.
    pub fn words(self) -> String {
        self.as_str().replace('_', " ")
    }

    /// A constraint of a table, foreign keys included.
    pub fn is_constraint(self) -> bool {
        matches!(self, ObjectKind::Constraint | ObjectKind::ForeignKey)
    }

    /// A view, materialized or not.
    pub fn is_view(self) -> bool {
        matches!(self, ObjectKind::View | ObjectKind::MaterializedView)
    }
}

/// Ordered by the word, as when kinds were text: sorted changes keep their order.
impl Ord for ObjectKind {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for ObjectKind {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ObjectKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ObjectKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let word = String::deserialize(deserializer)?;
        ObjectKind::parse(&word).ok_or_else(|| serde::de::Error::custom(format!("no object kind `{word}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::ObjectKind;

    #[test]
    fn every_kind_reads_back_from_its_word_and_sorts_by_it() {
        for kind in ObjectKind::ALL {
            assert_eq!(ObjectKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{kind}\""));
            assert_eq!(serde_json::from_str::<ObjectKind>(&json).unwrap(), kind);
        }
        let mut sorted = ObjectKind::ALL.to_vec();
        sorted.sort();
        let words: Vec<&str> = sorted.iter().map(|k| k.as_str()).collect();
        let mut by_word = words.clone();
        by_word.sort();
        assert_eq!(words, by_word);
        assert_eq!(ObjectKind::parse("tables"), None);
        assert_eq!(ObjectKind::MaterializedView.words(), "materialized view");
    }
}
