//! Steps for columns: added, removed, renamed and altered (type, default, NOT NULL, identity,
//! generated, storage, collation), with what PostgreSQL will not change a column's type under.

use super::*;
use crate::plan::mentions::reads_column;

pub(in crate::plan) fn columns(p: &mut Planner) {
    let changes: Vec<Change> = p.changes_of(ObjectKind::Column).cloned().collect();
    for change in changes {
        let Some((table, old, new)) = column_pair(p, &change) else { continue };
        if recreated_table(p, &table) {
            continue; // the new table has its columns already
        }
        // A typed table's columns come and go, and change type, with its type's attributes.
        let of_type = |catalog: &Catalog, t: &QualifiedName| catalog.tables.get(t).and_then(|t| t.more.of_type.clone());
        let typed =
            of_type(p.to, &table).is_some() && of_type(p.to, &table) == of_type(p.from, &p.old_table_name(&table));
        let type_only = change.details.iter().all(|d| d.property == Property::Type);
        if typed && change.change == ChangeKind::Added {
            // The type's ADD ATTRIBUTE … CASCADE gave it the column; its options follow.
            if let Some(new) = new {
                let shown = qualified(&table);
                if let Some(default) = &new.default {
                    let sql = format!("ALTER TABLE {shown} ALTER COLUMN {} SET DEFAULT {default};", ident(&new.name));
                    p.push(Phase::Prepare, Rank::Column, sql, &change);
                }
                if new.not_null {
                    set_not_null(
                        p,
                        &table,
                        &new.name,
                        &change,
                        Some("fill the new column for every existing row before this phase"),
                    );
                }
            }
            continue;
        }
        if typed && (change.change == ChangeKind::Removed || type_only) {
            continue;
        }
        let names = (old.or(new).map(|c| c.name.as_str()), new.or(old).map(|c| c.name.as_str()));
        if from_the_parent(p, &table, &change, (names.0.unwrap_or_default(), names.1.unwrap_or_default())) {
            continue; // PostgreSQL changes a partition's columns with its parent's, and refuses it alone
        }
        let shown = qualified(&table);
        let inherited =
            |catalog: &Catalog, table: &QualifiedName, column: &str| giving_parent(catalog, table, column).is_some();
        match (change.change, old, new) {
            // A parent's new column reaches its children with the parent's ADD COLUMN; the child's
            // own would make it the child's too (`attislocal`), which the target does not have.
            (ChangeKind::Added, _, Some(new)) if gains_from_its_parent(p, &table, &new.name) => {}
            (ChangeKind::Added, _, Some(new)) => {
                let needs_backfill = new.not_null
                    && new.default.is_none()
                    && new.more.identity.is_none()
                    && new.more.generated.is_none();
                if needs_backfill {
                    let mut nullable = new.clone();
                    nullable.not_null = false;
                    let sql = format!(
                        "ALTER TABLE {shown} ADD COLUMN IF NOT EXISTS {};",
                        column_sql(p.to, &table, &nullable)
                    );
                    p.push(Phase::Prepare, Rank::Column, sql, &change);
                    set_not_null(
                        p,
                        &table,
                        &new.name,
                        &change,
                        Some("fill the new column for every existing row before this phase"),
                    );
                } else {
                    let sql =
                        format!("ALTER TABLE {shown} ADD COLUMN IF NOT EXISTS {};", column_sql(p.to, &table, new));
                    p.push(Phase::Prepare, Rank::Column, sql, &change);
                }
            }
            (ChangeKind::Removed, Some(old), _) => {
                // A child that keeps the column (now its own) keeps it when the parent drops it ONLY.
                let kept_below =
                    p.to.tables.values().any(|t| t.more.inherits.contains(&table) && t.column(&old.name).is_some());
                let only = if kept_below { "ONLY " } else { "" };
                let sql = format!("ALTER TABLE IF EXISTS {only}{shown} DROP COLUMN IF EXISTS {};", ident(&old.name));
                // An inherited column goes with its parent's drop; PostgreSQL refuses the child's
                // before it (the child's, after, drops what the child had as its own too).
                let from_table = p.old_table_name(&table);
                let rank = if inherited(p.from, &from_table, &old.name) {
                    Rank::DropInheritedColumn
                } else if old.more.generated.is_some() {
                    // Before the columns it is computed from, which PostgreSQL will not drop under it.
                    Rank::DropDependentOther
                } else {
                    Rank::DropColumn
                };
                p.push_step(
                    Phase::Cleanup,
                    rank,
                    sql,
                    vec![change_id(&change)],
                    Some(format!("data loss: the values of {}.{} are deleted", table, old.name)),
                );
            }
            // (A typed table's column changes type with the type's attribute.)
            (ChangeKind::Altered | ChangeKind::Renamed, Some(old), Some(new)) if typed => {
                let old = Column { data_type: new.data_type.clone(), ..old.clone() };
                altered_column(p, &table, &old, new, &change)
            }
            (ChangeKind::Altered | ChangeKind::Renamed, Some(old), Some(new)) => {
                altered_column(p, &table, old, new, &change)
            }
            _ => {}
        }
    }
}

