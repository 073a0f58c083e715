//! Steps for indexes: built concurrently on tables that hold rows, dropped, rebuilt, and attached
//! to a partitioned parent's index.

use super::*;

pub(in crate::plan) fn indexes(p: &mut Planner, recreated: &[QualifiedName]) {
    let changes: Vec<Change> = p.changes_of(ObjectKind::Index).cloned().collect();
    if changes.is_empty() {
        return;
    }
    // Looked up for every index: computed once, of names the diff holds (nothing copied).
    let diff = p.diff;
    let objects = |change: ChangeKind| -> BTreeSet<&str> {
        diff.changes.iter().filter(|c| c.change == change).map(|c| c.object.as_str()).collect()
    };
    let (added_objects, dropped_tables) = (objects(ChangeKind::Added), objects(ChangeKind::Removed));
    let rebuilt: BTreeSet<String> = changes
        .iter()
        .filter(|c| c.change == ChangeKind::Altered)
        .filter(|c| {
            c.key
                .find(&p.to.indexes)
                .and_then(|(_, i)| p.to.tables.get(&i.table))
                .is_some_and(|t| t.more.partition_by.is_some())
        })
        .map(|c| c.object.clone())
        .collect();
    let attached_parents: BTreeSet<QualifiedName> = p
        .changes_of(ObjectKind::Table)
        .filter(|c| c.change == ChangeKind::Added)
        .filter_map(|c| c.key.find(&p.to.tables)?.1.more.partition_of.as_ref().map(|(parent, _)| parent.clone()))
        .collect();
    for change in changes {
        let new = change.key.find(&p.to.indexes);
        let old_key = match change.change {
            ChangeKind::Renamed => change.was.as_deref().unwrap_or(&change.key),
            _ => &change.key,
        };
        let old = old_key.find(&p.from.indexes);
        // Indexes of a view re-created in phase 3 are built with it (see `views`).
        if new.is_some_and(|(_, i)| recreated.binary_search(&i.table).is_ok()) {
            continue;
        }
        // An existing table attached as a partition gets the parent's indexes from the attach
        // (matched or built): an index of its own beforehand could not be attached to them yet.
        let attached_later = |index: &crate::catalog::Index| {
            index.attached_to.is_some()
                && p.to.tables.get(&index.table).is_some_and(|t| t.more.partition_of.is_some())
                && p.from.tables.get(&index.table).is_some_and(|t| t.more.partition_of.is_none())
        };
        if new.is_some_and(|(_, i)| attached_later(i)) && change.change == ChangeKind::Added {
            continue;
        }
        // A partition's index attached to a parent index made again is made with it (`rebuild_index`).
        if new.is_some_and(|(_, i)| i.attached_to.as_ref().is_some_and(|parent| rebuilt.contains(&parent.to_string())))
            && matches!(change.change, ChangeKind::Added | ChangeKind::Altered)
        {
            continue;
        }
        match (change.change, old, new) {
            (ChangeKind::Added, _, Some((name, index))) => {
                let partitioned = p.to.tables.get(&index.table).is_some_and(|t| t.more.partition_by.is_some());
                let on_new_relation = p.created.contains_key(&format!("table {}", index.table))
                    || added_objects.contains(index.table.to_string().as_str());
                // On a partitioned table: the parent index `ON ONLY` the parent, each partition's
                // index built on its own, then attached (the parent index is valid once all are).
                let sql = if partitioned {
                    create_index(name, index).replacen(" INDEX ", " INDEX IF NOT EXISTS ", 1).replacen(
                        " ON ",
                        " ON ONLY ",
                        1,
                    )
                } else if on_new_relation {
                    create_index(name, index).replacen(" INDEX ", " INDEX IF NOT EXISTS ", 1)
                } else {
                    rerunnable(
                        name,
                        create_index(name, index).replacen(" INDEX ", " INDEX CONCURRENTLY IF NOT EXISTS ", 1),
                    )
                };
                // Other indexes of a new partition come after it is attached, so that attaching
                // matches the parent's indexes with the intended ones.
                let new_partition = on_new_relation
                    && index.attached_to.is_none()
                    && p.to.tables.get(&index.table).is_some_and(|t| t.more.partition_of.is_some());
                let rank = if new_partition { Rank::IndexAttach } else { Rank::Index };
                // On a column whose type changes (phase 3): built after the change, in its
                // transaction (which CONCURRENTLY cannot run in).
                if !partitioned && !on_new_relation && reads_retyped_column(p, &index.table, &index_text(index)) {
                    let sql = create_index(name, index).replacen(" INDEX ", " INDEX IF NOT EXISTS ", 1);
                    let note = "built after the type change of a column it reads, in the same maintenance window";
                    p.push_step(Phase::Rewrite, Rank::Index, sql, vec![change_id(&change)], Some(note.into()));
                    p.created.insert(format!("index {name}"), Phase::Rewrite);
                    continue;
                }
                p.push(Phase::Online, rank, sql, &change);
                if let Some(parent) = &index.attached_to {
                    // A partition attached after this index exists has it attached already.
                    let sql = format!(
                        "DO $$ BEGIN\n  IF NOT EXISTS (SELECT FROM pg_catalog.pg_inherits WHERE inhrelid = {}::regclass) THEN\n    ALTER INDEX {} ATTACH PARTITION {};\n  END IF;\nEND $$;",
                        crate::sql::literal(&qualified(name)),
                        qualified(parent),
                        qualified(name)
                    );
                    p.push(Phase::Online, Rank::IndexAttach, sql, &change);
                }
                p.created.insert(format!("index {name}"), Phase::Online);
            }
            (ChangeKind::Removed, Some((name, index)), _) => {
                let detached = p.to.tables.get(&index.table).is_some_and(|t| t.more.partition_of.is_none());
                if index.attached_to.is_some() && !detached {
                    continue; // dropped with its parent index
                }
                let partitioned = p.from.tables.get(&index.table).is_some_and(|t| t.more.partition_by.is_some());
                let table_dropped = dropped_tables.contains(index.table.to_string().as_str());
                if table_dropped {
                    continue; // dropped with its table
                }
                // Attaching a new partition would build a copy of this index on it: when one is
                // attached, the index goes before that instead of at cleanup.
                let attaching = attached_parents.contains(&index.table);
                let name =
                    &p.moved.get(name).map_or_else(|| name.clone(), |moved| QualifiedName::new(&name.schema, moved));
                let sql = if partitioned {
                    format!("DROP INDEX IF EXISTS {};", qualified(name))
                } else {
                    format!("DROP INDEX CONCURRENTLY IF EXISTS {};", qualified(name))
                };
                let to_table =
                    p.to.tables
                        .get_key_value(&index.table)
                        .map(|(t, _)| t)
                        .filter(|t| p.old_table_name(t) == index.table);
                if !partitioned && to_table.is_some_and(|t| reads_retyped_column(p, t, &index_text(index))) {
                    let sql = format!("DROP INDEX IF EXISTS {};", qualified(name));
                    let note =
                        "dropped before the type change of a column it reads, which would rebuild it for the new type";
                    p.push_step(Phase::Rewrite, Rank::DropKey, sql, vec![change_id(&change)], Some(note.into()));
                } else if partitioned && attaching {
                    let note = "dropped before the new partitions are attached, so that they do not get a copy of it";
                    p.push_step(Phase::Online, Rank::Index, sql, vec![change_id(&change)], Some(note.into()));
                } else if partitioned {
                    p.push(Phase::Cleanup, Rank::DropConstraint, sql, &change);
                } else {
                    p.push(Phase::CleanupIndexes, Rank::DropConstraint, sql, &change);
                }
            }
            (ChangeKind::Renamed, Some((old_name, old_index)), Some((name, index))) => {
                let sql = format!("ALTER INDEX {} RENAME TO {};", qualified(old_name), ident(&name.name));
                p.push(Phase::Prepare, Rank::TableProperty, sql, &change);
                // Its table and the parent index it is attached to may be renamed too: the same.
                let mut same = old_index.clone();
                if p.old_table_name(&index.table) == old_index.table {
                    same.table = index.table.clone();
                }
                let renamed_index = |new: &QualifiedName| {
                    p.diff
                        .changes
                        .iter()
                        .find(|c| {
                            c.object_kind == ObjectKind::Index
                                && c.change == ChangeKind::Renamed
                                && c.object == new.to_string()
                        })
                        .and_then(|c| c.details.first().and_then(|d| d.from.clone()))
                        .unwrap_or_else(|| new.to_string())
                };
                if let (Some(old_parent), Some(new_parent)) = (&old_index.attached_to, &index.attached_to) {
                    if old_parent.to_string() == renamed_index(new_parent) {
                        same.attached_to = Some(new_parent.clone());
                    }
                }
                if same != *index {
                    rebuild_index(p, name, index, &change);
                }
            }
            // Only the statistics targets of its expression columns: set in place.
            (ChangeKind::Altered, Some((_, old)), Some((name, index)))
                if crate::catalog::Index { statistics: index.statistics.clone(), ..old.clone() } == *index =>
            {
                let column = |s: &String| s.split('=').next().unwrap_or_default().to_string();
                let mut sql: Vec<String> = Vec::new();
                for gone in old.statistics.iter().filter(|s| !index.statistics.iter().any(|n| column(n) == column(s))) {
                    sql.push(format!(
                        "ALTER INDEX {} ALTER COLUMN {} SET STATISTICS -1;",
                        qualified(name),
                        column(gone)
                    ));
                }
                for set in index.statistics.iter().filter(|s| !old.statistics.contains(s)) {
                    let (number, target) = set.split_once('=').unwrap_or((set, "-1"));
                    sql.push(format!("ALTER INDEX {} ALTER COLUMN {number} SET STATISTICS {target};", qualified(name)));
                }
                p.push(Phase::Prepare, Rank::TableProperty, sql.join("\n"), &change);
            }
            (ChangeKind::Altered, Some((_, old)), Some((name, index)))
                if crate::catalog::Index { attached_to: index.attached_to.clone(), ..old.clone() } == *index =>
            {
                attachment_changed(p, name, old, index, &change)
            }
            (ChangeKind::Altered, Some(_), Some((name, index))) => rebuild_index(p, name, index, &change),
            _ => {}
        }
    }
}

