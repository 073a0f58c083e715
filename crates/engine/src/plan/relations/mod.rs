//! Steps for relations: tables, their columns, constraints and indexes, and the views over them,
//! one file for each of what it plans; `create.rs` writes a table's CREATE.

mod columns;
mod constraints;
mod create;
mod indexes;
mod table;
mod views;

pub(super) use self::{columns::*, constraints::*, create::*, indexes::*, table::*, views::*};
use super::{change_id, Phase, Planner, Rank};
use crate::catalog::{Catalog, Column, Constraint, ConstraintKind, QualifiedName, Table, View};
use crate::diff::{Change, ChangeKind, ObjectKind, Property};
use crate::sql::{column_definition, create_index, ident, qualified};
use std::collections::BTreeSet;

pub(in crate::plan) fn plan_tables(p: &mut Planner) {
    free_names(p);
    let recreated = recreated_views(p);
    added_tables(p);
    removed_tables(p);
    altered_tables(p);
    columns(p);
    constraints(p);
    indexes(p, &recreated);
    views(p, &recreated);
    settings(p);
    columns_that_stay_own(p);
}

/// The parent of `table` in `catalog` that gives it `column`, if any.
pub(in crate::plan) fn giving_parent<'c>(
    catalog: &'c Catalog,
    table: &QualifiedName,
    column: &str,
) -> Option<&'c QualifiedName> {
    let t = catalog.tables.get(table)?;
    t.more.inherits.iter().find(|parent| catalog.tables.get(*parent).is_some_and(|pt| pt.column(column).is_some()))
}

/// Whether a parent `table` inherits from on both sides gains `column`: its ADD COLUMN reaches the
/// child, whose own would make the column the child's too.
pub(in crate::plan) fn gains_from_its_parent(p: &Planner, table: &QualifiedName, column: &str) -> bool {
    let old_table = p.old_table_name(table);
    let (Some(new), Some(old)) = (p.to.tables.get(table), p.from.tables.get(&old_table)) else { return false };
    new.more.inherits.iter().any(|parent| {
        let old_parent = p.old_table_name(parent);
        old.more.inherits.contains(&old_parent)
            && p.to.tables.get(parent).is_some_and(|t| t.column(column).is_some())
            && p.from.tables.get(&old_parent).is_some_and(|t| t.column(column).is_none())
    })
}

pub(in crate::plan) use crate::sql::names_word;

/// Whether `text` mentions `name` (`schema.name`) as a whole name.
pub(in crate::plan) fn mentions(text: &str, name: &QualifiedName) -> bool {
    let needle = format!("{}.{}", ident(&name.schema), ident(&name.name));
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '$' || c == '"';
    text.match_indices(&needle).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + needle.len()..].chars().next();
        !before.is_some_and(|c| is_word(c) || c == '.') && !after.is_some_and(is_word)
    })
}

pub(in crate::plan) fn is_foreign(constraint: &Constraint) -> bool {
    constraint.kind == ConstraintKind::ForeignKey
}

pub(in crate::plan) fn uses_index(identity: &str) -> bool {
    identity.to_ascii_uppercase().starts_with("USING INDEX")
}

/// Tables ordered so that a parent (partitioned or inherited) comes before its children.
pub(in crate::plan) fn parents_first<'c>(
    catalog: &'c Catalog,
    names: Vec<&'c QualifiedName>,
) -> Vec<&'c QualifiedName> {
    let parents = |name: &QualifiedName| -> Vec<QualifiedName> {
        let table = &catalog.tables[name];
        table
            .more
            .partition_of
            .iter()
            .map(|(parent, _)| parent.clone())
            .chain(table.more.inherits.iter().cloned())
            .collect()
    };
    let mut out: Vec<&QualifiedName> = Vec::new();
    let mut left = names;
    while !left.is_empty() {
        let waiting: std::collections::HashSet<&QualifiedName> = left.iter().copied().collect();
        let (ready, waiting): (Vec<&QualifiedName>, Vec<&QualifiedName>) = left
            .iter()
            .partition(|name| parents(name).iter().all(|parent| parent == **name || !waiting.contains(parent)));
        if ready.is_empty() {
            out.extend(waiting); // a cycle cannot happen in PostgreSQL; keep the rest in name order
            break;
        }
        out.extend(ready);
        left = waiting;
    }
    out
}
