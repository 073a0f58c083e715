//! Steps for everything that is not a table: schemas, extensions, types, sequences, functions,
//! triggers, policies, event triggers, publications, other objects; then comments, owners, grants.

use super::mentions::Named;
use super::{change_id, Phase, Planner, Rank};
use crate::catalog::{Catalog, QualifiedName, TypeDef};
use crate::diff::{Change, ChangeKind, ObjectKind};
use crate::sql::{ident, literal, qualified};
use std::collections::BTreeMap;

pub(super) fn plan_objects(p: &mut Planner) {
    let diff = p.diff;
    let changes = diff.changes.as_slice();
    for change in changes {
        match change.object_kind {
            ObjectKind::Schema => schema(p, change),
            ObjectKind::Extension => extension(p, change),
            ObjectKind::Type => type_change(p, change),
            ObjectKind::Sequence => sequence(p, change),
            ObjectKind::Function => function(p, change),
            ObjectKind::Trigger => trigger(p, change),
            ObjectKind::Policy => policy(p, change),
            ObjectKind::EventTrigger => opaque(p, change, "event_trigger", "EVENT TRIGGER", Rank::Other, Rank::DropTrigger),
            ObjectKind::Publication => opaque(p, change, "publication", "PUBLICATION", Rank::Other, Rank::DropTrigger),
            ObjectKind::Other => other(p, change),
            ObjectKind::Statement if change.change == ChangeKind::Added => p.manual.push(format!(
                "a statement of the target that schemadrift does not understand; run it by hand if it is needed: {}",
                change.object
            )),
            ObjectKind::Statement => p.manual.push(format!(
                "a statement of the source that schemadrift does not understand, absent from the target; undo it by hand if needed: {}",
                change.object
            )),
            _ => {}
        }
    }
}

fn schema(p: &mut Planner, change: &Change) {
    let name = ident(&change.object);
    match change.change {
        ChangeKind::Added => {
            p.push(Phase::Prepare, Rank::Schema, format!("CREATE SCHEMA IF NOT EXISTS {name};"), change);
            p.created.insert(change_id(change), Phase::Prepare);
        }
        ChangeKind::Removed => {
            p.push(Phase::Cleanup, Rank::DropSchema, format!("DROP SCHEMA IF EXISTS {name};"), change)
        }
        _ => {}
    }
}

fn extension(p: &mut Planner, change: &Change) {
    let name = ident(&change.object);
    let new = p.to.extensions.get(&change.object);
    match (change.change, new) {
        (ChangeKind::Added, Some(new)) => {
            let schema = new.schema.as_ref().map(|s| format!(" WITH SCHEMA {}", ident(s))).unwrap_or_default();
            p.push(Phase::Prepare, Rank::Extension, format!("CREATE EXTENSION IF NOT EXISTS {name}{schema};"), change);
            p.created.insert(change_id(change), Phase::Prepare);
        }
        (ChangeKind::Removed, _) => {
            p.push(Phase::Cleanup, Rank::DropExtension, format!("DROP EXTENSION IF EXISTS {name};"), change)
        }
        (ChangeKind::Altered, Some(new)) => {
            let old = p.from.extensions.get(&change.object);
            if old.map(|o| &o.schema) != Some(&new.schema) {
                if let Some(schema) = &new.schema {
                    p.push(
                        Phase::Prepare,
                        Rank::Extension,
                        format!("ALTER EXTENSION {name} SET SCHEMA {};", ident(schema)),
                        change,
                    );
                }
            }
            if old.map(|o| &o.version) != Some(&new.version) {
                if let Some(version) = &new.version {
                    p.push(
                        Phase::Prepare,
                        Rank::Extension,
                        format!("ALTER EXTENSION {name} UPDATE TO {};", literal(version)),
                        change,
                    );
                }
            }
        }
        _ => {}
    }
}

/// `CREATE FUNCTION …` as `CREATE OR REPLACE FUNCTION …` (also procedures, views, triggers, …).
fn or_replace(source: &str) -> String {
    let trimmed = source.trim_start();
    match trimmed.get(..7) {
        Some(head)
            if head.eq_ignore_ascii_case("CREATE ")
                && !trimmed[7..].trim_start().to_uppercase().starts_with("OR REPLACE") =>
        {
            format!("CREATE OR REPLACE {}", trimmed[7..].trim_start())
        }
        _ => trimmed.to_string(),
    }
}

fn source(p: &Planner, change: &Change) -> Option<String> {
    p.to.sources.get(&format!("{} {}", change.object_kind, change.object))
}

fn type_change(p: &mut Planner, change: &Change) {
    let Some((name, _)) = change.key.find(&p.to.types).or_else(|| change.key.find(&p.from.types)) else {
        return;
    };
    let name = name.clone();
    let shown = qualified(&name);
    let create = |p: &Planner| -> Option<String> {
        match (p.to.types.get(&name)?, source(p, change)) {
            (_, Some(source)) => Some(source),
            (TypeDef::Enum { labels }, None) => {
                let labels: Vec<String> = labels.iter().map(|l| literal(l)).collect();
                Some(format!("CREATE TYPE {shown} AS ENUM ({});", labels.join(", ")))
            }
            _ => None,
        }
    };
    match change.change {
        ChangeKind::Added => {
            if let Some(sql) = create(p) {
                p.push(Phase::Prepare, Rank::Type, sql, change);
                p.created.insert(change_id(change), Phase::Prepare);
            }
        }
        ChangeKind::Removed => p.push(Phase::Cleanup, Rank::DropType, format!("DROP TYPE IF EXISTS {shown};"), change),
        _ => {
            let (Some(old), Some(new)) = (p.from.types.get(&name), p.to.types.get(&name)) else { return };
            match (old, new) {
                (TypeDef::Enum { labels: old }, TypeDef::Enum { labels: new }) if is_subsequence(old, new) => {
                    for (i, label) in new.iter().enumerate().filter(|(_, l)| !old.contains(l)) {
                        let position = match new[i + 1..].iter().find(|l| old.contains(l)) {
                            Some(next) => format!(" BEFORE {}", literal(next)),
                            None => String::new(),
                        };
                        let sql = format!("ALTER TYPE {shown} ADD VALUE IF NOT EXISTS {}{position};", literal(label));
                        p.push(Phase::EnumValues, Rank::Type, sql, change);
                    }
                }
                (TypeDef::Composite { attributes: old }, TypeDef::Composite { attributes: new })
                    if composite_in_place(p, &name, old, new) =>
                {
                    // The typed tables of the type change with it (PostgreSQL refuses it without).
                    let cascade = if has_typed_tables(p, &name) { " CASCADE" } else { "" };
                    for (attribute, _) in old.iter().filter(|(n, _)| !new.iter().any(|(m, _)| m == n)) {
                        p.push(
                            Phase::Rewrite,
                            Rank::ColumnRewrite,
                            format!("ALTER TYPE {shown} DROP ATTRIBUTE {}{cascade};", ident(attribute)),
                            change,
                        );
                    }
                    // (`composite_in_place`: the attributes both have are the same but for their types
                    // under typed tables, which change with the type.)
                    for (attribute, data_type) in new.iter().filter(|(n, t)| old.iter().any(|(m, u)| m == n && u != t))
                    {
                        let sql = format!(
                            "ALTER TYPE {shown} ALTER ATTRIBUTE {} SET DATA TYPE {data_type}{cascade};",
                            ident(attribute)
                        );
                        p.push(Phase::Rewrite, Rank::ColumnRewrite, sql, change);
                    }
                    for (attribute, data_type) in new.iter().filter(|(n, _)| !old.iter().any(|(m, _)| m == n)) {
                        let sql =
                            format!("ALTER TYPE {shown} ADD ATTRIBUTE {} {data_type}{cascade};", ident(attribute));
                        p.push(Phase::Prepare, Rank::Type, sql, change);
                    }
                }
                (
                    TypeDef::Domain {
                        base: old_base,
                        default: old_default,
                        not_null: old_not_null,
                        checks: old_checks,
                        collation: old_collation,
                    },
                    TypeDef::Domain {
                        base: new_base,
                        default: new_default,
                        not_null: new_not_null,
                        checks: new_checks,
                        collation: new_collation,
                    },
                ) if old_base == new_base && old_collation == new_collation => {
                    // Over a type made again, the domain is made again with it (`domains_over`).
                    if crate::catalog::datatype::type_name(new_base).is_some_and(|base| recreates_type(p, &base)) {
                        return;
                    }
                    if old_default != new_default {
                        let sql = match new_default {
                            Some(default) => format!("ALTER DOMAIN {shown} SET DEFAULT {default};"),
                            None => format!("ALTER DOMAIN {shown} DROP DEFAULT;"),
                        };
                        p.push(Phase::Prepare, Rank::Type, sql, change);
                    }
                    if old_not_null != new_not_null {
                        let word = if *new_not_null { "SET" } else { "DROP" };
                        p.push(
                            Phase::Rewrite,
                            Rank::ColumnRewrite,
                            format!("ALTER DOMAIN {shown} {word} NOT NULL;"),
                            change,
                        );
                    }
                    for check in old_checks.iter().filter(|c| !new_checks.contains(c)) {
                        if let Some(constraint) =
                            check.strip_prefix("constraint ").and_then(|c| c.split_whitespace().next())
                        {
                            p.push(
                                Phase::Rewrite,
                                Rank::DropKey,
                                format!("ALTER DOMAIN {shown} DROP CONSTRAINT IF EXISTS {constraint};"),
                                change,
                            );
                        }
                    }
                    for check in new_checks.iter().filter(|c| !old_checks.contains(c)) {
                        p.push(Phase::Rewrite, Rank::Key, format!("ALTER DOMAIN {shown} ADD {check};"), change);
                    }
                    // PostgreSQL cannot check a new constraint (or NOT NULL) of a domain that a
                    // column holds in an array: those columns are parked as arrays of the base
                    // type meanwhile, then converted back (which checks every element).
                    let checks_more = (*new_not_null && !*old_not_null)
                        || new_checks.iter().any(|c| !old_checks.contains(c) && !c.ends_with(" not valid"));
                    if checks_more {
                        let (park, unpark) = park_domain_arrays(p, &name, new_base);
                        if !park.is_empty() {
                            p.push(Phase::Rewrite, Rank::DropForeignKey, park.join("\n"), change);
                            p.push(Phase::Rewrite, Rank::Validate, unpark.join("\n"), change);
                        }
                    }
                }
                _ => recreate_type(p, &name, change),
            }
        }
    }
}