/// An index's columns, expressions and predicate as one text.
pub(in crate::plan) fn index_text(index: &crate::catalog::Index) -> String {
    index.keys.iter().chain(&index.include).chain(&index.predicate).cloned().collect::<Vec<_>>().join(" ")
}

/// A partition's index that stays the same but is attached to a parent index on one side only.
/// Attached in `to`: attached once the parent index exists (a partition attached meanwhile has it
/// attached already). Attached in `from` only: a partition that leaves its table takes it along
/// (`DETACH PARTITION`); one that stays loses it with the parent index (PostgreSQL has no detach
/// for an index), so it is built again once that is dropped.
pub(in crate::plan) fn attachment_changed(
    p: &mut Planner,
    name: &QualifiedName,
    old: &crate::catalog::Index,
    index: &crate::catalog::Index,
    change: &Change,
) {
    // A partition of the same table on both sides (one that joins or leaves has its indexes
    // attached or detached with it).
    let stays_partition = match (p.to.tables.get(&index.table), p.from.tables.get(&old.table)) {
        (Some(new), Some(from)) => new.more.partition_of.is_some() && same_partition(p, from, new),
        _ => false,
    };
    match (&old.attached_to, &index.attached_to) {
        (_, Some(parent)) if stays_partition => {
            let sql = format!(
                "DO $$ BEGIN\n  IF NOT EXISTS (SELECT FROM pg_catalog.pg_inherits WHERE inhrelid = {}::regclass) THEN\n    ALTER INDEX {} ATTACH PARTITION {};\n  END IF;\nEND $$;",
                crate::sql::literal(&qualified(name)),
                qualified(parent),
                qualified(name)
            );
            p.push(Phase::Online, Rank::IndexAttach, sql, change);
        }
        (Some(old_parent), None) => {
            let parent_goes = !p.to.indexes.contains_key(old_parent);
            if stays_partition && parent_goes {
                let sql = create_index(name, index).replacen(" INDEX ", " INDEX IF NOT EXISTS ", 1);
                let note = format!(
                    "{name} goes with the parent index {old_parent} it is attached to; built again on its own after it"
                );
                p.push_step(Phase::Cleanup, Rank::PartitionKeyAgain, sql, vec![change_id(change)], Some(note));
            }
        }
        _ => {}
    }
}

