//! Rename candidates: a removed object and an added one that look like the same object under a new
//! name, with the evidence and a confidence.
//!
//! Architecture invariant: candidates are only proposed. The diff keeps them as a removal and an
//! addition until the user confirms a rename, because dropping data by mistake is worse than a
//! longer migration.

use super::{Change, ChangeKind, ObjectKey, ObjectKind};
use crate::catalog::{Catalog, Column};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};

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
///
/// A pair is a candidate when the two share what one object renamed must keep (a column's table and
/// type, a table's columns, an index's table and keys, a constraint's table and definition) and
/// enough of the rest agrees (a score of at least 60). Each object takes part in one candidate at
/// most, best pairs first (then by name). The pairs are found through maps of what they share, not
/// by comparing every removal with every addition: thousands of tables dropped and as many added
/// cost n·log n, not n².
pub fn rename_candidates(from: &Catalog, to: &Catalog, changes: &[Change]) -> Vec<RenameCandidate> {
    let mut out = Vec::new();
    for kind in super::RENAMEABLE.iter().copied() {
        let side = |catalog: &Catalog, change: ChangeKind| -> Vec<(&Change, Traits)> {
            let mut objects: Vec<(&Change, Traits)> = changes
                .iter()
                .filter(|c| c.object_kind == kind && c.change == change)
                .filter_map(|c| Some((c, traits(kind, catalog, &c.key)?)))
                .collect();
            objects.sort_by(|a, b| a.0.object.cmp(&b.0.object));
            objects
        };
        let (removed, added) = (side(from, ChangeKind::Removed), side(to, ChangeKind::Added));
        if removed.is_empty() || added.is_empty() {
            continue;
        }
        let (first, labels) = evidence_labels(kind);
        let points = labels.len();
        let score = |agree: usize| ((1 + agree) * 100 / (1 + points)) as u8;
        let (mut old_used, mut new_used) = (vec![false; removed.len()], vec![false; added.len()]);
        // Level by level, most points agreeing first; within a level, removals by name, each taking
        // the first addition by name that agrees on at least that many points (one that agreed on
        // more would have been taken at its own level).
        for agree in (0..=points).rev().take_while(|agree| score(*agree) >= 60) {
            let subsets: Vec<Vec<usize>> = subsets_of(points, agree);
            // For each subset of points: the additions sharing the required traits and those points,
            // in name order.
            let mut maps: Vec<HashMap<Vec<&str>, VecDeque<usize>>> = vec![HashMap::new(); subsets.len()];
            for (index, (_, new)) in added.iter().enumerate().filter(|(i, _)| !new_used[*i]) {
                for (map, subset) in maps.iter_mut().zip(&subsets) {
                    map.entry(new.key(subset)).or_default().push_back(index);
                }
            }
            for (old_index, (old, traits)) in removed.iter().enumerate() {
                if old_used[old_index] {
                    continue;
                }
                let mut best: Option<usize> = None;
                for (map, subset) in maps.iter_mut().zip(&subsets) {
                    if let Some(queue) = map.get_mut(&traits.key(subset)) {
                        // Each addition leaves a queue once: linear over the level.
                        while queue.front().is_some_and(|i| new_used[*i]) {
                            queue.pop_front();
                        }
                        if let Some(&front) = queue.front() {
                            best = Some(best.map_or(front, |b| b.min(front)));
                        }
                    }
                }
                let Some(new_index) = best else { continue };
                let (new, new_traits) = &added[new_index];
                old_used[old_index] = true;
                new_used[new_index] = true;
                let mut evidence = vec![first.to_string()];
                let same = traits.points.iter().zip(&new_traits.points).map(|(a, b)| a == b);
                evidence.extend(labels.iter().zip(same).filter(|(_, same)| *same).map(|(label, _)| label.to_string()));
                out.push(RenameCandidate {
                    object_kind: kind,
                    from: old.object.clone(),
                    to: new.object.clone(),
                    confidence: score(evidence.len() - 1),
                    evidence,
                });
            }
        }
    }
    out
}

