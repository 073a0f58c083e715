//! Steps for tables as wholes: added, removed, altered in place, or made again (a partition key
//! that changes, a table moved between partitioning and none), with their settings, and the index
//! names freed for new objects.

use super::*;

pub(in crate::plan) fn added_tables(p: &mut Planner) {
    let added: Vec<&QualifiedName> = p
        .changes_of(ObjectKind::Table)
        .filter(|c| c.change == ChangeKind::Added)
        .filter_map(|c| c.key.find(&p.to.tables).map(|(name, _)| name))
        .collect();
    for name in parents_first(p.to, added) {
        let table = &p.to.tables[name];
        let sql = create_table_sql(p.to, name, table);
        p.push_step(Phase::Prepare, Rank::Table, sql, vec![format!("table {name}")], None);
        p.created.insert(format!("table {name}"), Phase::Prepare);
        if let Some(identity) = table.more.replica_identity.as_ref().filter(|i| uses_index(i)) {
            replica_identity_index(p, name, identity, format!("table {name}"));
        }
        if let Some((parent, bound)) = &table.more.partition_of {
            // Until cleanup the parent keeps the columns it loses: the new partition needs them.
            let mut sql = String::new();
            let old_parent = p.old_table_name(parent);
            if let (Some(before), Some(after)) = (p.from.tables.get(&old_parent), p.to.tables.get(parent)) {
                for column in before.columns.iter().filter(|c| after.column(&c.name).is_none()) {
                    sql.push_str(&format!(
                        "ALTER TABLE {} ADD COLUMN IF NOT EXISTS {};\n",
                        qualified(name),
                        column_sql(p.from, &old_parent, column)
                    ));
                }
            }
            let sql = format!("{sql}ALTER TABLE {} ATTACH PARTITION {} {bound};", qualified(parent), qualified(name));
            // Phase 2 can run again: the whole runs only while the table is not attached.
            let sql = crate::plan::rerun::unless_attached(parent, name, &sql);
            p.push_step(Phase::Online, Rank::PartitionAttach, sql, vec![format!("table {name}")], None);
        }
        // Foreign keys wait until every table exists; constraints `to` keeps NOT VALID stay so.
        for (key, constraint) in table.constraints.iter().filter(|(_, c)| is_foreign(c) || c.not_valid) {
            let kind = if is_foreign(constraint) { "foreign_key" } else { "constraint" };
            let sql = constraint_sql(name, key, constraint, constraint.not_valid);
            let phase = if is_foreign(constraint) { referenced_key_phase(p, constraint) } else { Phase::Prepare };
            p.push_step(phase, Rank::ForeignKey, sql, vec![format!("{kind} {name}.{key}")], None);
        }
    }
}

pub(in crate::plan) fn removed_tables(p: &mut Planner) {
    let removed: Vec<&QualifiedName> = p
        .changes_of(ObjectKind::Table)
        .filter(|c| c.change == ChangeKind::Removed)
        .filter_map(|c| c.key.find(&p.from.tables).map(|(name, _)| name))
        .collect();
    // A partition that goes, of a parent that stays and takes partitions in (new ones, or ones
    // whose bounds change): detached in phase 1, so its bounds never overlap theirs; dropped at
    // cleanup.
    let attaching: BTreeSet<QualifiedName> = p
        .to
        .tables
        .iter()
        .filter_map(|(name, t)| {
            let (parent, bound) = t.more.partition_of.as_ref()?;
            let before = p.from.tables.get(&p.old_table_name(name)).and_then(|o| o.more.partition_of.as_ref());
            let same = before
                .is_some_and(|(old_parent, old_bound)| *old_parent == p.old_table_name(parent) && old_bound == bound);
            (!same).then(|| p.old_table_name(parent))
        })
        .collect();
    for name in &removed {
        let Some((parent, _)) = &p.from.tables[*name].more.partition_of else { continue };
        if attaching.contains(parent) && !recreated_from(p, parent) {
            let sql = format!("ALTER TABLE {} DETACH PARTITION {};", qualified(parent), qualified(name));
            let note = Some(format!(
                "{name} goes at cleanup; it leaves {parent} now, so the partitions that come in never overlap it"
            ));
            p.push_step(Phase::Prepare, Rank::Table, sql, vec![format!("table {name}")], note);
        }
    }
    // Foreign keys between dropped tables go first, so the drops need no CASCADE.
    for name in &removed {
        for (key, _) in p.from.tables[*name].constraints.iter().filter(|(_, c)| is_foreign(c)) {
            let sql = format!("ALTER TABLE IF EXISTS {} DROP CONSTRAINT IF EXISTS {};", qualified(name), ident(key));
            p.push_step(Phase::Cleanup, Rank::DropConstraint, sql, vec![format!("table {name}")], None);
        }
    }
    for name in parents_first(p.from, removed).into_iter().rev() {
        let sql = format!("DROP TABLE IF EXISTS {};", qualified(name));
        // A partition of a parent made again went with its old parent, its rows copied first.
        let parent = p.from.tables[name].more.partition_of.as_ref().map(|(parent, _)| parent);
        let copied = parent.filter(|parent| recreated_from(p, parent));
        let note = Some(match copied {
            Some(parent) => {
                format!("its rows were copied with the rest of {parent} in phase 3, and it went with that table")
            }
            None => format!("data loss: the rows of {name} are deleted; back them up first if they matter"),
        });
        p.push_step(Phase::Cleanup, Rank::DropTable, sql, vec![format!("table {name}")], note);
    }
}

