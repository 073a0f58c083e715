//! Two catalogs → a list of typed changes, property by property.
//!
//! Direction: `from` is the database to migrate, `to` the schema it should reach; "added" means
//! present in `to` only. Architecture invariant: the diff compares catalog data only (never SQL text
//! of the dumps), and its output is ordered, so the same inputs give the same list.

mod confirmed;
mod findings;
mod inventory;
mod key;
mod kind;
mod properties;
mod property;
mod renames;
mod uncompared;
mod words;

pub use confirmed::Rename;
pub use findings::{findings, key_findings, Finding};
pub use inventory::{align_columns, inventory, table_key, table_of, ColumnPair, ColumnStatus, TableEntry, TableStatus};
pub use key::ObjectKey;
pub use kind::ObjectKind;
pub use property::Property;
pub use renames::RenameCandidate;
pub use uncompared::sides as uncompared_sides;
pub use words::{unmatched_lines, word_diff, Part, Segment};

use crate::catalog::{Catalog, QualifiedName, Table};
use properties::Properties;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Altered,
    /// A removed and an added object the user confirmed to be one object under a new name.
    Renamed,
    /// An object a statement of which was not understood on a side: known to exist there, not
    /// compared (see `uncompared.rs`). Never planned as a change, always a manual step.
    Uncompared,
}

impl ChangeKind {
    /// The word a report uses: `added`, `removed`, `altered`, `renamed`.
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Altered => "altered",
            ChangeKind::Renamed => "renamed",
            ChangeKind::Uncompared => "not compared",
        }
    }

    /// The sign a text listing uses: `+`, `-`, `~`, `>`.
    pub fn sign(self) -> char {
        match self {
            ChangeKind::Added => '+',
            ChangeKind::Removed => '-',
            ChangeKind::Altered => '~',
            ChangeKind::Renamed => '>',
            ChangeKind::Uncompared => '?',
        }
    }

    /// Whether the details are old → new values (for added and removed they describe the object).
    pub fn compares(self) -> bool {
        matches!(self, ChangeKind::Altered | ChangeKind::Renamed | ChangeKind::Uncompared)
    }
}

/// One property that differs: its value on each side (`None`: not set there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertyChange {
    pub property: Property,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// `type numeric → double precision`, with `(none)` for a value not set.
impl std::fmt::Display for PropertyChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
        write!(f, "{} {} → {}", self.property, show(&self.from), show(&self.to))
    }
}

/// Two changes are equal when they say the same (kind, object, change, details): `key` and `was`
/// are derived from `object` and the rename's old name, and a change read back from a message or
/// a file has none.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Change {
    /// What the change is about (written `table`, `column`, `index`, `foreign_key`, …).
    pub object_kind: ObjectKind,
    /// The qualified name, e.g. `public.profiles.expo_push_token` for a column.
    pub object: String,
    pub change: ChangeKind,
    /// For `altered`: each property that differs. For `added` / `removed`: the object's properties.
    pub details: Vec<PropertyChange>,
    /// How the catalogs key the object (in `to` where it is there, else in `from`): what later
    /// stages look it up by. `object` is this key written out. Not serialized.
    #[serde(skip)]
    pub key: ObjectKey,
    /// For a confirmed rename: the object's key in `from`, under its old name (boxed: few changes are
    /// renames, and every change would otherwise make room for one).
    #[serde(skip)]
    pub was: Option<Box<ObjectKey>>,
}

impl PartialEq for Change {
    fn eq(&self, other: &Change) -> bool {
        (self.object_kind, &self.object, self.change, &self.details)
            == (other.object_kind, &other.object, other.change, &other.details)
    }
}

impl Eq for Change {}

/// Something worth knowing that needs no migration, e.g. the same columns in another order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub object_kind: ObjectKind,
    pub object: String,
    pub note: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub added: usize,
    pub removed: usize,
    pub altered: usize,
    pub renamed: usize,
    /// Objects a statement of which was not understood: not compared (see [`ChangeKind::Uncompared`]).
    #[serde(default)]
    pub uncompared: usize,
}