/// The columns of FROM whose type `holds` says (an array of it too) parked as text while their
/// type is made again or changed under them: the statements that park them (their default dropped
/// first), and those that convert the target's columns back (with the target's default where a
/// default was dropped). A partition's or an inheriting child's column changes with its parent's.
fn park_as_text(p: &Planner, holds: &dyn Fn(&str) -> bool) -> (Vec<String>, Vec<String>) {
    let (mut park, mut back) = (Vec::new(), Vec::new());
    for (table, t) in &p.from.tables {
        let from_parent = |column: &str| {
            t.more
                .partition_of
                .iter()
                .map(|(parent, _)| parent)
                .chain(&t.more.inherits)
                .any(|parent| p.from.tables.get(parent).is_some_and(|pt| pt.column(column).is_some()))
        };
        for column in t.columns.iter().filter(|c| holds(&c.data_type) && !from_parent(&c.name)) {
            let (shown, col) = (qualified(table), ident(&column.name));
            let text = if column.data_type.ends_with("[]") { "text[]" } else { "text" };
            if column.default.is_some() {
                park.push(format!("ALTER TABLE {shown} ALTER COLUMN {col} DROP DEFAULT;"));
            }
            park.push(format!("ALTER TABLE {shown} ALTER COLUMN {col} TYPE {text} USING {col}::{text};"));
            let Some(target) = p.to.tables.get(table).and_then(|t| t.column(&column.name)) else { continue };
            if holds(&target.data_type) {
                let data_type = &target.data_type;
                back.push(format!("ALTER TABLE {shown} ALTER COLUMN {col} TYPE {data_type} USING {col}::{data_type};"));
            }
            if let Some(default) = target.default.as_ref().filter(|_| column.default.is_some()) {
                back.push(format!("ALTER TABLE {shown} ALTER COLUMN {col} SET DEFAULT {default};"));
            }
        }
    }
    (park, back)
}

/// For a type made again, the domains over it, which PostgreSQL cannot give another base: their
/// columns are parked as text, the domain dropped and made again from the target over the new
/// type, and the columns converted back.
fn domains_over(p: &Planner, name: &QualifiedName) -> Vec<String> {
    let of = |data_type: &str, t: &QualifiedName| crate::catalog::datatype::type_name(data_type).as_ref() == Some(t);
    let mut sql = Vec::new();
    for (domain, def) in p.type_uses().types_over(name) {
        let TypeDef::Domain { base, .. } = def else { continue };
        if !of(base, name) {
            continue;
        }
        let Some(TypeDef::Domain { base: new_base, .. }) = p.to.types.get(domain) else { continue };
        let Some(create) = p.to.sources.get(&format!("type {domain}")) else { continue };
        if !of(new_base, name) {
            continue;
        }
        let (park, back) = park_as_text(p, &|data_type| of(data_type, domain));
        sql.extend(park);
        let shown = qualified(domain);
        sql.push(format!("DROP DOMAIN IF EXISTS {shown};"));
        sql.push(create.trim().to_string());
        sql.extend(p.carried_along("domain", &domain.to_string(), &shown));
        sql.extend(back);
    }
    sql
}

/// For a type made again, the statements that give the composite types whose attributes use it
/// the new type: the columns of the composites are parked as text around the change.
fn composites_using(p: &Planner, name: &QualifiedName) -> Vec<String> {
    let uses =
        |data_type: &str, of: &QualifiedName| crate::catalog::datatype::type_name(data_type).as_ref() == Some(of);
    let mut sql = Vec::new();
    for (composite, def) in p.type_uses().types_over(name) {
        let TypeDef::Composite { attributes } = def else { continue };
        let Some(TypeDef::Composite { attributes: target }) = p.to.types.get(composite) else { continue };
        let changed: Vec<&(String, String)> = target
            .iter()
            .filter(|(a, t)| uses(t, name) && attributes.iter().any(|(b, u)| a == b && uses(u, name)))
            .collect();
        if changed.is_empty() {
            continue;
        }
        let (park, back) = park_as_text(p, &|data_type| uses(data_type, composite));
        sql.extend(park);
        for (attribute, data_type) in changed {
            sql.push(format!(
                "ALTER TYPE {} ALTER ATTRIBUTE {} TYPE {data_type};",
                qualified(composite),
                ident(attribute)
            ));
        }
        sql.extend(back);
    }
    sql
}

/// The columns of FROM that hold arrays of domain `name` (of base type `base`): statements that
/// convert them to arrays of the base type, and back to arrays of the domain.
fn park_domain_arrays(p: &Planner, name: &QualifiedName, base: &str) -> (Vec<String>, Vec<String>) {
    let (mut park, mut unpark) = (Vec::new(), Vec::new());
    // (Found in one walk over the columns for every type: `Planner::type_uses`.)
    for (table, column) in p.type_uses().arrays_of(name) {
        let (shown, col) = (qualified(table), ident(&column.name));
        let dims = &column.data_type[column.data_type.find('[').unwrap_or(column.data_type.len())..];
        if column.default.is_some() {
            park.push(format!("ALTER TABLE {shown} ALTER COLUMN {col} DROP DEFAULT;"));
        }
        park.push(format!("ALTER TABLE {shown} ALTER COLUMN {col} TYPE {base}{dims} USING {col}::{base}{dims};"));
        let data_type = &column.data_type;
        unpark.push(format!("ALTER TABLE {shown} ALTER COLUMN {col} TYPE {data_type} USING {col}::{data_type};"));
        if let Some(default) = &column.default {
            unpark.push(format!("ALTER TABLE {shown} ALTER COLUMN {col} SET DEFAULT {default};"));
        }
    }
    (park, unpark)
}

/// Whether a changed type is made again (`recreate_type`) rather than altered in place: the cases
/// `type_change` alters in place are enum values added, composite attributes added, dropped or
/// retyped, and a domain's default, NOT NULL and checks on the same base type.
pub(super) fn recreates_type(p: &Planner, name: &QualifiedName) -> bool {
    match (p.from.types.get(name), p.to.types.get(name)) {
        (Some(TypeDef::Enum { labels: old }), Some(TypeDef::Enum { labels: new })) => !is_subsequence(old, new),
        (Some(TypeDef::Composite { attributes: old }), Some(TypeDef::Composite { attributes: new })) => {
            !composite_in_place(p, name, old, new)
        }
        (
            Some(TypeDef::Domain { base: old, collation: old_collation, .. }),
            Some(TypeDef::Domain { base: new, collation: new_collation, .. }),
        ) => old != new || old_collation != new_collation,
        (Some(_), Some(_)) => true,
        _ => false,
    }
}

/// The column (`schema.table.column`) whose default in FROM calls `nextval` of sequence `shown`
/// and whose type change the plan leaves to the user (no cast: `casts::missing_cast`).
fn default_left_to_the_user(p: &Planner, shown: &str) -> Option<String> {
    let reference = format!("'{shown}'");
    p.from.tables.iter().find_map(|(table, t)| {
        t.columns.iter().find_map(|column| {
            column.default.as_deref().filter(|d| d.contains(&reference))?;
            let target = p.to.tables.get(table)?.column(&column.name)?;
            super::casts::missing_cast(&column.data_type, &target.data_type, &column.name)?;
            Some(format!("{table}.{}", column.name))
        })
    })
}

/// The multirange type PostgreSQL makes with a range type: `multirange_type_name` when given,
/// else the range's name with its first `range` made `multirange`, or `_multirange` appended.
fn multirange_name(range: &QualifiedName, options: &[String]) -> QualifiedName {
    let given = options.iter().find_map(|o| {
        let (key, value) = o.split_once('=')?;
        (key.trim().eq_ignore_ascii_case("multirange_type_name")).then(|| value.trim().to_string())
    });
    if let Some(given) = given {
        return crate::catalog::datatype::type_name(&given)
            .unwrap_or_else(|| QualifiedName::new(&range.schema, given.trim_matches('"')));
    }
    let name = match range.name.find("range") {
        Some(at) => format!("{}multirange{}", &range.name[..at], &range.name[at + "range".len()..]),
        None => format!("{}_multirange", range.name),
    };
    QualifiedName::new(&range.schema, &name)
}

/// Whether `ALTER TYPE … DROP / ADD ATTRIBUTE` reach `new` from `old`: the attributes both have
/// keep their order and their types (PostgreSQL refuses ALTER ATTRIBUTE … TYPE while a column holds
/// the type), and the new ones come after them (ADD ATTRIBUTE appends).
fn composite_in_place(p: &Planner, name: &QualifiedName, old: &[(String, String)], new: &[(String, String)]) -> bool {
    let kept_old: Vec<&(String, String)> = old.iter().filter(|a| new.iter().any(|(m, _)| *m == a.0)).collect();
    let kept_new: Vec<&(String, String)> = new.iter().filter(|a| old.iter().any(|(m, _)| *m == a.0)).collect();
    let first_added = new.iter().position(|(n, _)| !old.iter().any(|(m, _)| m == n)).unwrap_or(new.len());
    let last_kept = new.iter().rposition(|(n, _)| old.iter().any(|(m, _)| m == n)).map_or(0, |i| i + 1);
    let same_names = kept_old.iter().map(|a| &a.0).eq(kept_new.iter().map(|a| &a.0));
    // An attribute's type changes in place (`ALTER ATTRIBUTE … CASCADE`) when what uses the type
    // are typed tables, whose columns change with it; a column of the type would have to be
    // rewritten, which PostgreSQL refuses there, so such a type is made again.
    let retypes_in_place = has_typed_tables(p, name) && !column_of_type(p.from, name);
    (kept_old == kept_new || (same_names && retypes_in_place)) && last_kept <= first_added
}

/// Whether `name` is the type of a typed table (`CREATE TABLE … OF name`) in FROM.
fn has_typed_tables(p: &Planner, name: &QualifiedName) -> bool {
    p.from.tables.values().any(|t| t.more.of_type.as_ref() == Some(name))
}

/// Whether a table column or a composite's attribute in `catalog` has type `name` (or its array).
fn column_of_type(catalog: &crate::catalog::Catalog, name: &QualifiedName) -> bool {
    let is = |data_type: &str| crate::catalog::datatype::type_name(data_type).as_ref() == Some(name);
    let in_tables = catalog.tables.values().flat_map(|t| &t.columns).any(|c| is(&c.data_type));
    let in_types = catalog.types.values().any(|t| match t {
        TypeDef::Composite { attributes } => attributes.iter().any(|(_, data_type)| is(data_type)),
        _ => false,
    });
    in_tables || in_types
}

fn is_subsequence(old: &[String], new: &[String]) -> bool {
    let mut rest = new.iter();
    old.iter().all(|label| rest.any(|l| l == label))
}