/// What an index made again carries: foreign keys bound to it (a unique index whose columns they
/// reference), which PostgreSQL will not let it drop, are dropped first and added again after; the
/// table's `REPLICA IDENTITY USING INDEX` and `CLUSTER ON` it are said again.
pub(in crate::plan) fn index_dependents(
    p: &Planner,
    name: &QualifiedName,
    index: &crate::catalog::Index,
) -> (Vec<String>, Vec<String>) {
    let (mut before, mut after) = (Vec::new(), Vec::new());
    let old_table = p.old_table_name(&index.table);
    let old = p.from.indexes.get(name).filter(|i| i.unique && i.predicate.is_none());
    if let Some(old) = old {
        let reference = format!("references {old_table}(");
        let mut keys: Vec<String> = old.keys.clone();
        keys.sort();
        for (table, t) in &p.from.tables {
            for (key, constraint) in t.constraints.iter().filter(|(_, c)| is_foreign(c)) {
                let Some(at) = constraint.definition.find(&reference) else { continue };
                let rest = &constraint.definition[at + reference.len()..];
                let mut columns: Vec<String> =
                    rest.split(')').next().unwrap_or_default().split(',').map(|c| c.trim().to_string()).collect();
                columns.sort();
                if columns != keys {
                    continue;
                }
                before.push(format!("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {};", qualified(table), ident(key)));
                if let Some(again) = p.to.tables.get(table).and_then(|t| t.constraints.get(key)) {
                    after.push(constraint_sql(table, key, again, true));
                    if !again.not_valid {
                        after.push(format!("ALTER TABLE {} VALIDATE CONSTRAINT {};", qualified(table), ident(key)));
                    }
                }
            }
        }
    }
    if let Some(table) = p.to.tables.get(&index.table) {
        let shown = qualified(&index.table);
        if table.more.replica_identity.as_deref().is_some_and(|i| uses_index(i) && i.ends_with(&ident(&name.name))) {
            after.push(format!("ALTER TABLE {shown} REPLICA IDENTITY USING INDEX {};", ident(&name.name)));
        }
        if table.more.cluster_on.as_deref() == Some(name.name.as_str()) {
            after.push(format!("ALTER TABLE {shown} CLUSTER ON {};", ident(&name.name)));
        }
    }
    (before, after)
}

