//! The column sections: each table's column differences, type changes and column order.

use super::build::find_table;
use super::*;
use crate::catalog::{Catalog, Column};
use crate::diff::{ChangeKind, ObjectKind};
use std::collections::BTreeMap;

pub(super) fn column_fact(catalog: &Catalog, table: &str, column: &Column) -> ColumnFact {
    ColumnFact {
        column: column.name.clone(),
        data_type: column.data_type.clone(),
        default: column.default.clone(),
        not_null: column.not_null,
        generated: column
            .more
            .identity
            .as_ref()
            .map(|i| format!("identity {i}"))
            .or_else(|| column.more.generated.as_ref().map(|g| format!("generated {g}"))),
        comment: catalog.comments.get(&format!("column {table}.{}", column.name)).cloned(),
    }
}

pub(super) fn column_differences(
    diff: &crate::Diff,
    from: &Catalog,
    to: &Catalog,
    dropped_tables: &[TableFact],
    new_tables: &[&str],
) -> Vec<ColumnDifferences> {
    let mut by_table: BTreeMap<String, ColumnDifferences> = BTreeMap::new();
    let skip: Vec<&str> = dropped_tables.iter().map(|t| t.table.as_str()).chain(new_tables.iter().copied()).collect();
    for change in diff.changes.iter().filter(|c| c.object_kind == ObjectKind::Column) {
        let Some((key, column)) = change.key.member() else { continue };
        let table = key.to_string();
        let table = table.as_str();
        if skip.contains(&table) {
            continue;
        }
        let entry = by_table.entry(table.to_string()).or_insert_with(|| ColumnDifferences {
            table: table.to_string(),
            added: Vec::new(),
            removed: Vec::new(),
            altered: Vec::new(),
        });
        let fact = |catalog: &Catalog| {
            let (_, t) = find_table(catalog, table)?;
            Some(column_fact(catalog, table, t.column(column)?))
        };
        match change.change {
            ChangeKind::Added => entry.added.extend(fact(to)),
            ChangeKind::Removed => entry.removed.extend(fact(from)),
            ChangeKind::Altered | ChangeKind::Renamed | ChangeKind::Uncompared => {
                entry.altered.push(AlteredColumn { column: column.to_string(), details: change.details.clone() })
            }
        }
    }
    by_table.into_values().collect()
}

pub(super) fn column_order(from: &Catalog, to: &Catalog, shown: &str) -> Option<ColumnOrder> {
    let (_, old) = find_table(from, shown)?;
    let (_, new) = find_table(to, shown)?;
    // Each column's place (from 1), looked up by name: not one search per column.
    let places = |t: &crate::catalog::Table| -> std::collections::HashMap<String, usize> {
        t.columns.iter().enumerate().rev().map(|(i, c)| (c.name.clone(), i + 1)).collect()
    };
    let (old_places, new_places) = (places(old), places(new));
    let shared = |a: &crate::catalog::Table, b: &std::collections::HashMap<String, usize>| -> Vec<String> {
        a.columns.iter().filter(|c| b.contains_key(&c.name)).map(|c| c.name.clone()).collect()
    };
    let (old_order, new_order) = (shared(old, &new_places), shared(new, &old_places));
    if old_order == new_order {
        return None;
    }
    let position = |places: &std::collections::HashMap<String, usize>, name: &str| places.get(name).copied();
    let moved = old_order
        .iter()
        .zip(&new_order)
        .filter(|(a, b)| a != b)
        .filter_map(|(_, name)| {
            Some(MovedColumn {
                column: name.clone(),
                positions: [position(&old_places, name)?, position(&new_places, name)?],
            })
        })
        .collect();
    Some(ColumnOrder {
        table: shown.to_string(),
        moved,
        from: old.columns.iter().map(|c| c.name.clone()).collect(),
        to: new.columns.iter().map(|c| c.name.clone()).collect(),
    })
}