/// A child's column that is its own before and comes from a parent after (its own column becomes
/// inherited, or the table changes parents) stays its own: PostgreSQL keeps a column's local flag
/// when the parent gains it or the table joins a parent, and no statement clears it. The schema
/// works the same; only re-creating the table makes pg_dump write it as the target does. Said as
/// a manual step, never hidden.
pub(in crate::plan) fn columns_that_stay_own(p: &mut Planner) {
    for (name, new) in &p.to.tables {
        let old_name = p.old_table_name(name);
        let Some(old) = p.from.tables.get(&old_name) else { continue };
        if new.more.inherits.is_empty() {
            continue;
        }
        // (A column the child lacks is added to it before it joins a new parent, as PostgreSQL
        // requires, and so is its own too; one a parent it already had gains reaches it inherited.)
        let own: Vec<String> = new
            .columns
            .iter()
            .filter_map(|c| {
                let after = giving_parent(p.to, name, &c.name)?;
                let parent_before = p.old_table_name(after);
                if old.column(&c.name).is_none() {
                    return (!old.more.inherits.contains(&parent_before)).then(|| c.name.clone());
                }
                let before = giving_parent(p.from, &old_name, &c.name);
                (before != Some(&parent_before)).then(|| c.name.clone())
            })
            .collect();
        if !own.is_empty() {
            let them = if own.len() == 1 { "it" } else { "them" };
            p.manual.push(format!(
                "{name}: column{} {} stay{} its own after {}: PostgreSQL has no statement that makes a column \
                 inherited only, so pg_dump of the result lists {them} in CREATE TABLE {name} where the target \
                 has {them} from the parent. Queries see the same table; to match the target exactly, re-create \
                 the table and copy its rows",
                if own.len() == 1 { "" } else { "s" },
                own.join(", "),
                if own.len() == 1 { "s" } else { "" },
                if new.more.inherits == old.more.inherits {
                    format!("its parent gains {them}")
                } else {
                    "it changes parents".to_string()
                },
            ));
        }
    }
}

/// The storage a column of `data_type` has by default (its type's `typstorage`), which
/// PostgreSQL 15 cannot be told to go back to by name (`SET STORAGE DEFAULT` is 16+): fixed-length
/// types are PLAIN, `numeric` MAIN, other variable-length types EXTENDED.
pub(in crate::plan) fn type_storage(data_type: &str) -> &'static str {
    let base = data_type.trim().to_lowercase();
    if base.ends_with(']') {
        return "EXTENDED";
    }
    let base = base.split('(').next().unwrap_or(&base).trim().trim_start_matches("pg_catalog.").to_string();
    const PLAIN: &[&str] = &[
        "smallint",
        "integer",
        "int",
        "int2",
        "int4",
        "int8",
        "bigint",
        "real",
        "float4",
        "float8",
        "double precision",
        "boolean",
        "bool",
        "date",
        "time without time zone",
        "time",
        "timestamp",
        "timestamp without time zone",
        "timestamp with time zone",
        "timestamptz",
        "time with time zone",
        "timetz",
        "interval",
        "uuid",
        "money",
        "oid",
        "\"char\"",
        "macaddr",
        "macaddr8",
        "point",
        "box",
        "line",
        "lseg",
        "circle",
        "pg_lsn",
        "serial",
        "bigserial",
        "smallserial",
    ];
    if base == "numeric" || base == "decimal" {
        "MAIN"
    } else if PLAIN.contains(&base.as_str()) {
        "PLAIN"
    } else {
        "EXTENDED"
    }
}

