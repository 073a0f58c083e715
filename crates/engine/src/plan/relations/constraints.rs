//! Steps for constraints and foreign keys: added (NOT VALID and validated where the table holds
//! rows), removed, replaced, with the foreign keys bound to a key that is made again.

use super::*;

pub(in crate::plan) fn constraints(p: &mut Planner) {
    let changes: Vec<Change> = p
        .diff
        .changes
        .iter()
        .filter(|c| c.object_kind == ObjectKind::Constraint || c.object_kind == ObjectKind::ForeignKey)
        .cloned()
        .collect();
    for change in changes {
        let Some((table, key)) = change.key.member() else { continue };
        let Some((name, _)) = p.to.tables.get_key_value(table).or_else(|| p.from.tables.get_key_value(table)) else {
            continue;
        };
        if recreated_table(p, name) {
            continue; // the new table has its constraints already
        }
        let name = name.clone();
        let shown = qualified(&name);
        let new = p.to.tables.get(&name).and_then(|t| t.constraints.get(key));
        let old_name = match change.change {
            ChangeKind::Renamed => change.was.as_deref().and_then(|was| was.member()).map_or(key, |(_, k)| k),
            _ => key,
        };
        let old = p.from.tables.get(&p.old_table_name(&name)).and_then(|t| t.constraints.get(old_name));
        let foreign = change.object_kind == ObjectKind::ForeignKey;
        let (drop_rank, add_rank) =
            if foreign { (Rank::DropForeignKey, Rank::ForeignKey) } else { (Rank::DropKey, Rank::Key) };
        match (change.change, old, new) {
            (ChangeKind::Added, _, Some(new)) if passed_down(p, &name, new) => {}
            (ChangeKind::Added, _, Some(new)) => {
                // A foreign key waits for the key it references when that key is new or made again.
                // A CHECK reading a column whose type changes is added after the change (phase 3):
                // added before, PostgreSQL would keep it written for the old type.
                let retyped = || reads_retyped_column(p, &name, &new.definition);
                let phase = if foreign && retyped() {
                    Phase::Rewrite
                } else if foreign {
                    Phase::Online.max(referenced_key_phase(p, new))
                } else if new.kind == ConstraintKind::Check && retyped() {
                    Phase::Rewrite
                } else {
                    Phase::Online
                };
                add_constraint(p, &name, key, new, &change, phase, add_rank)
            }
            (ChangeKind::Removed, Some(old), _) => {
                let key = p.moved.get(&QualifiedName::new(&name.schema, key)).map_or(key, |k| k.as_str());
                let sql = format!("ALTER TABLE IF EXISTS {shown} DROP CONSTRAINT IF EXISTS {};", ident(key));
                // A table has one primary key: an old one the target replaces (under another name)
                // goes just before the new one is added.
                let replaced = old.kind == ConstraintKind::PrimaryKey
                    && p.to.tables.get(&name).is_some_and(|t| {
                        t.constraints.iter().any(|(k, c)| c.kind == ConstraintKind::PrimaryKey && k != key)
                    });
                // A foreign key to a table that a view (or another relation) replaces goes before
                // that table is dropped in phase 1.
                let to_replaced = foreign
                    && p.from
                        .tables
                        .keys()
                        .filter(|t| p.to.views.contains_key(*t))
                        .any(|t| old.definition.contains(&format!("references {t}(")));
                // A foreign key or CHECK reading a column whose type changes goes before the
                // change, which would otherwise convert it (or refuse to).
                let reads_retyped = (foreign || old.kind == ConstraintKind::Check)
                    && p.to.tables.contains_key(&name)
                    && reads_retyped_column(p, &name, &old.definition);
                if replaced {
                    p.push(Phase::Online, Rank::DropKey, sql, &change);
                } else if reads_retyped {
                    p.push(Phase::Rewrite, drop_rank, sql, &change);
                } else if to_replaced {
                    // (`free_replaced_names` drops the replaced table at `FreeName`.)
                    p.push(Phase::Prepare, Rank::EarlyOther, sql, &change);
                } else {
                    let rank = if foreign { Rank::DropConstraint } else { Rank::DropColumn };
                    let (before, after) = foreign_keys_bound_to(p, &name, old);
                    let sql = before.into_iter().chain([sql]).chain(after).collect::<Vec<_>>().join("\n");
                    p.push(Phase::Cleanup, rank, sql, &change);
                    let again = partition_keys_kept(p, &name, old);
                    if !again.is_empty() {
                        p.push(Phase::Cleanup, Rank::PartitionKeyAgain, again.join("\n"), &change);
                    }
                }
            }
            (ChangeKind::Renamed, Some(old), Some(new)) => {
                let sql = format!("ALTER TABLE {shown} RENAME CONSTRAINT {} TO {};", ident(old_name), ident(key));
                p.push(Phase::Prepare, Rank::TableProperty, sql, &change);
                replace_constraint(p, &name, key, (old, new), &change, (drop_rank, add_rank));
            }
            (ChangeKind::Altered, Some(old), Some(new)) => {
                replace_constraint(p, &name, key, (old, new), &change, (drop_rank, add_rank));
            }
            _ => {}
        }
    }
}