pub(in crate::plan) fn altered_tables(p: &mut Planner) {
    let changes: Vec<Change> = p.changes_of(ObjectKind::Table).filter(|c| c.change.compares()).cloned().collect();
    let mut made_again: BTreeSet<QualifiedName> = BTreeSet::new();
    for change in changes {
        let (Some((name, new)), Some(old)) = (change.key.find(&p.to.tables), old_table(p, &change)) else {
            continue;
        };
        let shown = qualified(name);
        if change.change == ChangeKind::Renamed {
            if let Some(was) = &change.was {
                if let Some((old_name, _)) = was.find(&p.from.tables) {
                    let mut statements = Vec::new();
                    let mut current = old_name.clone();
                    if old_name.schema != name.schema {
                        statements.push(format!(
                            "ALTER TABLE {} SET SCHEMA {};",
                            qualified(&current),
                            ident(&name.schema)
                        ));
                        current = QualifiedName::new(&name.schema, &old_name.name);
                    }
                    if current.name != name.name {
                        statements.push(format!(
                            "ALTER TABLE {} RENAME TO {};",
                            qualified(&current),
                            ident(&name.name)
                        ));
                    }
                    let sql = statements.join("\n");
                    p.push(Phase::Prepare, Rank::Table, sql, &change);
                }
            }
        }
        if recreated_table(p, name) {
            made_again.insert(name.clone());
            recreate_table(p, name, old, new, &change_id(&change));
            continue;
        }
        if old.unlogged != new.unlogged {
            let sql = format!("ALTER TABLE {shown} SET {};", if new.unlogged { "UNLOGGED" } else { "LOGGED" });
            // A logged table cannot reference an unlogged one: going logged, the tables it
            // references go first; going unlogged, the tables referencing it do.
            let toggled = |t: &QualifiedName| {
                p.from
                    .tables
                    .get(&p.old_table_name(t))
                    .zip(p.to.tables.get(t))
                    .is_some_and(|(a, b)| a.unlogged != b.unlogged && b.unlogged == new.unlogged)
            };
            let references = |from: &Table, to: &QualifiedName| {
                from.constraints.values().any(|c| is_foreign(c) && c.definition.contains(&format!("references {to}(")))
            };
            let wait = if new.unlogged {
                p.to.tables.iter().any(|(other, t)| other != name && toggled(other) && references(t, name))
            } else {
                p.to.tables.iter().any(|(other, _)| other != name && toggled(other) && references(new, other))
            };
            let rank = if wait { Rank::Key } else { Rank::TableProperty };
            p.push(Phase::Rewrite, rank, sql, &change);
        }
        if !same_partition(p, old, new) {
            // A partition gets whatever its parent gains (columns, keys, indexes): one that leaves
            // is detached first. One attached before the parent's drops (phase 4) must have the
            // columns still to be dropped.
            if let Some((parent, _)) = &old.more.partition_of {
                // A parent made again is under its moved name by then.
                let parent = if recreated_from(p, parent) { moved_table(parent) } else { parent.clone() };
                let sql = format!("ALTER TABLE {} DETACH PARTITION {shown};", qualified(&parent));
                p.push(Phase::Prepare, Rank::Table, sql, &change);
            }
            if let Some((parent, bound)) = &new.more.partition_of {
                let mut sql = Vec::new();
                let after: Vec<String> =
                    p.to.tables
                        .get(parent)
                        .map(|t| t.columns.iter().map(|c| c.name.clone()).collect())
                        .unwrap_or_default();
                let old_parent = p.old_table_name(parent);
                let previous = p.from.tables.get(&old_parent);
                // Columns the parent keeps until cleanup (it drops them then, and its partitions'
                // with them).
                let still_to_go = |column: &str| {
                    !after.iter().any(|a| a == column) && previous.is_some_and(|t| t.column(column).is_some())
                };
                if let Some(previous) = previous {
                    for column in
                        previous.columns.iter().filter(|c| !after.contains(&c.name) && new.column(&c.name).is_none())
                    {
                        sql.push(format!(
                            "ALTER TABLE {shown} ADD COLUMN IF NOT EXISTS {};",
                            column_sql(p.from, &old_parent, column)
                        ));
                    }
                }
                // A partition has its parent's columns only: the ones it drops go before it joins.
                for column in old.columns.iter().filter(|c| new.column(&c.name).is_none() && !still_to_go(&c.name)) {
                    sql.push(format!("ALTER TABLE {shown} DROP COLUMN IF EXISTS {};", ident(&column.name)));
                }
                sql.push(format!("ALTER TABLE {} ATTACH PARTITION {shown} {bound};", qualified(parent)));
                p.push(Phase::Rewrite, Rank::ForeignKey, sql.join("\n"), &change);
            }
        }
        // A parent that goes is left first, before it gains columns its old child must not get.
        let new_parents: Vec<QualifiedName> = new.more.inherits.iter().map(|t| p.old_table_name(t)).collect();
        for parent in old.more.inherits.iter().filter(|t| !new_parents.contains(t)) {
            p.push(
                Phase::Prepare,
                Rank::Table,
                format!("ALTER TABLE {shown} NO INHERIT {};", qualified(parent)),
                &change,
            );
        }
        // PostgreSQL joins a table to a parent only when it has every column of the parent: one
        // whose parent still has columns it drops at cleanup joins after those drops.
        let joined: Vec<&QualifiedName> =
            new.more.inherits.iter().filter(|t| !old.more.inherits.contains(&p.old_table_name(t))).collect();
        for parent in joined {
            let kept: Vec<&str> =
                p.to.tables
                    .get(parent)
                    .map(|t| t.columns.iter().map(|c| c.name.as_str()).collect())
                    .unwrap_or_default();
            let dropping = p.from.tables.get(&p.old_table_name(parent)).is_some_and(|before| {
                before.columns.iter().any(|c| !kept.contains(&c.name.as_str()) && new.column(&c.name).is_none())
            });
            let (phase, rank) =
                if dropping { (Phase::Cleanup, Rank::Inherit) } else { (Phase::Rewrite, Rank::TableProperty) };
            p.push(phase, rank, format!("ALTER TABLE {shown} INHERIT {};", qualified(parent)), &change);
        }
        let as_set = |options: &[String]| options.iter().cloned().collect::<BTreeSet<String>>();
        if as_set(&old.more.options) != as_set(&new.more.options) {
            let names = |options: &[String]| -> Vec<String> {
                options.iter().map(|o| o.split('=').next().unwrap_or(o).trim().to_string()).collect()
            };
            let gone: Vec<String> =
                names(&old.more.options).into_iter().filter(|n| !names(&new.more.options).contains(n)).collect();
            if !gone.is_empty() {
                p.push(
                    Phase::Prepare,
                    Rank::TableProperty,
                    format!("ALTER TABLE {shown} RESET ({});", gone.join(", ")),
                    &change,
                );
            }
            // All of the target's, in its order: PostgreSQL keeps the options not set here first
            // and appends these, so the table ends with the target's order.
            if !new.more.options.is_empty() {
                p.push(
                    Phase::Prepare,
                    Rank::TableProperty,
                    format!("ALTER TABLE {shown} SET ({});", new.more.options.join(", ")),
                    &change,
                );
            }
        }
        if old.row_level_security != new.row_level_security {
            let word = if new.row_level_security { "ENABLE" } else { "DISABLE" };
            p.push(Phase::Prepare, Rank::Policy, format!("ALTER TABLE {shown} {word} ROW LEVEL SECURITY;"), &change);
        }
        if old.force_row_level_security != new.force_row_level_security {
            let word = if new.force_row_level_security { "FORCE" } else { "NO FORCE" };
            p.push(Phase::Prepare, Rank::Policy, format!("ALTER TABLE {shown} {word} ROW LEVEL SECURITY;"), &change);
        }
        if old.more.replica_identity != new.more.replica_identity
            && new.more.replica_identity.as_deref().is_some_and(uses_index)
        {
            replica_identity_index(
                p,
                name,
                new.more.replica_identity.as_deref().unwrap_or_default(),
                change_id(&change),
            );
        } else if old.more.replica_identity != new.more.replica_identity {
            let identity = new.more.replica_identity.as_deref().unwrap_or("DEFAULT");
            // Leaving an index: before its columns may drop NOT NULL (which it would refuse).
            let rank = if old.more.replica_identity.as_deref().is_some_and(uses_index) {
                Rank::Table
            } else {
                Rank::TableProperty
            };
            p.push(Phase::Prepare, rank, format!("ALTER TABLE {shown} REPLICA IDENTITY {identity};"), &change);
        }
        if old.more.of_type != new.more.of_type {
            // Leaving its type first (its columns then change freely); joining one once its
            // columns are the type's.
            if old.more.of_type.is_some() {
                p.push(Phase::Prepare, Rank::Table, format!("ALTER TABLE {shown} NOT OF;"), &change);
            }
            if let Some(of) = &new.more.of_type {
                p.push(
                    Phase::Prepare,
                    Rank::TableProperty,
                    format!("ALTER TABLE {shown} OF {};", qualified(of)),
                    &change,
                );
            }
        }
        if old.more.tablespace != new.more.tablespace {
            let tablespace = new.more.tablespace.as_deref().map_or("pg_default".to_string(), ident);
            p.push(
                Phase::Rewrite,
                Rank::TableProperty,
                format!("ALTER TABLE {shown} SET TABLESPACE {tablespace};"),
                &change,
            );
        }
    }
    // A table whose only changes are its columns' is made again when its partition key reads a
    // column whose type changes, carrying out the first of those column changes.
    let column_changes: Vec<Change> = p.changes_of(ObjectKind::Column).cloned().collect();
    let with_table_change: std::collections::HashSet<QualifiedName> =
        p.changes_of(ObjectKind::Table).filter_map(|c| c.key.qualified()).cloned().collect();
    for change in column_changes {
        let Some((table, Some(_), Some(_))) = column_pair(p, &change) else { continue };
        let has_table_change = with_table_change.contains(&table);
        if has_table_change || !recreated_table(p, &table) || !made_again.insert(table.clone()) {
            continue;
        }
        let (Some(new), Some(old)) = (p.to.tables.get(&table), p.from.tables.get(&p.old_table_name(&table))) else {
            continue;
        };
        recreate_table(p, &table, old, new, &change_id(&change));
    }
    // A table whose partition key reads a column of a type made again (an enum losing a value):
    // its column keeps the type's name, so nothing else made it again.
    let keyed: Vec<QualifiedName> =
        p.to.tables.keys().filter(|name| !made_again.contains(*name) && key_type_remade(p, name)).cloned().collect();
    for table in keyed {
        let (Some(new), Some(old)) = (p.to.tables.get(&table), p.from.tables.get(&p.old_table_name(&table))) else {
            continue;
        };
        recreate_table(p, &table, old, new, &format!("table {table}"));
    }
}

