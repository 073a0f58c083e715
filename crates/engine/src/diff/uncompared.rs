//! Objects that could not be compared: a statement that creates or changes them was not understood
//! on one side (nested too deep, a syntax not read yet, cut off by the end of the file).
//!
//! Invariant: nothing not understood becomes an addition or a removal. The object is known to
//! exist on the side where its statement was not read (`NotUnderstood::object`), so whatever the
//! plain comparison said of it (the table "removed", its columns "added") is taken back and the
//! object is one [`ChangeKind::Uncompared`] change saying why. The plan writes no statement for it,
//! only a manual step, and a risk rule flags it, so `--fail-on medium` stops on it.

use super::{Change, ChangeKind, ObjectKey, ObjectKind, PropertyChange};
use crate::catalog::{Catalog, NotUnderstood, QualifiedName, StatementObject};
use std::collections::{BTreeMap, BTreeSet};

/// What each side's statements not understood say about one object: their normalized texts.
#[derive(Default)]
struct Unread<'a> {
    from: Vec<(&'a NotUnderstood, String)>,
    to: Vec<(&'a NotUnderstood, String)>,
}

/// The statements not understood that name no object, on one side, normalized: compared as text.
pub(super) fn anonymous(catalog: &Catalog) -> Vec<String> {
    catalog
        .not_understood
        .iter()
        .filter(|n| n.object.is_none() && !n.refused)
        .map(|n| crate::catalog::normalized_statement(&n.text))
        .collect()
}

/// Replaces the changes of every object whose statement was not understood on a side by one
/// `uncompared` change, and adds one for an object not understood on both sides whose statements
/// differ. `excluded` says whether a schema is left out of the comparison.
pub(super) fn apply(changes: &mut Vec<Change>, from: &Catalog, to: &Catalog, excluded: &dyn Fn(&str) -> bool) {
    let mut objects: BTreeMap<&StatementObject, Unread> = BTreeMap::new();
    for (side, catalog) in [(true, from), (false, to)] {
        for statement in &catalog.not_understood {
            let Some(object) = &statement.object else { continue };
            let entry = objects.entry(object).or_default();
            let text = crate::catalog::normalized_statement(&statement.text);
            if side {
                entry.from.push((statement, text))
            } else {
                entry.to.push((statement, text))
            }
        }
    }
    // A constraint or column of a table that is itself not compared is part of that table's entry.
    let tables: BTreeSet<&str> =
        objects.keys().filter(|o| o.kind == ObjectKind::Table).map(|o| o.name.as_str()).collect();
    let in_uncompared_table = |object: &StatementObject| {
        matches!(object.kind, ObjectKind::Column | ObjectKind::Constraint | ObjectKind::ForeignKey)
            && object.name.rsplit_once('.').is_some_and(|(table, _)| tables.contains(table))
    };
    let mut uncompared: Vec<Change> = Vec::new();
    let mut absorbed_tables: BTreeSet<String> = BTreeSet::new();
    for (object, unread) in &objects {
        let schema = object.name.split('.').next().unwrap_or("");
        if object.kind != ObjectKind::Schema && object.kind != ObjectKind::Extension && excluded(schema) {
            continue;
        }
        let same_text = texts(&unread.from) == texts(&unread.to);
        let is_part = in_uncompared_table(object);
        let covers = |change: &Change| covers(object, change);
        let had_changes = changes.iter().any(covers);
        if same_text && !had_changes {
            continue; // the same statement, not understood on both sides, and nothing else differs
        }
        changes.retain(|c| !covers(c));
        if object.kind == ObjectKind::Table {
            absorbed_tables.insert(object.name.clone());
        }
        if is_part {
            continue;
        }
        uncompared.push(Change {
            object_kind: object.kind,
            object: object.name.clone(),
            change: ChangeKind::Uncompared,
            details: vec![PropertyChange {
                property: super::Property::Read,
                from: Some(state(&unread.from, from, object)),
                to: Some(state(&unread.to, to, object)),
            }],
            key: key_of(object, to)
                .or_else(|| key_of(object, from))
                .unwrap_or_else(|| ObjectKey::Text(object.name.clone())),
            was: None,
        });
    }
    // The parts of a table not compared (its columns, constraints, comments, owner and grants) are
    // compared with nothing: whatever was said of them is taken back too.
    let of_table = |object: &str| object.rsplit_once('.').is_some_and(|(table, _)| absorbed_tables.contains(table));
    changes.retain(|c| match c.object_kind {
        ObjectKind::Column | ObjectKind::Constraint | ObjectKind::ForeignKey => !of_table(&c.object),
        ObjectKind::Comment | ObjectKind::Owner => match c.object.split_once(' ') {
            Some(("table", table)) => !absorbed_tables.contains(table),
            Some(("column", column)) => !of_table(column),
            _ => true,
        },
        ObjectKind::Grant => !absorbed_tables.iter().any(|table| c.object.contains(&format!(" on table {table} "))),
        _ => true,
    });
    changes.extend(uncompared);
}

fn texts<'t>(side: &'t [(&NotUnderstood, String)]) -> BTreeSet<&'t str> {
    side.iter().map(|(_, t)| t.as_str()).collect()
}