/// What PostgreSQL will not change a column's type under, on the FROM side: policies and triggers
/// of the table whose expressions name the column, generated columns computed from it, and
/// functions with SQL-standard bodies (`BEGIN ATOMIC`, `RETURN`) that read the table. The
/// statements that take them away before the type changes, and those that make the target's
/// again after.
pub(in crate::plan) fn column_dependents(
    p: &Planner,
    table: &QualifiedName,
    column: &str,
) -> (Vec<String>, Vec<String>) {
    let (mut before, mut after) = (Vec::new(), Vec::new());
    let shown = qualified(table);
    let source = |key: String| p.to.sources.get(&key).map(|s| s.trim().to_string());
    // A policy of another table that reads this one (a subquery naming it) counts too.
    let policy_reads_column = |policy: &crate::catalog::Policy| {
        crate::plan::objects::policy_reads(policy, &|e| reads_column(e, Some(&policy.table), table, column))
    };
    // Each of them is on the table or names it: looked up (`Planner::mentions`), not walked.
    let mentions = p.mentions();
    let (away, again) =
        crate::plan::objects::policies_reading(p, mentions.policies.reading(table, column), &policy_reads_column);
    before.extend(away);
    after.extend(again);
    for (key, trigger) in mentions.triggers.on(table) {
        if names_word(&trigger.definition, column) {
            let name = crate::catalog::member_name(key, table);
            before.push(format!("DROP TRIGGER IF EXISTS {} ON {shown};", ident(name)));
            if let Some(create) = source(format!("trigger {key}")) {
                after.push(create);
                let word =
                    crate::plan::objects::enabled_word(p.to.triggers.get(key).and_then(|t| t.enabled.as_deref()));
                after.extend(word.map(|w| format!("ALTER TABLE {shown} {w} TRIGGER {};", ident(name))));
            }
        }
    }
    if let Some(from_table) = p.from.tables.get(table) {
        for generated in from_table.columns.iter().filter(|c| c.name != column) {
            if !generated.more.generated.as_deref().is_some_and(|g| names_word(g, column)) {
                continue;
            }
            before.push(format!("ALTER TABLE {shown} DROP COLUMN IF EXISTS {};", ident(&generated.name)));
            let target = p.to.tables.get(table).and_then(|t| t.column(&generated.name));
            if let Some(target) = target {
                after.push(format!("ALTER TABLE {shown} ADD COLUMN {};", column_sql(p.to, table, target)));
            }
        }
    }
    for (key, function) in mentions.standard_bodies.reading(table, column) {
        let body = crate::plan::mentions::standard_body(function).unwrap_or_default();
        if !reads_column(body, None, table, column) {
            continue;
        }
        let word = if function.kind == "procedure" { "PROCEDURE" } else { "FUNCTION" };
        before.push(format!("DROP {word} IF EXISTS {};", crate::plan::objects::signature(function)));
        if let (Some(create), Some(target)) = (source(format!("function {key}")), p.to.functions.get(key)) {
            after.push(create);
            let kind = if target.kind == "procedure" { "procedure" } else { "function" };
            after.extend(p.carried_along(kind, key, &crate::plan::objects::signature(target)));
        }
    }
    (before, after)
}