/// Settings pg_dump writes as statements of their own after a table: each column's statistics
/// target, and the index `CLUSTER` uses. For new tables and columns too (a CREATE TABLE cannot say
/// them); the index clustered on is named after it is built.
pub(in crate::plan) fn settings(p: &mut Planner) {
    // (The target's names are borrowed from it, not copied: the steps go to the planner.)
    let to = p.to;
    for (name, new) in &to.tables {
        let old_name = p.old_table_name(name);
        let old = p.from.tables.get(&old_name);
        let shown = qualified(name);
        let mut steps: Vec<(Phase, Rank, String, String)> = Vec::new();
        let old_columns: std::collections::HashMap<&str, &Column> =
            old.iter().flat_map(|t| t.columns.iter().rev()).map(|c| (c.name.as_str(), c)).collect();
        for column in &new.columns {
            let before = old_columns.get(column.name.as_str()).copied();
            let id = if before.is_some() || old.is_some() {
                format!("column {name}.{}", column.name)
            } else {
                format!("table {name}")
            };
            let col = ident(&column.name);
            let previous = before.and_then(|c| c.more.statistics.as_ref());
            if previous != column.more.statistics.as_ref() && (before.is_some() || column.more.statistics.is_some()) {
                let target = column.more.statistics.as_deref().unwrap_or("-1");
                let sql = format!("ALTER TABLE ONLY {shown} ALTER COLUMN {col} SET STATISTICS {target};");
                steps.push((Phase::Prepare, Rank::TableProperty, sql, id.clone()));
            }
            let previous = before.and_then(|c| c.more.storage.as_ref());
            if previous != column.more.storage.as_ref() && (before.is_some() || column.more.storage.is_some()) {
                let storage = match column.more.storage.as_deref() {
                    Some(storage) => storage.to_uppercase(),
                    None => type_storage(&column.data_type).to_string(),
                };
                let sql = format!("ALTER TABLE ONLY {shown} ALTER COLUMN {col} SET STORAGE {storage};");
                steps.push((Phase::Prepare, Rank::TableProperty, sql, id.clone()));
            }
            let previous = before.and_then(|c| c.more.compression.as_ref());
            if previous != column.more.compression.as_ref() && (before.is_some() || column.more.compression.is_some()) {
                let method = column.more.compression.as_deref().unwrap_or("default");
                let sql = format!("ALTER TABLE ONLY {shown} ALTER COLUMN {col} SET COMPRESSION {method};");
                steps.push((Phase::Prepare, Rank::TableProperty, sql, id.clone()));
            }
            let previous: &[String] = before.map_or(&[], |c| c.more.options.as_slice());
            let option_name = |o: &String| o.split_once('=').map_or(o.clone(), |(n, _)| n.trim().to_string());
            let reset: Vec<String> = previous
                .iter()
                .map(option_name)
                .filter(|n| !column.more.options.iter().any(|o| option_name(o) == *n))
                .collect();
            if !reset.is_empty() {
                let sql = format!("ALTER TABLE ONLY {shown} ALTER COLUMN {col} RESET ({});", reset.join(", "));
                steps.push((Phase::Prepare, Rank::TableProperty, sql, id.clone()));
            }
            let set: Vec<&String> = column.more.options.iter().filter(|o| !previous.contains(o)).collect();
            if !set.is_empty() {
                let set: Vec<&str> = set.iter().map(|o| o.as_str()).collect();
                let sql = format!("ALTER TABLE ONLY {shown} ALTER COLUMN {col} SET ({});", set.join(", "));
                steps.push((Phase::Prepare, Rank::TableProperty, sql, id));
            }
        }
        let previous = old.and_then(|t| t.more.cluster_on.as_ref());
        if previous != new.more.cluster_on.as_ref() {
            let id = format!("table {name}");
            match &new.more.cluster_on {
                Some(index) => {
                    let built = p.created.get(&format!("index {}", QualifiedName::new(&name.schema, index))).copied();
                    let phase = built.unwrap_or(Phase::Prepare).max(Phase::Prepare);
                    let sql = format!("ALTER TABLE {shown} CLUSTER ON {};", ident(index));
                    steps.push((phase, Rank::Validate, sql, id));
                }
                None if old.is_some() => steps.push((
                    Phase::Prepare,
                    Rank::TableProperty,
                    format!("ALTER TABLE {shown} SET WITHOUT CLUSTER;"),
                    id,
                )),
                None => {}
            }
        }
        for (phase, rank, sql, id) in steps {
            p.push_step(phase, rank, sql, vec![id], None);
        }
    }
}

