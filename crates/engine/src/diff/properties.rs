//! Each catalog object as a list of named properties: what the diff compares and shows.
//!
//! An empty string means "not set". Names are the words a reviewer reads (`type`, `default`, …).

use super::Property;
use crate::catalog::*;

pub(super) trait Properties {
    fn properties(&self) -> Vec<(Property, String)>;
}

fn yes(flag: bool) -> String {
    if flag {
        "yes".into()
    } else {
        String::new()
    }
}

fn some(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn list(values: &[String]) -> String {
    values.join(", ")
}

impl Properties for Schema {
    fn properties(&self) -> Vec<(Property, String)> {
        Vec::new()
    }
}

impl Properties for Extension {
    fn properties(&self) -> Vec<(Property, String)> {
        vec![(Property::Schema, some(&self.schema)), (Property::Version, some(&self.version))]
    }
}

impl Properties for TypeDef {
    fn properties(&self) -> Vec<(Property, String)> {
        match self {
            TypeDef::Enum { labels } => vec![(Property::Kind, "enum".into()), (Property::Labels, list(labels))],
            TypeDef::Composite { attributes } => vec![
                (Property::Kind, "composite".into()),
                (
                    Property::Attributes,
                    attributes.iter().map(|(n, t)| format!("{n} {t}")).collect::<Vec<_>>().join(", "),
                ),
            ],
            TypeDef::Domain { base, default, not_null, checks, collation } => vec![
                (Property::Kind, "domain".into()),
                (Property::BaseType, base.clone()),
                (Property::Collation, some(collation)),
                (Property::Default, some(default)),
                (Property::NotNull, yes(*not_null)),
                (Property::Checks, list(checks)),
            ],
            TypeDef::Range { options } => vec![(Property::Kind, "range".into()), (Property::Options, list(options))],
            TypeDef::Other { definition } => vec![(Property::Definition, definition.clone())],
        }
    }
}

impl Properties for Sequence {
    fn properties(&self) -> Vec<(Property, String)> {
        vec![
            (Property::DataType, some(&self.data_type)),
            (Property::Options, list(&self.options)),
            (Property::OwnedBy, some(&self.owned_by)),
            (Property::Unlogged, yes(self.unlogged)),
        ]
    }
}

impl Properties for Table {
    fn properties(&self) -> Vec<(Property, String)> {
        vec![
            (Property::Unlogged, yes(self.unlogged)),
            (Property::PartitionedBy, some(&self.more.partition_by)),
            (
                Property::PartitionOf,
                self.more.partition_of.as_ref().map(|(parent, bound)| format!("{parent} {bound}")).unwrap_or_default(),
            ),
            (Property::Inherits, self.more.inherits.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
            // A set: the order they were written in is not a difference.
            (Property::StorageParameters, list(&sorted(&self.more.options))),
            (Property::RowLevelSecurity, yes(self.row_level_security)),
            (Property::ForcedRowLevelSecurity, yes(self.force_row_level_security)),
            (Property::ReplicaIdentity, some(&self.more.replica_identity)),
            (Property::Tablespace, some(&self.more.tablespace)),
            (Property::ClusteredOn, some(&self.more.cluster_on)),
            (Property::OfType, self.more.of_type.as_ref().map(ToString::to_string).unwrap_or_default()),
        ]
    }
}

impl Properties for Column {
    fn properties(&self) -> Vec<(Property, String)> {
        vec![
            (Property::Type, self.data_type.clone()),
            (Property::Collation, some(&self.more.collation)),
            (Property::Default, some(&self.default)),
            (Property::NotNull, yes(self.not_null)),
            (Property::Identity, some(&self.more.identity)),
            (Property::Generated, some(&self.more.generated)),
            (Property::Statistics, some(&self.more.statistics)),
            (Property::Storage, some(&self.more.storage)),
            (Property::Compression, some(&self.more.compression)),
            (Property::Options, list(&self.more.options)),
        ]
    }
}

impl Properties for Constraint {
    fn properties(&self) -> Vec<(Property, String)> {
        vec![(Property::Definition, self.definition.clone()), (Property::NotValid, yes(self.not_valid))]
    }
}

impl Properties for Index {
    fn properties(&self) -> Vec<(Property, String)> {
        vec![
            (Property::Table, self.table.to_string()),
            (Property::Unique, yes(self.unique)),
            (Property::Method, self.method.clone()),
            (Property::Keys, list(&self.keys)),
            (Property::Include, list(&self.include)),
            (Property::Predicate, some(&self.predicate)),
            (Property::Parameters, list(&self.parameters)),
            (Property::NullsNotDistinct, yes(self.nulls_not_distinct)),
            (Property::Tablespace, some(&self.tablespace)),
            (Property::AttachedTo, self.attached_to.as_ref().map(ToString::to_string).unwrap_or_default()),
            (Property::Statistics, list(&self.statistics)),
        ]
    }
}

impl Properties for View {
    fn properties(&self) -> Vec<(Property, String)> {
        vec![
            (Property::Columns, list(&self.columns)),
            (Property::Options, list(&self.options)),
            (Property::Definition, self.definition.clone()),
            (Property::WithNoData, yes(self.with_no_data)),
            (
                Property::ColumnDefaults,
                self.column_defaults.iter().map(|(c, d)| format!("{c} {d}")).collect::<Vec<_>>().join(", "),
            ),
        ]
    }
}

impl Properties for Function {
    fn properties(&self) -> Vec<(Property, String)> {
        vec![
            (Property::Kind, self.kind.clone()),
            // The key holds the argument types; their names, modes and defaults are compared here.
            (Property::Arguments, self.arguments.clone()),
            (Property::Returns, some(&self.returns)),
            (Property::Language, some(&self.language)),
            (Property::Volatility, self.volatility.clone()),
            (Property::Strict, yes(self.strict)),
            (Property::SecurityDefiner, yes(self.security_definer)),
            (Property::Parallel, self.parallel.clone()),
            (Property::Set, list(&self.set_options)),
            (Property::Options, list(&self.extras)),
            (Property::Body, some(&self.body)),
            // Functions read from tokens have no separate body: their whole statement stands in.
            (Property::Definition, if self.body.is_some() { String::new() } else { self.definition.clone() }),
        ]
    }
}

impl Properties for Trigger {
    fn properties(&self) -> Vec<(Property, String)> {
        vec![(Property::Definition, self.definition.clone()), (Property::Enabled, some(&self.enabled))]
    }
}

impl Properties for Policy {
    fn properties(&self) -> Vec<(Property, String)> {
        vec![
            (Property::Permissive, if self.permissive { "permissive".into() } else { "restrictive".into() }),
            (Property::Command, self.command.clone()),
            (Property::Roles, list(&self.roles)),
            (Property::Using, some(&self.using)),
            (Property::WithCheck, some(&self.with_check)),
        ]
    }
}

impl Properties for Definition {
    fn properties(&self) -> Vec<(Property, String)> {
        vec![(Property::Definition, self.definition.clone())]
    }
}

impl Properties for String {
    fn properties(&self) -> Vec<(Property, String)> {
        vec![(Property::Value, self.clone())]
    }
}

fn sorted(list: &[String]) -> Vec<String> {
    let mut sorted = list.to_vec();
    sorted.sort();
    sorted
}
