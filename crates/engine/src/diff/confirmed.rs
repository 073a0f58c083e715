//! Renames the user confirmed: the `from` catalog is given the new names before the comparison, so
//! a renamed table or column is compared with its counterpart (columns, constraints, indexes) and
//! what else changed shows as usual; the rename itself becomes one `renamed` change.
//!
//! What PostgreSQL carries along with a rename is carried here too: indexes, triggers and policies
//! of a renamed table, foreign keys that reference it, comments and owners, and the column's name
//! inside constraint and index definitions of its table.

use super::{ObjectKey, ObjectKind};
use crate::catalog::{Catalog, QualifiedName};
use serde::{Deserialize, Serialize};

/// A rename the user confirmed: `from` (an object only in the `from` catalog) is `to` (an object
/// only in the `to` catalog) under a new name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Rename {
    /// One of [`super::RENAMEABLE`]: a table, column, index or constraint.
    pub object_kind: ObjectKind,
    pub from: String,
    pub to: String,
}

impl Rename {
    /// `KIND:OLD=NEW` (as `--rename` and the page's URL write it) → a rename, or what is wrong with
    /// it.
    pub fn parse(text: &str) -> Result<Rename, String> {
        let (kind, names) = text.split_once(':').ok_or("no KIND: before the names")?;
        let object_kind = ObjectKind::parse(kind).filter(|k| super::RENAMEABLE.contains(k)).ok_or_else(|| {
            let kinds: Vec<&str> = super::RENAMEABLE.iter().map(|k| k.as_str()).collect();
            format!("KIND must be one of {}", kinds.join(", "))
        })?;
        let (from, to) = names.split_once('=').ok_or("no = between the old and the new name")?;
        if from.is_empty() || to.is_empty() {
            return Err("a name is empty".into());
        }
        Ok(Rename { object_kind, from: from.to_string(), to: to.to_string() })
    }
}

/// `KIND:OLD=NEW`, as [`Rename::parse`] reads it.
impl std::fmt::Display for Rename {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}={}", self.object_kind, self.from, self.to)
    }
}

/// A confirmed rename that applies to the pair, with the object's key on each side.
pub(super) struct Applied {
    pub rename: Rename,
    /// The key under the old name, as the user wrote it (in `from`, with the renames confirmed
    /// before this one applied).
    pub was: ObjectKey,
    /// The key in `to`, under the new name.
    pub key: ObjectKey,
}

/// The renames that apply to this pair (the old object only in `from`, the new only in `to`), and
/// the `from` catalog with them applied.
pub(super) fn apply(from: &Catalog, to: &Catalog, renames: &[Rename]) -> (Catalog, Vec<Applied>) {
    let mut renamed = from.clone();
    let mut applied = Vec::new();
    for rename in renames {
        let only_in = |this: &Catalog, other: &Catalog, object: &str| {
            exists(this, rename.object_kind, object) && !exists(other, rename.object_kind, object)
        };
        if !only_in(&renamed, to, &rename.from) || !only_in(to, &renamed, &rename.to) {
            continue;
        }
        // Where renames chain (a table, then a column of it under the table's new name), the old
        // name is read as the user wrote it: in `from` with the renames before it applied.
        let was = key_of(&renamed, rename.object_kind, &rename.from);
        let done = match rename.object_kind {
            ObjectKind::Table => rename_table(&mut renamed, &rename.from, &rename.to),
            ObjectKind::Column => rename_column(&mut renamed, &rename.from, &rename.to),
            ObjectKind::Index => rename_index(&mut renamed, &rename.from, &rename.to),
            ObjectKind::Constraint | ObjectKind::ForeignKey => {
                rename_constraint(&mut renamed, &rename.from, &rename.to)
            }
            _ => false,
        };
        if let (true, Some(was), Some(key)) = (done, was, key_of(to, rename.object_kind, &rename.to)) {
            applied.push(Applied { rename: rename.clone(), was, key });
        }
    }
    (renamed, applied)
}

fn table_named(catalog: &Catalog, object: &str) -> Option<QualifiedName> {
    crate::catalog::find_shown(&catalog.tables, object).map(|(name, _)| name.clone())
}

/// The table and the last name part of `schema.table.part` (a column or a constraint).
fn in_table(catalog: &Catalog, object: &str) -> Option<(QualifiedName, String)> {
    let (table, part) = object.rsplit_once('.')?;
    Some((table_named(catalog, table)?, part.to_string()))
}