/// The earliest phase a foreign key can be added in: after the key it references exists. A key
/// the migration adds to an existing table is built online (phase 2); one it replaces, in phase 3.
pub(in crate::plan) fn referenced_key_phase(p: &Planner, foreign: &Constraint) -> Phase {
    let Some(rest) = foreign.definition.split_once(" references ").map(|(_, r)| r) else { return Phase::Prepare };
    let target = rest.split('(').next().unwrap_or(rest).trim();
    let Some((name, new)) = crate::catalog::find_shown(&p.to.tables, target) else { return Phase::Prepare };
    let Some(old) = p.from.tables.get(&p.old_table_name(name)) else { return Phase::Prepare };
    let columns = rest.split_once('(').and_then(|(_, c)| c.split_once(')')).map(|(c, _)| c.trim()).unwrap_or("");
    let mut phase = Phase::Prepare;
    for (key, constraint) in &new.constraints {
        let unique = matches!(constraint.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique);
        if !unique || constraint.key_columns().join(", ") != columns {
            continue;
        }
        match old.constraints.get(key) {
            Some(before) if before.definition == constraint.definition => {}
            Some(_) => phase = phase.max(Phase::Rewrite),
            None => phase = phase.max(Phase::Online),
        }
    }
    phase
}

/// `unique (a, b)` / `primary key (a)` without further clauses: buildable from an index.
pub(in crate::plan) fn simple_key(definition: &str) -> Option<(&'static str, &str)> {
    let (word, rest) = if let Some(rest) = definition.strip_prefix("unique ") {
        ("UNIQUE", rest)
    } else {
        ("PRIMARY KEY", definition.strip_prefix("primary key ")?)
    };
    (rest.starts_with('(') && rest.ends_with(')') && rest.matches('(').count() == 1).then_some((word, rest))
}

pub(in crate::plan) fn constraint_sql(
    table: &QualifiedName,
    name: &str,
    constraint: &Constraint,
    not_valid: bool,
) -> String {
    format!(
        "ALTER TABLE {} ADD CONSTRAINT {} {}{};",
        qualified(table),
        ident(name),
        constraint.definition,
        if not_valid { " NOT VALID" } else { "" }
    )
}

/// Whether a key of a partition is its parent's, which PostgreSQL creates on every partition (when
/// the parent gets it, or when the table is attached): the partition's own ADD would be refused.
pub(in crate::plan) fn passed_down(p: &Planner, table: &QualifiedName, constraint: &Constraint) -> bool {
    if !matches!(constraint.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique) {
        return false;
    }
    let Some((parent, _)) = p.to.tables.get(table).and_then(|t| t.more.partition_of.as_ref()) else { return false };
    let Some(parent_table) = p.to.tables.get(parent) else { return false };
    let old_parent = p.from.tables.get(&p.old_table_name(parent));
    let attached_now = p.from.tables.get(table).is_none_or(|t| t.more.partition_of.is_none());
    parent_table.constraints.iter().any(|(key, c)| {
        c.kind == constraint.kind
            && c.definition == constraint.definition
            && (attached_now || old_parent.is_none_or(|t| t.constraints.get(key) != Some(c)))
    })
}