/// Index names are unique per schema: a new table, index or key whose name an index of `from`
/// still holds (its table or itself goes only at cleanup, as when a table is recreated under a new
/// name) gets it freed first by renaming the old one.
pub(in crate::plan) fn free_names(p: &mut Planner) {
    use std::collections::BTreeMap;
    let index_backed = |c: &Constraint| {
        matches!(c.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique | ConstraintKind::Exclusion)
    };
    // Names the migration creates, and names of `from` that go away (with the table they are on).
    let mut created: BTreeSet<QualifiedName> = BTreeSet::new();
    let mut vanishing: BTreeMap<QualifiedName, Option<QualifiedName>> = BTreeMap::new();
    for change in &p.diff.changes {
        match (change.object_kind, change.change) {
            (ObjectKind::Table, ChangeKind::Added) => {
                if let Some((name, table)) = change.key.find(&p.to.tables) {
                    created.extend(
                        table
                            .constraints
                            .iter()
                            .filter(|(_, c)| index_backed(c))
                            .map(|(k, _)| QualifiedName::new(&name.schema, k)),
                    );
                }
            }
            (ObjectKind::Table, ChangeKind::Removed) => {
                if let Some((name, table)) = change.key.find(&p.from.tables) {
                    for (key, _) in table.constraints.iter().filter(|(_, c)| index_backed(c)) {
                        vanishing.insert(QualifiedName::new(&name.schema, key), Some(name.clone()));
                    }
                }
            }
            (ObjectKind::Index, ChangeKind::Added) => {
                created.extend(change.key.find(&p.to.indexes).map(|(n, _)| n.clone()));
            }
            (ObjectKind::Index, ChangeKind::Removed) => {
                if let Some((name, _)) = change.key.find(&p.from.indexes) {
                    vanishing.insert(name.clone(), None);
                }
            }
            (ObjectKind::Constraint, ChangeKind::Added | ChangeKind::Removed) => {
                let catalog = if change.change == ChangeKind::Added { p.to } else { p.from };
                let Some((table, key)) = change.key.member() else { continue };
                let Some((table_name, t)) = catalog.tables.get_key_value(table) else { continue };
                if t.constraints.get(key).is_some_and(index_backed) {
                    let name = QualifiedName::new(&table_name.schema, key);
                    if change.change == ChangeKind::Added {
                        created.insert(name);
                    } else {
                        vanishing.insert(name, Some(table_name.clone()));
                    }
                }
            }
            _ => {}
        }
    }
    for (name, table) in vanishing.into_iter().filter(|(name, _)| created.contains(name)) {
        let moved = crate::plan::aside_name(&name.name);
        let sql = match &table {
            Some(table) => format!(
                "ALTER TABLE {} RENAME CONSTRAINT {} TO {};",
                qualified(table),
                ident(&name.name),
                ident(&moved)
            ),
            None => format!("ALTER INDEX {} RENAME TO {};", qualified(&name), ident(&moved)),
        };
        let note =
            Some(format!("{name} is needed by a new object; the old one keeps working under a new name until cleanup"));
        p.push_step(Phase::Prepare, Rank::FreeName, sql, vec![format!("index {name}")], note);
        p.moved.insert(name, moved);
    }
}