/// A type PostgreSQL cannot change in place (enum values removed or reordered, a new base type):
/// the old one is renamed, the new one created, columns converted through text, the old one dropped.
fn recreate_type<'a>(p: &mut Planner<'a>, name: &QualifiedName, change: &Change) {
    let shown = qualified(name);
    let old_name = super::aside_name(&name.name);
    let Some(create) = (match (p.to.types.get(name), source(p, change)) {
        (_, Some(source)) => Some(source),
        (Some(TypeDef::Enum { labels }), None) => {
            let labels: Vec<String> = labels.iter().map(|l| literal(l)).collect();
            Some(format!("CREATE TYPE {shown} AS ENUM ({});", labels.join(", ")))
        }
        _ => None,
    }) else {
        return;
    };
    // A range type cannot be moved aside: its constructor functions and its multirange (and the
    // multirange's constructors) keep their names, and the new range would make them again. Its
    // columns (of the range or its multirange) are parked as text, the type dropped and made
    // again, and the target's columns converted back; one that no column uses is made again in
    // phase 1, before the new tables that use it.
    if let Some(TypeDef::Range { options }) = p.from.types.get(name) {
        let multirange = multirange_name(name, options);
        let of_range = |data_type: &str| {
            let used = crate::catalog::datatype::type_name(data_type);
            used.as_ref() == Some(name) || used.as_ref() == Some(&multirange)
        };
        let (parked, back) = park_as_text(p, &of_range);
        // One that no column uses is made again in phase 1, before the new tables that use it.
        let phase = if parked.is_empty() { Phase::Prepare } else { Phase::Rewrite };
        let mut sql = parked;
        sql.push(format!("DROP TYPE IF EXISTS {shown};"));
        sql.push(create.trim().to_string());
        sql.extend(p.carried_along("type", &name.to_string(), &shown));
        sql.extend(back);
        p.push(phase, Rank::Type, sql.join("\n"), change);
        p.created.insert(change_id(change), phase);
        return;
    }
    // Functions taking or returning the type would keep the old one: they are dropped before it is
    // renamed (whichever side has them) and the target's made again once the columns are converted.
    let mentions = |f: &crate::catalog::Function| {
        f.arguments.contains(&shown) || f.returns.as_deref().is_some_and(|r| r.contains(&shown))
    };
    let word = |f: &crate::catalog::Function| if f.kind == "procedure" { "PROCEDURE" } else { "FUNCTION" };
    let mut dropped: std::collections::BTreeSet<String> = Default::default();
    // (Those naming the type's name, looked up: `Planner::mentions`.)
    let [from_signatures, to_signatures] = &p.mentions().signatures;
    let naming = |side: &Named<'a, (&'a String, &'a crate::catalog::Function)>| {
        side.naming(&name.name).filter(|(_, f)| mentions(f)).collect::<Vec<_>>()
    };
    let (from_using, to_using) = (naming(from_signatures), naming(to_signatures));
    for function in from_using.iter().chain(&to_using).map(|(_, f)| *f) {
        if function.kind != "aggregate" {
            dropped.insert(format!("DROP {} IF EXISTS {};", word(function), signature(function)));
        }
    }
    let mut remade = Vec::new();
    for &(key, function) in to_using.iter().filter(|(_, f)| f.kind != "aggregate") {
        if let Some(source) = p.to.sources.get(&format!("function {key}")) {
            remade.push(source.trim().to_string());
            let kind = if function.kind == "procedure" { "procedure" } else { "function" };
            remade.extend(p.carried_along(kind, key, &signature(function)));
        }
    }
    // What calls those functions (column defaults, CHECKs, indexes, policies) goes before them and
    // comes back after them.
    let callees: std::collections::BTreeSet<QualifiedName> =
        from_using.iter().filter(|(_, f)| f.kind != "aggregate").map(|(_, f)| f.name.clone()).collect();
    let (mut callers_unset, mut callers_set) = (Vec::new(), Vec::new());
    for callee in &callees {
        let (unset, set) = callers_of(p, callee);
        callers_unset.extend(unset.into_iter().filter(|s| !callers_unset.contains(s)).collect::<Vec<_>>());
        callers_set.extend(set.into_iter().filter(|s| !callers_set.contains(s)).collect::<Vec<_>>());
    }
    remade.extend(callers_set.iter().cloned());
    let mut sql: Vec<String> = callers_unset;
    sql.extend(dropped);
    sql.push(format!("ALTER TYPE {shown} RENAME TO {};", ident(&old_name)));
    sql.push(create);
    let kind = if matches!(p.to.types.get(name), Some(TypeDef::Domain { .. })) { "domain" } else { "type" };
    sql.extend(p.carried_along(kind, &name.to_string(), &shown));
    // A partition key reading a column of the type: its table is made again in phase 1 with the
    // new type (`relations::recreate_table`), so the type is made there, its columns converted in
    // phase 3.
    // (A table on both sides, partitioned alike, whose partition key reads a column of the type.)
    let made_early = p.type_uses().in_partition_key(name);
    if made_early {
        let note = format!(
            "{shown} is made again in phase 1 for the partitioned tables whose key reads it; the other columns keep the old type (renamed {old_name}) until phase 3"
        );
        p.push_step(
            Phase::Prepare,
            Rank::Type,
            std::mem::take(&mut sql).join("\n"),
            vec![change_id(change)],
            Some(note),
        );
        p.created.insert(change_id(change), Phase::Prepare);
    }
    let type_text = shown.clone();
    // Indexes and CHECKs that compare with the type's values would compare old and new types:
    // they are dropped first and built again after the columns are converted.
    let (dropped, rebuild) = checks_and_indexes_reading(p, name, &|text: &str| text.contains(&type_text));
    sql.extend(dropped);
    // What reads a converted column (policies, triggers, generated columns, SQL-standard bodies)
    // goes before the conversions and comes back after them.
    let (mut dependents_before, mut dependents_after): (Vec<String>, Vec<String>) = Default::default();
    let conversions_at = sql.len();
    // (Only the tables with a column of the type have one to convert.)
    for &table in p.type_uses().tables(name) {
        let t = &p.to.tables[table];
        // A table made again has the new type already.
        if super::relations::recreated_table(p, table) {
            continue;
        }
        let of_type =
            |c: &&crate::catalog::Column| crate::catalog::datatype::type_name(&c.data_type).as_ref() == Some(name);
        // A partition's or child's column changes with its parent's (PostgreSQL passes the ALTER
        // down and refuses it on the inherited column alone); a partition of a table made again is
        // detached meanwhile and changes alone.
        let parents: Vec<&QualifiedName> = t
            .more
            .partition_of
            .iter()
            .map(|(parent, _)| parent)
            .filter(|parent| !super::relations::recreated_table(p, parent))
            .chain(&t.more.inherits)
            .collect();
        let from_parent = |column: &crate::catalog::Column| {
            parents.iter().any(|parent| {
                p.to.tables.get(*parent).and_then(|pt| pt.column(&column.name)).is_some_and(|c| of_type(&c))
                    && p.from.tables.get(*parent).is_some_and(|pt| pt.column(&column.name).is_some())
            })
        };
        // Made in phase 1, the type is the new one for the tables and columns made there.
        let made_with_new_type = |column: &crate::catalog::Column| {
            made_early && p.from.tables.get(&p.old_table_name(table)).and_then(|f| f.column(&column.name)).is_none()
        };
        for column in t.columns.iter().filter(of_type).filter(|c| !from_parent(c) && !made_with_new_type(c)) {
            let col = ident(&column.name);
            let t_shown = qualified(table);
            if p.from.tables.get(table).is_some_and(|f| f.column(&column.name).is_some()) {
                let (before, after) = super::relations::column_dependents(p, table, &column.name);
                for statement in before {
                    if !dependents_before.contains(&statement) {
                        dependents_before.push(statement);
                    }
                }
                for statement in after {
                    if !dependents_after.contains(&statement) {
                        dependents_after.push(statement);
                    }
                }
            }
            if p.from.tables.get(table).and_then(|f| f.column(&column.name)).is_some_and(|c| c.default.is_some()) {
                sql.push(format!("ALTER TABLE {t_shown} ALTER COLUMN {col} DROP DEFAULT;"));
            }
            let through = if column.data_type.ends_with("[]") { "text[]" } else { "text" };
            sql.push(format!(
                "ALTER TABLE {t_shown} ALTER COLUMN {col} TYPE {} USING {col}::{through}::{};",
                column.data_type, column.data_type
            ));
            if let Some(default) = &column.default {
                let set = format!("ALTER TABLE {t_shown} ALTER COLUMN {col} SET DEFAULT {default};");
                // (One calling a function made again is set once that is made.)
                if !callers_set.contains(&set) {
                    sql.push(set);
                }
            }
        }
    }
    // A composite type's attribute of the type keeps the old one: the table columns holding the
    // composite are parked as text (PostgreSQL refuses to alter a composite a column uses), the
    // attribute takes the new type, and the columns convert back (the text form of a row reads as
    // the composite again).
    sql.extend(composites_using(p, name));
    let conversions_at = conversions_at + {
        let over = domains_over(p, name);
        let n = over.len();
        sql.splice(conversions_at..conversions_at, over);
        n
    };
    dependents_after.retain(|statement| !remade.contains(statement));
    remade.retain(|statement| !rebuild.contains(statement));
    sql.splice(conversions_at..conversions_at, dependents_before);
    sql.extend(dependents_after);
    sql.extend(rebuild);
    sql.extend(remade);
    p.push_step(
        Phase::Rewrite,
        Rank::ColumnRewrite,
        sql.join("\n"),
        vec![change_id(change)],
        Some(
            "the type cannot be changed in place: rows whose value the new type lacks make this fail, fix them first"
                .into(),
        ),
    );
    // What is said about the type (its owner, comment, privileges) follows it.
    p.created.entry(change_id(change)).or_insert(Phase::Rewrite);
    // The old type goes at cleanup, after the tables and columns still using it.
    let drop = format!("DROP TYPE IF EXISTS {};", qualified(&QualifiedName::new(&name.schema, &old_name)));
    p.push(Phase::Cleanup, Rank::DropType, drop, change);
}

