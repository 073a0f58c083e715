//! The table-centred views of a diff: the inventory of every table on either side, which table a
//! change belongs to, and one table's columns from both sides aligned row by row.

use super::{Change, ChangeKind, Diff, DiffOptions, ObjectKind};
use crate::catalog::{Catalog, Column, QualifiedName, Table};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableStatus {
    OnlyInFrom,
    OnlyInTo,
    Changed,
    Unchanged,
}

impl TableStatus {
    pub fn label(self) -> &'static str {
        match self {
            TableStatus::OnlyInFrom => "only in from",
            TableStatus::OnlyInTo => "only in to",
            TableStatus::Changed => "changed",
            TableStatus::Unchanged => "unchanged",
        }
    }
}

/// One table of the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableEntry {
    /// The name in `to` (for a confirmed rename, the new name).
    pub table: String,
    pub status: TableStatus,
    /// Changes that belong to this table: its own, its columns', constraints', indexes', triggers',
    /// policies' and comments'.
    pub changes: usize,
    /// Columns on each side (from, to).
    pub columns: [Option<usize>; 2],
    pub comment: Option<String>,
    /// Its size on each side (from, to), when the user added that side's sizes and they name it.
    #[serde(default)]
    pub sizes: [Option<crate::input::sizes::TableSize>; 2],
}

/// The table a change belongs to, if any, as the diff shows it.
pub fn table_of(change: &Change, from: &Catalog, to: &Catalog) -> Option<String> {
    table_key(change, from, to).map(|table| table.to_string())
}