pub(in crate::plan) fn column_pair<'c>(
    p: &Planner<'c>,
    change: &Change,
) -> Option<(QualifiedName, Option<&'c Column>, Option<&'c Column>)> {
    let (table, column) = change.key.member()?;
    let (name, new_table) = match p.to.tables.get_key_value(table) {
        Some((name, t)) => (name.clone(), Some(t)),
        None => (p.from.tables.get_key_value(table)?.0.clone(), None),
    };
    // A renamed table's columns live under the old name in `from`.
    let old_table = p.from.tables.get(&p.old_table_name(table));
    let old_column_name = match change.change {
        ChangeKind::Renamed => change.was.as_deref().and_then(|was| was.member()).map_or(column, |(_, c)| c),
        _ => column,
    };
    Some((name, old_table.and_then(|t| t.column(old_column_name)), new_table.and_then(|t| t.column(column))))
}

/// Whether a column change of a partition is its parent's change passed down: the table is a
/// partition of the same parent before and after, and the parent has the column on the side the
/// change needs (after for an addition, before for a removal, both for a type, collation or name).
pub(in crate::plan) fn from_the_parent(
    p: &Planner,
    table: &QualifiedName,
    change: &Change,
    (before_name, after_name): (&str, &str),
) -> bool {
    fn parent<'c>(catalog: &'c Catalog, table: &QualifiedName) -> Option<&'c QualifiedName> {
        catalog.tables.get(table).and_then(|t| t.more.partition_of.as_ref()).map(|(p, _)| p)
    }
    // A partition whose parent is made again is detached meanwhile: its columns change alone.
    if parent(p.to, table).is_some_and(|parent| recreated_table(p, parent)) {
        return false;
    }
    // An inherited column's type, collation and name change with its parent's: PostgreSQL passes
    // the parent's ALTER down and refuses the child's alone ("cannot alter inherited column").
    if matches!(change.change, ChangeKind::Altered | ChangeKind::Renamed)
        && change.details.iter().all(|d| matches!(d.property, Property::Type | Property::Collation | Property::Name))
    {
        let before = giving_parent(p.from, &p.old_table_name(table), before_name);
        let after = giving_parent(p.to, table, after_name);
        if let (Some(before), Some(after)) = (before, after) {
            let same_change = |catalog: &Catalog, parent: &QualifiedName, child: &QualifiedName, column: &str| {
                let of = |t: &QualifiedName| catalog.tables.get(t).and_then(|t| t.column(column));
                of(parent)
                    .zip(of(child))
                    .is_some_and(|(a, b)| a.data_type == b.data_type && a.more.collation == b.more.collation)
            };
            if *before == p.old_table_name(after) && same_change(p.to, after, table, after_name) {
                return true;
            }
        }
    }
    let (Some(before), Some(after)) = (parent(p.from, &p.old_table_name(table)), parent(p.to, table)) else {
        return false;
    };
    if *before != p.old_table_name(after) {
        return false;
    }
    let has = |catalog: &Catalog, parent: &QualifiedName, column: &str| {
        catalog.tables.get(parent).is_some_and(|t| t.column(column).is_some())
    };
    let old_parent = p.old_table_name(after);
    match change.change {
        ChangeKind::Added => has(p.to, after, after_name),
        ChangeKind::Removed => has(p.from, &old_parent, before_name),
        _ => {
            has(p.from, &old_parent, before_name)
                && has(p.to, after, after_name)
                && change
                    .details
                    .iter()
                    .all(|d| matches!(d.property, Property::Type | Property::Collation | Property::Name))
        }
    }
}

