//! Steps for tables, columns, constraints, indexes and the views that depend on them.

use super::{change_id, Phase, Planner, Rank};
use crate::catalog::{Catalog, Column, Constraint, ConstraintKind, QualifiedName, Table, View};
use crate::diff::{Change, ChangeKind, ObjectKind, Property};
use crate::sql::{column_definition, create_index, ident, qualified};
use std::collections::BTreeSet;

pub(super) fn plan_tables(p: &mut Planner) {
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
fn giving_parent<'c>(catalog: &'c Catalog, table: &QualifiedName, column: &str) -> Option<&'c QualifiedName> {
    let t = catalog.tables.get(table)?;
    t.inherits.iter().find(|parent| catalog.tables.get(*parent).is_some_and(|pt| pt.column(column).is_some()))
}

/// Whether a parent `table` inherits from on both sides gains `column`: its ADD COLUMN reaches the
/// child, whose own would make the column the child's too.
fn gains_from_its_parent(p: &Planner, table: &QualifiedName, column: &str) -> bool {
    let old_table = p.old_table_name(table);
    let (Some(new), Some(old)) = (p.to.tables.get(table), p.from.tables.get(&old_table)) else { return false };
    new.inherits.iter().any(|parent| {
        let old_parent = p.old_table_name(parent);
        old.inherits.contains(&old_parent)
            && p.to.tables.get(parent).is_some_and(|t| t.column(column).is_some())
            && p.from.tables.get(&old_parent).is_some_and(|t| t.column(column).is_none())
    })
}

