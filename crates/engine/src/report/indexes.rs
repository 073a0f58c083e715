//! The index comparison: indexes only on one side, altered ones, method changes, counts.

use super::build::find_table;
use super::*;
use crate::catalog::{ByTable, Catalog, QualifiedName};
use crate::diff::{Change, ChangeKind, DiffOptions, ObjectKind, Property};

/// Every index of one table: those built by `CREATE INDEX` and those backing its primary key,
/// unique and exclusion constraints (as `pg_indexes` lists them).
pub(super) fn table_indexes(catalog: &Catalog, by_table: &ByTable<'_>, table: &QualifiedName) -> Vec<IndexFact> {
    let mut out: Vec<IndexFact> = by_table.indexes(table).iter().map(|(name, index)| index_fact(name, index)).collect();
    if let Some(t) = catalog.tables.get(table) {
        out.extend(t.constraints.iter().filter_map(|(name, c)| constraint_index(table, name, c)));
    }
    out.sort_by(|a, b| a.index.cmp(&b.index));
    out
}

pub(super) fn index_fact(name: &QualifiedName, index: &crate::catalog::Index) -> IndexFact {
    IndexFact {
        index: name.to_string(),
        table: index.table.to_string(),
        method: index.method.clone(),
        unique: index.unique,
        constraint: None,
        definition: crate::sql::create_index(name, index),
    }
}

/// The index behind a primary key, unique or exclusion constraint.
pub(super) fn constraint_index(
    table: &QualifiedName,
    name: &str,
    constraint: &crate::catalog::Constraint,
) -> Option<IndexFact> {
    use crate::catalog::ConstraintKind;
    let (kind, unique) = match constraint.kind {
        ConstraintKind::PrimaryKey => ("primary key", true),
        ConstraintKind::Unique => ("unique constraint", true),
        ConstraintKind::Exclusion => ("exclusion constraint", false),
        _ => return None,
    };
    let lower = constraint.definition.to_ascii_lowercase();
    let method = lower
        .split_once(" using ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .filter(|_| constraint.kind == ConstraintKind::Exclusion)
        .unwrap_or("btree")
        .to_string();
    Some(IndexFact {
        index: format!("{}.{name}", table.schema),
        table: table.to_string(),
        method,
        unique,
        constraint: Some(kind),
        definition: format!(
            "ALTER TABLE {} ADD CONSTRAINT {} {};",
            crate::sql::qualified(table),
            crate::sql::ident(name),
            constraint.definition
        ),
    })
}

pub(super) fn index_comparison(
    diff: &crate::Diff,
    (from, to): (&Catalog, &Catalog),
    by_table: &[ByTable<'_>; 2],
    (tables_only_in_from, tables_only_in_to): (&[TableFact], &[TableFact]),
    options: &DiffOptions,
    row: &dyn Fn(&Change) -> ChangeRow,
) -> IndexComparison {
    let on_side = |catalog: &Catalog, by: &ByTable<'_>, change: ChangeKind, tables: &[TableFact]| -> Vec<IndexFact> {
        let mut out: Vec<IndexFact> = Vec::new();
        for c in diff.changes.iter().filter(|c| c.change == change) {
            match c.object_kind {
                ObjectKind::Index => {
                    out.extend(c.key.find(&catalog.indexes).map(|(name, index)| index_fact(name, index)))
                }
                ObjectKind::Constraint => {
                    let Some((table, name)) = c.key.member() else { continue };
                    let Some((table_name, t)) = catalog.tables.get_key_value(table) else { continue };
                    out.extend(t.constraints.get(name).and_then(|k| constraint_index(table_name, name, k)));
                }
                _ => {}
            }
        }
        for table in tables {
            if let Some((name, _)) = find_table(catalog, &table.table) {
                out.extend(table_indexes(catalog, by, name));
            }
        }
        out.sort_by(|a, b| (&a.table, &a.index).cmp(&(&b.table, &b.index)));
        out.dedup();
        out
    };
    let only_in_from = on_side(from, &by_table[0], ChangeKind::Removed, tables_only_in_from);
    let only_in_to = on_side(to, &by_table[1], ChangeKind::Added, tables_only_in_to);
    let altered_changes: Vec<&Change> = diff
        .changes
        .iter()
        .filter(|c| c.object_kind == ObjectKind::Index && matches!(c.change, ChangeKind::Altered | ChangeKind::Renamed))
        .collect();
    let altered: Vec<ChangeRow> = altered_changes.iter().map(|c| row(c)).collect();
    let mut method_changes: Vec<MethodChange> = Vec::new();
    for change in altered_changes {
        if let Some(method) = change.details.iter().find(|d| d.property == Property::Method) {
            let table = change.key.find(&to.indexes).map(|(_, i)| i.table.to_string()).unwrap_or_default();
            let (old, new) = (method.from.clone().unwrap_or_default(), method.to.clone().unwrap_or_default());
            method_changes.push(MethodChange {
                table,
                from_index: change.object.clone(),
                to_index: change.object.clone(),
                note: method_note(&old, &new),
                from_method: old,
                to_method: new,
            });
        }
    }
    // Two indexes on the same table and columns with different methods: one replaced the other.
    let index = |catalog: &'_ Catalog, shown: &str| {
        crate::catalog::find_shown(&catalog.indexes, shown).map(|(_, i)| key_columns(&i.keys))
    };
    for old in only_in_from.iter().filter(|i| i.constraint.is_none()) {
        for new in only_in_to.iter().filter(|n| n.constraint.is_none() && n.table == old.table) {
            if new.method != old.method
                && index(from, &old.index).is_some()
                && index(from, &old.index) == index(to, &new.index)
            {
                method_changes.push(MethodChange {
                    table: old.table.clone(),
                    from_index: old.index.clone(),
                    from_method: old.method.clone(),
                    to_index: new.index.clone(),
                    to_method: new.method.clone(),
                    note: method_note(&old.method, &new.method),
                });
            }
        }
    }
    let count = |catalog: &Catalog| -> usize {
        let built = catalog.indexes.values().filter(|i| !options.excludes(&i.table.schema)).count();
        let backing: usize = catalog
            .tables
            .iter()
            .filter(|(name, _)| !options.excludes(&name.schema))
            .map(|(name, t)| t.constraints.iter().filter_map(|(key, c)| constraint_index(name, key, c)).count())
            .sum();
        built + backing
    };
    IndexComparison { counts: [count(from), count(to)], only_in_from, only_in_to, altered, method_changes }
}