/// `SET NOT NULL` without a long exclusive lock: a CHECK added NOT VALID and validated outside any
/// transaction (phase 2: the scan holds SHARE UPDATE EXCLUSIVE only, and a key built on the column
/// later in the phase uses the CHECK instead of scanning), then, in phase 3, SET NOT NULL (which
/// uses the CHECK instead of scanning) and the CHECK dropped. Run again after a failure, the
/// CHECK is added afresh; a column made again in phase 3 loses it, and SET NOT NULL then scans.
/// A partitioned table keeps the four statements together in phase 3.
pub(in crate::plan) fn set_not_null(
    p: &mut Planner,
    table: &QualifiedName,
    column: &str,
    change: &Change,
    note: Option<&str>,
) {
    let shown = qualified(table);
    let check = ident(&crate::plan::with_suffix(&format!("{}_{column}", table.name), "_not_null"));
    let col = ident(column);
    if p.to.tables.get(table).is_some_and(|t| t.more.partition_by.is_some()) {
        // A partitioned table's CHECK reaches its partitions, and partitions attached later in
        // phase 2 would need it already: the whole sequence stays in phase 3, after them.
        let sql = format!(
            "ALTER TABLE {shown} ADD CONSTRAINT {check} CHECK ({col} IS NOT NULL) NOT VALID;\n\
             ALTER TABLE {shown} VALIDATE CONSTRAINT {check};\n\
             ALTER TABLE {shown} ALTER COLUMN {col} SET NOT NULL;\n\
             ALTER TABLE {shown} DROP CONSTRAINT {check};"
        );
        let note = note.map(|n| format!("{n}; the validated CHECK lets SET NOT NULL skip the full-table scan"));
        p.push_step(Phase::Rewrite, Rank::ColumnRewrite, sql, vec![change_id(change)], note);
        return;
    }
    let prove = format!(
        "ALTER TABLE {shown} DROP CONSTRAINT IF EXISTS {check}, ADD CONSTRAINT {check} CHECK ({col} IS NOT NULL) NOT VALID;\n\
         ALTER TABLE {shown} VALIDATE CONSTRAINT {check};"
    );
    let prove_note = match note {
        Some(n) => format!("{n}; validated without blocking writes, so that SET NOT NULL skips the full-table scan"),
        None => "validated without blocking writes, so that SET NOT NULL skips the full-table scan".to_string(),
    };
    p.push_step(Phase::Online, Rank::ColumnRewrite, prove, vec![change_id(change)], Some(prove_note));
    let set = format!(
        "ALTER TABLE {shown} ALTER COLUMN {col} SET NOT NULL;\n\
         ALTER TABLE {shown} DROP CONSTRAINT IF EXISTS {check};"
    );
    p.push_step(Phase::Rewrite, Rank::ColumnRewrite, set, vec![change_id(change)], None);
}