/// What a renamed object keeps (`required`: the pair is no candidate otherwise) and the points that
/// count towards its score, written out so they compare as text.
struct Traits {
    required: String,
    points: Vec<String>,
}

impl Traits {
    /// The required traits and the points of `subset`: the key additions are found by.
    fn key(&self, subset: &[usize]) -> Vec<&str> {
        std::iter::once(self.required.as_str()).chain(subset.iter().map(|i| self.points[*i].as_str())).collect()
    }
}

/// The evidence a candidate gives: what it always shares, then one label per point, in the order
/// of [`traits`]'s points.
fn evidence_labels(kind: ObjectKind) -> (&'static str, &'static [&'static str]) {
    match kind {
        ObjectKind::Column => ("same type", &["same position", "same default", "same NOT NULL", "same comment"]),
        ObjectKind::Table => ("same columns and types", &["same constraints"]),
        ObjectKind::Index => {
            ("same table and keys", &["same method", "same uniqueness", "same predicate", "same parameters"])
        }
        _ => ("same table and definition", &[]),
    }
}

/// The traits of the object `key` names in `catalog`. A NUL cannot be in a name, a type or a
/// definition: it separates the parts of a trait.
fn traits(kind: ObjectKind, catalog: &Catalog, key: &ObjectKey) -> Option<Traits> {
    let traits = match kind {
        ObjectKind::Column => {
            let (table, name) = key.member()?;
            let column: &Column = catalog.tables.get(table)?.column(name)?;
            let comment = catalog.comments.get(&format!("column {table}.{name}"));
            Traits {
                required: joined([table.to_string().as_str(), column.data_type.as_str()]),
                points: vec![
                    column.position.to_string(),
                    format!("{:?}", column.default),
                    column.not_null.to_string(),
                    format!("{comment:?}"),
                ],
            }
        }
        ObjectKind::Table => {
            let table = key.find(&catalog.tables)?.1;
            let columns = table.columns.iter().flat_map(|c| [c.name.as_str(), c.data_type.as_str()]);
            let mut definitions: Vec<&str> = table.constraints.values().map(|c| c.definition.as_str()).collect();
            definitions.sort_unstable();
            Traits { required: joined(columns), points: vec![joined(definitions)] }
        }
        ObjectKind::Index => {
            let index = key.find(&catalog.indexes)?.1;
            let table = index.table.to_string();
            let keys = format!("{:?}", index.keys);
            Traits {
                required: joined([table.as_str(), keys.as_str()]),
                points: vec![
                    index.method.clone(),
                    index.unique.to_string(),
                    format!("{:?}", index.predicate),
                    format!("{:?}", index.parameters),
                ],
            }
        }
        _ => {
            let (table, name) = key.member()?;
            let constraint = catalog.tables.get(table)?.constraints.get(name)?;
            Traits {
                required: joined([table.to_string().as_str(), constraint.definition.as_str()]),
                points: Vec::new(),
            }
        }
    };
    Some(traits)
}

/// The parts of a trait, NUL between them.
fn joined<'s>(parts: impl IntoIterator<Item = &'s str>) -> String {
    parts.into_iter().collect::<Vec<_>>().join("\0")
}