/// Whether a table is the same partition (or no partition) on both sides: the same parent (under
/// a confirmed new name too) and the same bound.
pub(in crate::plan) fn same_partition(p: &Planner, old: &Table, new: &Table) -> bool {
    match (&old.more.partition_of, &new.more.partition_of) {
        (Some((old_parent, old_bound)), Some((new_parent, new_bound))) => {
            *old_parent == p.old_table_name(new_parent) && old_bound == new_bound
        }
        (None, None) => true,
        _ => false,
    }
}

/// The name a table made again is moved to (`t_sdold`) while the new one is built.
pub(in crate::plan) fn moved_table(old_name: &QualifiedName) -> QualifiedName {
    QualifiedName::new(&old_name.schema, &crate::plan::aside_name(&old_name.name))
}

/// Whether the table named `old_name` in FROM is made again (its target is `recreated_table`).
pub(in crate::plan) fn recreated_from(p: &Planner, old_name: &QualifiedName) -> bool {
    // The target's tables that were `old_name`: itself unless renamed from another, and those
    // renamed from it (looked up, not found by a walk over every table).
    let itself = p.to.tables.contains_key(old_name).then_some(old_name);
    let renamed = p.renamed_from(old_name);
    itself
        .into_iter()
        .chain(renamed)
        .any(|new_name| p.old_table_name(new_name) == *old_name && recreated_table(p, new_name))
}