pub(in crate::plan) fn altered_column(
    p: &mut Planner,
    table: &QualifiedName,
    old: &Column,
    new: &Column,
    change: &Change,
) {
    let shown = qualified(table);
    let col = ident(&new.name);
    if old.name != new.name {
        let sql = format!("ALTER TABLE {shown} RENAME COLUMN {} TO {col};", ident(&old.name));
        p.push(Phase::Prepare, Rank::Table, sql, change);
    }
    // A generated column calling a function made again is dropped and added again around it
    // (`objects::callers_of`), with the target's definition.
    let calls_remade = |column: &Column| {
        let generated = column.more.generated.as_deref().unwrap_or_default();
        p.recreated_functions().iter().any(|f| generated.contains(&format!("{}(", qualified(f))))
    };
    if old.more.generated.is_some() && new.more.generated.is_some() && calls_remade(old) {
        return;
    }
    if old.more.generated != new.more.generated {
        // A generation expression cannot be changed in place: the column is computed again. What
        // PostgreSQL drops with it (the table's indexes and constraints reading it) is made again
        // after, as are the policies, triggers and other columns that read it.
        let (before, mut after) = column_dependents(p, table, &old.name);
        let reads = |text: &str| names_word(text, &old.name) || names_word(text, &new.name);
        for (index_name, index) in p.from.indexes.iter().filter(|(_, i)| i.table == *table) {
            let read = index.keys.iter().any(|k| reads(k)) || index.predicate.as_deref().is_some_and(reads);
            if read && p.to.indexes.get(index_name) == Some(index) {
                after.push(crate::sql::create_index(index_name, index));
            }
        }
        if let (Some(from_table), Some(to_table)) =
            (p.from.tables.get(&p.old_table_name(table)), p.to.tables.get(table))
        {
            for (key, constraint) in from_table.constraints.iter().filter(|(_, c)| reads(&c.definition)) {
                if to_table.constraints.get(key) == Some(constraint) {
                    after.push(constraint_sql(table, key, constraint, constraint.not_valid));
                }
            }
        }
        let mut statements = before;
        statements.push(format!("ALTER TABLE {shown} DROP COLUMN IF EXISTS {col};"));
        statements.push(format!("ALTER TABLE {shown} ADD COLUMN {};", column_sql(p.to, table, new)));
        statements.extend(after);
        let sql = statements.join("\n");
        p.push_step(
            Phase::Rewrite,
            Rank::ColumnRewrite,
            sql,
            vec![change_id(change)],
            Some("rewrites the table: the generated column is computed again".into()),
        );
        return;
    }
    let type_changes = old.data_type != new.data_type || old.more.collation != new.more.collation;
    let refused = crate::plan::casts::missing_cast(&old.data_type, &new.data_type, &col);
    if let Some(hint) = &refused {
        let mut statement = format!("ALTER TABLE {shown}");
        if old.default.is_some() {
            statement.push_str(&format!(" ALTER COLUMN {col} DROP DEFAULT,"));
        }
        statement.push_str(&format!(" ALTER COLUMN {col} TYPE {} USING <expression>", new.data_type));
        if let Some(default) = &new.default {
            statement.push_str(&format!(", ALTER COLUMN {col} SET DEFAULT {default}"));
        }
        p.manual.push(format!(
            "column {table}.{}: PostgreSQL has no cast from {} to {}; the script leaves this change to you, as \
             only you know how the values map: {statement}; where <expression> is, for example, {hint}",
            new.name, old.data_type, new.data_type
        ));
    }
    // The column's default belongs to its type: with the type left to the user, so is the default.
    if refused.is_some() {
    } else if type_changes {
        if old.default.is_some() {
            p.push(
                Phase::Rewrite,
                Rank::ColumnRewrite,
                format!("ALTER TABLE {shown} ALTER COLUMN {col} DROP DEFAULT;"),
                change,
            );
        }
        let collate = new.more.collation.as_ref().map(|c| format!(" COLLATE {c}")).unwrap_or_default();
        // PostgreSQL has no cast from an enum to another type but text (nor to an enum from
        // anything but text): the values go through their text form.
        let is_enum = |catalog: &Catalog, data_type: &str| {
            crate::catalog::datatype::type_name(data_type)
                .and_then(|name| catalog.types.get(&name))
                .is_some_and(|t| matches!(t, crate::catalog::TypeDef::Enum { .. }))
        };
        // Nor does it know casts between a type an extension or the user defines (other than a
        // domain, which casts as its base type) and another type, but the ones the extension
        // brings: text, which every type reads and writes, is the way that always exists (hstore
        // has casts of its own to json and jsonb, which keep its meaning).
        let defined = |catalog: &Catalog, data_type: &str| {
            crate::catalog::datatype::type_name(data_type)
                .is_some_and(|name| !matches!(catalog.types.get(&name), Some(crate::catalog::TypeDef::Domain { .. })))
        };
        let own_cast = old.data_type.ends_with(".hstore") && ["json", "jsonb"].contains(&new.data_type.as_str());
        // Built-in range types have no casts between them either (tsrange to tstzrange): their
        // text form is read by each (a bound's time zone as a timestamp's would be).
        let range = |data_type: &str| {
            let base = data_type.trim_end_matches("[]");
            ["int4", "int8", "num", "ts", "tstz", "date"]
                .iter()
                .any(|kind| base == format!("{kind}range") || base == format!("{kind}multirange"))
        };
        let ranges = range(&old.data_type) && range(&new.data_type) && old.data_type != new.data_type;
        let through_text = ((defined(p.from, &old.data_type) || defined(p.to, &new.data_type)) && !own_cast) || ranges;
        let through = if is_enum(p.from, &old.data_type) || is_enum(p.to, &new.data_type) || through_text {
            if new.data_type.ends_with("[]") {
                "::text[]"
            } else {
                "::text"
            }
        } else {
            ""
        };
        // A generated column is computed again in its new type: PostgreSQL takes no USING for it.
        let sql = if new.more.generated.is_some() {
            format!("ALTER TABLE {shown} ALTER COLUMN {col} TYPE {}{collate};", new.data_type)
        } else {
            format!(
                "ALTER TABLE {shown} ALTER COLUMN {col} TYPE {}{collate} USING {col}{through}::{};",
                new.data_type, new.data_type
            )
        };
        let (before, after) = column_dependents(p, table, &old.name);
        for sql in before {
            p.push(Phase::Rewrite, Rank::ColumnRewrite, sql, change);
        }
        p.push(Phase::Rewrite, Rank::ColumnRewrite, sql, change);
        // (A column that stops being an identity gets its default once its sequence is made.)
        let identity_goes = old.more.identity.is_some() && new.more.identity.is_none();
        if let Some(default) = new.default.as_ref().filter(|_| !identity_goes) {
            p.push(
                Phase::Rewrite,
                Rank::ColumnRewrite,
                format!("ALTER TABLE {shown} ALTER COLUMN {col} SET DEFAULT {default};"),
                change,
            );
        }
        for sql in after {
            p.push(Phase::Rewrite, Rank::ColumnRewrite, sql, change);
        }
    } else if old.default != new.default
        && new.more.identity.is_none()
        && old.more.identity.is_none()
        && !crate::catalog::datatype::type_name(&new.data_type)
            .is_some_and(|t| crate::plan::objects::recreates_type(p, &t))
    {
        // (A column of a type made again gets the target's default with its conversion.)
        let sql = match &new.default {
            Some(default) => format!("ALTER TABLE {shown} ALTER COLUMN {col} SET DEFAULT {default};"),
            None => format!("ALTER TABLE {shown} ALTER COLUMN {col} DROP DEFAULT;"),
        };
        p.push(Phase::Prepare, Rank::Column, sql, change);
    }
    if old.more.identity != new.more.identity {
        match (&old.more.identity, &new.more.identity) {
            (None, Some(kind)) => {
                // A serial column's default and its sequence make way for the identity.
                if old.default.is_some() && !type_changes {
                    p.push(
                        Phase::Rewrite,
                        Rank::ColumnRewrite,
                        format!("ALTER TABLE {shown} ALTER COLUMN {col} DROP DEFAULT;"),
                        change,
                    );
                }
                let owner = format!("{table}.{}", old.name);
                let serial_sequences: Vec<QualifiedName> = p
                    .from
                    .sequences
                    .iter()
                    .filter(|(_, s)| s.owned_by.as_deref() == Some(owner.as_str()))
                    .map(|(n, _)| n.clone())
                    .collect();
                for sequence in serial_sequences {
                    p.push(
                        Phase::Rewrite,
                        Rank::ColumnRewrite,
                        format!("DROP SEQUENCE IF EXISTS {};", qualified(&sequence)),
                        change,
                    );
                }
                if !old.not_null {
                    // An identity column must be NOT NULL before the identity is added.
                    set_not_null(p, table, &new.name, change, None);
                }
                let options = identity_options(p.to, table, &new.name).map(|o| format!(" ({o})")).unwrap_or_default();
                let sql = format!("ALTER TABLE {shown} ALTER COLUMN {col} ADD GENERATED {kind} AS IDENTITY{options};");
                p.push_step(
                    Phase::Rewrite,
                    Rank::ColumnRewrite,
                    sql,
                    vec![change_id(change)],
                    Some("set the identity's next value past the existing rows: SELECT setval(pg_get_serial_sequence(…), max(…)) after this".into()),
                );
            }
            (Some(_), None) => {
                p.push(
                    Phase::Rewrite,
                    Rank::ColumnRewrite,
                    format!("ALTER TABLE {shown} ALTER COLUMN {col} DROP IDENTITY IF EXISTS;"),
                    change,
                );
                // Dropping the identity drops its sequence; a serial column's own comes back.
                let owner = format!("{table}.{}", new.name);
                let serial: Vec<(QualifiedName, crate::catalog::Sequence)> =
                    p.to.sequences
                        .iter()
                        .filter(|(_, s)| s.owned_by.as_deref() == Some(owner.as_str()))
                        .map(|(n, s)| (n.clone(), s.clone()))
                        .collect();
                for (name, sequence) in serial {
                    let data_type = sequence.data_type.as_ref().map(|t| format!(" AS {t}")).unwrap_or_default();
                    let options = sequence.options.join(" ");
                    let sql = format!(
                        "CREATE SEQUENCE IF NOT EXISTS {}{data_type} {options} OWNED BY {shown}.{col};",
                        qualified(&name)
                    );
                    p.push_step(
                        Phase::Rewrite,
                        Rank::ColumnRewrite,
                        sql,
                        vec![change_id(change)],
                        Some("continue numbering after the existing rows: SELECT setval(…, max(…)) after this".into()),
                    );
                }
                if let Some(default) = &new.default {
                    p.push(
                        Phase::Rewrite,
                        Rank::ColumnRewrite,
                        format!("ALTER TABLE {shown} ALTER COLUMN {col} SET DEFAULT {default};"),
                        change,
                    );
                }
            }
            (Some(_), Some(kind)) => {
                p.push(
                    Phase::Rewrite,
                    Rank::ColumnRewrite,
                    format!("ALTER TABLE {shown} ALTER COLUMN {col} SET GENERATED {kind};"),
                    change,
                );
            }
            (None, None) => {}
        }
    }
    if old.not_null != new.not_null && new.more.identity.is_none() {
        if new.not_null {
            set_not_null(p, table, &new.name, change, None);
        } else {
            // PostgreSQL keeps NOT NULL while a primary key or an identity needs it: the column
            // becomes nullable only after they are gone.
            let sql = format!("ALTER TABLE {shown} ALTER COLUMN {col} DROP NOT NULL;");
            let old_table = p.from.tables.get(&p.old_table_name(table));
            let key = old_table.and_then(|t| {
                t.constraints
                    .iter()
                    .find(|(_, c)| c.kind == ConstraintKind::PrimaryKey && c.key_columns().contains(&old.name))
            });
            let key_fate = key.map(|(name, c)| match p.to.tables.get(table).and_then(|t| t.constraints.get(name)) {
                Some(kept) if kept.definition != c.definition => Phase::Rewrite,
                _ => Phase::Cleanup,
            });
            let (phase, rank, again) = match (key_fate, old.more.identity.is_some()) {
                (Some(Phase::Cleanup), _) => (Phase::Cleanup, Rank::DropTable, Rank::PartitionKeyAgain),
                (Some(_), _) | (None, true) => (Phase::Rewrite, Rank::ColumnRewrite, Rank::Key),
                (None, false) => (Phase::Prepare, Rank::Column, Rank::TableProperty),
            };
            p.push(phase, rank, sql, change);
            // On a partitioned table the drop reaches every partition: those that keep NOT NULL
            // get it again.
            let mut parents = vec![table.clone()];
            while let Some(parent) = parents.pop() {
                for (child, t) in
                    p.to.tables
                        .iter()
                        .filter(|(_, t)| t.more.partition_of.as_ref().is_some_and(|(of, _)| *of == parent))
                {
                    parents.push(child.clone());
                    let kept = t.column(&new.name).is_some_and(|c| c.not_null)
                        && p.from
                            .tables
                            .get(&p.old_table_name(child))
                            .and_then(|f| f.column(&old.name))
                            .is_some_and(|c| c.not_null);
                    if kept {
                        let sql = format!("ALTER TABLE {} ALTER COLUMN {col} SET NOT NULL;", qualified(child));
                        let note = format!("{child} keeps its NOT NULL, which the parent's DROP NOT NULL takes away");
                        p.push_step(phase, again, sql, vec![change_id(change)], Some(note));
                    }
                }
            }
        }
    }
}