/// The key of the object `kind` named `object` (as the user wrote it) in `catalog`, if it is there.
/// Names may hold dots: the one place a rename's names are taken apart.
fn key_of(catalog: &Catalog, kind: ObjectKind, object: &str) -> Option<ObjectKey> {
    match kind {
        ObjectKind::Table => table_named(catalog, object).map(ObjectKey::Qualified),
        ObjectKind::Column => {
            in_table(catalog, object).filter(|(t, c)| catalog.tables[t].column(c).is_some()).map(member)
        }
        ObjectKind::Index => {
            crate::catalog::find_shown(&catalog.indexes, object).map(|(n, _)| ObjectKey::Qualified(n.clone()))
        }
        ObjectKind::Constraint | ObjectKind::ForeignKey => {
            in_table(catalog, object).filter(|(t, c)| catalog.tables[t].constraints.contains_key(c)).map(member)
        }
        _ => None,
    }
}

fn member((table, name): (QualifiedName, String)) -> ObjectKey {
    ObjectKey::Member(table, name)
}

fn exists(catalog: &Catalog, kind: ObjectKind, object: &str) -> bool {
    key_of(catalog, kind, object).is_some()
}

/// `key` (`<kind> <object>`) with the object renamed when it is `old` or lies inside it.
fn renamed_key(key: &str, old: &str, new: &str) -> String {
    match key.split_once(' ') {
        Some((kind, object)) if object == old => format!("{kind} {new}"),
        Some((kind, object)) => match object.strip_prefix(old).filter(|rest| rest.starts_with('.')) {
            Some(rest) => format!("{kind} {new}{rest}"),
            None => key.to_string(),
        },
        None => key.to_string(),
    }
}

fn rekey_comments_and_owners(catalog: &mut Catalog, old: &str, new: &str) {
    catalog.comments = std::mem::take(&mut catalog.comments)
        .into_iter()
        .map(|(key, text)| (renamed_key(&key, old, new), text))
        .collect();
    catalog.owners = std::mem::take(&mut catalog.owners)
        .into_iter()
        .map(|(key, owner)| (renamed_key(&key, old, new), owner))
        .collect();
}

fn rename_table(catalog: &mut Catalog, old: &str, new: &str) -> bool {
    let (Some(old_name), Some((schema, name))) = (table_named(catalog, old), new.split_once('.')) else {
        return false;
    };
    let new_name = QualifiedName::new(schema, name);
    let Some(table) = catalog.tables.remove(&old_name) else { return false };
    catalog.tables.insert(new_name.clone(), table);
    for index in catalog.indexes.values_mut().filter(|i| i.table == old_name) {
        index.table = new_name.clone();
    }
    if old_name.schema != new_name.schema {
        move_to_schema(catalog, &old_name, &new_name);
    }
    // Its partitions and children follow it: they are still its partitions and children.
    for more in catalog.tables.values_mut().filter_map(|table| table.more.set_mut()) {
        if let Some((parent, _)) = more.partition_of.as_mut().filter(|(parent, _)| *parent == old_name) {
            *parent = new_name.clone();
        }
        for parent in more.inherits.iter_mut().filter(|parent| **parent == old_name) {
            *parent = new_name.clone();
        }
    }
    let (old_reference, new_reference) = (format!("references {old}("), format!("references {new}("));
    for table in catalog.tables.values_mut() {
        for constraint in table.constraints.values_mut() {
            constraint.definition = constraint.definition.replace(&old_reference, &new_reference);
        }
    }
    let prefix = format!("{old}.");
    let rekey = |key: String| match key.strip_prefix(&prefix) {
        Some(rest) => format!("{new}.{rest}"),
        None => key,
    };
    catalog.triggers = std::mem::take(&mut catalog.triggers)
        .into_iter()
        .map(|(key, mut trigger)| {
            if trigger.table == old_name {
                trigger.table = new_name.clone();
            }
            (rekey(key), trigger)
        })
        .collect();
    catalog.policies = std::mem::take(&mut catalog.policies)
        .into_iter()
        .map(|(key, mut policy)| {
            if policy.table == old_name {
                policy.table = new_name.clone();
            }
            (rekey(key), policy)
        })
        .collect();
    for sequence in catalog.sequences.values_mut() {
        if let Some(owner) = &sequence.owned_by {
            sequence.owned_by = Some(rekey(owner.clone()));
        }
    }
    rekey_comments_and_owners(catalog, old, new);
    true
}