/// Whether a table is made again (its partitioning changes, or the type of a column its partition
/// key reads): its columns, constraints and indexes come with the new table instead of being
/// altered one by one.
pub(in crate::plan) fn recreated_table(p: &Planner, name: &QualifiedName) -> bool {
    let new = p.to.tables.get(name);
    let old = p.from.tables.get(&p.old_table_name(name));
    matches!((old, new), (Some(old), Some(new)) if old.more.partition_by != new.more.partition_by || partition_key_retyped(old, new))
        || key_type_remade(p, name)
}

/// The columns of `table` its partition key reads.
pub(in crate::plan) fn partition_key_columns(table: &Table) -> impl Iterator<Item = &Column> {
    let words: Vec<String> = table
        .more
        .partition_by
        .as_deref()
        .unwrap_or_default()
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '"' || c == '$'))
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_matches('"').to_string())
        .collect();
    table.columns.iter().filter(move |column| words.contains(&column.name))
}

/// Whether a column the partition key reads changes its type: PostgreSQL refuses to alter it
/// ("cannot alter column … because it is part of the partition key"), so the table is made again.
pub(in crate::plan) fn partition_key_retyped(old: &Table, new: &Table) -> bool {
    partition_key_columns(old)
        .any(|column| new.column(&column.name).is_some_and(|target| target.data_type != column.data_type))
}

/// Whether a column the partition key of a table on both sides (under the same partitioning)
/// reads keeps its type's name while the type is made again (`objects::recreates_type`): the
/// column cannot be converted in place either.
pub(in crate::plan) fn key_type_remade(p: &Planner, name: &QualifiedName) -> bool {
    let (Some(old), Some(new)) = (p.from.tables.get(&p.old_table_name(name)), p.to.tables.get(name)) else {
        return false;
    };
    old.more.partition_by == new.more.partition_by
        && partition_key_columns(old).any(|column| {
            new.column(&column.name).is_some_and(|target| target.data_type == column.data_type)
                && crate::catalog::datatype::type_name(&column.data_type)
                    .is_some_and(|t| crate::plan::objects::recreates_type(p, &t))
        })
}