fn sequence(p: &mut Planner, change: &Change) {
    let Some((name, _)) = change.key.find(&p.to.sequences).or_else(|| change.key.find(&p.from.sequences)) else {
        return;
    };
    let name = name.clone();
    let shown = qualified(&name);
    // An identity column's sequence comes and goes with the column.
    let identity = |catalog: &crate::catalog::Catalog| {
        catalog.sequences.get(&name).and_then(|s| s.owned_by.as_ref()).is_some_and(|owner| {
            crate::catalog::split_member(&[&catalog.tables], owner).is_some_and(|(table, column)| {
                catalog.tables.get(&table).and_then(|t| t.column(column)).is_some_and(|c| c.more.identity.is_some())
            })
        })
    };
    match change.change {
        // An identity column that keeps its identity under a sequence of another name: the
        // sequence is renamed (and moved), its options said again.
        ChangeKind::Added if identity(p.to) => {
            let new = &p.to.sequences[&name];
            let Some(owner) = new.owned_by.as_ref() else { return };
            let identity_in_from =
                crate::catalog::split_member(&[&p.from.tables], owner).is_some_and(|(table, column)| {
                    p.from.tables.get(&table).and_then(|t| t.column(column)).is_some_and(|c| c.more.identity.is_some())
                });
            let Some((old_name, old)) =
                p.from.sequences.iter().find(|(n, s)| {
                    **n != name && s.owned_by.as_ref() == Some(owner) && !p.to.sequences.contains_key(*n)
                })
            else {
                return;
            };
            if !identity_in_from {
                return; // the column becomes an identity: its change makes the sequence
            }
            let mut sql = Vec::new();
            let mut at = old_name.clone();
            if old_name.schema != name.schema {
                sql.push(format!("ALTER SEQUENCE {} SET SCHEMA {};", qualified(&at), ident(&name.schema)));
                at = QualifiedName::new(&name.schema, &at.name);
            }
            if at.name != name.name {
                sql.push(format!("ALTER SEQUENCE {} RENAME TO {};", qualified(&at), ident(&name.name)));
            }
            if old.options != new.options || old.data_type != new.data_type {
                let data_type = new.data_type.as_ref().map(|t| format!(" AS {t}")).unwrap_or_default();
                sql.push(format!("ALTER SEQUENCE {shown}{data_type} {};", new.options.join(" ")));
            }
            p.push(Phase::Prepare, Rank::Sequence, sql.join("\n"), change);
        }
        ChangeKind::Added if !identity(p.to) => {
            let new = &p.to.sequences[&name];
            let data_type = new.data_type.as_ref().map(|t| format!(" AS {t}")).unwrap_or_default();
            let options = if new.options.is_empty() { String::new() } else { format!(" {}", new.options.join(" ")) };
            let unlogged = if new.unlogged { "UNLOGGED " } else { "" };
            p.push(
                Phase::Prepare,
                Rank::Sequence,
                format!("CREATE {unlogged}SEQUENCE IF NOT EXISTS {shown}{data_type}{options};"),
                change,
            );
            if let Some(owner) = &new.owned_by {
                link_sequence(p, &shown, owner, change);
            }
            p.created.insert(change_id(change), Phase::Prepare);
        }
        ChangeKind::Removed if !identity(p.from) && default_left_to_the_user(p, &shown).is_some() => {
            // A column whose type change is left to the user keeps its default, which uses the
            // sequence: it goes once the user has made that change.
            let column = default_left_to_the_user(p, &shown).unwrap_or_default();
            p.manual.push(format!(
                "sequence {name}: still used by the default of column {column} until you make its type change; then run DROP SEQUENCE IF EXISTS {shown};"
            ));
        }
        ChangeKind::Removed if !identity(p.from) => {
            p.push(Phase::Cleanup, Rank::DropSequence, format!("DROP SEQUENCE IF EXISTS {shown};"), change)
        }
        ChangeKind::Altered => {
            let (old, new) = (&p.from.sequences[&name], &p.to.sequences[&name]);
            if identity(p.to) != identity(p.from) {
                return; // becomes or stops being an identity sequence: the column change makes it
            }
            let mut clauses = Vec::new();
            if old.data_type != new.data_type {
                clauses.push(format!("AS {}", new.data_type.as_deref().unwrap_or("bigint")));
            }
            if old.options != new.options {
                clauses.extend(new.options.iter().cloned());
                // A dump names CYCLE only when it is on: turning it off must be said.
                if has_option(&old.options, "cycle") && !has_option(&new.options, "cycle") {
                    clauses.push("no cycle".to_string());
                }
                // PostgreSQL refuses limits that exclude the sequence's current value. Where the
                // new range overlaps the old one, a value outside it moves to the new limit first
                // (not yet handed out, so the next value is the limit itself); where the ranges
                // share no value, no such move is valid, and the sequence restarts at its new
                // start in the same statement.
                let (was, will) = (SequenceRange::of(old), SequenceRange::of(new));
                if will.min > was.max || will.max < was.min {
                    clauses.push(format!("restart with {}", will.start));
                } else {
                    for (value, outside, narrower) in
                        [(will.min, "<", will.min > was.min), (will.max, ">", will.max < was.max)]
                    {
                        if narrower {
                            let sequence = literal(&shown);
                            p.push(
                                Phase::Prepare,
                                Rank::Sequence,
                                format!(
                                    "SELECT pg_catalog.setval({sequence}, {value}, false) FROM {shown} WHERE last_value {outside} {value};"
                                ),
                                change,
                            );
                        }
                    }
                }
            }
            // An identity's sequence takes its column's type when that changes (phase 3): limits
            // that only the new type holds are set after it.
            let column_retyped = identity(p.to)
                && new.owned_by.as_ref().is_some_and(|owner| {
                    let column = |c: &crate::catalog::Catalog| {
                        crate::catalog::split_member(&[&c.tables], owner).and_then(|(table, column)| {
                            c.tables.get(&table)?.column(column).map(|c| c.data_type.clone())
                        })
                    };
                    column(p.from) != column(p.to)
                });
            if !clauses.is_empty() {
                let (phase, rank) =
                    if column_retyped { (Phase::Rewrite, Rank::Key) } else { (Phase::Prepare, Rank::Sequence) };
                p.push(phase, rank, format!("ALTER SEQUENCE {shown} {};", clauses.join(" ")), change);
            }
            if old.unlogged != new.unlogged {
                let word = if new.unlogged { "UNLOGGED" } else { "LOGGED" };
                p.push(Phase::Prepare, Rank::Sequence, format!("ALTER SEQUENCE {shown} SET {word};"), change);
            }
            if old.owned_by != new.owned_by && !identity(p.to) {
                // Unlinked before its owner changes, linked again after (see `Rank::SequenceLink`).
                if old.owned_by.is_some() {
                    p.push(
                        Phase::Prepare,
                        Rank::SequenceOwner,
                        format!("ALTER SEQUENCE {shown} OWNED BY NONE;"),
                        change,
                    );
                }
                if let Some(owner) = &new.owned_by {
                    link_sequence(p, &shown, owner, change);
                }
            }
        }
        _ => {}
    }
}

/// The values a sequence may take and where it starts, from its options and type with
/// PostgreSQL's defaults (ascending: 1 to the type's maximum; descending: the type's minimum to -1).
struct SequenceRange {
    min: i128,
    max: i128,
    start: i128,
}

impl SequenceRange {
    fn of(sequence: &crate::catalog::Sequence) -> SequenceRange {
        let (low, high) = match sequence.data_type.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("smallint") => (i16::MIN as i128, i16::MAX as i128),
            Some("integer") | Some("int") | Some("int4") => (i32::MIN as i128, i32::MAX as i128),
            _ => (i64::MIN as i128, i64::MAX as i128),
        };
        let value = |word: &str| option_value(&sequence.options, word);
        let increment = value("increment").unwrap_or(1);
        let min = value("minvalue").unwrap_or(if increment < 0 { low } else { 1 });
        let max = value("maxvalue").unwrap_or(if increment < 0 { -1 } else { high });
        let start = value("start").unwrap_or(if increment < 0 { max } else { min });
        SequenceRange { min, max, start }
    }
}

/// Whether a sequence's options (as the catalog keeps them, lower case) hold `word` alone.
fn has_option(options: &[String], word: &str) -> bool {
    options.iter().any(|o| o.eq_ignore_ascii_case(word))
}

/// The number after `word` in a sequence's options (`minvalue 1000` → 1000, `increment by -1`
/// → -1, `start with 5` → 5).
fn option_value(options: &[String], word: &str) -> Option<i128> {
    options.iter().find_map(|o| {
        let mut words = o.split_whitespace();
        if !words.next()?.eq_ignore_ascii_case(word) {
            return None;
        }
        let value = words.next()?;
        let value =
            if value.eq_ignore_ascii_case("by") || value.eq_ignore_ascii_case("with") { words.next()? } else { value };
        value.parse::<i128>().ok()
    })
}

/// `ALTER SEQUENCE … OWNED BY schema.table.column`, after the owners (see `Rank::SequenceLink`).
fn link_sequence(p: &mut Planner, shown: &str, owner: &str, change: &Change) {
    let sql = format!("ALTER SEQUENCE {shown} OWNED BY {};", owned_by(owner));
    p.push(Phase::Prepare, Rank::SequenceLink, sql, change);
}

/// `schema.table.column` as SQL.
fn owned_by(owner: &str) -> String {
    let parts: Vec<String> = owner.splitn(3, '.').map(ident).collect();
    parts.join(".")
}

/// `name(arguments)` for DROP FUNCTION: argument defaults left out.
/// Why a changed function cannot be replaced in place, if it cannot: CREATE OR REPLACE keeps the
/// return type, the kind, and the arguments' names and defaults, so a change of any of them drops
/// the function and creates it again.
pub(super) fn recreated_function(
    old: &crate::catalog::Function,
    new: &crate::catalog::Function,
) -> Option<&'static str> {
    if old.returns != new.returns {
        Some("the return type changes")
    } else if old.kind != new.kind || old.kind == "aggregate" {
        Some("CREATE OR REPLACE cannot change it")
    } else if old.arguments != new.arguments {
        Some("its arguments' names or defaults change")
    } else {
        None
    }
}

/// The functions the plan drops and makes again (`recreated_function`), by name.
pub(super) fn recreated_functions(p: &Planner) -> Vec<QualifiedName> {
    p.from
        .functions
        .iter()
        .filter_map(|(key, old)| {
            let new = p.to.functions.get(key)?;
            recreated_function(old, new).map(|_| old.name.clone())
        })
        .collect()
}

/// The column defaults, CHECK constraints, policies and indexes that call `function` (`schema.name(` in
/// their text): the statements that take them away (before the function is dropped) and make the
/// target's again (once it is made again, where the target still has them).
fn callers_of(p: &mut Planner, function: &QualifiedName) -> (Vec<String>, Vec<String>) {
    let call = format!("{}(", qualified(function));
    let (mut unset, mut set) = (Vec::new(), Vec::new());
    // (Only the texts naming the function's name are looked at: `schema.name(` names it.)
    let with_default: Vec<_> = p.mentions().defaults.naming_qualified(function).collect();
    for (table, column) in with_default.iter().filter(|(_, c)| c.default.as_deref().is_some_and(|d| d.contains(&call)))
    {
        let col = ident(&column.name);
        unset.push(format!("ALTER TABLE {} ALTER COLUMN {col} DROP DEFAULT;", qualified(table)));
        let target = p.to.tables.get(*table).and_then(|t| t.column(&column.name));
        if let Some(default) = target.and_then(|c| c.default.as_deref()) {
            set.push(format!("ALTER TABLE {} ALTER COLUMN {col} SET DEFAULT {default};", qualified(table)));
        }
    }
    // A generated column cannot drop its expression's call and keep it (SET EXPRESSION is
    // PostgreSQL 17): it is dropped and added again, computed by the new function.
    let generated = |c: &crate::catalog::Column| c.more.generated.as_deref().is_some_and(|g| g.contains(&call));
    for (table, column) in with_default.iter().filter(|(_, c)| generated(c)) {
        unset.push(format!("ALTER TABLE {} DROP COLUMN IF EXISTS {};", qualified(table), ident(&column.name)));
        let target =
            p.to.tables.get(*table).and_then(|t| t.column(&column.name)).filter(|c| c.more.generated.is_some());
        if let Some(target) = target {
            set.push(format!(
                "ALTER TABLE {} ADD COLUMN {};",
                qualified(table),
                super::relations::column_sql(p.to, table, target)
            ));
        }
    }
    // Functions whose argument defaults or SQL-standard bodies (which PostgreSQL binds to what they
    // call) call it: dropped and made again around it (OR REPLACE: their own change may have made
    // them already).
    let standard_body = |f: &crate::catalog::Function| {
        f.body.as_deref().is_some_and(|b| !b.starts_with(['$', '\'']) && b.contains(&call))
    };
    let defaults_call: Vec<(String, crate::catalog::Function)> = p
        .mentions()
        .callers
        .naming_qualified(function)
        .filter(|(_, f)| f.name != *function && (f.arguments.contains(&call) || standard_body(f)))
        .map(|(k, f)| (k.clone(), f.clone()))
        .collect();
    for (key, caller) in defaults_call {
        let word = if caller.kind == "procedure" { "PROCEDURE" } else { "FUNCTION" };
        unset.push(format!("DROP {word} IF EXISTS {};", signature(&caller)));
        if let (Some(source), Some(target)) = (p.to.sources.get(&format!("function {key}")), p.to.functions.get(&key)) {
            set.push(or_replace(source.trim()));
            let kind = if target.kind == "procedure" { "procedure" } else { "function" };
            let signature = signature(target);
            set.extend(p.carried_along(kind, &key, &signature));
        }
    }
    // Domain checks that call it: the checks both sides have are taken away and added again (a
    // check the domain's own change adds or drops is its change's, see `type_change`).
    let domains: Vec<_> = p.mentions().domains.naming_qualified(function).collect();
    for (name, old) in domains {
        let TypeDef::Domain { checks, .. } = old else { continue };
        let kept = match p.to.types.get(name) {
            Some(TypeDef::Domain { checks, .. }) => checks.clone(),
            _ => Vec::new(),
        };
        for check in checks.iter().filter(|c| c.contains(&call)) {
            let Some(constraint) = check.strip_prefix("constraint ").and_then(|c| c.split_whitespace().next()) else {
                continue;
            };
            unset.push(format!("ALTER DOMAIN {} DROP CONSTRAINT IF EXISTS {constraint};", qualified(name)));
            if kept.contains(check) {
                set.push(format!("ALTER DOMAIN {} ADD {check};", qualified(name)));
            }
        }
    }
    let calls = |text: &str| text.contains(&call);
    for (away, again) in
        // (A policy calling `schema.name(` names the word `name`.)
        [checks_and_indexes_reading(p, function, &calls), {
            let candidates = p.mentions().policies.naming_qualified(function);
            policies_reading(p, candidates, &|policy| policy_reads(policy, &calls))
        }]
    {
        unset.extend(away);
        set.extend(again);
    }
    (unset, set)
}

