//! Which object a change is about, as the catalogs key it: [`ObjectKey`].
//!
//! The diff gives each change the key it compared the object under, so later stages (risks, plan,
//! report) find the object with one map lookup instead of taking its shown name (`schema.table.col`,
//! where names may hold dots) apart again. The shown name is the key written out, so reports and
//! JSON read exactly as before; the key itself is not serialized.

use crate::catalog::QualifiedName;
use std::collections::BTreeMap;
use std::fmt;

#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ObjectKey {
    /// Kept by schema-qualified name: a table, type, sequence, index, view or materialized view.
    Qualified(QualifiedName),
    /// A part of a table: a column, a constraint or a foreign key (kept in the table), a trigger or
    /// a policy (kept in the catalog under this key written out).
    Member(QualifiedName, String),
    /// Kept under a text key of the catalog (schemas, extensions, functions, triggers, policies,
    /// comments, owners, …), or compared as text (grants, statements, migration versions).
    Text(String),
    /// Not known: a change that did not come from the diff (read back from a message or a file).
    #[default]
    Unknown,
}

impl ObjectKey {
    /// The qualified name of an object kept by one.
    pub fn qualified(&self) -> Option<&QualifiedName> {
        match self {
            ObjectKey::Qualified(name) => Some(name),
            _ => None,
        }
    }

    /// The table a column or constraint belongs to, or the table itself.
    pub fn table(&self) -> Option<&QualifiedName> {
        match self {
            ObjectKey::Qualified(name) | ObjectKey::Member(name, _) => Some(name),
            _ => None,
        }
    }

    /// The table and the name of a column or constraint.
    pub fn member(&self) -> Option<(&QualifiedName, &str)> {
        match self {
            ObjectKey::Member(table, name) => Some((table, name)),
            _ => None,
        }
    }

    /// The object in a map keyed by qualified name (`catalog.tables`, `catalog.indexes`, …), with
    /// its key.
    pub fn find<'c, T>(&self, map: &'c BTreeMap<QualifiedName, T>) -> Option<(&'c QualifiedName, &'c T)> {
        map.get_key_value(self.qualified()?)
    }

    /// The table in `tables` the object is or belongs to, with its key.
    pub fn find_table<'c, T>(&self, tables: &'c BTreeMap<QualifiedName, T>) -> Option<(&'c QualifiedName, &'c T)> {
        tables.get_key_value(self.table()?)
    }
}

/// The shown name: `schema.name`, `schema.table.member`, or the text key.
impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObjectKey::Qualified(name) => write!(f, "{name}"),
            ObjectKey::Member(table, member) => write!(f, "{table}.{member}"),
            ObjectKey::Text(key) => f.write_str(key),
            ObjectKey::Unknown => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_shown_as_the_diff_always_wrote_names() {
        let table = QualifiedName::new("public", "a.b");
        assert_eq!(ObjectKey::Qualified(table.clone()).to_string(), "public.a.b");
        assert_eq!(ObjectKey::Member(table.clone(), "c.d".into()).to_string(), "public.a.b.c.d");
        assert_eq!(ObjectKey::Text("schema public".into()).to_string(), "schema public");
    }

    #[test]
    fn a_member_is_found_by_its_table_without_taking_its_name_apart() {
        let table = QualifiedName::new("public", "a.b");
        let tables = BTreeMap::from([(table.clone(), 1), (QualifiedName::new("public", "a"), 2)]);
        let member = ObjectKey::Member(table.clone(), "c.d".into());
        assert_eq!(member.find_table(&tables), Some((&table, &1)));
        assert_eq!(member.find(&tables), None);
        assert_eq!(member.member(), Some((&table, "c.d")));
    }
}