impl Summary {
    /// Every change counted, those not compared included.
    pub fn total(&self) -> usize {
        self.added + self.removed + self.altered + self.renamed + self.uncompared
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diff {
    pub summary: Summary,
    pub changes: Vec<Change>,
    pub notes: Vec<Note>,
    /// Removed and added objects that may be one object renamed: proposed, never applied.
    pub rename_candidates: Vec<RenameCandidate>,
}

impl Diff {
    /// Added / removed / altered counts per object kind, in kind order.
    pub fn counts_by_kind(&self) -> BTreeMap<ObjectKind, Summary> {
        let mut counts: BTreeMap<ObjectKind, Summary> = BTreeMap::new();
        for change in &self.changes {
            let entry = counts.entry(change.object_kind).or_default();
            match change.change {
                ChangeKind::Added => entry.added += 1,
                ChangeKind::Removed => entry.removed += 1,
                ChangeKind::Altered => entry.altered += 1,
                ChangeKind::Renamed => entry.renamed += 1,
                ChangeKind::Uncompared => entry.uncompared += 1,
            }
        }
        counts
    }
}

/// What to leave out of the comparison ("drift controls").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffOptions {
    pub ignore_owners: bool,
    pub ignore_grants: bool,
    pub ignore_comments: bool,
    pub ignore_extension_versions: bool,
    pub ignore_storage_parameters: bool,
    /// Do not compare tablespaces of tables and indexes.
    pub ignore_tablespaces: bool,
    /// Schemas whose objects are not compared.
    pub exclude_schemas: BTreeSet<String>,
    /// Also leave out the schemas Supabase manages ([`SUPABASE_MANAGED_SCHEMAS`]).
    pub exclude_platform_schemas: bool,
    /// Renames the user confirmed (see [`Diff::rename_candidates`]): compared as one object.
    pub renames: Vec<Rename>,
    /// The user confirmed that what a cut-short target lacks is really gone: the migration keeps
    /// those removals ([`crate::plan::hold_back`]; the CLI's `--allow-truncated`).
    #[serde(default)]
    pub confirm_cut_short: bool,
    /// Table sizes the user added for each side (from, to): rewrites and index builds are levelled
    /// by what they touch, and the inventory shows them ([`crate::input::sizes`]).
    #[serde(default)]
    pub sizes: [Option<crate::input::sizes::Sizes>; 2],
    /// The PostgreSQL major version the scripts run on, when the user names it; otherwise each
    /// script assumes the version its database was dumped from ([`crate::version`]).
    #[serde(default)]
    pub target_version: Option<u32>,
}

impl DiffOptions {
    /// Whether objects in `schema` are left out of the comparison.
    pub fn excludes(&self, schema: &str) -> bool {
        self.exclude_schemas.contains(schema)
            || (self.exclude_platform_schemas && SUPABASE_MANAGED_SCHEMAS.contains(&schema))
    }
}

/// Schemas managed by Supabase itself: a one-click preset for `exclude_schemas`.
pub const SUPABASE_MANAGED_SCHEMAS: &[&str] = &[
    "auth",
    "storage",
    "realtime",
    "vault",
    "graphql",
    "graphql_public",
    "extensions",
    "supabase_migrations",
    "supabase_functions",
    "pgsodium",
    "pgsodium_masks",
    "net",
    "cron",
];

/// Compares two catalogs.
pub fn diff(from: &Catalog, to: &Catalog, options: &DiffOptions) -> Diff {
    let (renamed_from, renames) = confirmed::apply(from, to, &options.renames);
    let from = if renames.is_empty() { from } else { &renamed_from };
    let mut differ = Differ { options, changes: Vec::new(), notes: Vec::new() };
    differ.run(from, to);
    let mut changes = differ.changes;
    for confirmed::Applied { rename, was, key } in renames {
        let name =
            PropertyChange { property: Property::Name, from: Some(rename.from.clone()), to: Some(rename.to.clone()) };
        let kind = rename.object_kind;
        let same = |c: &&mut Change| c.object_kind == kind && c.key == key && c.change == ChangeKind::Altered;
        match changes.iter_mut().find(same) {
            Some(change) => {
                change.change = ChangeKind::Renamed;
                change.details.insert(0, name);
                change.was = Some(Box::new(was));
            }
            None => changes.push(Change {
                object_kind: kind,
                object: key.to_string(),
                change: ChangeKind::Renamed,
                details: vec![name],
                key,
                was: Some(Box::new(was)),
            }),
        }
    }
    uncompared::apply(&mut changes, from, to, &|schema| options.excludes(schema));
    changes.sort_by(|a, b| (a.object_kind, &a.object, a.change).cmp(&(b.object_kind, &b.object, b.change)));
    // Kept for the whole comparison: no room left over from growing.
    changes.shrink_to_fit();
    let count = |kind: ChangeKind| changes.iter().filter(|c| c.change == kind).count();
    let summary = Summary {
        added: count(ChangeKind::Added),
        removed: count(ChangeKind::Removed),
        altered: count(ChangeKind::Altered),
        renamed: count(ChangeKind::Renamed),
        uncompared: count(ChangeKind::Uncompared),
    };
    let rename_candidates = renames::rename_candidates(from, to, &changes);
    Diff { summary, changes, notes: differ.notes, rename_candidates }
}

/// The kinds of object a rename can be confirmed for.
pub const RENAMEABLE: &[ObjectKind] =
    &[ObjectKind::Table, ObjectKind::Column, ObjectKind::Index, ObjectKind::Constraint, ObjectKind::ForeignKey];

struct Differ<'a> {
    options: &'a DiffOptions,
    changes: Vec<Change>,
    notes: Vec<Note>,
}