/// A child's column that is its own before and comes from a parent after (its own column becomes
/// inherited, or the table changes parents) stays its own: PostgreSQL keeps a column's local flag
/// when the parent gains it or the table joins a parent, and no statement clears it. The schema
/// works the same; only re-creating the table makes pg_dump write it as the target does. Said as
/// a manual step, never hidden.
fn columns_that_stay_own(p: &mut Planner) {
    for (name, new) in &p.to.tables {
        let old_name = p.old_table_name(name);
        let Some(old) = p.from.tables.get(&old_name) else { continue };
        if new.inherits.is_empty() {
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
                    return (!old.inherits.contains(&parent_before)).then(|| c.name.clone());
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
                if new.inherits == old.inherits {
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
fn type_storage(data_type: &str) -> &'static str {
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

/// Settings pg_dump writes as statements of their own after a table: each column's statistics
/// target, and the index `CLUSTER` uses. For new tables and columns too (a CREATE TABLE cannot say
/// them); the index clustered on is named after it is built.
fn settings(p: &mut Planner) {
    let names: Vec<QualifiedName> = p.to.tables.keys().cloned().collect();
    for name in names {
        let old_name = p.old_table_name(&name);
        let (new, old) = (&p.to.tables[&name], p.from.tables.get(&old_name));
        let shown = qualified(&name);
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
            let previous = before.and_then(|c| c.statistics.as_ref());
            if previous != column.statistics.as_ref() && (before.is_some() || column.statistics.is_some()) {
                let target = column.statistics.as_deref().unwrap_or("-1");
                let sql = format!("ALTER TABLE ONLY {shown} ALTER COLUMN {col} SET STATISTICS {target};");
                steps.push((Phase::Prepare, Rank::TableProperty, sql, id.clone()));
            }
            let previous = before.and_then(|c| c.storage.as_ref());
            if previous != column.storage.as_ref() && (before.is_some() || column.storage.is_some()) {
                let storage = match column.storage.as_deref() {
                    Some(storage) => storage.to_uppercase(),
                    None => type_storage(&column.data_type).to_string(),
                };
                let sql = format!("ALTER TABLE ONLY {shown} ALTER COLUMN {col} SET STORAGE {storage};");
                steps.push((Phase::Prepare, Rank::TableProperty, sql, id.clone()));
            }
            let previous = before.and_then(|c| c.compression.as_ref());
            if previous != column.compression.as_ref() && (before.is_some() || column.compression.is_some()) {
                let method = column.compression.as_deref().unwrap_or("default");
                let sql = format!("ALTER TABLE ONLY {shown} ALTER COLUMN {col} SET COMPRESSION {method};");
                steps.push((Phase::Prepare, Rank::TableProperty, sql, id.clone()));
            }
            let previous: &[String] = before.map_or(&[], |c| c.options.as_slice());
            let option_name = |o: &String| o.split_once('=').map_or(o.clone(), |(n, _)| n.trim().to_string());
            let reset: Vec<String> = previous
                .iter()
                .map(option_name)
                .filter(|n| !column.options.iter().any(|o| option_name(o) == *n))
                .collect();
            if !reset.is_empty() {
                let sql = format!("ALTER TABLE ONLY {shown} ALTER COLUMN {col} RESET ({});", reset.join(", "));
                steps.push((Phase::Prepare, Rank::TableProperty, sql, id.clone()));
            }
            let set: Vec<&String> = column.options.iter().filter(|o| !previous.contains(o)).collect();
            if !set.is_empty() {
                let set: Vec<&str> = set.iter().map(|o| o.as_str()).collect();
                let sql = format!("ALTER TABLE ONLY {shown} ALTER COLUMN {col} SET ({});", set.join(", "));
                steps.push((Phase::Prepare, Rank::TableProperty, sql, id));
            }
        }
        let previous = old.and_then(|t| t.cluster_on.as_ref());
        if previous != new.cluster_on.as_ref() {
            let id = format!("table {name}");
            match &new.cluster_on {
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
fn free_names(p: &mut Planner) {
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
        let moved = super::aside_name(&name.name);
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

/// Whether `text` names `word` as a whole word (an identifier, bare or quoted), not as part of one.
pub(super) fn names_word(text: &str, word: &str) -> bool {
    let is_name = super::view_mentions::is_name_char;
    let quoted = format!("\"{}\"", word.replace('"', "\"\""));
    text.contains(&quoted)
        || text.match_indices(word).any(|(at, _)| {
            !text[..at].chars().next_back().is_some_and(is_name)
                && !text[at + word.len()..].chars().next().is_some_and(is_name)
        })
}

/// What PostgreSQL will not change a column's type under, on the FROM side: policies and triggers
/// of the table whose expressions name the column, generated columns computed from it, and
/// functions with SQL-standard bodies (`BEGIN ATOMIC`, `RETURN`) that read the table. The
/// statements that take them away before the type changes, and those that make the target's
/// again after.
pub(super) fn column_dependents(p: &Planner, table: &QualifiedName, column: &str) -> (Vec<String>, Vec<String>) {
    let (mut before, mut after) = (Vec::new(), Vec::new());
    let shown = qualified(table);
    let source = |key: String| p.to.sources.get(&key).map(|s| s.trim().to_string());
    // A policy of another table that reads this one (a subquery naming it) counts too.
    let reads_column = |policy: &crate::catalog::Policy| {
        let reads_table = |e: &str| &policy.table == table || e.contains(&shown) || names_word(e, &table.name);
        super::objects::policy_reads(policy, &|e| reads_table(e) && names_word(e, column))
    };
    let (away, again) = super::objects::policies_reading(p, &reads_column);
    before.extend(away);
    after.extend(again);
    for (key, trigger) in p.from.triggers.iter().filter(|(_, x)| &x.table == table) {
        if names_word(&trigger.definition, column) {
            let name = crate::catalog::member_name(key, table);
            before.push(format!("DROP TRIGGER IF EXISTS {} ON {shown};", ident(name)));
            if let Some(create) = source(format!("trigger {key}")) {
                after.push(create);
                let word = super::objects::enabled_word(p.to.triggers.get(key).and_then(|t| t.enabled.as_deref()));
                after.extend(word.map(|w| format!("ALTER TABLE {shown} {w} TRIGGER {};", ident(name))));
            }
        }
    }
    if let Some(from_table) = p.from.tables.get(table) {
        for generated in from_table.columns.iter().filter(|c| c.name != column) {
            if !generated.generated.as_deref().is_some_and(|g| names_word(g, column)) {
                continue;
            }
            before.push(format!("ALTER TABLE {shown} DROP COLUMN IF EXISTS {};", ident(&generated.name)));
            let target = p.to.tables.get(table).and_then(|t| t.column(&generated.name));
            if let Some(target) = target {
                after.push(format!("ALTER TABLE {shown} ADD COLUMN {};", column_sql(p.to, table, target)));
            }
        }
    }
    let standard_body = |f: &crate::catalog::Function| f.body.as_deref().is_some_and(|b| !b.starts_with(['$', '\'']));
    for (key, function) in p.from.functions.iter().filter(|(_, f)| standard_body(f)) {
        let body = function.body.as_deref().unwrap_or_default();
        if !(body.contains(&shown) || names_word(body, &table.name)) || !names_word(body, column) {
            continue;
        }
        let word = if function.kind == "procedure" { "PROCEDURE" } else { "FUNCTION" };
        before.push(format!("DROP {word} IF EXISTS {};", super::objects::signature(function)));
        if let (Some(create), Some(target)) = (source(format!("function {key}")), p.to.functions.get(key)) {
            after.push(create);
            let kind = if target.kind == "procedure" { "procedure" } else { "function" };
            after.extend(p.carried_along(kind, key, &super::objects::signature(target)));
        }
    }
    (before, after)
}

/// A column as `ADD COLUMN` / `CREATE TABLE` writes it, with the identity's own sequence options.
pub(super) fn column_sql(catalog: &Catalog, table: &QualifiedName, column: &Column) -> String {
    let mut text = column_definition(column);
    if column.identity.is_some() {
        if let Some(options) = identity_options(catalog, table, &column.name) {
            text = text.replacen(" AS IDENTITY", &format!(" AS IDENTITY ({options})"), 1);
        }
    }
    text
}

/// `SEQUENCE NAME s.q START WITH 1 …` for the sequence behind an identity column.
fn identity_options(catalog: &Catalog, table: &QualifiedName, column: &str) -> Option<String> {
    let owner = format!("{table}.{column}");
    let (name, sequence) = catalog.sequences.iter().find(|(_, s)| s.owned_by.as_deref() == Some(owner.as_str()))?;
    let mut parts = vec![format!("SEQUENCE NAME {}", qualified(name))];
    parts.extend(sequence.options.iter().cloned());
    Some(parts.join(" "))
}

fn is_foreign(constraint: &Constraint) -> bool {
    constraint.kind == ConstraintKind::ForeignKey
}

/// The earliest phase a foreign key can be added in: after the key it references exists. A key
/// the migration adds to an existing table is built online (phase 2); one it replaces, in phase 3.
fn referenced_key_phase(p: &Planner, foreign: &Constraint) -> Phase {
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

/// Tables ordered so that a parent (partitioned or inherited) comes before its children.
fn parents_first<'c>(catalog: &'c Catalog, names: Vec<&'c QualifiedName>) -> Vec<&'c QualifiedName> {
    let parents = |name: &QualifiedName| -> Vec<QualifiedName> {
        let table = &catalog.tables[name];
        table.partition_of.iter().map(|(parent, _)| parent.clone()).chain(table.inherits.iter().cloned()).collect()
    };
    let mut out: Vec<&QualifiedName> = Vec::new();
    let mut left = names;
    while !left.is_empty() {
        let (ready, waiting): (Vec<&QualifiedName>, Vec<&QualifiedName>) = left
            .iter()
            .partition(|name| parents(name).iter().all(|parent| parent == **name || !left.contains(&parent)));
        if ready.is_empty() {
            out.extend(waiting); // a cycle cannot happen in PostgreSQL; keep the rest in name order
            break;
        }
        out.extend(ready);
        left = waiting;
    }
    out
}

fn create_table_sql(catalog: &Catalog, name: &QualifiedName, table: &Table) -> String {
    let unlogged = if table.unlogged { "UNLOGGED " } else { "" };
    let mut out = String::new();
    let mut keys: Vec<String> = table
        .constraints
        .iter()
        .filter(|(_, c)| !is_foreign(c) && !c.not_valid)
        .map(|(key, c)| format!("CONSTRAINT {} {}", ident(key), c.definition))
        .collect();
    // A partition must carry its parent's CHECKs to be attached (the catalog keeps them on the parent).
    if let Some(parent) = table.partition_of.as_ref().and_then(|(parent, _)| catalog.tables.get(parent)) {
        keys.extend(
            parent
                .constraints
                .iter()
                .filter(|(key, c)| c.kind == ConstraintKind::Check && !table.constraints.contains_key(*key))
                .map(|(key, c)| format!("CONSTRAINT {} {}", ident(key), c.definition)),
        );
    }
    // A new partition is created as a table of its own and attached once its indexes exist (as
    // pg_dump does), so PostgreSQL matches its keys and indexes with the parent's instead of
    // creating copies under other names.
    let mut own: Vec<String> = Vec::new();
    {
        let inherited: BTreeSet<&str> = table
            .inherits
            .iter()
            .filter_map(|parent| catalog.tables.get(parent))
            .flat_map(|parent| parent.columns.iter().map(|c| c.name.as_str()))
            .collect();
        let mut lines: Vec<String> = table
            .columns
            .iter()
            .filter(|c| !inherited.contains(c.name.as_str()))
            .map(|c| column_sql(catalog, name, c))
            .collect();
        // A typed table's columns come from its type: what it lists are their options.
        let of = match &table.of_type {
            Some(of) => {
                lines = table
                    .columns
                    .iter()
                    .filter(|c| c.not_null || c.default.is_some())
                    .map(|c| {
                        let not_null = if c.not_null { " NOT NULL" } else { "" };
                        let default = c.default.as_ref().map(|d| format!(" DEFAULT {d}")).unwrap_or_default();
                        format!("{} WITH OPTIONS{not_null}{default}", ident(&c.name))
                    })
                    .collect();
                format!(" OF {}", qualified(of))
            }
            None => String::new(),
        };
        lines.extend(keys);
        out.push_str(&format!("CREATE {unlogged}TABLE IF NOT EXISTS {}{of}", qualified(name)));
        if !of.is_empty() && lines.is_empty() {
        } else if lines.is_empty() {
            out.push_str(" (");
            out.push(')');
        } else {
            out.push_str(&format!(" (\n    {}\n)", lines.join(",\n    ")));
        }
        if !table.inherits.is_empty() {
            let parents: Vec<String> = table.inherits.iter().map(qualified).collect();
            out.push_str(&format!(" INHERITS ({})", parents.join(", ")));
        }
        // An inherited column's own default or NOT NULL (`ALTER TABLE ONLY child …`): after the
        // statement, once the column exists.
        let parent_column = |column: &str| {
            table.inherits.iter().filter_map(|parent| catalog.tables.get(parent)).find_map(|t| t.column(column))
        };
        for column in table.columns.iter().filter(|c| inherited.contains(c.name.as_str())) {
            let Some(from_parent) = parent_column(&column.name) else { continue };
            let col = ident(&column.name);
            if column.default != from_parent.default {
                let action = column.default.as_ref().map_or("DROP DEFAULT".to_string(), |d| format!("SET DEFAULT {d}"));
                own.push(format!("ALTER TABLE ONLY {} ALTER COLUMN {col} {action};", qualified(name)));
            }
            if column.not_null && !from_parent.not_null {
                own.push(format!("ALTER TABLE ONLY {} ALTER COLUMN {col} SET NOT NULL;", qualified(name)));
            }
        }
    }
    if let Some(partition_by) = &table.partition_by {
        out.push_str(&format!(" PARTITION BY {partition_by}"));
    }
    if !table.options.is_empty() {
        out.push_str(&format!(" WITH ({})", table.options.join(", ")));
    }
    if let Some(tablespace) = &table.tablespace {
        out.push_str(&format!(" TABLESPACE {}", ident(tablespace)));
    }
    out.push(';');
    for statement in own {
        out.push('\n');
        out.push_str(&statement);
    }
    let shown = qualified(name);
    if table.row_level_security {
        out.push_str(&format!("\nALTER TABLE {shown} ENABLE ROW LEVEL SECURITY;"));
    }
    if table.force_row_level_security {
        out.push_str(&format!("\nALTER TABLE {shown} FORCE ROW LEVEL SECURITY;"));
    }
    // `USING INDEX` waits for the index (`replica_identity_index`).
    if let Some(identity) = table.replica_identity.as_ref().filter(|i| !uses_index(i)) {
        out.push_str(&format!("\nALTER TABLE {shown} REPLICA IDENTITY {identity};"));
    }
    out
}

fn uses_index(identity: &str) -> bool {
    identity.to_ascii_uppercase().starts_with("USING INDEX")
}

/// `REPLICA IDENTITY USING INDEX i` once `i` exists: new indexes are built in phase 2.
/// An index whose column becomes NOT NULL in phase 3 can serve only after that (PostgreSQL
/// refuses an index over a nullable column).
fn replica_identity_index(p: &mut Planner, name: &QualifiedName, identity: &str, change_id: String) {
    let sql = format!("ALTER TABLE {} REPLICA IDENTITY {identity};", qualified(name));
    let index = identity.rsplit(' ').next().map(|i| QualifiedName::new(&name.schema, i.trim_matches('"')));
    let keys = index.and_then(|i| p.to.indexes.get(&i)).map(|i| i.keys.clone()).unwrap_or_default();
    let old = p.from.tables.get(&p.old_table_name(name));
    let gains_not_null = p.to.tables.get(name).is_some_and(|t| {
        t.columns.iter().any(|c| {
            c.not_null
                && old.and_then(|o| o.column(&c.name)).is_some_and(|o| !o.not_null)
                && keys.iter().any(|k| names_word(k, &c.name))
        })
    });
    if gains_not_null {
        p.push_step(Phase::Rewrite, Rank::Validate, sql, vec![change_id], None);
    } else {
        p.push_step(Phase::Online, Rank::IndexAttach, sql, vec![change_id], None);
    }
}

fn added_tables(p: &mut Planner) {
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
        if let Some(identity) = table.replica_identity.as_ref().filter(|i| uses_index(i)) {
            replica_identity_index(p, name, identity, format!("table {name}"));
        }
        if let Some((parent, bound)) = &table.partition_of {
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

fn removed_tables(p: &mut Planner) {
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
            let (parent, bound) = t.partition_of.as_ref()?;
            let before = p.from.tables.get(&p.old_table_name(name)).and_then(|o| o.partition_of.as_ref());
            let same = before
                .is_some_and(|(old_parent, old_bound)| *old_parent == p.old_table_name(parent) && old_bound == bound);
            (!same).then(|| p.old_table_name(parent))
        })
        .collect();
    for name in &removed {
        let Some((parent, _)) = &p.from.tables[*name].partition_of else { continue };
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
        let parent = p.from.tables[name].partition_of.as_ref().map(|(parent, _)| parent);
        let copied = parent.filter(|parent| {
            p.to.tables.keys().any(|new_name| p.old_table_name(new_name) == **parent && recreated_table(p, new_name))
        });
        let note = Some(match copied {
            Some(parent) => {
                format!("its rows were copied with the rest of {parent} in phase 3, and it went with that table")
            }
            None => format!("data loss: the rows of {name} are deleted; back them up first if they matter"),
        });
        p.push_step(Phase::Cleanup, Rank::DropTable, sql, vec![format!("table {name}")], note);
    }
}

fn altered_tables(p: &mut Planner) {
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
            if let Some((parent, _)) = &old.partition_of {
                // A parent made again is under its moved name by then.
                let parent = if recreated_from(p, parent) { moved_table(parent) } else { parent.clone() };
                let sql = format!("ALTER TABLE {} DETACH PARTITION {shown};", qualified(&parent));
                p.push(Phase::Prepare, Rank::Table, sql, &change);
            }
            if let Some((parent, bound)) = &new.partition_of {
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
        let new_parents: Vec<QualifiedName> = new.inherits.iter().map(|t| p.old_table_name(t)).collect();
        for parent in old.inherits.iter().filter(|t| !new_parents.contains(t)) {
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
            new.inherits.iter().filter(|t| !old.inherits.contains(&p.old_table_name(t))).collect();
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
        if as_set(&old.options) != as_set(&new.options) {
            let names = |options: &[String]| -> Vec<String> {
                options.iter().map(|o| o.split('=').next().unwrap_or(o).trim().to_string()).collect()
            };
            let gone: Vec<String> =
                names(&old.options).into_iter().filter(|n| !names(&new.options).contains(n)).collect();
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
            if !new.options.is_empty() {
                p.push(
                    Phase::Prepare,
                    Rank::TableProperty,
                    format!("ALTER TABLE {shown} SET ({});", new.options.join(", ")),
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
        if old.replica_identity != new.replica_identity && new.replica_identity.as_deref().is_some_and(uses_index) {
            replica_identity_index(p, name, new.replica_identity.as_deref().unwrap_or_default(), change_id(&change));
        } else if old.replica_identity != new.replica_identity {
            let identity = new.replica_identity.as_deref().unwrap_or("DEFAULT");
            // Leaving an index: before its columns may drop NOT NULL (which it would refuse).
            let rank =
                if old.replica_identity.as_deref().is_some_and(uses_index) { Rank::Table } else { Rank::TableProperty };
            p.push(Phase::Prepare, rank, format!("ALTER TABLE {shown} REPLICA IDENTITY {identity};"), &change);
        }
        if old.of_type != new.of_type {
            // Leaving its type first (its columns then change freely); joining one once its
            // columns are the type's.
            if old.of_type.is_some() {
                p.push(Phase::Prepare, Rank::Table, format!("ALTER TABLE {shown} NOT OF;"), &change);
            }
            if let Some(of) = &new.of_type {
                p.push(
                    Phase::Prepare,
                    Rank::TableProperty,
                    format!("ALTER TABLE {shown} OF {};", qualified(of)),
                    &change,
                );
            }
        }
        if old.tablespace != new.tablespace {
            let tablespace = new.tablespace.as_deref().map_or("pg_default".to_string(), ident);
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
    for change in column_changes {
        let Some((table, Some(_), Some(_))) = column_pair(p, &change) else { continue };
        let has_table_change = p.changes_of(ObjectKind::Table).any(|c| c.key.qualified() == Some(&table));
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

/// Whether a table is the same partition (or no partition) on both sides: the same parent (under
/// a confirmed new name too) and the same bound.
fn same_partition(p: &Planner, old: &Table, new: &Table) -> bool {
    match (&old.partition_of, &new.partition_of) {
        (Some((old_parent, old_bound)), Some((new_parent, new_bound))) => {
            *old_parent == p.old_table_name(new_parent) && old_bound == new_bound
        }
        (None, None) => true,
        _ => false,
    }
}

/// Whether a table on both sides, under the same partitioning, has a partition key reading a
/// column of type `name` (which a type made again must be made in phase 1 for: the new table is).
pub(super) fn partition_key_of_type(p: &Planner, name: &QualifiedName) -> bool {
    p.to.tables.iter().any(|(table, new)| {
        p.from.tables.get(&p.old_table_name(table)).is_some_and(|old| {
            old.partition_by == new.partition_by
                && partition_key_columns(old)
                    .any(|c| crate::catalog::datatype::type_name(&c.data_type).as_ref() == Some(name))
        })
    })
}

/// The name a table made again is moved to (`t_sdold`) while the new one is built.
fn moved_table(old_name: &QualifiedName) -> QualifiedName {
    QualifiedName::new(&old_name.schema, &super::aside_name(&old_name.name))
}

/// Whether the table named `old_name` in FROM is made again (its target is `recreated_table`).
fn recreated_from(p: &Planner, old_name: &QualifiedName) -> bool {
    p.to.tables.keys().any(|new_name| p.old_table_name(new_name) == *old_name && recreated_table(p, new_name))
}

/// Whether a table is made again (its partitioning changes, or the type of a column its partition
/// key reads): its columns, constraints and indexes come with the new table instead of being
/// altered one by one.
pub(super) fn recreated_table(p: &Planner, name: &QualifiedName) -> bool {
    let new = p.to.tables.get(name);
    let old = p.from.tables.get(&p.old_table_name(name));
    matches!((old, new), (Some(old), Some(new)) if old.partition_by != new.partition_by || partition_key_retyped(old, new))
        || key_type_remade(p, name)
}

/// The columns of `table` its partition key reads.
fn partition_key_columns(table: &Table) -> impl Iterator<Item = &Column> {
    let words: Vec<String> = table
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
fn partition_key_retyped(old: &Table, new: &Table) -> bool {
    partition_key_columns(old)
        .any(|column| new.column(&column.name).is_some_and(|target| target.data_type != column.data_type))
}

/// Whether a column the partition key of a table on both sides (under the same partitioning)
/// reads keeps its type's name while the type is made again (`objects::recreates_type`): the
/// column cannot be converted in place either.
fn key_type_remade(p: &Planner, name: &QualifiedName) -> bool {
    let (Some(old), Some(new)) = (p.from.tables.get(&p.old_table_name(name)), p.to.tables.get(name)) else {
        return false;
    };
    old.partition_by == new.partition_by
        && partition_key_columns(old).any(|column| {
            new.column(&column.name).is_some_and(|target| target.data_type == column.data_type)
                && crate::catalog::datatype::type_name(&column.data_type)
                    .is_some_and(|t| super::objects::recreates_type(p, &t))
        })
}

/// A table whose partitioning changes: PostgreSQL cannot convert it in place. The old table is
/// renamed (with its keys and indexes, freeing their names), the new one created in phase 1 (its
/// partitions are attached in phase 2), the rows copied in phase 3, then the old table dropped;
/// foreign keys that point at it are dropped first and added again after the copy.
fn recreate_table(p: &mut Planner, name: &QualifiedName, old: &Table, new: &Table, id: &str) {
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
        let free = super::aside_name(key);
        prepare.push(format!(
            "ALTER TABLE {} RENAME CONSTRAINT {} TO {};",
            qualified(&moved),
            ident(key),
            ident(&free)
        ));
    }
    for (index_name, _) in p.from.indexes.iter().filter(|(_, i)| i.table == old_name && i.attached_to.is_none()) {
        let free = super::aside_name(&index_name.name);
        prepare.push(format!("ALTER INDEX {} RENAME TO {};", qualified(index_name), ident(&free)));
        p.moved.insert(index_name.clone(), free);
    }
    // A partition made again (it becomes partitioned itself, or stops being) leaves its parent
    // under its old name, and the new table takes its place.
    if let Some((parent, _)) = &old.partition_of {
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
            let (_, bound) = t.partition_of.as_ref().filter(|(parent, _)| parent == name)?;
            let before = p.from.tables.get(&p.old_table_name(partition))?;
            (same_partition(p, before, t) && !recreated_table(p, partition)).then(|| (partition.clone(), bound.clone()))
        })
        .collect();
    for (partition, _) in &staying {
        prepare.push(format!("ALTER TABLE {} DETACH PARTITION {};", qualified(&moved), qualified(partition)));
    }
    prepare.push(create_table_sql(p.to, name, new));
    if let Some((parent, bound)) = &new.partition_of {
        prepare.push(format!("ALTER TABLE {} ATTACH PARTITION {} {bound};", qualified(parent), qualified(name)));
    }
    for (index_name, index) in p.to.indexes.iter().filter(|(_, i)| i.table == *name) {
        prepare.push(create_index(index_name, index).replacen(" INDEX ", " INDEX IF NOT EXISTS ", 1));
    }
    let shown = qualified(name);
    if let Some(identity) = new.replica_identity.as_ref().filter(|i| uses_index(i)) {
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
                prepare.push(format!("DROP STATISTICS IF EXISTS {};", super::objects::table_sql(statistics)));
            }
            prepare.push(source.trim().to_string());
            if let Some(role) = p.to.owners.get(key) {
                prepare.push(format!(
                    "ALTER STATISTICS {} OWNER TO {};",
                    super::objects::table_sql(statistics),
                    ident(role)
                ));
            }
        } else if key.starts_with("rule ") && key.ends_with(&rules_on) {
            prepare.push(source.trim().to_string());
        }
    }
    // The new table gets the target's owner, comments and privileges.
    prepare.extend(p.carried_along("table", &name.to_string(), &shown));
    let note = if old.partition_by == new.partition_by {
        format!(
            "{name} changes the type of a column its partition key reads: PostgreSQL cannot alter it in place, so a new table is created and the rows are copied in phase 3; stop writes to it from here until then"
        )
    } else {
        format!(
            "{name} changes its partitioning ({} → {}): PostgreSQL cannot convert a table in place, so a new one is created and the rows are copied in phase 3; stop writes to it from here until then",
            old.partition_by.as_deref().unwrap_or("not partitioned"),
            new.partition_by.as_deref().unwrap_or("not partitioned")
        )
    };
    p.push_step(Phase::Prepare, Rank::FreeName, prepare.join("\n"), id.clone(), Some(note));
    p.created.insert(format!("table {name}"), Phase::Prepare);
    // Phase 3: the rows, sequences owned by the new columns, then the old table goes.
    let copied: Vec<&Column> =
        new.columns.iter().filter(|c| c.generated.is_none() && old.column(&c.name).is_some()).collect();
    let columns: Vec<String> = copied.iter().map(|c| ident(&c.name)).collect();
    // A column of a type made again holds the old type (renamed away), which converts through text.
    let values: Vec<String> = copied
        .iter()
        .map(|c| {
            let remade = old.column(&c.name).and_then(|o| crate::catalog::datatype::type_name(&o.data_type));
            if remade.is_some_and(|t| super::objects::recreates_type(p, &t)) {
                let through = if c.data_type.ends_with("[]") { "text[]" } else { "text" };
                format!("{}::{through}::{}", ident(&c.name), c.data_type)
            } else {
                ident(&c.name)
            }
        })
        .collect();
    let overriding = if new.columns.iter().any(|c| c.identity.as_deref() == Some("ALWAYS")) {
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
        let not_valid = constraint.not_valid && new.partition_by.is_none();
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
fn old_table<'c>(p: &Planner<'c>, change: &Change) -> Option<&'c Table> {
    let key = match change.change {
        ChangeKind::Renamed => change.was.as_ref()?,
        _ => &change.key,
    };
    key.find(&p.from.tables).map(|(_, t)| t)
}

fn column_pair<'c>(
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
        ChangeKind::Renamed => change.was.as_ref().and_then(|was| was.member()).map_or(column, |(_, c)| c),
        _ => column,
    };
    Some((name, old_table.and_then(|t| t.column(old_column_name)), new_table.and_then(|t| t.column(column))))
}

/// Whether a column change of a partition is its parent's change passed down: the table is a
/// partition of the same parent before and after, and the parent has the column on the side the
/// change needs (after for an addition, before for a removal, both for a type, collation or name).
fn from_the_parent(
    p: &Planner,
    table: &QualifiedName,
    change: &Change,
    (before_name, after_name): (&str, &str),
) -> bool {
    fn parent<'c>(catalog: &'c Catalog, table: &QualifiedName) -> Option<&'c QualifiedName> {
        catalog.tables.get(table).and_then(|t| t.partition_of.as_ref()).map(|(p, _)| p)
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
                of(parent).zip(of(child)).is_some_and(|(a, b)| a.data_type == b.data_type && a.collation == b.collation)
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

fn columns(p: &mut Planner) {
    let changes: Vec<Change> = p.changes_of(ObjectKind::Column).cloned().collect();
    for change in changes {
        let Some((table, old, new)) = column_pair(p, &change) else { continue };
        if recreated_table(p, &table) {
            continue; // the new table has its columns already
        }
        // A typed table's columns come and go, and change type, with its type's attributes.
        let of_type = |catalog: &Catalog, t: &QualifiedName| catalog.tables.get(t).and_then(|t| t.of_type.clone());
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
                let needs_backfill =
                    new.not_null && new.default.is_none() && new.identity.is_none() && new.generated.is_none();
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
                    p.to.tables.values().any(|t| t.inherits.contains(&table) && t.column(&old.name).is_some());
                let only = if kept_below { "ONLY " } else { "" };
                let sql = format!("ALTER TABLE IF EXISTS {only}{shown} DROP COLUMN IF EXISTS {};", ident(&old.name));
                // An inherited column goes with its parent's drop; PostgreSQL refuses the child's
                // before it (the child's, after, drops what the child had as its own too).
                let from_table = p.old_table_name(&table);
                let rank = if inherited(p.from, &from_table, &old.name) {
                    Rank::DropInheritedColumn
                } else if old.generated.is_some() {
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

/// `SET NOT NULL` without a long exclusive lock: a CHECK added NOT VALID, validated, then used.
fn set_not_null(p: &mut Planner, table: &QualifiedName, column: &str, change: &Change, note: Option<&str>) {
    let shown = qualified(table);
    let check = ident(&super::with_suffix(&format!("{}_{column}", table.name), "_not_null"));
    let sql = format!(
        "ALTER TABLE {shown} ADD CONSTRAINT {check} CHECK ({col} IS NOT NULL) NOT VALID;\n\
         ALTER TABLE {shown} VALIDATE CONSTRAINT {check};\n\
         ALTER TABLE {shown} ALTER COLUMN {col} SET NOT NULL;\n\
         ALTER TABLE {shown} DROP CONSTRAINT {check};",
        col = ident(column)
    );
    let note =
        note.map(|n| format!("{n}; the validated CHECK lets SET NOT NULL skip the full-table scan (PostgreSQL 12+)"));
    p.push_step(Phase::Rewrite, Rank::ColumnRewrite, sql, vec![change_id(change)], note);
}

fn altered_column(p: &mut Planner, table: &QualifiedName, old: &Column, new: &Column, change: &Change) {
    let shown = qualified(table);
    let col = ident(&new.name);
    if old.name != new.name {
        let sql = format!("ALTER TABLE {shown} RENAME COLUMN {} TO {col};", ident(&old.name));
        p.push(Phase::Prepare, Rank::Table, sql, change);
    }
    // A generated column calling a function made again is dropped and added again around it
    // (`objects::callers_of`), with the target's definition.
    let calls_remade = |column: &Column| {
        let generated = column.generated.as_deref().unwrap_or_default();
        super::objects::recreated_functions(p).iter().any(|f| generated.contains(&format!("{}(", qualified(f))))
    };
    if old.generated.is_some() && new.generated.is_some() && calls_remade(old) {
        return;
    }
    if old.generated != new.generated {
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
    let type_changes = old.data_type != new.data_type || old.collation != new.collation;
    let refused = super::casts::missing_cast(&old.data_type, &new.data_type, &col);
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
        let collate = new.collation.as_ref().map(|c| format!(" COLLATE {c}")).unwrap_or_default();
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
        let sql = if new.generated.is_some() {
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
        let identity_goes = old.identity.is_some() && new.identity.is_none();
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
        && new.identity.is_none()
        && old.identity.is_none()
        && !crate::catalog::datatype::type_name(&new.data_type).is_some_and(|t| super::objects::recreates_type(p, &t))
    {
        // (A column of a type made again gets the target's default with its conversion.)
        let sql = match &new.default {
            Some(default) => format!("ALTER TABLE {shown} ALTER COLUMN {col} SET DEFAULT {default};"),
            None => format!("ALTER TABLE {shown} ALTER COLUMN {col} DROP DEFAULT;"),
        };
        p.push(Phase::Prepare, Rank::Column, sql, change);
    }
    if old.identity != new.identity {
        match (&old.identity, &new.identity) {
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
                    let sql = format!("ALTER TABLE {shown} ALTER COLUMN {col} SET NOT NULL;");
                    p.push(Phase::Rewrite, Rank::ColumnRewrite, sql, change);
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
    if old.not_null != new.not_null && new.identity.is_none() {
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
            let (phase, rank, again) = match (key_fate, old.identity.is_some()) {
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
                    p.to.tables.iter().filter(|(_, t)| t.partition_of.as_ref().is_some_and(|(of, _)| *of == parent))
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

/// `unique (a, b)` / `primary key (a)` without further clauses: buildable from an index.
fn simple_key(definition: &str) -> Option<(&'static str, &str)> {
    let (word, rest) = if let Some(rest) = definition.strip_prefix("unique ") {
        ("UNIQUE", rest)
    } else {
        ("PRIMARY KEY", definition.strip_prefix("primary key ")?)
    };
    (rest.starts_with('(') && rest.ends_with(')') && rest.matches('(').count() == 1).then_some((word, rest))
}

pub(super) fn constraint_sql(table: &QualifiedName, name: &str, constraint: &Constraint, not_valid: bool) -> String {
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
fn passed_down(p: &Planner, table: &QualifiedName, constraint: &Constraint) -> bool {
    if !matches!(constraint.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique) {
        return false;
    }
    let Some((parent, _)) = p.to.tables.get(table).and_then(|t| t.partition_of.as_ref()) else { return false };
    let Some(parent_table) = p.to.tables.get(parent) else { return false };
    let old_parent = p.from.tables.get(&p.old_table_name(parent));
    let attached_now = p.from.tables.get(table).is_none_or(|t| t.partition_of.is_none());
    parent_table.constraints.iter().any(|(key, c)| {
        c.kind == constraint.kind
            && c.definition == constraint.definition
            && (attached_now || old_parent.is_none_or(|t| t.constraints.get(key) != Some(c)))
    })
}

fn constraints(p: &mut Planner) {
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
            ChangeKind::Renamed => change.was.as_ref().and_then(|was| was.member()).map_or(key, |(_, k)| k),
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

/// A partitioned table's primary or unique key that goes takes its partitions' copies along
/// (PostgreSQL drops the attached constraints with it): the partitions the target gives a key of
/// their own with that definition get it again.
fn partition_keys_kept(p: &Planner, table: &QualifiedName, key: &Constraint) -> Vec<String> {
    if !matches!(key.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (partition, before) in &p.from.tables {
        if before.partition_of.as_ref().map(|(parent, _)| parent) != Some(table) {
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
fn foreign_keys_bound_to(p: &Planner, table: &QualifiedName, key: &Constraint) -> (Vec<String>, Vec<String>) {
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
fn replace_constraint(
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
fn add_constraint(
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
        ConstraintKind::ForeignKey if p.to.tables.get(table).is_some_and(|t| t.partition_by.is_some()) => {
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
                if phase == Phase::Online && p.to.tables.get(table).is_none_or(|t| t.partition_by.is_none()) =>
            {
                let index = ident(key);
                let sql = format!(
                    "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {index} ON {shown} USING btree {columns};\n\
                     ALTER TABLE {shown} ADD CONSTRAINT {index} {word} USING INDEX {index};"
                );
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
fn reads_retyped_column(p: &Planner, table: &QualifiedName, text: &str) -> bool {
    let (Some(before), Some(after)) = (p.from.tables.get(&p.old_table_name(table)), p.to.tables.get(table)) else {
        return false;
    };
    after
        .columns
        .iter()
        .any(|c| before.column(&c.name).is_some_and(|b| b.data_type != c.data_type) && names_word(text, &c.name))
}

/// An index's columns, expressions and predicate as one text.
fn index_text(index: &crate::catalog::Index) -> String {
    index.keys.iter().chain(&index.include).chain(&index.predicate).cloned().collect::<Vec<_>>().join(" ")
}

fn indexes(p: &mut Planner, recreated: &[QualifiedName]) {
    let changes: Vec<Change> = p.changes_of(ObjectKind::Index).cloned().collect();
    // Looked up for every index: computed once.
    let objects = |change: ChangeKind| -> BTreeSet<String> {
        p.diff.changes.iter().filter(|c| c.change == change).map(|c| c.object.clone()).collect()
    };
    let (added_objects, dropped_tables) = (objects(ChangeKind::Added), objects(ChangeKind::Removed));
    let rebuilt: BTreeSet<String> = changes
        .iter()
        .filter(|c| c.change == ChangeKind::Altered)
        .filter(|c| {
            c.key
                .find(&p.to.indexes)
                .and_then(|(_, i)| p.to.tables.get(&i.table))
                .is_some_and(|t| t.partition_by.is_some())
        })
        .map(|c| c.object.clone())
        .collect();
    let attached_parents: BTreeSet<QualifiedName> = p
        .changes_of(ObjectKind::Table)
        .filter(|c| c.change == ChangeKind::Added)
        .filter_map(|c| c.key.find(&p.to.tables)?.1.partition_of.as_ref().map(|(parent, _)| parent.clone()))
        .collect();
    for change in changes {
        let new = change.key.find(&p.to.indexes);
        let old_key = match change.change {
            ChangeKind::Renamed => change.was.as_ref().unwrap_or(&change.key),
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
                && p.to.tables.get(&index.table).is_some_and(|t| t.partition_of.is_some())
                && p.from.tables.get(&index.table).is_some_and(|t| t.partition_of.is_none())
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
                let partitioned = p.to.tables.get(&index.table).is_some_and(|t| t.partition_by.is_some());
                let on_new_relation = p.created.contains_key(&format!("table {}", index.table))
                    || added_objects.contains(&index.table.to_string());
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
                    create_index(name, index).replacen(" INDEX ", " INDEX CONCURRENTLY IF NOT EXISTS ", 1)
                };
                // Other indexes of a new partition come after it is attached, so that attaching
                // matches the parent's indexes with the intended ones.
                let new_partition = on_new_relation
                    && index.attached_to.is_none()
                    && p.to.tables.get(&index.table).is_some_and(|t| t.partition_of.is_some());
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
                let detached = p.to.tables.get(&index.table).is_some_and(|t| t.partition_of.is_none());
                if index.attached_to.is_some() && !detached {
                    continue; // dropped with its parent index
                }
                let partitioned = p.from.tables.get(&index.table).is_some_and(|t| t.partition_by.is_some());
                let table_dropped = dropped_tables.contains(&index.table.to_string());
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

/// A partition's index that stays the same but is attached to a parent index on one side only.
/// Attached in `to`: attached once the parent index exists (a partition attached meanwhile has it
/// attached already). Attached in `from` only: a partition that leaves its table takes it along
/// (`DETACH PARTITION`); one that stays loses it with the parent index (PostgreSQL has no detach
/// for an index), so it is built again once that is dropped.
fn attachment_changed(
    p: &mut Planner,
    name: &QualifiedName,
    old: &crate::catalog::Index,
    index: &crate::catalog::Index,
    change: &Change,
) {
    // A partition of the same table on both sides (one that joins or leaves has its indexes
    // attached or detached with it).
    let stays_partition = match (p.to.tables.get(&index.table), p.from.tables.get(&old.table)) {
        (Some(new), Some(from)) => new.partition_of.is_some() && same_partition(p, from, new),
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
fn index_dependents(p: &Planner, name: &QualifiedName, index: &crate::catalog::Index) -> (Vec<String>, Vec<String>) {
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
        if table.replica_identity.as_deref().is_some_and(|i| uses_index(i) && i.ends_with(&ident(&name.name))) {
            after.push(format!("ALTER TABLE {shown} REPLICA IDENTITY USING INDEX {};", ident(&name.name)));
        }
        if table.cluster_on.as_deref() == Some(name.name.as_str()) {
            after.push(format!("ALTER TABLE {shown} CLUSTER ON {};", ident(&name.name)));
        }
    }
    (before, after)
}

/// A changed index: the new one is built concurrently under a temporary name, then swapped in.
fn rebuild_index(p: &mut Planner, name: &QualifiedName, index: &crate::catalog::Index, change: &Change) {
    let (before, after) = index_dependents(p, name, index);
    let partitioned = p.to.tables.get(&index.table).is_some_and(|t| t.partition_by.is_some());
    if partitioned || index.attached_to.is_some() {
        let mut sql = before;
        sql.push(format!("DROP INDEX IF EXISTS {};", qualified(name)));
        if partitioned {
            // As pg_dump builds it: the parent index on the parent only, each partition's index
            // (the target's name), attached; PostgreSQL drops the old ones with the old parent.
            sql.push(create_index(name, index).replacen(" ON ", " ON ONLY ", 1));
            // (A table that becomes a partition later gets its index from the attach.)
            let partition_now = |table: &QualifiedName| match p.from.tables.get(&p.old_table_name(table)) {
                Some(t) => t.partition_of.as_ref().is_some_and(|(parent, _)| *parent == p.old_table_name(&index.table)),
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
    let temporary = QualifiedName::new(&name.schema, &super::with_suffix(&name.name, "_sdnew"));
    let mut sql = vec![create_index(&temporary, index).replacen(" INDEX ", " INDEX CONCURRENTLY IF NOT EXISTS ", 1)];
    sql.extend(before);
    sql.push(format!(
        "DROP INDEX CONCURRENTLY IF EXISTS {};\nALTER INDEX {} RENAME TO {};",
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

/// Whether `text` mentions `name` (`schema.name`) as a whole name.
pub(super) fn mentions(text: &str, name: &QualifiedName) -> bool {
    let needle = format!("{}.{}", ident(&name.schema), ident(&name.name));
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '$' || c == '"';
    text.match_indices(&needle).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + needle.len()..].chars().next();
        !before.is_some_and(|c| is_word(c) || c == '.') && !after.is_some_and(is_word)
    })
}

/// Views (and materialized views) of `from` that must be dropped and created again in phase 3:
/// changed ones, those over a table whose columns are rewritten, and views over those.
/// Sorted: callers look names up in it by binary search.
fn recreated_views(p: &Planner) -> Vec<QualifiedName> {
    let mut rewritten: BTreeSet<QualifiedName> = BTreeSet::new();
    for change in p.diff.changes.iter().filter(|c| c.object_kind == ObjectKind::Table && c.change.compares()) {
        if let Some((name, _)) = change.key.find(&p.to.tables) {
            if recreated_table(p, name) {
                rewritten.insert(p.old_table_name(name));
            }
        }
    }
    // A function dropped and made again (its return type or arguments change): the views calling it.
    for change in p.changes_of(ObjectKind::Function).filter(|c| c.change == ChangeKind::Altered) {
        if let (Some(old), Some(new)) = (p.from.functions.get(&change.object), p.to.functions.get(&change.object)) {
            if super::objects::recreated_function(old, new).is_some() {
                rewritten.insert(old.name.clone());
            }
        }
    }
    // A relation replaced by one of another kind under its name (a table by a view, a view by a
    // materialized view, a foreign table by a table): the views over it are made again around the
    // swap (`super::free_replaced_names`).
    for (gone, _, kind, _) in super::replaced_pairs(p.diff) {
        if kind == "type" {
            continue;
        }
        let shown = super::namespace_key(gone).map_or("", |(_, name)| name);
        if let Some(name) = super::shown_relation(p.from, p.to, shown) {
            rewritten.insert(name);
        }
    }
    rewritten.extend(retyped_tables(p));
    for change in p.diff.changes.iter().filter(|c| c.object_kind == ObjectKind::Type && c.change == ChangeKind::Altered)
    {
        if let Some((name, _)) = change.key.find(&p.from.types) {
            rewritten.insert(name.clone());
            // A type made again converts the columns of that type: views reading those tables
            // must go first (PostgreSQL will not change a column's type under a view).
            for (table, t) in &p.from.tables {
                let of_type = |c: &crate::catalog::Column| {
                    crate::catalog::datatype::type_name(&c.data_type).as_ref() == Some(name)
                };
                if t.columns.iter().any(of_type) && super::objects::recreates_type(p, name) {
                    rewritten.insert(table.clone());
                }
            }
        }
    }
    let mut out: Vec<QualifiedName> = p
        .diff
        .changes
        .iter()
        .filter(|c| {
            (c.object_kind == ObjectKind::View || c.object_kind == ObjectKind::MaterializedView)
                && c.change == ChangeKind::Altered
        })
        .filter_map(|c| c.key.find(&p.from.views).map(|(n, _)| n.clone()))
        .collect();
    // The views over those, and the views over them, … : one walk over who mentions whom.
    let names = rewritten.iter().cloned().chain(p.from.views.keys().cloned());
    let index = super::view_mentions::mentions_of(p.from.views.iter().map(|(n, v)| (n, v.definition.as_str())), names);
    let mut read_by: std::collections::BTreeMap<&QualifiedName, Vec<&QualifiedName>> = Default::default();
    for (view, mentioned) in &index {
        for over in mentioned {
            read_by.entry(over).or_default().push(view);
        }
    }
    let mut seen: BTreeSet<QualifiedName> = out.iter().cloned().collect();
    let mut queue: Vec<QualifiedName> = rewritten.iter().chain(out.iter()).cloned().collect();
    while let Some(over) = queue.pop() {
        for view in read_by.get(&over).into_iter().flatten() {
            if seen.insert((*view).clone()) {
                out.push((*view).clone());
                queue.push((*view).clone());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Tables (named as in `from`) with a column whose type, collation, generation or name changes:
/// PostgreSQL will not make such a change under a view.
fn retyped_tables(p: &Planner) -> BTreeSet<QualifiedName> {
    let mut out = BTreeSet::new();
    for change in p.diff.changes.iter().filter(|c| c.object_kind == ObjectKind::Column && c.change.compares()) {
        let rewrites = change
            .details
            .iter()
            .any(|d| matches!(d.property, Property::Type | Property::Collation | Property::Generated | Property::Name));
        if let Some(name) = rewrites.then(|| change.key.table().filter(|t| p.from.tables.contains_key(*t))).flatten() {
            out.insert(name.clone());
        }
    }
    out
}

/// Views in dependency order: a view after the views it mentions.
/// Round by round: first the views that mention none of the others, then those that mention only
/// those, …, each round in the order given; views in a cycle (or over one) come last, in that order.
/// A view's round is the length of the longest chain of mentions below it, found in one walk.
fn views_in_order<'c>(catalog: &'c Catalog, names: Vec<&'c QualifiedName>) -> Vec<&'c QualifiedName> {
    let index = super::view_mentions::mentions_of(
        names.iter().map(|n| (*n, catalog.views[*n].definition.as_str())),
        names.iter().map(|n| (*n).clone()),
    );
    // None while a view's round is being found (met again: a cycle), Some(None) for "in or over a cycle".
    let mut round: std::collections::BTreeMap<&QualifiedName, Option<Option<usize>>> = Default::default();
    for start in &names {
        if round.contains_key(start) {
            continue;
        }
        // Depth first without recursion: (view, whether its mentions were pushed).
        let mut stack: Vec<(&QualifiedName, bool)> = vec![(start, false)];
        while let Some((view, expanded)) = stack.pop() {
            let below = || index.get(view).into_iter().flatten();
            if !expanded {
                if round.contains_key(view) {
                    continue;
                }
                round.insert(view, None);
                stack.push((view, true));
                // One met again while still open is on the path: a cycle, settled below.
                stack.extend(below().filter(|over| !round.contains_key(over)).map(|over| (over, false)));
                continue;
            }
            let mut level = Some(0);
            for over in below() {
                level = match (level, round.get(over).copied().flatten()) {
                    (Some(l), Some(Some(o))) => Some(l.max(o + 1)),
                    _ => None,
                };
            }
            round.insert(view, Some(level));
        }
    }
    let mut order: Vec<(usize, &QualifiedName)> = names.iter().copied().enumerate().collect();
    order.sort_by_key(|(i, n)| (round.get(n).copied().flatten().flatten().unwrap_or(usize::MAX), *i));
    order.into_iter().map(|(_, n)| n).collect()
}

fn view_word(view: &View) -> &'static str {
    if view.materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    }
}

fn create_view_sql(p: &Planner, name: &QualifiedName) -> Option<String> {
    let view = p.to.views.get(name)?;
    match p.to.sources.get(&format!("view {name}")) {
        Some(source) => Some(source),
        None => Some(format!("CREATE {} {} AS {};", view_word(view), qualified(name), view.definition)),
    }
}

/// What PostgreSQL will not drop a view under, on the FROM side: functions taking or returning its
/// row type, and policies (of any table) that read it. The statements that take them away before
/// the views are dropped, and those that make the target's again once they are made again.
fn view_dependents(p: &Planner, views: &[&QualifiedName]) -> (Vec<String>, Vec<String>) {
    let (mut before, mut after) = (Vec::new(), Vec::new());
    let names: Vec<String> = views.iter().map(|v| qualified(v)).collect();
    let mentions = |text: &str| names.iter().any(|n| names_word(text, n));
    for (key, function) in &p.from.functions {
        if function.kind == "aggregate"
            || !(mentions(&function.arguments) || function.returns.as_deref().is_some_and(mentions))
        {
            continue;
        }
        let word = if function.kind == "procedure" { "PROCEDURE" } else { "FUNCTION" };
        before.push(format!("DROP {word} IF EXISTS {};", super::objects::signature(function)));
        if let (Some(create), Some(target)) = (p.to.sources.get(&format!("function {key}")), p.to.functions.get(key)) {
            after.push(create.trim().to_string());
            let kind = if target.kind == "procedure" { "procedure" } else { "function" };
            after.extend(p.carried_along(kind, key, &super::objects::signature(target)));
        }
    }
    let (away, again) = super::objects::policies_reading(p, &|policy| super::objects::policy_reads(policy, &mentions));
    before.extend(away);
    after.extend(again);
    (before, after)
}

fn views(p: &mut Planner, recreated: &[QualifiedName]) {
    // Phase 3: drop the views to re-create, dependents first, then create them after the rewrites.
    let dropped = views_in_order(p.from, p.from.views.keys().filter(|n| recreated.binary_search(n).is_ok()).collect());
    let (before, after) = view_dependents(p, &dropped);
    let ids: Vec<String> = dropped.iter().map(|name| format!("view {name}")).collect();
    if !before.is_empty() {
        p.push_step(Phase::Rewrite, Rank::DropDependentView, before.join("\n"), ids.clone(), None);
    }
    for name in dropped.iter().rev() {
        let view = &p.from.views[*name];
        let sql = format!("DROP {} IF EXISTS {};", view_word(view), qualified(name));
        let note = (!p.diff.changes.iter().any(|c| c.object == name.to_string()))
            .then(|| format!("{name} depends on a changed table or view; it is created again below"));
        p.push_step(Phase::Rewrite, Rank::DropDependentView, sql, vec![format!("view {name}")], note);
    }
    let added: Vec<QualifiedName> = p
        .diff
        .changes
        .iter()
        .filter(|c| {
            (c.object_kind == ObjectKind::View || c.object_kind == ObjectKind::MaterializedView)
                && c.change == ChangeKind::Added
        })
        .filter_map(|c| c.key.find(&p.to.views).map(|(n, _)| n.clone()))
        .collect();
    let mut again: Vec<QualifiedName> = recreated.iter().filter(|n| p.to.views.contains_key(*n)).cloned().collect();
    // A new view over a table whose columns change type, over a view made again in phase 3, or over
    // such a new view, is made after them: PostgreSQL will not change a column's type under a view,
    // and a view made again is not there before.
    let retyped = retyped_tables(p);
    // One pass in dependency order: a view comes after the new views it reads.
    let mut late: BTreeSet<QualifiedName> = BTreeSet::new();
    for name in views_in_order(p.to, added.iter().collect()) {
        let definition = &p.to.views[name].definition;
        // (Views made again in phase 3 count too: a new view over one follows it.)
        if retyped.iter().chain(recreated).chain(&late).any(|t| mentions(definition, t)) {
            late.insert(name.clone());
        }
    }
    let added: Vec<QualifiedName> = added.into_iter().filter(|n| !late.contains(n)).collect();
    again.extend(late);
    p.views_made_again.extend(again.iter().cloned());
    for (phase, names) in [(Phase::Prepare, added), (Phase::Rewrite, again)] {
        let ordered: Vec<QualifiedName> =
            views_in_order(p.to, p.to.views.keys().filter(|n| names.contains(n)).collect())
                .into_iter()
                .cloned()
                .collect();
        for name in ordered {
            let Some(mut sql) = create_view_sql(p, &name) else { continue };
            if phase == Phase::Rewrite {
                let kind = if p.to.views[&name].materialized { "materialized view" } else { "view" };
                for carried in p.carried_along(kind, &name.to_string(), &qualified(&name)) {
                    sql.push('\n');
                    sql.push_str(&carried);
                }
            }
            p.push_step(phase, Rank::View, sql, vec![format!("view {name}")], None);
            p.created.insert(format!("view {name}"), phase);
            if phase == Phase::Rewrite {
                // Its indexes went with it.
                let indexes: Vec<String> =
                    p.to.indexes.iter().filter(|(_, i)| i.table == name).map(|(n, i)| create_index(n, i)).collect();
                for sql in indexes {
                    p.push_step(phase, Rank::ViewIndex, sql, vec![format!("view {name}")], None);
                }
            }
        }
    }
    if !after.is_empty() {
        p.push_step(Phase::Rewrite, Rank::Trigger, after.join("\n"), ids, None);
    }
    let removed: Vec<&QualifiedName> = p
        .diff
        .changes
        .iter()
        .filter(|c| {
            (c.object_kind == ObjectKind::View || c.object_kind == ObjectKind::MaterializedView)
                && c.change == ChangeKind::Removed
        })
        .filter_map(|c| c.key.find(&p.from.views).map(|(n, _)| n))
        .filter(|n| recreated.binary_search(n).is_err())
        .collect();
    for name in views_in_order(p.from, removed).into_iter().rev() {
        let sql = format!("DROP {} IF EXISTS {};", view_word(&p.from.views[name]), qualified(name));
        p.push_step(Phase::Cleanup, Rank::DropView, sql, vec![format!("view {name}")], None);
    }
}