/// A partitioned table's primary or unique key that goes takes its partitions' copies along
/// (PostgreSQL drops the attached constraints with it): the partitions the target gives a key of
/// their own with that definition get it again.
pub(in crate::plan) fn partition_keys_kept(p: &Planner, table: &QualifiedName, key: &Constraint) -> Vec<String> {
    if !matches!(key.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (partition, before) in &p.from.tables {
        if before.more.partition_of.as_ref().map(|(parent, _)| parent) != Some(table) {
            continue;
        }
        let Some(after) = p.to.tables.get(partition) else { continue };
        for (name, constraint) in &before.constraints {
            let same = constraint.kind == key.kind && constraint.definition == key.definition;
            if same && after.constraints.get(name) == Some(constraint) {
                out.push(constraint_sql(partition, name, constraint, false));
            }
        }
    }
    out
}

/// The target's foreign keys that reference the columns of a primary or unique key `key` of
/// `table` that goes: PostgreSQL binds a foreign key to one key when it is added and refuses to
/// drop that key under it, so they are dropped before it and added again after (binding to the
/// key the target keeps), NOT VALID then validated, as the rows already satisfy them.
pub(in crate::plan) fn foreign_keys_bound_to(
    p: &Planner,
    table: &QualifiedName,
    key: &Constraint,
) -> (Vec<String>, Vec<String>) {
    let (mut before, mut after) = (Vec::new(), Vec::new());
    if !matches!(key.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique) {
        return (before, after);
    }
    let inside = |text: &str| -> Option<String> {
        let open = text.find('(')?;
        let close = open + text[open..].find(')')?;
        Some(text[open + 1..close].split(',').map(|c| c.trim()).collect::<Vec<_>>().join(", "))
    };
    let Some(columns) = inside(&key.definition) else { return (before, after) };
    let reference = format!("references {table}(");
    for (other, t) in &p.to.tables {
        for (name, constraint) in t.constraints.iter().filter(|(_, c)| is_foreign(c)) {
            let Some(at) = constraint.definition.find(&reference) else { continue };
            if inside(&constraint.definition[at + reference.len() - 1..]).as_deref() != Some(columns.as_str()) {
                continue;
            }
            let shown = qualified(other);
            before.push(format!("ALTER TABLE {shown} DROP CONSTRAINT IF EXISTS {};", ident(name)));
            after.push(constraint_sql(other, name, constraint, true));
            if !constraint.not_valid {
                after.push(format!("ALTER TABLE {shown} VALIDATE CONSTRAINT {};", ident(name)));
            }
        }
    }
    (before, after)
}

/// A constraint whose definition changed: validated when only that differs, else dropped and added.
pub(in crate::plan) fn replace_constraint(
    p: &mut Planner,
    table: &QualifiedName,
    key: &str,
    (old, new): (&Constraint, &Constraint),
    change: &Change,
    (drop_rank, add_rank): (Rank, Rank),
) {
    let shown = qualified(table);
    if old.definition == new.definition && old.not_valid == new.not_valid {
        return;
    }
    if old.definition == new.definition && old.not_valid && !new.not_valid {
        p.push(
            Phase::Online,
            Rank::Validate,
            format!("ALTER TABLE {shown} VALIDATE CONSTRAINT {};", ident(key)),
            change,
        );
        return;
    }
    // A key made again: the foreign keys that reference it would stop its drop; they go first, and
    // those the target keeps as they are come back after it.
    if matches!(old.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique) {
        let reference = format!("references {}({})", p.old_table_name(table), old.key_columns().join(", "));
        for (other, t) in &p.from.tables {
            for (fk, constraint) in t.constraints.iter().filter(|(_, c)| is_foreign(c)) {
                if !constraint.definition.contains(&reference) {
                    continue;
                }
                let drop = format!("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {};", qualified(other), ident(fk));
                p.push(Phase::Rewrite, Rank::DropForeignKey, drop, change);
                let kept = p.to.tables.get(other).and_then(|t| t.constraints.get(fk)).filter(|c| *c == constraint);
                if let Some(kept) = kept {
                    p.push(Phase::Rewrite, Rank::ForeignKey, constraint_sql(other, fk, kept, true), change);
                    if !kept.not_valid {
                        let sql = format!("ALTER TABLE {} VALIDATE CONSTRAINT {};", qualified(other), ident(fk));
                        p.push(Phase::Rewrite, Rank::Validate, sql, change);
                    }
                }
            }
        }
    }
    p.push(Phase::Rewrite, drop_rank, format!("ALTER TABLE {shown} DROP CONSTRAINT IF EXISTS {};", ident(key)), change);
    add_constraint(p, table, key, new, change, Phase::Rewrite, add_rank);
}

pub(in crate::plan) fn add_constraint(
    p: &mut Planner,
    table: &QualifiedName,
    key: &str,
    new: &Constraint,
    change: &Change,
    phase: Phase,
    rank: Rank,
) {
    let shown = qualified(table);
    match new.kind {
        // PostgreSQL refuses a NOT VALID foreign key on a partitioned table: it is added checked,
        // which reads every partition under a SHARE ROW EXCLUSIVE lock (writes wait), so in phase 3.
        ConstraintKind::ForeignKey if p.to.tables.get(table).is_some_and(|t| t.more.partition_by.is_some()) => {
            p.push_step(
                phase.max(Phase::Rewrite),
                rank,
                constraint_sql(table, key, new, false),
                vec![change_id(change)],
                Some("a partitioned table's foreign key cannot be added NOT VALID: this checks every row of every partition while writes wait".into()),
            );
        }
        ConstraintKind::ForeignKey | ConstraintKind::Check => {
            // Added NOT VALID (a short lock), then validated (no write lock) unless `to` keeps it unvalidated.
            p.push(phase, rank, constraint_sql(table, key, new, true), change);
            if !new.not_valid {
                p.push(
                    phase,
                    Rank::Validate,
                    format!("ALTER TABLE {shown} VALIDATE CONSTRAINT {};", ident(key)),
                    change,
                );
            }
        }
        ConstraintKind::PrimaryKey | ConstraintKind::Unique => match simple_key(&new.definition) {
            // A partitioned table's index cannot be built concurrently.
            Some((word, columns))
                if phase == Phase::Online && p.to.tables.get(table).is_none_or(|t| t.more.partition_by.is_none()) =>
            {
                let index = ident(key);
                let build = rerunnable(
                    &QualifiedName::new(&table.schema, key),
                    format!("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {index} ON {shown} USING btree {columns};"),
                );
                let sql = format!("{build}\nALTER TABLE {shown} ADD CONSTRAINT {index} {word} USING INDEX {index};");
                p.push_step(
                    phase,
                    rank,
                    sql,
                    vec![change_id(change)],
                    Some("the unique index is built without blocking writes, then becomes the constraint".into()),
                );
            }
            _ => p.push(phase, rank, constraint_sql(table, key, new, false), change),
        },
        ConstraintKind::Exclusion => p.push(phase, rank, constraint_sql(table, key, new, false), change),
    }
}

/// Whether `text` (a CHECK's or an index's definition on `table`, named as in `to`) reads a column
/// whose type changes. A CHECK or index added before the change would be written for the old type
/// (an operator class of the new type refuses the old one); one that goes is dropped before it, or
/// PostgreSQL would rebuild it for the new type.
pub(in crate::plan) fn reads_retyped_column(p: &Planner, table: &QualifiedName, text: &str) -> bool {
    let (Some(before), Some(after)) = (p.from.tables.get(&p.old_table_name(table)), p.to.tables.get(table)) else {
        return false;
    };
    after
        .columns
        .iter()
        .any(|c| before.column(&c.name).is_some_and(|b| b.data_type != c.data_type) && names_word(text, &c.name))
}