impl Differ<'_> {
    fn excluded(&self, schema: &str) -> bool {
        self.options.excludes(schema)
    }

    fn run(&mut self, from: &Catalog, to: &Catalog) {
        let options = self.options;
        self.keyed(
            ObjectKind::Schema,
            &from.schemas,
            &to.schemas,
            |name| ObjectKey::Text(name.clone()),
            |name| Some(name.as_str()),
        );
        // An extension lives in a schema: excluding the schema excludes it and its comment.
        let excluded_extensions: BTreeSet<String> = from
            .extensions
            .iter()
            .chain(&to.extensions)
            .filter(|(_, e)| e.schema.as_ref().is_some_and(|s| options.excludes(s)))
            .map(|(name, _)| name.clone())
            .collect();
        let strip_versions = |c: &Catalog| {
            let mut extensions = c.extensions.clone();
            extensions.retain(|name, _| !excluded_extensions.contains(name));
            if options.ignore_extension_versions {
                extensions.values_mut().for_each(|e| e.version = None);
            }
            extensions
        };
        self.keyed(
            ObjectKind::Extension,
            &strip_versions(from),
            &strip_versions(to),
            |n| ObjectKey::Text(n.clone()),
            |_| None,
        );
        self.unknown_extension_versions(from, to);
        self.qualified(ObjectKind::Type, &from.types, &to.types);
        self.qualified(ObjectKind::Sequence, &from.sequences, &to.sequences);
        self.tables(from, to);
        let strip_parameters = |c: &Catalog| {
            let mut indexes = c.indexes.clone();
            if options.ignore_storage_parameters {
                indexes.values_mut().for_each(|i| i.parameters.clear());
            }
            if options.ignore_tablespaces {
                indexes.values_mut().for_each(|i| i.tablespace = None);
            }
            indexes
        };
        self.qualified(ObjectKind::Index, &strip_parameters(from), &strip_parameters(to));
        let views = |c: &Catalog, materialized: bool| -> BTreeMap<QualifiedName, crate::catalog::View> {
            c.views
                .iter()
                .filter(|(_, v)| v.materialized == materialized)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        self.qualified(ObjectKind::View, &views(from, false), &views(to, false));
        self.qualified(ObjectKind::MaterializedView, &views(from, true), &views(to, true));
        self.keyed(
            ObjectKind::Function,
            &from.functions,
            &to.functions,
            |k| ObjectKey::Text(k.clone()),
            |k| k.split('.').next(),
        );
        let trigger_key = |k: &String| on_table(k, to.triggers.get(k).or(from.triggers.get(k)).map(|t| &t.table));
        self.keyed(ObjectKind::Trigger, &from.triggers, &to.triggers, trigger_key, |k| k.split('.').next());
        let policy_key = |k: &String| on_table(k, to.policies.get(k).or(from.policies.get(k)).map(|p| &p.table));
        self.keyed(ObjectKind::Policy, &from.policies, &to.policies, policy_key, |k| k.split('.').next());
        self.keyed(
            ObjectKind::EventTrigger,
            &from.event_triggers,
            &to.event_triggers,
            |k| ObjectKey::Text(k.clone()),
            |_| None,
        );
        self.keyed(
            ObjectKind::Publication,
            &from.publications,
            &to.publications,
            |k| ObjectKey::Text(k.clone()),
            |_| None,
        );
        self.keyed(ObjectKind::Other, &from.other_objects, &to.other_objects, |k| ObjectKey::Text(k.clone()), |_| None);
        if !options.ignore_comments {
            // An extension's comment comes from its install script unless someone set another;
            // Rails' structure.sql (and `--no-comments`) leaves every one out. Extension comments
            // are compared when both sides carry them, not where one side left them all out.
            let leaves_them_out =
                |c: &Catalog| !c.extensions.is_empty() && !c.comments.keys().any(|k| k.starts_with("extension "));
            let extension_comments = !leaves_them_out(from) && !leaves_them_out(to);
            let comments = |c: &Catalog| -> BTreeMap<String, String> {
                c.comments
                    .iter()
                    .filter(|(key, _)| {
                        key.strip_prefix("extension ")
                            .is_none_or(|e| extension_comments && !excluded_extensions.contains(e))
                    })
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            };
            self.keyed(
                ObjectKind::Comment,
                &comments(from),
                &comments(to),
                |k| ObjectKey::Text(k.clone()),
                |k| comment_schema(k),
            );
        }
        if !options.ignore_owners {
            self.keyed(
                ObjectKind::Owner,
                &from.owners,
                &to.owners,
                |k| ObjectKey::Text(k.clone()),
                |k| comment_schema(k),
            );
        }
        if !options.ignore_grants {
            self.sets(ObjectKind::Grant, &from.grants, &to.grants);
        }
        let versions = |c: &Catalog| -> Vec<String> {
            c.migration_versions.iter().flat_map(|(t, v)| v.iter().map(move |v| format!("{t} {v}"))).collect()
        };
        self.sets(ObjectKind::MigrationVersion, &versions(from), &versions(to));
        // Statements not understood that name no object still count, as text: a change in them must
        // not go unnoticed. Those that name one make it `uncompared` (see `uncompared.rs`).
        self.sets(ObjectKind::Statement, &uncompared::anonymous(from), &uncompared::anonymous(to));
    }

    fn push(&mut self, object_kind: ObjectKind, key: ObjectKey, change: ChangeKind, details: Vec<PropertyChange>) {
        self.changes.push(Change { object_kind, object: key.to_string(), change, details, key, was: None });
    }

    /// Objects keyed by qualified name: added, removed, or altered property by property.
    fn qualified<T: Properties>(
        &mut self,
        kind: ObjectKind,
        from: &BTreeMap<QualifiedName, T>,
        to: &BTreeMap<QualifiedName, T>,
    ) {
        self.keyed(kind, from, to, |k| ObjectKey::Qualified(k.clone()), |k| Some(k.schema.as_str()));
    }

    fn keyed<K: Ord, T: Properties>(
        &mut self,
        kind: ObjectKind,
        from: &BTreeMap<K, T>,
        to: &BTreeMap<K, T>,
        show: impl Fn(&K) -> ObjectKey,
        schema_of: impl Fn(&K) -> Option<&str>,
    ) {
        for (key, old) in from {
            if schema_of(key).is_some_and(|s| self.excluded(s)) {
                continue;
            }
            match to.get(key) {
                None => self.push(kind, show(key), ChangeKind::Removed, described(old, Side::From)),
                Some(new) => {
                    let details = compare(old, new);
                    if !details.is_empty() {
                        self.push(kind, show(key), ChangeKind::Altered, details);
                    }
                }
            }
        }
        for (key, new) in to {
            if !from.contains_key(key) && !schema_of(key).is_some_and(|s| self.excluded(s)) {
                self.push(kind, show(key), ChangeKind::Added, described(new, Side::To));
            }
        }
    }

    /// Lists compared as sets of texts (grants, migration versions, raw statements).
    fn sets(&mut self, kind: ObjectKind, from: &[String], to: &[String]) {
        let from: BTreeSet<&String> = from.iter().collect();
        let to: BTreeSet<&String> = to.iter().collect();
        for removed in from.difference(&to) {
            self.push(kind, ObjectKey::Text((*removed).clone()), ChangeKind::Removed, Vec::new());
        }
        for added in to.difference(&from) {
            self.push(kind, ObjectKey::Text((*added).clone()), ChangeKind::Added, Vec::new());
        }
    }

    fn tables(&mut self, from: &Catalog, to: &Catalog) {
        let options = self.options;
        let prepare = |t: &Table| {
            let mut t = t.clone();
            if let Some(more) = t.more.set_mut() {
                if options.ignore_storage_parameters {
                    more.options.clear();
                }
                if options.ignore_tablespaces {
                    more.tablespace = None;
                }
            }
            t
        };
        for (name, old) in &from.tables {
            if self.excluded(&name.schema) {
                continue;
            }
            match to.tables.get(name) {
                None => {
                    self.push(
                        ObjectKind::Table,
                        ObjectKey::Qualified(name.clone()),
                        ChangeKind::Removed,
                        described(old, Side::From),
                    );
                }
                Some(new) => {
                    let (old, new) = (prepare(old), prepare(new));
                    let details = compare(&old, &new);
                    if !details.is_empty() {
                        self.push(ObjectKind::Table, ObjectKey::Qualified(name.clone()), ChangeKind::Altered, details);
                    }
                    self.columns(name, &old, &new);
                    self.constraints(name, &old, &new);
                }
            }
        }
        for (name, new) in &to.tables {
            if !from.tables.contains_key(name) && !self.excluded(&name.schema) {
                self.push(
                    ObjectKind::Table,
                    ObjectKey::Qualified(name.clone()),
                    ChangeKind::Added,
                    described(new, Side::To),
                );
            }
        }
    }

    /// A plain pg_dump writes `CREATE EXTENSION` without `VERSION`: where both sides have an
    /// extension and neither says its version, the versions are not compared, and the user is told
    /// how to compare them.
    fn unknown_extension_versions(&mut self, from: &Catalog, to: &Catalog) {
        // A dump compared with itself has nothing to compare, not even versions.
        if std::ptr::eq(from, to) || from == to {
            return;
        }
        let unknown: Vec<&str> = from
            .extensions
            .iter()
            .filter(|(name, e)| e.version.is_none() && to.extensions.get(*name).is_some_and(|t| t.version.is_none()))
            .filter(|(_, e)| !e.schema.as_ref().is_some_and(|s| self.options.excludes(s)))
            .map(|(name, _)| name.as_str())
            .collect();
        if unknown.is_empty() {
            return;
        }
        self.notes.push(Note {
            object_kind: ObjectKind::Extension,
            object: unknown.join(", "),
            note: "versions not compared: a plain pg_dump does not write them (CREATE EXTENSION has no VERSION); \
                   on each database run SELECT extname, extversion FROM pg_extension ORDER BY 1"
                .to_string(),
        });
    }

    fn columns(&mut self, table: &QualifiedName, old: &Table, new: &Table) {
        let by_name = |t: &Table| t.columns.iter().map(|c| (c.name.clone(), c.clone())).collect::<BTreeMap<_, _>>();
        let (old_columns, new_columns) = (by_name(old), by_name(new));
        self.keyed(
            ObjectKind::Column,
            &old_columns,
            &new_columns,
            |c| ObjectKey::Member(table.clone(), c.clone()),
            |_| None,
        );
        let order = |t: &Table, other: &BTreeMap<String, crate::catalog::Column>| -> Vec<String> {
            t.columns.iter().filter(|c| other.contains_key(&c.name)).map(|c| c.name.clone()).collect()
        };
        let (old_order, new_order) = (order(old, &new_columns), order(new, &old_columns));
        if old_order != new_order {
            self.notes.push(Note {
                object_kind: ObjectKind::Table,
                object: table.to_string(),
                note: format!(
                    "column order only: ({}) → ({}); no migration needed",
                    old_order.join(", "),
                    new_order.join(", ")
                ),
            });
        }
    }

    fn constraints(&mut self, table: &QualifiedName, old: &Table, new: &Table) {
        use crate::catalog::ConstraintKind;
        for foreign in [false, true] {
            let pick = |t: &Table| {
                t.constraints
                    .iter()
                    .filter(|(_, c)| (c.kind == ConstraintKind::ForeignKey) == foreign)
                    .map(|(k, c)| (k.clone(), c.clone()))
                    .collect::<BTreeMap<_, _>>()
            };
            let kind = if foreign { ObjectKind::ForeignKey } else { ObjectKind::Constraint };
            self.keyed(kind, &pick(old), &pick(new), |c| ObjectKey::Member(table.clone(), c.clone()), |_| None);
        }
    }
}

