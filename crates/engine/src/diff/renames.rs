//! Rename candidates: a removed object and an added one that look like the same object under a new
//! name, with the evidence and a confidence.
//!
//! Architecture invariant: candidates are only proposed. The diff keeps them as a removal and an
//! addition until the user confirms a rename, because dropping data by mistake is worse than a
//! longer migration.

use super::{Change, ChangeKind, ObjectKey, ObjectKind};
use crate::catalog::{Catalog, Column, QualifiedName};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenameCandidate {
    pub object_kind: ObjectKind,
    pub from: String,
    pub to: String,
    /// 0–100: how much of the evidence agrees.
    pub confidence: u8,
    pub evidence: Vec<String>,
}

/// Candidates among the removed and added tables, columns, indexes and constraints.
pub fn rename_candidates(from: &Catalog, to: &Catalog, changes: &[Change]) -> Vec<RenameCandidate> {
    let of = |kind: ObjectKind, change: ChangeKind| -> Vec<&Change> {
        changes.iter().filter(|c| c.object_kind == kind && c.change == change).collect()
    };
    let mut out = Vec::new();
    for kind in super::RENAMEABLE.iter().copied() {
        let (removed, added) = (of(kind, ChangeKind::Removed), of(kind, ChangeKind::Added));
        // Only objects of one table can be one object renamed (tables themselves: any two), so the
        // pairs are formed table by table.
        let mut added_by_table: BTreeMap<Option<&QualifiedName>, Vec<&Change>> = BTreeMap::new();
        for new in &added {
            added_by_table.entry(table_key(kind, to, new)).or_default().push(new);
        }
        // Every pair that looks alike, best first; each object takes part in one candidate at most.
        let mut pairs: Vec<(u8, Vec<String>, &Change, &Change)> = removed
            .iter()
            .flat_map(|old| {
                let candidates = added_by_table.get(&table_key(kind, from, old)).map_or(&[][..], Vec::as_slice);
                candidates.iter().map(move |new| (*old, *new))
            })
            .filter_map(|(old, new)| {
                compare(kind, from, to, &old.key, &new.key).map(|(score, evidence)| (score, evidence, old, new))
            })
            .collect();
        pairs.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| (&a.2.object, &a.3.object).cmp(&(&b.2.object, &b.3.object))));
        let mut used: BTreeSet<&str> = BTreeSet::new();
        for (confidence, evidence, old, new) in pairs {
            if used.contains(old.object.as_str()) || used.contains(new.object.as_str()) {
                continue;
            }
            used.extend([old.object.as_str(), new.object.as_str()]);
            out.push(RenameCandidate {
                object_kind: kind,
                from: old.object.clone(),
                to: new.object.clone(),
                confidence,
                evidence,
            });
        }
    }
    out
}

/// The table an object belongs to, as the key its rename candidates are grouped by (tables: none).
fn table_key<'c>(kind: ObjectKind, catalog: &'c Catalog, change: &'c Change) -> Option<&'c QualifiedName> {
    match kind {
        ObjectKind::Table => None,
        ObjectKind::Index => change.key.find(&catalog.indexes).map(|(_, index)| &index.table),
        _ => change.key.table(),
    }
}