/// `ALTER TABLE … SET SCHEMA` takes the table's indexes and the sequences its columns own along;
/// column defaults name such a sequence by its new schema afterwards.
fn move_to_schema(catalog: &mut Catalog, old_name: &QualifiedName, new_name: &QualifiedName) {
    let schema = &new_name.schema;
    let moving: Vec<QualifiedName> =
        catalog.indexes.iter().filter(|(_, i)| i.table == *new_name).map(|(n, _)| n.clone()).collect();
    for index in moving {
        if let Some(found) = catalog.indexes.remove(&index) {
            catalog.indexes.insert(QualifiedName::new(schema, &index.name), found);
        }
    }
    let owner = format!("{old_name}.");
    let sequences: Vec<QualifiedName> = catalog
        .sequences
        .iter()
        .filter(|(_, s)| s.owned_by.as_deref().is_some_and(|o| o.starts_with(&owner)))
        .map(|(n, _)| n.clone())
        .collect();
    for sequence in sequences {
        let Some(mut found) = catalog.sequences.remove(&sequence) else { continue };
        found.owned_by = found.owned_by.map(|o| format!("{new_name}.{}", &o[owner.len()..]));
        let moved = QualifiedName::new(schema, &sequence.name);
        let (before, after) = (format!("'{sequence}'::regclass"), format!("'{moved}'::regclass"));
        if let Some(table) = catalog.tables.get_mut(new_name) {
            for column in &mut table.columns {
                if let Some(default) = &mut column.default {
                    *default = default.replace(&before, &after);
                }
            }
        }
        catalog.sequences.insert(moved, found);
    }
}

fn rename_column(catalog: &mut Catalog, old: &str, new: &str) -> bool {
    let (Some((table_name, old_column)), Some((_, new_column))) = (in_table(catalog, old), new.rsplit_once('.')) else {
        return false;
    };
    let Some(table) = catalog.tables.get_mut(&table_name) else { return false };
    let Some(column) = table.columns.iter_mut().find(|c| c.name == old_column) else { return false };
    column.name = new_column.to_string();
    for constraint in table.constraints.values_mut() {
        constraint.definition = replace_word(&constraint.definition, &old_column, new_column);
    }
    for index in catalog.indexes.values_mut().filter(|i| i.table == table_name) {
        for key in index.keys.iter_mut().chain(index.include.iter_mut()).chain(index.predicate.iter_mut()) {
            *key = replace_word(key, &old_column, new_column);
        }
    }
    rekey_comments_and_owners(catalog, old, new);
    true
}

fn rename_index(catalog: &mut Catalog, old: &str, new: &str) -> bool {
    let Some(old_name) = crate::catalog::find_shown(&catalog.indexes, old).map(|(name, _)| name.clone()) else {
        return false;
    };
    let Some((schema, name)) = new.split_once('.') else { return false };
    let Some(index) = catalog.indexes.remove(&old_name) else { return false };
    let new_name = QualifiedName::new(schema, name);
    catalog.indexes.insert(new_name.clone(), index);
    // The partitions' indexes attached to it stay attached to it.
    for child in catalog.indexes.values_mut().filter(|i| i.attached_to.as_ref() == Some(&old_name)) {
        child.attached_to = Some(new_name.clone());
    }
    rekey_comments_and_owners(catalog, old, new);
    true
}

fn rename_constraint(catalog: &mut Catalog, old: &str, new: &str) -> bool {
    let (Some((table_name, old_constraint)), Some((_, new_constraint))) =
        (in_table(catalog, old), new.rsplit_once('.'))
    else {
        return false;
    };
    let Some(table) = catalog.tables.get_mut(&table_name) else { return false };
    let Some(constraint) = table.constraints.remove(&old_constraint) else { return false };
    table.constraints.insert(new_constraint.to_string(), constraint);
    rekey_comments_and_owners(catalog, old, new);
    true
}

/// `text` with each whole-word `old` (an identifier, quoted or not) replaced by `new`.
fn replace_word(text: &str, old: &str, new: &str) -> String {
    crate::sql::replace_whole(text, old, new, |c| c.is_alphanumeric() || c == '_' || c == '$')
}

#[cfg(test)]
mod tests {
    use super::replace_word;

    #[test]
    fn only_whole_words_are_replaced() {
        assert_eq!(replace_word("primary key (a, ab, b_a)", "a", "x"), "primary key (x, ab, b_a)");
        assert_eq!(replace_word("check ((price > 0))", "price", "cost"), "check ((cost > 0))");
        // An occurrence right after another is part of one longer name.
        assert_eq!(replace_word("check ((aa > 0) and (a > 1))", "a", "x"), "check ((aa > 0) and (x > 1))");
    }
}