/// Constraints and indexes of the FROM side whose text `reads` says they read (a type, a function
/// call), among those naming `named` as `schema.name` ([`Named::naming_qualified`]): the statements
/// that take them away, and those that make the target's again.
fn checks_and_indexes_reading<'a>(
    p: &mut Planner<'a>,
    named: &QualifiedName,
    reads: &dyn Fn(&str) -> bool,
) -> (Vec<String>, Vec<String>) {
    let (mut away, mut again, mut remade) = (Vec::new(), Vec::new(), Vec::new());
    let mentions = p.mentions();
    let indexes: Vec<(&'a QualifiedName, &'a crate::catalog::Index)> =
        mentions.indexes.naming_qualified(named).collect();
    let constraints: Vec<(&'a QualifiedName, &'a String, &'a crate::catalog::Constraint)> =
        mentions.constraints.naming_qualified(named).collect();
    for (index_name, index) in indexes {
        if index.keys.iter().any(|k| reads(k)) || index.predicate.as_deref().is_some_and(reads) {
            away.push(format!("DROP INDEX IF EXISTS {};", qualified(index_name)));
            again.extend(p.to.indexes.get(index_name).map(|new| crate::sql::create_index(index_name, new)));
            p.remade_indexes.insert(index_name.clone());
        }
    }
    for (table, key, _) in constraints.into_iter().filter(|(_, _, c)| reads(&c.definition)) {
        away.push(format!("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {};", qualified(table), ident(key)));
        let new = p.to.tables.get(table).and_then(|t| t.constraints.get(key));
        again.extend(new.map(|new| super::relations::constraint_sql(table, key, new, new.not_valid)));
        if new.is_some() {
            remade.push((table.clone(), key.clone()));
        }
    }
    p.remade_constraints.extend(remade);
    (away, again)
}

/// Whether a policy's USING or WITH CHECK expression `reads` as `reads` says.
pub(super) fn policy_reads(policy: &crate::catalog::Policy, reads: &dyn Fn(&str) -> bool) -> bool {
    [policy.using.as_deref(), policy.with_check.as_deref()].into_iter().flatten().any(reads)
}

/// The FROM side's policies that `chosen` picks among `candidates` (all of them, or those naming a
/// word every chosen one names: [`Planner::mentions`]): the statements that drop them, and those
/// that make the target's again (from its source).
pub(super) fn policies_reading<'c>(
    p: &Planner,
    candidates: impl Iterator<Item = (&'c String, &'c crate::catalog::Policy)>,
    chosen: &dyn Fn(&crate::catalog::Policy) -> bool,
) -> (Vec<String>, Vec<String>) {
    let (mut away, mut again) = (Vec::new(), Vec::new());
    for (key, policy) in candidates.filter(|(_, policy)| chosen(policy)) {
        let name = crate::catalog::member_name(key, &policy.table);
        away.push(format!("DROP POLICY IF EXISTS {} ON {};", ident(name), qualified(&policy.table)));
        again.extend(p.to.sources.get(&format!("policy {key}")).map(|s| s.trim().to_string()));
    }
    (away, again)
}

pub(super) fn signature(function: &crate::catalog::Function) -> String {
    let arguments: Vec<&str> = crate::catalog::split_top_level(&function.arguments, ',')
        .into_iter()
        .filter(|a| !a.trim().is_empty())
        .collect();
    let arguments: Vec<String> = arguments
        .iter()
        .map(|a| {
            let lower = a.to_lowercase();
            let cut = [" default ", " = "].iter().filter_map(|m| lower.find(m)).min().unwrap_or(a.len());
            a[..cut].trim().to_string()
        })
        .collect();
    format!("{}({})", qualified(&function.name), arguments.join(", "))
}

fn function(p: &mut Planner, change: &Change) {
    let word = |f: &crate::catalog::Function| match f.kind.as_str() {
        "procedure" => "PROCEDURE",
        "aggregate" => "AGGREGATE",
        _ => "FUNCTION",
    };
    match change.change {
        ChangeKind::Added => {
            let Some(source) = source(p, change) else { return };
            let new = &p.to.functions[&change.object];
            // Another function of that name goes away: drop it first, in case the signatures clash.
            let clash: Vec<String> = p
                .removed_functions(&new.name)
                .iter()
                .map(|old| format!("DROP {} IF EXISTS {};", word(old), signature(old)))
                .collect();
            let phase = if clash.is_empty() {
                p.push(Phase::Prepare, Rank::Function, or_replace(&source), change);
                Phase::Prepare
            } else {
                // What calls the one that goes would stop its drop: taken away first, made again
                // after (calling the new one).
                let (unset, set) = callers_of(p, &new.name);
                let mut sql: Vec<String> = unset;
                sql.extend(clash);
                sql.push(source.trim().to_string());
                p.push(Phase::Rewrite, Rank::Function, sql.join("\n"), change);
                if !set.is_empty() {
                    p.push(Phase::Rewrite, Rank::Validate, set.join("\n"), change);
                }
                Phase::Rewrite
            };
            // Its owner, comment and privileges follow it (`phase_after`).
            p.created.insert(change_id(change), phase);
        }
        ChangeKind::Removed => {
            let old = &p.from.functions[&change.object];
            let sql = format!("DROP {} IF EXISTS {};", word(old), signature(old));
            p.push(Phase::Cleanup, Rank::DropFunction, sql, change);
        }
        _ => {
            let Some(source) = source(p, change) else { return };
            let (old, new) = (&p.from.functions[&change.object], &p.to.functions[&change.object]);
            if let Some(why) = recreated_function(old, new) {
                // Column defaults calling it would stop the drop: they go first and come back after
                // (the views over it are made again around this step, see `relations::recreated_views`).
                let (unset, set) = callers_of(p, &old.name);
                let mut sql = unset.join("\n");
                if !sql.is_empty() {
                    sql.push('\n');
                }
                sql.push_str(&format!("DROP {} IF EXISTS {};\n{}", word(old), signature(old), source.trim()));
                let kind = if new.kind == "procedure" { "procedure" } else { "function" };
                for carried in p.carried_along(kind, &change.object, &signature(new)) {
                    sql.push('\n');
                    sql.push_str(&carried);
                }
                // Made again after the columns they read have their new types.
                if !set.is_empty() {
                    p.push(Phase::Rewrite, Rank::Validate, set.join("\n"), change);
                }
                p.push_step(
                    Phase::Rewrite,
                    Rank::Function,
                    sql,
                    vec![change_id(change)],
                    Some(format!("{why}, so the function is dropped and created again")),
                );
                // Its owner, comment and privileges follow it (`phase_after`).
                p.created.insert(change_id(change), Phase::Rewrite);
            } else {
                p.push(Phase::Prepare, Rank::Function, or_replace(&source), change);
            }
        }
    }
}

/// The table and the name of a trigger or policy change.
fn member(change: &Change) -> Option<(QualifiedName, &str)> {
    change.key.member().map(|(table, name)| (table.clone(), name))
}

fn trigger(p: &mut Planner, change: &Change) {
    let Some((table, name)) = member(change) else { return };
    if p.views_made_again.contains(&table) {
        return; // created with its view in phase 3 (see `Planner::carried_along`)
    }
    let drop = format!("DROP TRIGGER IF EXISTS {} ON {};", ident(name), qualified(&table));
    match change.change {
        ChangeKind::Added => {
            if let Some(source) = source(p, change) {
                p.push(Phase::Prepare, Rank::Trigger, source, change);
                enabled(p, change);
            }
        }
        ChangeKind::Removed => {
            // A trigger of the same name coming on its partitioned parent (which clones it onto
            // the partition) or on a partition (beside the parent's clone): this one goes first.
            let parent = |c: &crate::catalog::Catalog, t: &QualifiedName| {
                c.tables.get(t).and_then(|t| t.more.partition_of.as_ref()).map(|(parent, _)| parent.clone())
            };
            // (Partitions are looked for only under a partitioned table.)
            let partitioned = p.to.tables.get(&table).is_some_and(|t| t.more.partition_by.is_some());
            let partitions =
                p.to.tables
                    .iter()
                    .take(if partitioned { usize::MAX } else { 0 })
                    .filter(|(_, t)| t.more.partition_of.as_ref().is_some_and(|(of, _)| *of == table))
                    .map(|(n, _)| n.clone());
            let related: Vec<QualifiedName> =
                [parent(p.to, &table), parent(p.from, &table)].into_iter().flatten().chain(partitions).collect();
            let coming = related.iter().any(|t| {
                let key = format!("{t}.{name}");
                p.to.triggers.contains_key(&key) && !p.from.triggers.contains_key(&key)
            });
            if coming {
                p.push(Phase::Prepare, Rank::FreeName, drop, change);
            } else {
                p.push(Phase::Cleanup, Rank::DropTrigger, drop, change);
            }
        }
        _ => {
            let (old, new) = (&p.from.triggers[&change.object], &p.to.triggers[&change.object]);
            if old.definition != new.definition {
                if let Some(source) = source(p, change) {
                    p.push(Phase::Prepare, Rank::Trigger, format!("{drop}\n{}", source.trim()), change);
                }
            }
            enabled(p, change);
        }
    }
}

fn enabled(p: &mut Planner, change: &Change) {
    let Some((table, name)) = member(change) else { return };
    let old = p.from.triggers.get(&change.object).and_then(|t| t.enabled.clone());
    let new = p.to.triggers.get(&change.object).and_then(|t| t.enabled.clone());
    if old == new && change.change != ChangeKind::Added {
        return;
    }
    let word = match enabled_word(new.as_deref()) {
        Some(word) => word,
        None if change.change == ChangeKind::Added => return,
        None => "ENABLE",
    };
    p.push(
        Phase::Prepare,
        Rank::Trigger,
        format!("ALTER TABLE {} {word} TRIGGER {};", qualified(&table), ident(name)),
        change,
    );
}

/// The `ALTER TABLE … <word> TRIGGER` that gives a trigger its `enabled` state; `None` for the
/// default (enabled on origin).
pub(super) fn enabled_word(enabled: Option<&str>) -> Option<&'static str> {
    match enabled {
        Some("disabled") => Some("DISABLE"),
        Some("always") => Some("ENABLE ALWAYS"),
        Some("replica") => Some("ENABLE REPLICA"),
        _ => None,
    }
}