/// The table a change is about or belongs to, if any: its own, its columns', constraints',
/// indexes', triggers', policies', comments' and owners'.
pub fn table_key(change: &Change, from: &Catalog, to: &Catalog) -> Option<QualifiedName> {
    match change.object_kind {
        ObjectKind::Table
        | ObjectKind::Column
        | ObjectKind::Constraint
        | ObjectKind::ForeignKey
        | ObjectKind::Trigger
        | ObjectKind::Policy => change.key.table().cloned(),
        ObjectKind::Index => {
            [to, from].iter().find_map(|c| change.key.find(&c.indexes)).map(|(_, index)| index.table.clone())
        }
        // Comments and owners are kept under `kind object` text keys: the one place they are read.
        ObjectKind::Comment | ObjectKind::Owner => {
            let tables = [&to.tables, &from.tables];
            match change.object.split_once(' ') {
                Some(("table", object)) => {
                    tables.iter().find_map(|t| crate::catalog::find_shown(t, object)).map(|(n, _)| n.clone())
                }
                Some(("column", object)) => crate::catalog::split_member(&tables, object).map(|(table, _)| table),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Every table of either side (outside excluded schemas), with how it differs, by name.
pub fn inventory(from: &Catalog, to: &Catalog, diff: &Diff, options: &DiffOptions) -> Vec<TableEntry> {
    // Confirmed table renames, old table by new name, and the old names: found once, not per table.
    let renames: BTreeMap<&QualifiedName, Option<&Table>> = diff
        .changes
        .iter()
        .filter(|c| c.object_kind == ObjectKind::Table && c.change == ChangeKind::Renamed)
        .rev()
        .filter_map(|c| {
            Some((c.key.qualified()?, c.was.as_deref().and_then(|was| was.find(&from.tables)).map(|(_, t)| t)))
        })
        .collect();
    let renamed_from: BTreeSet<&QualifiedName> = diff
        .changes
        .iter()
        .filter(|c| c.object_kind == ObjectKind::Table && c.change == ChangeKind::Renamed)
        .filter_map(|c| c.was.as_deref()?.qualified())
        .collect();
    let old_names: BTreeMap<&QualifiedName, &QualifiedName> = diff
        .changes
        .iter()
        .filter(|c| c.object_kind == ObjectKind::Table && c.change == ChangeKind::Renamed)
        .filter_map(|c| Some((c.key.qualified()?, c.was.as_deref()?.qualified()?)))
        .collect();
    let mut changes_per_table: BTreeMap<QualifiedName, usize> = BTreeMap::new();
    for change in &diff.changes {
        if let Some(table) = table_key(change, from, to) {
            *changes_per_table.entry(table).or_default() += 1;
        }
    }
    let mut names: Vec<&QualifiedName> = from.tables.keys().chain(to.tables.keys()).collect();
    names.sort();
    names.dedup();
    let mut entries: Vec<TableEntry> = names
        .into_iter()
        .filter(|name| !options.excludes(&name.schema) && !renamed_from.contains(name))
        .map(|name| {
            let shown = name.to_string();
            let changes = changes_per_table.get(name).copied().unwrap_or(0);
            let from_table = match renames.get(name) {
                Some(old) => *old,
                None => from.tables.get(name),
            };
            let to_table = to.tables.get(name);
            let status = match (from_table, to_table) {
                (Some(_), None) => TableStatus::OnlyInFrom,
                (None, Some(_)) => TableStatus::OnlyInTo,
                _ if changes > 0 => TableStatus::Changed,
                _ => TableStatus::Unchanged,
            };
            let comment = [to, from].iter().find_map(|c| c.comments.get(&format!("table {shown}")).cloned());
            TableEntry {
                table: shown,
                status,
                changes,
                columns: [from_table.map(|t| t.columns.len()), to_table.map(|t| t.columns.len())],
                comment,
                sizes: [
                    from_table
                        .and(options.sizes[0].as_ref())
                        .and_then(|s| s.of(old_names.get(name).copied().unwrap_or(name))),
                    to_table.and(options.sizes[1].as_ref()).and_then(|s| s.of(name)),
                ],
            }
        })
        .collect();
    entries.sort_by(|a, b| (a.status, &a.table).cmp(&(b.status, &b.table)));
    entries
}

/// How a column differs between the two sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnStatus {
    Same,
    Added,
    Removed,
    Changed,
}

/// One row of the aligned column lists: the column on each side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnPair {
    pub from: Option<Column>,
    pub to: Option<Column>,
    pub status: ColumnStatus,
    /// For `changed`: which properties differ (`type`, `default`, `not null`, …).
    #[serde(deserialize_with = "crate::interned::list")]
    pub differs: Vec<crate::interned::Word>,
}

/// Both column lists of a table side by side: in `to`'s order, each column only in `from` placed
/// after the column that precedes it there. Position alone is not a difference.
pub fn align_columns(from: Option<&Table>, to: Option<&Table>) -> Vec<ColumnPair> {
    let empty = Table::default();
    let (old, new) = (from.unwrap_or(&empty), to.unwrap_or(&empty));
    let mut rows: Vec<ColumnPair> = Vec::new();
    // From-only columns that come before any shared column go first.
    let mut pending: Vec<&Column> = Vec::new();
    let flush = |pending: &mut Vec<&Column>, rows: &mut Vec<ColumnPair>| {
        rows.extend(pending.drain(..).map(|c| ColumnPair {
            from: Some(c.clone()),
            to: None,
            status: ColumnStatus::Removed,
            differs: Vec::new(),
        }));
    };
    // Each column's place in `from`, and the names `to` has: looked up, not searched for.
    let old_places: std::collections::HashMap<&str, usize> =
        old.columns.iter().enumerate().rev().map(|(i, c)| (c.name.as_str(), i)).collect();
    let new_names: std::collections::HashSet<&str> = new.columns.iter().map(|c| c.name.as_str()).collect();
    let removed_after = |name: Option<&str>| -> Vec<&Column> {
        // The from-only columns that follow `name` (or start the table) in `from`, up to the next shared one.
        let start = match name {
            Some(name) => match old_places.get(name) {
                Some(at) => at + 1,
                None => return Vec::new(),
            },
            None => 0,
        };
        old.columns[start..].iter().take_while(|c| !new_names.contains(c.name.as_str())).collect()
    };
    pending.extend(removed_after(None));
    flush(&mut pending, &mut rows);
    for column in &new.columns {
        match old_places.get(column.name.as_str()).map(|at| &old.columns[*at]) {
            None => rows.push(ColumnPair {
                from: None,
                to: Some(column.clone()),
                status: ColumnStatus::Added,
                differs: Vec::new(),
            }),
            Some(previous) => {
                let mut differs = Vec::new();
                let checks: [(&'static str, bool); 7] = [
                    ("type", previous.data_type != column.data_type),
                    ("default", previous.default != column.default),
                    ("not null", previous.not_null != column.not_null),
                    ("collation", previous.more.collation != column.more.collation),
                    ("identity", previous.more.identity != column.more.identity),
                    ("generated", previous.more.generated != column.more.generated),
                    ("statistics", previous.more.statistics != column.more.statistics),
                ];
                differs.extend(checks.iter().filter(|(_, d)| *d).map(|(p, _)| *p));
                let status = if differs.is_empty() { ColumnStatus::Same } else { ColumnStatus::Changed };
                rows.push(ColumnPair { from: Some(previous.clone()), to: Some(column.clone()), status, differs });
                pending.extend(removed_after(Some(&column.name)));
                flush(&mut pending, &mut rows);
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{build_catalog, diff, read};

    fn catalog(sql: &str) -> Catalog {
        build_catalog(&read(sql))
    }

    #[test]
    fn columns_are_aligned_with_removed_ones_where_they_were() {
        let old = catalog("CREATE TABLE t (gone_first int, id int, a text, gone text, b int);");
        let new = catalog("CREATE TABLE t (id int, a varchar(10), b int, added int);");
        let name = QualifiedName::new("public", "t");
        let rows = align_columns(old.tables.get(&name), new.tables.get(&name));
        let shown: Vec<String> = rows
            .iter()
            .map(|r| {
                let name = r.to.as_ref().or(r.from.as_ref()).map(|c| c.name.clone()).unwrap_or_default();
                format!("{name}:{:?}{:?}", r.status, r.differs)
            })
            .collect();
        assert_eq!(
            shown,
            ["gone_first:Removed[]", "id:Same[]", "a:Changed[\"type\"]", "gone:Removed[]", "b:Same[]", "added:Added[]"]
        );
    }

    #[test]
    fn the_inventory_lists_every_table_with_its_changes() {
        let old = catalog(
            "CREATE TABLE kept (id int); CREATE TABLE changed (id int); CREATE TABLE dropped (id int);
             CREATE INDEX changed_id ON changed (id);",
        );
        let new = catalog("CREATE TABLE kept (id int); CREATE TABLE changed (id bigint); CREATE TABLE fresh (id int);");
        let options = DiffOptions::default();
        let result = diff(&old, &new, &options);
        let rows: Vec<(String, TableStatus, usize)> =
            inventory(&old, &new, &result, &options).into_iter().map(|e| (e.table, e.status, e.changes)).collect();
        assert_eq!(
            rows,
            [
                ("public.dropped".to_string(), TableStatus::OnlyInFrom, 1),
                ("public.fresh".to_string(), TableStatus::OnlyInTo, 1),
                ("public.changed".to_string(), TableStatus::Changed, 2),
                ("public.kept".to_string(), TableStatus::Unchanged, 0),
            ]
        );
    }
}