/// `from: understood; to: not understood: line 12: …`: how each side holds an uncompared object,
/// as the risk and the manual step say it.
pub fn sides(change: &Change) -> String {
    let read = change.details.first();
    let side = |value: Option<&String>| value.map_or("absent", String::as_str).to_string();
    format!("from: {}; to: {}", side(read.and_then(|d| d.from.as_ref())), side(read.and_then(|d| d.to.as_ref())))
}

/// Whether `change` is about `object` (a function name covers every overload).
fn covers(object: &StatementObject, change: &Change) -> bool {
    let same_kind = change.object_kind == object.kind
        || (object.kind == ObjectKind::Constraint && change.object_kind == ObjectKind::ForeignKey)
        || (object.kind == ObjectKind::ForeignKey && change.object_kind == ObjectKind::Constraint);
    if !same_kind {
        return false;
    }
    match object.kind {
        ObjectKind::Function => {
            change.object.strip_prefix(object.name.as_str()).is_some_and(|rest| rest.starts_with('('))
        }
        _ => change.object == object.name,
    }
}

/// How one side holds the object: its statements not understood (line and reason), or whether the
/// object is there, understood, or absent.
fn state(unread: &[(&NotUnderstood, String)], catalog: &Catalog, object: &StatementObject) -> String {
    if let Some((first, _)) = unread.first() {
        let more = match unread.len() {
            1 => String::new(),
            n => format!(" (and {} more statement{})", n - 1, if n == 2 { "" } else { "s" }),
        };
        return format!("not understood: line {}: {}{more}", first.line, first.reason);
    }
    if exists(catalog, object) {
        "understood".into()
    } else {
        "absent".into()
    }
}

/// The key of a statement's object in the catalog, where it was understood there. A statement
/// names its object as written (names may hold dots): this is where such a name is resolved.
fn key_of(object: &StatementObject, catalog: &Catalog) -> Option<ObjectKey> {
    let name = object.name.as_str();
    // A column or constraint: the table, of the ways the name splits at a dot, that holds it.
    let member = |holds: &dyn Fn(&crate::catalog::Table, &str) -> bool| {
        name.rmatch_indices('.').find_map(|(at, _)| {
            let (table, t) = crate::catalog::find_shown(&catalog.tables, &name[..at])?;
            let part = &name[at + 1..];
            holds(t, part).then(|| ObjectKey::Member(table.clone(), part.to_string()))
        })
    };
    let text = |present: bool| present.then(|| ObjectKey::Text(name.to_string()));
    match object.kind {
        ObjectKind::Table => qualified(&catalog.tables, name),
        ObjectKind::View | ObjectKind::MaterializedView => qualified(&catalog.views, name),
        ObjectKind::Index => qualified(&catalog.indexes, name),
        ObjectKind::Type => qualified(&catalog.types, name),
        ObjectKind::Sequence => qualified(&catalog.sequences, name),
        ObjectKind::Column => member(&|t, column| t.column(column).is_some()),
        ObjectKind::Constraint | ObjectKind::ForeignKey => member(&|t, key| t.constraints.contains_key(key)),
        ObjectKind::Schema => text(catalog.schemas.contains_key(name)),
        ObjectKind::Extension => text(catalog.extensions.contains_key(name)),
        ObjectKind::Trigger => text(catalog.triggers.contains_key(name)),
        ObjectKind::Policy => text(catalog.policies.contains_key(name)),
        ObjectKind::Function => {
            text(catalog.functions.keys().any(|k| k.strip_prefix(name).is_some_and(|r| r.starts_with('('))))
        }
        _ => None,
    }
}

fn qualified<T>(map: &BTreeMap<QualifiedName, T>, name: &str) -> Option<ObjectKey> {
    crate::catalog::find_shown(map, name).map(|(n, _)| ObjectKey::Qualified(n.clone()))
}

/// Whether the catalog holds the object (understood).
fn exists(catalog: &Catalog, object: &StatementObject) -> bool {
    key_of(object, catalog).is_some()
}
