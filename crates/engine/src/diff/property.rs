//! Which property of an object differs: [`Property`], the one list of the properties the diff
//! compares and shows (`type`, `default`, `not null`, …).
//!
//! Stages ask for a property by this type, never by text. It is written as the words a reviewer
//! reads in reports and JSON, and ordered by those words, so outputs read and sort exactly as they
//! did when properties were text.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Property {
    Arguments,
    AttachedTo,
    Attributes,
    BaseType,
    Body,
    Checks,
    ClusteredOn,
    Collation,
    ColumnDefaults,
    Columns,
    Command,
    Compression,
    DataType,
    Default,
    Definition,
    Enabled,
    ForcedRowLevelSecurity,
    Generated,
    Identity,
    Include,
    Inherits,
    Keys,
    Kind,
    Labels,
    Language,
    Method,
    Name,
    NotNull,
    NotValid,
    NullsNotDistinct,
    OfType,
    Options,
    OwnedBy,
    Parallel,
    Parameters,
    PartitionOf,
    PartitionedBy,
    Permissive,
    Predicate,
    Read,
    ReplicaIdentity,
    Returns,
    Roles,
    RowLevelSecurity,
    Schema,
    SecurityDefiner,
    Set,
    Statistics,
    Storage,
    StorageParameters,
    Strict,
    Table,
    Tablespace,
    Type,
    Unique,
    Unlogged,
    Using,
    Value,
    Version,
    Volatility,
    WithCheck,
    WithNoData,
}

impl Property {
    pub const ALL: [Property; 62] = [
        Property::Arguments,
        Property::AttachedTo,
        Property::Attributes,
        Property::BaseType,
        Property::Body,
        Property::Checks,
        Property::ClusteredOn,
        Property::Collation,
        Property::ColumnDefaults,
        Property::Columns,
        Property::Command,
        Property::Compression,
        Property::DataType,
        Property::Default,
        Property::Definition,
        Property::Enabled,
        Property::ForcedRowLevelSecurity,
        Property::Generated,
        Property::Identity,
        Property::Include,
        Property::Inherits,
        Property::Keys,
        Property::Kind,
        Property::Labels,
        Property::Language,
        Property::Method,
        Property::Name,
        Property::NotNull,
        Property::NotValid,
        Property::NullsNotDistinct,
        Property::OfType,
        Property::Options,
        Property::OwnedBy,
        Property::Parallel,
        Property::Parameters,
        Property::PartitionOf,
        Property::PartitionedBy,
        Property::Permissive,
        Property::Predicate,
        Property::Read,
        Property::ReplicaIdentity,
        Property::Returns,
        Property::Roles,
        Property::RowLevelSecurity,
        Property::Schema,
        Property::SecurityDefiner,
        Property::Set,
        Property::Statistics,
        Property::Storage,
        Property::StorageParameters,
        Property::Strict,
        Property::Table,
        Property::Tablespace,
        Property::Type,
        Property::Unique,
        Property::Unlogged,
        Property::Using,
        Property::Value,
        Property::Version,
        Property::Volatility,
        Property::WithCheck,
        Property::WithNoData,
    ];

    /// The words reports and JSON write: `type`, `not null`, `row level security`.
    pub fn as_str(self) -> &'static str {
        match self {
            Property::Arguments => "arguments",
            Property::AttachedTo => "attached to",
            Property::Attributes => "attributes",
            Property::BaseType => "base type",
            Property::Body => "body",
            Property::Checks => "checks",
            Property::ClusteredOn => "clustered on",
            Property::Collation => "collation",
            Property::ColumnDefaults => "column defaults",
            Property::Columns => "columns",
            Property::Command => "command",
            Property::Compression => "compression",
            Property::DataType => "data type",
            Property::Default => "default",
            Property::Definition => "definition",
            Property::Enabled => "enabled",
            Property::ForcedRowLevelSecurity => "forced row level security",
            Property::Generated => "generated",
            Property::Identity => "identity",
            Property::Include => "include",
            Property::Inherits => "inherits",
            Property::Keys => "keys",
            Property::Kind => "kind",
            Property::Labels => "labels",
            Property::Language => "language",
            Property::Method => "method",
            Property::Name => "name",
            Property::NotNull => "not null",
            Property::NotValid => "not valid",
            Property::NullsNotDistinct => "nulls not distinct",
            Property::OfType => "of type",
            Property::Options => "options",
            Property::OwnedBy => "owned by",
            Property::Parallel => "parallel",
            Property::Parameters => "parameters",
            Property::PartitionOf => "partition of",
            Property::PartitionedBy => "partitioned by",
            Property::Permissive => "permissive",
            Property::Predicate => "predicate",
            Property::Read => "read",
            Property::ReplicaIdentity => "replica identity",
            Property::Returns => "returns",
            Property::Roles => "roles",
            Property::RowLevelSecurity => "row level security",
            Property::Schema => "schema",
            Property::SecurityDefiner => "security definer",
            Property::Set => "set",
            Property::Statistics => "statistics",
            Property::Storage => "storage",
            Property::StorageParameters => "storage parameters",
            Property::Strict => "strict",
            Property::Table => "table",
            Property::Tablespace => "tablespace",
            Property::Type => "type",
            Property::Unique => "unique",
            Property::Unlogged => "unlogged",
            Property::Using => "using",
            Property::Value => "value",
            Property::Version => "version",
            Property::Volatility => "volatility",
            Property::WithCheck => "with check",
            Property::WithNoData => "with no data",
        }
    }

    /// The property some words name, as [`Property::as_str`] writes them.
    pub fn parse(words: &str) -> Option<Property> {
        Property::ALL.into_iter().find(|p| p.as_str() == words)
    }
}

/// Ordered by the words, as when properties were text.
impl Ord for Property {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Property {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Property {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Property {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let words = String::deserialize(deserializer)?;
        Property::parse(&words).ok_or_else(|| serde::de::Error::custom(format!("no property `{words}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::Property;

    #[test]
    fn every_property_reads_back_from_its_words() {
        for property in Property::ALL {
            assert_eq!(Property::parse(property.as_str()), Some(property));
            let json = serde_json::to_string(&property).unwrap();
            assert_eq!(serde_json::from_str::<Property>(&json).unwrap(), property);
        }
        assert_eq!(Property::parse("colour"), None);
    }
}