/// A changed index: the new one is built concurrently under a temporary name, then swapped in.
pub(in crate::plan) fn rebuild_index(
    p: &mut Planner,
    name: &QualifiedName,
    index: &crate::catalog::Index,
    change: &Change,
) {
    let (before, after) = index_dependents(p, name, index);
    let partitioned = p.to.tables.get(&index.table).is_some_and(|t| t.more.partition_by.is_some());
    if partitioned || index.attached_to.is_some() {
        let mut sql = before;
        sql.push(format!("DROP INDEX IF EXISTS {};", qualified(name)));
        if partitioned {
            // As pg_dump builds it: the parent index on the parent only, each partition's index
            // (the target's name), attached; PostgreSQL drops the old ones with the old parent.
            sql.push(create_index(name, index).replacen(" ON ", " ON ONLY ", 1));
            // (A table that becomes a partition later gets its index from the attach.)
            let partition_now = |table: &QualifiedName| match p.from.tables.get(&p.old_table_name(table)) {
                Some(t) => {
                    t.more.partition_of.as_ref().is_some_and(|(parent, _)| *parent == p.old_table_name(&index.table))
                }
                None => true, // a new partition, attached in phase 2
            };
            for (child, child_index) in
                p.to.indexes.iter().filter(|(_, i)| i.attached_to.as_ref() == Some(name) && partition_now(&i.table))
            {
                sql.push(create_index(child, child_index).replacen(" INDEX ", " INDEX IF NOT EXISTS ", 1));
                sql.push(format!("ALTER INDEX {} ATTACH PARTITION {};", qualified(name), qualified(child)));
            }
        } else {
            sql.push(create_index(name, index));
        }
        sql.extend(after);
        p.push(Phase::Rewrite, Rank::Index, sql.join("\n"), change);
        return;
    }
    let temporary = QualifiedName::new(&name.schema, &crate::plan::with_suffix(&name.name, "_sdnew"));
    let mut sql = vec![rerunnable(
        &temporary,
        create_index(&temporary, index).replacen(" INDEX ", " INDEX CONCURRENTLY IF NOT EXISTS ", 1),
    )];
    sql.extend(before);
    sql.push(format!(
        "DROP INDEX CONCURRENTLY IF EXISTS {};\nALTER INDEX IF EXISTS {} RENAME TO {};",
        qualified(name),
        qualified(&temporary),
        ident(&name.name)
    ));
    sql.extend(after);
    let sql = sql.join("\n");
    p.push_step(
        Phase::Online,
        Rank::Index,
        sql,
        vec![change_id(change)],
        Some("the new index is built beside the old one, then takes its name".into()),
    );
}

/// A concurrent build that can run again: a build that failed (a lock timeout, a deadlock, a
/// duplicate value) leaves its index INVALID, and `IF NOT EXISTS` would then skip it for good. So an
/// INVALID index of that name is dropped first (a short lock: it serves no query), and the build
/// is checked after it, failing loudly with what to do. Plain SQL (`DO`), so every runner of the
/// script, psql or the proof's, runs it alike.
pub(in crate::plan) fn rerunnable(name: &QualifiedName, create: String) -> String {
    use crate::sql::literal;
    let invalid = format!(
        "SELECT FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = {} AND c.relname = {} AND NOT i.indisvalid",
        literal(&name.schema),
        literal(&name.name)
    );
    let drop = format!(
        "BEGIN IF EXISTS ({invalid}) THEN SET LOCAL lock_timeout = '5s'; DROP INDEX {}; END IF; END",
        qualified(name)
    );
    let message = format!(
        "index {} is INVALID: its concurrent build did not finish (a lock timeout, a deadlock or a duplicate value stopped it); run the script again: it drops the INVALID index and builds it again",
        qualified(name)
    );
    let check = format!("BEGIN IF EXISTS ({invalid}) THEN RAISE EXCEPTION '%', {}; END IF; END", literal(&message));
    format!("DO {};\n{create}\nDO {};", literal(&drop), literal(&check))
}