/// The functions the script drops and makes again in phase 3 (a new signature, or a change
/// CREATE OR REPLACE cannot make), as their calls are written (`schema.name(`): what calls them
/// is made after them.
pub(super) fn remade_in_rewrite(p: &Planner) -> Vec<String> {
    let mut names = p.recreated_functions().to_vec();
    let removed: std::collections::BTreeSet<&QualifiedName> = p
        .changes_of(ObjectKind::Function)
        .filter(|c| c.change == ChangeKind::Removed)
        .filter_map(|c| p.from.functions.get(&c.object))
        .map(|f| &f.name)
        .collect();
    names.extend(
        p.changes_of(ObjectKind::Function)
            .filter(|c| c.change == ChangeKind::Added)
            .filter_map(|c| p.to.functions.get(&c.object))
            .filter(|f| removed.contains(&f.name))
            .map(|f| f.name.clone()),
    );
    names.iter().map(|n| format!("{}(", qualified(n))).collect()
}

fn policy(p: &mut Planner, change: &Change) {
    let Some((table, name)) = member(change) else { return };
    let drop = format!("DROP POLICY IF EXISTS {} ON {};", ident(name), qualified(&table));
    let create = source(p, change);
    // A policy calling a function made again in phase 3 is made after it.
    let remade = p.remade_calls();
    let calls = |policy: &crate::catalog::Policy| {
        policy_reads(policy, &|text| remade.iter().any(|call| text.contains(call.as_str())))
    };
    let calls_remade = p.to.policies.get(&change.object).is_some_and(calls);
    // So is one reading a column whose type changes there (of its table, or of another in a
    // subquery): made before, PostgreSQL would compare with the old type.
    let reads_retyped = p.to.policies.get(&change.object).is_some_and(|policy| {
        let texts: Vec<&str> = [policy.using.as_deref(), policy.with_check.as_deref()].into_iter().flatten().collect();
        p.retyped_columns().read_by(&policy.table, &texts)
    });
    let phase = if calls_remade || reads_retyped { Phase::Rewrite } else { Phase::Prepare };
    // One that already calls it is dropped before it and made again after it (`callers_of`).
    let remade_around = calls_remade && p.from.policies.get(&change.object).is_some_and(calls);
    match (change.change, create) {
        (ChangeKind::Altered, _) if remade_around => {}
        (ChangeKind::Added, Some(create)) => p.push(phase, Rank::Policy, create, change),
        (ChangeKind::Removed, _) => p.push(Phase::Cleanup, Rank::DropPolicy, drop, change),
        (_, Some(create)) => p.push(phase, Rank::Policy, format!("{drop}\n{}", create.trim()), change),
        _ => {}
    }
}

/// Objects known by their definition only: created from the target's statement, dropped by name.
fn opaque(p: &mut Planner, change: &Change, key: &str, word: &str, rank: Rank, drop_rank: Rank) {
    let drop = format!("DROP {word} IF EXISTS {};", ident(&change.object));
    let create = p.to.sources.get(&format!("{key} {}", change.object));
    match (change.change, create) {
        (ChangeKind::Added, Some(create)) => p.push(Phase::Prepare, rank, create, change),
        (ChangeKind::Removed, _) => p.push(Phase::Cleanup, drop_rank, drop, change),
        (_, Some(create)) => p.push(Phase::Prepare, rank, format!("{drop}\n{}", create.trim()), change),
        _ => {}
    }
}

fn other(p: &mut Planner, change: &Change) {
    // Keys are `<kind> <name>` (`collation public.c`, `rule r on public.t`, `cast (a as b)`).
    let Some((kind, name)) = split_kind(&change.object) else { return };
    let drop = format!("DROP {} IF EXISTS {name};", kind.to_uppercase());
    let create = p.to.sources.get(&format!("other {}", change.object));
    let (create_rank, drop_rank) = other_ranks(kind);
    if kind == "subscription" {
        return subscription(p, change, &drop, create.as_ref());
    }
    if change.change == ChangeKind::Altered {
        // A server, wrapper or user mapping whose options change is altered in place: dropping it
        // would need its foreign tables and user mappings dropped first.
        let definition = |c: &Catalog| c.other_objects.get(&change.object).map(|d| d.definition.clone());
        if let (Some(old), Some(new)) = (definition(p.from), definition(p.to)) {
            if let Some(alter) = options_in_place(kind, name, &old, &new) {
                return p.push(Phase::Prepare, create_rank, alter, change);
            }
        }
    }
    match (change.change, create) {
        (ChangeKind::Added, Some(create)) => p.push(Phase::Prepare, create_rank, create, change),
        (ChangeKind::Removed, _) => p.push(Phase::Cleanup, drop_rank, drop, change),
        (_, Some(create)) => {
            // What is built on it (a server's user mappings and foreign tables, a wrapper's
            // servers) would stop the drop: taken away first and made again after, where they do
            // not change themselves (their own change makes the target's).
            let (mut away, mut again) = built_on(p, kind, name);
            let (park, unpark) = if kind == "collation" { park_collated(p, name) } else { Default::default() };
            away.extend(park);
            again.extend(unpark);
            let mut sql = away;
            sql.push(drop);
            sql.push(create.trim().to_string());
            sql.extend(again);
            p.push(Phase::Prepare, create_rank, sql.join("\n"), change)
        }
        _ => {}
    }
}

/// The columns of FROM that use collation `name` (as written, `public.c`): statements that move
/// them to the database's default collation while it is made again, and give the target's back.
fn park_collated(p: &Planner, name: &str) -> (Vec<String>, Vec<String>) {
    let (mut park, mut unpark) = (Vec::new(), Vec::new());
    for (table, t) in &p.from.tables {
        for column in t.columns.iter().filter(|c| c.more.collation.as_deref() == Some(name)) {
            let (shown, col) = (qualified(table), ident(&column.name));
            park.push(format!(
                "ALTER TABLE {shown} ALTER COLUMN {col} TYPE {} COLLATE pg_catalog.\"default\";",
                column.data_type
            ));
            let target = p.to.tables.get(table).and_then(|t| t.column(&column.name));
            if let Some(target) = target.filter(|c| c.more.collation.as_deref() == Some(name)) {
                unpark
                    .push(format!("ALTER TABLE {shown} ALTER COLUMN {col} TYPE {} COLLATE {name};", target.data_type));
            }
        }
    }
    (park, unpark)
}

/// The other objects built on a server or foreign data wrapper `name` (user mappings and foreign
/// tables on a server, servers of a wrapper and what is built on them): statements that drop those
/// of FROM, deepest first, and that make again those the target has unchanged.
fn built_on(p: &Planner, kind: &str, name: &str) -> (Vec<String>, Vec<String>) {
    let (mut away, mut again) = (Vec::new(), Vec::new());
    let word = match kind {
        "server" => "server",
        "foreign data wrapper" => "wrapper",
        _ => return (away, again),
    };
    let on = |definition: &str| {
        let words: Vec<&str> = definition.split(|c: char| c.is_whitespace() || c == ';').collect();
        words.windows(2).any(|w| w[0] == word && w[1] == name)
    };
    for (key, object) in &p.from.other_objects {
        let Some((dependent_kind, dependent)) = split_kind(key) else { continue };
        let dependents: &[&str] = if kind == "server" { &["user mapping", "foreign table"] } else { &["server"] };
        if !dependents.contains(&dependent_kind) || !on(&object.definition) {
            continue;
        }
        let (deeper_away, deeper_again) = built_on(p, dependent_kind, dependent);
        away.extend(deeper_away);
        away.push(format!("DROP {} IF EXISTS {dependent};", dependent_kind.to_uppercase()));
        let unchanged = p.to.other_objects.get(key).is_some_and(|o| o.definition == object.definition);
        if unchanged {
            again.extend(p.to.sources.get(&format!("other {key}")).map(|s| s.trim().to_string()));
            again.extend(deeper_again);
        }
    }
    (away, again)
}

/// A normalized definition split into what comes before its `OPTIONS (…)` (the server's `VERSION`
/// left out) and the options, each `name 'value'`; the version on its own.
fn split_options(definition: &str) -> (String, Option<String>, Vec<(String, String)>) {
    let (mut head, options) = match definition.rfind(" options (") {
        Some(at) if definition.ends_with(')') => {
            let list = &definition[at + " options (".len()..definition.len() - 1];
            let options = crate::catalog::split_top_level(list, ',')
                .into_iter()
                .filter_map(|o| o.trim().split_once(' ').map(|(k, v)| (k.to_string(), v.trim().to_string())))
                .collect();
            (definition[..at].to_string(), options)
        }
        _ => (definition.to_string(), Vec::new()),
    };
    let mut version = None;
    if let Some(at) = head.find(" version '") {
        let value_start = at + " version ".len();
        let end = crate::catalog::split_top_level(&head[value_start..], ' ')[0].len();
        version = Some(head[value_start..value_start + end].to_string());
        head = format!("{}{}", &head[..at], &head[value_start + end..]);
    }
    (head, version, options)
}

/// `ALTER SERVER s [VERSION 'v'] OPTIONS (SET host 'y', ADD port '5432', DROP dbname)` (and the same
/// for wrappers and user mappings) when only options (or a server's version) differ.
fn options_in_place(kind: &str, name: &str, old: &str, new: &str) -> Option<String> {
    let target = match kind {
        "server" => format!("SERVER {}", ident(name)),
        "foreign data wrapper" => format!("FOREIGN DATA WRAPPER {}", ident(name)),
        // `user mapping for app server s`
        "user mapping" => {
            let (role, server) = name.strip_prefix("for ")?.split_once(" server ")?;
            format!("USER MAPPING FOR {role} SERVER {server}")
        }
        "text search dictionary" => return dictionary_in_place(name, old, new),
        "text search configuration" => return configuration_in_place(name, old, new),
        _ => return None,
    };
    let (old_head, old_version, old_options) = split_options(old);
    let (new_head, new_version, new_options) = split_options(new);
    if old_head != new_head {
        return None;
    }
    let mut changes = Vec::new();
    for (key, value) in &new_options {
        match old_options.iter().find(|(k, _)| k == key) {
            Some((_, before)) if before == value => {}
            Some(_) => changes.push(format!("SET {key} {value}")),
            None => changes.push(format!("ADD {key} {value}")),
        }
    }
    for (key, _) in old_options.iter().filter(|(k, _)| !new_options.iter().any(|(n, _)| n == k)) {
        changes.push(format!("DROP {key}"));
    }
    let version = match (&old_version, &new_version) {
        (a, b) if a == b => String::new(),
        (_, Some(v)) => format!(" VERSION {v}"),
        // A version cannot be taken away in place.
        (Some(_), None) => return None,
        (None, None) => String::new(),
    };
    if changes.is_empty() && version.is_empty() {
        return None;
    }
    let options = if changes.is_empty() { String::new() } else { format!(" OPTIONS ({})", changes.join(", ")) };
    Some(format!("ALTER {target}{version}{options};"))
}