/// Every subset of `size` of the points `0..points`.
fn subsets_of(points: usize, size: usize) -> Vec<Vec<usize>> {
    (0u32..1 << points)
        .filter(|mask| mask.count_ones() as usize == size)
        .map(|mask| (0..points).filter(|i| mask & (1 << i) != 0).collect())
        .collect()
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

    /// The first way candidates were found, kept as the oracle: every removal compared with every
    /// addition of its table, all pairs sorted best first.
    mod every_pair {
        use crate::catalog::{Catalog, Column, QualifiedName};
        use crate::diff::renames::RenameCandidate;
        use crate::diff::{Change, ChangeKind, ObjectKey, ObjectKind};
        use std::collections::{BTreeMap, BTreeSet};

        pub(super) fn by_every_pair(from: &Catalog, to: &Catalog, changes: &[Change]) -> Vec<RenameCandidate> {
            let of = |kind: ObjectKind, change: ChangeKind| -> Vec<&Change> {
                changes.iter().filter(|c| c.object_kind == kind && c.change == change).collect()
            };
            let mut out = Vec::new();
            for kind in crate::diff::RENAMEABLE.iter().copied() {
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
                pairs.sort_by(|a, b| {
                    b.0.cmp(&a.0).then_with(|| (&a.2.object, &a.3.object).cmp(&(&b.2.object, &b.3.object)))
                });
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
                    let column =
                        |c: &Catalog, name: &str| -> Option<Column> { c.tables.get(old_table)?.column(name).cloned() };
                    let (a, b) = (column(from, old_name)?, column(to, new_name)?);
                    if a.data_type != b.data_type {
                        return None;
                    }
                    check(true, "same type");
                    check(a.position == b.position, "same position");
                    check(a.default == b.default, "same default");
                    check(a.not_null == b.not_null, "same NOT NULL");
                    let comment =
                        |c: &Catalog, name: &str| c.comments.get(&format!("column {old_table}.{name}")).cloned();
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
    }

    /// Schemas made from a small pool of names, types, defaults, comments, indexes and constraints,
    /// so that many removals look like many additions: the maps must pick exactly the pairs that
    /// comparing every pair picks, in the same order.
    #[test]
    fn the_maps_find_what_comparing_every_pair_finds() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n) as usize
        };
        let mut compared = std::collections::BTreeMap::new();
        for _ in 0..1000 {
            let mut side = || {
                let mut sql = String::new();
                for table in 0..1 + next(6) {
                    let name = ["a", "b", "c"][next(3)];
                    let table_name = format!("t{table}{name}");
                    let columns: Vec<String> = (0..1 + next(4))
                        .map(|c| {
                            format!(
                                "{}{c} {}{}{}",
                                ["x", "y", "z"][next(3)],
                                ["integer", "text"][next(2)],
                                ["", " DEFAULT 0"][next(2)],
                                ["", " NOT NULL"][next(2)]
                            )
                        })
                        .collect();
                    sql.push_str(&format!("CREATE TABLE {table_name} ({});\n", columns.join(", ")));
                    let first = columns[0].split(' ').next().unwrap_or("x0");
                    if next(3) == 0 {
                        sql.push_str(&format!("COMMENT ON COLUMN {table_name}.{first} IS 'c{}';\n", next(2)));
                    }
                    for i in 0..next(3) {
                        let (unique, method) = (["", "UNIQUE "][next(2)], ["btree", "hash"][next(2)]);
                        sql.push_str(&format!(
                            "CREATE {unique}INDEX i{i}{}{table_name} ON {table_name} USING {method} ({first});\n",
                            ["p", "q", "r"][next(3)]
                        ));
                    }
                    if next(2) == 0 {
                        sql.push_str(&format!(
                            "ALTER TABLE {table_name} ADD CONSTRAINT k{} CHECK ({first} IS NOT NULL);\n",
                            next(3)
                        ));
                    }
                    if next(2) == 0 {
                        sql.push_str(&format!(
                            "ALTER TABLE {table_name} ADD CONSTRAINT f{} FOREIGN KEY ({first}) REFERENCES t0a(x0);\n",
                            next(3)
                        ));
                    }
                }
                build_catalog(&read(&sql))
            };
            let (from, to) = (side(), side());
            let changes = diff(&from, &to, &DiffOptions::default()).changes;
            let found = super::rename_candidates(&from, &to, &changes);
            assert_eq!(found, every_pair::by_every_pair(&from, &to, &changes));
            for candidate in &found {
                *compared.entry(candidate.object_kind).or_insert(0) += 1;
            }
        }
        // Every kind is compared, many times.
        assert!(compared.len() == 5 && compared.values().all(|n| *n > 15), "candidates compared: {compared:?}");
    }
}