/// The indexed expressions without their operator classes and orderings.
pub(super) fn key_columns(keys: &[String]) -> Vec<String> {
    keys.iter().map(|k| k.split_whitespace().next().unwrap_or("").to_string()).collect()
}

/// An index access method as its documentation names it: `HNSW`, `IVFFlat`, `GIN`, `B-tree`, …
pub fn method_name(method: &str) -> String {
    match method {
        "hnsw" => "HNSW".into(),
        "ivfflat" => "IVFFlat".into(),
        "btree" => "B-tree".into(),
        "gin" => "GIN".into(),
        "gist" => "GiST".into(),
        "spgist" => "SP-GiST".into(),
        "brin" => "BRIN".into(),
        other => other.to_string(),
    }
}

/// What a change of index access method means.
pub(super) fn method_note(from: &str, to: &str) -> String {
    let vector = |m: &str| matches!(m, "hnsw" | "ivfflat");
    match (from, to) {
        ("hnsw", "ivfflat") => "HNSW → IVFFlat: faster to build and smaller, but recall depends on lists and \
                                ivfflat.probes, and the lists must be trained on rows already loaded; \
                                nearest-neighbour results and latency change"
            .to_string(),
        ("ivfflat", "hnsw") => "IVFFlat → HNSW: better recall and query speed without training, but a slower \
                                build that needs much maintenance_work_mem; nearest-neighbour results change"
            .to_string(),
        (a, b) if vector(a) || vector(b) => {
            format!(
                "{} → {}: vector search changes its recall and latency; benchmark real queries",
                method_name(a),
                method_name(b)
            )
        }
        (a, b) => format!(
            "{} → {}: queries the planner served with the {} index may be planned differently",
            method_name(a),
            method_name(b),
            method_name(a)
        ),
    }
}