/// A text search configuration on the same parser: its mappings altered, added and dropped one
/// token type at a time (dropping it would need every index and column using it dropped first).
fn configuration_in_place(name: &str, old: &str, new: &str) -> Option<String> {
    let read = |definition: &str| -> (String, BTreeMap<String, String>) {
        let mut pieces = definition.split("; ");
        let head = pieces.next().unwrap_or_default().to_string();
        let mut mappings = BTreeMap::new();
        for piece in pieces {
            let Some((_, rest)) = piece.split_once(" add mapping for ") else { continue };
            let Some((tokens, dictionaries)) = rest.split_once(" with ") else { continue };
            for token in tokens.split(',') {
                mappings.insert(token.trim().to_string(), dictionaries.trim().trim_end_matches(';').to_string());
            }
        }
        (head, mappings)
    };
    let ((old_head, old_map), (new_head, new_map)) = (read(old), read(new));
    if old_head != new_head {
        return None;
    }
    let mut sql = Vec::new();
    for (token, dictionaries) in &new_map {
        match old_map.get(token) {
            Some(before) if before == dictionaries => {}
            Some(_) => sql
                .push(format!("ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR {token} WITH {dictionaries};")),
            None => {
                sql.push(format!("ALTER TEXT SEARCH CONFIGURATION {name} ADD MAPPING FOR {token} WITH {dictionaries};"))
            }
        }
    }
    for token in old_map.keys().filter(|t| !new_map.contains_key(*t)) {
        sql.push(format!("ALTER TEXT SEARCH CONFIGURATION {name} DROP MAPPING FOR {token};"));
    }
    (!sql.is_empty()).then(|| sql.join("\n"))
}

/// `ALTER TEXT SEARCH DICTIONARY d (stopwords = 'x', accept)` when the template stays: each option
/// set to the target's value, or named alone to go back to the template's default.
fn dictionary_in_place(name: &str, old: &str, new: &str) -> Option<String> {
    let options = |definition: &str| -> Option<Vec<(String, String)>> {
        let open = definition.find('(')?;
        let list = definition[open + 1..].trim_end().strip_suffix(')')?;
        Some(
            crate::catalog::split_top_level(list, ',')
                .into_iter()
                .filter_map(|o| o.split_once('=').map(|(k, v)| (k.trim().to_string(), v.trim().to_string())))
                .collect(),
        )
    };
    let (old, new) = (options(old)?, options(new)?);
    let template = |o: &[(String, String)]| o.iter().find(|(k, _)| k == "template").map(|(_, v)| v.clone());
    if template(&old) != template(&new) {
        return None;
    }
    let mut changes: Vec<String> = new
        .iter()
        .filter(|(k, _)| k != "template")
        .filter(|option| !old.contains(option))
        .map(|(k, v)| format!("{k} = {v}"))
        .collect();
    changes.extend(old.iter().filter(|(k, _)| !new.iter().any(|(n, _)| n == k)).map(|(k, _)| k.clone()));
    if changes.is_empty() {
        return None;
    }
    Some(format!("ALTER TEXT SEARCH DICTIONARY {name} ({});", changes.join(", ")))
}

/// PostgreSQL refuses `CREATE SUBSCRIPTION` that makes a replication slot and `DROP SUBSCRIPTION`
/// of one that has a slot inside a transaction block: they run in the phases without one, created
/// once the tables it writes into exist, dropped before the cleanup drops them.
fn subscription(p: &mut Planner, change: &Change, drop: &str, create: Option<&String>) {
    let id = vec![change_id(change)];
    let dropping = "DROP SUBSCRIPTION connects to the publisher to drop the subscription's replication slot; \
                    outside a transaction, as PostgreSQL requires"
        .to_string();
    let creating = "CREATE SUBSCRIPTION outside a transaction, as PostgreSQL requires when it makes a replication slot"
        .to_string();
    match (change.change, create) {
        (ChangeKind::Removed, _) => {
            p.push_step(Phase::CleanupIndexes, Rank::DropOther, drop.to_string(), id, Some(dropping))
        }
        (ChangeKind::Added, Some(create)) => {
            p.push_step(Phase::Online, Rank::Other, create.trim().to_string(), id, Some(creating))
        }
        (_, Some(create)) => {
            let sql = format!("{drop}\n{}", create.trim());
            p.push_step(
                Phase::Online,
                Rank::Other,
                sql,
                id,
                Some(format!("{dropping}; made again as the target has it")),
            )
        }
        _ => {}
    }
}

/// Where an object of another kind is created and dropped, from what it depends on: a foreign
/// data wrapper on its handler function, a server on its wrapper, a user mapping on its server, a
/// foreign table on its server; a rule or extended statistics on its table; a column on its
/// collation. Drops run in the reverse order.
fn other_ranks(kind: &str) -> (Rank, Rank) {
    match kind {
        "collation" | "conversion" => (Rank::EarlyOther, Rank::DropOther),
        "language"
        | "procedural language"
        | "foreign data wrapper"
        | "cast"
        | "operator"
        | "operator family"
        | "access method"
        | "transform"
        | "text search parser"
        | "text search template" => (Rank::FunctionDependent, Rank::DropFunctionDependent),
        "server" | "operator class" | "text search dictionary" => (Rank::ForeignServer, Rank::DropServer),
        "user mapping" | "text search configuration" => (Rank::UserMapping, Rank::DropDependentOther),
        _ => (Rank::Other, Rank::DropDependentOther),
    }
}

/// `text search configuration public.x` → (`text search configuration`, `public.x`).
fn split_kind(key: &str) -> Option<(&str, &str)> {
    const MULTI: &[&str] = &[
        "text search configuration",
        "text search dictionary",
        "text search parser",
        "text search template",
        "foreign data wrapper",
        "user mapping",
        "operator class",
        "operator family",
        "access method",
        "materialized view",
        "event trigger",
        "foreign table",
    ];
    for kind in MULTI {
        if let Some(rest) = key.strip_prefix(kind).and_then(|r| r.strip_prefix(' ')) {
            return Some((&key[..kind.len()], rest));
        }
    }
    key.split_once(' ')
}

/// Comments, owners and grants: after the object they apply to exists.
pub(super) fn plan_access(p: &mut Planner) {
    let diff = p.diff;
    let changes = diff.changes.as_slice();
    // Looked up for every comment and privilege: a set of the names the diff holds.
    let removed: std::collections::BTreeSet<&str> =
        changes.iter().filter(|c| c.change == ChangeKind::Removed).map(|c| c.object.as_str()).collect();
    // The object itself, or what it is a member of (`public.t` for `public.t.c`) is removed.
    let gone = |object: &str| {
        removed.contains(object) || object.match_indices('.').any(|(at, _)| removed.contains(&object[..at]))
    };
    let (mut rewriting, mut looked_at) = (false, 0);
    for change in changes {
        match change.object_kind {
            ObjectKind::Comment => {
                let Some((kind, object)) = split_kind(&change.object) else { continue };
                if change.change == ChangeKind::Removed && gone(object) {
                    continue; // the object goes, and its comment with it
                }
                // A view made again loses its columns' comments, and may lose the column itself.
                let view_made_again = |relation: &str| {
                    ["view", "materialized_view"].iter().any(|k| p.created.contains_key(&format!("{k} {relation}")))
                };
                if change.change == ChangeKind::Removed
                    && kind == "column"
                    && object.rsplit_once('.').is_some_and(|(relation, _)| view_made_again(relation))
                {
                    continue;
                }
                // A dump leaves out the public schema's comment while it is the default, which
                // PostgreSQL gives every new database: that is what `to` has, not no comment.
                let default = (change.object == "schema public").then_some("standard public schema");
                let text = match p.to.comments.get(&change.object).map(String::as_str).or(default) {
                    Some(text) => literal(text),
                    None => "NULL".to_string(),
                };
                let sql = format!("COMMENT ON {} {} IS {text};", kind.to_uppercase(), object_sql(p, kind, object));
                let phase = phase_after(p, kind, object);
                p.push(phase, Rank::Access, sql, change);
            }
            // A dump leaves out the public schema's owner while it is the default, which every
            // database since PostgreSQL 14 gives it (`pg_database_owner`): that is what `to` has.
            ObjectKind::Owner if change.change == ChangeKind::Removed && change.object == "schema public" => {
                let sql = "DO $$ BEGIN IF to_regrole('pg_database_owner') IS NOT NULL THEN \
                           ALTER SCHEMA public OWNER TO pg_database_owner; END IF; END $$;"
                    .to_string();
                p.push(Phase::Prepare, Rank::Access, sql, change);
            }
            ObjectKind::Owner if change.change != ChangeKind::Removed => {
                let Some((kind, object)) = split_kind(&change.object) else { continue };
                let Some(role) = p.to.owners.get(&change.object) else { continue };
                if kind == "sequence" && linked_throughout(p, object) {
                    continue; // its table's new owner passes to it; PostgreSQL refuses it directly
                }
                let sql =
                    format!("ALTER {} {} OWNER TO {};", kind.to_uppercase(), object_sql(p, kind, object), ident(role));
                let phase = phase_after(p, kind, object);
                p.push(phase, Rank::Access, sql, change);
            }
            // A privilege on an object the script drops, or drops and makes again (which then
            // gets the target's privileges), goes with it: no revoke.
            ObjectKind::Grant if change.change != ChangeKind::Added && grant_on_gone(p, &change.object, &removed) => {}
            ObjectKind::Grant => {
                let sql = match change.change {
                    ChangeKind::Added => format!("{};", change.object),
                    _ => match undo_grant(&change.object) {
                        Some(sql) => format!("{sql};"),
                        None => continue,
                    },
                };
                // (Whether a step rewrites yet: the steps added since the last grant are looked at.)
                if !rewriting {
                    rewriting = p.steps[looked_at..].iter().any(|s| s.phase == Phase::Rewrite);
                    looked_at = p.steps.len();
                }
                let phase = if rewriting { Phase::Rewrite } else { Phase::Prepare };
                let rank = if grant_verb(&sql) == Some("revoke") { Rank::Revoke } else { Rank::Access };
                p.push(phase, rank, sql, change);
            }
            _ => {}
        }
    }
    revoke_default_privileges(p);
}

/// Whether the object a privilege is on (`grant select(b) on table public.v to r`) is one the
/// script removes or makes again.
fn grant_on_gone(p: &Planner, grant: &str, removed: &std::collections::BTreeSet<&str>) -> bool {
    let lower = grant.to_ascii_lowercase();
    let Some(at) = lower.find(" on ") else { return false };
    let rest = &grant[at + 4..];
    let Some((kind, rest)) = rest.split_once(' ') else { return false };
    let object = match rest.rfind(" to ").or_else(|| rest.rfind(" from ")) {
        Some(end) => rest[..end].trim(),
        None => return false,
    };
    let kinds: &[&str] = match kind.to_ascii_lowercase().as_str() {
        "table" => &["table", "view", "materialized_view", "foreign_table"],
        "function" | "procedure" | "routine" => &["function"],
        "sequence" => &["sequence"],
        "type" | "domain" => &["type"],
        _ => return false,
    };
    removed.contains(object) || kinds.iter().any(|k| p.created.contains_key(&format!("{k} {object}")))
}

/// `grant` or `revoke`: the verb of a privilege statement (after `alter default privileges …`).
fn grant_verb(sql: &str) -> Option<&'static str> {
    let lower = sql.to_ascii_lowercase();
    let at = |word: &str| lower.find(word).filter(|&i| i == 0 || lower[..i].ends_with(' '));
    match (at("grant "), at("revoke ")) {
        (Some(g), Some(r)) if r < g => Some("revoke"),
        (Some(_), _) => Some("grant"),
        (None, Some(_)) => Some("revoke"),
        (None, None) => None,
    }
}

