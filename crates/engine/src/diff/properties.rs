//! Each catalog object as a list of named properties: what the diff compares and shows.
//!
//! An empty string means "not set". Names are the words a reviewer reads (`type`, `default`, …).

use crate::catalog::*;

pub(super) trait Properties {
    fn properties(&self) -> Vec<(&'static str, String)>;
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
    fn properties(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

impl Properties for Extension {
    fn properties(&self) -> Vec<(&'static str, String)> {
        vec![("schema", some(&self.schema)), ("version", some(&self.version))]
    }
}

impl Properties for TypeDef {
    fn properties(&self) -> Vec<(&'static str, String)> {
        match self {
            TypeDef::Enum { labels } => vec![("kind", "enum".into()), ("labels", list(labels))],
            TypeDef::Composite { attributes } => vec![
                ("kind", "composite".into()),
                ("attributes", attributes.iter().map(|(n, t)| format!("{n} {t}")).collect::<Vec<_>>().join(", ")),
            ],
            TypeDef::Domain { base, default, not_null, checks, collation } => vec![
                ("kind", "domain".into()),
                ("base type", base.clone()),
                ("collation", some(collation)),
                ("default", some(default)),
                ("not null", yes(*not_null)),
                ("checks", list(checks)),
            ],
            TypeDef::Range { options } => vec![("kind", "range".into()), ("options", list(options))],
            TypeDef::Other { definition } => vec![("definition", definition.clone())],
        }
    }
}

impl Properties for Sequence {
    fn properties(&self) -> Vec<(&'static str, String)> {
        vec![
            ("data type", some(&self.data_type)),
            ("options", list(&self.options)),
            ("owned by", some(&self.owned_by)),
            ("unlogged", yes(self.unlogged)),
        ]
    }
}

impl Properties for Table {
    fn properties(&self) -> Vec<(&'static str, String)> {
        vec![
            ("unlogged", yes(self.unlogged)),
            ("partitioned by", some(&self.partition_by)),
            (
                "partition of",
                self.partition_of.as_ref().map(|(parent, bound)| format!("{parent} {bound}")).unwrap_or_default(),
            ),
            ("inherits", self.inherits.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
            // A set: the order they were written in is not a difference.
            ("storage parameters", list(&sorted(&self.options))),
            ("row level security", yes(self.row_level_security)),
            ("forced row level security", yes(self.force_row_level_security)),
            ("replica identity", some(&self.replica_identity)),
            ("tablespace", some(&self.tablespace)),
            ("clustered on", some(&self.cluster_on)),
            ("of type", self.of_type.as_ref().map(ToString::to_string).unwrap_or_default()),
        ]
    }
}

impl Properties for Column {
    fn properties(&self) -> Vec<(&'static str, String)> {
        vec![
            ("type", self.data_type.clone()),
            ("collation", some(&self.collation)),
            ("default", some(&self.default)),
            ("not null", yes(self.not_null)),
            ("identity", some(&self.identity)),
            ("generated", some(&self.generated)),
            ("statistics", some(&self.statistics)),
            ("storage", some(&self.storage)),
            ("compression", some(&self.compression)),
            ("options", list(&self.options)),
        ]
    }
}

impl Properties for Constraint {
    fn properties(&self) -> Vec<(&'static str, String)> {
        vec![("definition", self.definition.clone()), ("not valid", yes(self.not_valid))]
    }
}

impl Properties for Index {
    fn properties(&self) -> Vec<(&'static str, String)> {
        vec![
            ("table", self.table.to_string()),
            ("unique", yes(self.unique)),
            ("method", self.method.clone()),
            ("keys", list(&self.keys)),
            ("include", list(&self.include)),
            ("predicate", some(&self.predicate)),
            ("parameters", list(&self.parameters)),
            ("nulls not distinct", yes(self.nulls_not_distinct)),
            ("tablespace", some(&self.tablespace)),
            ("attached to", self.attached_to.as_ref().map(ToString::to_string).unwrap_or_default()),
            ("statistics", list(&self.statistics)),
        ]
    }
}

impl Properties for View {
    fn properties(&self) -> Vec<(&'static str, String)> {
        vec![
            ("columns", list(&self.columns)),
            ("options", list(&self.options)),
            ("definition", self.definition.clone()),
            ("with no data", yes(self.with_no_data)),
            (
                "column defaults",
                self.column_defaults.iter().map(|(c, d)| format!("{c} {d}")).collect::<Vec<_>>().join(", "),
            ),
        ]
    }
}

impl Properties for Function {
    fn properties(&self) -> Vec<(&'static str, String)> {
        vec![
            ("kind", self.kind.clone()),
            // The key holds the argument types; their names, modes and defaults are compared here.
            ("arguments", self.arguments.clone()),
            ("returns", some(&self.returns)),
            ("language", some(&self.language)),
            ("volatility", self.volatility.clone()),
            ("strict", yes(self.strict)),
            ("security definer", yes(self.security_definer)),
            ("parallel", self.parallel.clone()),
            ("set", list(&self.set_options)),
            ("options", list(&self.extras)),
            ("body", some(&self.body)),
            // Functions read from tokens have no separate body: their whole statement stands in.
            ("definition", if self.body.is_some() { String::new() } else { self.definition.clone() }),
        ]
    }
}

impl Properties for Trigger {
    fn properties(&self) -> Vec<(&'static str, String)> {
        vec![("definition", self.definition.clone()), ("enabled", some(&self.enabled))]
    }
}

impl Properties for Policy {
    fn properties(&self) -> Vec<(&'static str, String)> {
        vec![
            ("permissive", if self.permissive { "permissive".into() } else { "restrictive".into() }),
            ("command", self.command.clone()),
            ("roles", list(&self.roles)),
            ("using", some(&self.using)),
            ("with check", some(&self.with_check)),
        ]
    }
}

impl Properties for Definition {
    fn properties(&self) -> Vec<(&'static str, String)> {
        vec![("definition", self.definition.clone())]
    }
}

impl Properties for String {
    fn properties(&self) -> Vec<(&'static str, String)> {
        vec![("value", self.clone())]
    }
}

fn sorted(list: &[String]) -> Vec<String> {
    let mut sorted = list.to_vec();
    sorted.sort();
    sorted
}