/// The key of a trigger or policy, kept in the catalog as `schema.table.name`: a member of its table.
fn on_table(key: &str, table: Option<&QualifiedName>) -> ObjectKey {
    let name = table.and_then(|t| crate::catalog::member_of(key, t).map(|n| (t, n)));
    match name {
        Some((table, name)) => ObjectKey::Member(table.clone(), name.to_string()),
        None => ObjectKey::Text(key.to_string()),
    }
}

/// The schema of a `kind schema.object…` key (comments, owners), when it names one.
fn comment_schema(key: &str) -> Option<&str> {
    let object = key.rsplit(' ').next()?;
    object.split_once('.').map(|(schema, _)| schema)
}

enum Side {
    From,
    To,
}

fn described<T: Properties>(object: &T, side: Side) -> Vec<PropertyChange> {
    object
        .properties()
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(property, value)| match side {
            Side::From => PropertyChange { property, from: Some(value), to: None },
            Side::To => PropertyChange { property, from: None, to: Some(value) },
        })
        .collect()
}

fn compare<T: Properties>(old: &T, new: &T) -> Vec<PropertyChange> {
    let new_properties: BTreeMap<Property, String> = new.properties().into_iter().collect();
    let old_properties: BTreeMap<Property, String> = old.properties().into_iter().collect();
    let mut out = Vec::new();
    for (property, old_value) in old.properties() {
        let new_value = new_properties.get(&property).cloned().unwrap_or_default();
        if old_value != new_value {
            out.push(PropertyChange {
                property,
                from: Some(old_value).filter(|v| !v.is_empty()),
                to: Some(new_value).filter(|v| !v.is_empty()),
            });
        }
    }
    for (property, new_value) in new_properties {
        if !old_properties.contains_key(&property) && !new_value.is_empty() {
            out.push(PropertyChange { property, from: None, to: Some(new_value) });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{build_catalog, read};

    fn catalog(sql: &str) -> Catalog {
        build_catalog(&read(sql))
    }

    #[test]
    fn class15_extension_versions_a_plain_dump_leaves_out_are_said_to_be_uncompared() {
        let a = "CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public; CREATE EXTENSION citext;";
        let b = "CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public; CREATE EXTENSION citext VERSION '1.6';";
        let found = diff(&catalog(a), &catalog(b), &DiffOptions::default());
        let notes: Vec<(&str, &str)> =
            found.notes.iter().map(|n| (n.object_kind.as_str(), n.object.as_str())).collect();
        assert_eq!(notes, [("extension", "pgcrypto")], "citext has a version on one side: it is compared");
        assert!(found.notes[0].note.contains("SELECT extname, extversion FROM pg_extension"));
        let none =
            diff(&catalog("CREATE TABLE t (id int);"), &catalog("CREATE TABLE t (id int);"), &DiffOptions::default());
        assert!(none.notes.is_empty());
    }

    /// Renders a diff as `~ column public.t.c: type integer → bigint` lines, the form tests compare.
    fn check(from: &str, to: &str, expected: &[&str]) {
        let diff = diff(&catalog(from), &catalog(to), &DiffOptions::default());
        let lines: Vec<String> = diff
            .changes
            .iter()
            .map(|c| {
                let sign = c.change.sign();
                let details: Vec<String> = match c.change {
                    ChangeKind::Altered | ChangeKind::Renamed => c
                        .details
                        .iter()
                        .map(|d| {
                            format!(
                                "{} {} → {}",
                                d.property,
                                d.from.as_deref().unwrap_or("∅"),
                                d.to.as_deref().unwrap_or("∅")
                            )
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                let details = if details.is_empty() { String::new() } else { format!(": {}", details.join("; ")) };
                format!("{sign} {} {}{details}", c.object_kind, c.object)
            })
            .collect();
        assert_eq!(lines, expected);
    }

    #[test]
    fn extension_comments_compare_when_both_sides_carry_them() {
        let dump = |comment: &str| {
            format!("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public; COMMENT ON EXTENSION pg_trgm IS '{comment}';")
        };
        let plain = dump("text similarity measurement and index searching based on trigrams");
        check(&plain, &dump("trigrams"), &["~ comment extension pg_trgm: value text similarity measurement and index searching based on trigrams → trigrams"]);
        // Rails' structure.sql (and `--no-comments`) leaves every extension comment out.
        let rails = "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;";
        check(&plain, rails, &[]);
        check(rails, &dump("trigrams"), &[]);
    }

    #[test]
    fn a_catalog_compared_with_itself_has_no_changes() {
        let sql = "CREATE TABLE t (id int PRIMARY KEY, a text DEFAULT 'x'); CREATE INDEX i ON t (a);";
        check(sql, sql, &[]);
    }

    #[test]
    fn columns_added_removed_and_altered() {
        check(
            "CREATE TABLE t (id int, a numeric, b text);",
            "CREATE TABLE t (id bigint NOT NULL, a double precision, c text DEFAULT 'x');",
            &[
                "~ column public.t.a: type numeric → double precision",
                "- column public.t.b",
                "+ column public.t.c",
                "~ column public.t.id: type integer → bigint; not null ∅ → yes",
            ],
        );
    }

    #[test]
    fn counts_by_kind_add_up_to_the_summary() {
        let old = catalog("CREATE TABLE t (a int); CREATE INDEX i ON t (a);");
        let new = catalog("CREATE TABLE t (a bigint, b int); CREATE TABLE u (x int);");
        let result = diff(&old, &new, &DiffOptions::default());
        let counts = result.counts_by_kind();
        assert_eq!(
            counts[&ObjectKind::Column],
            Summary { added: 1, removed: 0, altered: 1, renamed: 0, uncompared: 0 }
        );
        assert_eq!(counts[&ObjectKind::Index], Summary { added: 0, removed: 1, altered: 0, renamed: 0, uncompared: 0 });
        assert_eq!(counts[&ObjectKind::Table], Summary { added: 1, removed: 0, altered: 0, renamed: 0, uncompared: 0 });
        let total: usize = counts.values().map(|s| s.added + s.removed + s.altered).sum();
        assert_eq!(total, result.changes.len());
    }

    #[test]
    fn column_order_alone_is_a_note_not_a_change() {
        let old = catalog("CREATE TABLE t (a int, b int);");
        let new = catalog("CREATE TABLE t (b int, a int);");
        let diff = diff(&old, &new, &DiffOptions::default());
        assert!(diff.changes.is_empty(), "{:?}", diff.changes);
        assert_eq!(diff.notes.len(), 1);
        assert!(diff.notes[0].note.starts_with("column order only"));
    }

    #[test]
    fn index_method_and_parameters() {
        check(
            "CREATE TABLE t (v text); CREATE INDEX i ON t USING gin (v gin_trgm_ops);",
            "CREATE TABLE t (v text); CREATE INDEX i ON t USING gist (v gist_trgm_ops(siglen = 64)) WITH (fillfactor = 80);",
            &["~ index public.i: method gin → gist; keys v gin_trgm_ops → v gist_trgm_ops(siglen = 64); parameters ∅ → fillfactor=80"],
        );
    }

    #[test]
    fn drift_controls_leave_out_what_the_user_ignores() {
        let old = catalog("CREATE SCHEMA auth; CREATE TABLE auth.users (id int); COMMENT ON TABLE public.x IS 'a';");
        let new = catalog("CREATE SCHEMA auth; CREATE TABLE auth.users (id bigint); COMMENT ON TABLE public.x IS 'b';");
        let options = DiffOptions {
            ignore_comments: true,
            exclude_schemas: ["auth".to_string()].into_iter().collect(),
            ..DiffOptions::default()
        };
        assert!(diff(&old, &new, &options).changes.is_empty());
        let preset = DiffOptions { ignore_comments: true, exclude_platform_schemas: true, ..DiffOptions::default() };
        assert!(diff(&old, &new, &preset).changes.is_empty(), "auth is a Supabase-managed schema");
        assert_eq!(diff(&old, &new, &DiffOptions::default()).changes.len(), 2);
    }

    #[test]
    fn statements_not_understood_still_count() {
        check("VACUUM t;", "VACUUM   t;", &[]);
        check("VACUUM t;", "VACUUM u;", &["- statement vacuum t", "+ statement vacuum u"]);
    }

    fn renamed(kind: &str, from: &str, to: &str) -> DiffOptions {
        let kind = ObjectKind::parse(kind).expect("a kind");
        let rename = Rename { object_kind: kind, from: from.into(), to: to.into() };
        DiffOptions { renames: vec![rename], ..DiffOptions::default() }
    }

    #[test]
    fn a_confirmed_column_rename_is_one_change_and_carries_its_index_and_constraints() {
        let old = catalog(
            "CREATE TABLE c (id int PRIMARY KEY, fullname text NOT NULL CONSTRAINT c_name_check CHECK (fullname <> ''));
             CREATE INDEX c_name ON c (lower(fullname));",
        );
        let new = catalog(
            "CREATE TABLE c (id int PRIMARY KEY, full_name text NOT NULL CONSTRAINT c_name_check CHECK (full_name <> ''));
             CREATE INDEX c_name ON c (lower(full_name));",
        );
        assert_eq!(diff(&old, &new, &DiffOptions::default()).changes.len(), 4, "unconfirmed: removed and added");
        let result = diff(&old, &new, &renamed("column", "public.c.fullname", "public.c.full_name"));
        let lines: Vec<String> =
            result.changes.iter().map(|c| format!("{} {} {}", c.change.sign(), c.object_kind, c.object)).collect();
        assert_eq!(lines, ["> column public.c.full_name"], "{:?}", result.changes);
        assert_eq!(result.changes[0].details[0].from.as_deref(), Some("public.c.fullname"));
        assert_eq!(result.summary.renamed, 1);
        assert!(result.rename_candidates.is_empty());
    }

    #[test]
    fn a_confirmed_table_rename_keeps_indexes_references_and_shows_other_changes() {
        let old = catalog(
            "CREATE TABLE people (id int PRIMARY KEY, name text); CREATE INDEX people_name ON people (name);
             CREATE TABLE notes (id int, person_id int REFERENCES people(id));",
        );
        let new = catalog(
            "CREATE TABLE persons (id int PRIMARY KEY, name text, email text); CREATE INDEX people_name ON persons (name);
             CREATE TABLE notes (id int, person_id int REFERENCES persons(id));",
        );
        let result = diff(&old, &new, &renamed("table", "public.people", "public.persons"));
        let lines: Vec<String> =
            result.changes.iter().map(|c| format!("{} {} {}", c.change.sign(), c.object_kind, c.object)).collect();
        // The primary key keeps its old name (PostgreSQL does not rename it): a real difference.
        assert!(lines.contains(&"> table public.persons".to_string()), "{lines:?}");
        assert!(lines.contains(&"+ column public.persons.email".to_string()), "{lines:?}");
        assert!(!lines.iter().any(|l| l.contains("index") || l.contains("notes")), "{lines:?}");
    }

    #[test]
    fn a_rename_that_does_not_fit_the_pair_is_left_out() {
        let old = catalog("CREATE TABLE a (x int);");
        let new = catalog("CREATE TABLE a (x int); CREATE TABLE b (x int);");
        let result = diff(&old, &new, &renamed("table", "public.a", "public.b"));
        assert_eq!(result.summary.renamed, 0);
        assert_eq!(result.summary.added, 1);
    }

    #[test]
    fn tablespaces_are_compared_unless_ignored() {
        let old = catalog("SET default_tablespace = '';\nCREATE TABLE t (a int);\nCREATE INDEX i ON t (a);");
        let new = catalog("SET default_tablespace = fast;\nCREATE TABLE t (a int);\nCREATE INDEX i ON t (a);\nSET default_tablespace = '';\nCREATE TABLE u (a int);");
        let result = diff(&old, &new, &DiffOptions::default());
        let altered: Vec<(&str, &str)> = result
            .changes
            .iter()
            .filter(|c| c.change == ChangeKind::Altered)
            .map(|c| (c.object.as_str(), c.details[0].property.as_str()))
            .collect();
        assert_eq!(altered, [("public.i", "tablespace"), ("public.t", "tablespace")]);
        assert_eq!(new.tables[&QualifiedName::new("public", "u")].more.tablespace, None);
        let ignoring = DiffOptions { ignore_tablespaces: true, ..DiffOptions::default() };
        assert!(diff(&old, &new, &ignoring).changes.iter().all(|c| c.change != ChangeKind::Altered));
    }
}