/// A table whose partitioning changes: PostgreSQL cannot convert it in place. The old table is
/// renamed (with its keys and indexes, freeing their names), the new one created in phase 1 (its
/// partitions are attached in phase 2), the rows copied in phase 3, then the old table dropped;
/// foreign keys that point at it are dropped first and added again after the copy.
pub(in crate::plan) fn recreate_table(p: &mut Planner, name: &QualifiedName, old: &Table, new: &Table, id: &str) {
    let old_name = p.old_table_name(name);
    let moved = moved_table(&old_name);
    let id = vec![id.to_string()];
    let mut prepare = Vec::new();
    let reference = format!("references {old_name}(");
    let mut referencing: Vec<(QualifiedName, String, Constraint)> = Vec::new();
    for (table_name, table) in &p.from.tables {
        if *table_name == old_name {
            continue;
        }
        for (key, _) in table.constraints.iter().filter(|(_, c)| is_foreign(c) && c.definition.contains(&reference)) {
            prepare.push(format!("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {};", qualified(table_name), ident(key)));
            if let Some(again) = p.to.tables.get(table_name).and_then(|t| t.constraints.get(key)) {
                referencing.push((table_name.clone(), key.clone(), again.clone()));
            }
        }
    }
    prepare.push(format!("ALTER TABLE {} RENAME TO {};", qualified(&old_name), ident(&moved.name)));
    for (key, _) in old.constraints.iter().filter(|(_, c)| {
        matches!(c.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique | ConstraintKind::Exclusion)
    }) {
        let free = crate::plan::aside_name(key);
        prepare.push(format!(
            "ALTER TABLE {} RENAME CONSTRAINT {} TO {};",
            qualified(&moved),
            ident(key),
            ident(&free)
        ));
    }
    for (index_name, _) in p.from.indexes.iter().filter(|(_, i)| i.table == old_name && i.attached_to.is_none()) {
        let free = crate::plan::aside_name(&index_name.name);
        prepare.push(format!("ALTER INDEX {} RENAME TO {};", qualified(index_name), ident(&free)));
        p.moved.insert(index_name.clone(), free);
    }
    // A partition made again (it becomes partitioned itself, or stops being) leaves its parent
    // under its old name, and the new table takes its place.
    if let Some((parent, _)) = &old.more.partition_of {
        let parent = if recreated_from(p, parent) { moved_table(parent) } else { parent.clone() };
        prepare.push(format!("ALTER TABLE {} DETACH PARTITION {};", qualified(&parent), qualified(&moved)));
    }
    // Its partitions that stay where they are leave the old table (those that change their bound
    // leave it as `altered_tables` plans), change alone and join the new one in phase 3.
    let staying: Vec<(QualifiedName, String)> = p
        .to
        .tables
        .iter()
        .filter_map(|(partition, t)| {
            let (_, bound) = t.more.partition_of.as_ref().filter(|(parent, _)| parent == name)?;
            let before = p.from.tables.get(&p.old_table_name(partition))?;
            (same_partition(p, before, t) && !recreated_table(p, partition)).then(|| (partition.clone(), bound.clone()))
        })
        .collect();
    for (partition, _) in &staying {
        prepare.push(format!("ALTER TABLE {} DETACH PARTITION {};", qualified(&moved), qualified(partition)));
    }
    prepare.push(create_table_sql(p.to, name, new));
    if let Some((parent, bound)) = &new.more.partition_of {
        prepare.push(format!("ALTER TABLE {} ATTACH PARTITION {} {bound};", qualified(parent), qualified(name)));
    }
    for (index_name, index) in p.to.indexes.iter().filter(|(_, i)| i.table == *name) {
        prepare.push(create_index(index_name, index).replacen(" INDEX ", " INDEX IF NOT EXISTS ", 1));
    }
    let shown = qualified(name);
    if let Some(identity) = new.more.replica_identity.as_ref().filter(|i| uses_index(i)) {
        prepare.push(format!("ALTER TABLE {shown} REPLICA IDENTITY {identity};"));
    }
    for key in p.to.triggers.keys().chain(p.to.policies.keys()).filter(|k| k.starts_with(&format!("{name}."))) {
        let kind = if p.to.triggers.contains_key(key) { "trigger" } else { "policy" };
        prepare.extend(p.to.sources.get(&format!("{kind} {key}")));
    }
    // Its extended statistics and rules went with the old table: made again on the new one (the
    // statistics' names, which the old table's keep, are freed first).
    let rules_on = format!(" on {name}");
    for key in p.to.other_objects.keys() {
        let Some(source) = p.to.sources.get(&format!("other {key}")) else { continue };
        if let Some(statistics) = key.strip_prefix("statistics ").filter(|_| mentions(&source, name)) {
            if p.from.other_objects.contains_key(key) {
                prepare.push(format!("DROP STATISTICS IF EXISTS {};", crate::plan::objects::table_sql(statistics)));
            }
            prepare.push(source.trim().to_string());
            if let Some(role) = p.to.owners.get(key) {
                prepare.push(format!(
                    "ALTER STATISTICS {} OWNER TO {};",
                    crate::plan::objects::table_sql(statistics),
                    ident(role)
                ));
            }
        } else if key.starts_with("rule ") && key.ends_with(&rules_on) {
            prepare.push(source.trim().to_string());
        }
    }
    // The new table gets the target's owner, comments and privileges.
    prepare.extend(p.carried_along("table", &name.to_string(), &shown));
    let note = if old.more.partition_by == new.more.partition_by {
        format!(
            "{name} changes the type of a column its partition key reads: PostgreSQL cannot alter it in place, so a new table is created and the rows are copied in phase 3; stop writes to it from here until then"
        )
    } else {
        format!(
            "{name} changes its partitioning ({} → {}): PostgreSQL cannot convert a table in place, so a new one is created and the rows are copied in phase 3; stop writes to it from here until then",
            old.more.partition_by.as_deref().unwrap_or("not partitioned"),
            new.more.partition_by.as_deref().unwrap_or("not partitioned")
        )
    };
    p.push_step(Phase::Prepare, Rank::FreeName, prepare.join("\n"), id.clone(), Some(note));
    p.created.insert(format!("table {name}"), Phase::Prepare);
    // Phase 3: the rows, sequences owned by the new columns, then the old table goes.
    let copied: Vec<&Column> =
        new.columns.iter().filter(|c| c.more.generated.is_none() && old.column(&c.name).is_some()).collect();
    let columns: Vec<String> = copied.iter().map(|c| ident(&c.name)).collect();
    // A column of a type made again holds the old type (renamed away), which converts through text.
    let values: Vec<String> = copied
        .iter()
        .map(|c| {
            let remade = old.column(&c.name).and_then(|o| crate::catalog::datatype::type_name(&o.data_type));
            if remade.is_some_and(|t| crate::plan::objects::recreates_type(p, &t)) {
                let through = if c.data_type.ends_with("[]") { "text[]" } else { "text" };
                format!("{}::{through}::{}", ident(&c.name), c.data_type)
            } else {
                ident(&c.name)
            }
        })
        .collect();
    let overriding = if new.columns.iter().any(|c| c.more.identity.as_deref() == Some("ALWAYS")) {
        " OVERRIDING SYSTEM VALUE"
    } else {
        ""
    };
    let mut copy = vec![format!(
        "INSERT INTO {shown} ({}){overriding} SELECT {} FROM {};",
        columns.join(", "),
        values.join(", "),
        qualified(&moved),
    )];
    for (sequence, s) in &p.to.sequences {
        if s.owned_by.as_deref().is_some_and(|o| o.starts_with(&format!("{name}."))) {
            if let Some(owner) = &s.owned_by {
                let column = crate::catalog::member_name(owner, name);
                copy.push(format!("ALTER SEQUENCE {} OWNED BY {shown}.{};", qualified(sequence), ident(column)));
            }
        }
    }
    copy.push(format!("DROP TABLE {};", qualified(&moved)));
    let note = Some(
        "rows that no partition accepts make the copy fail: add a DEFAULT partition or fix them first".to_string(),
    );
    p.push_step(Phase::Rewrite, Rank::ColumnRewrite, copy.join("\n"), id.clone(), note);
    for (partition, bound) in staying {
        let sql = format!("ALTER TABLE {shown} ATTACH PARTITION {} {bound};", qualified(&partition));
        p.push_step(Phase::Rewrite, Rank::PartitionAttach, sql, vec![format!("table {partition}")], None);
    }
    // Its own foreign keys once its rows are in (checked: a partitioned table takes no NOT VALID one).
    for (key, constraint) in new.constraints.iter().filter(|(_, c)| is_foreign(c)) {
        let not_valid = constraint.not_valid && new.more.partition_by.is_none();
        p.push_step(
            Phase::Rewrite,
            Rank::ForeignKey,
            constraint_sql(name, key, constraint, not_valid),
            id.clone(),
            None,
        );
    }
    for (table, key, constraint) in referencing {
        p.push_step(
            Phase::Rewrite,
            Rank::ForeignKey,
            constraint_sql(&table, &key, &constraint, false),
            id.clone(),
            None,
        );
    }
}

/// The `from` side of a table in both catalogs (under its old name when renamed).
pub(in crate::plan) fn old_table<'c>(p: &Planner<'c>, change: &Change) -> Option<&'c Table> {
    let key = match change.change {
        ChangeKind::Renamed => change.was.as_deref()?,
        _ => &change.key,
    };
    key.find(&p.from.tables).map(|(_, t)| t)
}