/// An object the script creates gets the default privileges in force where it runs, which the
/// target's object may not have (it was created before them, or by another role): each grantee of
/// a default privilege for its kind and schema, in either catalog, loses what it was given, and
/// the target's own grants (planned as additions) give back exactly what the target has.
fn revoke_default_privileges(p: &mut Planner) {
    let defaults: Vec<(Option<String>, String, String)> = [p.from, p.to]
        .iter()
        .flat_map(|catalog| catalog.grants.iter())
        .filter_map(|grant| default_privilege(grant))
        .collect();
    if defaults.is_empty() {
        return;
    }
    let created: Vec<(String, Phase)> = p.created.iter().map(|(id, phase)| (id.clone(), *phase)).collect();
    let mut revokes: std::collections::BTreeSet<(Phase, String, String)> = Default::default();
    for (id, phase) in created {
        let Some((kind, name)) = split_kind(&id) else { continue };
        let (class, sql_kind) = match kind {
            "table" | "view" | "materialized_view" | "foreign_table" => ("tables", "TABLE"),
            "sequence" => ("sequences", "SEQUENCE"),
            "function" => ("functions", "FUNCTION"),
            "type" | "domain" => ("types", "TYPE"),
            "schema" => ("schemas", "SCHEMA"),
            _ => continue,
        };
        let schema = if kind == "schema" { None } else { name.split_once('.').map(|(s, _)| s.to_string()) };
        for (in_schema, on, grantee) in &defaults {
            let applies = on == class || (class == "functions" && on == "routines");
            if applies && (in_schema.is_none() || in_schema == &schema) {
                revokes.insert((
                    phase.max(Phase::Prepare),
                    format!("REVOKE ALL ON {sql_kind} {name} FROM {grantee};"),
                    id.clone(),
                ));
            }
        }
    }
    for (phase, sql, id) in revokes {
        let note = Some("default privileges gave it grants the target's object may not have".to_string());
        let _ = id;
        p.push_step(phase, Rank::Revoke, sql, Vec::new(), note);
    }
}

/// `alter default privileges [for role r] [in schema s] grant … on <class> to <grantees>` →
/// (schema, class, grantee) for one grantee; `None` for any other statement.
fn default_privilege(grant: &str) -> Option<(Option<String>, String, String)> {
    let rest = grant.strip_prefix("alter default privileges ")?;
    let schema =
        rest.split_once("in schema ").map(|(_, r)| r.split_whitespace().next().unwrap_or_default().to_string());
    let body = &rest[rest.find("grant ")?..];
    let (privileges, grantees) = body.rsplit_once(" to ")?;
    let class = privileges.rsplit_once(" on ")?.1.trim().to_string();
    let grantee = grantees.replace(" with grant option", "").trim().to_string();
    Some((schema, class, grantee))
}

/// Whether a sequence is linked to the same column before and after: its owner is then its
/// table's, and changes with it.
fn linked_throughout(p: &Planner, sequence: &str) -> bool {
    let link = |catalog: &crate::catalog::Catalog| {
        crate::catalog::find_shown(&catalog.sequences, sequence).and_then(|(_, s)| s.owned_by.clone())
    };
    let (old, new) = (link(p.from), link(p.to));
    old.is_some() && old == new
}

/// The phase in which statements about an object can run: after it is created.
fn phase_after(p: &Planner, kind: &str, object: &str) -> Phase {
    let base = object.split_whitespace().next().unwrap_or(object);
    let relation = base.rsplit_once('.').map_or(base, |(t, _)| t);
    let candidates = [
        format!("{} {object}", kind.replace(' ', "_")),
        // A routine's change is a `function` change whatever its kind (a function that becomes a
        // procedure, a procedure whose arguments change).
        format!("function {object}"),
        // A domain's change is a `type` change (a type can become a domain and back).
        format!("{} {object}", if kind == "domain" { "type" } else { "function" }),
        format!("table {relation}"),
        format!("table {base}"),
        format!("index {base}"),
        format!("view {base}"),
        // A view's column (`COMMENT ON COLUMN v.c`): after the view is made (again).
        format!("view {relation}"),
        format!("materialized_view {relation}"),
    ];
    let made = match kind {
        // Members added by the table's own steps, in whichever phase those run; a change names
        // them `constraint schema.table.name` where a comment says `name on schema.table`.
        "constraint" | "trigger" | "policy" => match object.split_once(" on ") {
            Some((member, table)) => p.made_in.get(&format!("{kind} {table}.{member}")).copied(),
            None => p.made_in.get(&candidates[0]).copied(),
        },
        "index" => p.made_in.get(&candidates[0]).copied(),
        _ => None,
    };
    candidates
        .iter()
        .filter_map(|c| p.created.get(c))
        .copied()
        .chain(made)
        .max()
        .unwrap_or(Phase::Prepare)
        .max(Phase::Prepare)
}

/// An object name in a comment or owner key as SQL (`column public.t.c`, `constraint c on public.t`,
/// `function public.f(x integer)`).
fn object_sql(p: &Planner, kind: &str, object: &str) -> String {
    match kind {
        "constraint" | "trigger" | "policy" | "rule" => match object.split_once(" on ") {
            Some((name, table)) => format!("{} ON {}", ident(name), table_sql(table)),
            None => object.to_string(),
        },
        "function" | "procedure" | "aggregate" => match object.split_once('(') {
            Some((name, arguments)) => format!("{}({arguments}", table_sql(name)),
            None => object.to_string(),
        },
        "column" => match crate::catalog::split_member(&[&p.to.tables, &p.from.tables], object) {
            Some((table, column)) => format!("{}.{}", qualified(&table), ident(column)),
            None => object.splitn(3, '.').map(ident).collect::<Vec<_>>().join("."),
        },
        // `public.ops using btree`: the name, then the access method.
        "operator class" | "operator family" => match object.split_once(" using ") {
            Some((name, method)) => format!("{} USING {}", table_sql(name), ident(method)),
            None => table_sql(object),
        },
        // `public.===(integer, integer)`: the operator's characters are never quoted.
        "operator" => match object.split_once('.') {
            Some((schema, rest)) => format!("{}.{rest}", ident(schema)),
            None => object.to_string(),
        },
        "schema" | "extension" | "role" | "database" | "publication" | "event trigger" | "server" => ident(object),
        _ => table_sql(object),
    }
}

/// `schema.name` as SQL: a schema name holding a dot is not told apart here (table names may).
pub(super) fn table_sql(shown: &str) -> String {
    match shown.split_once('.') {
        Some((schema, name)) => qualified(&QualifiedName::new(schema, name)),
        None => ident(shown),
    }
}

/// The statement that takes back a grant (`grant x on y to z` → `revoke x on y from z`) or a revoke.
/// `None` when the statement has no privileges and grantees to turn round (`revoke from bob`).
fn undo_grant(statement: &str) -> Option<String> {
    let statement = statement.trim_end_matches(';');
    if let Some(at) = statement.find("grant ") {
        if statement[..at].trim().is_empty() || statement[..at].ends_with(' ') {
            let (head, rest) = statement.split_at(at);
            // The grantees follow the privileges: look for ` to ` after the keyword, not in it.
            let body = &rest["grant".len()..];
            if let Some(to) = body.rfind(" to ") {
                let privileges = body[..to].trim_start();
                let grantees = body[to + 4..].replace(" with grant option", "");
                if privileges.is_empty() {
                    return None;
                }
                return Some(format!("{head}revoke {privileges} from {grantees}"));
            }
        }
    }
    if let Some(at) = statement.find("revoke ") {
        let (head, rest) = statement.split_at(at);
        let body = &rest["revoke".len()..];
        if let Some(from) = body.rfind(" from ") {
            let privileges = body[..from].trim_start();
            let grantees = &body[from + 6..];
            if privileges.is_empty() {
                return None;
            }
            return Some(format!("{head}grant {privileges} to {grantees}"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_of_servers_and_user_mappings_change_in_place() {
        let server =
            |options: &str| format!("create server remote foreign data wrapper postgres_fdw options ({options})");
        assert_eq!(
            options_in_place(
                "server",
                "remote",
                &server("host 'old', dbname 'app'"),
                &server("host 'new', port '5433'")
            )
            .as_deref(),
            Some("ALTER SERVER remote OPTIONS (SET host 'new', ADD port '5433', DROP dbname);")
        );
        let versioned = "create server remote version '2' foreign data wrapper postgres_fdw options (host 'a')";
        assert_eq!(
            options_in_place("server", "remote", &server("host 'a'"), versioned).as_deref(),
            Some("ALTER SERVER remote VERSION '2';")
        );
        // Another wrapper cannot be set in place; nor can a version be taken away.
        let other = "create server remote foreign data wrapper file_fdw options (host 'a')";
        assert_eq!(options_in_place("server", "remote", &server("host 'a'"), other), None);
        assert_eq!(options_in_place("server", "remote", versioned, &server("host 'a'")), None);
        let mapping = |user: &str| format!("create user mapping for app server remote options (user '{user}')");
        assert_eq!(
            options_in_place("user mapping", "for app server remote", &mapping("r"), &mapping("w")).as_deref(),
            Some("ALTER USER MAPPING FOR app SERVER remote OPTIONS (SET user 'w');")
        );
    }

    #[test]
    fn a_sequence_range_follows_postgresql_defaults() {
        let sequence = |data_type: &str, options: &[&str]| crate::catalog::Sequence {
            data_type: Some(data_type.to_string()),
            options: options.iter().map(|o| o.to_string()).collect(),
            ..Default::default()
        };
        let range = |s: &crate::catalog::Sequence| {
            let r = SequenceRange::of(s);
            (r.min, r.max, r.start)
        };
        assert_eq!(range(&sequence("bigint", &["start with 1", "increment by 1"])), (1, i64::MAX as i128, 1));
        assert_eq!(range(&sequence("integer", &[])), (1, i32::MAX as i128, 1));
        // Descending: from the type's minimum to -1, starting at the maximum.
        assert_eq!(range(&sequence("smallint", &["increment by -1", "minvalue -100"])), (-100, -1, -1));
        assert_eq!(range(&sequence("bigint", &["start with 5", "maxvalue 1000"])), (1, 1000, 5));
        assert_eq!(option_value(&["cache 20".into()], "cache"), Some(20));
        assert_eq!(option_value(&["no maxvalue".into()], "maxvalue"), None);
    }

    /// Found by the diff_plan fuzz target (fuzz/regressions/diff_plan/crash-ca30…): the grantee
    /// was searched in the whole statement, and `revoke from bob` found ` from ` inside `revoke `.
    #[test]
    fn a_grant_or_revoke_without_privileges_is_not_turned_round() {
        assert_eq!(undo_grant("revoke from bob"), None);
        assert_eq!(undo_grant("grant to bob"), None);
        assert_eq!(undo_grant("revoke  from bob"), None);
    }

    #[test]
    fn grants_are_undone_by_revokes_and_back() {
        assert_eq!(
            undo_grant("grant select on table public.t to bob").as_deref(),
            Some("revoke select on table public.t from bob")
        );
        assert_eq!(
            undo_grant("revoke all on function public.f() from public").as_deref(),
            Some("grant all on function public.f() to public")
        );
        assert_eq!(
            undo_grant("alter default privileges for role app in schema s grant select on tables to bob").as_deref(),
            Some("alter default privileges for role app in schema s revoke select on tables from bob")
        );
    }

    #[test]
    fn create_becomes_create_or_replace() {
        assert_eq!(or_replace("CREATE FUNCTION f() RETURNS int"), "CREATE OR REPLACE FUNCTION f() RETURNS int");
        assert_eq!(or_replace("CREATE OR REPLACE VIEW v AS SELECT 1"), "CREATE OR REPLACE VIEW v AS SELECT 1");
    }
}