/// A score (at least 60) and its evidence when `old` and `new` look like one object renamed.
fn compare(
    kind: ObjectKind,
    from: &Catalog,
    to: &Catalog,
    old: &ObjectKey,
    new: &ObjectKey,
) -> Option<(u8, Vec<String>)> {
    let mut evidence = Vec::new();
    let mut agree = 0u32;
    let mut total = 0u32;
    let mut check = |same: bool, what: &str| {
        total += 1;
        if same {
            agree += 1;
            evidence.push(what.to_string());
        }
    };
    match kind {
        ObjectKind::Column => {
            let ((old_table, old_name), (new_table, new_name)) = (old.member()?, new.member()?);
            if old_table != new_table {
                return None;
            }
            let column = |c: &Catalog, name: &str| -> Option<Column> { c.tables.get(old_table)?.column(name).cloned() };
            let (a, b) = (column(from, old_name)?, column(to, new_name)?);
            if a.data_type != b.data_type {
                return None;
            }
            check(true, "same type");
            check(a.position == b.position, "same position");
            check(a.default == b.default, "same default");
            check(a.not_null == b.not_null, "same NOT NULL");
            let comment = |c: &Catalog, name: &str| c.comments.get(&format!("column {old_table}.{name}")).cloned();
            check(comment(from, old_name) == comment(to, new_name), "same comment");
        }
        ObjectKind::Table => {
            let (a, b) = (old.find(&from.tables)?.1, new.find(&to.tables)?.1);
            let columns = |t: &crate::catalog::Table| -> Vec<(String, String)> {
                t.columns.iter().map(|c| (c.name.clone(), c.data_type.clone())).collect()
            };
            if columns(a) != columns(b) {
                return None;
            }
            check(true, "same columns and types");
            let definitions = |t: &crate::catalog::Table| -> Vec<String> {
                let mut d: Vec<String> = t.constraints.values().map(|c| c.definition.clone()).collect();
                d.sort();
                d
            };
            check(definitions(a) == definitions(b), "same constraints");
        }
        ObjectKind::Index => {
            let (a, b) = (old.find(&from.indexes)?.1, new.find(&to.indexes)?.1);
            if a.table != b.table || a.keys != b.keys {
                return None;
            }
            check(true, "same table and keys");
            check(a.method == b.method, "same method");
            check(a.unique == b.unique, "same uniqueness");
            check(a.predicate == b.predicate, "same predicate");
            check(a.parameters == b.parameters, "same parameters");
        }
        _ => {
            let ((old_table, old_name), (new_table, new_name)) = (old.member()?, new.member()?);
            let (a, b) = (
                from.tables.get(old_table)?.constraints.get(old_name)?,
                to.tables.get(new_table)?.constraints.get(new_name)?,
            );
            if old_table != new_table || a.definition != b.definition {
                return None;
            }
            check(true, "same table and definition");
        }
    }
    let score = (agree * 100 / total.max(1)) as u8;
    (score >= 60).then_some((score, evidence))
}

#[cfg(test)]
mod tests {
    use crate::{build_catalog, diff, read, DiffOptions};

    fn candidates(from: &str, to: &str) -> Vec<(String, String, u8)> {
        let (from, to) = (build_catalog(&read(from)), build_catalog(&read(to)));
        diff(&from, &to, &DiffOptions::default())
            .rename_candidates
            .into_iter()
            .map(|c| (c.from, c.to, c.confidence))
            .collect()
    }

    #[test]
    fn a_column_under_a_new_name_is_proposed_not_applied() {
        let from = "CREATE TABLE c (id int, fullname text NOT NULL, phone text);";
        let to = "CREATE TABLE c (id int, full_name text NOT NULL);";
        assert_eq!(candidates(from, to), [("public.c.fullname".into(), "public.c.full_name".into(), 100)]);
        let (a, b) = (build_catalog(&read(from)), build_catalog(&read(to)));
        let result = diff(&a, &b, &DiffOptions::default());
        assert!(result.changes.iter().any(|c| c.object == "public.c.fullname"), "still a removal until confirmed");
    }

    #[test]
    fn tables_indexes_and_constraints_are_proposed_and_different_things_are_not() {
        assert_eq!(
            candidates("CREATE TABLE old_t (a int PRIMARY KEY);", "CREATE TABLE new_t (a int PRIMARY KEY);"),
            [("public.old_t".into(), "public.new_t".into(), 100)]
        );
        assert_eq!(
            candidates(
                "CREATE TABLE t (a int); CREATE INDEX i1 ON t (a);",
                "CREATE TABLE t (a int); CREATE INDEX i2 ON t (a);"
            ),
            [("public.i1".into(), "public.i2".into(), 100)]
        );
        assert!(candidates("CREATE TABLE t (a int, b text);", "CREATE TABLE t (a int, c integer);").is_empty());
        assert!(candidates("CREATE TABLE x (a int);", "CREATE TABLE y (b text);").is_empty());
    }
}
